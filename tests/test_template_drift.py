"""The committed templates/report_template.xlsx is exactly what the model generates today (2021 edition):
regenerate and compare everything that matters, so the committed file can never drift from the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.formula import ArrayFormula

from gaip_xl.template import save_template

COMMITTED = Path(__file__).parents[1] / "templates" / "report_template.xlsx"
DOCS = Path(__file__).parents[1] / "docs"


def _value(value: Any) -> Any:
    """An array formula compares by its range and text (openpyxl's object has no equality of its own)."""
    return ("array", value.ref, value.text) if isinstance(value, ArrayFormula) else value


def _cells(sheet) -> dict[str, Any]:
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None or not cell.protection.locked or cell.has_style:
                found[cell.coordinate] = (_value(cell.value), cell.protection.locked, cell.number_format,
                                          cell.font.name, cell.font.b, cell.fill.fgColor.rgb,
                                          cell.alignment.wrap_text, cell.border.left.style)
    return found


def _validations(sheet) -> list[tuple]:
    return sorted((str(v.sqref), v.type, v.operator, v.formula1, v.formula2, v.allow_blank, v.showErrorMessage,
                   v.showInputMessage, v.promptTitle, v.prompt, v.errorTitle, v.error, v.errorStyle)
                  for v in sheet.data_validations.dataValidation)


def _conditional(sheet) -> list[tuple]:
    return sorted((str(cf.sqref), rule.type, tuple(rule.formula), rule.dxf.fill.fgColor.rgb if rule.dxf.fill else None)
                  for cf in sheet.conditional_formatting for rule in cf.rules)


def fingerprint(workbook: Workbook) -> dict[str, Any]:
    print_of = {}
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        print_of[sheet.title] = (sheet.print_area, sheet.print_title_rows, setup.paperSize, setup.orientation,
                                 setup.fitToWidth, setup.fitToHeight, sheet.freeze_panes)
    return {
        "sheets": [(s.title, s.sheet_state) for s in workbook.worksheets],
        "names": sorted((n, d.attr_text, d.localSheetId) for n, d in workbook.defined_names.items()),
        "workbook_protection": (workbook.security.lockStructure, workbook.security.workbookPassword),
        "sheet_protection": {s.title: (s.protection.sheet, s.protection.password) for s in workbook.worksheets},
        "merged": {s.title: sorted(map(str, s.merged_cells.ranges)) for s in workbook.worksheets},
        "cells": {s.title: _cells(s) for s in workbook.worksheets},
        "validation": {s.title: _validations(s) for s in workbook.worksheets},
        "conditional": {s.title: _conditional(s) for s in workbook.worksheets},
        "widths": {s.title: {k: d.width for k, d in s.column_dimensions.items()} for s in workbook.worksheets},
        "heights": {s.title: {k: d.height for k, d in s.row_dimensions.items()} for s in workbook.worksheets},
        "print": print_of,
    }


def test_committed_template_is_what_the_model_generates(tmp_path):
    fresh = tmp_path / "fresh.xlsx"
    save_template("2021", fresh)
    committed, generated = fingerprint(load_workbook(COMMITTED)), fingerprint(load_workbook(fresh))
    for part in generated:
        assert committed[part] == generated[part], (
            f"templates/report_template.xlsx differs from the model in {part}: "
            "regenerate it with `gaip-xl template -o templates/report_template.xlsx`")


def test_fingerprint_notices_a_changed_label(tmp_path):
    """The comparison can fail: a single changed label is seen."""
    workbook = load_workbook(COMMITTED)
    before = fingerprint(workbook)
    workbook["三、依申请公开"]["A6"].value = "一、本年新收申请数量"
    assert fingerprint(workbook)["cells"] != before["cells"]


def test_readme_pictures_are_committed():
    for name in ("template-s3.png", "template-check-s3.png", "template-check-info.png"):
        assert (DOCS / name).read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name
