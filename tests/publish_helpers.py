"""Reading published documents back for the tests: HTML tables (html5lib, as a browser builds them) and Word tables
(python-docx) expanded into plain grids, with merges resolved by their own spans, independently of the writers."""

from __future__ import annotations

import io
from dataclasses import dataclass

import docx
import html5lib
from lxml import etree

from gaip_xl.format import Table


@dataclass
class Grid:
    """An expanded table: every position's text, tag (th/td), and the id of the source cell covering it."""

    texts: list[list[str]]
    tags: list[list[str]]
    origins: list[list[int]]
    header_rows: int

    def partition(self) -> set[frozenset[tuple[int, int]]]:
        """The merges: the sets of positions each source cell covers."""
        groups: dict[int, set[tuple[int, int]]] = {}
        for r, row in enumerate(self.origins):
            for c, origin in enumerate(row):
                groups.setdefault(origin, set()).add((r, c))
        return {frozenset(g) for g in groups.values()}


def parse_html(text: str) -> etree._Element:
    return html5lib.parse(text, treebuilder="lxml", namespaceHTMLElements=False)


def _expand(rows: list[list[tuple[str, str, int, int]]], header_rows: int) -> Grid:
    """rows of (tag, text, rowspan, colspan) → a grid; raises if the spans overlap or leave holes."""
    placed: dict[tuple[int, int], tuple[str, str, int]] = {}
    origin = 0
    for r, row in enumerate(rows):
        c = 0
        for tag, text, rowspan, colspan in row:
            while (r, c) in placed:
                c += 1
            for dr in range(rowspan):
                for dc in range(colspan):
                    assert (r + dr, c + dc) not in placed, f"overlap at {(r + dr, c + dc)}"
                    placed[(r + dr, c + dc)] = (tag, text, origin)
            origin += 1
            c += colspan
    height = max(r for r, _ in placed) + 1
    width = max(c for _, c in placed) + 1
    assert len(placed) == height * width, "the table is not a full rectangle"
    return Grid([[placed[(r, c)][1] for c in range(width)] for r in range(height)],
                [[placed[(r, c)][0] for c in range(width)] for r in range(height)],
                [[placed[(r, c)][2] for c in range(width)] for r in range(height)], header_rows)


def html_tables(text: str) -> list[tuple[etree._Element, Grid]]:
    tree = parse_html(text)
    found = []
    for table in tree.iter("table"):
        rows = []
        for tr in table.iter("tr"):
            rows.append([(cell.tag, "".join(cell.itertext()), int(cell.get("rowspan", 1)), int(cell.get("colspan", 1)))
                         for cell in tr if cell.tag in ("th", "td")])
        header_rows = len(table.findall("./thead/tr"))
        found.append((table, _expand(rows, header_rows)))
    return found


def docx_tables(data: bytes) -> list[Grid]:
    """Each Word table as python-docx resolves it (a merged cell is the same cell object at every position)."""
    document = docx.Document(io.BytesIO(data))
    grids = []
    for table in document.tables:
        elements: list = []  # each distinct <w:tc>, kept alive so that lxml hands back the same proxy
        texts, origins = [], []
        for word_row in table.rows:
            cells = word_row.cells  # one per grid column, a merged cell repeated (python-docx resolves vMerge)
            texts.append([cell.text for cell in cells])
            row = []
            for cell in cells:
                index = next((i for i, e in enumerate(elements) if e is cell._tc), None)
                if index is None:
                    elements.append(cell._tc)
                    index = len(elements) - 1
                row.append(index)
            origins.append(row)
        headers = sum(1 for row in table.rows if row._tr.trPr is not None
                      and row._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None)
        grids.append(Grid(texts, [["?"] * len(texts[0]) for _ in texts], origins, headers))
    return grids


def _dedupe(items: list[tuple[int, str]]) -> tuple[str, ...]:
    """Texts of consecutive positions, each source cell once."""
    seen, texts = set(), []
    for origin, text in items:
        if origin not in seen:
            seen.add(origin)
            texts.append(text)
    return tuple(texts)


def column_paths(grid: Grid, label_cols: int) -> list[tuple[str, ...]]:
    """The header texts above each figure column, outermost first (a caption included)."""
    return [_dedupe([(grid.origins[r][c], grid.texts[r][c]) for r in range(grid.header_rows)])
            for c in range(label_cols, len(grid.texts[0]))]


def row_paths(grid: Grid, label_cols: int) -> list[tuple[str, ...]]:
    return [_dedupe([(grid.origins[r][c], grid.texts[r][c]) for c in range(label_cols)])
            for r in range(grid.header_rows, len(grid.texts))]


def expected_positions(table: Table, grid: Grid) -> dict[str, tuple[int, int]]:
    """Where the notice puts each figure: the row whose labels are the row's path × the column whose headers are the
    column's groups and label (section 二's tables under their caption; section 四's groups are its rows)."""
    label_cols = sum(1 for tag in grid.tags[-1] if tag == "th") if grid.tags[-1][0] != "?" else None
    if label_cols is None:  # Word: no th; as many label columns as the table has levels of row labels
        label_cols = 0 if table.orientation == "wide" else max(len(r.path) for r in table.rows)
    columns = column_paths(grid, label_cols)
    positions = {}
    caption = (table.title,) if table.section == "二" else ()
    if table.orientation == "wide":
        for row in table.rows:
            for column in table.columns:
                j = columns.index((*row.path, column.label))
                positions[f"{table.code}.{row.code}.{column.code}"] = (grid.header_rows, label_cols + j)
        return positions
    rows = row_paths(grid, label_cols)
    for row in table.rows:
        i = rows.index(row.path)
        for column in table.columns:
            j = columns.index((*caption, *column.groups, column.label))
            positions[f"{table.code}.{row.code}.{column.code}"] = (grid.header_rows + i, label_cols + j)
    return positions


def matches(text: str, value: object) -> bool:
    """Whether a printed cell shows ``value``: blank for blank (never 0), digits for whole numbers, a decimal in
    plain notation for amounts, text as typed."""
    if value is None:
        return text == ""
    if isinstance(value, bool):
        return text == str(value).lower()
    if isinstance(value, int):
        return text == str(value)
    if isinstance(value, float):
        return "e" not in text.lower() and float(text) == value
    return text == value
