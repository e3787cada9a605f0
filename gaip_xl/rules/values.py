"""Turning what a figure cell holds into a number, or saying precisely why it is not one."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..format import ValueType
from ..format.model import AMOUNT_DECIMALS


class Problem:
    """Stable reason codes for a figure that is not acceptable (value rules V1–V4)."""

    TEXT = "text"  # V1: text, not a number ("0件", "—", "/", "无", "１２")
    NOT_WHOLE = "not_whole"  # V2: a count or 增/减 with decimals
    NEGATIVE = "negative"  # V3: below zero where only ≥ 0 is allowed
    DECIMALS = "decimals"  # V4: an amount with more than six decimals


@dataclass(frozen=True)
class Parsed:
    number: int | float | None  # None for a blank cell or a cell that is not a number
    problem: str | None = None
    suggestion: int | float | None = None  # for text that plainly means a number ("１２", " 3 ", "3件")


_NUMBER_IN_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?")


def _number_in_text(text: str) -> int | float | None:
    """What a clerk most likely meant by text such as "１２", " 3 " or "0件" (never used in arithmetic)."""
    normal = unicodedata.normalize("NFKC", text).strip().replace(",", "")
    match = _NUMBER_IN_TEXT.match(normal)
    if not match:
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
    if type(value) is int and (value >= 0 or kind is ValueType.CHANGE):  # the common case, kept cheap
        return Parsed(value)
    if value is None or (isinstance(value, str) and value == ""):
        return _BLANK
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        text = value if isinstance(value, str) else repr(value)
        return Parsed(None, Problem.TEXT, _number_in_text(text))
    if isinstance(value, float) and not math.isfinite(value):
        return Parsed(None, Problem.TEXT)
    if kind is ValueType.AMOUNT:
        if value < 0:
            return Parsed(value, Problem.NEGATIVE)
        if isinstance(value, float) and _decimals(value) > AMOUNT_DECIMALS:
            return Parsed(value, Problem.DECIMALS, round(value, AMOUNT_DECIMALS))
        return Parsed(value)
    if isinstance(value, float):
        if not value.is_integer():
            return Parsed(value, Problem.NOT_WHOLE)
        value = int(value)
    if kind is ValueType.COUNT and value < 0:
        return Parsed(value, Problem.NEGATIVE)
    return Parsed(value)
