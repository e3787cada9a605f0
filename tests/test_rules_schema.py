"""J1 for a report the workbook reader built.

Issue 16 asked to skip the JSON Schema check for a report the reader built, on a proof that the reader can only build
schema-valid reports. The proof holds for the tables (whatever the cells hold, the tables have the model's keys: the
schema finds nothing there but figure values, which V1–V5 judge) and fails for the facts: a clerk types the 行政级别,
行政区划代码, 发布日期, 报告类型, the 机关名称 and the prose, and nothing in the reader makes those valid. So J1
keeps checking a reader-built report's facts (and only them). These tests hold it to that: J1's errors for a
reader-built report with anything in every input cell are exactly the full schema's errors outside the tables, and
such a report can fail the schema.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from builders import load_case
from hostile import (
    CASE,
    ERRORS,
    LAYOUT,
    SHARED,
    CellCase,
    _set_cell,
    base_parts,
    package,
    previous_cell_is_adjacent,
    sheet_parts,
    with_shared_strings,
    xstring,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gaip_xl import read_workbook, validate, write_workbook
from gaip_xl.errors import GaipError
from gaip_xl.report import schema_for
from gaip_xl.rules.document import _tables_shaped_by_model, schema_errors

# ---------------------------------------------------------------------------- workbooks of any content
INPUT_CODES = sorted(code for code in (*LAYOUT.figures, *LAYOUT.fields) if not code.startswith("meta."))
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff"), max_size=40)
LONG_TEXT = st.sampled_from(["长" * 32_768, "a\x00b" * 5, "\r\n概况\r\n", "_x0041_"])
NUMBERS = st.one_of(st.integers(-(10**18), 10**18), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from([2024, 2024.0, 2024.5, 1e-300, -1e300, 45000, 45000.25, 0.1 + 0.2]))


@st.composite
def any_cell(draw: st.DrawFn, with_no_value: bool) -> tuple[str, list[str]]:
    """An input cell holding anything a sheet can: a number of any size or sign, text of any length and characters
    (controls written as Excel escapes them), a boolean, a date, an error value, a blank, a formula with its saved
    result or (when ``with_no_value``) without one. Returns the cell element ("{r}" for its reference) and the shared
    strings it needs."""
    kinds = ["n", "n", "s", "inlineStr", "str", "b", "d", "e", "blank"] + (["no_value"] if with_no_value else [])
    kind = draw(st.sampled_from(kinds))
    formula = "<f>A1</f>" if draw(st.booleans()) else ""
    if kind == "n":
        number = draw(NUMBERS)
        return f'<c {{r}}>{formula}<v>{number!r}</v></c>', []
    if kind in ("s", "inlineStr", "str"):
        written = xstring(draw(st.one_of(ANY_TEXT, LONG_TEXT)), set())
        if kind == "s":
            return f'<c {{r}} t="s">{formula}<v>0</v></c>', [written]
        if kind == "str":
            return f'<c {{r}} t="str"><f>T(1)</f><v>{written}</v></c>', []
        return f'<c {{r}} t="inlineStr"><is><t xml:space="preserve">{written}</t></is></c>', []
    if kind == "b":
        return f'<c {{r}} t="b">{formula}<v>{int(draw(st.booleans()))}</v></c>', []
    if kind == "d":
        moment = draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2200, 12, 31))).replace(microsecond=0)
        return f'<c {{r}} t="d">{formula}<v>{moment.isoformat()}</v></c>', []
    if kind == "e":
        return f'<c {{r}} t="e">{formula}<v>{draw(st.sampled_from(ERRORS))}</v></c>', []
    if kind == "blank":
        return draw(st.sampled_from(["<c {r}/>", '<c {r} t="s"></c>'])), []
    return "<c {r}><f>1/0</f></c>", []


@st.composite
def any_workbook(draw: st.DrawFn) -> bytes:
    """The case's filled template with every input cell (figures, basic facts, prose), or every figure cell, holding
    anything."""
    parts = dict(base_parts())
    sheets = {name: parts[part].decode() for name, part in sheet_parts().items()}
    strings: list[str] = []
    with_no_value = draw(st.integers(0, 9)) == 0  # else nearly every workbook is refused for a missing result
    facts_too = draw(st.booleans())  # else the case's facts stay: valid, so J1 takes the acceptance test's path
    for code in INPUT_CODES if facts_too else sorted(LAYOUT.figures):
        xml, shared = draw(any_cell(with_no_value))
        if shared:
            xml = xml.replace("<v>0</v>", f"<v>{len(strings)}</v>")
            strings += shared
        pos = LAYOUT.position(code)
        sheet = sheets[pos.sheet]
        reference = f'r="{pos.a1}"'
        if draw(st.integers(0, 7)) == 0 and previous_cell_is_adjacent(sheet, pos):
            reference = ""
        sheets[pos.sheet] = _set_cell(sheet, CellCase(code, xml, None), reference)
    for name, part in sheet_parts().items():
        parts[part] = sheets[name].encode()
    if strings:
        assert SHARED not in parts
        with_shared_strings(parts, strings)
    return package(list(parts.items()))


def _full_validator(edition: str) -> Draft202012Validator:
    return Draft202012Validator(schema_for(edition), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _paths(errors: Any) -> list[tuple[tuple[str, ...], str]]:
    return sorted((tuple(map(str, e.absolute_path)), str(e.validator)) for e in errors)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(any_workbook())
def test_j1_of_a_workbook_with_anything_in_every_input_cell_is_the_whole_schema_outside_the_tables(data):
    """The reader's tables always have the model's shape (the schema finds only figure values there, V1–V5's), so
    J1 checking the facts alone loses nothing; and J1's errors are exactly the full schema's outside the tables,
    whether the acceptance test passed the document or jsonschema walked it."""
    try:
        report = read_workbook(data)
    except GaipError as error:
        assert error.code in ("E_NO_CACHED_VALUE", "E_PART_TOO_LARGE"), error
        return
    document = report.extra.get("document") or report.to_dict()
    assert _tables_shaped_by_model("2021", report.to_dict()["tables"])
    outside, inside = [], []
    for error in _full_validator("2021").iter_errors({**report.to_dict(), **document}):
        (inside if list(error.absolute_path)[:1] == ["tables"] else outside).append(error)
    for error in inside:
        path = list(error.absolute_path)
        assert len(path) == 4 and error.validator in ("type", "minimum", "maximum"), error
        assert report.figures[".".join(path[1:])] == error.instance
    assert _paths(schema_errors(report)) == _paths(outside)
    j1 = [f for f in validate(report).findings if f.rule == "J1"]
    assert bool(j1) == bool(outside)


def test_the_reader_builds_reports_the_schema_refuses():
    """The finding that keeps J1 for reader-built reports: the facts are typed by a clerk, and a workbook can hold a
    level, region code, date or report type that is not one (the template's drop-down lists are advice to Excel, not
    a guarantee of the file)."""
    report = load_case(CASE)
    report.agency.level, report.agency.region_code = "不是级别", "12"
    report.published_on, report.report_type = "2024-02-30", "其他类型"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.xlsx"
        write_workbook(report, path)
        read = read_workbook(path.read_bytes())
    named = {f.cells[0].code for f in validate(read).findings if f.rule == "J1"}
    assert named == {"agency.level", "agency.region_code", "published_on", "report_type"}
