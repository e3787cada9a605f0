"""Helpers for the add-in tests: real filled templates as xlwings remote-engine books, and their actions.

A template is generated, filled with openpyxl at the layout positions of ``values_from_report``, saved and read
back, then turned into the payload an xlwings remote client (Office.js) sends: every sheet's values, its notes,
the workbook's defined names. ``xw.Book(json=payload)`` opens it with the remote engine; ``book.json()`` lists the
actions the client would apply, which is what the tests assert on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from template_helpers import type_values

from gaip_xl.format.layout import column_letter
from gaip_xl.report import Report
from gaip_xl.template import save_template

VISIBILITY = {"visible": "Visible", "hidden": "Hidden", "veryHidden": "VeryHidden"}
EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@pytest.fixture
def xw_remote(monkeypatch: pytest.MonkeyPatch) -> Any:
    """xlwings with its remote engine, licensed for noncommercial use in the tests only (never in the product)."""
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    import xlwings as xw

    if "remote" not in [e.name for e in xw.engines]:  # xlwings was imported before the key was set
        from xlwings.pro import _xlremote

        xw.engines.add(xw.Engine(impl=_xlremote.engine))
    return xw


def filled_template(report: Report, folder: Path, overrides: dict[str, Any] | None = None) -> Path:
    """The template of the report's edition with every value typed in (``overrides`` replace some), on disk."""
    path = folder / f"filled-{report.edition.code}.xlsx"
    save_template(report.edition.code, path)
    workbook = load_workbook(path)
    type_values(workbook, report, overrides)
    workbook.save(path)
    return path


def _client_value(value: Any) -> Any:
    """A cell value as Office.js sends it: blanks as "", dates as serial numbers, formulas as their (unknown)
    result, which nothing in the add-in reads."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).days
    if isinstance(value, dt.date):
        return (dt.datetime.combine(value, dt.time()) - EXCEL_EPOCH).days
    if isinstance(value, str) and value.startswith("="):
        return ""
    return value


def payload(workbook: Workbook, name: str = "report.xlsx", notes: dict[str, list[str]] | None = None) -> dict:
    import xlwings as xw

    sheets = []
    for sheet in workbook.worksheets:
        values = [[_client_value(sheet.cell(r, c).value) for c in range(1, sheet.max_column + 1)]
                  for r in range(1, sheet.max_row + 1)]
        sheets.append({
            "name": sheet.title, "values": values, "visibility": VISIBILITY[sheet.sheet_state],
            "notes": [{"address": a} for a in (notes or {}).get(sheet.title, [])], "notes_supported": True,
            "pictures": [], "shapes": [], "charts": [], "tables": [], "pivot_tables": [], "print_area": None,
            "show_gridlines": True,
        })
    order = [s.title for s in workbook.worksheets]
    names = []
    for defined in workbook.defined_names.values():
        sheet, cell = defined.attr_text.rsplit("!", 1)
        names.append({"name": defined.name, "refers_to": "=" + defined.attr_text,
                      "sheet_index": order.index(sheet.strip("'")), "address": cell.replace("$", ""),
                      "book_scope": True, "scope_sheet_index": None, "scope_sheet_name": None})
    return {"client": "Office.js", "version": xw.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
            "names": names, "sheets": sheets}


def remote_book(xw: Any, path: Path, notes: dict[str, list[str]] | None = None) -> Any:
    book = xw.Book(json=payload(load_workbook(path), path.name, notes))
    book._sheets_at_start = [s.name for s in book.sheets]
    return book


def actions(book: Any) -> list[dict]:
    return book.json()["actions"]


def a1(action: dict) -> str:
    """The top-left cell an action addresses."""
    return f"{column_letter(action['start_column'] + 1)}{action['start_row'] + 1}"


def sheet_names(book: Any) -> list[list[str]]:
    """The sheet names as each action saw them: sheet positions shift when a sheet is added or deleted."""
    names = list(book._sheets_at_start)
    seen = []
    for action in actions(book):
        seen.append(list(names))
        if action["func"] == "addSheet":
            names.insert(action["args"][0], action["args"][1])
        elif action["func"] == "sheetDelete":
            del names[action["sheet_position"]]
    return seen


def sheet_of(book: Any, action: dict) -> str:
    index = next(i for i, a in enumerate(actions(book)) if a is action)
    return sheet_names(book)[index][action["sheet_position"]]


def where(book: Any, action: dict) -> tuple[str, str]:
    return sheet_of(book, action), a1(action)
