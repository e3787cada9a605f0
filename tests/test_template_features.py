"""What the generated template offers a clerk: validation with Chinese prompts on every input cell, red totals when
a check fails, formulas that older spreadsheet programs understand, the check summary, fonts and print setup."""

from __future__ import annotations

import math
import re

import pytest
from openpyxl.formula.translate import Translator
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.formula import ArrayFormula
from template_helpers import generated

from gaip_xl.cli import build_parser
from gaip_xl.format import EDITIONS, LEVELS, ValueType
from gaip_xl.format.layout import SHEET_INFO, UDF_CHECK, layout_for, udf_ranges
from gaip_xl.rules.identities import identities
from gaip_xl.template import input_codes
from gaip_xl.template.checks import check_positions, check_strips
from gaip_xl.template.summary import (
    ADDIN_MISSING,
    FINDINGS_HEADER,
    FINDINGS_ROWS,
    findings_block,
    summary_cells,
)

# Functions Excel 2007/2010, WPS and LibreOffice all know; the add-in's UDF is the one exception (inside IFERROR).
EXCEL_2010_FUNCTIONS = {"IF", "SUM", "COUNTIF", "IFERROR", "ISTEXT", "NOT", "OR", "ROW", "COLUMN"}
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module", params=("2021", "2019"))
def template(request, tmp_path_factory):
    return request.param, generated(request.param, tmp_path_factory.mktemp(f"f{request.param}"))


def _validation_of(workbook, pos):
    found = [v for v in workbook[pos.sheet].data_validations.dataValidation
             if any(pos.a1 in CellRange(str(r)) for r in v.sqref.ranges)]
    assert len(found) == 1, (pos, len(found))
    return found[0]


def test_every_input_cell_has_validation_with_chinese_prompt_and_alert(template):
    edition, workbook = template
    layout = layout_for(edition)
    for code in input_codes(layout):
        rule = _validation_of(workbook, layout.position(code))
        assert rule.showInputMessage and rule.showErrorMessage and rule.errorStyle == "stop", code
        assert CJK.search(rule.prompt) and CJK.search(rule.error) and CJK.search(rule.promptTitle), code


def test_figure_validation_follows_the_value_type(template):
    edition, workbook = template
    layout = layout_for(edition)
    kinds = {ValueType.COUNT: ("whole", "greaterThanOrEqual", "0"),
             ValueType.AMOUNT: ("decimal", "greaterThanOrEqual", "0")}
    seen = set()
    for cell in EDITIONS[edition].cells:
        rule = _validation_of(workbook, layout.figures[cell.code])
        seen.add(cell.type)
        if cell.type is ValueType.CHANGE:  # 2019's 本年增/减 may be negative
            assert rule.type == "whole" and int(rule.formula1) < 0 < int(rule.formula2)
        else:
            assert (rule.type, rule.operator, rule.formula1) == kinds[cell.type], cell.code
    assert seen == ({ValueType.COUNT, ValueType.AMOUNT, ValueType.CHANGE} if edition == "2019"
                    else {ValueType.COUNT, ValueType.AMOUNT})


def test_fact_validation(template):
    edition, workbook = template
    layout = layout_for(edition)
    level = _validation_of(workbook, layout.fields["agency.level"])
    assert level.type == "list" and level.formula1.strip('"').split(",") == list(LEVELS)
    year = _validation_of(workbook, layout.fields["year"])
    assert (year.type, year.formula1, year.formula2) == ("whole", "2008", "2100")
    assert _validation_of(workbook, layout.fields["published_on"]).type == "date"


def test_one_check_per_identity_beside_its_total(template):
    edition, workbook = template
    layout = layout_for(edition)
    positions = check_positions(edition)
    assert len(positions) == len(identities(edition)) == len(set(positions.values()))
    occupied = {(p.sheet, p.row, p.col) for p in (*layout.figures.values(), *layout.fields.values())}
    occupied |= {(lab.pos.sheet, r, c) for lab in layout.labels for r in range(lab.pos.row, lab.last_row + 1)
                 for c in range(lab.pos.col, lab.last_col + 1)}
    for check in (c for s in check_strips(edition) for c in s.checks):
        assert (check.pos.sheet, check.pos.row, check.pos.col) not in occupied
        # beside: same row or same column as the total it checks, next to its table
        assert check.pos.sheet == check.target.sheet
        assert check.pos.row == check.target.row or check.pos.col == check.target.col
        cell = workbook[check.pos.sheet][check.pos.a1]
        assert cell.value == check.formula and cell.protection.locked


def test_only_old_functions_are_used(template):
    _, workbook = template
    names = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                text = cell.value.text if isinstance(cell.value, ArrayFormula) else cell.value
                if isinstance(text, str) and text.startswith("="):
                    names |= set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", re.sub(r'"[^"]*"', '""', text)))
        for cf in sheet.conditional_formatting:
            for rule in cf.rules:
                names |= set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", " ".join(rule.formula)))
    assert names - {UDF_CHECK} <= EXCEL_2010_FUNCTIONS


def _formats_at(sheet, pos) -> list[tuple[str, str]]:
    """Every conditional rule that applies to ``pos``: (formula as Excel evaluates it in ``pos``, fill colour). The
    block's formula is written for the top-left cell of its range; relative references move with the cell."""
    found = []
    for cf in sheet.conditional_formatting:
        for area in cf.sqref.ranges:
            if pos.a1 in area:
                origin = f"{get_column_letter(area.min_col)}{area.min_row}"
                for rule in cf.rules:
                    (formula,) = rule.formula
                    moved = Translator(f"={formula}", origin=origin).translate_formula(pos.a1)
                    found.append((moved.removeprefix("="), rule.dxf.fill.fgColor.rgb))
    return found


def test_every_checked_total_turns_red_when_its_check_fails(template):
    edition, workbook = template
    checks_of: dict = {}
    for check in (c for s in check_strips(edition) for c in s.checks):
        checks_of.setdefault(check.target, []).append(check.pos)
    for target, checks in checks_of.items():
        ((formula, fill),) = _formats_at(workbook[target.sheet], target)  # one rule, no overlapping blocks
        tested = set(re.findall(r"NOT\(ISTEXT\(([A-Z]+[0-9]+)\)\)", formula))
        assert tested == {p.a1 for p in checks}, (target, formula)  # exactly its own checks, wherever it stands
        assert formula in (f"NOT(ISTEXT({checks[0].a1}))", f"OR({','.join(f'NOT(ISTEXT({p.a1}))' for p in checks)})")
        assert fill.endswith("FFC7CE")


def test_every_check_cell_turns_red_when_it_fails(template):
    edition, workbook = template
    for check in (c for s in check_strips(edition) for c in s.checks):
        assert _formats_at(workbook[check.pos.sheet], check.pos) == [(f"NOT(ISTEXT({check.pos.a1}))", "FFFFC7CE")]


def test_summary_counts_turn_red_above_zero_and_green_at_zero(template):
    edition, workbook = template
    for item in summary_cells(edition):
        assert _formats_at(workbook[item.pos.sheet], item.pos) == [
            (f"{item.pos.a1}>0", "FFFFC7CE"), (f"{item.pos.a1}=0", "FFC6EFCE")], item.pos


def test_conditional_formats_are_shared_by_rectangles(template):
    """Cells of a check strip that stand side by side share one block (not one block per cell, which every filled
    file would carry), and every block covers one rectangle, so its formula is relative to one unambiguous top-left
    cell (Excel and LibreOffice may anchor a block of several ranges differently)."""
    edition, workbook = template
    shared = 0
    for strip in check_strips(edition):
        sheet = workbook[strip.caption.pos.sheet]
        holding = {str(cf.sqref) for cf in sheet.conditional_formatting for c in strip.checks
                   if c.pos.a1 in cf.sqref}
        along = sorted(c.pos.col if strip.across else c.pos.row for c in strip.checks)
        side_by_side = 1 + sum(1 for a, b in zip(along, along[1:], strict=False) if b != a + 1)
        assert len(holding) <= side_by_side, (strip.rule, holding)
        shared += len(strip.checks) > side_by_side
    assert shared >= 3  # R1, R2 and R3 stand side by side
    for sheet in workbook.worksheets:
        assert all(len(cf.sqref.ranges) == 1 for cf in sheet.conditional_formatting), sheet.title


def test_summary_and_findings_stay_outside_the_udf_ranges(template):
    edition, workbook = template
    sheet = workbook[SHEET_INFO]
    (info_range,) = [t for t in udf_ranges(layout_for(edition)) if t.startswith(f"'{SHEET_INFO}'!")]
    area = CellRange(info_range.split("!")[1].replace("$", ""))
    block = findings_block(edition)
    for pos in [*(item.pos for item in summary_cells(edition)), *block.positions()]:
        assert pos.sheet == SHEET_INFO and pos.a1 not in area, pos  # no circular reference through GAIP_CHECK
    for item in summary_cells(edition):
        assert sheet[item.pos.a1].value == item.formula


def test_findings_are_one_array_formula_over_the_block_under_its_header(template):
    edition, workbook = template
    sheet, block = workbook[SHEET_INFO], findings_block(edition)
    first, last = block.first, block.last
    assert (last.row - first.row + 1, last.col - first.col + 1) == (FINDINGS_ROWS, len(FINDINGS_HEADER))
    assert [sheet.cell(first.row - 1, first.col + i).value for i in range(3)] == ["规则", "单元格", "说明"]
    stored = sheet[first.a1].value
    assert isinstance(stored, ArrayFormula) and stored.ref == f"{first.a1}:{last.a1}"
    assert stored.text == block.formula
    # Below every other summary row, not merged (Excel refuses an array formula over merged cells).
    assert first.row > max(item.pos.row for item in summary_cells(edition)) + 1
    block_area = CellRange(stored.ref)
    assert not [r for r in sheet.merged_cells.ranges if not r.isdisjoint(block_area)]
    for pos in block.positions():
        cell = sheet[pos.a1]
        assert cell.protection.locked and cell.alignment.wrap_text, pos
        # the other cells belong to the array formula: no formula of their own, only its saved result (openpyxl
        # reads that as the cell's value): the install hint in one cell, nothing in the others
        assert pos == first or cell.value == (ADDIN_MISSING if pos == block.hint else None), pos
    # The note says how many findings show and where the others are.
    note = sheet.cell(block.note.pos.row, block.note.pos.col).value
    assert str(FINDINGS_ROWS) in note and "校验结果" in note


def test_findings_formula_calls_the_addin_inside_iferror_with_the_hint_in_one_cell(template):
    edition, _ = template
    block = findings_block(edition)
    call = f'{UDF_CHECK}("{edition}",{",".join(udf_ranges(layout_for(edition)))})'
    area = f"${block.first.a1[0]}${block.first.a1[1:]}:${block.last.a1[0]}${block.last.a1[1:]}"
    hint = f"${block.hint.a1[0]}${block.hint.a1[1:]}"
    only_at_hint = f"(ROW({area})=ROW({hint}))*(COLUMN({area})=COLUMN({hint}))"
    assert block.formula == f'=IFERROR({call},IF({only_at_hint},"{ADDIN_MISSING}",""))'
    assert block.hint.row == block.first.row and block.first.col <= block.hint.col <= block.last.col
    assert len(ADDIN_MISSING) <= 255  # Excel's limit for a text constant in a formula
    assert len(block.formula) <= 8192  # and for a formula


def test_install_hint_names_commands_that_exist():
    """The hint quotes `gaip-xl addin install`; the command line must accept exactly that."""
    commands = re.findall(r"gaip-xl ([a-z-]+(?: [a-z-]+)*)", ADDIN_MISSING)
    assert commands == ["addin install"]
    args = build_parser().parse_args(commands[0].split())
    assert (args.command, args.action) == ("addin", "install")
    assert "pip install gaip-xl" in ADDIN_MISSING


def test_findings_column_is_wide_and_rows_are_tall_enough(template):
    edition, workbook = template
    sheet, block = workbook[SHEET_INFO], findings_block(edition)
    message = sheet.column_dimensions[chr(64 + block.hint.col)].width
    assert message >= 40
    heights = [sheet.row_dimensions[row].height for row in range(block.first.row, block.last.row + 1)]
    assert min(heights) >= 30  # a few lines of a message in 9 points
    # The install hint fits its first row: a CJK character is two width units at 11 points, others one; a 9-point
    # line needs about 11 points of height.
    cjk = len(re.findall(r"[^\x00-\x7f]", ADDIN_MISSING))
    units = (2 * cjk + len(ADDIN_MISSING) - cjk) * 9 / 11
    assert heights[0] >= math.ceil(units / (message - 1)) * 11


def test_chinese_fonts_frozen_headers_and_a4_print_setup(template):
    edition, workbook = template
    layout = layout_for(edition)
    for label in layout.labels:
        assert workbook[label.pos.sheet][label.pos.a1].font.name in {"宋体", "黑体"}, label
    box = layout.boxes["s3"]
    s3 = workbook[box.sheet]
    assert s3.freeze_panes == f"{chr(64 + box.first_data_col)}{box.first_data_row}"
    assert s3.print_title_rows == f"${box.first_row}:${box.first_data_row - 1}"
    for sheet in workbook.worksheets[:-1]:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.fitToWidth, setup.fitToHeight) == (9, 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_label_columns_fit_their_labels(template):
    edition, workbook = template
    for label in layout_for(edition).labels:
        if label.kind == "header" and not label.merged:
            width = workbook[label.pos.sheet].column_dimensions[chr(64 + label.pos.col)].width
            assert width >= min(2 * len(label.text), 20), label
