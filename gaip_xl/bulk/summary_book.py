"""summary.xlsx: one row per submission (status colours, filters), one row per finding, and a chart of statuses.

Written in openpyxl's write-only mode, so memory does not grow with the number of rows; only standard features
(cell fills, an auto-filter, frozen header, a bar chart) so that Excel and WPS show it alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.series import DataPoint
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from .worker import ERRORS, OK, UNREADABLE

STATUS_NAMES = {OK: "通过", ERRORS: "有错误", UNREADABLE: "无法读取"}
STATUS_COLOURS = {OK: "C6EFCE", ERRORS: "FFC7CE", UNREADABLE: "D9D9D9"}  # Excel's own good / bad / neutral fills
SHEET_FILES, SHEET_FINDINGS, SHEET_CHART = "文件清单", "问题清单", "统计"
MAX_ROWS = 1_048_576  # rows in one Excel sheet

FILE_HEADINGS = (("文件", 48), ("机关名称", 30), ("行政级别", 12), ("年度", 8), ("格式版本", 10), ("状态", 10),
                 ("错误数", 8), ("警告数", 8), ("第一个错误", 80), ("重复提交", 10), ("代码", 18), ("JSON 文件", 40))
FINDING_HEADINGS = (("文件", 48), ("机关名称", 30), ("工作表", 16), ("单元格", 16), ("规则", 16), ("级别", 8),
                    ("说明", 100))

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FILLS = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_COLOURS.items()}
_WRAP = Alignment(wrap_text=False, vertical="top")


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


class SummaryBook:
    """Fill with ``add_finding`` while streaming, then ``add_files`` and ``save``."""

    def __init__(self) -> None:
        self.book = Workbook(write_only=True)
        self.files = self._sheet(SHEET_FILES, FILE_HEADINGS)
        self.findings = self._sheet(SHEET_FINDINGS, FINDING_HEADINGS)
        self.chart = self.book.create_sheet(SHEET_CHART)
        self._finding_rows = 1
        self._truncated = 0

    def _sheet(self, title: str, headings: tuple[tuple[str, int], ...]) -> WriteOnlyWorksheet:
        sheet = self.book.create_sheet(title)
        for i, (_, width) in enumerate(headings, start=1):
            sheet.column_dimensions[_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        sheet.append([self._header(sheet, text) for text, _ in headings])
        return sheet

    @staticmethod
    def _header(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        return cell

    def add_finding(self, row: dict[str, Any], agency: str | None) -> None:
        if self._finding_rows >= MAX_ROWS - 1:
            self._truncated += 1
            return
        severity = "错误" if row["severity"] == "error" else "警告"
        self.findings.append([row["file"], agency, row["sheet"], row["cell"], row["rule"], severity, row["message"]])
        self._finding_rows += 1

    def add_files(self, summaries: Iterable[dict[str, Any]], duplicates: set[str]) -> None:
        count = 0
        for s in summaries:
            if count >= MAX_ROWS - 1:
                break  # over a million submissions: findings.csv and the journal still list every one
            status = WriteOnlyCell(self.files, STATUS_NAMES[s["status"]])
            status.fill = _FILLS[s["status"]]
            first = WriteOnlyCell(self.files, s["first_error"])
            first.alignment = _WRAP
            self.files.append([s["file"], s["agency"], s["level"], s["year"], s["edition"], status, s["errors"],
                               s["warnings"], first, "是" if s["file"] in duplicates else "", s["code"], s["json"]])
            count += 1
        self.files.auto_filter.ref = f"A1:{_column_letter(len(FILE_HEADINGS))}{count + 1}"

    def add_counts(self, counts: dict[str, int], total: int, duplicates: int, ignored: int) -> None:
        sheet = self.chart
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 12
        sheet.append([self._header(sheet, "状态"), self._header(sheet, "文件数")])
        for status in (OK, ERRORS, UNREADABLE):
            name = WriteOnlyCell(sheet, STATUS_NAMES[status])
            name.fill = _FILLS[status]
            sheet.append([name, counts[status]])
        sheet.append(["合计", total])
        sheet.append([])
        sheet.append([identity_text(counts, total)])
        sheet.append([f"重复提交（同一机关同一年度多份）：{duplicates} 个文件"])
        sheet.append([f"已忽略的系统文件（隐藏文件、~$锁定文件等）：{ignored} 个"])
        if self._truncated:
            sheet.append([f"问题清单超过 Excel 行数上限，另有 {self._truncated} 条未列出，见 findings.csv"])
        chart = BarChart()
        chart.type = "col"
        chart.title = "各状态文件数"
        chart.legend = None
        chart.y_axis.title = "文件数"
        data = Reference(sheet, min_col=2, min_row=1, max_row=4)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=4))
        for index, status in enumerate((OK, ERRORS, UNREADABLE)):
            point = DataPoint(idx=index)
            point.graphicalProperties.solidFill = _darker(STATUS_COLOURS[status])
            chart.series[0].dPt.append(point)
        chart.width, chart.height = 16, 9
        sheet.add_chart(chart, "D2")

    def save(self, path: str | Path) -> None:
        self.findings.auto_filter.ref = f"A1:{_column_letter(len(FINDING_HEADINGS))}{self._finding_rows}"
        self.book.save(str(path))


def identity_text(counts: dict[str, int], total: int) -> str:
    """The summary's promise that no file is lost, in words: files in = ok + with errors + unreadable."""
    ok, errors, unreadable = counts[OK], counts[ERRORS], counts[UNREADABLE]
    verdict = "一个不少" if ok + errors + unreadable == total else "数目不符！"
    return f"输入文件 {total} 个 = 通过 {ok} + 有错误 {errors} + 无法读取 {unreadable}（{verdict}）"


def _darker(colour: str) -> str:
    """The chart's bar colour: the status fill, darker so that it shows on white."""
    return "".join(f"{max(0, int(colour[i:i + 2], 16) - 60):02X}" for i in (0, 2, 4))
