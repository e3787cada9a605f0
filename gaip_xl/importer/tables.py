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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..format import Edition, Table
from .conflicts import conflict_findings, reading, same_reading
from .findings import ImportFinding, import_finding, where_text
from .labels import Labels, family_of
from .matcher import Match
from .model import Grid, SourceCell
from .normalize import normalise
from .values import kind_of, read_value

S4_WIDTH = 15
_RUN_TOGETHER = re.compile(r"^(?P<label>.*\D)(?P<figures>\d+(?:\.\d+)?)$")  # "行政许可3960181"


def _fits(positions: Mapping[int, object], stray: Iterable[int]) -> bool:
    """Whether a row whose written cells at ``stray`` fall under no header column still fits the header: only when
    each lies strictly between header columns (a column the header leaves unnamed). A cell left or right of every
    header column means the row is shifted (a cell lost or added in the markup, a rowspan thrown off, two rows run
    together), and placing its figures by the header would move them."""
    return all(min(positions) < i < max(positions) for i in stray)


def _in_official_order(positions: Mapping[int, str], table: Table) -> bool:
    """Whether the header's columns, left to right, come in the order the notice prints them."""
    rank = {c.code: i for i, c in enumerate(table.columns)}
    found = [rank.get(positions[i], -1) for i in sorted(positions)]
    return all(a < b for a, b in zip(found, found[1:], strict=False))


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

    # ------------------------------------------------------------------ walking
    def walk(self, grids: list[tuple[Grid, str | None]]) -> None:
        for index, (grid, section) in enumerate(grids):
            if section is not None:
                self.context = section
            for cells in grid.rows:
                if any(c is not None and c.text.strip() for c in cells):
                    self._row(Row(cells, index, grid.aligned, grid.width))
                elif self._blank_s4_row(cells):
                    self._place_s4(Row(cells, index, grid.aligned, grid.width))

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
            if row.has_figures and self.context == "s4" and (not texts or self._under_s4_header(row)):
                self._place_s4(row)
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
                self._again(self.row_name(match.key), row, lambda: self.place(match.key, match, label, row, True))
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
            self._again(self.row_name(key), row, lambda: self.place(key, pending.match, pending.label, row, True))
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
        title and rows, with other columns in other places: those headers are never mixed into one."""
        header = self.headers.get(family)
        if header is None or header.grid != row.grid or not continued:
            header = self.headers[family] = Header(row.grid, row.width, row.aligned)
        header.rows.append(row)
        self.context, self.pending, self.reading_header = family, None, family

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
        if positions and not _in_official_order(positions, table):
            # the header names the columns in another order than the notice prints them: a header cell lost in the
            # markup shifts the ones after it, so neither the header nor counting can place this row's figures
            self._unplaceable(table, row_code, row, [c for i, c in enumerate(row.cells) if i > last_label and c])
            return
        if row.aligned and positions and min(positions) > last_label:
            self._by_positions(table, row_code, match, label, row, positions, last_label)
            return
        header = self.headers.get(family)
        if family == "s2" and positions is None and header is not None and header.grid == row.grid:
            # a header over this row names none of this table's columns (the other edition's, say): the figures'
            # meaning is unknown, so they are not placed by counting
            self._unplaceable(table, row_code, row, [c for i, c in enumerate(row.cells) if i > last_label and c])
            return
        cells = [(i, c) for i, c in enumerate(row.cells) if i > last_label and c is not None]
        cells = _trim(cells, len(table.columns))
        if len(cells) == len(table.columns):
            for column, (_, cell) in zip(table.columns, cells, strict=True):
                self._figure(table, row_code, column.code, cell, match, label, {"method": "order", "score": 100.0})
        elif len(cells) > len(table.columns) and positions and min(positions) > last_label:
            self._by_positions(table, row_code, match, label, row, positions, last_label)
        else:
            self._unplaceable(table, row_code, row, [c for _, c in cells])

    def _by_positions(self, table: Table, row_code: str, match: Match, label: str, row: Row,
                      positions: dict[int, str], last_label: int) -> None:
        """The row's figures by the header's columns. A written cell left or right of every header column means the
        row does not fit the header (a cell lost or added in the markup, a rowspan thrown off, two rows run
        together): any placement would be a guess, so the whole row is reported instead. A cell under a gap between
        header columns (a column the header leaves unnamed, as in copied text) is reported and the rest placed."""
        written = [(i, cell) for i, cell in enumerate(row.cells) if i > last_label and cell is not None]
        stray = [(i, cell) for i, cell in written if positions.get(i) is None and cell.text.strip()]
        for _, cell in stray:
            self.findings.append(import_finding(
                "I_CELL_UNPLACED", where=(cell.where,), row=self.row_name(f"{table.code}.{row_code}"),
                text=cell.text.strip(), place=where_text(cell.where)))
        holes = [i for i in positions if i >= len(row.cells) or row.cells[i] is None]
        if holes or not _fits(positions, [i for i, _ in stray]):  # a header column with no cell: one was lost
            self._unplaceable(table, row_code, row, [cell for _, cell in written])
            return
        header = {"method": "header", "score": 100.0}
        for i, cell in written:
            column = positions.get(i)
            if column is not None:
                self._figure(table, row_code, column, cell, match, label, header)
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

    def _again(self, name: str, row: Row, placing: Callable[[], None]) -> None:
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

    # ------------------------------------------------------------------ section 四: one wide row
    def _place_s4(self, row: Row) -> None:
        key = "s4.figures"
        if key in self.placed:
            self._again("第四部分", row, lambda: self._s4_cells(row))
            return
        self.placed[key] = Placed(key, Match(key, "header", 100.0), "", row)
        self._s4_cells(row)

    def _s4_cells(self, row: Row) -> None:
        table = self.edition.table("s4")
        header = self.headers.get("s4")
        slots = self._s4_positions(header, row) if header and row.aligned else None
        stray = [i for i, cell in enumerate(row.cells) if cell is not None and cell.text.strip() and
                 slots is not None and i not in slots]
        misfit = bool(slots) and not _fits(slots, stray)  # type: ignore[arg-type]
        if slots and not misfit:
            for i, cell in enumerate(row.cells):
                if cell is None:
                    continue
                slot = slots.get(i)
                if slot is None:
                    if cell.text.strip():
                        self.findings.append(import_finding(
                            "I_CELL_UNPLACED", where=(cell.where,), row="第四部分", text=cell.text.strip(),
                            place=where_text(cell.where)))
                    continue
                self._figure(table, slot[0], slot[1], cell, Match(slot[0], "header", 100.0),
                             table.row(slot[0]).label, {"method": "header", "score": 100.0})
            return
        cells = _trim([(i, c) for i, c in enumerate(row.cells) if c is not None], S4_WIDTH)
        order = self._s4_reading_order(header)
        if len(cells) != S4_WIDTH or misfit:  # a row its header contradicts is not placed by counting either
            codes = tuple(c.code for c in table.cells())
            for code in codes:
                self.missing.setdefault(code, "unplaced")
            self.findings.append(import_finding(
                "I_ROW_CELLS", cells=codes, where=(row.where(),), row="第四部分", found=len(cells),
                expected=S4_WIDTH, place=where_text(row.where()),
                texts="、".join(f"“{c.text.strip()}”" for _, c in cells)))
            return
        method = "header" if order is not None else "order"
        slots_in_order = order or [(r.code, c.code) for r in table.rows for c in table.columns]
        for (row_code, column_code), (_, cell) in zip(slots_in_order, cells, strict=True):
            self._figure(table, row_code, column_code, cell, Match(row_code, method, 100.0),
                         table.row(row_code).label, {"method": method, "score": 100.0})

    def _under_s4_header(self, row: Row) -> bool:
        """Section 四's figure row whose first figures are text ("见说明"): every such text stands under a figure
        column of the header over it (real columns only), so it is a figure, not a row label."""
        header = self.headers.get("s4")
        slots = self._s4_positions(header, row) if header and row.aligned else None
        return slots is not None and bool(slots) and all(i in slots for i in row.label_cells)

    def _s4_positions(self, header: Header, row: Row) -> dict[int, tuple[str, str]] | None:
        if not (header.grid == row.grid or header.width == row.width) or len(row.cells) != len(header.rows[-1].cells):
            return None
        columns, groups = self.labels.columns["s4"], self.labels.groups["s4"]
        row_codes = {r.code for r in self.edition.table("s4").rows}
        slots: dict[int, tuple[str, str]] = {}
        for depth, head in enumerate(header.rows):
            for i, cell in enumerate(head.cells):
                leaf = columns.match(cell.text) if cell is not None and cell.text.strip() else None
                if leaf is None:
                    continue
                group = None
                for above in reversed(header.rows[:depth]):
                    text = _spanning_text(above.cells, i)
                    found = groups.match(text) if text else None
                    if found is not None and found.key in row_codes:
                        group = found.key
                        break
                if group is not None:
                    slots[i] = (group, leaf.key)
        # every one of the fifteen (group, result) pairs exactly once: a header that names a group twice or not at all
        # (a cell lost in the markup) would move a whole group's figures
        return slots if len(slots) == S4_WIDTH and len(set(slots.values())) == S4_WIDTH else None

    def _s4_reading_order(self, header: Header | None) -> list[tuple[str, str]] | None:
        """The header's labels in reading order (copied text): five result columns under each of three groups."""
        if header is None:
            return None
        columns, groups = self.labels.columns["s4"], self.labels.groups["s4"]
        row_codes = [r.code for r in self.edition.table("s4").rows]
        leaves, found_groups = [], []
        for head in header.rows:
            for cell in head.cells:
                if cell is None or not cell.text.strip():
                    continue
                leaf = columns.match(cell.text)
                if leaf is not None:
                    leaves.append(leaf.key)
                    continue
                group = groups.match(cell.text)
                if group is not None and group.key in row_codes and group.key not in found_groups:
                    found_groups.append(group.key)
        column_codes = {c.code for c in self.edition.table("s4").columns}
        chunks = [leaves[i:i + 5] for i in range(0, len(leaves), 5)]
        if len(leaves) != S4_WIDTH or any(set(chunk) != column_codes for chunk in chunks):
            return None
        order_of_groups = found_groups if sorted(found_groups) == sorted(row_codes) else row_codes
        return [(g, c) for g, chunk in zip(order_of_groups, chunks, strict=True) for c in chunk]

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


def _trim(cells: list[tuple[int, SourceCell]], wanted: int) -> list[tuple[int, SourceCell]]:
    """Drops the extra empty cells at the ends of a row that has more cells than columns, when which ones are extra is
    certain: all the extras at one end, or every empty cell at both ends. Otherwise the row is left as it is (and
    will not be placed by counting)."""
    extra = len(cells) - wanted
    if extra <= 0:
        return cells
    lead = next((i for i, (_, c) in enumerate(cells) if c.text.strip()), len(cells))
    trail = next((i for i, (_, c) in enumerate(reversed(cells)) if c.text.strip()), len(cells))
    if lead == len(cells):  # nothing but empty cells
        return cells[:wanted]
    if lead == 0 and trail >= extra:
        return cells[:wanted]
    if trail == 0 and lead >= extra:
        return cells[extra:]
    if lead + trail == extra:
        return cells[lead:len(cells) - trail]
    return cells


def _spanning_text(cells: list[SourceCell | None], index: int) -> str:
    """The text over column ``index`` in a header row: its own cell, or the merged cell that covers it."""
    for i in range(min(index, len(cells) - 1), -1, -1):
        cell = cells[i]
        if cell is not None:
            return cell.text if (i == index or cell.text.strip()) else ""
    return ""
