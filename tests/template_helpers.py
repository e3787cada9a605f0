"""Helpers for the template tests: load a generated template, fill it with a report, recalculate in LibreOffice."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from gaip_xl.format.layout import layout_for
from gaip_xl.template import save_template


def generated(edition: str, folder: Path) -> Workbook:
    """The template of ``edition`` as written to disk and read back (what a clerk's Excel opens)."""
    path = folder / f"template-{edition}.xlsx"
    save_template(edition, path)
    return load_workbook(path)


def label_ranges(edition: str) -> dict[str, set[str]]:
    """The merged ranges the layout asks for, per sheet."""
    ranges: dict[str, set[str]] = {}
    for label in layout_for(edition).labels:
        if label.merged:
            ranges.setdefault(label.pos.sheet, set()).add(label.range_a1)
    return ranges
