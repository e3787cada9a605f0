"""A published figure cell's text → the value the report keeps, never an invented one.

- blank ("", spaces, &nbsp;) → None (blank stays blank, never 0);
- "/", "—", "-", "无" … (``NOT_APPLICABLE``) → kept as the text published: not a figure, so the rules neither add it
  nor count it as 0; V1 names the cell, and the import block marks it ``not_applicable``;
- a plain number → the number ("447228" → 447228, "96171.6" → 96171.6);
- a number written otherwise ("0件", "１２", "3,119", "3 119", "63.79 万元", "+17") → the number, with a note saying
  what stood in the cell; an amount in 元 → 万元 (÷ 10,000, exactly, as a decimal), with a note;
- a figure with a footnote mark after it ("12①", "12*", "12¹") → the figure, with a note; a mark is never read as a
  digit (NFKC makes "①" a "1": "12①" is 12, not 121), and a mark anywhere else ("1①2", "①" alone) leaves the text;
- glyphs the PDF gives no character for ("(cid:17)") → no value: the cell is missing (I_UNDECODABLE, I1);
- anything else → the text as published, for V1 to report.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ..format import ValueType
from ..format.drifts import NOT_APPLICABLE
from .normalize import clean_cell

_NUMBER = re.compile(r"^(?P<sign>[+-]?)(?P<digits>[0-9]{1,3}(?: ?, ?[0-9]{3})+|[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)"
                     r"(?P<decimals>\.[0-9]+)?"
                     r"\s*(?P<unit>件|个|项|起|宗|次|条|万元|元)?$")
# Thousands separated by ",", "，" (a PDF's text layer may set a space beside a full-width comma) or a space.
_WRAPPED_DIGITS = re.compile(r"(\d)[ \t]*\n\s*(?=\d)")  # a figure wrapped in a narrow cell: "17\n8" is 178
_PLAIN = re.compile(r"^-?[0-9]+(\.[0-9]+)?$")
# A glyph a PDF's text layer gives no character for (its font lost its map to Unicode, often in a damaged file):
# pdfminer writes it as "(cid:17)". Which digit it stands for cannot be known.
_UNDECODABLE = re.compile(r"\(cid:\d+\)")
# Signs set after a figure to point to a note under the table. Numbers that are not digits (Unicode category "No":
# circled ①, parenthesised ⑴, superscript ¹, fractions) are marks too: NFKC would turn them into digits.
_FOOTNOTE_SIGNS = frozenset("*＊※†‡")


@dataclass(frozen=True)
class Value:
    value: int | float | str | None
    kind: str  # "blank", "number", "not_applicable", "text", "undecodable" (glyphs without characters)
    note: str | None = None  # what was converted, in Chinese


def kind_of(text: str) -> str:
    """What a cell holds, before knowing its column: tells row labels apart from figures."""
    return read_value(text, ValueType.AMOUNT).kind


def read_value(text: str, kind: ValueType) -> Value:
    joined = _WRAPPED_DIGITS.sub(r"\1", text) if "\n" in text else text
    value = _read(joined, kind)
    if joined != text and value.kind == "number" and value.note is None:
        return Value(value.value, "number", f"原文“{clean_cell(text)}”跨行，读作 {value.value}")
    return value


def _read(text: str, kind: ValueType) -> Value:
    shown = clean_cell(text)
    if not shown:
        return Value(None, "blank")
    if "(cid:" in shown and _UNDECODABLE.search(shown):
        return Value(None, "undecodable", f"原文“{shown}”中有 PDF 字体无法还原的字符")
    if shown in NOT_APPLICABLE:
        return Value(shown, "not_applicable", f"原文为“{shown}”（不适用），未作为数字")
    body, marks = _footnote_marks(shown)
    if marks or any(_mark_digit(c) for c in body):
        return _marked(shown, body, marks, kind)
    if _PLAIN.match(shown):
        return Value(_number(Decimal(shown)), "number")
    normal = unicodedata.normalize("NFKC", shown).strip()
    match = _NUMBER.match(normal)
    if not match:
        return Value(shown, "text")
    try:
        number = Decimal(match["sign"] + match["digits"].replace(",", "").replace(" ", "") + (match["decimals"] or ""))
    except InvalidOperation:
        return Value(shown, "text")
    unit = match["unit"]
    if unit in ("万元", "元") and kind is not ValueType.AMOUNT:
        return Value(shown, "text")  # money in a count: not ours to convert
    if unit == "元":
        return Value(_number(number / 10000), "number", f"原文为“{shown}”，已由元换算为万元")
    return Value(_number(number), "number", f"原文为“{shown}”，读作 {_number(number)}")


def _mark_digit(char: str) -> bool:
    return unicodedata.category(char) == "No"


def _footnote_marks(shown: str) -> tuple[str, str]:
    """The cell's text before the footnote marks at its end, and those marks ("12①" → "12", "①")."""
    end = len(shown)
    while end and (shown[end - 1] in _FOOTNOTE_SIGNS or _mark_digit(shown[end - 1])):
        end -= 1
    return shown[:end].rstrip(), shown[end:]


def _marked(shown: str, body: str, marks: str, kind: ValueType) -> Value:
    """A figure followed by footnote marks is the figure (said in a note); a mark elsewhere, or alone, is text."""
    if not body or any(_mark_digit(c) for c in body):
        return Value(shown, "text")
    figure = _read(body, kind)
    if figure.kind not in ("number", "not_applicable"):
        return Value(shown, "text")
    return Value(figure.value, figure.kind, f"原文为“{shown}”，末尾的“{marks}”是注释标记，读作 {figure.value}")


def _number(number: Decimal) -> int | float:
    """An integer when the text had no decimal point ("12" → 12, "12.0" stays 12.0 as written), else a float."""
    text = str(number)
    if number == number.to_integral_value() and "." not in text and "E" not in text:
        return int(number)
    return float(number)
