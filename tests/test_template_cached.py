"""Every formula is saved with its result: the blank template, `to-xlsx` output (which the roll-up uses too) hold the
value beside each formula, computed by gaip_xl.template.results, and LibreOffice, recalculating the same files from
scratch, gets exactly those values in every formula cell — consistent reports, broken totals, text in a figure cell,
a decimal in a count, blank cells, both editions."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from template_helpers import broken, case, consistent_report, failing_identities, needs_libreoffice

from gaip_xl.cli import run
from gaip_xl.excel import write_workbook
from gaip_xl.format.layout import layout_for
from gaip_xl.report import Report, report_from_values, values_from_report
from gaip_xl.template import save_template
from gaip_xl.template.builder import build_template, workbook_bytes
from gaip_xl.template.cached import sheet_part, with_results
from gaip_xl.template.checks import CHECK_OK, check_positions
from gaip_xl.template.libreoffice import convert
from gaip_xl.template.summary import ADDIN_MISSING, findings_block, total_failures_cell

# openpyxl is imported inside the helpers, after gaip_xl: gaip_xl sets OPENPYXL_LXML before openpyxl first loads,
# and this module is collected before the template tests that measure the written bytes.
CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', re.S)


def _with(report, changes):
    values = values_from_report(report)
    values.update(changes)
    return report_from_values(report.edition.code, values)


def _reports():
    huaian = case("huaian-2024")
    synthetic = consistent_report("2019", 7)
    partial = consistent_report("2021", 3)
    for code in [c for c in partial.figures if c.startswith("s3.new.")][:3]:
        del partial.figures[code]  # blank cells count as 0
    return {
        "huaian-2024": huaian,
        "huaian-broken": broken(huaian, {"s3.total.natural": 5, "s4.review.total": 1}),
        "huaian-text": _with(huaian, {"s3.new.natural": "12件", "s4.review.correct": "—"}),
        "huaian-decimal": _with(huaian, {"s3.new.commercial": 2.5}),
        "partial-2021": partial,
        "synthetic-2019": synthetic,
        "synthetic-2019-broken": broken(synthetic, {"s3.other_handling.natural": 3, "s4.suit_after_review.pending": 2}),
        "synthetic-2019-text": _with(synthetic, {"s3.total.natural": "十二"}),
    }


def saved_results(path: Path) -> dict[tuple[str, str], str | None]:
    """(sheet, A1) → the raw text of <v> for every formula cell and every cell of an array formula's range, read
    straight from the package (None: the cell has no <v>)."""
    from openpyxl import load_workbook
    from openpyxl.utils.cell import range_boundaries

    found: dict[tuple[str, str], str | None] = {}
    workbook = load_workbook(path)  # for the sheet names in part order only
    with zipfile.ZipFile(path) as package:
        for index, sheet in enumerate(workbook.worksheets, 1):
            xml = package.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")
            cells = {m.group(1): m.group(2) or "" for m in CELL.finditer(xml)}
            spans = [m.group(1) for m in re.finditer(r'<f t="array" ref="([A-Z0-9:]+)"', xml)]
            formula = {a for a, inner in cells.items() if "<f" in inner}
            for span in spans:
                left, top, right, bottom = range_boundaries(span)
                formula |= {f"{sheet.cell(r, c).coordinate}" for r in range(top, bottom + 1)
                            for c in range(left, right + 1)}
            for address in formula:
                value = re.search(r"<v>(.*?)</v>", cells.get(address, ""), re.S)
                found[(sheet.title, address)] = value.group(1) if value else None
    return found


def _values(path: Path | io.BytesIO) -> dict[tuple[str, str], object]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, data_only=True)
    return {(s.title, c.coordinate): c.value for s in workbook.worksheets for row in s.iter_rows() for c in row}


def _same(ours: object, theirs: object) -> bool:
    if ours in (None, "") and theirs in (None, ""):
        return True
    if isinstance(ours, int | float) and isinstance(theirs, int | float):
        return ours == theirs
    return ours == theirs


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cached")
    made = {}
    for edition in ("2021", "2019"):
        made[f"template-{edition}"] = folder / f"template-{edition}.xlsx"
        save_template(edition, made[f"template-{edition}"])
    for name, report in _reports().items():
        made[name] = folder / f"{name}.xlsx"
        write_workbook(report, made[name])
    return made


def test_every_formula_cell_is_saved_with_a_value_and_no_recalculation_is_forced(files):
    for name, path in files.items():
        saved = saved_results(path)
        assert len(saved) > 100, name
        assert [cell for cell, value in saved.items() if value is None] == [], name
        with zipfile.ZipFile(path) as package:
            workbook = package.read("xl/workbook.xml").decode()
        assert "fullCalcOnLoad" not in workbook and 'calcId="191029"' in workbook


def test_a_viewer_that_does_not_calculate_shows_the_checks_and_the_hint(files):
    """What pandas (and Protected View) read: ✓ on a consistent report, the should-be value at a broken total."""
    report = broken(case("huaian-2024"), {"s3.total.natural": 5, "s4.review.total": 1})
    values = _values(files["huaian-broken"])
    positions = check_positions("2021")
    expected = failing_identities(report)
    assert expected
    for key, pos in positions.items():
        assert values[(pos.sheet, pos.a1)] == expected.get(key, CHECK_OK), key
    total = total_failures_cell("2021")
    assert values[(total.sheet, total.a1)] == len(expected)
    hint = findings_block("2021").hint
    assert values[(hint.sheet, hint.a1)] == ADDIN_MISSING


@needs_libreoffice
def test_saved_results_equal_what_libreoffice_computes(files, rollup_workbook, tmp_path):
    every = {**files, "rollup": rollup_workbook}
    outputs = convert(list(every.values()), "xlsx", tmp_path / "out")
    compared = 0
    for (name, path), recalculated in zip(every.items(), outputs, strict=True):
        ours, theirs = _values(path), _values(recalculated)
        for cell in saved_results(path):
            assert _same(ours[cell], theirs.get(cell)), (name, cell, ours[cell], theirs.get(cell))
            compared += 1
    assert compared > 11 * 100


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from(["2021", "2019"]),
       st.dictionaries(st.integers(0, 300), st.integers(-5, 5), max_size=4))
def test_check_results_are_the_identities_values(seed, edition, moves):
    """Against an independent computation from the figures (tests/template_helpers.failing_identities)."""
    report = consistent_report(edition, seed)
    codes = sorted(report.figures)
    report = broken(report, {codes[i % len(codes)]: d for i, d in moves.items()})
    workbook = build_template(edition)
    layout = layout_for(edition)
    for code, value in values_from_report(report).items():
        if code in layout.figures and value is not None:
            pos = layout.position(code)
            workbook[pos.sheet].cell(pos.row, pos.col).value = value
    values = _values(io.BytesIO(workbook_bytes(workbook, edition)))
    expected = failing_identities(report)
    for key, pos in check_positions(edition).items():
        assert values[(pos.sheet, pos.a1)] == expected.get(key, CHECK_OK)


def test_results_are_written_deterministically_and_as_typed():
    xml = (b'<sheetData><row r="1"><c r="A1" s="2"><f>SUM(B1)</f><v /></c><c r="B1" s="3" t="n" />'
           b'<c r="C1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>')
    out = sheet_part(xml, {"A1": "✗ <&>", "B1": True})
    assert out == ('<sheetData><row r="1"><c r="A1" s="2" t="str"><f>SUM(B1)</f><v>✗ &lt;&amp;&gt;</v></c>'
                   '<c r="B1" s="3" t="b"><v>1</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c></row>'
                   '</sheetData>').encode()
    assert sheet_part(xml, {"A1": 12, "B1": "#NAME?"}).count(b'<v>12</v>') == 1
    assert b'<c r="B1" s="3" t="e"><v>#NAME?</v></c>' in sheet_part(xml, {"B1": "#NAME?"})
    with pytest.raises(ValueError):
        sheet_part(xml, {"Z9": 1})
    package = workbook_bytes(build_template("2021"), "2021")
    plain = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(plain, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info), compress_type=info.compress_type)
    assert with_results(plain.getvalue(), {}) == plain.getvalue()


@pytest.fixture(scope="module")
def rollup_workbook(tmp_path_factory) -> Path:
    """The roll-up (汇总) workbook of a small batch: two valid reports of one year and edition."""
    folder = tmp_path_factory.mktemp("batch")
    for seed, name in ((1, "甲县人民政府"), (2, "乙县人民政府")):
        report = consistent_report("2021", seed)
        report.agency.name = name
        write_workbook(report, folder / "in" / f"{seed}.xlsx")
    assert run(["bulk", str(folder / "in"), "-o", str(folder / "out"), "--jobs", "1", "--quiet"],
               io.StringIO(), io.StringIO()) == 0
    [workbook] = (folder / "out" / "rollup").glob("*.xlsx")
    return workbook


def test_the_rollup_workbook_is_saved_with_its_results(rollup_workbook):
    saved = saved_results(rollup_workbook)
    assert saved and [cell for cell, value in saved.items() if value is None] == []
    values = _values(rollup_workbook)
    report = Report.load(rollup_workbook.with_suffix(".json"))
    expected = failing_identities(report)
    for key, pos in check_positions("2021").items():
        assert values[(pos.sheet, pos.a1)] == expected.get(key, CHECK_OK)
