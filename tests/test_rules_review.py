"""The checks reviewers apply to published reports (T1–T4, Y1–Y3, R9's new readings, S3 by report type), messages
a clerk reads without arithmetic, and written explanations (说明): each rule on a report that triggers it and on one
just short of its threshold."""

from __future__ import annotations

import random

import pytest
from builders import consistent_report, load_case, next_year
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.report import Explanation, Report
from gaip_xl.rules import SPECS, Severity, validate
from gaip_xl.rules.previous_year import JUMP_FACTOR, JUMP_FLOOR, LARGELY_SAME, shared_share
from gaip_xl.rules.review import PROBLEMS_MIN

PROBLEMS = ("一是政策解读形式还比较单一，二是回应社会关切不够及时，三是基层公开标准化规范化水平有待提高。"
            "下一步将丰富解读形式，建立舆情回应机制，推进基层政务公开标准化规范化建设。")
OTHER = "本年度未收取信息处理费。"


def complete(edition: str = "2021", seed: int = 1) -> Report:
    """A consistent report with prose as reviewers want it: no finding at all."""
    report = consistent_report(edition, random.Random(seed))
    report.text.update(overview="本年度政务公开工作稳步推进。", problems=PROBLEMS, other=OTHER)
    return report


def rules(report: Report, previous: Report | None = None) -> list[str]:
    return [f.rule for f in validate(report, previous).findings]


def only(report: Report, rule: str, previous: Report | None = None):
    found = [f for f in validate(report, previous).findings if f.rule == rule]
    assert len(found) == 1, [f.message for f in validate(report, previous).findings]
    return found[0]


def test_a_complete_report_has_no_finding():
    assert rules(complete()) == []
    assert len("".join(PROBLEMS.split())) >= PROBLEMS_MIN


@pytest.mark.parametrize("rule", ["T1", "T2", "T3", "T4", "Y1", "Y2", "Y3"])
def test_new_rules_are_declared_warnings_listed_by_the_cli(rule):
    import io

    from gaip_xl.cli import run
    spec = SPECS[rule]
    assert spec.severity is Severity.WARNING and spec.relates and spec.title
    out = io.StringIO()
    assert run(["rules"], out, io.StringIO()) == 0
    assert any(line.startswith(f"{rule}\t警告\t{spec.title}") for line in out.getvalue().splitlines())


# ---------------------------------------------------------------------------- T1 section 五
@pytest.mark.parametrize("text, state", [(None, "未填写"), ("", "未填写"), ("无", "只写了“无”"),
                                         ("暂无。", "只写了“暂无。”"), ("没有", "只写了“没有”")])
def test_t1_section_five_missing_or_nothing(text, state):
    report = complete()
    report.text["problems"] = text
    t1 = only(report, "T1")
    assert state in t1.message and t1.cells[0].code == "text.problems" and t1.cells[0].sheet == "文字部分"


def test_t1_too_short_just_below_and_at_the_threshold():
    report = complete()
    report.text["problems"] = "问" * (PROBLEMS_MIN - 1) + "。 "  # punctuation and spaces are not counted
    assert f"只有{PROBLEMS_MIN - 1}个字" in only(report, "T1").message
    report.text["problems"] = "问" * PROBLEMS_MIN
    assert "T1" not in rules(report)


def test_prose_rules_leave_a_report_of_figures_only_alone():
    report = consistent_report("2021", random.Random(2))  # no prose at all: the case files of 淮安, 平潭
    assert rules(report) == []


# ---------------------------------------------------------------------------- T2 信息处理费
@pytest.mark.parametrize("other", ["无", "本单位无其他需要报告事项。", "本年度收取行政事业性收费0万元。"])
def test_t2_section_six_silent_on_the_fee(other):
    report = complete()
    report.text["other"] = other
    assert only(report, "T2").cells[0].code == "text.other"


@pytest.mark.parametrize("other", ["本年度未收取信息处理费。", "2023年共收取信息处理费0.12万元。",
                                   "本机关本年度没有收取任何费用。", "依申请公开不收费。"])
def test_t2_a_stated_fee_or_none_charged_passes(other):
    report = complete()
    report.text["other"] = other
    assert "T2" not in rules(report)


# ---------------------------------------------------------------------------- T3 / T4 missing parts and tables
def test_t3_a_blank_prose_section():
    report = complete()
    report.text["overview"] = "  "
    assert "一、总体情况：未填写" in only(report, "T3").message
    report.text["other"] = None
    assert [f.rule for f in validate(report).findings] == ["T3", "T3"]  # no T2 beside a blank section 六


def test_t4_a_table_left_blank_and_a_table_with_one_figure():
    report = complete()
    for code in [c.code for c in report.edition.table("s4").cells()]:
        del report.figures[code]
    t4 = only(report, "T4")
    assert t4.message.startswith("第四部分：全部数字都是空白") and len(t4.cells) == 15
    report.figures["s4.review.upheld"] = 0
    report.figures["s4.review.total"] = 0
    assert "T4" not in rules(report)


@pytest.mark.parametrize("missing, rule, code", [
    (["problems"], "T1", "text.problems"), (["五"], "T1", "text.problems"),
    (["六、其他需要报告的事项"], "T3", "text.other"), (["s4"], "T4", "s4.review.upheld"),
    (["三"], "T4", "s3.new.natural"),
])
def test_an_import_that_did_not_find_a_part_says_so(missing, rule, code):
    report = complete()
    report.extra["import"] = {"missing": missing}
    finding = only(report, rule)
    assert "导入时没有找到" in finding.message and finding.cells[0].code == code


def test_an_import_of_figures_only_still_reports_the_sections_not_found():
    report = consistent_report("2021", random.Random(3))
    report.extra["import"] = {"missing": ["一", "五", "六"]}
    assert sorted(rules(report)) == ["T1", "T3", "T3"]


# ---------------------------------------------------------------------------- R9 new readings
def quoting(report: Report, sentence: str) -> Report:
    report.text["overview"] = sentence
    return report


def test_r9_received_may_mean_new_plus_carried_in():
    report = complete()
    new, carried = report.figures["s3.new.total"], report.figures["s3.carried_in.total"]
    assert carried > 0
    for quoted in (new, new + carried):
        assert "R9" not in rules(quoting(report, f"共收到政府信息公开申请{quoted}件。"))
    r9 = only(quoting(report, f"共收到政府信息公开申请{new + carried + 1}件。"), "R9")
    assert f"为{new}，本年新收加上年结转为{new + carried}" in r9.message
    # 新收 means new applications only
    assert "R9" in rules(quoting(report, f"本年新收政府信息公开申请{new + carried}件。"))


@pytest.mark.parametrize("edition, sentence, code", [
    ("2021", "本年制定规章{n}件。", "s2_item1.rules.issued"),
    ("2019", "本年制定规章{n}件。", "s2_item1.rules.made"),
    ("2021", "制发行政规范性文件{n}件。", "s2_item1.normative.issued"),
    ("2019", "新制作规范性文件{n}件。", "s2_item1.normative.made"),
    ("2021", "作出行政许可决定{n}件。", "s2_item5.licensing.decisions"),
])
def test_r9_section_two_prose_against_the_table(edition, sentence, code):
    report = complete(edition)
    value = report.figures[code]
    assert "R9" not in rules(quoting(report, sentence.format(n=value)))
    r9 = only(quoting(report, sentence.format(n=value + 1)), "R9")
    assert [c.code for c in r9.cells] == ["text.overview", code]


@pytest.mark.parametrize("sentence", ["现行有效规范性文件999件。", "废止规范性文件999件。",
                                      "规范性文件现行有效999件。", "办理行政许可事项999项。"])
def test_r9_other_counts_of_section_two_are_not_judged(sentence):
    assert "R9" not in rules(quoting(complete(), sentence))


# ---------------------------------------------------------------------------- messages without arithmetic
def test_a_total_too_large_says_by_how_much_against_what():
    report = complete()
    column = "s3.total.natural"
    parts = report.figures[column]
    report.figures[column] = parts + 805
    report.figures["s3.carried_out.natural"] -= 0  # R1 breaks too; look at R2
    r2 = next(f for f in validate(report).findings if f.rule == "R2")
    assert f"（七）总计填了{parts + 805}，比（一）至（六）各项之和（{parts}）多805" in r2.message
    assert "相差" not in r2.message


def test_a_total_left_blank_says_it_is_blank_not_zero():
    report = complete()
    total = report.figures.pop("s4.review.total")
    r4 = only(report, "R4")
    assert f"总计未填写，结果维持、结果纠正、其他结果、尚未审结之和为{total}" in r4.message
    assert "空白" not in r4.message  # the one blank is the total itself, already said


def test_no_message_asks_the_clerk_to_subtract():
    assert not [spec.id for spec in SPECS.values() if "相差" in spec.message]


# ---------------------------------------------------------------------------- S3 by report type
@pytest.mark.parametrize("report_type, level, last_day", [
    (None, "县级", "2024-01-31"), ("本机关", "县级", "2024-01-31"), ("汇总", "县级", "2024-02-20"),
    ("汇总", "设区的市", "2024-03-10"), ("汇总", "省级", "2024-03-31"), ("汇总", "乡镇", "2024-01-31"),
])
def test_s3_deadline_by_report_type_and_level(report_type, level, last_day):
    import datetime as dt
    report = complete()
    report.year, report.report_type, report.agency.level = 2023, report_type, level
    report.published_on = last_day
    assert "S3" not in rules(report)
    report.published_on = (dt.date.fromisoformat(last_day) + dt.timedelta(days=1)).isoformat()
    s3 = only(report, "S3")
    assert s3.expected == last_day
    assert ("汇总" in s3.message) == (report_type == "汇总" and level != "乡镇")


def test_report_type_must_be_one_of_the_two():
    report = complete()
    report.report_type = "部门"
    j1 = only(report, "J1")
    assert "报告类型" in j1.message and "本机关" in j1.message


# ---------------------------------------------------------------------------- Y1–Y3 against last year
def pair(seed: int = 5) -> tuple[Report, Report]:
    rng = random.Random(seed)
    previous = consistent_report("2021", rng, 2022)
    current = next_year(previous, rng)
    for code in current.edition.cell_codes:  # last year's totals equal this year's: no jump to start with
        if code.endswith(".total") and not code.startswith("s2"):
            previous.figures[code] = current.figures[code]
    current.text.update(complete().text)
    previous.text.update(overview="上年度工作情况。", problems="上一年的问题是另一回事，写法也完全不同，" * 3,
                         other=OTHER)
    return current, previous


def test_a_pair_without_jumps_copies_or_repeats_has_no_comparison_finding():
    current, previous = pair()
    assert not [r for r in rules(current, previous) if r.startswith("Y")]


def jump(before: int, now: int) -> list[str]:
    current, previous = pair()
    current.figures["s4.review.total"], previous.figures["s4.review.total"] = now, before
    return [f.rule for f in validate(current, previous).findings if f.rule == "Y1"]


@pytest.mark.parametrize("before, now, flagged", [
    (4, 20, True), (4, 19, False),  # at the floor; just below it (and below ×5)
    (5, 24, False), (5, 25, True),  # just below ×5; at ×5
    (1, 5, False), (3, 0, False),  # small numbers: ×5 but under the floor
    (100, 20, True), (100, 21, False), (0, 20, True), (20, 0, True), (19, 0, False),
])
def test_y1_jumps_and_falls_above_the_floor(before, now, flagged):
    assert JUMP_FACTOR == 5 and JUMP_FLOOR == 20
    assert jump(before, now) == (["Y1"] if flagged else [])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 200), st.integers(0, 200))
def test_y1_flags_exactly_the_class_it_declares(before, now):
    high, low = max(before, now), min(before, now)
    assert bool(jump(before, now)) == (high >= JUMP_FLOOR and high >= JUMP_FACTOR * low)


def test_y1_message_names_both_years():
    current, previous = pair()
    current.figures["s4.review.total"], previous.figures["s4.review.total"] = 60, 10
    y1 = only(current, "Y1", previous)
    assert "本年为60，上年为10，是上年的6倍" in y1.message
    assert [c.report for c in y1.cells] == ["current", "previous"]


def test_y2_a_table_copied_from_last_year():
    current, previous = pair()
    for cell in current.edition.table("s2_item6").cells():
        previous.figures[cell.code] = current.figures[cell.code] = 7
    y2 = only(current, "Y2", previous)
    assert y2.message.startswith("第二部分第二十条第（六）项的全部数字与上年报告完全相同")


def test_y2_not_for_zeros_nor_for_stock_figures_alone_nor_one_figure_apart():
    current, previous = pair()
    s2 = current.edition.table("s2_item6").cells()
    for cell in s2:
        previous.figures[cell.code] = current.figures[cell.code] = 0  # a town with nothing to decide, both years
    stock = current.edition.table("s2_item1").cells()
    for cell in stock:  # nothing issued or repealed, the same documents in force
        value = 12 if cell.column.code == "in_force" else 0
        previous.figures[cell.code] = current.figures[cell.code] = value
    assert "Y2" not in rules(current, previous)
    for cell in s2:
        previous.figures[cell.code] = current.figures[cell.code] = 7
    current.figures[s2[0].code] = 8
    assert "Y2" not in rules(current, previous)


SENTENCES = [f"第{n}项工作按照要求稳步推进并取得了实效，群众满意度有所提升" for n in "一二三四五六七八九十"]


def test_y3_prose_largely_the_same_as_last_year():
    current, previous = pair()
    previous.text["problems"] = "。".join(SENTENCES) + "。"
    # six of ten sentences kept (one with a new year in it), four rewritten
    kept = [s.replace("第一项", "2024年第一项") for s in SENTENCES[:6]]
    rewritten = [f"新的问题{n}与去年完全不同需要另行研究解决办法" for n in "甲乙丙丁"]
    current.text["problems"] = "。".join(kept + rewritten) + "。"
    y3 = only(current, "Y3", previous)
    assert y3.actual >= LARGELY_SAME and f"有{y3.actual:.0%}的内容与上年报告相同" in y3.message


def test_y3_just_below_half_is_not_flagged():
    text = "。".join(SENTENCES[:4] + [f"新的问题{n}与去年完全不同需要另行研究解决办法" for n in "甲乙丙丁戊己"])
    share = shared_share(text, "。".join(SENTENCES))
    assert share is not None and 0.4 < share < LARGELY_SAME
    current, previous = pair()
    previous.text["problems"] = "。".join(SENTENCES)
    current.text["problems"] = text
    assert "Y3" not in rules(current, previous)


def test_y3_short_standard_sentences_are_not_copying():
    current, previous = pair()
    current.text["other"] = previous.text["other"] = "本年度未收取信息处理费。"
    assert "Y3" not in rules(current, previous)


def test_the_real_pair_of_pingtan_has_no_comparison_finding():
    assert validate(load_case("pingtan-2022"), load_case("pingtan-2021")).findings == []


# ---------------------------------------------------------------------------- explanations (说明)
def with_r8(seed: int = 5) -> tuple[Report, Report]:
    current, previous = pair(seed)
    current.figures["s2_item1.normative.in_force"] += 3  # documents that expired: R8, a warning
    return current, previous


def test_an_explained_warning_is_listed_as_explained_with_its_text():
    current, previous = with_r8()
    current.explanations = [Explanation("R8", ("s2_item1.normative.in_force",), "文件到期失效")]
    result = validate(current, previous)
    (r8,) = [f for f in result.findings if f.rule == "R8"]
    assert r8.explained and r8.explanation == "文件到期失效" and r8.status == "警告（已说明）"
    assert result.stats["explained_warnings"] == 1 and result.stats["open_warnings"] == len(result.warnings) - 1
    data = result.to_dict()
    assert data["explained_warnings"] == 1
    r8_data = [(f["explanation"], f["explained"]) for f in data["findings"] if f["rule"] == "R8"]
    assert r8_data == [("文件到期失效", True)]
    assert {row["explanation"] for row in result.flatten() if row["rule"] == "R8"} == {"文件到期失效"}


def test_an_empty_or_other_cells_explanation_explains_nothing():
    current, previous = with_r8()
    current.explanations = [Explanation("R8", ("s2_item1.normative.in_force",), "  "),
                            Explanation("R8", ("s2_item1.rules.in_force",), "规章到期")]
    result = validate(current, previous)
    assert result.stats["explained_warnings"] == 0 and result.stats["open_warnings"] == 1
    assert [(s.rule, s.cells) for s in result.stale_explanations] == [("R8", ("s2_item1.rules.in_force",))]


def test_an_explanation_on_an_error_changes_nothing():
    report = complete()
    report.figures["s3.total.total"] += 1
    before = validate(report)
    report.explanations = [Explanation("R3", ("s3.total.total",), "没错")]
    after = validate(report)
    assert after.findings == before.findings and not after.valid
    assert after.stale_explanations == [] and after.stats["explained_warnings"] == 0


def test_an_explanation_whose_finding_went_away_is_stale_not_dropped():
    report = complete()
    report.explanations = [Explanation("B1", (), "确为空白")]
    result = validate(report)
    assert result.findings == [] and [s.text for s in result.stale_explanations] == ["确为空白"]
    assert result.to_dict()["stale_explanations"] == [{"rule": "B1", "cells": [], "text": "确为空白"}]


def test_an_explanation_without_cells_explains_every_finding_of_its_rule():
    report = complete()
    report.text["other"] = "无"
    report.explanations = [Explanation("T2", (), "本机关未收取信息处理费，漏写")]
    (t2,) = validate(report).findings
    assert t2.explained


# ---------------------------------------------------------------------------- the class: every total, any gap
@settings(max_examples=40, deadline=None)
@given(st.sampled_from([c.code for c in consistent_report("2021", random.Random(1)).edition.table("s3").columns]),
       st.integers(-50, 900).filter(bool), st.booleans())
def test_r2_message_states_the_gap_or_the_blank_for_any_column(column, gap, blank):
    report = complete()
    code = f"s3.total.{column}"
    parts = report.figures[code]
    if blank:
        del report.figures[code]
    else:
        report.figures[code] = max(0, parts + gap)
    r2 = [f for f in validate(report).findings if f.rule == "R2"]
    if not blank and parts + gap <= 0 and parts == 0:
        assert r2 == []  # 0 and 0: nothing to say
        return
    if blank and parts == 0:
        assert r2 == []  # a blank total of parts that add up to 0 holds (blank counts as 0)
        return
    (finding,) = r2
    if blank:
        assert f"（七）总计未填写，（一）至（六）各项之和为{parts}" in finding.message
    else:
        written = max(0, parts + gap)
        gap_words = f"{'多' if written > parts else '少'}{abs(written - parts)}"
        assert f"（七）总计填了{written}，比（一）至（六）各项之和（{parts}）{gap_words}" in finding.message
