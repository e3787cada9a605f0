"""The Python behind every ribbon button, run against xlwings' remote engine on real filled templates: the tests
assert the actions the engine returns (fills, notes, values, sheets) and that nothing else is touched."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from addin_helpers import actions, filled_template, remote_book, sheet_of, where, xw_remote  # noqa: F401
from builders import load_case
from openpyxl import load_workbook

from gaip_xl.addin import buttons
from gaip_xl.addin.marks import FILL, RESULTS_SHEET, marks_column
from gaip_xl.errors import EditionMismatch, NotTemplate
from gaip_xl.format import EDITIONS
from gaip_xl.format.editions import S3_APPLICANT_COLUMNS
from gaip_xl.format.layout import SHEET_META, layout_for
from gaip_xl.report import Report
from gaip_xl.rules import Severity

LAYOUT = layout_for("2021")


def cell_of(code: str) -> tuple[str, str]:
    pos = LAYOUT.figures.get(code) or LAYOUT.fields[code]
    return pos.sheet, pos.a1


def by_func(book, func: str) -> list[dict]:
    return [a for a in actions(book) if a["func"] == func]


def broken_total_cells() -> set[tuple[str, str]]:
    """The cells a wrong 一、本年新收 总计 involves, from the notices' definitions (not the engine): R3 of that row
    (six applicant columns and the total) and R1 of the 总计 column (一, 二, （七）总计, 四)."""
    r3 = {f"s3.new.{c}" for c in (*S3_APPLICANT_COLUMNS, "total")}
    r1 = {f"s3.{row}.total" for row in ("new", "carried_in", "total", "carried_out")}
    return {cell_of(code) for code in r3 | r1}


# ---------------------------------------------------------------------------- 校验
def test_validate_clean_template_marks_nothing_and_says_all_passed(xw_remote, tmp_path):  # noqa: F811
    book = remote_book(xw_remote, filled_template(load_case("huaian-2024"), tmp_path))
    result = buttons.validate_book(book)
    assert result.findings == []
    funcs = Counter(a["func"] for a in actions(book))
    assert funcs == {"addSheet": 1, "setValues": 1, "alert": 1}  # the results sheet, its content, the verdict
    (written,) = by_func(book, "setValues")
    assert written["values"][0][0] == "校验结果：全部通过"
    assert by_func(book, "alert")[0]["args"][0] == "校验结果：全部通过"
    assert by_func(book, "addSheet")[0]["args"][1] == RESULTS_SHEET


def test_validate_marks_exactly_the_cells_of_every_finding(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huaian-2024")
    wrong = report.figures["s3.new.total"] + 5
    book = remote_book(xw_remote, filled_template(report, tmp_path, {"s3.new.total": wrong}))
    result = buttons.validate_book(book)

    assert {f.rule for f in result.findings} == {"R1", "R3"}
    expected = broken_total_cells()
    colored = {where(book, a): a["args"][0] for a in by_func(book, "setRangeColor")}
    assert set(colored) == expected
    assert set(colored.values()) == {FILL[Severity.ERROR]}
    notes = {where(book, a): a["args"][1] for a in by_func(book, "addNote")}
    assert set(notes) == expected
    assert "R1" in notes[cell_of("s3.new.total")] and "R3" in notes[cell_of("s3.new.total")]  # both findings
    assert "R1" not in notes[cell_of("s3.new.natural")]

    values = by_func(book, "setValues")
    sheets = {sheet_of(book, a) for a in values}
    assert sheets == {SHEET_META, RESULTS_SHEET}  # no figure is changed
    record = next(a for a in values if sheet_of(book, a) == SHEET_META)
    assert record["start_column"] + 1 == marks_column("2021")
    assert {(row[0], row[1]) for row in record["values"]} == expected
    assert all(row[2] == "#FFF9DB" and row[3] == 1 for row in record["values"])


def test_results_sheet_lists_every_finding_with_a_link_to_its_cell(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huaian-2024")
    book = remote_book(xw_remote, filled_template(report, tmp_path, {"s4.review.total": 999}))
    result = buttons.validate_book(book)
    rows = next(a for a in by_func(book, "setValues") if sheet_of(book, a) == RESULTS_SHEET)
    content = rows["values"]
    assert content[0][0].startswith("校验结果：不通过")
    assert content[2] == ["规则", "级别", "工作表", "单元格", "说明"]
    listed = content[3:]
    assert len(listed) == len(result.findings) == 1
    rule, severity, sheet, link, message = listed[0]
    assert (rule, severity, sheet) == ("R4", "错误", "四、复议诉讼")
    first = result.findings[0].cells[0]
    assert link.startswith(f'=HYPERLINK("#\'四、复议诉讼\'!{first.address}"')
    assert message == result.findings[0].message


def test_second_validate_first_clears_the_marks_of_the_first(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huaian-2024")
    path = filled_template(report, tmp_path, {"s3.new.total": 1})
    first = remote_book(xw_remote, path)
    buttons.validate_book(first)
    record = next(a for a in by_func(first, "setValues") if sheet_of(first, a) == SHEET_META)

    # What Excel holds after the first press: the record on _gaip and the notes; the clerk then fixes the total.
    workbook = load_workbook(path)
    meta = workbook[SHEET_META]
    for i, row in enumerate(record["values"]):
        for j, value in enumerate(row):
            meta.cell(1 + i, marks_column("2021") + j, value)
    workbook[cell_of("s3.new.total")[0]][cell_of("s3.new.total")[1]] = report.figures["s3.new.total"]
    workbook.save(path)
    notes = {}
    for sheet, address, *_ in record["values"]:
        notes.setdefault(sheet, []).append(address)
    second = remote_book(xw_remote, path, notes)
    result = buttons.validate_book(second)

    assert result.findings == []
    marked = {(r[0], r[1]) for r in record["values"]}
    restored = {where(second, a) for a in by_func(second, "setRangeColor")}
    # the remote engine cannot read fills: the input cells get back the template's own input fill
    assert restored == marked and {a["args"][0] for a in by_func(second, "setRangeColor")} == {"#FFF9DB"}
    assert {where(second, a) for a in by_func(second, "deleteNote")} == marked
    assert by_func(second, "addNote") == []
    (cleared,) = by_func(second, "rangeClearContents")
    assert sheet_of(second, cleared) == SHEET_META
    assert (cleared["row_count"], cleared["column_count"]) == (len(marked), 4)


def test_clear_removes_only_recorded_marks_and_the_results_sheet(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huaian-2024")
    path = filled_template(report, tmp_path)
    workbook = load_workbook(path)
    column = marks_column("2021")
    for j, value in enumerate(("三、依申请公开", "D6", "#FFFF00", 1)):
        workbook[SHEET_META].cell(1, column + j, value)
    workbook.create_sheet(RESULTS_SHEET)
    workbook.save(path)
    book = remote_book(xw_remote, path, {"三、依申请公开": ["D6", "E9"]})  # E9: a clerk's own note
    assert buttons.clear_book(book) == 1
    assert [(where(book, a), a["args"][0]) for a in by_func(book, "setRangeColor")] == [
        (("三、依申请公开", "D6"), "#FFFF00")]
    assert [where(book, a) for a in by_func(book, "deleteNote")] == [("三、依申请公开", "D6")]
    assert len(by_func(book, "sheetDelete")) == 1
    assert by_func(book, "setValues") == []


# ---------------------------------------------------------------------------- 自动合计
def total_codes(edition: str) -> set[str]:
    """Every total of sections 三 and 四: the 总计 column, the （七）总计 row, and 四's three 总计."""
    s3, s4 = EDITIONS[edition].table("s3"), EDITIONS[edition].table("s4")
    codes = {f"s3.{r.code}.total" for r in s3.rows} | {f"s3.total.{c.code}" for c in s3.columns}
    return codes | {f"s4.{r.code}.total" for r in s4.rows}


def test_autosum_fills_every_total_from_its_parts(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huaian-2024")
    blanks = {code: None for code in total_codes("2021")}
    book = remote_book(xw_remote, filled_template(report, tmp_path, blanks))
    written = buttons.autosum_book(book)

    # huaian-2024 is a published, consistent report: its own totals are what the parts add up to.
    assert written == {code: report.figures[code] for code in blanks if code in report.figures}
    values = {where(book, a): a["values"] for a in by_func(book, "setValues")}
    assert values == {cell_of(code): [[value]] for code, value in written.items()}
    assert by_func(book, "setRangeColor") == [] and by_func(book, "addNote") == []


def test_autosum_leaves_totals_of_blank_parts_and_of_text_alone():
    figures = {"s4.review.upheld": "三", "s4.review.total": 7}  # a text part: V1 says so, the total stays
    assert "s4.review.total" not in buttons.computed_totals("2021", figures)
    assert buttons.computed_totals("2021", {}) == {}  # nothing filled: nothing invented (blank is not 0)
    assert "s3.carried_out.total" not in buttons.computed_totals("2021", {"s3.new.natural": 3})  # R1 is no sum


# ---------------------------------------------------------------------------- 导出 / 导入 JSON
def test_export_json_is_what_to_json_writes_for_the_same_workbook(xw_remote, tmp_path):  # noqa: F811
    import io

    from gaip_xl.cli import run

    report = load_case("xian-2021")
    path = filled_template(report, tmp_path)
    book = remote_book(xw_remote, path)
    exported = buttons.export_json_book(book, tmp_path / "addin.json")
    assert run(["to-json", str(path), "-o", str(tmp_path / "cli.json")], io.StringIO(), io.StringIO()) == 0
    assert exported.read_text(encoding="utf-8") == (tmp_path / "cli.json").read_text(encoding="utf-8")

    document = json.loads(exported.read_text(encoding="utf-8"))
    again = Report.from_json(document)
    assert again.figures == report.figures and again.agency == report.agency and again.text == report.text
    assert document["validation"]["valid"] is True and document["validation"]["by_rule"] == {"B1": 1, "T2": 1}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["addin.json", "cli.json", path.name]


def test_export_json_needs_a_saved_workbook(xw_remote, tmp_path):  # noqa: F811
    from gaip_xl.errors import UnsavedWorkbook

    book = remote_book(xw_remote, filled_template(load_case("xian-2021"), tmp_path))
    with pytest.raises(UnsavedWorkbook):
        buttons.export_json_book(book)  # the remote book has a name but no folder


def imported_into_empty_template(xw_remote, tmp_path, report: Report):  # noqa: F811
    """An empty 2021 template, open through the remote engine, after 导入 JSON of ``report``."""
    from gaip_xl.template import save_template

    source = tmp_path / "in.json"
    source.write_text(report.to_json(), encoding="utf-8")
    empty = tmp_path / "empty.xlsx"
    save_template("2021", empty)
    book = remote_book(xw_remote, empty)
    buttons.import_json_book(book, source)
    return book


def test_import_json_fills_every_cell_of_the_template(xw_remote, tmp_path):  # noqa: F811
    report = load_case("pingtan-2022")
    book = imported_into_empty_template(xw_remote, tmp_path, report)
    written = {where(book, a): a["values"][0][0] for a in by_func(book, "setValues")}
    # A blank goes to Excel as "" (empties the cell); a date as the ISO text Office.js turns into a date.
    expected = {cell_of(code): "" if value is None else value for code, value in report_values(report).items()}
    assert written == expected
    assert written[cell_of("s3.new.total")] == report.figures["s3.new.total"]


def report_values(report: Report) -> dict:
    from gaip_xl.report import values_from_report

    return values_from_report(report)


def test_import_json_refuses_another_edition(xw_remote, tmp_path):  # noqa: F811
    import random

    from builders import consistent_report

    source = tmp_path / "2019.json"
    source.write_text(consistent_report("2019", random.Random(3)).to_json(), encoding="utf-8")
    book = remote_book(xw_remote, filled_template(load_case("huaian-2024"), tmp_path))
    with pytest.raises(EditionMismatch):
        buttons.import_json_book(book, source)
    assert by_func(book, "setValues") == []


def test_a_workbook_that_is_not_the_template_is_refused(xw_remote):  # noqa: F811
    book = xw_remote.Book(json={"client": "Office.js", "version": xw_remote.__version__,
                                "book": {"name": "other.xlsx", "active_sheet_index": 0, "selection": "A1"},
                                "names": [], "sheets": [{"name": "Sheet1", "values": [["x"]], "notes": [],
                                                         "tables": [], "pictures": []}]})
    with pytest.raises(NotTemplate):
        buttons.validate_book(book)


def test_import_json_sends_text_excel_would_evaluate_as_text(xw_remote, tmp_path):  # noqa: F811
    """Excel parses a value written through its object model as typed input: "=HYPERLINK(…)" in a report's prose,
    agency name or 说明 would become a live formula in the clerk's workbook. It goes with Excel's text mark, which
    Excel keeps as the cell's prefix (the cell reads back without it); other text and numbers go as they are."""
    from gaip_xl.report import Explanation

    report = load_case("pingtan-2022")
    hostile = '=HYPERLINK("http://x","点")'
    report.agency.name, report.text["overview"] = "＋1+1 人民政府", hostile
    report.text["problems"] = "-3"  # a plain number typed as text: Excel reads it as the number, as typed
    report.explanations = [Explanation("B1", ("s2_item1.rules.issued",), "@SUM(A1)")]
    book = imported_into_empty_template(xw_remote, tmp_path, report)
    sent = [value for action in by_func(book, "setValues") for row in action["values"] for value in row]
    assert "'" + hostile in sent and "'＋1+1 人民政府" in sent and "'@SUM(A1)" in sent
    assert hostile not in sent and "-3" in sent
    assert not [v for v in sent if isinstance(v, str) and v and v[0] in "=+-@＝＋－＠" and v != "-3"]
