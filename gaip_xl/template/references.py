"""A1 references to layout positions, compressed into ranges so the template's formulas stay short and readable."""

from __future__ import annotations

from collections.abc import Iterable

from ..format.layout import Pos, column_letter


def runs(positions: Iterable[Pos]) -> list[tuple[Pos, Pos]]:
    """Consecutive cells of one sheet merged into (first, last) rectangles: first along rows, then down columns."""
    ordered = sorted(set(positions), key=lambda p: (p.sheet, p.row, p.col))
    across: list[list[Pos]] = []
    for pos in ordered:
        last = across[-1][-1] if across else None
        if last and last.sheet == pos.sheet and last.row == pos.row and last.col + 1 == pos.col:
            across[-1].append(pos)
        else:
            across.append([pos])
    merged: list[tuple[Pos, Pos]] = []
    for first, last in ((r[0], r[-1]) for r in sorted(across, key=lambda r: (r[0].sheet, r[0].col, r[0].row))):
        if merged:
            top, bottom = merged[-1]
            if (top.sheet == first.sheet and top.col == first.col and bottom.col == last.col
                    and bottom.row + 1 == first.row):
                merged[-1] = (top, last)
                continue
        merged.append((first, last))
    return sorted(merged, key=lambda r: (r[0].sheet, r[0].row, r[0].col))


def ref(first: Pos, last: Pos | None = None, *, on_sheet: str | None = None, absolute: bool = False) -> str:
    """"D6", "D6:I6", or "'三、依申请公开'!D6:I6" when the formula stands on another sheet than ``first``."""
    def a1(pos: Pos) -> str:
        return f"${column_letter(pos.col)}${pos.row}" if absolute else pos.a1

    text = a1(first) if last is None or last == first else f"{a1(first)}:{a1(last)}"
    return text if first.sheet == on_sheet else f"'{first.sheet}'!{text}"


def ranges_a1(positions: Iterable[Pos]) -> list[str]:
    """The cells of one sheet as few rectangles as ``runs`` finds: ["D6:J30", "D34"], for an sqref."""
    return [ref(first, last, on_sheet=first.sheet) for first, last in runs(positions)]


def sum_of(positions: Iterable[Pos], on_sheet: str) -> str:
    """SUM over the cells; blanks and text count as 0, as in the rule engine."""
    return "SUM(" + ",".join(ref(a, b, on_sheet=on_sheet) for a, b in runs(positions)) + ")"
