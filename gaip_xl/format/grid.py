"""Each table of the official format as a grid of cells with their spans: what a printed table (a web page, a Word
file) draws, merged headers included.

Derived from the template's layout (``layout.py``): the labels and figure positions of one table, moved to the
table's own origin. A published table therefore merges exactly the cells the template merges, and neither has a
second copy of the labels. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from .editions import EDITIONS
from .layout import Label, layout_for
from .model import Table


class GridKind(StrEnum):
    CAPTION = "caption"  # section 二's 第二十条第（…）项 above a small table, across its whole width
    CORNER = "corner"  # the top-left header cell (信息内容, or section 三's note)
    HEADER = "header"  # a column header (or a group of them)
    ROW = "row"  # a row label (or a group of them)
    FIGURE = "figure"  # where a figure goes


@dataclass(frozen=True)
class GridCell:
    row: int  # 0-based within the table
    col: int
    kind: GridKind
    text: str = ""  # the label; "" for a figure
    code: str | None = None  # a figure's cell code
    rowspan: int = 1
    colspan: int = 1

    @property
    def is_label(self) -> bool:
        return self.kind is not GridKind.FIGURE


@dataclass(frozen=True)
class TableGrid:
    table: Table
    rows: int
    cols: int
    header_rows: int  # the top rows (caption and column headers) a printed table repeats on every page
    cells: tuple[GridCell, ...]  # ordered by row, then column

    def by_row(self) -> list[list[GridCell]]:
        """The cells that start in each grid row, left to right (what an HTML <tr> or a Word row holds)."""
        rows: list[list[GridCell]] = [[] for _ in range(self.rows)]
        for cell in self.cells:
            rows[cell.row].append(cell)
        return rows


_KINDS = {"caption": GridKind.CAPTION, "header": GridKind.HEADER, "row": GridKind.ROW}


def _label_cell(label: Label, top: int, left: int, is_corner: bool) -> GridCell:
    kind = GridKind.CORNER if is_corner else _KINDS[label.kind]
    return GridCell(label.pos.row - top, label.pos.col - left, kind, label.text,
                    rowspan=label.last_row - label.pos.row + 1, colspan=label.last_col - label.pos.col + 1)


@cache
def table_grid(edition_code: str, table_code: str) -> TableGrid:
    """The grid of one table, with section 二's caption as its first row."""
    layout = layout_for(edition_code)
    table = EDITIONS[edition_code].table(table_code)
    box = layout.boxes[table_code]
    captions = [label for label in layout.labels if label.kind == "caption" and label.pos.sheet == box.sheet
                and label.pos.row == box.first_row - 1 and label.pos.col == box.first_col]
    top = box.first_row - len(captions)
    cells = [_label_cell(label, top, box.first_col, False) for label in captions]
    for label in layout.labels:
        pos = label.pos
        inside = (pos.sheet == box.sheet and box.first_row <= pos.row <= box.last_row
                  and box.first_col <= pos.col <= box.last_col)
        if inside:
            is_corner = (pos.row, pos.col) == (box.first_row, box.first_col) and box.label_cols > 0
            cells.append(_label_cell(label, top, box.first_col, is_corner))
    prefix = f"{table_code}."
    for code, pos in layout.figures.items():
        if code.startswith(prefix):
            cells.append(GridCell(pos.row - top, pos.col - box.first_col, GridKind.FIGURE, code=code))
    cells.sort(key=lambda c: (c.row, c.col))
    return TableGrid(table, box.last_row - top + 1, box.last_col - box.first_col + 1,
                     len(captions) + box.header_rows, tuple(cells))


def edition_grids(edition_code: str, section: str) -> tuple[TableGrid, ...]:
    """The grids of a section's tables (二 has several), in the notice's order."""
    return tuple(table_grid(edition_code, t.code) for t in EDITIONS[edition_code].tables if t.section == section)
