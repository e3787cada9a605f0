"""What a published figure cell becomes: never an invented figure; and the edition told from the labels."""

import random

import pytest
from builders import consistent_report
from importer_render import to_html, to_text

from gaip_xl import import_report, validate
from gaip_xl.format import ValueType
from gaip_xl.importer.matcher import Matcher
from gaip_xl.importer.values import read_value

COUNT, AMOUNT, CHANGE = ValueType.COUNT, ValueType.AMOUNT, ValueType.CHANGE


@pytest.mark.parametrize("text, kind, value, state, noted", [
    ("", COUNT, None, "blank", False),
    ("\u00a0 ", COUNT, None, "blank", False),
    ("447228", COUNT, 447228, "number", False),
    ("96171.6", AMOUNT, 96171.6, "number", False),
    ("0件", COUNT, 0, "number", True),
    ("１２", COUNT, 12, "number", True),
    ("3,119", COUNT, 3119, "number", True),
    ("+17", CHANGE, 17, "number", True),
    ("-18", CHANGE, -18, "number", False),
    ("63.79 万元", AMOUNT, 63.79, "number", True),
    ("251000元", AMOUNT, 25.1, "number", True),
    ("73802895.90元", AMOUNT, 7380.28959, "number", True),
    ("17\n8", COUNT, 178, "number", True),  # a figure wrapped in a narrow cell
    ("63.79 万元", COUNT, "63.79 万元", "text", False),  # money in a count is not ours to convert
    ("1 2", COUNT, "1 2", "text", False),  # two figures in one cell: V1, not 12
    ("—", COUNT, "—", "not_applicable", True),
    ("/", COUNT, "/", "not_applicable", True),
    ("无", COUNT, "无", "not_applicable", True),
    ("见附件", COUNT, "见附件", "text", False),
])
def test_cell_values(text, kind, value, state, noted):
    read = read_value(text, kind)
    assert (read.value, read.kind, read.note is not None) == (value, state, noted)
    assert type(read.value) is type(value)


def test_not_applicable_is_neither_zero_nor_a_figure():
    report = consistent_report("2019", random.Random(7))
    page = to_html(report).decode()
    natural = report.figures["s3.new.natural"]
    marker = f"<p align=center>{natural}</p>"
    assert marker in page
    result = import_report(page.replace(marker, "<p align=center>—</p>", 1).encode())
    assert result.report.figures["s3.new.natural"] == "—"
    assert result.provenance["s3.new.natural"]["value"] == "not_applicable"
    assert "I_NOT_APPLICABLE" in {f.code for f in result.findings}
    findings = validate(result.report).findings
    assert [f.rule for f in findings if "s3.new.natural" in {c.code for c in f.cells}] == ["V1"]  # R1/R3 not judged


def test_units_and_signs_in_a_2019_report_are_read_with_notes():
    report = consistent_report("2019", random.Random(8))
    report.figures["s2_item9.procurement.amount"] = "251000元"
    report.figures["s2_item5.licensing.change"] = "+17"
    report.figures["s2_item6.penalty.change"] = -18
    result = import_report(to_text(report).encode())
    assert result.report.edition.code == "2019"
    assert result.report.figures["s2_item9.procurement.amount"] == 25.1
    assert result.report.figures["s2_item5.licensing.change"] == 17
    assert result.report.figures["s2_item6.penalty.change"] == -18
    assert "已由元换算为万元" in result.provenance["s2_item9.procurement.amount"]["note"]
    assert "I_VALUES_CONVERTED" in {f.code for f in result.findings}


def test_edition_comes_from_the_labels_and_is_checked_against_the_year():
    report = consistent_report("2021", random.Random(9), year=2020)  # 2021-edition tables in a 2020 report
    result = import_report(to_html(report))
    assert result.report.edition.code == "2021" and result.block["edition"]["basis"] == "labels"
    assert "I_EDITION_YEAR" in {f.code for f in result.findings}
    forced = import_report(to_html(report), edition="2019")
    assert forced.report.edition.code == "2019" and forced.block["edition"]["basis"] == "given"
    assert forced.report.figures.get("s3.other_other.total") is None  # no 2021 row forced into the 2019 model
    assert "I_EDITION_GIVEN" in {f.code for f in forced.findings}
    assert not any(code.startswith("s2_item1.") for code in forced.report.figures)  # 2021 columns, other meanings
    assert not any(code.startswith("s3.other_handling.") for code in forced.report.figures)  # not (六)1 alone
    assert "I1" in {f.rule for f in validate(forced.report).errors}


def test_the_matcher_records_how_and_refuses_a_tie():
    matcher = Matcher([("a", "1.属于国家秘密"), ("b", "2.其他法律行政法规禁止公开")],
                      {"2.其他法律行政止公开": "2.其他法律行政法规禁止公开"})
    assert matcher.match("1、属于国家秘密").method == "exact"
    assert matcher.match("2.其他法律行政止公开").method == "drift"
    fuzzy = matcher.match("1.属于国家秘")
    assert fuzzy.key == "a" and fuzzy.method == "fuzzy" and 80 <= fuzzy.score < 100
    tied = Matcher([("x", "结果维持"), ("y", "结果纠正")])
    assert tied.match("结果") is None


def test_known_drifts_are_matched_as_drifts():
    report = consistent_report("2021", random.Random(10))
    text = to_text(report).replace("\t2.其他法律行政法规禁止公开\n", "\t2.其他法律行政止公开\n")
    text = text.replace("\t1.属于国家秘密\n", "\t1、属于国家秘密\n")
    result = import_report(text.encode())
    assert result.report.figures == report.figures and result.findings == []
    assert result.provenance["s3.withheld_prohibited_by_law.natural"]["row"]["method"] == "drift"
    assert result.provenance["s3.withheld_state_secret.natural"]["row"]["method"] == "exact"  # "1、" normalised


@pytest.mark.parametrize("name, level", [
    ("花石镇人民政府", "乡镇"), ("大洼区西安镇", "乡镇"), ("某某县人民政府", "县级"), ("某某省人民政府", "省级"),
    ("淮安市人民政府", None), ("某某市交通运输局", None),
])
def test_a_level_only_where_the_name_states_it(name, level):
    from gaip_xl.format import LEVELS
    from gaip_xl.importer.interpret import level_from_name

    assert level_from_name(name) == level and (level is None or level in LEVELS)
