"""What 校验 leaves in the workbook: a fill and a note on every cell of every finding, remembered so that the next
校验 or 清除标记 removes exactly those, and the 校验结果 sheet listing every finding with a link to its cell.

The record of marks lives on the very hidden ``_gaip`` sheet, in the columns right of the meta cells: one row per
marked cell with its sheet, address, the fill it had before (restored on clearing, where the engine can read fills)
and whether the add-in added its note (a clerk's own note is never touched).
"""

from __future__ import annotations

from typing import Any

from xlwings import utils as xw_utils

from ..excel.marks import FILL, RECORD_WIDTH, RESULTS_HEADER, RESULTS_SHEET, Mark, marks_column, record_row
from ..excel.marks import marks_of as marks_at
from ..excel.marks import results_rows as results_at
from ..format.layout import SHEET_META
from ..report import Explanation, explanation_rows
from ..report.cells import CELLS_SEPARATOR, explanations_from_rows
from ..rules import Finding, ValidationReport
from ..rules.explain import matches
from ..template.styles import INPUT_FILL
from .book import TemplateBook

# What the marks look like (colours, notes, the 校验结果 sheet) is described in the core, ``gaip_xl.excel.marks``,
# which the web service's marked workbook uses too; this module only paints them through xlwings.
__all__ = ["FILL", "RECORD_WIDTH", "RESULTS_HEADER", "RESULTS_SHEET", "Mark", "clear_marks", "marks_column",
           "marks_of", "paint", "recorded_marks", "results_rows", "write_results"]
TEMPLATE_INPUT_FILL = "#" + INPUT_FILL.fgColor.rgb[-6:]


def marks_of(tb: TemplateBook, result: ValidationReport) -> list[Mark]:
    """One mark per cell of the open workbook named by a finding; errors win over warnings for the fill."""
    return marks_at(tb.positions, result)


def _fill_of(rng: Any) -> str:
    """The cell's fill as #RRGGBB ("" for none). Where the engine cannot read fills (the remote engine), the fill
    the template gives every input cell: only input cells carry a code, so only they are ever marked."""
    try:
        color = rng.color
    except NotImplementedError:
        return TEMPLATE_INPUT_FILL
    return xw_utils.rgb_to_hex(*color) if color else ""


def paint(tb: TemplateBook, marks: list[Mark]) -> None:
    """Fills and annotates every marked cell and records what it did on the ``_gaip`` sheet."""
    records = []
    for mark in marks:
        rng = tb.range_at(mark.pos)
        previous_fill = _fill_of(rng)
        rng.color = FILL[mark.severity]
        added = rng.note is None
        if added:
            rng.add_note(mark.note)
        records.append(record_row(mark, previous_fill, added))
    if records:
        tb.book.sheets[SHEET_META].range((1, marks_column(tb.edition))).value = records


def recorded_marks(tb: TemplateBook) -> list[list[Any]]:
    column = marks_column(tb.edition)
    capacity = len(tb.positions)  # a cell is recorded once, and only cells with a code are marked
    block = tb.book.sheets[SHEET_META].range((1, column), (capacity, column + RECORD_WIDTH - 1)).options(ndim=2).value
    return [row for row in block if row[0] and row[1]]


def clear_marks(tb: TemplateBook) -> int:
    """Removes the fills and notes the last 校验 added (and nothing else); returns how many cells it cleared."""
    records = recorded_marks(tb)
    for sheet, address, previous_fill, added in records:
        rng = tb.book.sheets[sheet].range(address)
        rng.color = previous_fill or None
        if added and rng.note is not None:
            rng.note.delete()
    if records:
        column = marks_column(tb.edition)
        meta = tb.book.sheets[SHEET_META]
        meta.range((1, column), (len(records), column + RECORD_WIDTH - 1)).clear_contents()
    return len(records)


# ---------------------------------------------------------------------------- the 校验结果 sheet
def results_rows(tb: TemplateBook, result: ValidationReport) -> list[list[Any]]:
    """The sheet's content: the verdict, a blank row, the header, one row per finding."""
    return results_at(tb.positions, result)


def write_results(tb: TemplateBook, result: ValidationReport) -> Any:
    """Writes (or rewrites) the 校验结果 sheet after the last sheet and returns it."""
    book = tb.book
    names = [s.name for s in book.sheets]
    if RESULTS_SHEET in names:
        sheet = book.sheets[RESULTS_SHEET]
        sheet.clear_contents()
    else:
        last_shown = [s for s in book.sheets if s.name != SHEET_META][-1]  # never after the very hidden sheet
        sheet = book.sheets.add(RESULTS_SHEET, after=last_shown)
    sheet.range((1, 1)).value = results_rows(tb, result)
    return sheet


# ---------------------------------------------------------------------------- the 说明 sheet
STALE_NOTE = "（这条说明所说明的问题已不存在，可删除）"


def finding_cells(finding: Finding) -> str:
    """The cell codes of a finding as the 说明 sheet lists them (each once)."""
    return CELLS_SEPARATOR.join(dict.fromkeys(cell.code for cell in finding.cells))


def explanation_sheet_rows(existing: list[list[Any]], result: ValidationReport) -> list[list[Any]]:
    """The 说明 sheet after 校验: every row the clerk wrote a 说明 in, kept as typed (its 问题 refreshed, or marked
    stale), then one row with an empty 说明 for each warning no written 说明 covers; empty rows left by the last 校验
    are replaced, and rows below the new ones are blanked."""
    rows, explanations = [], []
    for row in existing:
        for explanation in explanations_from_rows([(row[0], row[1], row[3])]):  # none for a row without a 说明
            found = [f for f in result.findings if matches(explanation, f)]
            rows.append([row[0], row[1], found[0].message if found else STALE_NOTE, row[3]])
            explanations.append(explanation)
    for finding in result.warnings:
        if not any(matches(e, finding) for e in explanations):
            rows.append([finding.rule, finding_cells(finding), finding.message, ""])
    return rows + _blanks(existing, len(rows))


def _blanks(existing: list[list[Any]], written: int) -> list[list[Any]]:
    """Empty rows that clear what ``existing`` held below the ``written`` new rows."""
    used = max((i + 1 for i, row in enumerate(existing) if any(v not in (None, "") for v in row)), default=0)
    return [[None] * 4 for _ in range(max(0, used - written))]


def imported_explanation_rows(existing: list[list[Any]], explanations: list[Explanation]) -> list[list[Any]]:
    """The 说明 sheet holding exactly ``explanations`` (导入 JSON): one row each, the rest cleared."""
    rows = [[rule, cells, None, text] for rule, cells, text in explanation_rows(explanations)]
    return rows + _blanks(existing, len(rows))


def write_explanations(tb: TemplateBook, result: ValidationReport) -> None:
    """Writes the 说明 rows for ``result`` (templates since 1.1; nothing when there is nothing to write or clear)."""
    tb.write_explanation_rows(explanation_sheet_rows(tb.explanation_rows(), result))


