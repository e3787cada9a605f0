"""What a published report says, whatever it is written as: its title, its six sections in the notice's order, the
paragraphs of the prose and the tables as grids of cell texts.

HTML and Word both draw this, so they cannot disagree about a label, a figure or a merge. Every text is made safe
for any markup here: characters that XML 1.0 and HTML forbid are removed, Word's line and page breaks become
paragraph breaks. Escaping is each writer's job.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..format.editions import SECTION_TITLES, report_title
from ..format.fields import INFO_FIELDS_BY_CODE
from ..format.grid import GridCell, GridKind, TableGrid, edition_grids
from ..report import Report
from ..report.model import Figure

# Where the prose of each section comes from (the other sections are tables).
PROSE_SECTIONS = {"一": "overview", "五": "problems", "六": "other"}

# Line breaks as they arrive from Excel, Word (vertical tab = manual line break, form feed = page break) and Unicode.
_BREAKS = re.compile("\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
# What neither XML 1.0 nor HTML may carry: C0 controls but tab, DEL and C1 controls, lone surrogates, non-characters.
_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

GENERATOR = "gaip-xl"  # how publish marks what it makes: the page's generator, the Word file's identifier


def clean(text: str) -> str:
    """``text`` without the characters no document may hold (line breaks are the caller's, see ``paragraphs``)."""
    return _FORBIDDEN.sub("", text)


def one_line(text: str) -> str:
    """A text printed on one line (the title, the dateline, a figure cell, the author): a line break typed in it
    becomes a space, then ``clean`` (a vertical tab or form feed, Word's breaks, is no character XML may hold)."""
    return clean(_BREAKS.sub(" ", text))


def paragraphs(text: str | None) -> list[str]:
    """The clerk's prose as paragraphs: one per line, blank lines dropped, everything else as typed."""
    if not text:
        return []
    return [line for line in (clean(part).rstrip() for part in _BREAKS.split(text)) if line.strip()]


def figure_text(value: Figure) -> str:
    """A figure as printed: blank stays blank (never 0), numbers in plain notation, text as typed."""
    if value is None:
        return ""
    if isinstance(value, bool):  # not a figure: shown as the JSON document holds it, the rules say it is wrong
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        try:
            return format(Decimal(repr(value)), "f")  # 1e-06 → 0.000001; repr is the shortest exact form
        except InvalidOperation:  # nan, inf
            return repr(value)
    return one_line(str(value))  # a one-line cell: a break in a typed value becomes a space


# Column widths, in millimetres of an A4 page's text width: section 三's outer row-label groups narrow (三、本年度办理
# 结果 then prints one character a line, as in the notice), its row labels wide, a figure column wide enough for six
# digits; tables without grouped row labels share the width equally.
TEXT_WIDTH_MM = 160
GROUP_LABEL_WIDTHS_MM = (8, 17)
NARROW_FIGURE_WIDTH_MM = 14


def column_widths_mm(grid: TableGrid) -> list[float]:
    figure_cols = {c.col for c in grid.cells if c.kind is GridKind.FIGURE}
    label_cols = grid.cols - len(figure_cols)
    if label_cols <= 1:
        return [TEXT_WIDTH_MM / grid.cols] * grid.cols
    groups = list(GROUP_LABEL_WIDTHS_MM[: label_cols - 1])
    labels = TEXT_WIDTH_MM - sum(groups) - NARROW_FIGURE_WIDTH_MM * len(figure_cols)
    return [*groups, labels, *[NARROW_FIGURE_WIDTH_MM] * len(figure_cols)]


@dataclass(frozen=True)
class PrintedCell:
    """One cell of a printed table: a label or a figure, with its spans."""

    grid: GridCell
    text: str

    @property
    def is_header(self) -> bool:
        return self.grid.kind in (GridKind.CAPTION, GridKind.CORNER, GridKind.HEADER)


@dataclass(frozen=True)
class PrintedTable:
    grid: TableGrid
    rows: tuple[tuple[PrintedCell, ...], ...]  # the cells that start in each grid row

    @property
    def header_rows(self) -> int:
        return self.grid.header_rows


@dataclass(frozen=True)
class Section:
    key: str  # "一" … "六"
    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[PrintedTable, ...] = ()


@dataclass(frozen=True)
class Document:
    title: str
    sections: tuple[Section, ...]
    dateline: str = ""  # "发布日期：2022年1月20日" under the title, as portals print it; empty without a date


def dateline(published_on: object) -> str:
    """The publication date as a line under the title (a reader of the page, and the importer, find it there); a
    date that is not a calendar date is printed as typed (the rules report it)."""
    if not published_on:
        return ""
    label = INFO_FIELDS_BY_CODE["published_on"].label
    try:
        day = dt.date.fromisoformat(str(published_on))
    except ValueError:
        return f"{label}：{one_line(str(published_on))}"
    return f"{label}：{day.year}年{day.month}月{day.day}日"


def printed_table(grid: TableGrid, report: Report) -> PrintedTable:
    rows = tuple(
        tuple(PrintedCell(cell, figure_text(report.figures.get(cell.code)) if cell.code else cell.text)
              for cell in row)
        for row in grid.by_row())
    return PrintedTable(grid, rows)


def document_of(report: Report) -> Document:
    """The report as it is published: the notice's sections with the clerk's prose and the checked figures."""
    edition = report.edition.code
    sections = []
    for key, heading in SECTION_TITLES.items():
        if key in PROSE_SECTIONS:
            sections.append(Section(key, heading, paragraphs=tuple(paragraphs(report.text.get(PROSE_SECTIONS[key])))))
        else:
            tables = tuple(printed_table(grid, report) for grid in edition_grids(edition, key))
            sections.append(Section(key, heading, tables=tables))
    return Document(one_line(report_title(report.agency.name, report.year)), tuple(sections),
                    dateline(report.published_on))
