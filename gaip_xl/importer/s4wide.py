"""Section 四 as the notices print it: one row of fifteen figures under a header of three groups and five results.

Figures go to the (group, result) their header column names when the grid's columns are real and the header names
each of the fifteen pairs once; else, in copied text, by the order the header reads in (``headers.header_order``), or
the notice's order when the header says nothing against it. A row its header contradicts is reported (I_ROW_CELLS),
never placed by counting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import headers
from .findings import import_finding, where_text
from .headers import header_order, official_slots
from .matcher import Match
from .rows import S4_WIDTH, Header, Placed, Row, without

if TYPE_CHECKING:
    from .tables import TableWalker


class WideRow:
    """Places section 四's figure row for the walker that found it (``tables.TableWalker``)."""

    def __init__(self, walker: TableWalker) -> None:
        self.walker = walker

    def place(self, row: Row) -> None:
        key = "s4.figures"
        if key in self.walker.placed:
            self.walker.again("第四部分", row, lambda: self._cells(row))
            return
        self.walker.placed[key] = Placed(key, Match(key, "header", 100.0), "", row)
        self._cells(row)

    def _cells(self, row: Row) -> None:
        table = self.walker.edition.table("s4")
        header = self.walker.headers.get("s4")
        slots = self._positions(header, row) if header and row.aligned else None
        remarks = headers.remark_columns(header)
        stray = [i for i, cell in enumerate(row.cells) if cell is not None and cell.text.strip() and
                 slots is not None and i not in slots and i not in remarks]
        misfit = bool(slots) and not headers.fits(slots, stray)  # type: ignore[arg-type]
        if slots and not misfit:
            for i, cell in enumerate(row.cells):
                if cell is None:
                    continue
                slot = slots.get(i)
                if slot is None:
                    if cell.text.strip() and i not in remarks:
                        self.walker.findings.append(import_finding(
                            "I_CELL_UNPLACED", where=(cell.where,), row="第四部分", text=cell.text.strip(),
                            place=where_text(cell.where)))
                    continue
                self.walker.place_cell(table, slot[0], slot[1], cell, Match(slot[0], "header", 100.0),
                             table.row(slot[0]).label, {"method": "header", "score": 100.0})
            return
        official = official_slots("s4", table)
        order, against = header_order(self.walker.labels, "s4", table, [h.cells for h in header.rows]) if header else \
            (None, False)
        slots_in_order = order or official
        cells = headers.trim([(i, c) for i, c in enumerate(row.cells) if c is not None], len(slots_in_order))
        unreadable = order is None and (against or "s4" in self.walker.reordered)
        if len(cells) != len(slots_in_order) or misfit or unreadable:
            # a row its header contradicts, or whose header says another order it cannot be read in, is not placed
            # by counting either
            codes = tuple(c.code for c in table.cells())
            for code in codes:
                self.walker.missing.setdefault(code, "unplaced")
            self.walker.findings.append(import_finding(
                "I_ROW_CELLS", cells=codes, where=(row.where(),), row="第四部分", found=len(cells),
                expected=S4_WIDTH, place=where_text(row.where()),
                texts="、".join(f"“{c.text.strip()}”" for _, c in cells)))
            return
        method = "header" if order is not None else "order"
        for (row_code, *column), (_, cell) in zip(slots_in_order, cells, strict=True):
            if column:  # not a remarks column
                self.walker.place_cell(table, row_code, column[0], cell, Match(row_code, method, 100.0),
                             table.row(row_code).label, {"method": method, "score": 100.0})

    def figure_row(self, row: Row) -> Row | None:
        """Section 四's one row of figures, without the label some print before them ("数量", under the header's
        corner in a ruled grid; in copied text, the one text before exactly fifteen cells); None when the row's texts
        may be figures that cannot be told from labels."""
        labels = row.label_cells
        if not labels or self.under_header(row):
            return row
        header = self.walker.headers.get("s4")
        slots = self._positions(header, row) if header and row.aligned else None
        if slots:
            return without(row, labels) if max(labels) < min(slots) else None
        after = sum(c is not None for c in row.cells[labels[0] + 1:])
        return without(row, labels[:1]) if not row.aligned and after == S4_WIDTH else None

    def under_header(self, row: Row) -> bool:
        """Section 四's figure row whose first figures are text ("见说明"): every such text stands under a figure
        column of the header over it (real columns only), so it is a figure, not a row label."""
        header = self.walker.headers.get("s4")
        slots = self._positions(header, row) if header and row.aligned else None
        return slots is not None and bool(slots) and all(i in slots for i in row.label_cells)

    def _positions(self, header: Header, row: Row) -> dict[int, tuple[str, str]] | None:
        if not (header.grid == row.grid or header.width == row.width) or len(row.cells) != len(header.rows[-1].cells):
            return None
        columns, groups = self.walker.labels.columns["s4"], self.walker.labels.groups["s4"]
        row_codes = {r.code for r in self.walker.edition.table("s4").rows}
        slots: dict[int, tuple[str, str]] = {}
        for depth, head in enumerate(header.rows):
            for i, cell in enumerate(head.cells):
                leaf = columns.match(cell.text) if cell is not None and cell.text.strip() else None
                if leaf is None:
                    continue
                group = None
                for above in reversed(header.rows[:depth]):
                    text = headers.spanning_text(above.cells, i)
                    found = groups.match(text) if text else None
                    if found is not None and found.key in row_codes:
                        group = found.key
                        break
                if group is not None:
                    slots[i] = (group, leaf.key)
        # every one of the fifteen (group, result) pairs exactly once: a header that names a group twice or not at all
        # (a cell lost in the markup) would move a whole group's figures
        return slots if len(slots) == S4_WIDTH and len(set(slots.values())) == S4_WIDTH else None
