"""What a report value may be so that Excel holds it exactly: the one place the JSON Schema, the rules and the
workbook writer take their limits from.

A report that ``validate`` accepts is written by ``to-xlsx`` and read back by ``to-json`` unchanged; every limit
here is a reason that would otherwise fail, so the schema (J1) or a value rule (V1–V5) reports it before the writer
has to refuse it (``E_UNWRITABLE_VALUE``).

- Text: an Excel cell holds at most 32,767 characters, and no control character other than tab, line feed and
  carriage return (nor half of a surrogate pair, which no file encoding can hold).
- Numbers: Excel keeps 15 significant digits; a figure with more would come back changed.
- Dates: the template's 发布日期 accepts 2008-01-01 to 2101-12-31 (the regulations took effect in 2008; a report
  of the last year the template offers, 2100, is published by January 2101). A date inside that range is written as
  an Excel date; anything else stays text, so it comes back as typed and the schema names it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

MAX_TEXT = 32_767  # characters one Excel cell holds
MAX_DIGITS = 15  # significant digits Excel keeps
MAX_WHOLE = 10**MAX_DIGITS - 1  # the largest whole number Excel keeps exactly
FIRST_YEAR, LAST_YEAR = 2008, 2100  # report years the template offers
FIRST_DATE, LAST_DATE = dt.date(FIRST_YEAR, 1, 1), dt.date(LAST_YEAR + 1, 12, 31)  # 发布日期

# Characters an Excel cell cannot hold (what openpyxl refuses) and lone surrogates, as a regular expression that
# Python and ECMA-262 (JSON Schema's ``pattern``) read alike.
UNWRITABLE_CHARACTERS = r"[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF]"
TEXT_PATTERN = f"^[^{UNWRITABLE_CHARACTERS[1:-1]}]*$"
_UNWRITABLE = re.compile(UNWRITABLE_CHARACTERS)

# YYYY-MM-DD with a year from FIRST_YEAR to LAST_YEAR + 1; whether the day exists is the "date" format's business.
DATE_PATTERN = r"^(200[89]|20[1-9]\d|210[01])-\d{2}-\d{2}$"

# Excel's own escape for a character in cell text: "_x0041_" is read as "A", so text that looks like one is written
# with its underscore escaped ("_x005F_x0041_") to be read back as typed.
_ESCAPE_LOOKALIKE = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")

# A JSON number as typed (RFC 8259), to tell a number kept as text (too long for Excel) from other text.
NUMBER_TEXT = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?")


def text_problem(text: str) -> str | None:
    """Why Excel cannot hold ``text`` as it is, in Chinese, or None if it can."""
    if len(text) > MAX_TEXT:
        return f"文字有 {len(text)} 个字符，Excel 单元格最多 {MAX_TEXT} 个"
    found = _UNWRITABLE.search(text)
    if found:
        return f"含有 Excel 不能保存的控制字符（U+{ord(found.group()):04X}，第 {found.start() + 1} 个字符）"
    return None


def excel_text(text: str) -> str:
    """``text`` as it must stand in a cell to be read back unchanged: its ``_xHHHH_`` look-alikes escaped, and a
    carriage return as ``_x000D_`` (as Excel writes it: a bare one in the XML is read as a line feed)."""
    if "_x" in text:
        text = _ESCAPE_LOOKALIKE.sub("_x005F_", text)
    return text.replace("\r", "_x000D_") if "\r" in text else text


def significant_digits(number: int | float) -> int:
    """How many significant digits ``number`` has as Python writes it (``repr``), trailing zeros of a whole number
    not counted: 1200 has 2, 0.000123 has 3, 12345678901.123456 has 17."""
    try:
        digits = Decimal(repr(number)).normalize().as_tuple().digits
    except InvalidOperation:
        return 0
    return len(digits)


def number_problem(number: int | float) -> str | None:
    """Why Excel cannot keep ``number`` exactly, in Chinese, or None if it can."""
    if isinstance(number, float) and not math.isfinite(number):
        return "不是有限的数"
    if isinstance(number, int) and abs(number) > MAX_WHOLE:
        return f"超过 Excel 能精确保存的 {MAX_DIGITS} 位有效数字"
    if isinstance(number, float) and significant_digits(number) > MAX_DIGITS:
        return f"有 {significant_digits(number)} 位有效数字，Excel 只能精确保存 {MAX_DIGITS} 位"
    return None


def unkept_number(text: str) -> bool:
    """Whether ``text``, a number as JSON writes it (``NUMBER_TEXT``), is one no float holds as typed: more than
    ``MAX_DIGITS`` significant digits, beyond the float range (``1e400``) or rounded to zero (``1e-400``). The JSON
    loader keeps such a number as its text, and V5 names it; any other text of digits ("64" typed with a leading
    apostrophe, or in a cell formatted as text) is text, which V1 names."""
    decimal = Decimal(text)
    if len(decimal.normalize().as_tuple().digits) > MAX_DIGITS:
        return True
    number = float(text)
    return math.isinf(number) or (number == 0 and not decimal.is_zero())


def excel_date(text: str) -> dt.date | None:
    """The date an ISO text ``YYYY-MM-DD`` names when it is inside the supported range, else None (kept as text)."""
    if len(text) != 10 or not re.fullmatch(DATE_PATTERN, text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if FIRST_DATE <= day <= LAST_DATE else None


__all__ = ["DATE_PATTERN", "FIRST_DATE", "FIRST_YEAR", "LAST_DATE", "LAST_YEAR", "MAX_DIGITS", "MAX_TEXT",
           "MAX_WHOLE", "NUMBER_TEXT", "TEXT_PATTERN", "UNWRITABLE_CHARACTERS", "excel_date", "excel_text",
           "number_problem", "significant_digits", "text_problem", "unkept_number"]
