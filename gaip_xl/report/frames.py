"""A report and its findings as pandas DataFrames (pandas is imported only here, and only when asked for).

``report_frame`` gives the rows of the bulk tidy table (``gaip_xl.report.tidy``) for one report: the same columns,
cell order, categoricals and value rule (a number, NaN where the cell is blank or holds text), so a frame of one
report and the tidy table of a batch concatenate without conversion.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas

    from ..rules import ValidationReport
    from .model import Report

FINDING_COLUMNS = ("rule", "severity", "title", "message", "codes", "cells", "expected", "actual", "difference")


def report_frame(report: Report) -> pandas.DataFrame:
    """One row per figure cell of ``report`` in the edition's order: table, row, column, code, label, value."""
    import pandas as pd

    from .tidy import CATEGORIES, TIDY_COLUMNS, figure_values

    columns = TIDY_COLUMNS[TIDY_COLUMNS.index("table"):]  # the tidy table's, without the file's own columns
    cells = report.edition.cells
    numbers = [v if type(v) in (int, float) else None for v in figure_values(report)]
    frame = pd.DataFrame({
        "table": [c.table.code for c in cells], "row": [c.row.code for c in cells],
        "column": [c.column.code for c in cells], "code": [c.code for c in cells], "label": [c.label for c in cells],
        "value": pd.array(numbers, dtype="float64") if numbers else [],
    })
    frame = frame[list(columns)]
    for name in columns:
        if name in CATEGORIES:
            frame[name] = frame[name].astype("category")
    return frame


def findings_frame(result: ValidationReport) -> pandas.DataFrame:
    """One row per finding, in the report's order, with every cell it names: ``codes`` (cell codes) and ``cells``
    (where a clerk finds them, "'sheet'!A1" or the JSON path) as lists."""
    import pandas as pd

    rows: list[dict[str, Any]] = [{
        "rule": f.rule, "severity": f.severity.value, "title": f.title, "message": f.message,
        "codes": [c.code for c in f.cells], "cells": [c.where for c in f.cells],
        "expected": f.expected, "actual": f.actual, "difference": f.difference,
    } for f in result.findings]
    frame = pd.DataFrame(rows, columns=list(FINDING_COLUMNS))
    frame["rule"] = frame["rule"].astype("category")
    frame["severity"] = frame["severity"].astype("category")
    return frame
