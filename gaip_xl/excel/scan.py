"""Quick looks at a worksheet's XML before (and beside) python-calamine.

python-calamine loads a whole sheet into one dense rectangle spanning its first to its last cell: one value in A1
and one in XFD1048576 make it allocate 17 billion cells and the process dies (calamine has no lazy or ranged
reading; ``to_python(nrows=…)`` only limits the conversion to Python). So before calamine sees a sheet, ``extent``
bounds that rectangle from the raw XML with one regular-expression pass, and the reader refuses a sheet whose
rectangle exceeds ``MAX_CELLS``.

calamine gives a formula cell's cached value and says nothing about formulas, so ``formulas_without_value`` finds
input cells that hold a formula whose result was never saved (a file written by a program, not by Excel or WPS):
reading them as blank would silently lose a figure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CELLS = 2_000_000  # calamine keeps ~32 bytes per cell of the rectangle: about 64 MB at most

# Every r="…" attribute: rows have digits only, cells letters and digits. Writers put a space before attributes,
# and literal-prefixed patterns are several times faster; a part with tabs or line breaks anywhere takes the general
# patterns, and so does one with prefixed tags (<x:c>): no whitespace or prefix trick hides a reference or a tag.
_FAST_REFS = re.compile(rb' r="\$?([A-Z]{0,3})\$?(\d{1,9})"')
_REFS = re.compile(rb'\sr="\$?([A-Z]{0,3})\$?(\d{1,9})"')
_FAST_TAGS = re.compile(rb"<(row|c)[ >/]")  # one pass for both kinds: the list says which
_TAGS = re.compile(rb"<(?:\w+:)?(row|c)[\s>/]")
_PREFIXED = re.compile(rb":(?:c|row)[\s>/]")
_OTHER_WHITESPACE = (b"\t", b"\n", b"\r")

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


def extent(xml: bytes) -> Extent:
    """Bounds the rectangle calamine will allocate: the largest row and column referenced, plus one for every row or
    cell written without a reference (calamine places those after the previous one). Two regular-expression passes
    (tags, references) and three byte searches: about 0.1 ms for a template sheet."""
    if any(space in xml for space in _OTHER_WHITESPACE) or _PREFIXED.search(xml):
        refs, tags = _REFS.findall(xml), _TAGS.findall(xml)  # the general, slower patterns
    else:
        refs, tags = _FAST_REFS.findall(xml), _FAST_TAGS.findall(xml)
    rows = tags.count(b"row")
    cells = len(tags) - rows
    if not refs:
        return Extent(rows, cells)
    letters, numbers = zip(*refs, strict=True)
    row_refs = letters.count(b"")
    max_col = max(map(_column_number, set(letters)))
    max_row = max(map(int, set(numbers)))  # a few dozen distinct rows among hundreds of references
    return Extent(max_row + max(rows - row_refs, 0), max_col + max(cells - (len(refs) - row_refs), 0))


def formulas_without_value(xml: bytes, addresses: set[str]) -> list[str]:
    """The addresses among ``addresses`` whose cell holds a formula but no saved result.

    Walks from each formula element back to its cell (the formula is the cell's first child, so the cell's start tag
    is within a few hundred bytes) rather than over every cell: a template sheet has a few dozen formulas among
    hundreds of cells."""
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
        if _VALUE.search(body) or (_STRING_RESULT.search(attributes) and b"v>" in body):
            continue
        missing.append(address.group(1).decode())
    return missing
