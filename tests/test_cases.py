"""The real published reports of tests/cases/ give the verdicts their README states."""

import pytest
from builders import load_case

from gaip_xl.rules import validate

ALL_HOLD = ["huaian-2024", "pingtan-2021", "pingtan-2022"]  # figures only: their prose is not in the case files


@pytest.mark.parametrize("name", ALL_HOLD)
def test_all_rules_hold(name):
    result = validate(load_case(name))
    assert result.valid
    assert result.findings == []


# Three reports end section 六 with "无" or "本单位无其他需要报告事项": none says what it charged as 信息处理费, which
# 国办函〔2020〕109号 asks of every report ("未收取" included). That is T2, a real remark; their section 五 is there.
NO_FEE_STATED = ["zhanggutai-2021", "huashi-2021", "xian-2021"]


@pytest.mark.parametrize("name", NO_FEE_STATED)
def test_section_six_silent_on_the_fee_is_t2(name):
    report = load_case(name)
    assert "处理费" not in report.text["other"] and "收取" not in report.text["other"]
    t2 = [f for f in validate(report).findings if f.rule == "T2"]
    assert len(t2) == 1 and t2[0].cells[0].code == "text.other"
    assert not [f for f in validate(report).findings if f.rule in ("T1", "T3", "T4")]


def test_zhanggutai_holds_but_for_the_fee():
    result = validate(load_case("zhanggutai-2021"))
    assert result.valid
    assert [f.rule for f in result.findings] == ["T2"]


def test_huashi_a_town_with_no_applications():
    report = load_case("huashi-2021")
    assert all(v == 0 for v in report.figures.values())
    result = validate(report)
    assert result.valid
    # both remarks are real: its 总体情况 runs to 1,166 characters, over the 2021 notice's ~1,000, and its section 六
    # says nothing of the 信息处理费 (T2)
    assert [f.rule for f in result.findings] == ["S2", "T2"]
    assert result.findings[0].actual == 1166


def test_xian_blank_applicant_columns_are_reported_not_passed_silently():
    result = validate(load_case("xian-2021"))
    assert result.valid  # blank counts as 0, and every total is 0
    blank, fee = result.findings
    assert fee.rule == "T2"  # section 六 is "无"
    assert blank.rule == "B1"
    assert len(blank.cells) == 25 * 6  # every applicant column of every row of section 三
    assert {c.column for c in blank.cells} == {"natural", "commercial", "research", "public_interest",
                                               "legal_services", "other_org"}
    assert "150个空白单元格" in blank.message


def test_pingtan_2021_to_2022_cross_year():
    current, previous = load_case("pingtan-2022"), load_case("pingtan-2021")
    assert validate(current, previous).findings == []
    assert current.figures["s3.carried_in.natural"] == previous.figures["s3.carried_out.natural"] == 1


def test_huaian_large_figures():
    report = load_case("huaian-2024")
    assert report.figures["s2_item6.penalty.decisions"] == 3985758
    assert report.figures["s3.total.total"] == 3050
