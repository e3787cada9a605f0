"""The rows the walker reads (``tables.py``): a grid row with each cell's kind, a header, a row found by its label."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .matcher import Match
from .model import SourceCell
from .values import kind_of

S4_WIDTH = 15  # section 四's one row of figures


@dataclass
class Row:
    cells: list[SourceCell | None]
    grid: int
    aligned: bool
    width: int
    kinds: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kinds = ["covered" if c is None else kind_of(c.text) for c in self.cells]

    @property
    def label_cells(self) -> list[int]:
        """Indexes of the text cells before the first figure (the row's labels, outermost first)."""
        found = []
        for i, kind in enumerate(self.kinds):
            if kind in ("number", "not_applicable", "undecodable"):
                break
            if kind == "text":
                found.append(i)
        return found

    @property
    def has_figures(self) -> bool:
        last = self.label_cells[-1] if self.label_cells else -1
        return any(k in ("number", "not_applicable", "text", "undecodable") for k in self.kinds[last + 1:])

    @property
    def label_only(self) -> bool:
        """A label and nothing after it (its figures may be on the next line), unlike a row of blank cells."""
        return not self.has_figures and all(c is None for c in self.cells[(self.label_cells or [-1])[-1] + 1:])

    def where(self) -> dict[str, Any]:
        first = next((c for c in self.cells if c is not None), None)
        return dict(first.where) if first else {}


@dataclass
class Header:
    grid: int
    width: int
    aligned: bool
    rows: list[Row] = field(default_factory=list)


@dataclass
class Placed:
    row_key: str  # "s3.new", "s4.review", "s2_item1.rules"
    match: Match
    label: str
    source: Row


def without(row: Row, indexes: list[int]) -> Row:
    """The row with the cells at ``indexes`` taken out (as if covered by a merge)."""
    return Row([None if i in indexes else c for i, c in enumerate(row.cells)], row.grid, row.aligned, row.width)
