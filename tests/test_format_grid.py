"""format.grid: each table's printed grid tiles its rectangle and merges exactly what the generated template merges."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from gaip_xl.format import EDITIONS
from gaip_xl.format.grid import GridKind, table_grid
from gaip_xl.format.layout import layout_for
from gaip_xl.template import save_template

TABLES = [(e, t.code) for e, edition in EDITIONS.items() for t in edition.tables]


@pytest.mark.parametrize(("edition", "table"), TABLES)
def test_grid_tiles_its_rectangle_once(edition, table):
    grid = table_grid(edition, table)
    covered = [(c.row + dr, c.col + dc) for c in grid.cells for dr in range(c.rowspan) for dc in range(c.colspan)]
    assert sorted(covered) == [(r, c) for r in range(grid.rows) for c in range(grid.cols)]
    figures = {c.code for c in grid.cells if c.kind is GridKind.FIGURE}
    assert figures == {cell.code for cell in EDITIONS[edition].table(table).cells()}
    assert all(c.row >= grid.header_rows for c in grid.cells if c.kind is GridKind.FIGURE)
    assert all(c.row < grid.header_rows for c in grid.cells if c.kind is not GridKind.FIGURE and c.kind != "row")


@pytest.mark.parametrize("edition", list(EDITIONS))
def test_grid_merges_are_the_templates(edition, tmp_path):
    path = tmp_path / "template.xlsx"
    save_template(edition, path)
    workbook = load_workbook(path)
    layout = layout_for(edition)
    for table in EDITIONS[edition].tables:
        box, grid = layout.boxes[table.code], table_grid(edition, table.code)
        top = box.first_row + box.header_rows + box.data_rows - grid.rows  # the caption row, if any, is above
        merged = {(m.min_row - top, m.min_col - box.first_col, m.max_row - m.min_row + 1, m.max_col - m.min_col + 1)
                  for m in workbook[box.sheet].merged_cells.ranges
                  if top <= m.min_row <= box.last_row and box.first_col <= m.min_col <= box.last_col}
        spans = {(c.row, c.col, c.rowspan, c.colspan) for c in grid.cells if c.rowspan > 1 or c.colspan > 1}
        assert spans == merged, table.code
        sheet = workbook[box.sheet]
        for cell in grid.cells:
            if cell.kind is not GridKind.FIGURE:
                assert sheet.cell(top + cell.row, box.first_col + cell.col).value == cell.text
