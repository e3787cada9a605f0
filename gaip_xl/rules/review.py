"""T1–T4: what reviewers of published reports check beyond the identities: section 五 present and not "无", section
六 stating the 信息处理费, every prose section and every table present.

A report that carries no prose at all (every section blank: a document of figures only, such as a statistics
export) is not judged on its prose; an imported document says what it could not find in ``extra["import"]``, and
that is judged whatever else the report holds. The import block's ``"missing"`` lists what was not found: text part
codes ("problems"), table codes ("s3"), section numerals ("五") or section titles ("五、存在的主要问题及改进情况").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from ..format import EDITIONS
from ..format.editions import SECTION_TITLES
from ..format.model import SECTION_NAMES, Table
from ..report import Report
from .checks import check, finding
from .context import Context
from .findings import CellRef, Finding

PROBLEMS_MIN = 50  # characters (whitespace and punctuation not counted) below which section 五 is "only a few"
# "无", "暂无", "没有" … alone (punctuation and whitespace removed first)
_NOTHING = re.compile(r"^(?:暂?无|没有|无问题|暂无问题|不存在|无其他|略)$")
_NOT_COUNTED = re.compile(r"[\s\W_]+")
# 信息处理费 named, or a plain statement that nothing was charged ("未收取", "没有收取", "不收费" …)
_FEE = re.compile(r"处理费|(?:未|没有|不|无|免)收(?:取|费)")
_SECTION_OF_PART = {"overview": "一", "problems": "五", "other": "六"}
NOT_FOUND = "：导入时没有找到这一部分"
LEFT_BLANK = "：未填写"


def import_missing(report: Report) -> set[str]:
    """Text part and table codes an importer reported as not found, from ``extra["import"]["missing"]``."""
    block = report.extra.get("import")
    missing = block.get("missing") if isinstance(block, dict) else None
    if not isinstance(missing, (list, tuple)):
        return set()
    numerals = {title: numeral for numeral, title in SECTION_TITLES.items()}
    found: set[str] = set()
    for item in missing:
        if not isinstance(item, str):
            continue
        numeral = numerals.get(item, item)
        found |= {part for part, section in _SECTION_OF_PART.items() if section == numeral}
        found |= {t.code for t in report.edition.tables if t.section == numeral}
        found.add(item)
    return found


def prose_given(report: Report) -> bool:
    return any(isinstance(text, str) and text.strip() for text in report.text.values())


def _text(report: Report, part: str) -> str:
    text = report.text.get(part)
    return text.strip() if isinstance(text, str) else ""


def _part_ref(ctx: Context, part: str) -> tuple[str, CellRef]:
    label = next(p.label for p in ctx.edition.text_parts if p.code == part)
    return label, CellRef.field(ctx.edition, f"text.{part}", label)


def _absent(ctx: Context, part: str, missing: set[str]) -> str | None:
    """How a prose section is absent (", not found on import" or ", left blank"), or None when it is there."""
    if part in missing:
        return NOT_FOUND
    if not _text(ctx.report, part) and prose_given(ctx.report):
        return LEFT_BLANK
    return None


@check("T1")
def problems_section(ctx: Context) -> Iterator[Finding]:
    state = _absent(ctx, "problems", import_missing(ctx.report))
    text = _text(ctx.report, "problems")
    counted = _NOT_COUNTED.sub("", text)
    if state is None and text and _NOTHING.match(counted):
        state = f"：只写了“{text}”"
    elif state is None and text and len(counted) < PROBLEMS_MIN:
        state = f"：只有{len(counted)}个字"
    if state is not None:
        label, ref = _part_ref(ctx, "problems")
        yield finding("T1", (ref,), expected=PROBLEMS_MIN, actual=len(counted), part=label, state=state)


@check("T2")
def fees_stated(ctx: Context) -> Iterator[Finding]:
    text = _text(ctx.report, "other")
    if text and not _FEE.search(text):  # a blank section 六 is T3's
        label, ref = _part_ref(ctx, "other")
        yield finding("T2", (ref,), actual=text if len(text) <= 40 else text[:40] + "…", part=label)


@check("T3")
def prose_sections(ctx: Context) -> Iterator[Finding]:
    missing = import_missing(ctx.report)
    for part in ("overview", "other"):  # 五 is T1's
        state = _absent(ctx, part, missing)
        if state is not None:
            label, ref = _part_ref(ctx, part)
            yield finding("T3", (ref,), part=label, state=state)


def table_name(table: Table) -> str:
    return f"{SECTION_NAMES[table.section]}{table.title}" if table.section == "二" else SECTION_NAMES[table.section]


@cache
def _table_codes(edition_code: str) -> tuple[tuple[Table, tuple[str, ...]], ...]:
    """Each table of the edition with its cell codes (per edition, once)."""
    return tuple((t, tuple(c.code for c in t.cells())) for t in EDITIONS[edition_code].tables)


@check("T4")
def tables_present(ctx: Context) -> Iterator[Finding]:
    missing = import_missing(ctx.report)
    for table, codes in _table_codes(ctx.edition.code):
        if table.code in missing:
            state = NOT_FOUND.replace("这一部分", "这张表")
        elif all(code in ctx.current.blanks for code in codes):
            state = "：全部数字都是空白（整张表未填写）"
        else:
            continue
        yield finding("T4", tuple(CellRef.figure(ctx.edition, code) for code in codes), table=table_name(table),
                      state=state)
