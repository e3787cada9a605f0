"""The self-check in a real spreadsheet engine: LibreOffice opens filled templates, recalculates, and the checks
read ✓ on consistent reports and "should be" values exactly at the broken identities."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.cell_range import CellRange
from template_helpers import (
    broken,
    case,
    consistent_report,
    failing_identities,
    fill,
    needs_libreoffice,
    rendered_cells,
)

from gaip_xl.addin.udfs import block_sized
from gaip_xl.format.layout import SHEET_INFO, layout_for
from gaip_xl.rules import validate
from gaip_xl.rules.identities import identities
from gaip_xl.template import save_template
from gaip_xl.template.checks import CHECK_OK, check_positions
from gaip_xl.template.libreoffice import convert
from gaip_xl.template.summary import (
    ADDIN_MISSING,
    FINDINGS_ROWS,
    findings_block,
    findings_formula,
    summary_cells,
    total_failures_cell,
)

pytestmark = needs_libreoffice

BREAKS = {  # one figure moved breaks the identities it takes part in
    "huaian-2024": {"s3.total.natural": 5, "s4.review.total": 1},
    "pingtan-2021": {"s3.new.commercial": 2, "s3.withheld_third_party.research": -1},
    "synthetic-2019": {"s3.other_handling.natural": 3, "s4.suit_after_review.pending": 2},
}


def _reports():
    reports = {"huaian-2024": case("huaian-2024"), "pingtan-2021": case("pingtan-2021"),
               "zhanggutai-2021": case("zhanggutai-2021"), "synthetic-2019": consistent_report("2019", 7)}
    for name, changes in BREAKS.items():
        reports[f"{name}-broken"] = broken(reports[name], changes)
    return reports


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every filled template, recalculated and re-saved by LibreOffice in one launch; (report, values workbook)."""
    folder = tmp_path_factory.mktemp("lo")
    templates = {}
    for edition in ("2021", "2019"):
        templates[edition] = folder / f"template-{edition}.xlsx"
        save_template(edition, templates[edition])
    reports = _reports()
    filled = []
    for name, report in reports.items():
        filled.append(folder / f"{name}.xlsx")
        fill(templates[report.edition.code], report, filled[-1])
    blank = folder / "blank-2021.xlsx"
    blank.write_bytes(templates["2021"].read_bytes())
    probes = {name: _with_result(templates["2021"], rows, folder / f"{name}.xlsx") for name, rows in PROBES.items()}
    outputs = convert([*filled, blank, *probes.values()], "xlsx", folder / "out")
    results = {name: (report, load_workbook(out, data_only=True)) for (name, report), out in
               zip(reports.items(), outputs, strict=False)}
    for name, out in zip(["blank-2021", *probes], outputs[len(filled):], strict=True):
        results[name] = (None, load_workbook(out, data_only=True))
    return results


# What GAIP_CHECK returns, stood in for by an array constant (the add-in cannot run in LibreOffice): all passed,
# two findings, and more findings than the block has rows.
PROBES = {
    "udf-all-passed": block_sized([["全部通过"]]),
    "udf-two": block_sized([["R1 错误", "'三、依申请公开'!D6", "一"], ["B1 警告", "'三、依申请公开'!E6", "二"]]),
    "udf-too-many": block_sized([[f"R{i}", f"A{i}", f"说明{i}"] for i in range(FINDINGS_ROWS + 5)]),
}


def _with_result(template: Path, rows: list[list[str]], target: Path) -> Path:
    """The template with the block's UDF call replaced by the constant ``rows``, in the template's own formula."""
    constant = "{" + ";".join(",".join(f'"{value}"' for value in row) for row in rows) + "}"
    block = findings_block("2021")
    workbook = load_workbook(template)
    stored = workbook[SHEET_INFO][block.first.a1].value
    stored.text = findings_formula(constant, block.first, block.last, block.hint)
    workbook.save(target)
    return target


def _block_values(workbook, edition: str) -> list[list[object]]:
    block = findings_block(edition)
    return [[workbook[SHEET_INFO].cell(row, col).value for col in range(block.first.col, block.last.col + 1)]
            for row in range(block.first.row, block.last.row + 1)]


def _check_values(report, workbook) -> dict[tuple[str, str], object]:
    return {key: workbook[pos.sheet].cell(pos.row, pos.col).value
            for key, pos in check_positions(report.edition.code).items()}


@pytest.mark.parametrize("name", ["huaian-2024", "pingtan-2021", "zhanggutai-2021", "synthetic-2019"])
def test_consistent_report_shows_only_ticks(recalculated, name):
    report, workbook = recalculated[name]
    assert not failing_identities(report)
    values = _check_values(report, workbook)
    assert len(values) == len(identities(report.edition.code))
    assert set(values.values()) == {CHECK_OK}
    total = total_failures_cell(report.edition.code)
    assert workbook[total.sheet].cell(total.row, total.col).value == 0


@pytest.mark.parametrize("name", list(BREAKS))
def test_broken_totals_fail_exactly_where_the_rules_fail(recalculated, name):
    report, workbook = recalculated[f"{name}-broken"]
    expected = failing_identities(report)
    assert len(expected) >= 3  # each break touches a column, a row or a group
    values = _check_values(report, workbook)
    assert {key: value for key, value in values.items() if value != CHECK_OK} == expected
    # The rule engine agrees on how many identities fail.
    engine = [f for f in validate(report).errors if f.rule in {"R1", "R2", "R3", "R4"}]
    assert len(engine) == len(expected)


@pytest.mark.parametrize("name", list(BREAKS))
def test_summary_counts_failures_per_rule(recalculated, name):
    report, workbook = recalculated[f"{name}-broken"]
    expected = failing_identities(report)
    sheet = workbook[SHEET_INFO]
    cells = summary_cells(report.edition.code)
    for item in cells:
        rule = item.label.text.split()[0]
        if rule in {"R1", "R2", "R3", "R4"}:
            assert sheet.cell(item.pos.row, item.pos.col).value == sum(1 for r, _ in expected if r == rule), rule
    total = total_failures_cell(report.edition.code)
    assert sheet.cell(total.row, total.col).value == len(expected)


def test_without_the_addin_one_block_cell_explains_how_to_install_and_the_rest_is_empty(recalculated):
    for name in ("huaian-2024", "synthetic-2019-broken", "blank-2021"):
        report, workbook = recalculated[name]
        edition = report.edition.code if report else "2021"
        block = findings_block(edition)
        values = _block_values(workbook, edition)
        assert len(values) == FINDINGS_ROWS
        hint_at = (block.hint.row - block.first.row, block.hint.col - block.first.col)
        assert values[hint_at[0]][hint_at[1]] == ADDIN_MISSING, name
        others = [v for r, row in enumerate(values) for c, v in enumerate(row) if (r, c) != hint_at]
        assert set(others) <= {None, ""}, name


def test_addin_result_fills_the_block_without_repeating_or_errors(recalculated):
    assert _block_values(recalculated["udf-all-passed"][1], "2021") == \
        [["全部通过", None, None]] + [[None] * 3] * (FINDINGS_ROWS - 1)
    two = _block_values(recalculated["udf-two"][1], "2021")
    assert two[:2] == [["R1 错误", "'三、依申请公开'!D6", "一"], ["B1 警告", "'三、依申请公开'!E6", "二"]]
    assert two[2:] == [[None] * 3] * (FINDINGS_ROWS - 2)


def test_more_findings_than_rows_are_cut_off_at_the_block(recalculated):
    _, workbook = recalculated["udf-too-many"]
    values = _block_values(workbook, "2021")
    assert values == [[f"R{i}", f"A{i}", f"说明{i}"] for i in range(FINDINGS_ROWS)]
    block = findings_block("2021")
    assert workbook[SHEET_INFO].cell(block.last.row + 1, block.first.col).value is None


def test_blank_template_is_consistent(recalculated):
    _, workbook = recalculated["blank-2021"]
    positions = check_positions("2021")
    assert {workbook[p.sheet].cell(p.row, p.col).value for p in positions.values()} == {CHECK_OK}


def _retype_number(xlsx: Path, sheet_index: int, a1: str, value: int, target: Path) -> None:
    """Changes one number in the sheet XML and keeps every cached formula value as it was (stale)."""
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == member:
                text, count = re.subn(rf'(<c r="{a1}"[^>]*>)<v>[^<]*</v>', rf"\g<1><v>{value}</v>", data.decode())
                assert count == 1
                data = text.encode()
            copy.writestr(item, data)


def test_libreoffice_recalculates_stale_cached_values(tmp_path):
    """A file whose cached check values are stale (✓ cached on a changed figure) still shows the truth, so the
    tests above do not depend on files without cached values."""
    template, filled = tmp_path / "t.xlsx", tmp_path / "filled.xlsx"
    save_template("2021", template)
    report = case("pingtan-2021")
    fill(template, report, filled)
    (calculated,) = convert([filled], "xlsx", tmp_path / "one")
    layout = layout_for("2021")
    pos = layout.figures["s3.new.natural"]
    key = ("R3", "new")
    assert load_workbook(calculated, data_only=True)[pos.sheet][check_positions("2021")[key].a1].value == CHECK_OK
    stale = tmp_path / "stale.xlsx"
    _retype_number(calculated, layout.sheets.index(pos.sheet) + 1, pos.a1, report.figures["s3.new.natural"] + 1,
                   stale)
    (out,) = convert([stale], "xlsx", tmp_path / "two")
    changed = broken(report, {"s3.new.natural": 1})
    values = _check_values(changed, load_workbook(out, data_only=True))
    assert {k: v for k, v in values.items() if v != CHECK_OK} == failing_identities(changed)
    assert key in failing_identities(changed)


RED, GREEN = "#FFC7CE", "#C6EFCE"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The broken reports and one consistent report, filled into fresh templates and exported by LibreOffice to
    HTML, which writes every cell's background as rendered, conditional formats applied; (report, cells, template)."""
    folder = tmp_path_factory.mktemp("html")
    reports = _reports()
    chosen = {name: reports[name] for name in ("huaian-2024", *(f"{n}-broken" for n in BREAKS))}
    templates = {}
    for edition in ("2021", "2019"):
        templates[edition] = folder / f"template-{edition}.xlsx"
        save_template(edition, templates[edition])
    filled = []
    for name, report in chosen.items():
        filled.append(folder / f"{name}.xlsx")
        fill(templates[report.edition.code], report, filled[-1])
    pages = convert(filled, "html", folder / "out")
    return {name: (report, rendered_cells(page), load_workbook(templates[report.edition.code]))
            for (name, report), page in zip(chosen.items(), pages, strict=True)}


def _block_origin(template, pos) -> tuple[int, int]:
    """The top-left cell of the conditional format's range that holds ``pos``."""
    (area,) = [a for cf in template[pos.sheet].conditional_formatting for a in cf.sqref.ranges
               if pos.a1 in CellRange(str(a))]
    return area.min_row, area.min_col


@pytest.mark.parametrize("name", ["huaian-2024", *(f"{n}-broken" for n in BREAKS)])
def test_libreoffice_renders_exactly_the_failing_totals_and_checks_red(rendered, name):
    report, cells, template = rendered[name]
    edition = report.edition.code
    layout = layout_for(edition)
    for label in layout.labels:  # the HTML grid stands where the layout says (else the colours below mean nothing)
        assert "".join(cells[label.pos.sheet][(label.pos.row, label.pos.col)][1].split()) == \
            "".join(label.text.split()), label
    failing = failing_identities(report)
    targets: dict = {}
    for identity in identities(edition):
        targets.setdefault(layout.position(identity.target.code), set()).add((identity.rule, identity.key))
    for target, keys in targets.items():
        colour = cells[target.sheet][(target.row, target.col)][0]
        assert (colour == RED) == bool(keys & set(failing)), (target, colour)
    for key, pos in check_positions(edition).items():
        colour, text = cells[pos.sheet][(pos.row, pos.col)]
        assert (colour == RED) == (key in failing), (key, pos, colour, text)
        assert (text == CHECK_OK) == (key not in failing), (key, text)
    for item in summary_cells(edition):
        colour, text = cells[item.pos.sheet][(item.pos.row, item.pos.col)]
        assert colour == (GREEN if text == "✓ 一致" else RED), (item.label.text, colour, text)
    if not failing:
        assert not [pos for sheet, grid in cells.items() for pos, (colour, _) in grid.items() if colour == RED]


def test_red_reaches_totals_away_from_the_cell_their_shared_formula_is_written_for(rendered):
    """The cases above include failing totals inside a shared block, not at its top-left cell, so LibreOffice moved
    the block's relative formula to them (E30 in D30:I30, F29 in D29:I29, J13 in J6:J28, …)."""
    away = []
    for name, (report, cells, template) in rendered.items():
        layout = layout_for(report.edition.code)
        failing = failing_identities(report)
        for identity in identities(report.edition.code):
            target = layout.position(identity.target.code)
            if (identity.rule, identity.key) in failing and _block_origin(template, target) != (target.row, target.col):
                assert cells[target.sheet][(target.row, target.col)][0] == RED, (name, target)
                away.append(target)
    assert len({p.row for p in away}) >= 2 and len({p.col for p in away}) >= 2, away  # row and column blocks
