"""Quick looks at a worksheet's XML before (and beside) python-calamine.

python-calamine loads a whole sheet into one dense rectangle spanning its first to its last cell: one value in A1
and one in XFD1048576 make it allocate 17 billion cells and the process dies (calamine has no lazy or ranged
reading; ``to_python(nrows=…)`` only limits the conversion to Python). So before calamine sees a sheet, the reader
bounds that rectangle from the raw XML and refuses a sheet whose rectangle exceeds ``MAX_CELLS``: ``surely_within``
answers for an ordinary sheet in two quick passes, ``extent`` computes the bound exactly for any other.

calamine gives a formula cell's cached value and says nothing about formulas, so ``formulas_without_value`` finds
input cells that hold a formula whose result was never saved (a file written by a program, not by Excel or WPS):
reading them as blank would silently lose a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CELLS = 2_000_000  # calamine keeps ~32 bytes per cell of the rectangle: about 64 MB at most

# Every r attribute as calamine reads it (checked against python-calamine): either quote, spaces around "=",
# letters of either case, any number of letters and digits (leading zeros too). A reference calamine cannot parse
# makes it fail, which is harmless; one it can parse must never escape these patterns.
_REFS = re.compile(rb"""\sr\s*=\s*["']\$?([A-Za-z]*)\$?(\d+)["']""")
_TAGS = re.compile(rb"<(?:[\w.-]+:)?(row|c)[\s>/]")
# A reference beyond column Z or row 999 (a superset: any " r=" followed by one, inside a tag or not). The literal
# space before it makes the search several times faster; a part with tabs or line breaks is left to ``extent``.
_FAR_REF = re.compile(rb"""\x20r\s*=\s*["']\$?(?:[A-Za-z]{2}|[A-Za-z]?\$?\d{4})""")
_OTHER_WHITESPACE = (b"\t", b"\n", b"\r")
_NEAR_ROWS, _NEAR_COLS = 999, 26

_CELLS = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_ADDRESS = re.compile(rb'\sr="([A-Z]{1,3}\d{1,9})"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_STRING_RESULT = re.compile(rb'\st="str"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb"<(?:\w+:)?c[\s>]")
_CELL_TAG_REACH = 1024  # bytes between a cell's start tag and its formula element (its attributes) at most


@dataclass(frozen=True)
class Extent:
    rows: int  # an upper bound of the last row calamine would place a cell in
    cols: int

    @property
    def cells(self) -> int:
        return self.rows * self.cols


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def surely_within(xml: bytes, max_cells: int = MAX_CELLS) -> bool:
    """True when calamine's rectangle for this sheet is certainly at most ``max_cells``, from two quick passes; False
    means "maybe not": ask ``extent``. With no reference beyond Z999, a row or cell lands at most one place beyond
    the largest reference or the previous one, so the rectangle is at most (999 + R) × (26 + C) for R row and C cell
    tags; R + C is at most the number of start tags in the part, which bounds the product. About 0.04 ms for a template
    sheet, where ``extent`` takes 0.15 ms."""
    if any(space in xml for space in _OTHER_WHITESPACE) or _FAR_REF.search(xml):
        return False
    tags = xml.count(b"<")  # every tag, start or end: a looser bound, but one byte is counted three times faster
    if _square_bound(tags) > max_cells:
        tags -= xml.count(b"</")  # start and empty tags only (and the odd declaration: an over-count)
    return _square_bound(tags) <= max_cells


def _square_bound(tags: int) -> int:
    half = (_NEAR_ROWS + _NEAR_COLS + tags) // 2 + 1  # (a + R)(b + C) ≤ ((a + b + R + C) / 2)²
    return half * half


def extent(xml: bytes) -> Extent:
    """Bounds the rectangle calamine will allocate: the largest row and column referenced, plus one for every row or
    cell written without a reference (calamine places those after the previous one). Two regular-expression passes
    over the part."""
    refs, tags = _REFS.findall(xml), _TAGS.findall(xml)
    rows = tags.count(b"row")
    cells = len(tags) - rows
    if not refs:
        return Extent(rows, cells)
    letters, numbers = zip(*refs, strict=True)
    row_refs = letters.count(b"")
    max_col = max(map(_column_number, {letter.upper() for letter in letters}))
    max_row = max(map(int, set(numbers)))  # a few dozen distinct rows among hundreds of references
    return Extent(max_row + max(rows - row_refs, 0), max_col + max(cells - (len(refs) - row_refs), 0))


def formulas_without_value(xml: bytes, addresses: set[str]) -> list[str]:
    """The addresses among ``addresses`` whose cell holds a formula but no saved result.

    Walks from each formula element back to its cell (the formula is the cell's first child, so the cell's start tag
    is within a few hundred bytes) rather than over every cell: a template sheet has a few dozen formulas among
    hundreds of cells. A handful of addresses (the usual few blank cells) are looked up one by one instead."""
    if len(addresses) <= _FEW:
        return [address for address in sorted(addresses) if _formula_without_value_at(xml, address)]
    missing = []
    for formula in _FORMULA.finditer(xml):
        starts = list(_CELL_START.finditer(xml, max(0, formula.start() - _CELL_TAG_REACH), formula.start()))
        cell = _CELLS.match(xml, starts[-1].start()) if starts else None
        if cell is None:
            continue
        attributes, body = cell.group(1), cell.group(2) or b""
        address = _CELL_ADDRESS.search(attributes)
        if address is None or address.group(1).decode() not in addresses:
            continue
        if _has_result(attributes, body):
            continue
        missing.append(address.group(1).decode())
    return missing


_FEW = 16


def _formula_without_value_at(xml: bytes, address: str) -> bool:
    """Whether the cell at ``address`` holds a formula but no saved result (found by its r attribute)."""
    needle = f' r="{address}"'.encode()
    at = xml.find(needle)
    while at >= 0:
        start = xml.rfind(b"<", 0, at)  # the start of the tag this attribute belongs to
        cell = _CELLS.match(xml, start) if start >= 0 else None
        if cell is not None and _CELL_ADDRESS.search(cell.group(1)) is not None:
            attributes, body = cell.group(1), cell.group(2) or b""
            return bool(_FORMULA.search(body)) and not _has_result(attributes, body)
        at = xml.find(needle, at + 1)
    return False


def _has_result(attributes: bytes, body: bytes) -> bool:
    """Whether a formula cell carries its saved result: a value, or an (empty) string result."""
    return bool(_VALUE.search(body) or (_STRING_RESULT.search(attributes) and b"v>" in body))
