"""R9: figures quoted in the prose (受理、办结、结转, 复议/诉讼 counts) agree with the tables.

Each quotation is declared as data: a pattern for the phrase a report writes, and the cells whose sum it quotes.
Patterns are deliberately narrow (an explicit count followed by 件/起/个 right after the phrase) so that the warning is
only raised on a sentence that plainly states the figure; a prose sentence the patterns do not recognise is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .checks import check, finding
from .context import Context
from .findings import CellRef, Finding

_NUMBER = r"(?P<n>\d+)\s*(?:件|起|宗)"
_GAP = r"[^，。；：\d]{0,12}?"  # a few characters of the same clause, never a number or a clause break


@dataclass(frozen=True)
class Quotation:
    what: str  # how the message names the figure
    pattern: re.Pattern[str]
    cells: tuple[str, ...]  # codes whose sum the prose quotes


def _q(what: str, phrase: str, *cells: str) -> Quotation:
    return Quotation(what, re.compile(phrase + _GAP + _NUMBER), cells)


QUOTATIONS = (
    _q("本年新收申请", r"(?:新收|收到|受理)(?:政府信息公开|依申请公开)?申请", "s3.new.total"),
    _q("上年结转申请", r"上年(?:度)?结转", "s3.carried_in.total"),
    _q("结转下年度申请", r"结转(?:至|到)?下(?:一)?年度", "s3.carried_out.total"),
    _q("办结申请", r"(?:办结|办理完毕)", "s3.total.total"),
    _q("行政复议案件", r"(?:政府信息公开)?行政复议(?:案件)?", "s4.review.total"),
    _q("行政诉讼案件", r"(?:政府信息公开)?行政诉讼(?:案件)?", "s4.direct_suit.total", "s4.suit_after_review.total"),
)


def _quoted(text: str) -> Iterator[tuple[Quotation, int, str]]:
    for quotation in QUOTATIONS:
        for match in quotation.pattern.finditer(text):
            yield quotation, int(match.group("n")), match.group(0)


@check("R9")
def prose_agrees_with_tables(ctx: Context) -> Iterator[Finding]:
    for part in ctx.edition.text_parts:
        text = ctx.report.text.get(part.code)
        if not isinstance(text, str):
            continue
        for quotation, quoted, phrase in _quoted(text):
            values = [ctx.current.number(code) for code in quotation.cells]
            if None in values:
                continue
            table_value = sum(values)  # type: ignore[arg-type]
            if table_value == quoted:
                continue
            cells = (CellRef.field(ctx.edition, f"text.{part.code}", part.label),
                     *(CellRef.figure(ctx.edition, code) for code in quotation.cells))
            yield finding("R9", cells, expected=table_value, actual=quoted, difference=quoted - table_value,
                          part=part.label, phrase=phrase, what=quotation.what)
