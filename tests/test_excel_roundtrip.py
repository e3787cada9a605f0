"""Report ⇄ workbook: the real cases and random reports of both editions survive the round trip exactly."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.cli import run
from gaip_xl.format import EDITIONS, LEVELS, ValueType
from gaip_xl.format.layout import defined_name, layout_for
from gaip_xl.template import build_template

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), out.getvalue(), err.getvalue()


def _verdict(report: Report) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f.rule, f.severity.value, tuple(c.code for c in f.cells)) for f in validate(report).findings]


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_real_report_through_the_cli_keeps_figures_and_verdicts(case, tmp_path):
    workbook, document = tmp_path / "r.xlsx", tmp_path / "r.json"
    assert _run("to-xlsx", str(case), "-o", str(workbook))[0] == 0
    original = Report.load(case)
    code, out, err = _run("to-json", str(workbook), "-o", str(document))
    assert code == (0 if validate(original).valid else 1), err
    back = Report.load(document)
    assert back.to_dict() == original.to_dict()
    assert _verdict(back) == _verdict(original)
    embedded = json.loads(document.read_text(encoding="utf-8"))["validation"]
    assert embedded["by_rule"] == validate(original).to_dict()["by_rule"]


def test_workbook_to_json_to_workbook_to_json_is_stable(tmp_path):
    first, second = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    _run("to-xlsx", str(CASES[0]), "-o", str(first))
    _run("to-json", str(first), "-o", str(tmp_path / "1.json"))
    _run("to-xlsx", str(tmp_path / "1.json"), "-o", str(second))
    _run("to-json", str(second), "-o", str(tmp_path / "2.json"))
    assert (tmp_path / "1.json").read_bytes() == (tmp_path / "2.json").read_bytes()


def test_text_starting_with_equals_stays_text(tmp_path):
    report = Report.load(CASES[0])
    report.figures["s3.new.natural"] = "=SUM(1,2)"
    report.agency.contact = "=HYPERLINK(\"http://example.com\")"
    target = tmp_path / "r.xlsx"
    write_workbook(report, target)
    with zipfile.ZipFile(target) as package:
        sheets = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/"))
    assert b"SUM(1,2)" in sheets and b"HYPERLINK" in sheets  # written, but never inside a formula element:
    assert not re.search(rb"<f>[^<]*(SUM\(1,2\)|HYPERLINK)", sheets)
    book = openpyxl.load_workbook(target)
    pos = layout_for("2021").position("s3.new.natural")
    cell = book[pos.sheet].cell(pos.row, pos.col)
    assert cell.data_type == "s" and cell.value == "=SUM(1,2)"
    contact = layout_for("2021").position("agency.contact")
    assert book[contact.sheet].cell(contact.row, contact.col).data_type == "s"
    back = read_workbook(target)
    assert back.figures["s3.new.natural"] == "=SUM(1,2)"
    assert back.agency.contact == report.agency.contact
    assert "V1" in {f.rule for f in validate(back).findings}


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_filled_workbook_keeps_the_template(edition, tmp_path):
    """Protection, validation, formulas, names and the meta sheet are the fresh template's."""
    report = Report.empty(edition, 2020 if edition == "2019" else 2023)
    report.figures.update({c.code: 1 for c in report.edition.cells[:5]})
    target = tmp_path / "r.xlsx"
    write_workbook(report, target)
    filled, fresh = openpyxl.load_workbook(target), build_template(edition)
    assert filled.sheetnames == fresh.sheetnames
    assert filled.security.lockStructure
    for sheet in fresh.worksheets:
        copy = filled[sheet.title]
        assert copy.sheet_state == sheet.sheet_state
        assert copy.protection.sheet == sheet.protection.sheet
        assert len(copy.data_validations.dataValidation) == len(sheet.data_validations.dataValidation)
        formulas = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.data_type == "f"}
        assert {k: copy[k].value for k in formulas} == formulas
    assert set(filled.defined_names) == set(fresh.defined_names)
    assert defined_name("meta.edition") in filled.defined_names


def test_output_must_be_xlsx_and_failures_leave_nothing(tmp_path):
    report = Report.load(CASES[0])
    code, _, err = _run("to-xlsx", str(CASES[0]), "-o", str(tmp_path / "r.xlsm"))
    assert code == 2 and "[E_FILE_TYPE]" in err
    report.text["overview"] = "控制字符\x01"
    with pytest.raises(Exception) as info:
        write_workbook(report, tmp_path / "r.xlsx")
    assert getattr(info.value, "code", None) == "E_UNWRITABLE_VALUE"
    report.text["overview"] = None
    report.figures["s3.new.natural"] = 10**16
    with pytest.raises(Exception) as info:
        write_workbook(report, tmp_path / "r.xlsx")
    assert getattr(info.value, "code", None) == "E_UNWRITABLE_VALUE"
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------- random reports
_CHARS = st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="\r\x85\u2028\u2029")
_text = st.text(_CHARS, min_size=1, max_size=30).map(str.strip).filter(bool)
_prose = st.lists(_text, min_size=1, max_size=3).map("\n".join)
_typed_text = st.sampled_from(["0件", "—", "/", "无", "１２", " 3 ", "=A1+1", "12", "#N/A"])


def _figure(kind: ValueType) -> st.SearchStrategy:
    numbers = {
        ValueType.COUNT: st.integers(0, 10**9),
        ValueType.CHANGE: st.integers(-10**6, 10**6),
        ValueType.AMOUNT: st.decimals(0, 10**6, places=6).map(float),
    }[kind]
    return st.one_of(st.none(), numbers, numbers, numbers, _typed_text, st.just(2.5), st.just(-1))


@st.composite
def reports(draw: st.DrawFn, edition: str) -> Report:
    ed = EDITIONS[edition]
    report = Report.empty(ed, draw(st.one_of(st.none(), st.integers(2008, 2100))))
    report.agency.name = draw(st.one_of(st.none(), _text))
    report.agency.level = draw(st.one_of(st.none(), st.sampled_from(LEVELS)))
    report.agency.region_code = draw(st.one_of(st.none(), st.from_regex(r"\A[0-9]{6}\Z")))
    report.agency.contact = draw(st.one_of(st.none(), _text))
    report.published_on = draw(st.one_of(st.none(), st.dates().filter(lambda d: d.year >= 1901).map(str)))
    report.text = {p.code: draw(st.one_of(st.none(), _prose)) for p in ed.text_parts}
    for cell in ed.cells:
        value = draw(_figure(cell.type))
        if value is not None:
            report.figures[cell.code] = value
    return report


def _round_trip(report: Report, folder: Path) -> Report:
    target = folder / "r.xlsx"
    write_workbook(report, target)
    return read_workbook(target)


@pytest.mark.parametrize("edition", sorted(EDITIONS))
def test_random_reports_survive_the_round_trip(edition, tmp_path_factory):
    folder = tmp_path_factory.mktemp(f"rt{edition}")

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(reports(edition))
    def check(report: Report) -> None:
        once = _round_trip(report, folder)
        assert once.to_dict() == report.to_dict()
        twice = _round_trip(once, folder)
        assert twice.to_json(validation=validate(twice).to_dict()) == once.to_json(validation=validate(once).to_dict())

    check()


def test_explanations_are_read_from_any_rows_of_the_block_in_row_order(tmp_path):
    """The 说明 rows the clerk filled, wherever they stand in the block (blank rows between them, the last row), are
    read in row order; blank rows and rows without a 说明 give nothing."""
    import random

    from builders import consistent_report

    from gaip_xl.report import Explanation

    report = consistent_report("2021", random.Random(7), 2024)
    report.explanations = [Explanation("R8", ("s2_item1.normative.in_force",), "文件到期失效")]
    path = tmp_path / "说明.xlsx"
    write_workbook(report, path)
    block = layout_for("2021").explanations
    assert block is not None
    book = openpyxl.load_workbook(path)
    sheet = book[block.sheet]
    for row, (rule, text) in {block.first_row + 500: ("R3", "中间一行"), block.last_row: ("T2", "最后一行"),
                              block.first_row + 700: ("R5", None)}.items():
        sheet.cell(row, block.columns["rule"], rule)
        sheet.cell(row, block.columns["text"], text)
    book.save(path)
    read = read_workbook(path)
    expected = [("R8", "文件到期失效"), ("R3", "中间一行"), ("T2", "最后一行")]
    assert [(e.rule, e.text) for e in read.explanations] == expected
