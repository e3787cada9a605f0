"""Views and print setup: frozen headers, A4, each table one page wide with its header rows repeated."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import Layout, sheet_extent

LANDSCAPE_FROM = 100.0  # sheets wider than this (in character units) print landscape


def freeze_and_print(sheet: Worksheet, layout: Layout, widths: dict[int, float]) -> None:
    boxes = [b for b in layout.boxes.values() if b.sheet == sheet.title]
    sheet.sheet_view.showGridLines = False
    if len(boxes) == 1:  # one big table: keep its header rows and row labels in view
        box = boxes[0]
        sheet.freeze_panes = f"{get_column_letter(box.first_data_col)}{box.first_data_row}"
        sheet.print_title_rows = f"{box.first_row}:{box.first_data_row - 1}"
    elif boxes:  # small stacked tables: keep the section title in view
        sheet.freeze_panes = "A2"
    last_row, last_col = sheet_extent(layout, sheet.title)
    if layout.explanations is None or sheet.title != layout.explanations.sheet:  # 说明 prints what it holds
        sheet.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    setup = sheet.page_setup
    setup.paperSize = sheet.PAPERSIZE_A4
    width = sum(widths.get(c, 8.43) for c in range(1, last_col + 1))
    setup.orientation = "landscape" if width > LANDSCAPE_FROM else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    assert sheet.sheet_properties.pageSetUpPr is not None  # openpyxl creates it with the sheet
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    assert sheet.oddFooter is not None and sheet.oddFooter.center is not None  # openpyxl creates both
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
