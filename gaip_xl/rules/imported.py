"""I1: a report imported from a published document whose tables were missing, cut off or could not be placed.

Blank cells are only a warning (B1), because a clerk may leave a cell blank; a cell the import could not find in the
document at all is different: the figure is unknown, so the report cannot be called valid. The import block
(``extra["import"]``, or the ``"import"`` key of a JSON document written by ``gaip-xl import``) lists those cells.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .checks import check, finding
from .context import Context
from .findings import CellRef, Finding
from .summary import listed

REASONS = {
    "table_missing": "文档中没有这张表",
    "truncated": "表格在文档中被截断",
    "row_missing": "文档中没有这些行",
    "unplaced": "文档中这些数字无法确定所属栏目",
    "column_missing": "文档的表头中没有这些栏目",
    "conflict": "文档中同一单元格出现了不同的数字",
}


def import_block(report: Any) -> dict[str, Any] | None:
    block = report.extra.get("import")
    if block is None:
        document = report.extra.get("document")
        block = document.get("import") if isinstance(document, dict) else None
    return block if isinstance(block, dict) else None


@check("I1")
def imported_cells_missing(ctx: Context) -> Iterator[Finding]:
    block = import_block(ctx.report)
    if block is None:
        return
    missing = {str(m.get("code")): str(m.get("reason")) for m in block.get("missing") or () if isinstance(m, dict)}
    known = ctx.edition.cells_by_code
    for table in ctx.edition.tables:
        codes = [c.code for c in table.cells() if c.code in missing and c.code in known]
        if not codes:
            continue
        cells = tuple(CellRef.figure(ctx.edition, code) for code in codes)
        reasons = "、".join(dict.fromkeys(REASONS.get(missing[code], "未能读出") for code in codes))
        name = f"第二部分{table.title}" if table.section == "二" else f"第{table.section}部分"
        where = f"'{cells[0].sheet}'!{listed((c.address for c in cells), counted=False)}"  # N is said before
        yield finding("I1", cells, table=name, count=len(codes), listed=where, reason=reasons)
