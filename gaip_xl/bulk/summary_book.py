"""summary.xlsx: one row per submission (status colours, filters), one row per finding, and a chart of statuses.

Written in openpyxl's write-only mode, so memory does not grow with the number of rows; only standard features
(cell fills, an auto-filter, frozen header, a bar chart, a page set-up) so that Excel, WPS and LibreOffice show
and print it alike: every sheet landscape A4, one page wide, the header row on every page, long texts wrapped.
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
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties

from .worker import ERRORS, OK, UNREADABLE

STATUS_NAMES = {OK: "通过", ERRORS: "有错误", UNREADABLE: "无法读取"}
STATUS_COLOURS = {OK: "C6EFCE", ERRORS: "FFC7CE", UNREADABLE: "D9D9D9"}  # Excel's own good / bad / neutral fills
SHEET_FILES, SHEET_FINDINGS, SHEET_CHART = "文件清单", "问题清单", "统计"
MAX_ROWS = 1_048_576  # rows in one Excel sheet

# Widths in characters, chosen so that a sheet printed landscape on A4, one page wide, stays legible (about 70 %):
# the long texts (file, agency, first error, message) wrap instead of widening the page.
FILE_HEADINGS = (("文件", 34), ("机关名称", 24), ("行政级别", 9), ("年度", 7), ("格式版本", 9), ("状态", 9),
                 ("错误数", 7), ("警告数", 7), ("第一个错误", 46), ("重复提交", 9), ("代码", 12), ("JSON 文件", 28))
FINDING_HEADINGS = (("文件", 34), ("机关名称", 24), ("工作表", 14), ("单元格", 14), ("规则", 10), ("级别", 6),
                    ("说明", 70))

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_FILLS = {status: PatternFill("solid", fgColor=colour) for status, colour in STATUS_COLOURS.items()}
_WRAP = Alignment(wrap_text=True)  # bottom-aligned like every other cell of its row
_HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="center", horizontal="center")
A4 = 9  # the paper size code of the OOXML page set-up


def _print_setup(sheet: WriteOnlyWorksheet, title_rows: str | None) -> None:
    """Landscape A4, one page wide (as many pages tall as needed); for a list, grid lines printed and the header row
    repeated on every page: the summary is printed and passed round."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.gridLines = title_rows is not None  # a list; not across the counts' sentences and chart
    sheet.print_options.horizontalCentered = True
    sheet.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.oddFooter.center.text = "&A  第 &P 页，共 &N 页"
    if title_rows:
        sheet.print_title_rows = title_rows


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
        _print_setup(self.chart, None)
        self._finding_rows = 1
        self._truncated = 0

    def _sheet(self, title: str, headings: tuple[tuple[str, int], ...]) -> WriteOnlyWorksheet:
        sheet = self.book.create_sheet(title)
        for i, (_, width) in enumerate(headings, start=1):
            sheet.column_dimensions[_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        _print_setup(sheet, "1:1")
        sheet.append([self._header(sheet, text) for text, _ in headings])
        return sheet

    @staticmethod
    def _header(sheet: WriteOnlyWorksheet, text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, text)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGNMENT
        return cell

    def add_finding(self, row: dict[str, Any], agency: str | None) -> None:
        if self._finding_rows >= MAX_ROWS - 1:
            self._truncated += 1
            return
        severity = "错误" if row["severity"] == "error" else "警告"
        sheet = self.findings
        self._finding_rows += 1
        _fit_height(sheet, self._finding_rows, ((row["file"], 0), (agency, 1), (row["message"], 6)), FINDING_HEADINGS)
        sheet.append([_wrapped(sheet, row["file"]), _wrapped(sheet, agency), row["sheet"], row["cell"], row["rule"],
                      severity, _wrapped(sheet, row["message"])])
        sheet.row_dimensions.pop(self._finding_rows, None)  # written: memory stays flat

    def add_files(self, summaries: Iterable[dict[str, Any]], duplicates: set[str]) -> None:
        count = 0
        for s in summaries:
            if count >= MAX_ROWS - 1:
                break  # over a million submissions: findings.csv and the journal still list every one
            status = WriteOnlyCell(self.files, STATUS_NAMES[s["status"]])
            status.fill = _FILLS[s["status"]]
            sheet = self.files
            _fit_height(sheet, count + 2, ((s["file"], 0), (s["agency"], 1), (s["first_error"], 8)), FILE_HEADINGS)
            sheet.append([_wrapped(sheet, s["file"]), _wrapped(sheet, s["agency"]), s["level"], s["year"], s["edition"],
                          status, s["errors"], s["warnings"], _wrapped(sheet, s["first_error"] or None),
                          "是" if s["file"] in duplicates else None, s["code"] or None, s["json"]])
            # None, not "": an empty cell is not written at all (a quarter fewer cells for a batch that passes)
            sheet.row_dimensions.pop(count + 2, None)
            count += 1
        self.files.auto_filter.ref = f"A1:{_column_letter(len(FILE_HEADINGS))}{count + 1}"
        self.files.print_area = self.files.auto_filter.ref  # not the empty columns a long text overflows into

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
        self.findings.print_area = self.findings.auto_filter.ref
        self.book.save(str(path))


def _wrapped(sheet: WriteOnlyWorksheet, value: Any) -> WriteOnlyCell:
    """A long text that wraps within its column's width (the printed page stays one page wide)."""
    cell = WriteOnlyCell(sheet, value)
    cell.alignment = _WRAP
    return cell


LINE_POINTS = 15  # the height of one line of text at the default 11-point font


def _fit_height(sheet: WriteOnlyWorksheet, row: int, texts: tuple[tuple[Any, int], ...],
                headings: tuple[tuple[str, int], ...]) -> None:
    """Gives a row whose long texts wrap the height of its lines: LibreOffice (and Excel, once saved) do not grow a
    row for wrapped text written without a height, and would print only its first or last line."""
    lines = 1
    for text, column in texts:
        if text:
            # a glyph is a little wider than the width unit (the digit 0), and a line breaks before a word that
            # does not fit: a tenth more than the plain quotient, so that no line is cut off
            lines = max(lines, -(-_display_width(str(text)) * 11 // (10 * (headings[column][1] - 1))))
    if lines > 1:
        sheet.row_dimensions[row].height = LINE_POINTS * lines


def _display_width(text: str) -> int:
    """Columns a text takes: a Chinese character (three bytes in UTF-8) counts two, an ASCII character one."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def identity_text(counts: dict[str, int], total: int) -> str:
    """The summary's promise that no file is lost, in words: files in = ok + with errors + unreadable."""
    ok, errors, unreadable = counts[OK], counts[ERRORS], counts[UNREADABLE]
    verdict = "一个不少" if ok + errors + unreadable == total else "数目不符！"
    return f"输入文件 {total} 个 = 通过 {ok} + 有错误 {errors} + 无法读取 {unreadable}（{verdict}）"


def _darker(colour: str) -> str:
    """The chart's bar colour: the status fill, darker so that it shows on white."""
    return "".join(f"{max(0, int(colour[i:i + 2], 16) - 60):02X}" for i in (0, 2, 4))
