"""The one parse of a worksheet's cells: where each cell stands, its type, its value, whether it holds a formula.

Everything the reader takes from a sheet (the meta cells, the labels the tamper check compares, every input value)
comes from this parse of the very part the package checks, so no two readers can disagree about a cell. It replaces
python-calamine for the template's sheets, for three reasons calamine cannot meet: it reads an error value
(``#DIV/0!``) as a blank cell, says nothing about a formula whose result was never saved (a blank again), and leaves
``_xHHHH_`` escapes in text undecoded. Parsing only what is needed is also cheaper than calamine's dense rectangle, and
nothing here allocates per row or column, so a far cell (XFD1048576) costs what any cell costs.

The parse follows SpreadsheetML (ECMA-376 Part 1, §18.3.1.4 ``c``, §18.3.1.73 ``row``) as Excel and calamine read it:
- a cell's position is its ``r`` attribute (letters in either case, leading zeros allowed, ``$`` ignored); a cell
  without one follows the previous cell of its row, a row without one follows the previous row;
- attributes in any order, quoted either way, spaces around ``=``, character references, namespace prefixes;
- types ``n`` (the default; a number in a cell whose style shows a date is that date, as Excel shows it), ``s``
  (shared string), ``str`` (formula text), ``inlineStr``, ``b``, ``e`` (error value, kept as its text, e.g.
  ``#REF!``), ``d`` (ISO 8601 date);
- a formula (``<f>``) with its saved result (``<v>``) is read as that result; without one it is ``NO_VALUE``.
Anything else (an unknown type, a position out of the grid, a cell the reader uses written twice, a shared string
that does not exist, comments or CDATA inside a sheet, which Excel never writes) is refused with ``E_NOT_XLSX``
naming the cell.
A number that is not a finite decimal (``INF``, ``NaN``, ``1e400``) is kept as its text, so V1 reports it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Container, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import NotXlsx
from ..format.layout import column_letter
from .strings import as_utf8, decode_xstring, refuse_markup_declarations, rich_text, xml_text

MAX_ROW, MAX_COL = 1_048_576, 16_384  # the grid of Excel 2007 and later


class _NoValue:
    """A formula cell without a saved result (a file written by a program that did not calculate it)."""

    def __repr__(self) -> str:
        return "NO_VALUE"


NO_VALUE: Any = _NoValue()
Position = tuple[int, int]  # (row, column), 1-based

_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix
_ATTRS = rb"""((?:\s++[\w:.-]++\s*+=\s*+(?:"[^"]*+"|'[^']*+'))*+)\s*+"""  # possessive: no backtracking
_SHEET_DATA = re.compile(rb"<" + _P + rb"sheetData[\s/>]")
_SHEET_DATA_END = re.compile(rb"</" + _P + rb"sheetData\s*>")
# every row start tag and every cell (empty or with its children)
_TOKEN = re.compile(rb"<" + _P + rb"(?:row" + _ATTRS + rb"/?>|c" + _ATTRS + rb"(?:/>|>(.*?)</" + _P + rb"c\s*>))",
                    re.S)
_CELL_START = re.compile(rb"<" + _P + rb"c[\s/>]")
# The form Excel, WPS, LibreOffice and openpyxl write, read in one pass (``_Sheet._canonical``):
# - a cell: unprefixed, ``r`` first in double quotes and no other attribute whose local name is r, a reference whose
#   form keeps it in the grid (columns A–ZZ, rows up to 999999, no leading zero); other attributes plain, in double
#   quotes, one space apart (s and t first: the usual case, matched without a loop); empty, or with its children up
#   to the first end tag ``</c>`` as the general parse takes them (a body holding a prefixed end tag, which might end
#   the cell there, is not canonical). Its groups: reference, attributes, "/" (empty), a whole number of at most 15
#   digits (``<v>123</v>``), plain text (``<is><t>…</t></is>`` without references, escapes or line ends), any other
#   body;
# - a row: unprefixed, ``r`` first, a row number in the grid without leading zeros, no other attribute whose local
#   name is r (no groups: the cells carry their own references);
# - any other cell or row start (written otherwise, prefixed, or never closed) matches the last alternative, ``odd``:
#   then the general parse reads the sheet.
_CANONICAL = re.compile(
    rb'<(?:c r="([A-Z]{1,2}[1-9][0-9]{0,5})"'
    rb'((?: s="[0-9]++"|)(?: t="[a-zA-Z]++"|)(?: [a-zA-Z]++(?<! r)="[^"]*+")*+) ?'  # s and t first: the usual case
    rb'(?:(/)>|>(?:<v>([0-9]{1,15})</v>|<is><t>([^<&_\r]++)</t></is>'  # a whole number, plain text
    rb'|((?:<v>[^<]*+</v>|<f>[^<]*+</f><v>[^<]*+</v>)(?=</c>)|[^<]*+(?:<(?!/c\s*>|/[^>:]*+:)[^<]*+)*+))</c\s*>)'
    rb'|row r="[1-9][0-9]{0,5}"(?: [\w.:-]++(?<![ :]r)="[^"]*+")*+ ?/?>'
    rb'|((?:[\w.-]+:)?(?:c|row)[\s/>]))')
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,9})")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s/>]")
_VALUE = re.compile(rb"<" + _P + rb"v" + _ATTRS + rb"(?:/>|>(.*?)</" + _P + rb"v\s*>)", re.S)
_VALUE_START = re.compile(rb"<" + _P + rb"(?:v|is)[\s/>]")  # a cell's value element: one at most
_INLINE = re.compile(rb"<" + _P + rb"is" + _ATTRS + rb"(?:/>|>(.*?)</" + _P + rb"is\s*>)", re.S)
_NUMBER = re.compile(r"\s*[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?\s*")
_TYPES = frozenset({"n", "s", "str", "inlineStr", "b", "e", "d"})


def column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


column_letters = column_letter  # the format's own A1 letters (1 → "A"), under the name this module's callers use


def _a1(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}" if 1 <= col <= MAX_COL else f"第{col}列第{row}行"


class _Sheet:
    """One parse of one sheet part; errors name the file, the sheet and the cell."""

    def __init__(self, path: str | None, sheet: str, part: str, xml: bytes, strings: Sequence[str],
                 dates: Dates) -> None:
        self.path, self.sheet, self.strings, self.dates = path, sheet, strings, dates
        self.part = part
        self.xml = as_utf8(path, part, xml)
        self._empty: set[Position] = set()  # wanted cells written with children but holding no value

    def fail(self, what: str) -> NotXlsx:
        return NotXlsx(self.path, detail=f"工作表“{self.sheet}”{what}")

    def data(self) -> bytes:
        """The ``sheetData`` element's content (b"" when the sheet has none)."""
        xml = refuse_markup_declarations(self.path, self.part, self.xml)
        occurrences = xml.count(b"sheetData")
        if occurrences > 2 and len(_SHEET_DATA.findall(xml)) > 1:
            raise self.fail("有多个单元格区域（sheetData）")
        start = _SHEET_DATA.search(xml)
        if start is None:
            return b""
        opened = xml.find(b">", start.start()) + 1
        if xml[opened - 2:opened] == b"/>":
            return b""
        if occurrences <= 2:
            # an end tag holds "sheetData", and only the last one can follow the start tag: the end tag, if any,
            # starts at the last "<" before it (no need to try the end tag at every "<" of the cells)
            last = xml.rfind(b"sheetData")
            before = xml.rfind(b"<", start.end(), last) if last > start.end() else -1
            end = _SHEET_DATA_END.match(xml, before) if before >= 0 else None
        else:
            end = _SHEET_DATA_END.search(xml, start.end())
        if end is None:
            raise self.fail("的单元格区域没有结束（文件已损坏）")
        return xml[opened:end.start()]

    def cells(self, wanted: Container[Position]) -> dict[Position, Any]:
        """The value of every cell of ``wanted`` that holds one (text, number, boolean, date, error text or
        ``NO_VALUE``); a position without a value is absent."""
        data = self.data()
        found = self._canonical(data, wanted)
        return self._any_form(data, wanted) if found is None else found

    def _canonical(self, data: bytes, wanted: Container[Position]) -> dict[Position, Any] | None:
        """The cells of a sheet written in the canonical form (``_CANONICAL``), from one pass; None when the sheet is
        not in that form or anything in it is out of the ordinary (a wanted cell written twice, a value the general
        parse refuses): then the general parse reads it and says what is wrong, so both ways give one answer.

        Every cell and row start the general parse finds is one match here, canonical or odd, and a canonical cell
        or row spans what the general parse takes for it. Every canonical cell carries its own reference, so only
        the wanted cells with children need looking at (``_value``'s common cases inlined: this loop runs for every
        cell of every workbook)."""
        cells = _CANONICAL.findall(data)
        references = _references(wanted)
        found: dict[Position, Any] = {}
        taken = blanks = 0
        kinds, date_styles = _KINDS, self.dates.styles
        strings = self.strings
        try:
            for reference, attrs, closed, digits, text, body, odd in cells:
                if closed:  # an empty cell (<c r="A1" s="3"/>): no value, nothing to check
                    continue
                pos = references.get(reference)
                if pos is None:  # a row, a cell nobody wants, or one not in the canonical form
                    if odd:
                        return None
                    continue
                taken += 1
                kind, style = kinds.get(attrs) or self._kind(pos, attrs)
                if digits:  # <v>123</v>: at most 15 digits, a finite float
                    if kind == "n" and style not in date_styles:
                        found[pos] = float(digits)
                        continue
                    if kind == "s" and int(digits) < len(strings):
                        value = strings[int(digits)]
                    else:
                        value = self._typed(pos, kind, style, digits.decode())
                elif text:  # <is><t>text</t></is> without references, escapes or line ends
                    if kind == "inlineStr":
                        found[pos] = text.decode("utf-8", "replace")
                        continue
                    value = self._any_value(pos, kind, style, b"<is><t>" + text + b"</t></is>")
                else:
                    value = self._value(pos, attrs, body)
                if value is None:  # written with children but holding no value: kept to find it written twice
                    value = _BLANK
                    blanks += 1
                found[pos] = value
        except NotXlsx:
            return None
        if taken != len(found):  # a wanted cell written twice: the general parse names it
            return None
        return {pos: value for pos, value in found.items() if value is not _BLANK} if blanks else found

    def _any_form(self, data: bytes, wanted: Container[Position]) -> dict[Position, Any]:
        """Cells in any form: positions counted through every row and cell, as Excel places them."""
        found: dict[Position, Any] = {}
        row, col = 0, 0
        for match in _TOKEN.finditer(data):
            row_attrs, cell_attrs, body = match.group(1), match.group(2), match.group(3)
            if cell_attrs is None:  # a row
                reference = self._attributes(row_attrs or b"", f"第 {row + 1} 行", _POSITION).get("r")
                row = self._row_number(reference) if reference is not None else row + 1
                col = 0
                continue
            reference = self._attributes(cell_attrs, f"第 {row} 行的单元格", _POSITION).get("r")
            if reference is not None:
                row, col = self._reference(reference)
            else:
                col += 1
            if row == 0:
                raise self.fail(f"有不在任何行中的单元格（第 {col} 列）")
            if body is None:
                self._check_grid((row, col))
            else:
                self._take((row, col), cell_attrs, body, wanted, found)
        return found

    def _attributes(self, attrs: bytes, where: str, once: Container[str] | None = None) -> dict[str, str]:
        """``_attributes``, an attribute written twice refused naming ``where``: any of a wanted cell's (its type
        and style decide its value), and a position (``r``) anywhere (every later cell's position depends on it),
        as the one pass decides too."""
        try:
            return _attributes(attrs, once)
        except _AttributeTwice as twice:
            raise self.fail(f"的{where}的属性“{twice}”写了两次（文件已损坏或被改写）") from None

    def _check_grid(self, pos: Position) -> None:
        if not (1 <= pos[0] <= MAX_ROW and 1 <= pos[1] <= MAX_COL):
            raise self.fail(f"的单元格 {_a1(*pos)} 超出 Excel 的表格范围")

    def _take(self, pos: Position, attrs: bytes, body: bytes, wanted: Container[Position],
              found: dict[Position, Any]) -> None:
        """Records the value of a cell written with children, if it is one of ``wanted``: a wanted cell written twice
        is refused (which of the two would Excel show?)."""
        self._check_grid(pos)
        if pos not in wanted:
            return
        if pos in found or pos in self._empty:
            raise self.fail(f"的单元格 {_a1(*pos)} 出现了两次（文件已损坏或被改写）")
        value = self._value(pos, attrs, body)
        if value is None:
            self._empty.add(pos)
        else:
            found[pos] = value

    def _row_number(self, text: str) -> int:
        if not text.strip().isdigit() or not 1 <= int(text) <= MAX_ROW:
            raise self.fail(f"的行号“{text}”无效")
        return int(text)

    def _reference(self, text: str) -> Position:
        match = _REFERENCE.fullmatch(text.strip())
        if match is None:
            raise self.fail(f"的单元格引用“{text}”无效")
        row, col = int(match.group(2)), column_number(match.group(1))
        if not (1 <= row <= MAX_ROW and 1 <= col <= MAX_COL):
            raise self.fail(f"的单元格引用“{text}”超出 Excel 的表格范围")
        return row, col

    def _value(self, pos: Position, attrs: bytes, body: bytes) -> Any:
        """A cell's value by its type; None for a cell without one."""
        kind, style = _KINDS.get(attrs) or self._kind(pos, attrs)
        tags = body.count(b"<")
        if tags == 2 and body.startswith(b"<v>") and body.endswith(b"</v>"):  # a plain value, the common case
            raw = body[3:-4]
            if kind == "n" and raw.isdigit() and len(raw) < 16 and style not in self.dates.styles:
                return float(raw)  # at most 15 digits: always a finite float
            text = xml_text(raw)
            return self._typed(pos, kind, style, text) if text or kind == "str" else None
        if tags == 4 and kind == "inlineStr" and body.startswith(b"<is><t>") and body.endswith(b"</t></is>"):
            return decode_xstring(xml_text(body[7:-9]))
        return self._any_value(pos, kind, style, body)

    def _kind(self, pos: Position, attrs: bytes) -> tuple[str, int]:
        """The cell's type and style index (-1: none) from its attributes."""
        found = self._attributes(attrs, f"单元格 {_a1(*pos)}")
        kind, style = found.get("t", "n"), found.get("s", "0").strip()
        if kind not in _TYPES:
            raise self.fail(f"的单元格 {_a1(*pos)} 的类型“{kind}”无效")
        known = (kind, int(style) if style.isdigit() else -1)
        if len(_KINDS) < _MAX_REMEMBERED:
            _KINDS[attrs] = known
        return known

    def _any_value(self, pos: Position, kind: str, style: int, body: bytes) -> Any:
        if _CELL_START.search(body):
            raise self.fail(f"的单元格 {_a1(*pos)} 中又有单元格（文件已损坏）")
        formula = _FORMULA.search(body) is not None
        if len(_VALUE_START.findall(body)) > 1:  # which would Excel show? neither is guessed
            raise self.fail(f"的单元格 {_a1(*pos)} 写了不止一个值（文件已损坏或被改写）")
        if kind == "inlineStr":
            inline = _INLINE.search(body)
            if inline is not None:
                return rich_text(inline.group(2) or b"")
        value = _VALUE.search(body)
        raw = None if value is None else xml_text(value.group(2) or b"")
        if raw is None or (raw == "" and kind not in ("str", "inlineStr")):
            return NO_VALUE if formula else None
        return self._typed(pos, kind, style, raw)

    def _typed(self, pos: Position, kind: str, style: int, raw: str) -> Any:
        if kind == "n":
            value = number(raw)
            return self.dates.date(value) if style in self.dates.styles else value
        if kind == "s":
            index = raw.strip()
            if not index.isdigit() or int(index) >= len(self.strings):
                raise self.fail(f"的单元格 {_a1(*pos)} 引用了不存在的共享字符串（{index}）")
            return self.strings[int(index)]
        if kind in ("str", "inlineStr"):
            return decode_xstring(raw)
        if kind == "b":
            if raw.strip() not in ("0", "1", "true", "false"):
                raise self.fail(f"的单元格 {_a1(*pos)} 的逻辑值“{raw}”无效")
            return raw.strip() in ("1", "true")
        if kind == "e":
            return raw.strip()  # "#DIV/0!", "#REF!": the rules report it as the text it is
        try:
            return dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw.strip()  # left for the rules to name


# What many cells of every workbook share, remembered per process: a cell's attributes → its type (a pure function of
# the bytes; bounded, a few dozen distinct values in practice).
_MAX_REMEMBERED = 100_000
_KINDS: dict[bytes, tuple[str, int]] = {b"": ("n", 0)}
_BLANK: Any = object()  # a wanted cell written with children but holding no value, while a sheet is read


def _position(reference: bytes) -> Position | None:
    """The position of a canonical reference (None for b"": a row)."""
    if not reference:
        return None
    text = reference.decode()
    letters = text.rstrip("0123456789")
    return int(text[len(letters):]), column_number(letters)


class _Positions:
    """Canonical reference → position, for any container of wanted positions (None: not wanted, or a row)."""

    def __init__(self, wanted: Container[Position]) -> None:
        self.wanted = wanted

    def get(self, reference: bytes) -> Position | None:
        pos = _position(reference)
        return pos if pos is not None and pos in self.wanted else None


_REFERENCES: dict[frozenset[Position], dict[bytes, Position]] = {}  # the reader's wanted cells, by reference


def _references(wanted: Container[Position]) -> dict[bytes, Position] | _Positions:
    """The canonical reference of every wanted position (a frozenset: the reader's cells of one sheet of one
    edition, remembered per process), or a lookup that asks ``wanted``."""
    if not isinstance(wanted, frozenset):
        return _Positions(wanted)
    found = _REFERENCES.get(wanted)
    if found is None:
        found = {f"{column_letters(col)}{row}".encode(): (row, col) for row, col in wanted
                 if 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL}
        if len(_REFERENCES) >= 64:
            _REFERENCES.clear()
        _REFERENCES[wanted] = found
    return found


def number(raw: str) -> float | str:
    """A numeric cell's value: a finite float, or its text when it is not one Excel could hold (V1 names it)."""
    if _NUMBER.fullmatch(raw):
        value = float(raw)
        if math.isfinite(value):
            return value
    return raw.strip()


_POSITION = ("r",)  # the attribute whose repetition is refused on every row and cell, wanted or not


class _AttributeTwice(ValueError):
    """An element with one attribute written twice (``<c r="B5" t="n" t="s">``): not XML, and which one Excel would
    take cannot be known, so the sheet's reader refuses it naming the cell."""


def _attributes(attrs: bytes, once: Container[str] | None = None) -> dict[str, str]:
    """Attribute local names → values (character references resolved); ``_AttributeTwice`` when a local name comes
    twice (``t`` and ``x:t`` included: the reader compares local names), of those in ``once`` if given."""
    found = {}
    for name, double, single in _ATTR.findall(attrs):
        local = name.rsplit(b":", 1)[-1].decode()
        if local in found and (once is None or local in once):
            raise _AttributeTwice(local)
        found[local] = xml_text(double or single, attribute=True)
    return found


# ---------------------------------------------------------------------------- numbers shown as dates
# Built-in number formats that show a date or time (ECMA-376 Part 1, §18.8.30, with the East Asian ones 27–36, 50–58)
_BUILTIN_DATES = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_NUMBER_FORMAT = re.compile(rb"<" + _P + rb"numFmt" + _ATTRS + rb"/?>")
_CELL_FORMATS = re.compile(rb"<" + _P + rb"cellXfs" + _ATTRS + rb">(.*?)</" + _P + rb"cellXfs\s*>", re.S)
_FORMAT = re.compile(rb"<" + _P + rb"xf" + _ATTRS + rb"/?>")
_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\[[^\]]*\]')  # quoted text, escaped characters, colours and conditions
_EPOCH_1900, _EPOCH_1904 = dt.datetime(1899, 12, 30), dt.datetime(1904, 1, 1)


def is_date_format(code: str) -> bool:
    """Whether a number format shows a date or time: a d, m, y, h or s outside quotes, escapes and brackets (in its
    first section), as calamine and Excel decide."""
    first = _LITERALS.sub("", code).split(";")[0].lower()
    return any(letter in first for letter in "dmyhs") and first != "general"


@dataclass(frozen=True)
class Dates:
    """Which cell styles show numbers as dates, and the workbook's date system (1900, or 1904 from old Macs)."""

    styles: frozenset[int] = frozenset()
    date1904: bool = False

    def date(self, value: float | str) -> Any:
        """A date serial as the datetime Excel shows (text is left as it is; a serial beyond year 9999 stays a
        number)."""
        if isinstance(value, str) or value < 0:
            return value
        if self.date1904:
            epoch = _EPOCH_1904
        else:
            epoch = _EPOCH_1900 if value >= 61 else _EPOCH_1900 + dt.timedelta(days=1)  # Excel's 1900-02-29
        try:
            return epoch + dt.timedelta(days=value)
        except OverflowError:
            return value


def date_styles(styles: bytes, path: str | None = None) -> frozenset[int]:
    """The indices of the cell formats (``cellXfs``) in ``xl/styles.xml`` whose number format shows a date."""
    try:
        return _date_styles(styles)
    except _AttributeTwice as twice:
        raise NotXlsx(path, detail=f"样式部件（styles.xml）中有属性“{twice}”写了两次（文件已损坏或被改写）") from None


def _date_styles(styles: bytes) -> frozenset[int]:
    custom = {}
    for match in _NUMBER_FORMAT.finditer(styles):
        found = _attributes(match.group(1))
        if found.get("numFmtId", "").strip().isdigit():
            custom[int(found["numFmtId"])] = is_date_format(found.get("formatCode", ""))
    block = _CELL_FORMATS.search(styles)
    dates = set()
    for index, match in enumerate(_FORMAT.finditer(block.group(2)) if block else ()):
        number_format = _attributes(match.group(1)).get("numFmtId", "0").strip()
        code = int(number_format) if number_format.isdigit() else 0
        if custom.get(code, code in _BUILTIN_DATES):
            dates.add(index)
    return frozenset(dates)


class _Every:
    """Every position (a sheet read whole: the small meta sheet, whose cells the defined names locate)."""

    def __contains__(self, pos: object) -> bool:
        return True


def sheet_values(path: str | None, sheet: str, part: str, xml: bytes, strings: Sequence[str],
                 wanted: Container[Position] | None = None, dates: Dates = Dates()) -> dict[Position, Any]:
    """The values of the cells at ``wanted`` (1-based (row, column); None: every cell) in the part of one sheet: see
    the module's docstring."""
    return _Sheet(path, sheet, part, xml, strings, dates).cells(_Every() if wanted is None else wanted)


__all__ = ["MAX_COL", "MAX_ROW", "NO_VALUE", "Dates", "column_letters", "column_number", "date_styles",
           "is_date_format", "number", "sheet_values"]
