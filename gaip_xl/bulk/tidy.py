"""The tidy table: one row per figure cell of every readable report, as a pandas DataFrame.

Columns (``TIDY_COLUMNS``): file, agency, year, edition, table, row, column, code, label, value. ``value`` is a
number, or NaN where the cell is blank (or holds text, which the rules report as an error). Repeated text columns
are categoricals, so a country's year (a hundred thousand reports, some 25 million cells) still fits in memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .assemble import TIDY_CSV
from .worker import TIDY_COLUMNS

if TYPE_CHECKING:
    import pandas

CATEGORIES = ("file", "agency", "edition", "table", "row", "column", "code", "label")


def tidy_frame(source: str | os.PathLike[str]) -> pandas.DataFrame:
    """The tidy table of a batch: ``source`` is its output folder or its ``tidy.csv``."""
    import pandas as pd

    path = Path(source)
    if path.is_dir():
        path = path / TIDY_CSV
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype={c: "category" for c in CATEGORIES} | {"value": "string"},
                        keep_default_na=False, na_values={"value": [""]})
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    return frame[list(TIDY_COLUMNS)]
