"""Where everything stands in the template: computed from the format model, never typed by hand.

This is the single place that turns codes into sheet positions. The template generator draws what it finds here;
the converter checks that labels still stand where this says; findings quote the sheet and address of their cells.
Everything else addresses cells by stable code or by the defined name derived from it (``defined_name``).

Pure Python: no openpyxl, no Excel.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from .editions import EDITIONS, SECTION_TITLES
from .fields import INFO_FIELDS
from .model import Edition, Orientation, Table

SHEET_INFO = "基本情况"
SHEET_TEXT = "文字部分"
SHEET_META = "_gaip"  # very hidden and protected: edition and template version
SHEET_EXPLANATIONS = "说明"  # since template 1.1: the clerk's written explanations (说明) of warnings
SHEET_FOR_SECTION = {"二": "二、主动公开", "三": "三、依申请公开", "四": "四、复议诉讼"}

NAME_PREFIX = "GX_"
META_EDITION = "meta.edition"
META_VERSION = "meta.template_version"
META_FIELDS = (META_EDITION, META_VERSION)
# Bump whenever the generated workbook changes in a way a reader of submitted files might need to know about.
# 1.1 added the 报告类型 fact and the 说明 sheet. Filled templates of every version in TEMPLATE_VERSIONS are read,
# each against its own layout (``layout_for(edition, version)``).
TEMPLATE_VERSION = "1.1"
TEMPLATE_VERSIONS = ("1.0", "1.1")


def defined_name(code: str) -> str:
    """The workbook-scoped defined name of a cell code: "s3.new.natural" → "GX_s3__new__natural".

    Excel accepts periods in names but LibreOffice does not, so the separator is a double underscore (codes never
    contain one), which keeps the mapping reversible.
    """
    return NAME_PREFIX + code.replace(".", "__")


def code_of_name(name: str) -> str | None:
    if not name.upper().startswith(NAME_PREFIX.upper()):
        return None
    return name[len(NAME_PREFIX):].replace("__", ".")


def column_letter(index: int) -> str:
    """1 → "A", 27 → "AA"."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class Pos:
    sheet: str
    row: int  # 1-based
    col: int  # 1-based

    @property
    def a1(self) -> str:
        return f"{column_letter(self.col)}{self.row}"

    @property
    def absolute(self) -> str:
        """An absolute reference as a defined name needs it: '三、依申请公开'!$D$6."""
        return f"'{self.sheet}'!${column_letter(self.col)}${self.row}"


@dataclass(frozen=True)
class Label:
    """A fixed text of the official format, possibly spanning a merged range."""

    pos: Pos
    text: str
    last_row: int
    last_col: int
    kind: str = "header"  # "title", "caption", "header", "row", "field"

    @property
    def merged(self) -> bool:
        return (self.last_row, self.last_col) != (self.pos.row, self.pos.col)

    @property
    def range_a1(self) -> str:
        return f"{self.pos.a1}:{column_letter(self.last_col)}{self.last_row}"


@dataclass(frozen=True)
class TableBox:
    """Where one table stands: its header block, its label columns and its figure block."""

    table: Table
    sheet: str
    first_row: int  # first header row (the caption for section 二's small tables is above it)
    first_col: int
    header_rows: int
    label_cols: int
    data_rows: int
    data_cols: int

    @property
    def first_data_row(self) -> int:
        return self.first_row + self.header_rows

    @property
    def first_data_col(self) -> int:
        return self.first_col + self.label_cols

    @property
    def last_row(self) -> int:
        return self.first_data_row + self.data_rows - 1

    @property
    def last_col(self) -> int:
        return self.first_data_col + self.data_cols - 1


@dataclass(frozen=True)
class ExplanationsBlock:
    """The 说明 sheet: a title, a header row, then ``rows`` rows for input, one explanation each."""

    sheet: str
    header_row: int
    first_row: int
    rows: int
    columns: dict[str, int]  # field → 1-based column: "rule", "cells", "finding" (校验's message, not read), "text"

    @property
    def last_row(self) -> int:
        return self.first_row + self.rows - 1

    @property
    def last_col(self) -> int:
        return max(self.columns.values())


@dataclass
class Layout:
    edition: Edition
    version: str = TEMPLATE_VERSION
    explanations: ExplanationsBlock | None = None  # the 说明 sheet (templates since 1.1)
    figures: dict[str, Pos] = field(default_factory=dict)  # cell code → position
    fields: dict[str, Pos] = field(default_factory=dict)  # info field / text part / meta code → position
    labels: list[Label] = field(default_factory=list)
    boxes: dict[str, TableBox] = field(default_factory=dict)  # table code → box
    sheets: tuple[str, ...] = ()

    def position(self, code: str) -> Pos:
        return self.figures.get(code) or self.fields[code]

    def names(self) -> dict[str, Pos]:
        """Every defined name of the template and the cell it refers to."""
        return {defined_name(code): pos for code, pos in (*self.figures.items(), *self.fields.items())}


@dataclass(frozen=True)
class _Span:
    level: int  # 0 = outermost
    start: int  # index of the first item (row or column) it covers
    end: int  # index of the last item it covers
    text: str
    leaf: bool


def _spans(paths: Sequence[tuple[str, ...]]) -> list[_Span]:
    """Header cells for items with hierarchical labels: groups span their consecutive members, leaves stand alone."""
    spans: list[_Span] = []
    depth = max(len(p) for p in paths)
    for level in range(depth):
        index = 0
        while index < len(paths):
            path = paths[index]
            if len(path) <= level:
                index += 1
                continue
            end = index
            if len(path) - 1 > level:  # a group: extend over every following item with the same prefix
                while end + 1 < len(paths) and paths[end + 1][: level + 1] == path[: level + 1] \
                        and len(paths[end + 1]) - 1 > level:
                    end += 1
            spans.append(_Span(level, index, end, path[level], leaf=len(path) - 1 == level))
            index = end + 1
    return spans


def _place_header(layout: Layout, sheet: str, paths: Sequence[tuple[str, ...]], top: int, left: int,
                  across: bool, kind: str) -> int:
    """Draws hierarchical labels; ``across`` lays items left to right (a header row block). Returns the depth."""
    depth = max(len(p) for p in paths)
    for span in _spans(paths):
        deep_end = depth - 1 if span.leaf else span.level  # a leaf fills the levels below it
        if across:
            pos = Pos(sheet, top + span.level, left + span.start)
            layout.labels.append(Label(pos, span.text, top + deep_end, left + span.end, kind))
        else:
            pos = Pos(sheet, top + span.start, left + span.level)
            layout.labels.append(Label(pos, span.text, top + span.end, left + deep_end, kind))
    return depth


def _place_tall(layout: Layout, table: Table, sheet: str, top: int, left: int) -> TableBox:
    header_depth = max(len(c.groups) + 1 for c in table.columns)
    label_cols = max(len(r.path) for r in table.rows)
    layout.labels.append(Label(Pos(sheet, top, left), table.corner, top + header_depth - 1, left + label_cols - 1))
    _place_header(layout, sheet, [(*c.groups, c.label) for c in table.columns], top, left + label_cols, True,
                  "header")
    first_data = top + header_depth
    _place_header(layout, sheet, [r.path for r in table.rows], first_data, left, False, "row")
    for i, row in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            layout.figures[f"{table.code}.{row.code}.{column.code}"] = Pos(sheet, first_data + i, left + label_cols + j)
    return TableBox(table, sheet, top, left, header_depth, label_cols, len(table.rows), len(table.columns))


def _place_wide(layout: Layout, table: Table, sheet: str, top: int, left: int) -> TableBox:
    """Section 四: every (row, column) pair becomes one header column above a single line of figures."""
    pairs = [(r, c) for r in table.rows for c in table.columns]
    depth = _place_header(layout, sheet, [(*r.path, c.label) for r, c in pairs], top, left, True, "header")
    for j, (row, column) in enumerate(pairs):
        layout.figures[f"{table.code}.{row.code}.{column.code}"] = Pos(sheet, top + depth, left + j)
    return TableBox(table, sheet, top, left, depth, 0, 1, len(pairs))


def _title(layout: Layout, sheet: str, row: int, text: str, width: int, kind: str = "title") -> None:
    layout.labels.append(Label(Pos(sheet, row, 1), text, row, max(width, 1), kind))


# Rows between blocks; the template generator puts its check rows and notes in these gaps.
GAP_AFTER_TABLE = 4
INFO_FIRST_ROW = 3
TABLE_FIRST_ROW = 3


# The 说明 sheet: its columns (field, header label) and how many rows a clerk can fill.
EXPLANATION_COLUMNS = (("rule", "规则"), ("cells", "单元格（代码）"), ("finding", "问题（校验时写入，仅供参考）"),
                       ("text", "说明"))
EXPLANATION_ROWS = 1000  # rows read and written; the columns, not the cells, carry the input style
EXPLANATION_TITLE = "对警告的说明（错误必须改正；确认无误的警告，可在“说明”一栏写明原因）"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _explanations(layout: Layout) -> None:
    _title(layout, SHEET_EXPLANATIONS, 1, EXPLANATION_TITLE, len(EXPLANATION_COLUMNS))
    header = 3
    for col, (_, text) in enumerate(EXPLANATION_COLUMNS, start=1):
        layout.labels.append(Label(Pos(SHEET_EXPLANATIONS, header, col), text, header, col, "header"))
    columns = {key: col for col, (key, _) in enumerate(EXPLANATION_COLUMNS, start=1)}
    layout.explanations = ExplanationsBlock(SHEET_EXPLANATIONS, header, header + 1, EXPLANATION_ROWS, columns)


def layout_for(edition_code: str, version: str = TEMPLATE_VERSION) -> Layout:
    """Where everything stands in the template of ``edition_code`` as template ``version`` laid it out: one shared
    object per (edition, version), however it is asked for."""
    return _layout(edition_code, version)


@cache
def _layout(edition_code: str, version: str) -> Layout:
    edition = EDITIONS[edition_code]
    layout = Layout(edition, version)
    # 基本情况: one fact per row, label in A, value in B.
    _title(layout, SHEET_INFO, 1, "政府信息公开工作年度报告 基本情况", 2)  # over the facts table: label, value
    infos = [f for f in INFO_FIELDS if _version_key(f.since) <= _version_key(version)]
    for i, info in enumerate(infos):
        row = INFO_FIRST_ROW + i
        layout.labels.append(Label(Pos(SHEET_INFO, row, 1), info.label, row, 1, "field"))
        layout.fields[info.code] = Pos(SHEET_INFO, row, 2)

    # 二: the small tables stacked, each with its caption above.
    sheet = SHEET_FOR_SECTION["二"]
    s2_tables = [t for t in edition.tables if t.section == "二"]
    width = 1 + max(len(t.columns) for t in s2_tables)
    _title(layout, sheet, 1, SECTION_TITLES["二"], width)
    row = TABLE_FIRST_ROW
    for table in s2_tables:
        layout.labels.append(Label(Pos(sheet, row, 1), table.title, row, 1 + len(table.columns), "caption"))
        box = _place_tall(layout, table, sheet, row + 1, 1)
        layout.boxes[table.code] = box
        row = box.last_row + 2

    for table in (t for t in edition.tables if t.section in ("三", "四")):
        sheet = SHEET_FOR_SECTION[table.section]
        place = _place_wide if table.orientation is Orientation.WIDE else _place_tall
        box = place(layout, table, sheet, TABLE_FIRST_ROW, 1)
        layout.boxes[table.code] = box
        _title(layout, sheet, 1, SECTION_TITLES[table.section], box.last_col)

    # 文字部分: a heading row then one large text cell per prose section.
    _title(layout, SHEET_TEXT, 1, "政府信息公开工作年度报告 文字部分", 1)
    for i, part in enumerate(edition.text_parts):
        heading = 3 + 3 * i
        layout.labels.append(Label(Pos(SHEET_TEXT, heading, 1), part.label, heading, 1, "field"))
        layout.fields[f"text.{part.code}"] = Pos(SHEET_TEXT, heading + 1, 1)

    sheets: tuple[str, ...] = (SHEET_TEXT,)
    if _version_key(version) >= (1, 1):
        _explanations(layout)
        sheets += (SHEET_EXPLANATIONS,)

    for i, code in enumerate(META_FIELDS):
        layout.fields[code] = Pos(SHEET_META, 1 + i, 2)
    layout.sheets = (SHEET_INFO, SHEET_FOR_SECTION["二"], SHEET_FOR_SECTION["三"], SHEET_FOR_SECTION["四"],
                     *sheets, SHEET_META)
    return layout


# ---------------------------------------------------------------------------- the check UDF's arguments
UDF_CHECK = "GAIP_CHECK"  # the add-in's UDF that lists every finding; the template's check summary calls it
UDF_SHEETS = (SHEET_INFO, SHEET_FOR_SECTION["二"], SHEET_FOR_SECTION["三"], SHEET_FOR_SECTION["四"], SHEET_TEXT)


def sheet_extent(layout: Layout, sheet: str) -> tuple[int, int]:
    """The last row and column that hold a label, a figure or a fact on ``sheet``."""
    rows = [p.row for p in (*layout.figures.values(), *layout.fields.values()) if p.sheet == sheet]
    cols = [p.col for p in (*layout.figures.values(), *layout.fields.values()) if p.sheet == sheet]
    rows += [label.last_row for label in layout.labels if label.pos.sheet == sheet]
    cols += [label.last_col for label in layout.labels if label.pos.sheet == sheet]
    return max(rows), max(cols)


def udf_ranges(layout: Layout) -> tuple[str, ...]:
    """The ranges the template passes to ``GAIP_CHECK`` after the edition: one block per sheet of UDF_SHEETS, each
    anchored at A1, so the UDF finds every value at its layout position (row - 1, col - 1) in the 2-D list it gets,
    and Excel recalculates the UDF whenever any of them changes."""
    ranges = []
    for sheet in UDF_SHEETS:
        last_row, last_col = sheet_extent(layout, sheet)
        ranges.append(f"'{sheet}'!$A$1:${column_letter(last_col)}${last_row}")
    return tuple(ranges)
