"""How the template looks: the official format's bordered tables in a Chinese font, input cells tinted, widths and
heights that fit the labels. Nothing here decides a position; everything is drawn where the layout says."""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import Label, Pos

FONT_BODY = "宋体"  # SimSun: on every Chinese Windows, and what the notices are typeset in
FONT_TITLE = "黑体"  # SimHei
POINTS_PER_LINE = 15.0
FIGURE_ROW_HEIGHT = 17.0

BODY = Font(name=FONT_BODY, size=11)
TITLE = Font(name=FONT_TITLE, size=16)
CAPTION = Font(name=FONT_TITLE, size=11)
NOTE = Font(name=FONT_BODY, size=9, color="FF595959")
CHECK = Font(name=FONT_BODY, size=10, color="FF2E7D32")
FINDING = Font(name=FONT_BODY, size=9)
FINDING_LINES = 3  # a finding's message (rarely over 90 characters) wraps to at most three lines in the 说明 column

THIN = Side(style="thin", color="FF000000")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
INPUT_FILL = PatternFill("solid", fgColor="FFFFF9DB")  # pale yellow: "type here"
CHECK_FILL = PatternFill("solid", fgColor="FFF2F2F2")

CENTERED = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)

# Per label kind: font, alignment, whether the label is part of a bordered table.
LABEL_STYLES: dict[str, tuple[Font, Alignment, bool]] = {
    "title": (TITLE, CENTERED, False),
    "caption": (CAPTION, CENTERED, True),
    "header": (BODY, CENTERED, True),
    "row": (BODY, LEFT, True),
    "field": (BODY, LEFT, True),
    "check": (Font(name=FONT_BODY, size=9), CENTERED, True),
    "note": (NOTE, LEFT, False),
}


def text_width(text: str) -> float:
    """Width in Excel's character units: a CJK character takes about two."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in "WF" else 1.1 for ch in text)


def cells_of(label: Label) -> Iterable[tuple[int, int]]:
    for row in range(label.pos.row, label.last_row + 1):
        for col in range(label.pos.col, label.last_col + 1):
            yield row, col


def style_labels(sheet: Worksheet, labels: Iterable[Label]) -> None:
    for label in labels:
        font, alignment, bordered = LABEL_STYLES[label.kind]
        if label.kind == "row" and label.last_row > label.pos.row:  # a group spanning several rows
            alignment = CENTERED
        for row, col in cells_of(label):
            cell = sheet.cell(row, col)
            cell.font, cell.alignment = font, alignment
            if bordered:
                cell.border = GRID


def style_inputs(sheet: Worksheet, positions: Iterable[Pos], alignment: Alignment = CENTERED) -> None:
    for pos in positions:
        cell = sheet.cell(pos.row, pos.col)
        cell.font, cell.alignment, cell.border, cell.fill = BODY, alignment, GRID, INPUT_FILL


def style_checks(sheet: Worksheet, positions: Iterable[Pos]) -> None:
    for pos in positions:
        cell = sheet.cell(pos.row, pos.col)
        cell.font, cell.alignment, cell.border, cell.fill = CHECK, CENTERED, GRID, CHECK_FILL


def style_findings(sheet: Worksheet, positions: Iterable[Pos]) -> None:
    """Computed like the checks (grey, bordered), but text read line by line: top left, wrapped."""
    for pos in positions:
        cell = sheet.cell(pos.row, pos.col)
        cell.font, cell.alignment, cell.border, cell.fill = FINDING, TOP_LEFT, GRID, CHECK_FILL


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide (11-point widths: a margin)."""
    return math.ceil(text_width(text) / max(width - 1, 1))


def lines_height(lines: int, size: float) -> float:
    return lines * POINTS_PER_LINE * size / 11


def fit_columns(sheet: Worksheet, labels: list[Label], fixed: dict[int, float], at_least: dict[int, float],
                minimum: float = 8.0, maximum: float = 42.0) -> dict[int, float]:
    """Each column as wide as its widest one-column label (long vertical groups wrap instead), within bounds;
    ``fixed`` sets chosen columns (inputs, checks), ``at_least`` widens others."""
    widths: dict[int, float] = {}
    for label in labels:
        if label.last_col == label.pos.col and label.last_row - label.pos.row < 3 and label.kind != "note":
            wanted = text_width(label.text) + 2
            widths[label.pos.col] = max(widths.get(label.pos.col, minimum), min(wanted, maximum))
    for col, width in at_least.items():
        widths[col] = max(widths.get(col, minimum), width)
    widths.update(fixed)
    for col, width in widths.items():
        sheet.column_dimensions[get_column_letter(col)].width = round(width, 1)
    return widths


def fit_rows(sheet: Worksheet, labels: list[Label], widths: dict[int, float], fixed: dict[int, float],
             figure_rows: Iterable[int] = (), default_width: float = 8.43) -> None:
    """Row heights that show every wrapped label (its lines shared among the rows it spans); rows of figures a
    little taller than one line so a number is easy to hit."""
    heights: dict[int, float] = {row: FIGURE_ROW_HEIGHT for row in figure_rows}
    for label in labels:
        span = sum(widths.get(c, default_width) for c in range(label.pos.col, label.last_col + 1))
        need = lines_height(wrapped_lines(label.text, span), LABEL_STYLES[label.kind][0].size or 11)
        need /= label.last_row - label.pos.row + 1
        for row in range(label.pos.row, label.last_row + 1):
            heights[row] = max(heights.get(row, POINTS_PER_LINE), need)
    heights.update(fixed)
    for row, height in heights.items():
        sheet.row_dimensions[row].height = round(height + 3, 1)
