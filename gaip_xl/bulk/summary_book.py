"""summary.xlsx: one row per submission (status colours, filters), one row per finding, and a chart of statuses.

Written with XlsxWriter in its constant-memory mode: each row goes to a temporary file as it is written, so memory
does not grow with the number of rows, and a row costs about a third of what openpyxl's write-only mode costs
(3,000 rows: 0.12 s instead of 0.35 s). The zip entries carry a fixed time and the document a fixed creation date,
so the same batch gives the same bytes run after run. Only standard features (cell fills, an auto-filter, a frozen
header, a column chart, a page set-up), so that Excel, WPS and LibreOffice show and print it alike: every sheet
landscape A4, one page wide, the header row on every page, long texts wrapped.

The workbook is opened with XlsxWriter's conversions of strings to formulas, links and numbers turned off: a file or
agency name that starts with "=" or looks like a web address stays text, never a formula or a link. Its temporary
files go to a folder the caller gives (and removes): XlsxWriter leaves them behind when a write fails, and in the
system's temporary folder they would not be cleaned up.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from contextlib import suppress
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..inert import XLSXWRITER_OPTIONS
from ..roster import RosterEntry
from .progress import identity_text
from .worker import ERRORS, IMPORT_NOTE, OK, STALE, UNREADABLE

STATUS_NAMES = {OK: "通过", ERRORS: "有错误", UNREADABLE: "无法读取"}
STATUS_COLOURS = {OK: "C6EFCE", ERRORS: "FFC7CE", UNREADABLE: "D9D9D9"}  # Excel's own good / bad / neutral fills
NOT_SUBMITTED, NOT_SUBMITTED_COLOUR = "未提交", "FFEB9C"  # a roster's agency with no submission; Excel's neutral fill
ON_ROSTER, OFF_ROSTER = "在名单", "不在名单"
SEVERITY_NAMES = {"error": "错误", "warning": "警告", STALE: "说明已过期", IMPORT_NOTE: "导入提示"}
SHEET_FILES, SHEET_FINDINGS, SHEET_CHART = "文件清单", "问题清单", "统计"
TOTAL_NAMES = {"open_warnings": "未说明的警告（条）", "explained_warnings": "已说明的警告（条）",
               "stale_explanations": "过期的说明（条）", "documents": "导入的已发布文档（PDF、网页、Word、文本）（个）",
               "import_notes": "导入提示（条）"}
ROSTER_NAMES = {"expected": "名单上的机关（个）", "submitted": "已提交的机关（个）", "missing": "未提交的机关（个）",
                "not_on_roster": "不在名单上的提交（个文件）"}
MAX_ROWS = 1_048_576  # rows in one Excel sheet
FIXED_CREATED = dt.datetime(2000, 1, 1)  # UTC, as the core properties store it: the same bytes for the same batch

# Widths in characters, chosen so that a sheet printed landscape on A4, one page wide, stays legible (about 70 %):
# the long texts (file, agency, first error, message) wrap instead of widening the page.
FILE_HEADINGS = (("文件", 30), ("机关名称", 24), ("行政级别", 9), ("年度", 7), ("格式版本", 9), ("状态", 9),
                 ("错误数", 7), ("未说明警告", 7), ("已说明警告", 7), ("过期说明", 7), ("第一个错误", 40),
                 ("重复提交", 9), ("名单", 9), ("类型", 7), ("导入数字", 7), ("缺失数字", 7), ("导入提示", 7),
                 ("代码", 10), ("JSON 文件", 22))
FIRST_ERROR, STATUS = 10, 5  # columns of the file list
FILE_WRAPPED = (0, 1, FIRST_ERROR)  # the columns of long texts (file, agency, first error): they wrap
FINDING_HEADINGS = (("文件", 34), ("机关名称", 24), ("工作表", 14), ("单元格", 14), ("规则", 10), ("级别", 8),
                    ("问题", 60), ("说明（填报单位）", 36))
FINDING_WRAPPED = (0, 1, 6, 7)  # file, agency, message, 说明
A4 = 9  # the paper size code of the OOXML page set-up
FOOTER = "&C&A  第 &P 页，共 &N 页"
CHART_SIZE = {"width": 605, "height": 340}  # pixels: 16 × 9 cm
LINE_POINTS = 15  # the height of one line of text at the default 11-point font


def _print_setup(sheet: Worksheet, list_sheet: bool) -> None:
    """Landscape A4, one page wide (as many pages tall as needed); for a list, grid lines printed and the header row
    repeated on every page: the summary is printed and passed round."""
    sheet.set_landscape()
    sheet.set_paper(A4)
    sheet.fit_to_pages(1, 0)
    sheet.hide_gridlines(0 if list_sheet else 1)  # 0: printed too; 1: on screen only (not across the chart)
    sheet.center_horizontally()
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header("", margin=0.3)
    sheet.set_footer(FOOTER, margin=0.3)
    if list_sheet:
        sheet.repeat_rows(0)


class SummaryBook:
    """Written to ``path`` as it is filled: ``add_file`` and ``add_finding`` while streaming, then ``add_counts`` and
    ``close``. Rows of each sheet go in order (what the constant-memory mode requires)."""

    def __init__(self, path: str | Path, scratch: str | Path | None = None) -> None:
        self.book = Workbook(str(path), {"constant_memory": True, **XLSXWRITER_OPTIONS,  # text stays text
                                         "tmpdir": None if scratch is None else str(scratch)})
        self.book.set_properties({"created": FIXED_CREATED})
        self._header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "text_wrap": True,
                                             "valign": "vcenter", "align": "center"})
        self._wrap = self.book.add_format({"text_wrap": True})  # bottom-aligned like every other cell of its row
        self._fills = {status: self.book.add_format({"bg_color": f"#{colour}", "pattern": 1})
                       for status, colour in (*STATUS_COLOURS.items(), (NOT_SUBMITTED, NOT_SUBMITTED_COLOUR))}
        self.files = self._sheet(SHEET_FILES, FILE_HEADINGS, FILE_WRAPPED)
        self.findings = self._sheet(SHEET_FINDINGS, FINDING_HEADINGS, FINDING_WRAPPED)
        self.chart = self.book.add_worksheet(SHEET_CHART)
        _print_setup(self.chart, list_sheet=False)
        self._finding_rows = 1
        self._file_rows = 0
        self._truncated = 0

    def _sheet(self, title: str, headings: tuple[tuple[str, int], ...], wrapped: tuple[int, ...]) -> Worksheet:
        sheet = self.book.add_worksheet(title)
        for i, (_, width) in enumerate(headings):
            sheet.set_column(i, i, width, self._wrap if i in wrapped else None)  # the format of its unformatted cells
        sheet.freeze_panes(1, 0)
        sheet.set_row(0, LINE_POINTS * 2)  # two lines: the narrow count columns wrap their headings
        _print_setup(sheet, list_sheet=True)
        for i, (text, _) in enumerate(headings):
            sheet.write_string(0, i, text, self._header)
        return sheet

    def add_finding(self, row: dict[str, Any], agency: str | None) -> None:
        if self._finding_rows >= MAX_ROWS - 1:
            self._truncated += 1
            return
        severity = SEVERITY_NAMES.get(row["severity"], row["severity"])
        if row.get("explanation") and row["severity"] == "warning":
            severity = "警告（已说明）"
        values = (row["file"], agency, row["sheet"], row["cell"], row["rule"], severity, row["message"],
                  row.get("explanation"))
        _write_row(self.findings, self._finding_rows, values, FINDING_HEADINGS, FINDING_WRAPPED, self._wrap)
        self._finding_rows += 1  # 0-based: the header is row 0

    def add_file(self, s: dict[str, Any], duplicate: bool, roster: str | None = None) -> None:
        """The next submission's row of the file list (rows past Excel's limit are left to findings.csv); ``roster``
        says whether its agency is on the roster (``ON_ROSTER``, ``OFF_ROSTER``; None: no roster, or no agency)."""
        self._add_file((s["file"], s["agency"], s["level"], s["year"], s["edition"], None, s["errors"],
                        s.get("open_warnings", s["warnings"]), s.get("explained_warnings", 0),
                        s.get("stale_explanations", 0), s["first_error"], "是" if duplicate else None, roster,
                        s.get("kind"), s.get("imported"), s.get("missing"), s.get("import_notes"), s["code"],
                        s["json"]), s["status"])

    def add_missing(self, entry: RosterEntry, note: str | None = None) -> None:
        """A roster's agency with no submission: a row 未提交 (no file), after the submissions; ``note`` (in the
        column of the first error) names a submission whose agency's name resembles it."""
        self._add_file((None, entry.name, entry.level, *(None,) * 7, note, None, ON_ROSTER), NOT_SUBMITTED)

    def _add_file(self, values: tuple[Any, ...], status: str) -> None:
        if self._file_rows >= MAX_ROWS - 1:
            return
        self._file_rows += 1
        _write_row(self.files, self._file_rows, values, FILE_HEADINGS, FILE_WRAPPED, self._wrap)
        self.files.write_string(self._file_rows, STATUS, STATUS_NAMES.get(status, status), self._fills[status])

    def add_counts(self, counts: dict[str, int], total: int, duplicates: int, ignored: int,
                   totals: dict[str, int] | None = None, roster: dict[str, int] | None = None) -> None:
        """The 统计 sheet: files by status, the files-in identity, then ``totals`` (warnings open and explained,
        stale 说明, import notes: ``TOTAL_NAMES``) and, with a roster, its accounting (``ROSTER_NAMES``), each a
        label and a number."""
        sheet = self.chart
        sheet.set_column(0, 0, 34)  # the labels of the totals below the chart's table
        sheet.set_column(1, 1, 12)
        sheet.write_string(0, 0, "状态", self._header)
        sheet.write_string(0, 1, "文件数", self._header)
        for row, status in enumerate((OK, ERRORS, UNREADABLE), start=1):
            sheet.write_string(row, 0, STATUS_NAMES[status], self._fills[status])
            sheet.write_number(row, 1, counts[status])
        sheet.write_string(4, 0, "合计")
        sheet.write_number(4, 1, total)
        lines = [identity_text(counts, total), f"重复提交（同一机关同一年度多份）：{duplicates} 个文件",
                 f"已忽略的系统文件（隐藏文件、~$锁定文件等）：{ignored} 个"]
        if self._truncated:
            lines.append(f"问题清单超过 Excel 行数上限，另有 {self._truncated} 条未列出，见 findings.csv")
        for row, line in enumerate(lines, start=6):
            sheet.write_string(row, 0, line)
        row = 6 + len(lines) + 1
        for names, values in ((TOTAL_NAMES, totals), (ROSTER_NAMES, roster)):
            for key, label in names.items():
                if values is not None:
                    sheet.write_string(row, 0, label)
                    sheet.write_number(row, 1, values.get(key, 0))
                    row += 1
        chart = self.book.add_chart({"type": "column"})
        chart.add_series({
            "name": [SHEET_CHART, 0, 1],
            "categories": [SHEET_CHART, 1, 0, 3, 0],
            "values": [SHEET_CHART, 1, 1, 3, 1],
            "points": [{"fill": {"color": f"#{_darker(STATUS_COLOURS[s])}"}} for s in (OK, ERRORS, UNREADABLE)],
        })
        chart.set_title({"name": "各状态文件数"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "文件数"})
        chart.set_size(CHART_SIZE)
        sheet.insert_chart(1, 3, chart)

    def close(self) -> None:
        last_col = len(FILE_HEADINGS) - 1
        self.files.autofilter(0, 0, self._file_rows, last_col)
        self.files.print_area(0, 0, self._file_rows, last_col)  # not the empty columns a long text overflows into
        last_col = len(FINDING_HEADINGS) - 1
        self.findings.autofilter(0, 0, self._finding_rows - 1, last_col)
        self.findings.print_area(0, 0, self._finding_rows - 1, last_col)
        try:
            self.book.close()
        except FileCreateError as exc:  # XlsxWriter's wrapper of the OSError that stopped it: that error, as itself
            _close_abandoned_zips(exc)
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from None


def _close_abandoned_zips(exc: BaseException) -> None:
    """XlsxWriter leaves its zip file open when a write fails (a full disk): closed here, its second failure
    ignored, rather than by the garbage collector, whose failure would be printed as "Exception ignored …"."""
    error: BaseException | None = exc
    while error is not None:  # the zip is a local of the frame that raised the OSError that XlsxWriter wraps
        trace = error.__traceback__
        while trace is not None:
            for value in list(trace.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile):
                    with suppress(OSError, ValueError):
                        value.close()
            trace = trace.tb_next
        error = error.__context__


def _write_row(sheet: Worksheet, row: int, values: tuple[Any, ...], headings: tuple[tuple[str, int], ...],
               wrapped: tuple[int, ...], wrap: Format) -> None:
    """Each value by its type (text stays text; None and "" leave the cell unwritten, a quarter fewer cells for a
    batch that passes, or blank but wrapping in a column of long texts), in a row as tall as the lines of its longest
    wrapped text: LibreOffice (and Excel, once saved) do not grow a row for wrapped text written without a height,
    and would print only one of its lines."""
    lines = 1
    for column in wrapped:
        if values[column]:
            # a glyph is a little wider than the width unit (the digit 0), and a line breaks before a word that
            # does not fit: a tenth more than the plain quotient, so that no line is cut off
            width = headings[column][1] - 1
            lines = max(lines, -(-_display_width(str(values[column])) * 11 // (10 * width)))
    if lines > 1:
        sheet.set_row(row, LINE_POINTS * lines)
    sheet.write_row(row, 0, values)
    for column in wrapped:
        if not values[column]:
            sheet.write_blank(row, column, None, wrap)
    # Writing this row has written the previous one out (constant-memory mode): its height, kept by XlsxWriter in two
    # dictionaries for positioning pictures (none on these sheets), would otherwise make memory grow with the rows.
    sheet.row_info.pop(row - 1, None)
    sheet.row_sizes.pop(row - 1, None)


def _display_width(text: str) -> int:
    """Columns a text takes: a Chinese character (three bytes in UTF-8) counts two, an ASCII character one."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def _darker(colour: str) -> str:
    """The chart's bar colour: the status fill, darker so that it shows on white."""
    return "".join(f"{max(0, int(colour[i:i + 2], 16) - 60):02X}" for i in (0, 2, 4))


__all__ = ["SummaryBook", "identity_text"]
