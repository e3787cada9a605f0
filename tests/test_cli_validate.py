"""gaip-xl validate / schema / rules, through run(argv, stdout, stderr)."""

import io
import json

from builders import CASES, case_document

from gaip_xl.cli import run


def call(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_exit_0_when_there_is_no_error():
    code, out, err = call("validate", str(CASES / "huaian-2024.json"))
    assert code == 0 and "全部通过" in out and err == ""


def test_exit_0_with_warnings_only():
    code, out, _ = call("validate", str(CASES / "xian-2021.json"))
    assert code == 0 and "B1" in out and "T2" in out and "2 个警告" in out  # blank columns; no word of the fee


def test_exit_1_when_there_are_errors(tmp_path):
    doc = case_document("pingtan-2022")
    doc["tables"]["s3"]["total"]["natural"] = 73
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, out, _ = call("validate", str(path))
    assert code == 1
    assert "R1" in out and "R2" in out and "R3" in out and "'三、依申请公开'!" in out and "不通过" in out


def test_json_output_for_machines(tmp_path):
    doc = case_document("pingtan-2022")
    doc["tables"]["s4"]["review"]["total"] = 3
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, out, _ = call("validate", str(path), "--format", "json")
    data = json.loads(out)
    assert code == 1 and data["valid"] is False and data["errors"] == 1
    (finding,) = data["findings"]
    assert finding["rule"] == "R4" and finding["cells"][-1]["json_path"] == "/tables/s4/review/total"
    assert finding["expected"] == 2 and finding["actual"] == 3 and finding["difference"] == 1


def test_previous_year_enables_r5(tmp_path):
    doc = case_document("pingtan-2022")
    doc["tables"]["s3"]["carried_in"]["natural"] = 0
    doc["tables"]["s3"]["carried_in"]["total"] = 0
    doc["tables"]["s3"]["new"]["natural"] = 72
    doc["tables"]["s3"]["new"]["total"] = 75
    path = tmp_path / "r.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert call("validate", str(path))[0] == 0
    code, out, _ = call("validate", str(path), "--previous", str(CASES / "pingtan-2021.json"))
    assert code == 1 and "R5" in out and "上年" in out


def test_exit_2_unreadable_input_with_a_coded_chinese_message(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    code, out, err = call("validate", str(bad))
    assert code == 2 and out == "" and "E_JSON_SYNTAX" in err and "不是有效的 JSON" in err
    assert "Traceback" not in err

    code, _, err = call("validate", str(tmp_path / "missing.json"))
    assert code == 2 and "E_FILE_NOT_FOUND" in err

    other = tmp_path / "r.txt"
    other.write_text("x", encoding="utf-8")
    code, _, err = call("validate", str(other))
    assert code == 2 and "E_FILE_TYPE" in err


def test_usage_errors_exit_2():
    code, _, err = call("validate")
    assert code == 2 and "E_USAGE" in err


def test_schema_command_prints_the_edition_schema():
    code, out, _ = call("schema", "--edition", "2019")
    schema = json.loads(out)
    assert code == 0 and schema["properties"]["edition"]["const"] == "2019"
    assert "s2_item9" in schema["properties"]["tables"]["properties"]


def test_rules_command_lists_every_rule():
    code, out, _ = call("rules")
    assert code == 0 and all(rule in out for rule in ("R1", "R8", "V1", "B1", "S4", "J1"))
