"""Worksheet functions (UDFs) for Excel through xlwings: the template's full check and small identity checks.

Each function is a plain Python function that xlwings registers when the add-in imports this module (its
"UDF Modules" setting); the docstrings are the descriptions Excel's function wizard shows, hence in Chinese.
Where xlwings has no UDF runtime (Linux, macOS) its decorators return the function unchanged, so everything here is
importable and testable as plain functions taking the 2-D lists xlwings passes.

No rule is written here: ``GAIP_CHECK`` builds the report with ``report_from_values`` from the very positions the
template's defined names point to and runs ``validate``; the small functions evaluate the identities of
``gaip_xl.rules.identities`` on the values they are given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import xlwings as xw

from ..errors import GaipError
from ..format import EDITIONS
from ..format.layout import UDF_SHEETS, Layout, Pos, layout_for
from ..report import report_from_values
from ..rules import Identity, Term, identities, validate
from ..template.checks import CHECK_OK
from ..template.summary import FINDINGS_HEADER, FINDINGS_ROWS

ALL_PASSED = "全部通过"
HEADER = FINDINGS_HEADER
NOT_A_NUMBER = "#不是数字"
UNKNOWN_EDITION = "[E_EDITION] 格式版本应为 2019 或 2021"

Block = Sequence[Sequence[Any]]


def edition_code(value: Any) -> str | None:
    """The edition as the template's meta cell or a formula gives it: "2021", 2021 or 2021.0."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip() if value is not None else ""
    return text if text in EDITIONS else None


def values_at(layout: Layout, blocks: dict[str, Block]) -> dict[str, Any]:
    """Every value of ``blocks`` (one 2-D block per sheet, anchored at A1) found at its code's layout position."""
    values: dict[str, Any] = {}
    for code, pos in (*layout.figures.items(), *layout.fields.items()):
        block = blocks.get(pos.sheet)
        if block is not None:
            values[code] = value_in(block, pos)
    return values


def value_in(block: Block, pos: Pos) -> Any:
    """The value at ``pos`` of a block anchored at A1 (None beyond its edge: Excel trims nothing, but be safe)."""
    if pos.row - 1 < len(block):
        row = block[pos.row - 1]
        if isinstance(row, (list, tuple)) and pos.col - 1 < len(row):
            return row[pos.col - 1]
    return None


def findings_table(edition: str, blocks: dict[str, Block]) -> list[list[Any]]:
    """Every finding of the report the blocks hold, as rows [rule, cells, message]; [["全部通过"]] when none."""
    from ..rules.summary import where  # the same "sheet!cells" text the command line prints

    report = report_from_values(edition, values_at(layout_for(edition), blocks))
    result = validate(report)
    if not result.findings:
        return [[ALL_PASSED]]
    return [[f"{f.rule} {f.severity.chinese}", where(f), f.message] for f in result.findings]


def block_sized(rows: list[list[Any]]) -> list[list[Any]]:
    """``rows`` padded with "" to the template's findings block: a legacy array formula repeats a one-row or
    one-value result over its whole block and shows #N/A beyond a smaller one, so each row gets the header's width
    and the result at least ``FINDINGS_ROWS`` rows. "" rather than None, which an array formula shows as 0. Longer
    results stay whole: Excel cuts them off at the block's edge, as the template's note says."""
    width = len(HEADER)
    padded = [[*row, *[""] * (width - len(row))] for row in rows]
    return padded + [[""] * width for _ in range(FINDINGS_ROWS - len(padded))]


@xw.func
@xw.arg("edition", doc="格式版本：2021 或 2019（模板已填好）")
@xw.arg("info", ndim=2, doc="“基本情况”工作表，从 A1 起")
@xw.arg("s2", ndim=2, doc="“二、主动公开”工作表，从 A1 起")
@xw.arg("s3", ndim=2, doc="“三、依申请公开”工作表，从 A1 起")
@xw.arg("s4", ndim=2, doc="“四、复议诉讼”工作表，从 A1 起")
@xw.arg("text", ndim=2, doc="“文字部分”工作表，从 A1 起")
def GAIP_CHECK(edition: Any, info: Block, s2: Block, s3: Block, s4: Block, text: Block) -> list[list[Any]]:
    """按政府信息公开工作年度报告的全部规则校验本模板，列出每个问题（规则、单元格、说明），全部通过时显示“全部通过”。"""
    code = edition_code(edition)
    if code is None:
        return block_sized([[UNKNOWN_EDITION]])
    try:
        return block_sized(findings_table(code, dict(zip(UDF_SHEETS, (info, s2, s3, s4, text), strict=True))))
    except GaipError as exc:  # a worksheet function shows its problem in the cell instead of raising
        return block_sized([[str(exc)]])


# ---------------------------------------------------------------------------- single identities
def numbers(values: Iterable[Any]) -> list[float] | None:
    """Cell values as numbers, blanks as 0 (as the rules count them); None if any is text or a flag."""
    found: list[float] = []
    for value in flatten(values):
        if value is None or value == "":
            found.append(0)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            found.append(value)
        else:
            return None
    return found


def flatten(values: Iterable[Any]) -> Iterable[Any]:
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from flatten(value)
        else:
            yield value


def shown(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


def target_value(identity: Identity, values: dict[Term, Any]) -> Any:
    """"✓" if ``identity`` holds on ``values``, else the value its target should have (its own value minus the
    difference), as ``gaip_xl.rules.identities`` defines it; "#不是数字" if a term is not a number."""
    lhs, rhs = numbers(values[t] for t in identity.lhs), numbers(values[t] for t in identity.rhs)
    target = numbers([values[identity.target]])
    if lhs is None or rhs is None or target is None:
        return NOT_A_NUMBER
    difference = sum(rhs) - sum(lhs)
    if abs(difference) < 1e-9:
        return CHECK_OK
    return shown(target[0] - difference)


def sum_identity(parts: int) -> Identity:
    """The shape of R2–R4: the parts on the left, the total alone on the right and as the target."""
    total = Term("total")
    return Identity("SUM", "total", tuple(Term(f"part{i}") for i in range(parts)), (total,), total)


def balance_identity() -> Identity:
    """R1 of the first column of section 三 (every column has the same shape)."""
    return next(i for i in identities("2021") if i.rule == "R1")


@xw.func
@xw.arg("total", doc="合计单元格")
@xw.arg("parts", doc="各分项单元格或区域（空白按0计算）")
def GAIP_SUMCHECK(total: Any, *parts: Any) -> Any:
    """核对合计：合计等于各分项之和时显示“✓”，否则显示合计应有的数值。"""
    values = list(flatten(parts))
    identity = sum_identity(len(values))
    given = {Term(f"part{i}"): v for i, v in enumerate(values)}
    return target_value(identity, {**given, Term("total"): total})


@xw.func
@xw.arg("new", doc="一、本年新收政府信息公开申请数量")
@xw.arg("carried_in", doc="二、上年结转政府信息公开申请数量")
@xw.arg("total", doc="三、本年度办理结果（七）总计")
@xw.arg("carried_out", doc="四、结转下年度继续办理")
def GAIP_BALANCE(new: Any, carried_in: Any, total: Any, carried_out: Any) -> Any:
    """核对第三部分的结转关系（一 + 二 = 三（七）总计 + 四）：成立时显示“✓”，否则显示“结转下年度继续办理”应有的数值。"""
    identity = balance_identity()
    new_term, in_term = identity.lhs
    total_term, out_term = identity.rhs
    return target_value(identity, {new_term: new, in_term: carried_in, total_term: total, out_term: carried_out})


UDFS = (GAIP_CHECK, GAIP_SUMCHECK, GAIP_BALANCE)
