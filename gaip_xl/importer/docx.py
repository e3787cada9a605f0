"""A Word document (.docx) → paragraphs and tables in body order (python-docx), merged cells expanded.

The package is checked for bombs first (``sniff.open_zip``); python-docx parses its XML with entities unresolved.
A cell spanning columns (``w:gridSpan``) stands in its first grid column and covers the next ones; a cell continuing a
vertical merge (``w:vMerge`` without "restart") is covered by the cell above when a merge comes down to it (else
it is a cell of its own, so no figure is dropped); ``w:gridBefore`` leaves leading
positions empty. Covered positions are ``None``, as in every grid.

The document is read as it shows with its tracked changes accepted: text deleted or moved away (``w:del``,
``w:moveFrom``), rows deleted and hidden text (``w:vanish``) are left out, inserted text is read. Wrappers Word puts
around paragraphs, tables, rows and cells (content controls ``w:sdt``, custom XML ``w:customXml``) are looked
through, so a cell inside a content control is read in its place; of the two forms of a text box
(``mc:AlternateContent``) only the first is read.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from ..errors import DocumentUnreadable, XmlAttack
from ..files import ZIP_ERRORS
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell, clip_spans
from .sniff import open_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_WRAPPERS = (f"{_W}sdt", f"{_W}customXml")
_REMOVED = frozenset({f"{_W}del", f"{_W}moveFrom"})  # tracked changes: what the accepted document no longer holds


def read_docx(data: bytes, path: str | None = None) -> Document:
    import docx

    archive = open_zip(path, data)
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")):
            try:
                head = archive.read(name)
            except ZIP_ERRORS:
                detail = f"内部文件“{name}”无法解压：已损坏，或用了不支持的压缩方式"
                raise DocumentUnreadable(path, detail=detail) from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise XmlAttack(path, part=name)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds of errors on damaged packages
        raise DocumentUnreadable(path, detail=f"Word 文档无法打开（{type(exc).__name__}）") from None
    document = Document("docx")
    _blocks(word.element.body, document, [0, 0])
    document.images = sum(1 for _ in word.element.body.iter(f"{_W}drawing", f"{_W}pict"))
    return document


def _blocks(parent: Any, document: Document, counts: list[int]) -> None:
    """Paragraphs and tables in body order; a table holding tables is page layout: its cells are read as blocks."""
    for element in _children(parent, f"{_W}p", f"{_W}tbl"):
        if element.tag == f"{_W}p":
            text = _text(element)
            if text.strip() and not PAGE_NUMBER.match(text):
                counts[0] += 1
                document.blocks.append(Paragraph(text.strip(), {"paragraph": counts[0]}))
        elif element.find(f".//{_W}tbl") is not None:  # a table holding tables: its own cells, read as blocks
            for row in _rows(element):
                for cell in _children(row, f"{_W}tc"):
                    _blocks(cell, document, counts)
        else:
            document.blocks.append(_grid(element, counts[1]))
            counts[1] += 1


def _children(parent: Any, *tags: str) -> Iterator[Any]:
    """The children of ``parent`` with one of ``tags``, in order, looking through content controls and custom XML
    (a row's cell inside a ``w:sdt`` is still the row's cell, in its place)."""
    for element in parent.iterchildren():
        if element.tag in tags:
            yield element
        elif element.tag in _WRAPPERS:
            content = element.find(f"{_W}sdtContent") if element.tag == f"{_W}sdt" else element
            if content is not None:
                yield from _children(content, *tags)


def _rows(table: Any) -> Iterator[Any]:
    """A table's rows, less those deleted as a tracked change."""
    for row in _children(table, f"{_W}tr"):
        if row.find(f"{_W}trPr/{_W}del") is None:
            yield row


def _text(element: Any) -> str:
    """A paragraph's text: runs joined, tabs as spaces, breaks as new lines; text a tracked change removed is left
    out, and of a text box's two forms only the first is read."""
    parts: list[str] = []
    _gather(element, parts)
    return "".join(parts)


def _gather(node: Any, parts: list[str]) -> None:
    for child in node.iterchildren():
        tag = child.tag
        if tag == f"{_W}t":
            parts.append(child.text or "")
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_MC}AlternateContent":
            first = next(iter(child), None)
            if first is not None:
                _gather(first, parts)
        elif tag == f"{_W}r" and _hidden(child):
            continue
        elif tag not in _REMOVED and isinstance(tag, str):
            _gather(child, parts)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (字体 → 隐藏, ``w:vanish``): not printed, not shown in the published page."""
    vanish = run.find(f"{_W}rPr/{_W}vanish")
    return vanish is not None and vanish.get(f"{_W}val", "true").lower() not in ("false", "0", "off")


def _grid(table: Any, index: int) -> Grid:
    rows: list[list[SourceCell | None]] = []
    merging: set[int] = set()  # grid columns where a vertical merge comes down from the row above
    for r, tr in enumerate(_rows(table)):
        row: list[SourceCell | None] = []
        merged: set[int] = set()
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        for _ in range(_int(before)):  # cells left out at the start of the row
            row.append(SourceCell("", {"table": index, "row": r, "col": len(row)}))
        for tc in _children(tr, f"{_W}tc"):
            properties = tc.find(f"{_W}tcPr")
            span = _int(properties.find(f"{_W}gridSpan")) if properties is not None else 1
            merge = properties.find(f"{_W}vMerge") if properties is not None else None
            column = len(row)
            # a continuation with no merge above it continues nothing: its text is the cell's own, never dropped
            continued = merge is not None and merge.get(f"{_W}val") in (None, "continue") and column in merging
            if continued or (merge is not None and merge.get(f"{_W}val") == "restart"):
                merged.update(range(column, column + max(span, 1)))  # the merge goes on below (an orphan starts none)
            if continued:
                row.append(None)
            else:
                text = "\n".join(_text(p) for p in _children(tc, f"{_W}p"))
                row.append(SourceCell(text.strip(), {"table": index, "row": r, "col": column}))
            row.extend([None] * (max(span, 1) - 1))
        rows.append(row)
        merging = merged
    return Grid(clip_spans(rows), {"table": index}, aligned=True)


def _int(element: Any) -> int:
    if element is None:
        return 0
    try:
        return max(0, min(int(element.get(f"{_W}val", "1")), 100))
    except ValueError:
        return 1
