"""The template's sheets stay compact (every submitted workbook carries them, and the bulk reader inflates and scans
every sheet of every file): validation and conditional formats over rectangles, shared by cells whose formulas
agree up to translation, never one block per cell."""

from __future__ import annotations

import zipfile

import pytest
from builders import load_case
from openpyxl.formula.translate import Translator

from gaip_xl import write_workbook
from gaip_xl.format.layout import Pos, layout_for
from gaip_xl.template.conditional import CellFormat, _proven, cell_formats, shared_blocks

# Measured on huaian-2024 (2021 edition): 65,842 bytes of sheet XML with one validation range and one conditional
# format per cell, 53,514 with shared rectangles; 56,682 with template 1.1's 报告类型 row and 说明 sheet (2,622
# bytes: its input style is its columns', not one per cell, which took 27,314 bytes for 200 rows). The budget leaves
# ~6 % for small changes and fails long before per-cell blocks come back.
SHEETS_BUDGET = 60_000
SHEET = "三、依申请公开"


def _at(formula: str, origin: Pos, target: Pos) -> str:
    """How Excel evaluates a conditional format's formula, written for ``origin``, in the cell ``target``."""
    return Translator(f"={formula}", origin=origin.a1).translate_formula(target.a1)[1:]


def test_filled_workbook_sheets_stay_within_the_budget(tmp_path):
    path = tmp_path / "filled.xlsx"
    write_workbook(load_case("huaian-2024"), path)
    with zipfile.ZipFile(path) as package:
        sizes = {i.filename: i.file_size for i in package.infolist() if i.filename.startswith("xl/worksheets/")}
    assert len(sizes) == len(layout_for("2021").sheets)
    assert sum(sizes.values()) <= SHEETS_BUDGET, sizes


@pytest.mark.parametrize("edition", ["2021", "2019"])
def test_each_formatted_cell_gets_its_own_rules_from_exactly_one_block(edition):
    own = {f.pos: f.rules for f in cell_formats(edition)}
    covered: dict[Pos, int] = {}
    blocks = shared_blocks(cell_formats(edition))
    for block in blocks:
        for pos in block.cells():
            covered[pos] = covered.get(pos, 0) + 1
            assert tuple((_at(f, block.first, pos), style) for f, style in block.rules) == own[pos], pos
    assert covered == dict.fromkeys(own, 1)
    assert len(blocks) <= len(own) // 4  # shared in earnest: 14 blocks for 75 cells in 2021


def test_cells_with_the_same_formula_up_to_translation_share_one_rectangle():
    cells = [Pos(SHEET, 30, col) for col in range(4, 11)]
    blocks = shared_blocks(CellFormat(p, ((f"NOT(ISTEXT({Pos(SHEET, 31, p.col).a1}))", "red"),)) for p in cells)
    assert [(b.sqref, b.rules) for b in blocks] == [("D30:J30", (("NOT(ISTEXT(D31))", "red"),))]


def test_absolute_references_share_only_when_they_name_the_same_cell():
    formats = [CellFormat(Pos(SHEET, 5, 2), (("$A$1>0", "red"),)), CellFormat(Pos(SHEET, 6, 2), (("$A$1>0", "red"),)),
               CellFormat(Pos(SHEET, 7, 2), (("$A$2>0", "red"),))]
    assert [b.sqref for b in shared_blocks(formats)] == ["B5:B6", "B7"]


def test_a_cell_that_does_not_fit_its_rectangle_gets_a_block_of_its_own():
    """The proof, not the grouping, decides: given a rectangle whose last cell points elsewhere, that cell is split
    off and the rest still shares."""
    positions = [Pos(SHEET, 30, col) for col in (4, 5, 6)]
    own = {p: ((f"NOT(ISTEXT({Pos(SHEET, 31, p.col).a1}))", "red"),) for p in positions}
    odd = positions[-1]
    own[odd] = ((f"NOT(ISTEXT({Pos(SHEET, 32, odd.col).a1}))", "red"),)
    blocks = _proven(positions, own)
    assert sorted((b.sqref, b.rules[0][0]) for b in blocks) == [
        ("D30:E30", "NOT(ISTEXT(D31))"), ("F30", "NOT(ISTEXT(F32))")]
