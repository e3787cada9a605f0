"""A workbook the commands would write over must not hold work of its own: ``template -o 年报.xlsx`` replaced a
clerk's filled workbook with a blank template, and ``to-xlsx 年报.json`` replaced a workbook filled on in Excel with
the JSON's older figures. Written over only when nothing would be lost (a blank template, the same report); else
E_OUTPUT_HOLDS_WORK and the file untouched, unless ``--overwrite``."""

from __future__ import annotations

import io

from builders import load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl.cli import run
from gaip_xl.excel import read_workbook, write_workbook

CASE = "pingtan-2021"
FIGURES = sorted(load_case(CASE).figures)


def command(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), out, err), err.getvalue()


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(code=st.sampled_from(FIGURES), value=st.one_of(st.none(), st.integers(0, 10**6), st.just("12件")))
def test_a_workbook_holding_other_figures_is_never_replaced_silently(tmp_path_factory, code, value):
    folder = tmp_path_factory.mktemp("keep")
    written = load_case(CASE)
    edited = load_case(CASE)
    edited.figures[code] = value if value != written.figures[code] else 999_999_999  # what the clerk typed since
    workbook = folder / "年报.xlsx"
    write_workbook(edited, workbook)
    (folder / "年报.json").write_text(written.to_json(), encoding="utf-8")
    before = workbook.read_bytes()
    for argv in (("to-xlsx", str(folder / "年报.json")), ("template", "-o", str(workbook))):
        code_, err = command(*argv)
        assert code_ == 2 and "E_OUTPUT_HOLDS_WORK" in err
        assert workbook.read_bytes() == before
    assert command("to-xlsx", str(folder / "年报.json"), "--overwrite")[0] == 0
    assert read_workbook(workbook).to_json() == written.to_json()


def test_a_blank_template_or_the_same_report_is_replaced(tmp_path):
    workbook = tmp_path / "年报.xlsx"
    assert command("template", "-o", str(workbook))[0] == 0
    assert command("template", "-o", str(workbook))[0] == 0  # blank over blank
    report = tmp_path / "年报.json"
    report.write_text(load_case(CASE).to_json(), encoding="utf-8")
    assert command("to-xlsx", str(report))[0] == 0  # a report over a blank template
    assert command("to-xlsx", str(report))[0] == 0  # the same report again
    assert command("template", "-o", str(workbook))[0] == 2  # a blank template over a filled one
    assert command("template", "-o", str(workbook), "--overwrite")[0] == 0
    assert read_workbook(workbook).figures == {code: None for code in read_workbook(workbook).figures}


def test_a_file_that_is_no_workbook_is_never_replaced(tmp_path):
    notes = tmp_path / "名单.xlsx"
    notes.write_bytes(b"not a workbook at all")
    code, err = command("template", "-o", str(notes))
    assert code == 2 and "E_OUTPUT_HOLDS_WORK" in err and notes.read_bytes() == b"not a workbook at all"
