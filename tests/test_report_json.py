"""The report as a canonical JSON document, and its JSON Schema."""

import json
from importlib.resources import files

import pytest
from builders import case_document, load_case
from jsonschema import Draft202012Validator

from gaip_xl.errors import GaipError
from gaip_xl.report import Report, schema_for
from gaip_xl.rules import validate


def test_json_round_trip_is_exact():
    text = (load_case("huaian-2024")).to_json()
    assert Report.from_json(text).to_json() == text


def test_chinese_is_written_unescaped():
    text = load_case("pingtan-2022").to_json()
    assert "平潭综合实验区" in text and "\\u" not in text


def test_blank_stays_distinct_from_zero():
    doc = case_document("xian-2021")
    assert doc["tables"]["s3"]["new"]["natural"] is None
    assert doc["tables"]["s3"]["new"]["total"] == 0
    report = Report.from_json(doc)
    assert "s3.new.natural" not in report.figures and report.figures["s3.new.total"] == 0
    assert json.loads(report.to_json())["tables"]["s3"]["new"]["natural"] is None


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_schema_is_valid_2020_12_and_titled_in_chinese(edition):
    schema = schema_for(edition)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    s3 = schema["properties"]["tables"]["properties"]["s3"]
    assert s3["properties"]["new"]["title"] == "一、本年新收政府信息公开申请数量"
    assert s3["properties"]["new"]["properties"]["natural"]["title"] == "自然人"

    def titled(node):
        for prop in node.get("properties", {}).values():
            assert prop.get("title"), prop
            titled(prop)
    titled(schema)


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_shipped_schema_files_equal_the_generated_ones(edition):
    shipped = files("gaip_xl") / "schemas" / f"report-{edition}.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == schema_for(edition)


def test_real_cases_are_valid_documents():
    for name in ("huaian-2024", "xian-2021", "pingtan-2021"):
        errors = list(Draft202012Validator(schema_for("2021")).iter_errors(case_document(name)))
        assert errors == []


def test_edition_follows_the_year_unless_stated():
    doc = case_document("pingtan-2021")
    del doc["edition"]
    assert Report.from_json(doc).edition.code == "2021"
    doc["year"] = 2020
    assert Report.from_json(doc).edition.code == "2019"


@pytest.mark.parametrize("text, code", [
    ("{not json", "E_JSON_SYNTAX"),
    ("[1, 2]", "E_JSON_STRUCTURE"),
    ('{"edition": "2020", "year": 2020}', "E_EDITION"),
    ('{"agency": {}}', "E_EDITION"),
    ('{"edition": "2021", "tables": []}', "E_JSON_STRUCTURE"),
])
def test_unreadable_documents_raise_a_coded_chinese_error(text, code):
    with pytest.raises(GaipError) as info:
        Report.from_json(text, path="x.json")
    assert info.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)


def test_schema_problems_become_j1_findings_in_chinese():
    doc = case_document("pingtan-2022")
    doc["agency"]["level"] = "村"
    doc["agency"]["name"] = ""
    doc["published_on"] = "2023年1月"
    doc["tables"]["s3"]["other_handling"] = {"natural": 1}  # a 2019-edition row in a 2021 report
    result = validate(Report.from_json(doc))
    messages = [f.message for f in result.findings if f.rule == "J1"]
    assert any("行政级别" in m and "村" in m for m in messages)
    assert any("机关名称" in m and "不能为空" in m for m in messages)
    assert any("发布日期" in m and "YYYY-MM-DD" in m for m in messages)
    assert any("other_handling" in m for m in messages)
    level = next(f for f in result.findings if "行政级别" in f.message)
    assert level.cells[0].sheet == "基本情况" and level.cells[0].json_path == "/agency/level"


def test_figure_type_errors_are_left_to_the_value_rules():
    doc = case_document("pingtan-2022")
    doc["tables"]["s4"]["review"]["other"] = "一件"
    result = validate(Report.from_json(doc))
    assert [f.rule for f in result.findings] == ["V1"]


def test_save_writes_utf8_atomically(tmp_path):
    report = load_case("pingtan-2021")
    target = tmp_path / "out" / "平潭.json"
    report.save(target)
    assert target.read_bytes().decode("utf-8") == report.to_json()
    assert [p.name for p in target.parent.iterdir()] == ["平潭.json"]  # no temporary left behind


def test_a_failed_save_leaves_no_file(tmp_path, monkeypatch):
    report = load_case("pingtan-2021")
    target = tmp_path / "r.json"

    def explode(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr("pathlib.Path.write_bytes", explode)
    with pytest.raises(GaipError) as info:
        report.save(target)
    assert info.value.code == "E_OUTPUT"
    assert list(tmp_path.iterdir()) == []


def test_saved_files_get_ordinary_permissions(tmp_path):
    import os
    import stat
    target = tmp_path / "r.json"
    load_case("pingtan-2021").save(target)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_j1_checks_the_facts_when_the_tables_are_shaped_by_the_model():
    doc = case_document("huaian-2024")
    doc["agency"]["region_code"] = "3208"
    doc["year"] = "2024年"
    result = validate(Report.from_json(doc))
    messages = [f.message for f in result.findings if f.rule == "J1"]
    assert any("行政区划代码" in m and "6位数字" in m for m in messages)
    assert any("报告年度" in m and "类型不对" in m for m in messages)
