"""Plain text and Markdown → paragraphs and rows, in the shapes copied reports come in.

- **One cell per line** (text copied off a portal page, seed-000/004): each cell on its own line after a tab, a blank
  line between rows; a line holding only a tab is an empty cell.
- **Tab-separated rows** (seed-001): a line with tabs between its cells is a row (rows broken at page ends stay
  broken; the interpreter joins what it can and reports the rest).
- **Pipe tables** (Markdown): ``| a | b |`` rows; the ``|---|`` line is skipped.
Everything else is a paragraph; page numbers ("-3-") are skipped. Markdown heading marks and bold are dropped only
from a document that is Markdown (it has a "#" heading or a pipe table's ``|---|`` line): in text copied off a page,
"**" and "__" are what the clerk typed.
Rows copied as text have no real columns: those grids are not ``aligned``, so figures are placed by counting; a pipe
table's columns are real (every row has a cell per column, merged cells left empty), so its grid is aligned.
"""

from __future__ import annotations

import re

from ..errors import DocumentTooLarge
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell

_PIPE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_MARKDOWN = re.compile(r"^\s{0,3}#{1,6}\s+|\*\*|__")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")


MAX_LINES = 50_000  # a report copied as text is a few hundred lines; the matching costs grow with the lines


def read_text(text: str) -> Document:
    document = Document("text")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(lines) > MAX_LINES:
        raise DocumentTooLarge(detail=f"文本有 {len(lines)} 行，上限为 {MAX_LINES} 行")
    rows: list[list[SourceCell | None]] = []
    cell_row: list[SourceCell | None] = []
    piped = False  # the rows being gathered are a pipe table: its columns are real
    markdown = _is_markdown(lines)

    def unmarked(text: str) -> str:
        return _MARKDOWN.sub("", text) if markdown else text

    def flush_cells() -> None:
        nonlocal cell_row
        if cell_row:
            rows.append(cell_row)
            cell_row = []

    def flush_rows() -> None:
        flush_cells()
        if rows:
            document.blocks.append(Grid(list(rows), {"line": _first_line(rows)}, aligned=piped))
            rows.clear()

    def mode(pipe: bool) -> None:
        nonlocal piped
        if pipe != piped:
            flush_rows()
            piped = pipe

    for number, raw in enumerate(lines, start=1):
        line = raw.rstrip("\n")
        if PAGE_NUMBER.match(line) and line.strip():
            continue
        if not line.strip() and "\t" not in line:  # a blank line ends a one-cell-per-line row
            flush_cells()
            continue
        if line.startswith("\t") and "\t" not in line[1:]:
            mode(False)
            cell_row.append(SourceCell(line[1:], {"line": number}))
            continue
        if "\t" in line:
            mode(False)
            flush_cells()
            rows.append([SourceCell(part, {"line": number, "col": i}) for i, part in enumerate(line.split("\t"))])
            continue
        stripped = line.strip()
        # a pipe row only in Markdown (a document with a |---| line or a # heading): in text copied off a page, a
        # line of the clerk's own that starts and ends with "|" is prose, and "||" alone is never a row
        if markdown and stripped.startswith("|") and stripped.count("|") >= 2 and stripped.strip("| "):
            mode(True)
            flush_cells()
            if not _PIPE_SEPARATOR.match(stripped):
                parts = stripped.strip("|").split("|")
                rows.append([SourceCell(unmarked(p).strip(), {"line": number, "col": i})
                             for i, p in enumerate(parts)])
            continue
        flush_rows()
        document.blocks.append(Paragraph(unmarked(line).strip(), {"line": number}))
    flush_rows()
    return document


def _is_markdown(lines: list[str]) -> bool:
    return any(_MARKDOWN_HEADING.match(line) or _PIPE_SEPARATOR.match(line.strip()) for line in lines
               if "|" in line or "#" in line)


def _first_line(rows: list[list[SourceCell | None]]) -> int:
    for row in rows:
        for cell in row:
            if cell is not None:
                return int(cell.where["line"])
    return 0
