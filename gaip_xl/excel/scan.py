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

_REF = rb'\sr="\$?([A-Z]{0,3})\$?(\d{1,9})"'
_ROW_REFS = re.compile(rb"<(?:\w+:)?row\b[^>]*?" + _REF)
_CELL_REFS = re.compile(rb"<(?:\w+:)?c\b[^>]*?" + _REF)
_ROW_TAGS = re.compile(rb"<(?:\w+:)?row[\s>/]")
_CELL_TAGS = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELLS = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_CELL_ADDRESS = re.compile(rb'\sr="([A-Z]{1,3}\d{1,9})"')
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)</(?:\w+:)?v>")
_STRING_RESULT = re.compile(rb'\st="str"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


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
    cell written without a reference (calamine places those after the previous one)."""
    row_refs = _ROW_REFS.findall(xml)
    cell_refs = _CELL_REFS.findall(xml)
    max_row = max((int(r) for _, r in (*row_refs, *cell_refs)), default=0)
    max_col = max((_column_number(c) for c, _ in cell_refs), default=0)
    unreferenced_rows = len(_ROW_TAGS.findall(xml)) - len(row_refs)
    unreferenced_cells = len(_CELL_TAGS.findall(xml)) - len(cell_refs)
    return Extent(max_row + max(unreferenced_rows, 0), max_col + max(unreferenced_cells, 0))


def formulas_without_value(xml: bytes, addresses: set[str]) -> list[str]:
    """The addresses among ``addresses`` whose cell holds a formula but no saved result."""
    if not _FORMULA.search(xml):
        return []
    missing = []
    for attributes, body in _CELLS.findall(xml):
        if not body or not _FORMULA.search(body):
            continue
        address = _CELL_ADDRESS.search(attributes)
        if address is None or address.group(1).decode() not in addresses:
            continue
        if _VALUE.search(body) or (_STRING_RESULT.search(attributes) and b"v>" in body):
            continue
        missing.append(address.group(1).decode())
    return missing
