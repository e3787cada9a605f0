"""The worksheet functions, called as xlwings calls them: with the 2-D lists of the ranges the template passes."""

from __future__ import annotations

import re

import pytest
from addin_helpers import filled_template
from builders import load_case
from openpyxl import load_workbook

from gaip_xl.addin import udfs
from gaip_xl.format.layout import UDF_CHECK, UDF_SHEETS, layout_for, udf_ranges
from gaip_xl.rules import validate
from gaip_xl.template.summary import FINDINGS_HEADER, FINDINGS_ROWS, findings_block, udf_call


def excel_value(value):
    """What xlwings hands a UDF: numbers as floats, blanks as None."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def blocks(path, edition: str) -> list[list[list]]:
    """The UDF's range arguments read from a filled template exactly as ``udf_ranges`` spells them."""
    workbook = load_workbook(path)
    found = []
    for reference in udf_ranges(layout_for(edition)):
        sheet, cells = re.fullmatch(r"'(.+)'!(\$A\$1:\$[A-Z]+\$\d+)", reference).groups()
        rows = workbook[sheet][cells.replace("$", "")]
        found.append([[excel_value(c.value) for c in row] for row in rows])
    return found


def test_check_is_the_function_the_template_calls():
    assert udfs.GAIP_CHECK.__name__ == UDF_CHECK
    assert udf_call("2021").startswith(f"{UDF_CHECK}(") and udf_call("2021") in findings_block("2021").formula
    for function in udfs.UDFS:
        assert re.search(r"[\u4e00-\u9fff]", function.__doc__)  # Excel's function wizard shows it


@pytest.mark.parametrize("case", ["huaian-2024", "pingtan-2021"])
def test_check_of_a_consistent_template_says_all_passed(case, tmp_path):
    path = filled_template(load_case(case), tmp_path)
    rows = udfs.GAIP_CHECK("2021", *blocks(path, "2021"))
    assert rows == [["全部通过", "", ""]] + [["", "", ""]] * (FINDINGS_ROWS - 1)  # exactly the template's block


def shown(rows):
    """The rows a clerk sees filled in, without the padding."""
    assert len(rows) >= FINDINGS_ROWS and all(len(row) == len(FINDINGS_HEADER) for row in rows)
    return [row for row in rows if any(row)]


def test_check_lists_every_finding_the_rule_engine_finds(tmp_path):
    report = load_case("huaian-2024")
    path = filled_template(report, tmp_path, {"s3.new.total": 1, "s4.review.total": 999})
    rows = shown(udfs.GAIP_CHECK(2021.0, *blocks(path, "2021")))  # the edition as Excel may pass a number

    report.figures.update({"s3.new.total": 1, "s4.review.total": 999})
    expected = validate(report).findings
    assert [row[0].split()[0] for row in rows] == [f.rule for f in expected] and len(rows) == 3
    assert all(len(row) == 3 for row in rows)  # a rectangular block that spills
    assert [row[2] for row in rows] == [f.message for f in expected]
    assert "'四、复议诉讼'!" in rows[-1][1]


def test_check_reads_text_in_a_figure_cell_as_the_rules_do(tmp_path):
    path = filled_template(load_case("huaian-2024"), tmp_path, {"s3.new.natural": "三千"})
    rules = {row[0].split()[0] for row in shown(udfs.GAIP_CHECK("2021", *blocks(path, "2021")))}
    assert "V1" in rules


def test_check_says_what_is_wrong_with_the_edition():
    empty = [[None]]
    assert shown(udfs.GAIP_CHECK("2020", *([empty] * len(UDF_SHEETS)))) == [[udfs.UNKNOWN_EDITION, "", ""]]


def test_more_findings_than_the_block_are_all_returned():
    """Excel cuts a longer result off at the block's edge (the template's note says so); the UDF hides nothing."""
    many = [["V1 错误", f"A{i}", "不是数字"] for i in range(FINDINGS_ROWS + 7)]
    assert udfs.block_sized(many) == many
    assert udfs.block_sized([]) == [["", "", ""]] * FINDINGS_ROWS


def test_sumcheck():
    assert udfs.GAIP_SUMCHECK(6.0, 1.0, 2.0, 3.0) == "✓"
    assert udfs.GAIP_SUMCHECK(7.0, [[1.0, 2.0, 3.0]]) == 6  # a range part, and the value the total should have
    assert udfs.GAIP_SUMCHECK(None, None, None) == "✓"  # blanks count as 0, as in the rules
    assert udfs.GAIP_SUMCHECK(1.5, 0.25, 1.0) == 1.25
    assert udfs.GAIP_SUMCHECK(3.0, "三", 1.0) == udfs.NOT_A_NUMBER


def test_balance_is_r1():
    # 一 + 二 = 三（七）总计 + 四 → 四 should be 一 + 二 − （七）总计
    assert udfs.GAIP_BALANCE(10.0, 2.0, 9.0, 3.0) == "✓"
    assert udfs.GAIP_BALANCE(10.0, 2.0, 9.0, 5.0) == 3
    assert udfs.GAIP_BALANCE(10.0, None, 4.0, None) == 6
    assert udfs.GAIP_BALANCE("x", 2.0, 9.0, 3.0) == udfs.NOT_A_NUMBER
