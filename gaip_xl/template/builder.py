"""Builds the official template from the format model: every position comes from ``layout_for(edition)``."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import OutputFailed, UnknownEdition
from ..format import EDITIONS
from ..format.layout import META_EDITION, META_VERSION, SHEET_META, Layout, layout_for
from .protection import TEMPLATE_VERSION, protect_sheet, protect_workbook

UNLOCKED = Protection(locked=False)
META_LABELS = {META_EDITION: "格式版本", META_VERSION: "模板版本"}


def input_codes(layout: Layout) -> list[str]:
    """Every code a clerk fills in: the figures, the basic facts and the prose (not the meta cells)."""
    return [*layout.figures, *(code for code in layout.fields if code not in META_LABELS)]


def build_template(edition: str = "2021") -> Workbook:
    """The empty template of ``edition`` ("2021" or "2019"), locked, with a defined name for every code."""
    if edition not in EDITIONS:
        raise UnknownEdition(detail=f"没有“{edition}”版格式")
    layout = layout_for(edition)
    workbook = Workbook()
    workbook.remove(workbook.active)
    sheets = {name: workbook.create_sheet(name) for name in layout.sheets}
    _write_labels(sheets, layout)
    _unlock_inputs(sheets, layout)
    _write_meta(sheets[SHEET_META], layout, edition)
    _define_names(workbook, layout)
    for sheet in sheets.values():
        protect_sheet(sheet)
    sheets[SHEET_META].sheet_state = "veryHidden"
    protect_workbook(workbook)
    return workbook


def _write_labels(sheets: dict[str, Worksheet], layout: Layout) -> None:
    for label in layout.labels:
        sheet = sheets[label.pos.sheet]
        sheet.cell(label.pos.row, label.pos.col, label.text)
        if label.merged:
            sheet.merge_cells(start_row=label.pos.row, start_column=label.pos.col,
                              end_row=label.last_row, end_column=label.last_col)


def _unlock_inputs(sheets: dict[str, Worksheet], layout: Layout) -> None:
    for code in input_codes(layout):
        pos = layout.position(code)
        sheets[pos.sheet].cell(pos.row, pos.col).protection = UNLOCKED


def _write_meta(sheet: Worksheet, layout: Layout, edition: str) -> None:
    for code, value in ((META_EDITION, edition), (META_VERSION, TEMPLATE_VERSION)):
        pos = layout.fields[code]
        sheet.cell(pos.row, pos.col - 1, META_LABELS[code])
        sheet.cell(pos.row, pos.col, value)


def _define_names(workbook: Workbook, layout: Layout) -> None:
    for name, pos in layout.names().items():
        workbook.defined_names.add(DefinedName(name, attr_text=pos.absolute))


def save_template(edition: str, path: str | os.PathLike[str]) -> None:
    """Writes the template atomically: a temporary file in the target folder, renamed once complete."""
    target = Path(path)
    workbook = build_template(edition)
    try:
        handle, temporary = tempfile.mkstemp(prefix=".gaip-", suffix=".xlsx", dir=target.parent)
    except OSError as exc:
        raise OutputFailed(str(target), detail=exc.strerror or str(exc)) from exc
    os.close(handle)
    try:
        workbook.save(temporary)
        os.replace(temporary, target)
    except OSError as exc:
        raise OutputFailed(str(target), detail=exc.strerror or str(exc)) from exc
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)
