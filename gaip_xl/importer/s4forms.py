"""Section 四 printed down the page instead of as one row of fifteen figures: one row per result.

- **Vertical**: labels down the side, one figure a row — 行政复议 | 结果维持 | 3, the group label in a merged cell (or
  printed once, on its first row, in copied text) over the rows below it; 行政诉讼 over 未经复议直接起诉 and 复议后起诉.
- **Transposed**: the results down the side and the three groups across — 结果维持 | 3 | 1 | 0, under a header naming
  行政复议, 未经复议直接起诉 and 复议后起诉 (their positions in a ruled grid, their reading order in copied text).

A row's result is its label; its group is the one its own labels name, or the last group named above it. A group
label that does not say which of the three it is (行政诉讼 alone) leaves the rows under it unplaced until a full group
is named, and a figure whose group or column is not known is never placed by a guess. A cell given twice (a group
label lost, so two groups' rows read as one's) is a conflict, as for any copy (``conflicts.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .findings import import_finding, where_text
from .headers import header_tree, names_of, reading_order
from .matcher import Match
from .model import SourceCell
from .rows import Placed, Row

if TYPE_CHECKING:
    from .tables import TableWalker

KEY = "s4.figures"


class ResultRows:
    """Reads section 四's rows of one result each, for the walker that found them (``tables.TableWalker``)."""

    def __init__(self, walker: TableWalker) -> None:
        self.walker = walker
        self.table = walker.edition.table("s4")
        self.group: str | None = None  # the group named last above the rows being read
        self.used = False

    def is_result_row(self, row: Row) -> bool:
        """A row of section 四 labelled by one result (结果维持 …), with figures."""
        labels = [row.cells[i] for i in row.label_cells]
        return bool(labels) and row.has_figures and \
            self.walker.labels.columns["s4"].match(labels[-1].text) is not None  # type: ignore[union-attr]

    def read(self, row: Row) -> None:
        walker = self.walker
        label_cells = row.label_cells
        for i in label_cells[:-1]:
            found = walker.labels.groups["s4"].match(row.cells[i].text)  # type: ignore[union-attr]
            if found is not None:
                self.group = found.key
        result = walker.labels.columns["s4"].match(row.cells[label_cells[-1]].text)  # type: ignore[union-attr]
        assert result is not None
        figures = [(i, c) for i, c in enumerate(row.cells) if i > label_cells[-1] and c is not None]
        written = [(i, c) for i, c in figures if c.text.strip()]
        groups = self._across(row)
        if groups is not None:
            placing = [(g, c) for (i, c) in figures if (g := groups.get(i)) is not None]
            unplaced = [c for i, c in written if i not in groups]
        elif len(written) == 1 and len(figures) == 1 and self.group in {r.code for r in self.table.rows}:
            placing, unplaced = [(self.group, written[0][1])], []
        else:
            placing, unplaced = [], [c for _, c in written] or [c for _, c in figures]
        if unplaced:
            self._unplaced(row, result.key, unplaced, 1 if groups is None else len(groups))
            return
        self._mark_found(row)
        for group, cell in placing:
            walker.place_cell(self.table, group, result.key, cell, Match(group, "label", 100.0),
                              self.table.row(group).label, {"method": "label", "score": 100.0})

    def _across(self, row: Row) -> dict[int, str] | None:
        """Column → group of a transposed table's header over this row: by position in a ruled grid (a header row as
        wide as the row, each group once), by reading order in copied text (exactly as many cells as groups)."""
        header = self.walker.headers.get("s4")
        if header is None:
            return None
        codes = [r.code for r in self.table.rows]
        if row.aligned:
            found: dict[int, str] = {}
            for head in header.rows:
                if len(head.cells) != len(row.cells):
                    return None
                for i, cell in enumerate(head.cells):
                    match = self.walker.labels.groups["s4"].match(cell.text) if cell and cell.text.strip() else None
                    if match is not None and match.key in codes:
                        found[i] = match.key
            return found if sorted(found.values()) == sorted(codes) else None
        _, children = header_tree([(*r.groups, r.code) for r in self.table.rows])
        order = reading_order([names_of(self.walker.labels, "s4", h.cells) for h in header.rows], children)
        if order is None or sorted(p[-1] for p in order) != sorted(codes):
            return None
        cells = [i for i, c in enumerate(row.cells) if i > row.label_cells[-1] and c is not None]
        return dict(zip(cells, (p[-1] for p in order), strict=True)) if len(cells) == len(order) else None

    def _mark_found(self, row: Row) -> None:
        walker = self.walker
        if KEY not in walker.placed:
            walker.placed[KEY] = Placed(KEY, Match(KEY, "label", 100.0), "", row)
        self.used = True

    def _unplaced(self, row: Row, result: str, cells: list[SourceCell], expected: int) -> None:
        self._mark_found(row)
        walker = self.walker
        codes = tuple(f"s4.{g.code}.{result}" for g in self.table.rows)
        for code in codes:
            walker.missing.setdefault(code, "unplaced")
        walker.findings.append(import_finding(
            "I_ROW_CELLS", cells=codes, where=(row.where(),), row=f"第四部分「{self.table.column(result).label}」",
            found=len(cells), expected=expected, place=where_text(row.where()),
            texts="、".join(f"“{c.text.strip()}”" for c in cells)))

    def finish(self) -> None:
        """Cells of a section 四 read row by row that no row gave: missing (I1), never blank."""
        if not self.used:
            return
        walker = self.walker
        codes = tuple(c.code for c in self.table.cells() if c.code not in walker.provenance and
                      c.code not in walker.missing)
        if not codes:
            return
        for code in codes:
            walker.missing[code] = "row_missing"
        rows = "、".join(f"{self.table.row(code.split('.')[1]).label} {self.table.column(code.split('.')[2]).label}"
                        for code in codes)
        walker.findings.append(import_finding("I_ROWS_MISSING", cells=codes, table="第四部分", count=len(codes),
                                              rows=rows))
