"""The marked workbook written without Excel shows what the add-in's 校验 paints: the same description
(gaip_xl.excel.marks) of fills, notes, the record on _gaip and the 校验结果 sheet."""

from __future__ import annotations

import random

from builders import consistent_report, load_case
from openpyxl import load_workbook

from gaip_xl import read_workbook
from gaip_xl.addin import marks as addin_marks
from gaip_xl.excel import marks
from gaip_xl.excel.marked import write_marked
from gaip_xl.format.layout import SHEET_META
from gaip_xl.rules import Severity, validate


def test_every_cell_of_every_finding_is_filled_noted_and_recorded(tmp_path):
    report = consistent_report("2021", random.Random(9))
    report.figures["s3.total.natural"] += 2
    report.figures["s2_item1.rules.issued"] = None  # B1 warning
    result = validate(report)
    assert {f.severity for f in result.findings} == {Severity.ERROR, Severity.WARNING}
    path = tmp_path / "marked.xlsx"
    write_marked(report, result, path)
    back = read_workbook(path).figures
    assert {c: back.get(c) for c in report.figures} == report.figures
    book = load_workbook(path)
    expected = marks.marks_of(marks.template_positions("2021"), result)
    for mark in expected:
        cell = book[mark.pos.sheet].cell(mark.pos.row, mark.pos.col)
        assert cell.fill.fgColor.rgb == "FF" + marks.FILL[mark.severity][1:]
        assert cell.comment.text == mark.note
    meta = book[SHEET_META]
    first = marks.marks_column("2021")
    recorded = [[meta.cell(r, first + c).value for c in range(marks.RECORD_WIDTH)] for r in range(1, len(expected) + 2)]
    assert recorded[:-1] == [[m.pos.sheet, m.pos.a1, addin_marks.TEMPLATE_INPUT_FILL, 1] for m in expected]
    assert recorded[-1] == [None] * marks.RECORD_WIDTH
    sheet = book[marks.RESULTS_SHEET]
    rows = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows == marks.results_rows(marks.template_positions("2021"), result)
    assert book.sheetnames.index(marks.RESULTS_SHEET) == len(book.sheetnames) - 2  # before the very hidden _gaip


def test_the_addin_uses_the_cores_description():
    assert addin_marks.FILL is marks.FILL and addin_marks.RESULTS_SHEET is marks.RESULTS_SHEET
    assert addin_marks.marks_column is marks.marks_column


def test_a_clean_report_gets_only_the_verdict(tmp_path):
    report = load_case("huaian-2024")
    path = tmp_path / "clean.xlsx"
    write_marked(report, validate(report), path)
    rows = list(load_workbook(path)[marks.RESULTS_SHEET].iter_rows(values_only=True))
    assert rows[0][0] == "校验结果：全部通过" and len(rows) == 3
