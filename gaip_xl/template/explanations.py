"""The 说明 sheet of the template: one row per explanation of a warning (rule, cells, text), unlocked for input.

Its layout (title, header, rows, columns) is ``layout.explanations`` (``gaip_xl.format.layout``); this module only
styles it: the rule, cells and 说明 columns are input columns (pale yellow, unlocked, a length limit on the text), the
问题 column is 校验's copy of the warning's message for the clerk to read, locked. The styles are the columns' own
(``<col style=…>``), not one per cell: every submitted workbook carries this sheet and the bulk reader scans it, and
a thousand styled empty cells would make it the largest sheet of the file (27 KB of XML for 200 rows).
"""

from __future__ import annotations

from openpyxl.styles import Protection
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import Layout, column_letter
from .styles import BODY, GRID, INPUT_FILL, TOP_LEFT
from .validation import add_explanation_validation

INPUT_COLUMNS = ("rule", "cells", "text")  # what a clerk may type; "finding" is written by 校验
WIDTHS = {"rule": 8.0, "cells": 30.0, "finding": 60.0, "text": 60.0}


def prepare_explanations(sheets: dict[str, Worksheet], layout: Layout) -> None:
    """Styles and unlocks the 说明 columns (templates since 1.1; nothing to do for a layout without the sheet)."""
    block = layout.explanations
    if block is None:
        return
    sheet = sheets[block.sheet]
    for key, col in block.columns.items():
        column = sheet.column_dimensions[column_letter(col)]
        column.font, column.alignment = BODY, TOP_LEFT
        if key in INPUT_COLUMNS:
            column.fill, column.border, column.protection = INPUT_FILL, GRID, Protection(locked=False)
    add_explanation_validation(sheet, block)


def column_widths(layout: Layout) -> dict[int, float]:
    block = layout.explanations
    return {} if block is None else {block.columns[key]: width for key, width in WIDTHS.items()}
