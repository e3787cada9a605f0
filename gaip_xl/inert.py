"""Submitted text kept inert in every output: one function per kind of output, used by every writer of that kind.

A submission is hostile: an agency name, a file name, prose, a 说明 or a text typed in a figure cell may read
``=HYPERLINK("http://x","点")``, ``=cmd|' /C calc'!A0``, ``<script>…`` or ``{{7*7}}``. Whatever it reads, it must
come out of gaip-xl as the text it is, never as a formula, a link, an element or a template expression:

- **CSV opened in Excel/WPS** (findings.csv, the roll-up's list of reports, the service's lists of agencies):
  ``excel_csv_cell`` puts a single quote before a text cell that Excel would take for a formula (OWASP's advice for
  files meant for a spreadsheet); numbers, and text that is a plain number ("-3"), stay as they are;
  ``excel_csv_text`` removes that quote again where gaip-xl reads such a file back (a roster). tidy.csv is data
  for pandas and keeps every value as submitted (see README).
- **.xlsx written with openpyxl** (to-xlsx, the roll-up workbook, the marked workbook): ``put_text`` stores text
  as a string cell (openpyxl would make a formula of any text starting with "="); **with XlsxWriter** (summary.xlsx)
  ``XLSXWRITER_OPTIONS`` turn off its guessing of formulas, links and numbers in text.
- **A workbook open in Excel** (the add-in's 导入 JSON, through xlwings): ``excel_typed``, the same mark, which
  Excel keeps as the cell's prefix.
- **HTML** (the published page): ``html_text`` escapes text and attribute values; the web service's Jinja2
  environment escapes everything it renders (``gaip_xl.service.app``).
- **.docx and HTML alike**: ``gaip_xl.publish.content.clean`` removes the characters no XML document may hold.
- **A terminal** (what the commands print for people: findings, errors, summary lines): ``terminal_text`` shows
  control and format characters as ``\\u001b`` instead of sending them, so no escape sequence moves the cursor,
  clears the screen or sets the window title, and no direction mark reorders a figure as shown; the findings'
  table is given to rich as plain text, never as markup (``[bold]12[/bold]`` is shown as typed). JSON written to
  stdout stays as it is: it is data, and JSON escapes control characters itself.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell

# What makes Excel (and WPS, LibreOffice) read a CSV cell as a formula: its first character, or its first after
# spaces (full-width forms included, which an input method may turn into the ASCII ones); a tab or a carriage return
# first (OWASP's list).
FORMULA_STARTS = frozenset("=+-@")
FORMULA_CONTROLS = frozenset("\t\r")
TEXT_MARK = "'"  # Excel's own mark of "this cell is text"
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
XLSXWRITER_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def formula_like(text: str) -> bool:
    """Whether a spreadsheet opening ``text`` as a CSV cell would evaluate it (a plain number is only a number)."""
    if text[:1] in FORMULA_CONTROLS:
        return True
    stripped = text.lstrip()
    if not stripped or unicodedata.normalize("NFKC", stripped[0]) not in FORMULA_STARTS:
        return False
    return not _PLAIN_NUMBER.fullmatch(stripped.rstrip())


def excel_csv_cell(value: Any) -> Any:
    """A CSV cell for a file meant for Excel: text that would be a formula gets a leading single quote; any other
    value (numbers, blanks, harmless text) is returned unchanged."""
    if isinstance(value, str) and formula_like(value):
        return TEXT_MARK + value
    return value


def excel_typed(value: Any) -> Any:
    """A value written into a workbook through Excel's object model (the add-in's xlwings ranges): Excel parses a
    string given so as it parses typed input or a CSV cell, so the same mark keeps text text; Excel keeps the mark as
    the cell's prefix, not in its value (the cell reads back as the text without it)."""
    return excel_csv_cell(value)


def excel_csv_text(cell: str) -> str:
    """The text a cell read back from such a CSV stands for: without the quote ``excel_csv_cell`` put before it
    (a quote before anything that is no formula was typed, and is kept)."""
    return cell[1:] if cell.startswith(TEXT_MARK) and formula_like(cell[1:]) else cell


class ExcelCsvWriter:
    """``csv.writer`` (Excel dialect, CRLF) for a file meant for Excel: every cell goes through ``excel_csv_cell``.
    With ``fields``, rows may be mappings (as ``csv.DictWriter``: a missing key is blank, an unknown key an error)."""

    def __init__(self, stream: IO[str], fields: Sequence[str] | None = None) -> None:
        self._writer = csv.writer(stream, lineterminator="\r\n")
        self._fields = fields

    def writeheader(self) -> None:
        self._writer.writerow(self._fields or ())

    def writerow(self, row: Mapping[str, Any] | Sequence[Any]) -> None:
        if isinstance(row, Mapping):
            fields = self._fields or ()
            unknown = set(row) - set(fields)
            if unknown:
                raise ValueError(f"fields not in the header: {sorted(unknown)}")
            row = [row.get(name, "") for name in fields]
        self._writer.writerow([excel_csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Mapping[str, Any] | Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def put_text(cell: Cell, text: str) -> None:
    """Stores ``text`` in an openpyxl cell as a string, whatever it starts with ("=…" stays text)."""
    cell.value = text
    cell.data_type = "s"


def html_text(text: str) -> str:
    """Text for HTML, as element content or as a quoted attribute value."""
    return html.escape(text, quote=True)


# Shown, never sent, to a terminal: controls (C0, DEL, C1: escape sequences), format characters (direction marks and
# overrides, zero-width characters), line and paragraph separators, lone surrogates; a new line and a tab are text.
_TERMINAL_HIDDEN = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))
_TERMINAL_KEPT = frozenset("\n\t")


def terminal_text(text: str) -> str:
    r"""Text for a terminal, each control or format character shown as its code.

    >>> print(terminal_text("淮安\x1b[2J\u202e12"))
    淮安\u001b[2J\u202e12
    """
    if text.isprintable():
        return text
    return "".join(f"\\u{ord(ch):04x}" if ch not in _TERMINAL_KEPT and unicodedata.category(ch) in _TERMINAL_HIDDEN
                   else ch for ch in text)


__all__ = ["XLSXWRITER_OPTIONS", "ExcelCsvWriter", "excel_csv_cell", "excel_csv_text", "excel_typed", "formula_like",
           "html_text", "put_text", "terminal_text"]
