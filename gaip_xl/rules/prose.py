"""R9: figures quoted in the prose (受理、办结、结转, 复议/诉讼 counts; section 二's 规章, 规范性文件, 行政许可)
agree with the tables.

Each quotation is declared as data: a pattern for the phrase a report writes, and the readings it may have, each a set
of cells whose sum it quotes ("收到…申请 N 件" is written for 新收 alone and for 新收 + 上年结转: either agrees).
Patterns are deliberately narrow (an explicit count followed by 件/起/宗 right after the phrase) so that the warning is
only raised on a sentence that plainly states the figure; a prose sentence the patterns do not recognise is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from ..format import EDITIONS
from .checks import check, finding
from .context import Context
from .findings import CellRef, Finding

_NUMBER = r"(?P<n>\d+)\s*(?:件|起|宗)"
_GAP = r"[^，。；：\d]{0,12}?"  # a few characters of the same clause, never a number or a clause break
# Section 二's counts: a shorter gap that never passes a word turning the count into another one (现行有效 30 件,
# 废止 2 件, 清理, 备案 are other figures than 制定 or 制发).
_OTHER_COUNTS = ("有效", "废止", "失效", "清理", "备案", "审查", "修改", "修订")
_GAP_S2 = rf"(?:(?!{'|'.join(_OTHER_COUNTS)})[^，。；：\d]){{0,6}}?"



@dataclass(frozen=True)
class Quotation:
    what: str  # how the message names the figure
    pattern: re.Pattern[str]
    readings: tuple[tuple[str, ...], ...]  # each a set of codes whose sum the phrase may quote; the first is the usual
    also: str = ""  # how the message names the other reading
    not_after: tuple[str, ...] = ()  # words right before the phrase that make it another figure ("现行有效…")

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for reading in self.readings for code in reading))


def _q(what: str, phrase: str, *cells: str) -> Quotation:
    return Quotation(what, re.compile(phrase + _GAP + _NUMBER), (cells,))


def _s2(what: str, phrase: str, *cells: str) -> Quotation:
    return Quotation(what, re.compile(phrase + _GAP_S2 + _NUMBER), (cells,), not_after=_OTHER_COUNTS)


QUOTATIONS = (
    _q("本年新收申请", r"(?:新收|受理)(?:政府信息公开|依申请公开)?申请", "s3.new.total"),
    Quotation("本年新收申请", re.compile(r"收到[^，。；：\d]{0,12}?申请" + _GAP + _NUMBER),
              (("s3.new.total",), ("s3.new.total", "s3.carried_in.total")), "本年新收加上年结转"),
    _q("上年结转申请", r"上年(?:度)?结转", "s3.carried_in.total"),
    _q("结转下年度申请", r"结转(?:至|到)?下(?:一)?年度", "s3.carried_out.total"),
    _q("办结申请", r"(?:办结|办理完毕)", "s3.total.total"),
    # phrases start with a literal (an optional prefix such as "(?:政府信息公开)?" makes re try every position: ten
    # times slower), so "政府信息公开行政复议" is matched from 行政复议
    _q("行政复议案件", r"行政复议(?:案件)?", "s4.review.total"),
    _q("行政诉讼案件", r"行政诉讼(?:案件)?", "s4.direct_suit.total", "s4.suit_after_review.total"),
    # section 二: the 2021 edition counts 本年制发, the 2019 edition 本年新制作 (a reading whose cells an edition lacks
    # is not judged)
    _s2("本年制定规章件数", r"(?:制定|制发|出台|发布)了?(?:地方政府|部门)?规章", "s2_item1.rules.issued"),
    _s2("本年制定规章件数", r"(?:制定|制作|出台|发布)了?(?:地方政府|部门)?规章", "s2_item1.rules.made"),
    _s2("本年制发规范性文件件数", r"规范性文件", "s2_item1.normative.issued"),
    _s2("本年新制作规范性文件件数", r"规范性文件", "s2_item1.normative.made"),
    _s2("行政许可处理决定数量", r"行政许可(?:决定)?", "s2_item5.licensing.decisions"),
)


@cache
def _quotations(edition_code: str) -> tuple[Quotation, ...]:
    """The quotations whose cells the edition has (section 二's differ between the editions)."""
    codes = frozenset(EDITIONS[edition_code].cell_codes)
    return tuple(q for q in QUOTATIONS if codes.issuperset(q.cells))


def _quoted(text: str, edition_code: str) -> Iterator[tuple[Quotation, int, str]]:
    for quotation in _quotations(edition_code):
        for match in quotation.pattern.finditer(text):
            before = text[max(0, match.start() - 2):match.start()]
            if before not in quotation.not_after:  # checked here, not as look-behinds: those slow every position
                yield quotation, int(match.group("n")), match.group(0)


@check("R9")
def prose_agrees_with_tables(ctx: Context) -> Iterator[Finding]:
    for part in ctx.edition.text_parts:
        text = ctx.report.text.get(part.code)
        if not isinstance(text, str):
            continue
        for quotation, quoted, phrase in _quoted(text, ctx.edition.code):
            sums = [_sum(ctx, reading) for reading in quotation.readings]
            if None in sums or quoted in sums:
                continue  # a figure that is not a number (V1 says so), or one reading agrees
            cells = (CellRef.field(ctx.edition, f"text.{part.code}", part.label),
                     *(CellRef.figure(ctx.edition, code) for code in quotation.cells))
            table_value = sums[0]
            alternative = "".join(f"，{quotation.also}为{_shown(other)}" for other in sums[1:])
            yield finding("R9", cells, expected=table_value, actual=quoted,
                          difference=quoted - table_value,  # type: ignore[operator]
                          part=part.label, phrase=phrase, what=quotation.what, alternative=alternative)


def _sum(ctx: Context, codes: tuple[str, ...]) -> int | float | None:
    values = [ctx.current.number(code) for code in codes]
    return None if None in values else sum(values)  # type: ignore[arg-type]


def _shown(value: int | float | None) -> str:
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
