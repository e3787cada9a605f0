"""Rows of the published tables → figures of the report, each with its provenance; what cannot be placed is said.

Every grid row of the document is walked once, in reading order, whichever table it came from (so a table split over
pages, or four tables printed as one, need nothing special). A row is a table title (第二十条第（X）项), a header row
(column labels: they give the columns' positions), a data row (a row label, then figures) or a fragment (a label's
second half). A data row's label is matched to the edition's rows; its figures are placed by the header's column
positions when the grid's columns are real and the header is known, else by counting: exactly as many figure cells
as the table has columns (leading and trailing empty cells trimmed first). Anything else is not guessed: the row is
reported (I_ROW_CELLS) and its cells listed as missing. A row found again is placed again, cell by cell, into the
same cells: readings that agree are one figure, readings that differ are none (``conflicts.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..format import Edition, Table
from . import headers
from .conflicts import conflict_findings, reading, same_reading
from .findings import ImportFinding, import_finding, where_text
from .headers import REMARK, Slot, header_order, official_slots
from .labels import Labels, family_of
from .matcher import Match
from .model import Grid, SourceCell
from .normalize import normalise
from .rows import S4_WIDTH, Header, Placed, Row
from .s4forms import ResultRows
from .s4wide import WideRow
from .splits import join_split_rows
from .values import kind_of, read_value

_RUN_TOGETHER = re.compile(r"^(?P<label>.*\D)(?P<figures>\d+(?:\.\d+)?)$")  # "行政许可3960181"


class TableWalker:
    def __init__(self, labels: Labels) -> None:
        self.labels = labels
        self.edition: Edition = labels.edition
        self.figures: dict[str, Any] = {}
        self.provenance: dict[str, dict[str, Any]] = {}
        self.findings: list[ImportFinding] = []
        self.missing: dict[str, str] = {}  # cell code → why it is not in the document
        self.conflicts: dict[str, list[dict[str, Any]]] = {}  # cell code → its differing readings (none imported)
        self.undecodable: dict[str, list[tuple[str, SourceCell]]] = {}  # row key → its cells of glyphs without text
        self.placed: dict[str, Placed] = {}
        self.unmatched: list[tuple[int, Row, str]] = []  # (order, row, label) of rows with figures and no match
        self.order: list[str] = []  # row keys in the order they were found
        self.foreign: list[str] = []
        self.headers: dict[str, Header] = {}
        self.reading_header: str | None = None  # the family whose header rows the rows just read were
        self.context: str | None = None
        self.pending: Placed | None = None
        self.results = ResultRows(self)
        self.wide = WideRow(self)
        self.reordered: set[str] = set()  # families a header of which named columns in another order than the notice
        self.orders: dict[tuple[str, int, int], tuple[list[Slot] | None, bool]] = {}  # a header's order, read once

    # ------------------------------------------------------------------ walking
    def walk(self, grids: list[tuple[Grid, str | None]]) -> None:
        joined = join_split_rows([grid for grid, _ in grids], lambda row: self._match_row(row)[0])
        for index, (grid, (_, section)) in enumerate(zip(joined, grids, strict=True)):
            if section is not None:
                self.context = section
            for cells in grid.rows:
                if any(c is not None and c.text.strip() for c in cells):
                    self._row(Row(cells, index, grid.aligned, grid.width))
                elif self._blank_s4_row(cells):
                    self.wide.place(Row(cells, index, grid.aligned, grid.width))

    def _blank_s4_row(self, cells: list[SourceCell | None]) -> bool:
        """Section 四's figure row left wholly blank, under its header: blank it stays (not a missing table)."""
        return (self.context == "s4" and "s4" in self.headers and "s4.figures" not in self.placed
                and sum(c is not None for c in cells) == S4_WIDTH)

    def _row(self, row: Row) -> None:
        labels = [row.cells[i] for i in row.label_cells]
        texts = [c.text for c in labels if c is not None]
        in_header, self.reading_header = self.reading_header, None
        if any(self.labels.titles.match(t) for t in texts) and not row.has_figures:
            self.context, self.pending = "s2", None
            return
        if not row.has_figures:
            family = self._header_family(row)
            if family is not None:
                self._add_header(family, row, continued=in_header == family)
                return
        match, label = self._match_row(row)
        if match is None:
            foreign = self._foreign(row)
            if foreign:
                return
            if row.has_figures and self.context == "s4" and self.results.is_result_row(row):
                self.results.read(row)  # section 四 printed down the page, one result a row
            elif row.has_figures and self.context == "s4" and (figures := self.wide.figure_row(row)) is not None:
                self.wide.place(figures)
            elif row.has_figures and not texts and self.pending is not None:
                self._figures_of_pending(self.pending, row)
                self.pending = None
            elif row.has_figures:
                self.unmatched.append((len(self.order), row, "".join(texts)))
            elif texts and (joined := _RUN_TOGETHER.match(normalise(texts[-1]))):
                self._run_together(row, joined.group("label"), texts[-1])
            return
        table = self.labels.table_of_row(match.key)
        self.context = family_of(table)
        if match.key in self.placed:  # a row of blanks is a reading too: blank is not the other copy's figure
            first = self.placed[match.key]
            if _reads(row, match) and _reads(first.source, first.match):
                self.again(self.row_name(match.key), row, lambda: self.place(match.key, match, label, row, True))
            elif row.has_figures:
                self.place(match.key, match, label, row)
            elif row.label_only:  # a copy's label alone: its figures on the next line are a reading of this row
                self.pending = first
            return
        self.place(match.key, match, label, row)

    def _figures_of_pending(self, pending: Placed, row: Row) -> None:
        """Figures on the line after a label alone: that row's, or a second reading of it if it was read before."""
        key = pending.row_key
        if self.placed[key].source.has_figures:
            self.again(self.row_name(key), row, lambda: self.place(key, pending.match, pending.label, row, True))
        else:
            self.place(key, pending.match, pending.label, row)

    def _run_together(self, row: Row, label: str, text: str) -> None:
        """A label with its figures run into it ("行政许可3960181" for 396 | 0 | 181): never split by guessing."""
        found = self.labels.rows.match(label)
        if found is None:
            return
        table = self.labels.table_of_row(found.key)
        if found.key not in self.placed:  # found again after a readable copy: that copy's figures are not settled
            self.placed[found.key] = Placed(found.key, found, text, row)
            self.order.append(found.key)
        codes = tuple(f"{found.key}.{c.code}" for c in table.columns)
        for code in codes:
            self.missing.setdefault(code, "unplaced")
        self.findings.append(import_finding("I_RUN_TOGETHER", cells=codes, where=(row.where(),),
                                            row=self.row_name(found.key), place=where_text(row.where()),
                                            text=text.strip()))

    def _match_row(self, row: Row) -> tuple[Match | None, str]:
        """The row's most specific label that names a row of this edition. A leaf label only the other edition has
        ends the search: its group label ("（六）其他处理") must not stand for it."""
        for i in reversed(row.label_cells):
            text = row.cells[i].text  # type: ignore[union-attr]
            found = self.labels.rows.match(text)
            if found is not None:
                return found, text
            if self.labels.foreign_rows.match(text, fuzzy=False) is not None:
                return None, ""
        return None, ""

    def _foreign(self, row: Row) -> bool:
        """A row only the other edition has, with figures: a report that mixes the editions (never forced in)."""
        for i in reversed(row.label_cells):
            text = row.cells[i].text  # type: ignore[union-attr]
            if self.labels.foreign_rows.match(text, fuzzy=False) is not None and row.has_figures:
                self.foreign.append(f"“{normalise(text)}”（{where_text(row.where())}）")
                return True
        return False

    def _header_family(self, row: Row) -> str | None:
        scores: dict[str, int] = {}
        for family in ("s2", "s3", "s4"):
            columns, groups = self.labels.columns[family], self.labels.groups[family]
            scores[family] = sum(1 for c in row.cells if c is not None and c.text.strip() and
                                 (columns.match(c.text) or groups.match(c.text)))
        best = max(scores, key=lambda f: (scores[f], f == self.context))
        return best if scores[best] else None

    def _add_header(self, family: str, row: Row, continued: bool) -> None:
        """A header row: the next row of the header being read (``continued``: the row before was one of its rows),
        else the first row of a new header. Section 二 printed as one table gives each item's header again after its
        title and rows, with other columns in other places: those headers are never mixed into one. In copied text, a
        header read on into the next block goes on the row it broke off from: a label's line break ("法律服务\n机构")
        ends a block of cells mid-row."""
        header = self.headers.get(family)
        if header is not None and continued and header.grid != row.grid and not (row.aligned or header.aligned):
            last = header.rows.pop()
            row = Row(last.cells + row.cells, row.grid, False, row.width)
            header.grid = row.grid
        elif header is None or header.grid != row.grid or not continued:
            header = self.headers[family] = Header(row.grid, row.width, row.aligned)
        header.rows.append(row)
        self.context, self.pending, self.reading_header = family, None, family
        if family != "s2" and header_order(self.labels, family, self.edition.table(family), [row.cells])[1]:
            self.reordered.add(family)  # a header cut short (a label's line break) must not hide the order it gave

    # ------------------------------------------------------------------ placing
    def _positions(self, family: str, row: Row, table: Table) -> dict[int, str] | None:
        """Column positions from the header over this row: column index → column code. Only for a row exactly as long
        as the header's last row: a cell lost or added in the markup shifts the rest, and positions would misplace
        them (counting then decides, or the row is reported)."""
        header = self.headers.get(family)
        if header is None or not (header.grid == row.grid or (row.aligned and header.width == row.width)):
            return None
        if len(row.cells) != len(header.rows[-1].cells):
            return None
        positions: dict[int, str] = {}
        matcher = self.labels.columns[family]
        for head in header.rows:
            for i, cell in enumerate(head.cells):
                if cell is None or not cell.text.strip():
                    continue
                found = matcher.match(cell.text)
                if found is None:
                    continue
                if family == "s2":
                    code = next((c.code for c in table.columns if normalise(c.label) == normalise(found.key)), None)
                    if code is not None:
                        positions[i] = code
                else:
                    positions[i] = found.key
        return positions or None

    def place(self, key: str, match: Match, label: str, row: Row, again: bool = False) -> None:
        """Places a row's figures; ``again`` for a row found before, whose first placement stays the row's."""
        table = self.labels.table_of_row(key)
        row_code = key.split(".", 1)[1]
        if not again:
            self.placed[key] = Placed(key, match, label, row)
            self.order.append(key)
        family = family_of(table)
        positions = self._positions(family, row, table)
        last_label = _last_label(row, positions, label)
        words_only = not row.has_figures and row.label_cells and last_label < row.label_cells[-1]
        self.pending = self.placed[key] if row.label_only and not words_only else None  # figures on the next line?
        if not row.has_figures and not words_only:  # (words under the figure columns: "见说明", kept for V1)
            if _reads(row, match):  # a row of blank cells under its whole label: each of its cells blank
                for column in table.columns:
                    self._record(table, f"{key}.{column.code}", {"value": "blank", "text": "", "where": row.where()},
                                 None)
            return
        written = [c for i, c in enumerate(row.cells) if i > last_label and c is not None and c.text.strip()]
        if any(self._official_label(c.text) for c in written):
            # a table title, a row label or a column header among the figures: rows or tables run together in the
            # markup (a closing tag lost), so where the figures belong is unknown
            self._unplaceable(table, row_code, row, written)
            return
        header = self.headers.get(family)
        shuffled = positions is not None and not headers.in_official_order(positions, table)
        if shuffled and not self._whole(family, table, header, row, positions):  # type: ignore[arg-type]
            # the header names the columns in another order than the notice prints them, and its geometry does not
            # hold (a header cell lost in the markup shifts the ones after it): neither the header nor counting can
            # place this row's figures
            self._unplaceable(table, row_code, row, [c for i, c in enumerate(row.cells) if i > last_label and c])
            return
        if row.aligned and positions and min(positions) > last_label:
            self._by_positions(table, row_code, match, label, row, positions, last_label)
            return
        if family == "s2" and positions is None and header is not None and header.grid == row.grid:
            # a header over this row names none of this table's columns (the other edition's, say): the figures'
            # meaning is unknown, so they are not placed by counting
            self._unplaceable(table, row_code, row, [c for i, c in enumerate(row.cells) if i > last_label and c])
            return
        cells = [(i, c) for i, c in enumerate(row.cells) if i > last_label and c is not None]
        slots = self._counting_slots(family, table, header, row)
        if slots is None:  # the header says another order than the notice's, and this row cannot follow it
            self._unplaceable(table, row_code, row, [c for _, c in cells])
            return
        cells = headers.trim(cells, len(slots))
        if len(cells) == len(slots):
            method = "order" if slots == official_slots(family, table) else "header"
            for slot, (_, cell) in zip(slots, cells, strict=True):
                if slot != (REMARK,):
                    self._figure(table, row_code, slot[0], cell, match, label, {"method": method, "score": 100.0})
        elif len(cells) > len(table.columns) and positions and min(positions) > last_label:
            self._by_positions(table, row_code, match, label, row, positions, last_label)
        else:
            self._unplaceable(table, row_code, row, [c for _, c in cells])

    def _counting_slots(self, family: str, table: Table, header: Header | None, row: Row) -> list[Slot] | None:
        """The columns a row's cells are counted into: the notice's order, or the order its header reads in (copied
        text, whose header is read as ``headers.reading_order`` does); None when the header names another order that
        this row cannot follow (a ruled row that does not fit its header's geometry) or that cannot be read; and when
        a ruled header that cannot be read is not as wide as the row (a cell lost or added in it: what it said is
        not known)."""
        official = official_slots(family, table)
        if header is None:
            return official
        key = (table.code, id(header), len(header.rows))
        if key not in self.orders:  # the same header over every row: read once
            self.orders[key] = header_order(self.labels, family, table, [h.cells for h in header.rows])
        order, against = self.orders[key]
        if order is None:
            damaged = row.aligned and header.grid == row.grid and any(len(h.cells) != len(row.cells)
                                                                      for h in header.rows)
            return None if against or damaged or family in self.reordered else official
        if order != official and row.aligned:
            return None
        return order

    def _whole(self, family: str, table: Table, header: Header | None, row: Row, positions: dict[int, str]) -> bool:
        """Whether the header's geometry places columns in another order than the notice's (``headers.whole``)."""
        if header is None:
            return False
        groups = self.labels.groups[family]
        rows = [h.cells for h in header.rows]
        spans = headers.group_spans(rows, lambda text: getattr(groups.match(text), "key", None))
        return headers.whole(rows, len(row.cells), positions, table, spans)

    def _by_positions(self, table: Table, row_code: str, match: Match, label: str, row: Row,
                      positions: dict[int, str], last_label: int) -> None:
        """The row's figures by the header's columns. A written cell left or right of every header column means the
        row does not fit the header (a cell lost or added in the markup, a rowspan thrown off, two rows run
        together): any placement would be a guess, so the whole row is reported instead. A cell under a gap between
        header columns (a column the header leaves unnamed, as in copied text) is reported and the rest placed."""
        written = [(i, cell) for i, cell in enumerate(row.cells) if i > last_label and cell is not None]
        over = self.headers.get(family_of(table))
        header_rows = [h.cells for h in over.rows] if over is not None else []
        remarks = headers.remark_columns(over)
        stray = [(i, cell) for i, cell in written if positions.get(i) is None and cell.text.strip()
                 and i not in remarks]
        for _, cell in stray:
            self.findings.append(import_finding(
                "I_CELL_UNPLACED", where=(cell.where,), row=self.row_name(f"{table.code}.{row_code}"),
                text=cell.text.strip(), place=where_text(cell.where)))
        holes = [i for i in positions if i >= len(row.cells) or row.cells[i] is None]
        # a figure under a merge coming from a row above the header as read: that row's labels are not known
        hidden = [i for i, _ in stray if header_rows and all(i >= len(h) or h[i] is None for h in header_rows)]
        if holes or hidden or not headers.fits(positions, [i for i, _ in stray]):  # a header column with no cell
            self._unplaceable(table, row_code, row, [cell for _, cell in written])
            return
        for i, cell in written:
            column = positions.get(i)
            if column is not None:
                self._figure(table, row_code, column, cell, match, label, {"method": "header", "score": 100.0})
        for absent in (c.code for c in table.columns if c.code not in positions.values()):  # not blank: not there
            self.missing.setdefault(f"{table.code}.{row_code}.{absent}", "column_missing")

    def _unplaceable(self, table: Table, row_code: str, row: Row, cells: list[SourceCell]) -> None:
        shown = "、".join(f"“{c.text.strip()}”" for c in cells if c.text.strip())
        if not shown:
            for column in table.columns:  # a short row of blanks: blank it stays
                self._record(table, f"{table.code}.{row_code}.{column.code}", {"value": "blank", "where": row.where()},
                             None)
            return
        codes = tuple(f"{table.code}.{row_code}.{c.code}" for c in table.columns)
        for code in codes:
            self.missing.setdefault(code, "unplaced")
        self.findings.append(import_finding(
            "I_ROW_CELLS", cells=codes, where=(row.where(),), row=self.row_name(f"{table.code}.{row_code}"),
            found=len(cells), expected=len(table.columns), place=where_text(row.where()), texts=shown))

    def _official_label(self, text: str) -> bool:
        """Whether ``text`` is, exactly, one of the format's labels (never a figure)."""
        if kind_of(text) != "text":
            return False
        labels = self.labels
        return any(m.match(text, fuzzy=False) is not None for m in
                   (labels.titles, labels.rows, *labels.columns.values(), *labels.groups.values()))

    def place_cell(self, table: Table, row_code: str, column_code: str, cell: SourceCell, match: Match, label: str,
                   column_match: dict[str, Any]) -> None:
        """One figure cell into the report, by a reader of another layout (``s4forms``)."""
        self._figure(table, row_code, column_code, cell, match, label, column_match)

    def _figure(self, table: Table, row_code: str, column_code: str, cell: SourceCell, match: Match, label: str,
                column_match: dict[str, Any]) -> None:
        code = f"{table.code}.{row_code}.{column_code}"
        value = read_value(cell.text, table.column(column_code).type)
        if value.kind == "undecodable":  # which figure the glyphs stand for cannot be known: missing, never guessed
            self.missing[code] = "undecodable"
            self.undecodable.setdefault(f"{table.code}.{row_code}", []).append((code, cell))
            return
        record: dict[str, Any] = {"value": value.kind, "text": cell.text, "where": cell.where,
                                  "row": {"label": label, **match.to_dict()}, "column": column_match}
        if value.note:
            record["note"] = value.note
        self._record(table, code, record, value.value)

    def _record(self, table: Table, code: str, record: dict[str, Any], value: Any) -> None:
        """A cell's reading, in the one place every figure enters the report: the first of a cell is kept; a later one
        that gives another figure makes the cell a conflict (neither imported, I1), one that agrees adds nothing."""
        if code in self.conflicts:
            self.conflicts[code].append(reading(record))
            return
        first = self.provenance.get(code)
        if first is None:
            if value is not None:
                self.figures[code] = value
            self.provenance[code] = record
            return
        if same_reading(first, record, table.column(code.rsplit(".", 1)[1]).type):
            return
        self.conflicts[code] = [reading(first), reading(record)]
        del self.provenance[code]
        self.figures.pop(code, None)
        self.missing[code] = "conflict"

    def again(self, name: str, row: Row, placing: Callable[[], None]) -> None:
        """A row found a second time, placed again: said to be a duplicate when it changed nothing (the same figures
        read once); its differing cells are conflicts and its unreadable cells missing, said by their own findings."""
        before = ({code: len(found) for code, found in self.conflicts.items()}, set(self.missing))
        placing()
        after = ({code: len(found) for code, found in self.conflicts.items()}, set(self.missing))
        if before == after:
            self.findings.append(import_finding("I_ROW_DUPLICATE", where=(row.where(),), row=name,
                                                place=where_text(row.where())))

    def finish(self) -> None:
        """After every row: the conflicts said, one finding a row, and no figure left for a cell listed as missing (a
        cell whose other copy could not be read is not settled by the copy that could)."""
        self.findings.extend(conflict_findings(self.conflicts, self.edition, self.row_name))
        for key, cells in self.undecodable.items():
            self.findings.append(import_finding(
                "I_UNDECODABLE", cells=tuple(code for code, _ in cells), where=tuple(c.where for _, c in cells),
                row=self.row_name(key), count=len(cells), place=where_text(cells[0][1].where),
                texts="、".join(f"“{c.text.strip()}”" for _, c in cells[:3]) + ("等" if len(cells) > 3 else "")))
        self._unread_rows()
        self.results.finish()
        for code in [c for c, why in self.missing.items() if why == "column_missing" and c in self.provenance]:
            del self.missing[code]  # the column a header left out, named by another copy's header
        for code in self.missing:
            self.figures.pop(code, None)
            self.provenance.pop(code, None)

    def _unread_rows(self) -> None:
        """A row found by its label whose cells were never read (nothing placed, nothing listed missing): its figures
        may be on a line the document lost, or in cells taken for its label. Blank is a reading a document gives, not
        what is left when nothing was read, so its cells are missing (I1), never silently blank."""
        for key in self.order:
            if key == "s4.figures":
                continue
            table = self.labels.table_of_row(key)
            codes = tuple(f"{key}.{column.code}" for column in table.columns)
            if any(code in self.provenance or code in self.missing for code in codes):
                continue
            for code in codes:
                self.missing[code] = "unread"
            source = self.placed[key].source
            self.findings.append(import_finding(
                "I_ROW_UNREAD", cells=codes, where=(source.where(),), row=self.row_name(key),
                place=where_text(source.where()), texts="、".join(
                    f"“{c.text.strip()}”" for c in source.cells if c is not None and c.text.strip())))

    def row_name(self, key: str) -> str:
        table = self.labels.table_of_row(key)
        row = table.row(key.split(".", 1)[1])
        prefix = f"第二部分{table.title}" if table.section == "二" else f"第{table.section}部分"
        return f"{prefix}「{row.label}」"


def _reads(row: Row, match: Match) -> bool:
    """Whether a row gives its cells: figures, or blank cells under its whole label. Blank cells beside a label cut
    off (fuzzy: a label's other half over a page break) are the rest of a row, not a reading of it."""
    return row.has_figures or (not row.label_only and match.method in ("exact", "drift"))


def _last_label(row: Row, positions: dict[int, str] | None, label: str) -> int:
    """The row's last label cell. Where the columns are real and the header's positions known, a text cell under a
    figure column is a figure written as text ("见说明", kept for V1), not a label — but only when the matched row
    label itself stands before the figure columns: a header shifted by a lost or extra cell puts a figure column
    over the label, and then no position is trusted."""
    last = row.label_cells[-1] if row.label_cells else -1
    if not (row.aligned and positions):
        return last
    first_figure = min(positions)
    matched = [i for i in row.label_cells if row.cells[i] is not None and row.cells[i].text == label]  # type: ignore[union-attr]
    if not matched or matched[-1] >= first_figure:
        return last
    return max(i for i in row.label_cells if i < first_figure)
