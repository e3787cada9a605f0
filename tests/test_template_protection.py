"""Locked: every sheet protected with the one password, the structure locked, only input cells unlocked —
on the generated file and after a load/save round trip through openpyxl."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from openpyxl.utils.protection import hash_password
from template_helpers import generated

from gaip_xl.format.layout import layout_for
from gaip_xl.template import TEMPLATE_PASSWORD, input_codes

EDITIONS = ("2021", "2019")


def _round_tripped(edition, folder):
    first = generated(edition, folder)
    path = folder / "round-trip.xlsx"
    first.save(path)
    return load_workbook(path)


@pytest.fixture(scope="module", params=[(e, trip) for e in EDITIONS for trip in (False, True)],
                ids=lambda p: f"{p[0]}-{'round-trip' if p[1] else 'generated'}")
def template(request, tmp_path_factory):
    edition, trip = request.param
    folder = tmp_path_factory.mktemp(f"p{edition}{trip}")
    return edition, (_round_tripped if trip else generated)(edition, folder)


def test_every_sheet_protected_with_the_password(template):
    _, workbook = template
    for sheet in workbook.worksheets:
        assert sheet.protection.sheet, sheet.title
        assert sheet.protection.password == hash_password(TEMPLATE_PASSWORD), sheet.title


def test_workbook_structure_locked(template):
    _, workbook = template
    assert workbook.security is not None and workbook.security.lockStructure
    assert workbook.security.workbookPassword == hash_password(TEMPLATE_PASSWORD)


def test_only_input_cells_unlocked(template):
    edition, workbook = template
    layout = layout_for(edition)
    inputs = {(p.sheet, p.row, p.col) for p in map(layout.position, input_codes(layout))}
    assert len(inputs) == len(input_codes(layout))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(min_row=1, max_row=max(sheet.max_row, 40), max_col=max(sheet.max_column, 20)):
            for cell in row:
                key = (sheet.title, cell.row, cell.column)
                assert cell.protection.locked == (key not in inputs), key


def test_labels_and_formulas_locked(template):
    edition, workbook = template
    seen = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    seen += 1
                    assert cell.protection.locked, (sheet.title, cell.coordinate)
    assert seen >= len(layout_for(edition).labels)
