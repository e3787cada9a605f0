"""The converter between a filled template and the report's JSON: pure Python, no Excel.

``read_workbook(source) -> Report`` (a path, bytes or a binary file; defensive: ``safety``, ``scan``, ``tamper``) and
``write_workbook(report, path)`` (openpyxl, into a fresh copy of the edition's template). The writer is imported on
first use so that reading (the bulk path) never loads openpyxl.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .reader import Source, read_source, read_workbook

if TYPE_CHECKING:
    from ..report import Report

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")  # .xls is read only to say clearly that it is the legacy format


def write_workbook(report: Report, path: str | Path) -> None:
    from .writer import write_workbook as write

    write(report, path)


__all__ = ["WORKBOOK_SUFFIXES", "Source", "read_source", "read_workbook", "write_workbook"]
