"""A web page → paragraphs and tables, repaired as a browser would (html5lib building an lxml tree).

The charset is the page's BOM or declaration, else UTF-8, else detected (GBK/GB18030 pages without a declaration).
Tables are expanded into grids: a cell spanning rows or columns stands in its top-left position and the positions it
covers are ``None`` (spans bounded); ``&nbsp;`` cells are empty; ``<br>`` inside a cell is a line break. A table that
holds other tables is page layout: its content is read as ordinary blocks. What a browser does not show (hidden,
display:none, comments, templates: ``visible.py``) is taken out first. Scripts and styles are never read. HTML
has no DTD here: html5lib knows only HTML's own named character references, so no entity is ever expanded from the
document itself (no billion laughs), and nothing is fetched.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from ..errors import DocumentUnreadable
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell, clip_spans
from .textcodec import decode
from .visible import remove_unseen

MAX_SPAN = 100
MAX_GRID_CELLS = 50_000
_SKIP = frozenset({"script", "style", "head", "noscript", "template", "iframe", "object", "svg", "math"})
_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
                     "header", "footer", "blockquote", "pre", "center", "table", "tr", "dd", "dt", "dl", "body",
                     "main", "nav", "form", "fieldset", "address", "figure", "figcaption", "hr"})


def read_html(data: bytes, path: str | None = None) -> Document:
    root = _parse(decode(data, html=True), path)
    hidden_tables = remove_unseen(root)
    reader = _Reader()
    body = root.find(".//body")
    reader.walk(body if body is not None else root.getroot())
    reader.flush()
    if not any(isinstance(b, Grid) for b in reader.blocks) and (embedded := _embedded_report(root)):
        # the page shows its report through a script: read the markup the script holds, as text (never run it)
        reader = _Reader()
        inner_root = _parse(embedded, path)
        hidden_tables += remove_unseen(inner_root)
        inner = inner_root.find(".//body")
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
    document = Document("html", blocks=reader.blocks, hidden_tables=hidden_tables,
                        images=sum(1 for _ in (body if body is not None else root.getroot()).iter("img")))
    if title is not None and title.text and not _has_title(reader.blocks):
        document.blocks.insert(0, Paragraph(title.text.strip(), {"element": "title"}))
    return document


def _parse(text: str, path: str | None) -> Any:
    import html5lib

    _check_nesting(_open_depth(text), path)  # before html5lib, whose time grows with the square of the depth
    try:
        with warnings.catch_warnings():  # Word's "o:p" tags: html5lib renames them for lxml and says so
            warnings.simplefilter("ignore")
            root = html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)
    except Exception as exc:  # html5lib repairs nearly anything; say so if it cannot
        raise DocumentUnreadable(path, detail=f"网页无法解析（{type(exc).__name__}）") from None
    _check_nesting(_tree_depth(root), path)  # the tree as repaired: the readers below walk it recursively
    return root


MAX_DEPTH = 400  # elements inside one another; no browser shows a page deeper than 512 (Chromium's parser cap)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
# elements that need no end tag: void, or closed by the next of their kind (they never deepen a page on their own)
_NO_END_TAG = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                         "track", "wbr", "param", "keygen", "p", "li", "dt", "dd", "rt", "rp", "optgroup", "option",
                         "colgroup", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "html", "head", "body"})


def _open_depth(text: str) -> int:
    """How deep the elements that need an end tag nest in the markup (a lower bound of the tree's depth)."""
    depth = deepest = 0
    for match in _TAG.finditer(text):
        if match.group(2).lower() in _NO_END_TAG:
            continue
        depth = max(0, depth - 1) if match.group(1) else depth + 1
        deepest = max(deepest, depth)
    return deepest


def _tree_depth(root: Any) -> int:
    from lxml import etree

    depth = deepest = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        deepest = max(deepest, depth)
    return deepest


def _check_nesting(depth: int, path: str | None) -> None:
    if depth > MAX_DEPTH:
        raise DocumentUnreadable(path, detail=f"网页的元素嵌套超过 {MAX_DEPTH} 层（浏览器也无法正常显示），"
                                              "不是正常的年报网页")


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
        trs = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")
        for r, tr in enumerate(trs):
            row: list[SourceCell | None] = []
            c = 0
            rest = sum(1 for other in trs[r:] if other.getparent() is tr.getparent())  # rows left in its group
            for td in tr.xpath("./td|./th"):
                while pending.pop((r, c), False):
                    row.append(None)
                    c += 1
                colspan, rowspan = _span(td.get("colspan")), _span(td.get("rowspan"), zero=rest)
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
        return Grid(clip_spans(rows), {"table": index}, aligned=True)


def _span(value: str | None, zero: int = 1) -> int:
    """A span as browsers read it: not a number or below 1 is 1, except rowspan="0", which reaches to the end of its
    row group (``zero`` rows)."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return max(1, min(zero if number == 0 else number, MAX_SPAN))


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
