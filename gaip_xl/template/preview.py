"""Pictures of the template for the README: each sheet rendered by LibreOffice to one PDF page, then to PNG.

Run ``python -m gaip_xl.template.preview docs`` to refresh docs/template-*.png. The pictures show the check
strips too (the printed report leaves them out), and one set shows a report with a broken total. Of the add-in's
findings block they show the first rows only: the rest is the same empty rows down to the block's end.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from ..format import EDITIONS
from ..format.layout import (
    META_EDITION,
    SHEET_EXPLANATIONS,
    SHEET_FOR_SECTION,
    SHEET_INFO,
    SHEET_TEXT,
    column_letter,
    layout_for,
)
from .builder import save_template
from .libreoffice import convert, render_png
from .summary import findings_block

if TYPE_CHECKING:
    from ..report import Report

FINDINGS_SHOWN = 4  # rows of the findings block in the picture of 基本情况

SHEET_SLUGS = {SHEET_INFO: "info", **{sheet: f"s{n}" for n, sheet in zip((2, 3, 4), SHEET_FOR_SECTION.values(),
                                                                          strict=True)}, SHEET_TEXT: "text",
               SHEET_EXPLANATIONS: "explanations"}


def _one_page_per_sheet(source: Path, target: Path) -> list[str]:
    """A copy whose every visible sheet prints, checks included, on exactly one page; returns the sheets in order."""
    workbook = load_workbook(source)
    shown = [sheet for sheet in workbook.worksheets if sheet.sheet_state == "visible"]
    for sheet in shown:
        sheet.print_area = sheet.dimensions
        sheet.page_setup.fitToHeight = 1
    info, last_row = workbook[SHEET_INFO], findings_block(_edition(workbook)).first.row + FINDINGS_SHOWN - 1
    info.print_area = f"A1:{column_letter(info.max_column)}{last_row}"
    workbook.save(target)
    return [sheet.title for sheet in shown]


def _edition(workbook: Workbook) -> str:
    """The edition the template's meta cell names."""
    for code in EDITIONS:
        pos = layout_for(code).fields[META_EDITION]
        if str(workbook[pos.sheet].cell(pos.row, pos.col).value) == code:
            return code
    raise ValueError("not a gaip-xl template: no edition in its meta sheet")


def render_sheets(workbook: Path, outdir: Path, prefix: str, resolution: int = 80) -> dict[str, Path]:
    """Sheet name → its PNG (``{prefix}-{slug}.png`` in ``outdir``)."""
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gaip-preview-") as work:
        folder = Path(work)
        copy = folder / f"{prefix}.xlsx"
        sheets = _one_page_per_sheet(workbook, copy)
        (pdf,) = convert([copy], "pdf", folder)
        pages = render_png(pdf, folder / "page", resolution)
        if len(pages) != len(sheets):
            raise RuntimeError(f"expected one page per sheet, got {len(pages)} pages for {len(sheets)} sheets")
        result = {}
        for sheet, page in zip(sheets, pages, strict=True):
            result[sheet] = outdir / f"{prefix}-{SHEET_SLUGS.get(sheet, sheet)}.png"
            page.replace(result[sheet])
    return result


def _add(report: Report, code: str, amount: int) -> None:
    """Breaks a total of the example on purpose (blank counts as 0)."""
    value = report.figures.get(code) or 0
    if not isinstance(value, int | float):
        raise ValueError(f"{code}: not a figure")
    report.figures[code] = value + amount


def _keep(rendered: dict[str, Path], sheets: set[str]) -> None:
    for sheet, path in rendered.items():
        if sheet not in sheets:
            path.unlink()


def main(argv: list[str]) -> int:
    from ..excel import write_workbook
    from ..report import Report

    outdir = Path(argv[0] if argv else "docs")
    with tempfile.TemporaryDirectory(prefix="gaip-preview-") as work:
        blank = Path(work) / "template.xlsx"
        save_template("2021", blank)
        _keep(render_sheets(blank, outdir, "template"), set(SHEET_SLUGS) - {SHEET_TEXT, SHEET_EXPLANATIONS})
        # The bundled example with one broken total: the self-check at work.
        report = Report.load(Path(__file__).parents[2] / "examples" / "huaian-2024.json")
        _add(report, "s3.total.natural", 10)
        _add(report, "s4.review.total", 1)
        broken = Path(work) / "template-check.xlsx"
        write_workbook(report, broken)
        _keep(render_sheets(broken, outdir, "template-check"), {SHEET_INFO, SHEET_FOR_SECTION["三"]})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
