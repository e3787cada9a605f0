"""Spreadsheets in a form gaip-xl does not read, told from their bytes, so the refusal says what the file is and
what to do.

A clerk who filled the template may send it as LibreOffice or WPS saved it (OpenDocument .ods, flat .fods), as
Excel's "XML 电子表格 2003", as a binary .xlsb, or exported as text (CSV, "文本文件（制表符分隔）"). None of these
keeps what makes the file the template (the hidden identification sheet, the defined names, or all sheets but one),
so none is read as a filled template: each is refused as ``E_NOT_XLSX`` naming its form and saying "另存为 .xlsx",
never sent to the reader of published documents (which would import a table of blanks) and never called "not a
spreadsheet". Standard library only: the file-type decision (``gaip_xl.loaders``) loads nothing heavier.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

from .files import ZIP_ERRORS

SPREADSHEET = "spreadsheet"  # what importer.sniff calls such a file (the workbook reader refuses it, naming its form)
SAVE_AS = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再提交"
CSV = "CSV 或制表符分隔的文本（只保存了一个工作表的文字，另存为 .xlsx 也找不回模板的其他工作表和标识）"
ODS = "OpenDocument 电子表格（.ods）"
FLAT_ODS = "OpenDocument 平面电子表格（.fods）"
XML_2003 = "“XML 电子表格 2003”（.xml）"
XLSB = "Excel 二进制工作簿（.xlsb）"
TABLE_TEXT_SUFFIXES = (".csv", ".tsv")  # text exports of one sheet: refused as spreadsheets whatever they hold

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_FLAT_ODS = re.compile(rb"<office:document\b[^>]*office:mimetype\s*=\s*[\"']" + re.escape(_ODS_MIMETYPE))
_XML_2003 = re.compile(rb"<\?mso-application\s+progid\s*=\s*[\"']Excel\.Sheet[\"']"
                       rb"|<(?:\w+:)?Workbook\b[^>]*urn:schemas-microsoft-com:office:spreadsheet")
_HEAD = 4096
_MIN_ROWS = 3  # lines of the same shape that make text a table export


def other_spreadsheet(data: bytes) -> str | None:
    """What spreadsheet form ``data`` is in when it is one gaip-xl does not read (one of the names above), else
    None. Text counts as a table export only when its first lines all have the same number of commas (or tabs), as
    every spreadsheet program writes a sheet's rows."""
    if data.startswith(b"PK\x03\x04"):
        return _zip_spreadsheet(data)
    head = data[:_HEAD]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's "Unicode 文本")
        head = head.decode("utf-16", errors="ignore").encode("utf-8")
    if _FLAT_ODS.search(head):
        return FLAT_ODS
    if _XML_2003.search(head):
        return XML_2003
    return CSV if is_table_text(head) else None


SEND_THE_WORKBOOK = "请提交填好的模板工作簿（.xlsx）文件本身"


def refusal(form: str) -> str:
    """What the reader says of a spreadsheet in ``form`` (a name above): save it as .xlsx, or, for text exported
    from one sheet (which saving again cannot make whole), send the workbook itself."""
    return f"这是{' ' if form[0].isascii() else ''}{form}，{SEND_THE_WORKBOOK if form == CSV else SAVE_AS}"


def _zip_spreadsheet(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.casefold(): name for name in archive.namelist()}
            if "xl/workbook.bin" in names:
                return XLSB
            info = archive.getinfo(names["mimetype"]) if "mimetype" in names else None
            if info is not None and info.file_size < 200 and archive.read(info).startswith(_ODS_MIMETYPE):
                return ODS
    except ZIP_ERRORS:
        return None
    return None


def is_table_text(head: bytes, min_columns: int = 2) -> bool:
    """Whether text starts as a sheet exported as CSV or tab-separated text: at least ``_MIN_ROWS`` rows, each of
    the same number (at least ``min_columns``) of fields split by commas or by tabs, quotes read as CSV quotes; no
    NUL byte (not text). Only whole lines count (the last one of a head cut at ``_HEAD`` may be cut short)."""
    if b"\x00" in head:
        return False
    text = head.decode("utf-8", errors="ignore") if _is_utf8(head) else head.decode("gb18030", errors="ignore")
    lines = text.lstrip("\ufeff").splitlines()
    if len(head) >= _HEAD:
        lines = lines[:-1]
    lines = [line for line in lines if line.strip()][:20]
    if len(lines) < _MIN_ROWS:
        return False
    for separator in (",", "\t"):
        widths = {len(row) for row in csv.reader(lines, delimiter=separator)}
        if len(widths) == 1 and widths.pop() >= min_columns:
            return True
    return False


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(data) - 4  # a character cut at the end of the head
    return True


__all__ = ["CSV", "FLAT_ODS", "ODS", "SAVE_AS", "SEND_THE_WORKBOOK", "SPREADSHEET", "TABLE_TEXT_SUFFIXES", "XLSB",
           "XML_2003", "is_table_text", "other_spreadsheet", "refusal"]
