"""A table row broken by a page break, put back together before its figures are read (PDF).

Word, WPS and LibreOffice let a row break across pages: the row's first lines end one page's table and the rest begin
the next page's, so a PDF gives two rows — "2.申" with figures cut after their first line ("11,57"), then the label's
rest with the figures' rest ("3"). Read apart, the second half matched the row by its label and its cut figures were
taken for the row's. Two such rows are one when the last row of a table at a page's end and the first row of the
table at the next page's top have the same columns, neither half's label is a row's label by itself, and the cells
joined (each cell's text, a line break between) give one; a figure cut in two is then read as a figure wrapped in a
narrow cell. A top row with figures and no label under a data row is the rest of that row's cells too, and figures
with no label ending a page are the first lines of the data row that begins the next.
"""

from __future__ import annotations

from collections.abc import Callable

from .matcher import Match
from .model import Grid, SourceCell
from .rows import Row

Matching = Callable[[Row], Match | None]


def join_split_rows(grids: list[Grid], match: Matching) -> list[Grid]:
    """The grids with each row broken over a page break joined into the first half's place."""
    out = list(grids)
    for index in range(1, len(out)):
        before, after = out[index - 1], out[index]
        if not _continues(before, after) or not after.rows or not before.rows:
            continue
        first, second = before.rows[-1], after.rows[0]
        joined = [_join(a, b) for a, b in zip(first, second, strict=True)]
        if _halves(Row(first, 0, True, len(first)), Row(second, 0, True, len(second)),
                   Row(joined, 0, True, len(joined)), match):
            out[index - 1] = Grid([*before.rows[:-1], joined], before.where, before.aligned)
            out[index] = Grid(after.rows[1:], after.where, after.aligned)
    return out


def _continues(before: Grid, after: Grid) -> bool:
    """A table at the top of the page after the one another table ends, with as many columns: one table broken."""
    pages = before.where.get("page"), after.where.get("page")
    return (before.aligned and after.aligned and None not in pages and pages[1] == pages[0] + 1  # type: ignore[operator]
            and len(before.rows[-1] if before.rows else []) == len(after.rows[0] if after.rows else [None]))


def _halves(first: Row, second: Row, joined: Row, match: Matching) -> bool:
    whole = match(joined)
    if not second.label_cells:  # figures alone at the top: the rest of a data row's cells
        return second.has_figures and first.has_figures and match(first) is not None
    if not first.label_cells:  # figures alone at the foot (a short label centred lower): the next row's first lines
        return first.has_figures and match(second) is not None
    own = [match(half) for half in (first, second)]
    return whole is not None and whole.method in ("exact", "drift") and \
        not any(m is not None and m.method in ("exact", "drift") for m in own)


def _join(top: SourceCell | None, rest: SourceCell | None) -> SourceCell | None:
    if top is None or rest is None:
        return top if rest is None else rest
    if not rest.text.strip():
        return top
    text = f"{top.text}\n{rest.text}" if top.text.strip() else rest.text
    return SourceCell(text, {**top.where, "continued": rest.where})
