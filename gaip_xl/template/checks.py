"""The self-check: one native formula per identity of R1–R4, placed in a strip beside the totals it checks.

A rule whose totals stand in one row (R1, R2, R4) gets a row of checks just below its table; a rule whose totals
stand in one column (R3) gets a column of checks just right of it. Each check shows "✓" when the identity holds,
else the value the total should have (displayed as "✗ 应为 …"). Only IF and SUM are used, so Excel 2007+, WPS and
LibreOffice compute the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..format.layout import Label, Pos, TableBox, layout_for
from ..rules.catalog import SPECS
from ..rules.identities import Identity, identities
from .references import sum_of

CHECK_OK = "✓"
# The value is the number the total should have; the format puts "✗ 应为" in front so a clerk reads it as a finding.
CHECK_NUMBER_FORMAT = '"✗应为"0;"✗应为-"0;"✗应为"0;@'
CHECK_NOTE = ("校验栏显示“✓”表示该勾稽关系成立；否则显示该合计应有的数值，并将该合计标红。"
              "空白单元格按0计算。")


@dataclass(frozen=True)
class Check:
    identity: Identity
    pos: Pos  # where the formula stands
    target: Pos  # the total it checks
    formula: str


@dataclass(frozen=True)
class CheckStrip:
    """All checks of one rule on one table, with the caption that names the rule."""

    rule: str
    table: str  # the code of the table it stands beside
    caption: Label
    checks: tuple[Check, ...]
    across: bool  # True: a row below the table; False: a column right of it


def check_formula(identity: Identity, edition: str, sheet: str) -> str:
    layout = layout_for(edition)
    lhs = sum_of((layout.position(t.code) for t in identity.lhs), sheet)
    rhs = sum_of((layout.position(t.code) for t in identity.rhs), sheet)
    target = sum_of([layout.position(identity.target.code)], sheet)
    return f'=IF({lhs}={rhs},"{CHECK_OK}",{target}-({rhs}-{lhs}))'


def _box_of(edition: str, pos: Pos) -> TableBox:
    for box in layout_for(edition).boxes.values():
        if box.sheet == pos.sheet and box.first_row <= pos.row <= box.last_row \
                and box.first_col <= pos.col <= box.last_col:
            return box
    raise LookupError(f"no table holds {pos}")


@cache
def check_strips(edition: str) -> tuple[CheckStrip, ...]:
    """Every check of the edition, grouped in strips, in rule order; positions derived from the layout only."""
    layout = layout_for(edition)
    by_rule: dict[str, list[Identity]] = {}
    for identity in identities(edition):
        by_rule.setdefault(identity.rule, []).append(identity)
    strips: list[CheckStrip] = []
    row_strips: dict[str, int] = {}  # table code → strips already placed below it
    col_strips: dict[str, int] = {}
    for rule, found in by_rule.items():
        targets = [layout.position(i.target.code) for i in found]
        box = _box_of(edition, targets[0])
        across = len({t.row for t in targets}) == 1
        title = f"{rule} 校验：{SPECS[rule].title}"
        if across:
            row = box.last_row + 1 + row_strips.get(box.table.code, 0)
            row_strips[box.table.code] = row_strips.get(box.table.code, 0) + 1
            checks = tuple(Check(i, Pos(box.sheet, row, t.col), t, check_formula(i, edition, box.sheet))
                           for i, t in zip(found, targets, strict=True))
            last_caption_col = max(min(t.col for t in targets) - 1, box.first_col)
            caption = Label(Pos(box.sheet, row, box.first_col), title, row, last_caption_col, "check")
        else:
            col = box.last_col + 1 + col_strips.get(box.table.code, 0)
            col_strips[box.table.code] = col_strips.get(box.table.code, 0) + 1
            checks = tuple(Check(i, Pos(box.sheet, t.row, col), t, check_formula(i, edition, box.sheet))
                           for i, t in zip(found, targets, strict=True))
            caption = Label(Pos(box.sheet, box.first_row, col), title, box.first_data_row - 1, col, "check")
        strips.append(CheckStrip(rule, box.table.code, caption, checks, across))
    return tuple(strips)


def check_positions(edition: str) -> dict[tuple[str, str], Pos]:
    """(rule, identity key) → the cell of its check formula, e.g. ("R3", "new") → 三、依申请公开!K6."""
    return {(c.identity.rule, c.identity.key): c.pos for strip in check_strips(edition) for c in strip.checks}


def check_notes(edition: str) -> list[Label]:
    """One explanatory line under every table that has checks, below its last check row."""
    notes = []
    for code, box in layout_for(edition).boxes.items():
        strips = [s for s in check_strips(edition) if s.table == code]
        if strips:
            row = box.last_row + 1 + sum(1 for s in strips if s.across)
            last_col = max([box.last_col, *(s.caption.pos.col for s in strips if not s.across)])
            notes.append(Label(Pos(box.sheet, row, box.first_col), CHECK_NOTE, row, last_col, "note"))
    return notes
