"""What the generated template offers a clerk: validation with Chinese prompts on every input cell, red totals when
a check fails, formulas that older spreadsheet programs understand, the check summary, fonts and print setup."""

from __future__ import annotations

import re

import pytest
from openpyxl.worksheet.cell_range import CellRange
from template_helpers import generated

from gaip_xl.format import EDITIONS, LEVELS, ValueType
from gaip_xl.format.layout import SHEET_INFO, UDF_CHECK, layout_for, udf_ranges
from gaip_xl.rules.identities import identities
from gaip_xl.template import input_codes
from gaip_xl.template.checks import check_positions, check_strips
from gaip_xl.template.summary import ADDIN_MISSING, summary_cells, udf_cell

# Functions Excel 2007/2010, WPS and LibreOffice all know; the add-in's UDF is the one exception (inside IFERROR).
EXCEL_2010_FUNCTIONS = {"IF", "SUM", "COUNTIF", "IFERROR", "ISTEXT", "NOT", "OR"}
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
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    names |= set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", re.sub(r'"[^"]*"', '""', cell.value)))
        for cf in sheet.conditional_formatting:
            for rule in cf.rules:
                names |= set(re.findall(r"([A-Z][A-Z0-9_.]*)\(", " ".join(rule.formula)))
    assert names - {UDF_CHECK} <= EXCEL_2010_FUNCTIONS


def test_every_checked_total_turns_red_when_its_check_fails(template):
    edition, workbook = template
    for check in (c for s in check_strips(edition) for c in s.checks):
        sheet = workbook[check.target.sheet]
        rules = [r for cf in sheet.conditional_formatting if check.target.a1 in cf.sqref for r in cf.rules]
        assert rules, check.target
        formula = " ".join(f for r in rules for f in r.formula)
        assert f"NOT(ISTEXT(${check.pos.a1[0]}${check.pos.a1[1:]}))" in formula
        assert rules[0].dxf.fill.fgColor.rgb.endswith("FFC7CE")


def test_summary_stays_outside_the_udf_ranges(template):
    edition, workbook = template
    sheet = workbook[SHEET_INFO]
    for item in summary_cells(edition):
        for text in udf_ranges(layout_for(edition)):
            area = CellRange(text.split("!")[1].replace("$", ""))
            if text.startswith(f"'{SHEET_INFO}'"):
                assert item.pos.a1 not in area, item.pos  # no circular reference through GAIP_CHECK
        assert sheet[item.pos.a1].value == item.formula


def test_udf_cell_calls_the_addin_with_the_layout_ranges_inside_iferror(template):
    edition, workbook = template
    pos = udf_cell(edition)
    formula = workbook[pos.sheet][pos.a1].value
    expected = f'{UDF_CHECK}("{edition}",{",".join(udf_ranges(layout_for(edition)))})'
    assert formula == f'=IFERROR({expected},"{ADDIN_MISSING}")'
    assert len(ADDIN_MISSING) <= 255  # Excel's limit for a text constant in a formula


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
