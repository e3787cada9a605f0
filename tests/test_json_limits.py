"""Each class of issue 11's JSON and limit cases, one explicit test each (the generator in test_json_hostile.py
draws them at random): a clean result or a clean error, strict JSON out, and the round trip JSON → xlsx → JSON."""

from __future__ import annotations

import io
import json
import re
import zipfile

import openpyxl
import pytest
from builders import case_document

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.excel.document import report_document
from gaip_xl.format import layout_for
from gaip_xl.report import limits, schema_for
from gaip_xl.report.jsontext import MAX_DEPTH, MAX_JSON_BYTES

AMOUNT = "s2_item8.fees.amount"  # 2021: the one amount cell, in no identity


def document(**changes):
    doc = case_document("huaian-2024")
    for path, value in changes.items():
        node = doc
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    return doc


def code_of(raw) -> str:
    with pytest.raises(GaipError) as caught:
        Report.from_json(raw)
    return caught.value.code


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run(list(argv), out, err)
    assert "Traceback" not in err.getvalue()
    return status, out.getvalue(), err.getvalue()


def strict(text: str) -> object:
    def refuse(name):
        raise AssertionError(name)
    return json.loads(text, parse_constant=refuse)


def round_trip(report: Report, tmp_path) -> Report:
    path = tmp_path / "report.xlsx"
    write_workbook(report, path)
    return read_workbook(path)


# ------------------------------------------------------------------------------------------------ shape and size
@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1_000, 60_000])
def test_deep_nesting_is_e_json_structure_everywhere(depth, tmp_path):
    raw = '{"edition": "2021", "deep": ' + "[" * depth + "]" * depth + "}"
    assert code_of(raw) == "E_JSON_STRUCTURE"
    path = tmp_path / "deep.json"
    path.write_text(raw)
    for command in (["validate", str(path)], ["to-xlsx", str(path)]):
        status, _, err = cli(*command)
        assert status == 2 and "[E_JSON_STRUCTURE]" in err and "嵌套超过" in err
    assert not (tmp_path / "deep.xlsx").exists()


def test_nesting_a_report_needs_is_read():
    assert Report.from_json(json.dumps(document(deep=json.loads("[" * 60 + "]" * 60)))).edition.code == "2021"


def test_a_file_over_the_size_bound_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.json"
    with open(path, "wb") as handle:
        handle.truncate(MAX_JSON_BYTES + 1)
    status, _, err = cli("validate", str(path))
    assert status == 2 and "[E_JSON_TOO_LARGE]" in err


# ------------------------------------------------------------------------------------------------ encodings
@pytest.mark.parametrize("raw, hint", [
    ('{"agency": {"name": "某县"}}'.encode("gbk"), "GBK"),
    ('{"agency": {"name": "Ünïcödé"}}'.encode("latin-1"), "UTF-8"),
    (b'{"edition": "2021", "x": "\xff\xfe\xfd"}', "UTF-8"),
    ('{"edition": "2021"}'.encode("utf-16-le"), "UTF-16"),
    ('{"edition": "2021"}'.encode("utf-16-be"), "UTF-16"),
    ('{"edition": "2021"}'.encode("utf-32-le"), "UTF-16"),
    (b"\xff\xfe" + b"{\x00\x00\xd8}\x00", "UTF-16"),  # UTF-16 with a byte-order mark and a broken pair
])
def test_bytes_that_are_not_unicode_json_are_e_json_encoding(raw, hint, tmp_path):
    with pytest.raises(GaipError) as caught:
        Report.from_json(raw)
    assert caught.value.code == "E_JSON_ENCODING" and hint in caught.value.message
    path = tmp_path / "bad.json"
    path.write_bytes(raw)
    assert cli("validate", str(path))[0] == 2


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-8-sig"])
def test_unicode_with_a_byte_order_mark_reads_as_utf_8_does(encoding):
    text = json.dumps(document(), ensure_ascii=False)
    assert Report.from_json(text.encode(encoding)).to_dict() == Report.from_json(text.encode("utf-8")).to_dict()


@pytest.mark.parametrize("escape", [r"\ud800", r"\udfff", r"x\ud83d", r"\ude00\ud83d"])
def test_a_lone_surrogate_is_e_json_encoding(escape):
    raw = json.dumps(document()).replace('"淮安市人民政府"', f'"{escape}"').replace(
        json.dumps("淮安市人民政府"), f'"{escape}"')
    assert escape in raw
    assert code_of(raw) == "E_JSON_ENCODING"
    assert code_of('{"edition": "2021", "' + escape + '": 1}') == "E_JSON_ENCODING"


def test_a_surrogate_pair_escape_is_the_character_it_encodes():
    raw = json.dumps(document(agency__name="机关\U0001F600"), ensure_ascii=True)
    assert "\\ud83d\\ude00" in raw
    assert Report.from_json(raw).agency.name == "机关\U0001F600"


# ------------------------------------------------------------------------------------------------ numbers
@pytest.mark.parametrize("token, rule", [
    ("9" * 5000, "V5"), ("12345678901234567", "V5"), ("12345678901.123456", "V5"), ("0.12345678901234567", "V5"),
    ("1e400", "V5"), ("-1e400", "V5"), ("1e-400", "V5"), ("NaN", "V1"), ("Infinity", "V1"), ("-Infinity", "V1"),
])
def test_numbers_no_float_holds_are_kept_as_typed_and_reported(token, rule, tmp_path):
    raw = json.dumps(document(tables__s2_item8__fees__amount="@@")).replace('"@@"', token)
    report = Report.from_json(raw)
    assert str(report.figures[AMOUNT]) == token  # never a rounded or guessed figure: the number or the text typed
    result = validate(report)
    assert [(f.rule, f.cells[0].code) for f in result.errors] == [(rule, AMOUNT)]
    strict(report_document(report, result))
    strict(report.to_json())
    status, out, _ = cli("validate", str(_file(tmp_path, raw)), "--format", "json")
    assert status == 1 and strict(out)


def _file(tmp_path, raw: str):
    path = tmp_path / "report.json"
    path.write_text(raw, encoding="utf-8")
    return path


def test_a_5000_digit_year_is_a_j1_finding_not_a_traceback():
    raw = json.dumps(document()).replace('"year": 2024', '"year": ' + "9" * 5000)
    result = validate(Report.from_json(raw))
    assert [f.rule for f in result.errors] == ["J1"] and "报告年度" in result.errors[0].message


@pytest.mark.parametrize("value, rule", [(10**15, "V5"), (1234567890.123456, "V5"), (999_999_999_999_999, None),
                                         (123456789.123456, None)])
def test_excel_keeps_15_significant_digits_and_validate_says_so(value, rule, tmp_path):
    report = Report.from_json(json.dumps(document()))
    report.figures[AMOUNT] = value
    assert [f.rule for f in validate(report).errors] == ([rule] if rule else [])
    if rule:
        with pytest.raises(GaipError) as caught:
            write_workbook(report, tmp_path / "r.xlsx")
        assert caught.value.code == "E_UNWRITABLE_VALUE"
    else:
        assert round_trip(report, tmp_path).figures[AMOUNT] == value


def patch_cell(source, target, code: str, old: bytes, new: bytes) -> None:
    """Copies the workbook ``source`` to ``target`` with the XML of ``code``'s cell changed from ``old`` to ``new``
    (as another program than gaip-xl could have written it)."""
    layout = layout_for("2021")
    position = layout.figures.get(code) or layout.fields[code]
    with zipfile.ZipFile(source) as before, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as after:
        hits = 0
        for item in before.infolist():
            data = before.read(item)
            if item.filename.startswith("xl/worksheets/"):
                cell = re.compile(rb'(<c r="' + position.a1.encode() + rb'"[^>]*>.*?)' + re.escape(old), re.S)
                data, n = cell.subn(lambda m: m.group(1) + new, data, count=1)
                hits += n
            after.writestr(item, data)
    assert hits == 1


def test_a_cell_holding_inf_or_nan_is_text_for_v1_and_to_json_stays_json(tmp_path):
    source = tmp_path / "report.xlsx"
    write_workbook(Report.from_json(json.dumps(document())), source)
    patch_cell(source, tmp_path / "inf.xlsx", "s3.new.natural", b"<v>3001</v>", b"<v>INF</v>")
    status, _, _ = cli("to-json", str(tmp_path / "inf.xlsx"), "-o", str(tmp_path / "inf.json"))
    written = strict((tmp_path / "inf.json").read_text(encoding="utf-8"))
    assert status == 1
    assert written["tables"]["s3"]["new"]["natural"] == "INF"  # the text as the cell holds it
    assert ("V1", "s3.new.natural") in {(f["rule"], f["cells"][0]["code"]) for f in written["validation"]["findings"]}


@pytest.mark.parametrize("typed", [b"_x0001_", "政".encode() * 40_000], ids=["escape", "over-32767"])
def test_text_in_a_workbook_that_excel_cannot_hold_is_a_finding_and_to_xlsx_refuses_it(typed, tmp_path):
    source = tmp_path / "report.xlsx"
    write_workbook(Report.from_json(json.dumps(document(agency__contact="contact-person"))), source)
    patch_cell(source, tmp_path / "odd.xlsx", "agency.contact", b"contact-person", typed)  # ASCII: same XML with or
    # without lxml (openpyxl writes other characters as references when a test imported it before gaip_xl)
    status, _, _ = cli("to-json", str(tmp_path / "odd.xlsx"), "-o", str(tmp_path / "odd.json"))
    written = strict((tmp_path / "odd.json").read_text(encoding="utf-8"))
    assert status == 1 and any(f["rule"] == "J1" and f["cells"][0]["code"] == "agency.contact"
                               for f in written["validation"]["findings"])
    status, _, err = cli("to-xlsx", str(tmp_path / "odd.json"), "-o", str(tmp_path / "again.xlsx"))
    assert status == 2 and "[E_UNWRITABLE_VALUE]" in err and not (tmp_path / "again.xlsx").exists()


# ------------------------------------------------------------------------------------------------ dates
@pytest.mark.parametrize("day, accepted", [("2008-01-01", True), ("2101-12-31", True), ("2024-02-29", True),
                                           ("2007-12-31", False), ("2102-01-01", False), ("0001-01-01", False),
                                           ("9999-12-31", False), ("2025-02-30", False), ("2023-02-29", False)])
def test_dates_validate_only_in_range_and_always_come_back_as_typed(day, accepted, tmp_path):
    report = Report.from_json(json.dumps(document(published_on=day, year=2024)))
    j1 = [f.message for f in validate(report).errors if f.rule == "J1"]
    assert (j1 == []) is accepted, j1
    back = round_trip(report, tmp_path)
    assert back.published_on == day  # "0001-01-01" never comes back as "00:00:00"
    position = layout_for("2021").fields["published_on"]
    cell = openpyxl.load_workbook(tmp_path / "report.xlsx")[position.sheet][position.a1]
    assert cell.is_date is accepted  # a real Excel date when supported, the text as typed otherwise


def test_date_pattern_admits_exactly_the_supported_years():
    admitted = [y for y in range(10_000) if re.fullmatch(limits.DATE_PATTERN, f"{y:04d}-01-01")]
    assert admitted == list(range(limits.FIRST_DATE.year, limits.LAST_DATE.year + 1))


# ------------------------------------------------------------------------------------------------ text
@pytest.mark.parametrize("text", ["_x0041_", "_x005F_x0041_", "a_x4EBA_b_X0041__x00", "=SUM(A1:A2)", "制表\t符",
                                  "第一行\n第二行\r第三行", "😀𠀀", "政" * limits.MAX_TEXT])
def test_text_excel_holds_survives_as_typed(text, tmp_path):
    report = Report.from_json(json.dumps(document(text__other=text, agency__contact=text[:200])))
    assert validate(report).valid
    back = round_trip(report, tmp_path)
    assert back.text["other"] == text and back.agency.contact == text[:200]


@pytest.mark.parametrize("text, words", [("政" * (limits.MAX_TEXT + 1), "超过 Excel"), ("a\x01b", "控制字符"),
                                         ("\x00", "控制字符"), ("x\x1fy", "U+001F")])
def test_text_excel_cannot_hold_is_a_j1_finding_and_a_clean_refusal(text, words, tmp_path):
    raw = json.dumps(document(text__overview=text))
    result = validate(Report.from_json(raw))
    messages = [f.message for f in result.errors if f.rule == "J1"]
    assert len(messages) == 1 and words in messages[0]
    status, _, err = cli("to-xlsx", str(_file(tmp_path, raw)), "-o", str(tmp_path / "out.xlsx"))
    assert status == 2 and "[E_UNWRITABLE_VALUE]" in err and not (tmp_path / "out.xlsx").exists()


def test_a_million_characters_of_prose_are_refused_by_validate_and_to_xlsx_alike(tmp_path):
    raw = json.dumps(document(text__problems="问" * 1_000_000), ensure_ascii=False)
    status, _, _ = cli("validate", str(_file(tmp_path, raw)))
    assert status == 1
    status, _, err = cli("to-xlsx", str(tmp_path / "report.json"))
    assert status == 2 and "[E_UNWRITABLE_VALUE]" in err


def test_surrounding_whitespace_and_windows_line_ends_read_as_a_cell_gives_them_back(tmp_path):
    report = Report.from_json(json.dumps(document(agency__name="  淮安市人民政府 ", text__other=" 一\r\n二 \n",
                                                  agency__contact="   ")))
    assert (report.agency.name, report.text["other"], report.agency.contact) == ("淮安市人民政府", "一\n二", None)
    assert round_trip(report, tmp_path).to_dict() == report.to_dict()
    blank = Report.from_json(json.dumps(document(agency__name="   ")))
    assert any("机关名称" in f.message and "不能为空" in f.message for f in validate(blank).errors)


def test_a_whole_float_year_is_the_year():
    assert Report.from_json(json.dumps(document(year=2024.0))).year == 2024


# ------------------------------------------------------------------------------------------------ one place
def test_schema_writer_and_template_take_their_limits_from_one_place():
    from gaip_xl.template import validation

    schema = schema_for("2021")
    assert schema["properties"]["text"]["properties"]["overview"]["maxLength"] == limits.MAX_TEXT
    assert schema["properties"]["agency"]["properties"]["name"]["pattern"] == limits.TEXT_PATTERN
    assert schema["properties"]["published_on"]["pattern"] == limits.DATE_PATTERN
    assert schema["properties"]["year"]["minimum"] == limits.FIRST_YEAR
    assert schema["properties"]["year"]["maximum"] == limits.LAST_YEAR
    figure = schema["properties"]["tables"]["properties"]["s3"]["properties"]["new"]["properties"]["natural"]
    assert figure["maximum"] == limits.MAX_WHOLE
    # the template's own data validation (gaip_xl/template/validation.py) states the same limits
    assert (validation.TEXT_LIMIT, validation.FIRST_YEAR, validation.LAST_YEAR) == (
        limits.MAX_TEXT, limits.FIRST_YEAR, limits.LAST_YEAR)
