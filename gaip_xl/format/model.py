"""The shapes the official format is declared in.

The format itself (both editions) is data in ``editions.py``; this module only says what a table, a row, a
column and a cell are. Every other part of gaip_xl (template, schema, reader, writer, rules, UDFs) derives what it
needs from these objects, so a label or a code is written exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property


class ValueType(StrEnum):
    """What a figure cell may hold."""

    COUNT = "count"  # a non-negative whole number
    AMOUNT = "amount"  # a non-negative decimal (万元 for fees), up to six decimals
    CHANGE = "change"  # the 2019 edition's 本年增/减: a signed whole number

    @property
    def chinese(self) -> str:
        return _VALUE_TYPE_CHINESE[self]


_VALUE_TYPE_CHINESE = {
    ValueType.COUNT: "不小于0的整数",
    ValueType.AMOUNT: "不小于0的数值（最多6位小数）",
    ValueType.CHANGE: "整数（可为负数）",
}

AMOUNT_DECIMALS = 6


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    type: ValueType = ValueType.COUNT
    # Labels of the header cells above this one, outermost first (e.g. ("法人或其他组织",)).
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    # Labels of the row-header cells to the left of this one, outermost first
    # (e.g. ("三、本年度办理结果", "（三）不予公开")).
    groups: tuple[str, ...] = ()

    @property
    def path(self) -> tuple[str, ...]:
        return (*self.groups, self.label)


class Orientation(StrEnum):
    """How a table is laid out on paper: rows down the side, or (section 四) one wide row of groups."""

    TALL = "tall"
    WIDE = "wide"


@dataclass(frozen=True)
class Table:
    code: str
    section: str  # "二", "三" or "四"
    title: str  # the caption printed above the table
    corner: str  # the label of the top-left header cell (e.g. "信息内容")
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    orientation: Orientation = Orientation.TALL

    def row(self, code: str) -> Row:
        return self._rows_by_code[code]

    def column(self, code: str) -> Column:
        return self._columns_by_code[code]

    @cached_property
    def _rows_by_code(self) -> dict[str, Row]:
        return {r.code: r for r in self.rows}

    @cached_property
    def _columns_by_code(self) -> dict[str, Column]:
        return {c.code: c for c in self.columns}

    @cached_property
    def _cells(self) -> tuple[Cell, ...]:
        return tuple(Cell(self, r, c) for r in self.rows for c in self.columns)

    def cells(self) -> tuple[Cell, ...]:
        return self._cells


@dataclass(frozen=True)
class Cell:
    """One figure of the report: a table, a row and a column."""

    table: Table
    row: Row
    column: Column

    @cached_property
    def code(self) -> str:
        return cell_code(self.table.code, self.row.code, self.column.code)

    @property
    def json_path(self) -> str:
        """JSON Pointer of the figure in the report document."""
        return f"/tables/{self.table.code}/{self.row.code}/{self.column.code}"

    @property
    def type(self) -> ValueType:
        return self.column.type

    @property
    def label(self) -> str:
        """A Chinese name a clerk recognises, e.g. “第三部分「（三）不予公开 1.属于国家秘密」「自然人」”."""
        caption = self.table.title if self.table.section == "二" else ""
        row = " ".join(self.row.path[-2:])
        return f"{SECTION_NAMES[self.table.section]}{caption}「{row}」「{self.column.label}」"

    def __repr__(self) -> str:
        return f"Cell({self.code})"


SECTION_NAMES = {"二": "第二部分", "三": "第三部分", "四": "第四部分"}


def cell_code(table: str, row: str, column: str) -> str:
    return f"{table}.{row}.{column}"


@dataclass(frozen=True)
class TextPart:
    code: str
    label: str  # e.g. "一、总体情况"


@dataclass(frozen=True)
class Edition:
    code: str  # "2019" or "2021"
    notice: str
    title: str
    first_year: int
    last_year: int | None
    tables: tuple[Table, ...]
    text_parts: tuple[TextPart, ...]

    def table(self, code: str) -> Table:
        return self._tables_by_code[code]

    @cached_property
    def _tables_by_code(self) -> dict[str, Table]:
        return {t.code: t for t in self.tables}

    @cached_property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(c for t in self.tables for c in t.cells())

    @cached_property
    def cell_codes(self) -> tuple[str, ...]:
        """The codes of ``cells``, in the same order."""
        return tuple(c.code for c in self.cells)

    @cached_property
    def cells_by_code(self) -> dict[str, Cell]:
        return {c.code: c for c in self.cells}

    def cell(self, code: str) -> Cell:
        return self.cells_by_code[code]

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)
