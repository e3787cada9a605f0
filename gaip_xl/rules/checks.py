"""The checks behind the rules of ``catalog.py``, one small generator per rule id.

As in python-jsonschema, a check is a function that yields findings; ``CHECKS`` maps rule id to check, and the
engine runs them. Identity rules (R1–R8) share one evaluator over the identities of ``identities.py``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from ..format import LEVELS_THAT_MAKE_RULES, edition_for_year
from ..report.limits import FIRST_YEAR, LAST_YEAR, NUMBER_TEXT
from ..report.model import FROM_JSON
from .catalog import BLANK_NOTE, SPECS
from .context import Context
from .findings import CellRef, Finding
from .identities import Identity, Term, cross_year_identities, identities
from .summary import listed
from .values import DATE_OR_TIME, Problem

Check = Callable[[Context], Iterator[Finding]]
CHECKS: dict[str, Check] = {}

OVERVIEW_LIMIT = 1000


def check(rule_id: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        assert rule_id in SPECS, rule_id
        CHECKS[rule_id] = fn
        return fn
    return register


def finding(rule_id: str, cells: tuple[CellRef, ...] = (), expected: Any = None, actual: Any = None,
            difference: Any = None, **params: Any) -> Finding:
    """A finding of ``rule_id``; its message is the rule's template filled with ``params`` and the three values."""
    spec = SPECS[rule_id]
    shown = {k: _number_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else shown_value(v)
             for k, v in (("expected", expected), ("actual", actual), ("difference", difference))}
    words = {k: v if isinstance(v, str) else shown_value(v) for k, v in params.items()}
    return Finding(spec.id, spec.severity, spec.message.format(**shown, **words), cells, expected, actual,
                   difference, spec.title)


BLANK_VALUE = "空白"


def shown_value(value: Any) -> str:
    """A value as a message shows it to a clerk: a logical value as Excel and WPS show it (TRUE, FALSE), a list or
    an object as JSON writes it, nothing as 空白, anything else as its text; never Python's spelling of a value
    (``True``, ``None``, ``{'a': 1}``), which no reader of the workbook or the JSON ever saw."""
    if value is None:
        return BLANK_VALUE
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dict, list, tuple)):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _number_text(value: float) -> str:
    """A number as a clerk writes it: 3, 0.25 (never 3.0 or 2.5e-05)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{round(value, 6):f}".rstrip("0")
    return str(value)


# ---------------------------------------------------------------------- identities (R1–R8)
def _sum(numbers: dict[str, int | float | None], terms: tuple[Term, ...],
         previous: dict[str, int | float | None]) -> int | float | None:
    try:
        return sum([(previous if t.previous else numbers)[t.code] for t in terms])  # type: ignore[misc]
    except TypeError:  # a term that is not a number: V1 already says so, the identity is not judged
        return None


# What a total is compared with, in the words of the message (rules whose identity is "total = sum of parts").
PARTS = {"R2": "（一）至（六）各项之和", "R3": "各类申请人之和", "R4": "结果维持、结果纠正、其他结果、尚未审结之和"}


def more_or_less(difference: int | float) -> str:
    """"多5" or "少5": how a figure compares, so that the clerk reads the gap instead of working it out."""
    return f"{'多' if difference > 0 else '少'}{_number_text(abs(difference))}"


def _comparison(rule: str, expected: int | float, actual: int | float, target_blank: bool) -> str:
    """"填了805，比各项之和（0）多805", or for a total left blank "未填写，各项之和为805" (blank is not 0)."""
    parts = PARTS.get(rule)
    if parts is None:
        return more_or_less(actual - expected)
    if target_blank:
        return f"未填写，{parts}为{_number_text(expected)}"
    return f"填了{_number_text(actual)}，比{parts}（{_number_text(expected)}）{more_or_less(actual - expected)}"


def evaluate(ctx: Context, identity: Identity) -> Finding | None:
    """The finding of one identity, or None when it holds (or a term is not a number: V1 already says so)."""
    current, previous = ctx.current.numbers, ctx.previous.numbers if ctx.previous else {}
    expected, actual = _sum(current, identity.lhs, previous), _sum(current, identity.rhs, previous)
    if expected is None or actual is None or expected == actual or abs(actual - expected) < 1e-9:
        return None
    difference = actual - expected
    target_sheet = ctx.sheet(identity.target)
    target_value = target_sheet.number(identity.target.code)
    target_blank = identity.target.code in target_sheet.blanks and identity.rule in PARTS
    blanks = sum(ctx.sheet(t).blank(t.code) for t in identity.terms) - target_blank
    edition = target_sheet.report.edition
    row, column = identity.target.code.split(".")[1:]
    table = edition.table(identity.target.code.split(".")[0])
    return finding(
        identity.rule, ctx.cells(identity), expected, actual, difference,
        column=table.column(column).label, row=" ".join(table.row(row).path[-2:]),
        caption=table.title, actual_target=_number_text(target_value),  # type: ignore[arg-type]
        should=_number_text(target_value - difference),  # type: ignore[operator]
        comparison=_comparison(identity.rule, expected, actual, target_blank),
        more_or_less=more_or_less(difference),
        blank_note=BLANK_NOTE.format(count=blanks) if blanks else "",
    )


@cache
def _same_year(rule_id: str, edition_code: str) -> tuple[tuple[Identity, tuple[str, ...], tuple[str, ...]], ...]:
    """The rule's identities within one report, each with the codes of its two sides (per edition, once)."""
    return tuple((i, tuple(t.code for t in i.lhs), tuple(t.code for t in i.rhs))
                 for i in identities(edition_code) if i.rule == rule_id)


def _identity_check(rule_id: str) -> Check:
    def run(ctx: Context) -> Iterator[Finding]:
        if rule_id in ("R1", "R2", "R3", "R4"):
            number = ctx.current.numbers.__getitem__
            for identity, lhs, rhs in _same_year(rule_id, ctx.edition.code):
                try:  # the same sums as evaluate's, in the same order: an identity that holds exactly is done
                    if sum(map(number, lhs)) == sum(map(number, rhs)):  # type: ignore[arg-type]
                        continue
                except TypeError:  # a term that is not a number: V1 says so
                    continue
                if found := evaluate(ctx, identity):
                    yield found
            return
        if ctx.previous is None:
            return
        for identity in cross_year_identities(ctx.edition.code, ctx.previous.report.edition.code):
            if identity.rule == rule_id and (found := evaluate(ctx, identity)):
                yield found
    return run


for _rule in ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8"):
    check(_rule)(_identity_check(_rule))


# ---------------------------------------------------------------------- figure values (V1–V4, B1)
_PROBLEM_RULES = {Problem.TEXT: "V1", Problem.NOT_WHOLE: "V2", Problem.NEGATIVE: "V3", Problem.DECIMALS: "V4",
                  Problem.DIGITS: "V5"}


def _value_check(rule_id: str) -> Check:
    def run(ctx: Context) -> Iterator[Finding]:
        for code, parsed in ctx.current.problems.items():
            if _PROBLEM_RULES[parsed.problem] != rule_id:  # type: ignore[index]
                continue
            cell = CellRef.figure(ctx.edition, code)
            value = ctx.report.figures.get(code)
            hint = _value_hint(value, parsed.suggestion, bool(ctx.report.extra.get(FROM_JSON)))
            yield finding(rule_id, (cell,), actual=value, label=cell.label, value=value, hint=hint,
                          reason=parsed.reason)
    return run


for _rule in ("V1", "V2", "V3", "V4", "V5"):
    check(_rule)(_value_check(_rule))


NUMBER_AS_TEXT_HINT = "（这是存成文本的数字：请删去开头的单引号，或把单元格格式改为“常规”后重新输入）"
NUMBER_IN_QUOTES_HINT = "（这是写在引号里的数字：JSON 中的数字不加引号，应写 {value}，而不是 \"{value}\"）"
DATE_HINT = ("（单元格显示为日期或时间，常因输入“3-4”“5/6”“1:30”被 Excel 自动转换：请把单元格格式改为“常规”后"
             "重新输入数字）")


def _value_hint(value: Any, suggestion: int | float | None, from_json: bool = False) -> str:
    """What to do about a figure that is not a number: digits stored as text ("64" typed after an apostrophe or
    into a cell formatted as text, which Excel shows as 64; in a report's JSON, a number in quotes), a date or a time
    (never a year or an hour taken for the figure), the number other text plainly means, or neither."""
    if isinstance(value, str) and NUMBER_TEXT.fullmatch(value):
        return NUMBER_IN_QUOTES_HINT.format(value=value) if from_json else NUMBER_AS_TEXT_HINT
    if isinstance(value, str) and DATE_OR_TIME.fullmatch(value.strip()):
        return DATE_HINT
    return f"（是否应为 {suggestion}？）" if suggestion is not None else "；空白请留空，0请填0"


@check("B1")
def blank_cells(ctx: Context) -> Iterator[Finding]:
    if not ctx.current.blanks:
        return
    for table in ctx.edition.tables:
        blank = [CellRef.figure(ctx.edition, c.code) for c in table.cells() if c.code in ctx.current.blanks]
        if not blank:
            continue
        name = f"第二部分{table.title}" if table.section == "二" else f"第{table.section}部分"
        yield finding("B1", tuple(blank), table=name, count=len(blank),
                      listed=f"'{blank[0].sheet}'!{listed(c.address for c in blank)}")


# ---------------------------------------------------------------------- sense checks (S1–S4)
@check("S1")
def rules_by_level(ctx: Context) -> Iterator[Finding]:
    level = ctx.report.agency.level
    if not isinstance(level, str) or not level or level in LEVELS_THAT_MAKE_RULES:
        return  # no level, or one J1 reports as not a level
    table = ctx.edition.table("s2_item1")
    cells = [c for c in table.cells() if c.row.code == "rules" and (ctx.current.number(c.code) or 0) > 0]
    if cells:
        value = "、".join(f"{c.column.label}{_number_text(ctx.current.number(c.code))}" for c in cells)  # type: ignore
        yield finding("S1", tuple(CellRef.figure(ctx.edition, c.code) for c in cells), level=level, value=value,
                      normative=table.row("normative").label)


@check("S2")
def overview_length(ctx: Context) -> Iterator[Finding]:
    text = ctx.report.text.get("overview")
    if ctx.edition.code != "2021" or not isinstance(text, str):
        return
    length = len("".join(text.split()))
    if length > OVERVIEW_LIMIT:
        label = next(p.label for p in ctx.edition.text_parts if p.code == "overview")
        yield finding("S2", (CellRef.field(ctx.edition, "text.overview", label),), actual=length,
                      expected=OVERVIEW_LIMIT, length=length, limit=OVERVIEW_LIMIT)


# When a report must be published: an agency's own report by 31 January; the 汇总 a government office compiles for
# its region later, by the level of that government (国办公开办函〔2021〕30号 and the yearly notices).
OWN_DEADLINE = (1, 31)
COMPILED_DEADLINES = {"县级": (2, 20, "县级人民政府"), "设区的市": (3, 10, "设区的市级人民政府"),
                      "省级": (3, 31, "省级人民政府")}
COMPILED = "汇总"


def deadline_of(year: int, report_type: str | None, level: str | None) -> tuple[dt.date, str]:
    """The last day to publish the report for ``year``, and the rule in words."""
    if report_type == COMPILED and level in COMPILED_DEADLINES:
        month, day, who = COMPILED_DEADLINES[level]
        return dt.date(year + 1, month, day), f"{who}汇总的年度报告应于次年{month}月{day}日前公布"
    month, day = OWN_DEADLINE
    return dt.date(year + 1, month, day), f"年度报告应于次年{month}月{day}日前公布"


@check("S3")
def publication_date(ctx: Context) -> Iterator[Finding]:
    year, published = ctx.report.year, ctx.report.published_on
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR or not isinstance(published, str):
        return  # J1 reports a year out of range
    try:
        date = dt.date.fromisoformat(published)
    except ValueError:
        return  # J1 reports a malformed date
    deadline, basis = deadline_of(year, ctx.report.report_type, ctx.report.agency.level)
    if date > deadline:
        cells = [CellRef.field(ctx.edition, "published_on", "发布日期")]
        if ctx.report.report_type == COMPILED:
            cells += [CellRef.field(ctx.edition, "report_type", "报告类型"),
                      CellRef.field(ctx.edition, "agency.level", "行政级别")]
        yield finding("S3", tuple(cells), expected=deadline.isoformat(), actual=published, date=published,
                      deadline=deadline.isoformat(), basis=basis)


@check("S4")
def edition_matches_year(ctx: Context) -> Iterator[Finding]:
    year = ctx.report.year
    if year is None:
        return
    expected = edition_for_year(year)
    if expected.code != ctx.edition.code:
        yield finding("S4", (CellRef.field(ctx.edition, "meta.edition", "格式版本"),), expected=expected.code,
                      actual=ctx.edition.code, year=year, notice=expected.notice,
                      edition=ctx.edition.code)
