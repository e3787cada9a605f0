"""Turning what a figure cell holds into a number, or saying precisely why it is not one."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..format import ValueType
from ..format.model import AMOUNT_DECIMALS
from ..report.limits import MAX_DIGITS, MAX_WHOLE, NUMBER_TEXT, number_problem, unkept_number


class Problem:
    """Stable reason codes for a figure that is not acceptable (value rules V1–V5)."""

    TEXT = "text"  # V1: text, not a number ("0件", "—", "/", "无", "１２")
    NOT_WHOLE = "not_whole"  # V2: a count or 增/减 with decimals
    NEGATIVE = "negative"  # V3: below zero where only ≥ 0 is allowed
    DECIMALS = "decimals"  # V4: an amount with more than six decimals
    DIGITS = "digits"  # V5: more significant digits than Excel keeps (or a JSON number too large to be one)


@dataclass(frozen=True)
class Parsed:
    number: int | float | None  # None for a blank cell or a cell that is not a number
    problem: str | None = None
    suggestion: int | float | None = None  # for text that plainly means a number ("１２", " 3 ", "3件")
    reason: str | None = None  # V5: why Excel cannot keep the number, in Chinese


_NUMBER_IN_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?")
# A figure cell shown as a date or a time, as the reader gives it: Excel turns "3-4", "5/6" or "1:30" typed into a
# cell into a date or a time, and a number in a cell whose format shows dates is one ("2024-03-04T00:00:00")
_CLOCK = r"\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
DATE_OR_TIME = re.compile(rf"\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]{_CLOCK})?|-?\d+:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?")


def _number_in_text(text: str) -> int | float | None:
    """What a clerk most likely meant by text such as "１２", " 3 " or "0件" (never used in arithmetic); nothing for
    a date or a time, whose first digits (a year, an hour) are no count, nor for text with more digits after the
    number ("3 001", "3_001", "0x10", "3001/3002"), where naming the first number would drop digits typed."""
    if DATE_OR_TIME.fullmatch(text.strip()):
        return None
    normal = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    match = _NUMBER_IN_TEXT.match(normal)
    if not match or any(char.isdigit() for char in normal[match.end():]):
        return None
    number = float(match.group(0))
    return int(number) if number.is_integer() else number


def _decimals(number: float) -> int:
    try:
        exponent = Decimal(repr(number)).normalize().as_tuple().exponent
    except InvalidOperation:
        return 0
    return max(0, -exponent) if isinstance(exponent, int) else 0


_BLANK = Parsed(None)


def parse(value: object, kind: ValueType) -> Parsed:
    if type(value) is int and (0 <= value <= MAX_WHOLE or (kind is ValueType.CHANGE and -MAX_WHOLE <= value < 0)):
        return Parsed(value)
    if value is None or (isinstance(value, str) and value == ""):
        return _BLANK
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = value if isinstance(value, str) else repr(value)
        if isinstance(value, str) and NUMBER_TEXT.fullmatch(value) and unkept_number(value):
            # a JSON number no float holds, kept as typed (text of digits a float holds is text: V1 below)
            return Parsed(None, Problem.DIGITS, reason=f"超出 Excel 能保存的数（最多 {MAX_DIGITS} 位有效数字）")
        return Parsed(None, Problem.TEXT, _number_in_text(text))
    if isinstance(value, float) and not math.isfinite(value):
        return Parsed(None, Problem.TEXT)
    if kind is ValueType.AMOUNT:
        if value < 0:
            return Parsed(value, Problem.NEGATIVE)
        if isinstance(value, float) and _decimals(value) > AMOUNT_DECIMALS:
            return Parsed(value, Problem.DECIMALS, round(value, AMOUNT_DECIMALS))
        return _exact(value)
    if isinstance(value, float):
        if not value.is_integer():
            return Parsed(value, Problem.NOT_WHOLE)
        value = int(value)
    if kind is ValueType.COUNT and value < 0:
        return Parsed(value, Problem.NEGATIVE)
    return _exact(value)


def _exact(value: int | float) -> Parsed:
    """The number, or V5 when Excel would not keep it exactly (more than 15 significant digits)."""
    reason = number_problem(value)
    return Parsed(value, Problem.DIGITS, reason=reason) if reason else Parsed(value)
