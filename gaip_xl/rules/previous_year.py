"""Y1–Y3: this year's report compared with last year's, as reviewers do: a figure that jumped or collapsed, a table
copied forward, prose copied forward (the notices warn against 内容雷同).

Y1 looks at the 总计 column of sections 三 and 四 (the application and case counts reviewers compare) and flags a
figure that is at least five times last year's or at most a fifth of it, when the larger of the two reaches a floor
(so 1 → 5 or 3 → 0 is not flagged). Section 二 is left out: its counts are the year's decisions and documents, which
swing for good reasons (a real report went from 3 to 55 repealed documents in a clean-up year, and from 42 行政强制
decisions to none), so a warning there would mostly be noise.

Y2 flags a table whose every figure equals last year's while it holds a figure of the year that is not 0 (stock
figures such as 现行有效件数 may stay the same; they alone do not count).

Y3 compares the prose sentence by sentence (whitespace removed, numbers ignored, so a changed year does not hide a
copy) and reports the share of this year's text found again, identical or nearly (rapidfuzz ratio), in last year's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rapidfuzz import fuzz, process

from .checks import check, finding
from .context import Context
from .findings import CellRef, Finding
from .review import table_name

JUMP_FACTOR = 5
JUMP_FLOOR = 20  # the larger of the two figures must reach this for a jump or a fall to count
STOCK_COLUMNS = frozenset({"in_force", "total_published", "previous_count"})  # figures that carry over by nature
SENTENCE_MIN = 8  # characters: shorter sentences (headings, "无") say nothing about copying
PROSE_MIN = 100  # characters of compared sentences below which a part is too short to judge
SAME_SENTENCE = 90  # rapidfuzz ratio from which two sentences count as the same
LARGELY_SAME = 0.5  # share of this year's text found in last year's from which Y3 warns

_SENTENCE_END = re.compile(r"[。！？；!?;\n]+")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")


def _watched(ctx: Context) -> list[str]:
    """The figure codes Y1 compares: the 总计 column of sections 三 and 四, in both reports' editions."""
    assert ctx.previous is not None
    previous = set(ctx.previous.report.edition.cell_codes)
    return [c.code for c in ctx.edition.cells
            if c.table.section in ("三", "四") and c.column.code == "total" and c.code in previous]


def _change(current: float, previous: float) -> str:
    if previous == 0:
        return "上年为0"
    ratio = current / previous
    if ratio >= 1:
        return f"是上年的{ratio:.1f}倍".replace(".0倍", "倍")
    return f"只有上年的{ratio:.0%}"


@check("Y1")
def figure_jumps(ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    for code in _watched(ctx):
        if code in ctx.current.blanks or code in ctx.previous.blanks:
            continue  # blank is not 0: nothing to compare
        now, before = ctx.current.number(code), ctx.previous.number(code)
        if now is None or before is None:
            continue  # not a number: V1 says so
        high, low = max(now, before), min(now, before)
        if high >= JUMP_FLOOR and high >= JUMP_FACTOR * low:
            cell = CellRef.figure(ctx.edition, code)
            yield finding("Y1", (cell, CellRef.figure(ctx.previous.report.edition, code, "previous")),
                          expected=before, actual=now, difference=now - before, label=cell.label,
                          change=_change(now, before))


@check("Y2")
def copied_tables(ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None or ctx.previous.report.edition.code != ctx.edition.code:
        return
    current, previous = ctx.report.figures, ctx.previous.report.figures
    for table in ctx.edition.tables:
        cells = table.cells()
        if any(current.get(c.code) != previous.get(c.code) for c in cells):
            continue
        if any(ctx.current.number(c.code) for c in cells if c.column.code not in STOCK_COLUMNS):
            yield finding("Y2", tuple(CellRef.figure(ctx.edition, c.code) for c in cells), table=table_name(table))


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` as compared: whitespace removed, every number read as one sign."""
    found = (_DIGITS.sub("#", _SPACE.sub("", s)) for s in _SENTENCE_END.split(text))
    return [s for s in found if len(s) >= SENTENCE_MIN]


def shared_share(text: str, previous_text: str) -> float | None:
    """The share (by characters) of ``text``'s sentences found, identical or nearly, in ``previous_text``; None when
    ``text`` is too short to judge."""
    these, those = sentences(text), sentences(previous_text)
    total = sum(len(s) for s in these)
    if total < PROSE_MIN or not those:
        return None
    earlier = set(those)
    same = sum(len(s) for s in these
               if s in earlier or process.extractOne(s, those, scorer=fuzz.ratio, score_cutoff=SAME_SENTENCE))
    return same / total


@check("Y3")
def copied_prose(ctx: Context) -> Iterator[Finding]:
    if ctx.previous is None:
        return
    for part in ctx.edition.text_parts:
        text, before = ctx.report.text.get(part.code), ctx.previous.report.text.get(part.code)
        if not isinstance(text, str) or not isinstance(before, str):
            continue
        share = shared_share(text, before)
        if share is not None and share >= LARGELY_SAME:
            yield finding("Y3", (CellRef.field(ctx.edition, f"text.{part.code}", part.label),),
                          expected=LARGELY_SAME, actual=round(share, 4), part=part.label, share=f"{share:.0%}")



