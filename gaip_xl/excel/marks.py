"""What a checked workbook shows, described once for every writer of it: the add-in's 校验 (which paints the open
workbook through xlwings) and ``gaip_xl.excel.marked`` (which writes the marked workbook without Excel, for the web
service). Both call these functions, so the colours, the note texts and the 校验结果 sheet cannot drift apart.

- every cell a finding names gets the fill of its worst severity and a note with one line per finding;
- the cells marked are recorded on the very hidden ``_gaip`` sheet, right of the meta cells (sheet, address, the
  fill it had before, whether the note was added), so the add-in's next 校验 or 清除标记 removes exactly those;
- the 校验结果 sheet: the verdict, a blank row, a header, one row per finding with a link to its first cell.

Pure Python: no xlwings, no openpyxl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..format.layout import SHEET_META, Pos, layout_for
from ..rules import Finding, Severity, ValidationReport
from ..rules.summary import summary_line

# Excel's own "Bad" and "Neutral" cell-style fills: clerks already read them as error and warning.
FILL = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
RESULTS_SHEET = "校验结果"
RESULTS_HEADER = ["规则", "级别", "工作表", "单元格", "说明"]
RECORD_WIDTH = 4  # sheet, address, previous fill, note added (1/0)
NOTE_AUTHOR = "gaip-xl"
LINKED_CELLS_SHOWN = 6  # addresses a 校验结果 row shows before "…"


def marks_column(edition: str) -> int:
    """The first column of the record of marks: one column clear of the meta cells of the ``_gaip`` sheet."""
    layout = layout_for(edition)
    return max(p.col for p in layout.fields.values() if p.sheet == SHEET_META) + 2


@dataclass
class Mark:
    pos: Pos
    severity: Severity
    messages: list[str]

    @property
    def note(self) -> str:
        return "\n".join(self.messages)


def note_line(finding: Finding) -> str:
    """One line of a cell's note: 【R3 错误】…, or for an explained warning 【R8 警告（已说明）】… and its 说明."""
    return f"【{finding.rule} {finding.status}】{finding.explained_message}"


def marks_of(positions: Mapping[str, Pos], result: ValidationReport) -> list[Mark]:
    """One mark per cell named by a finding (``positions``: code → cell); errors win over warnings for the fill."""
    marks: dict[Pos, Mark] = {}
    for finding in result.findings:
        for ref in finding.cells:
            pos = positions.get(ref.code)
            if ref.report != "current" or pos is None:
                continue
            mark = marks.setdefault(pos, Mark(pos, finding.severity, []))
            if finding.severity is Severity.ERROR:
                mark.severity = Severity.ERROR
            text = note_line(finding)
            if text not in mark.messages:
                mark.messages.append(text)
    return list(marks.values())


def record_row(mark: Mark, previous_fill: str, note_added: bool) -> list[Any]:
    """The row that records one mark on the ``_gaip`` sheet."""
    return [mark.pos.sheet, mark.pos.a1, previous_fill, 1 if note_added else 0]


class LinkFormula(str):
    """A formula of gaip-xl's own (a link inside the workbook): the one kind of 校验结果 cell written as a formula;
    every other cell is text, whatever it starts with."""


def link(pos: Pos, text: str) -> LinkFormula:
    """A formula linking to ``pos`` inside the workbook, showing ``text``."""
    target = f"#'{pos.sheet}'!{pos.a1}"
    return LinkFormula(f'=HYPERLINK("{target}","{text.replace(chr(34), chr(34) * 2)}")')


def result_row(positions: Mapping[str, Pos], finding: Finding) -> list[Any]:
    refs = [r for r in finding.cells if r.report == "current" and r.code in positions]
    if not refs:
        return [finding.rule, finding.status, "", "", finding.explained_message]
    first = positions[refs[0].code]
    same_sheet = [positions[r.code].a1 for r in refs if positions[r.code].sheet == first.sheet]
    shown = "、".join(same_sheet[:LINKED_CELLS_SHOWN]) + ("…" if len(same_sheet) > LINKED_CELLS_SHOWN else "")
    return [finding.rule, finding.status, first.sheet, link(first, shown), finding.explained_message]


def results_rows(positions: Mapping[str, Pos], result: ValidationReport) -> list[list[Any]]:
    """The 校验结果 sheet's content: the verdict, a blank row, the header, one row per finding."""
    width = len(RESULTS_HEADER)
    verdict = [summary_line(result)] + [""] * (width - 1)
    blank = [""] * width
    return [verdict, blank, RESULTS_HEADER, *(result_row(positions, f) for f in result.findings)]


def template_positions(edition: str) -> dict[str, Pos]:
    """Where every value code stands in a template of ``edition`` (figures, facts, prose)."""
    layout = layout_for(edition)
    from ..report.cells import value_codes

    return {code: layout.position(code) for code in value_codes(layout.edition)}


__all__ = ["FILL", "NOTE_AUTHOR", "RECORD_WIDTH", "RESULTS_HEADER", "RESULTS_SHEET", "LinkFormula", "Mark", "link",
           "marks_column", "marks_of", "note_line", "record_row", "result_row", "results_rows", "template_positions"]
