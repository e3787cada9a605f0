"""The add-in and the 说明 sheet: 校验 gives every warning a row with an empty 说明 (keeping what the clerk wrote),
an explained warning shows as 已说明, 清除标记 leaves the sheet alone, and a template of version 1.0 (no 说明
sheet) still works. Run against xlwings' remote engine on real filled templates (tests/addin_helpers.py)."""

from __future__ import annotations

from pathlib import Path

from addin_helpers import actions, filled_template, remote_book, sheet_of, where, xw_remote  # noqa: F401
from builders import load_case
from openpyxl import load_workbook

from gaip_xl.addin import buttons
from gaip_xl.addin.marks import RESULTS_SHEET, STALE_NOTE, marks_column
from gaip_xl.format.layout import SHEET_EXPLANATIONS, layout_for
from gaip_xl.report import Explanation

BLOCK = layout_for("2021").explanations
OLD = Path(__file__).parent / "template_1_0"


def written_rows(book) -> list[list]:
    """The rows 校验 wrote to the 说明 sheet (one setValues from its first row)."""
    (action,) = [a for a in actions(book) if a["func"] == "setValues" and sheet_of(book, a) == SHEET_EXPLANATIONS]
    assert where(book, action) == (SHEET_EXPLANATIONS, f"A{BLOCK.first_row}")
    return action["values"]


def xian_with(tmp_path, explanations=(), rows=()) -> object:
    """西安镇's template (warnings B1 and T2), with explanations typed in and extra raw rows of the 说明 sheet."""
    report = load_case("xian-2021")
    report.explanations = list(explanations)
    path = filled_template(report, tmp_path)
    if rows:
        workbook = load_workbook(path)
        sheet = workbook[SHEET_EXPLANATIONS]
        start = BLOCK.first_row + len(report.explanations)
        for i, row in enumerate(rows):
            for col, value in zip(sorted(BLOCK.columns.values()), row, strict=True):
                sheet.cell(start + i, col).value = value
        workbook.save(path)
    return path


def test_validate_writes_one_row_per_warning_with_an_empty_explanation(xw_remote, tmp_path):  # noqa: F811
    book = remote_book(xw_remote, xian_with(tmp_path))
    result = buttons.validate_book(book)
    assert [f.rule for f in result.warnings] == ["B1", "T2"]
    rows = written_rows(book)
    assert [(r[0], r[3]) for r in rows] == [("B1", ""), ("T2", "")]
    assert rows[1][1] == "text.other" and rows[1][2] == result.warnings[1].message
    assert set(rows[0][1].split(", ")) == {c.code for c in result.warnings[0].cells}
    assert not [a for a in actions(book) if a["func"] == "setValues" and sheet_of(book, a) not in
                (SHEET_EXPLANATIONS, RESULTS_SHEET, "_gaip")]  # no figure, fact or text is changed


def test_a_written_explanation_is_kept_and_its_warning_shows_as_explained(xw_remote, tmp_path):  # noqa: F811
    text = "本镇未收取信息处理费，报告中漏写了"
    book = remote_book(xw_remote, xian_with(tmp_path, [Explanation("T2", ("text.other",), text)]))
    result = buttons.validate_book(book)
    (t2,) = [f for f in result.findings if f.rule == "T2"]
    assert t2.explained and t2.explanation == text
    rows = written_rows(book)
    assert rows[0] == ["T2", "text.other", t2.message, text]  # the clerk's row first, its 问题 filled in
    assert [(r[0], r[3]) for r in rows[1:]] == [("B1", "")]  # the open warning gets a row to fill
    listed = [a for a in actions(book) if a["func"] == "setValues" and sheet_of(book, a) == RESULTS_SHEET]
    t2_row = next(r for r in listed[0]["values"] if r[0] == "T2")
    assert t2_row[1] == "警告（已说明）" and t2_row[4].endswith(f"说明：{text}")
    alert = next(a for a in actions(book) if a["func"] == "alert")["args"][0]
    assert "其中 1 个已说明" in alert


def test_prompt_rows_of_the_last_check_are_replaced_not_repeated(xw_remote, tmp_path):  # noqa: F811
    prompts = [["T2", "text.other", "旧的问题", None], ["R1", "s3.new.total", "已改正的问题", None]]
    book = remote_book(xw_remote, xian_with(tmp_path, rows=prompts))
    buttons.validate_book(book)
    rows = written_rows(book)
    assert [(r[0], r[3]) for r in rows] == [("B1", ""), ("T2", "")]  # one row per warning, nothing left of R1


def test_a_stale_explanation_is_kept_and_marked(xw_remote, tmp_path):  # noqa: F811
    stale = Explanation("R8", ("s2_item1.normative.in_force",), "文件到期失效")
    book = remote_book(xw_remote, xian_with(tmp_path, [stale]))
    result = buttons.validate_book(book)
    assert [s.text for s in result.stale_explanations] == ["文件到期失效"]
    rows = written_rows(book)
    assert rows[0] == ["R8", "s2_item1.normative.in_force", STALE_NOTE, "文件到期失效"]
    assert "1 条说明已过期" in next(a for a in actions(book) if a["func"] == "alert")["args"][0]


def test_clear_marks_leaves_the_explanations_alone(xw_remote, tmp_path):  # noqa: F811
    path = xian_with(tmp_path, [Explanation("T2", ("text.other",), "漏写")],
                     rows=[["B1", "s3.new.natural", "问题", None]])
    workbook = load_workbook(path)  # as a 校验 left it: one marked cell recorded, the 校验结果 sheet
    for j, value in enumerate(("三、依申请公开", "D6", "#FFFF00", 1)):
        workbook["_gaip"].cell(1, marks_column("2021") + j, value)
    workbook.create_sheet(RESULTS_SHEET)
    workbook.save(path)
    book = remote_book(xw_remote, path, notes={"三、依申请公开": ["D6"]})
    assert buttons.clear_book(book) == 1
    on_sheets = [a for a in actions(book) if a.get("sheet_position") is not None]
    assert {a["func"] for a in on_sheets} >= {"setRangeColor", "deleteNote", "sheetDelete"}
    assert not [a for a in on_sheets if sheet_of(book, a) == SHEET_EXPLANATIONS]


def test_export_json_keeps_the_explanations(xw_remote, tmp_path):  # noqa: F811
    import json

    book = remote_book(xw_remote, xian_with(tmp_path, [Explanation("T2", ("text.other",), "漏写")]))
    exported = buttons.export_json_book(book, tmp_path / "addin.json")
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["explanations"] == [{"rule": "T2", "cells": ["text.other"], "text": "漏写"}]
    assert document["validation"]["explained_warnings"] == 1


def test_a_template_of_version_1_0_is_checked_without_a_explanations_sheet(xw_remote, tmp_path):  # noqa: F811
    book = remote_book(xw_remote, OLD / "huashi-2021.xlsx")
    result = buttons.validate_book(book)
    assert [f.rule for f in result.findings] == ["S2", "T2"]
    assert SHEET_EXPLANATIONS not in [s.name for s in book.sheets]
    assert not [a for a in actions(book) if a["func"] == "addSheet" and a["args"][1] == SHEET_EXPLANATIONS]


def test_import_json_writes_the_explanations_and_clears_older_rows(xw_remote, tmp_path):  # noqa: F811
    report = load_case("xian-2021")
    report.explanations = [Explanation("T2", ("text.other",), "漏写")]
    source = tmp_path / "in.json"
    source.write_text(report.to_json(), encoding="utf-8")
    old_rows = [["B1", "s3.new.natural", "问题", "旧说明"], ["R8", "x", None, "另一条"]]
    book = remote_book(xw_remote, xian_with(tmp_path, rows=old_rows))
    buttons.import_json_book(book, source)
    assert written_rows(book) == [["T2", "text.other", "", "漏写"], [""] * 4]  # None goes to Excel as ""


def test_import_json_into_a_version_1_0_template_says_what_it_could_not_keep(xw_remote, tmp_path):  # noqa: F811
    report = load_case("huashi-2021")
    report.report_type = "本机关"
    report.explanations = [Explanation("T2", ("text.other",), "漏写")]
    source = tmp_path / "in.json"
    source.write_text(report.to_json(), encoding="utf-8")
    book = remote_book(xw_remote, OLD / "huashi-2021.xlsx")
    buttons.import_json_book(book, source)
    alert = next(a for a in actions(book) if a["func"] == "alert")["args"][0]
    assert "1.0 版" in alert and "1 条说明未导入" in alert
    assert all(sheet_of(book, a) != SHEET_EXPLANATIONS for a in actions(book) if a.get("sheet_position") is not None)
