"""A web page → paragraphs and tables, repaired as a browser would (html5lib building an lxml tree).

The charset is the page's BOM or declaration, else UTF-8, else detected (GBK/GB18030 pages without a declaration).
Tables are expanded into grids: a cell spanning rows or columns stands in its top-left position and the positions it
covers are ``None`` (spans bounded); ``&nbsp;`` cells are empty; ``<br>`` inside a cell is a line break. A table that
holds other tables is page layout: its content is read as ordinary blocks. Scripts and styles are never read. HTML
has no DTD here: html5lib knows only HTML's own named character references, so no entity is ever expanded from the
document itself (no billion laughs), and nothing is fetched.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ..errors import DocumentUnreadable
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell
from .textcodec import decode

MAX_SPAN = 100
MAX_GRID_CELLS = 50_000
_SKIP = frozenset({"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "math"})
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
                     "header", "footer", "blockquote", "pre", "center", "table", "tr", "dd", "dt", "dl", "body",
                     "main", "nav", "form", "fieldset", "address", "figure", "figcaption", "hr"})


def read_html(data: bytes, path: str | None = None) -> Document:
    root = _parse(decode(data, html=True), path)
    reader = _Reader()
    body = root.find(".//body")
    reader.walk(body if body is not None else root.getroot())
    reader.flush()
    if not any(isinstance(b, Grid) for b in reader.blocks) and (embedded := _embedded_report(root)):
        # the page shows its report through a script: read the markup the script holds, as text (never run it)
        reader = _Reader()
        inner = _parse(embedded, path).find(".//body")
        if inner is not None:
            reader.walk(inner)
        reader.flush()
        for block in reader.blocks:
            block.where["script"] = True
            for row in block.rows if isinstance(block, Grid) else ():
                for cell in row:
                    if cell is not None:
                        cell.where["script"] = True
    title = root.find(".//title")
    document = Document("html", blocks=reader.blocks)
    if title is not None and title.text and not _has_title(reader.blocks):
        document.blocks.insert(0, Paragraph(title.text.strip(), {"element": "title"}))
    return document


def _parse(text: str, path: str | None) -> Any:
    import html5lib

    try:
        with warnings.catch_warnings():  # Word's "o:p" tags: html5lib renames them for lxml and says so
            warnings.simplefilter("ignore")
            return html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)
    except Exception as exc:  # html5lib repairs nearly anything; say so if it cannot
        raise DocumentUnreadable(path, detail=f"网页无法解析（{type(exc).__name__}）") from None


_JS_STRING = re.compile(r""""((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'|`((?:[^`\\]|\\.)*)`""", re.S)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}
MAX_SCRIPT_CHARS = 4 * 1024 * 1024


def _embedded_report(root: Any) -> str:
    """The markup of tables held as string literals in the page's scripts, unescaped (\\u003c, \\x3c, \\", \\/)."""
    found = []
    for script in root.iter("script"):
        code = script.text or ""
        if len(code) > MAX_SCRIPT_CHARS or "table" not in code.lower():
            continue
        for match in _JS_STRING.finditer(code):
            literal = next(g for g in match.groups() if g is not None)
            text = _JS_ESCAPE.sub(_unescape, literal)
            if "<table" in text.lower():
                found.append(text)
    return "<html><body>" + "".join(found) + "</body></html>" if found else ""


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    if code.startswith("u{"):
        point = min(int(code[2:-1], 16), 0x10FFFF)
        return "\ufffd" if 0xD800 <= point <= 0xDFFF else chr(point)
    if code[0] in "ux" and len(code) > 1:
        point = int(code[1:], 16)
        return "\ufffd" if 0xD800 <= point <= 0xDFFF else chr(point)  # half of a pair: not text on its own
    return _JS_SIMPLE.get(code, code)


def _has_title(blocks: list[Any]) -> bool:
    return any(isinstance(b, Paragraph) and "报告" in b.text for b in blocks[:5])


class _Reader:
    def __init__(self) -> None:
        self.blocks: list[Any] = []
        self.inline: list[str] = []
        self.tables = 0
        self.paragraphs = 0

    def flush(self) -> None:
        text = "".join(self.inline)
        self.inline = []
        for line in text.split("\n"):
            line = " ".join(line.replace("\u00a0", " ").split())
            if line and not PAGE_NUMBER.match(line):
                self.paragraphs += 1
                self.blocks.append(Paragraph(line, {"paragraph": self.paragraphs}))

    def walk(self, element: Any) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.split("}")[-1].lower()
        if tag in _SKIP or not tag:
            return
        if tag == "br":
            self.inline.append("\n")
            return
        if tag == "table" and not element.xpath(".//table"):
            self.flush()
            self.blocks.append(self._grid(element))
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
        if element.text:
            self.inline.append(element.text)
        for child in element:
            self.walk(child)
            if child.tail:
                self.inline.append(child.tail)
        if block or tag in ("td", "th"):
            self.flush()

    def _grid(self, table: Any) -> Grid:
        index = self.tables
        self.tables += 1
        rows: list[list[SourceCell | None]] = []
        pending: dict[tuple[int, int], bool] = {}  # positions covered by a cell spanning rows from above
        for r, tr in enumerate(table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")):
            row: list[SourceCell | None] = []
            c = 0
            for td in tr.xpath("./td|./th"):
                while pending.pop((r, c), False):
                    row.append(None)
                    c += 1
                colspan, rowspan = _span(td.get("colspan")), _span(td.get("rowspan"))
                row.append(SourceCell(_cell_text(td), {"table": index, "row": r, "col": c}))
                row.extend([None] * (colspan - 1))
                for down in range(1, rowspan):
                    for across in range(colspan):
                        pending[(r + down, c + across)] = True
                c += colspan
                if (r + 1) * max(c, 1) > MAX_GRID_CELLS:
                    raise DocumentUnreadable(detail=f"第 {index + 1} 个表格过大（超过 {MAX_GRID_CELLS} 个单元格）")
            while pending.pop((r, c), False):
                row.append(None)
                c += 1
            rows.append(row)
        return Grid(rows, {"table": index}, aligned=True)


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), MAX_SPAN))
    except (TypeError, ValueError):
        return 1


def _cell_text(cell: Any) -> str:
    parts: list[str] = []

    def collect(element: Any) -> None:
        tag = element.tag.split("}")[-1].lower() if isinstance(element.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "br":
            parts.append("\n")
        elif tag in ("p", "div") and parts:
            parts.append("\n")
        if element.text and tag not in _SKIP:
            parts.append(element.text)
        for child in element:
            collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(cell)
    return "\n".join(" ".join(line.replace("\u00a0", " ").split()) for line in "".join(parts).split("\n")).strip()
