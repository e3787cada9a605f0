"""The tidy table: one row per figure cell of a report, as tidy.csv (every readable report of a batch, written by
``gaip-xl bulk``) and as a pandas DataFrame (a batch's: ``tidy_frame``; one report's: ``Report.to_frame``).

Columns (``TIDY_COLUMNS``): file, agency, year, edition, table, row, column, code, label, value. ``value`` is a
number, or blank where the cell is blank (or holds text, which the rules report as an error). Each submission's
figures travel as a plain list of values in the edition's cell order (``figure_values``); its rows are rendered
from that list when the batch is assembled (``tidy_bytes``), with the columns that depend only on the edition
rendered once per process. In the DataFrame repeated text columns are categoricals, so a country's year (a hundred
thousand reports, some 25 million cells) still fits in memory.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..format import EDITIONS
from .model import Report

if TYPE_CHECKING:
    import pandas

TIDY_CSV = "tidy.csv"
TIDY_COLUMNS = ("file", "agency", "year", "edition", "table", "row", "column", "code", "label", "value")
CATEGORIES = ("file", "agency", "edition", "table", "row", "column", "code", "label")


def figure_values(report: Report) -> list[Any]:
    """The report's figures as a list in its edition's cell order (None where blank): compact, and all a tidy row
    or a roll-up needs."""
    return list(map(report.figures.get, report.edition.cell_codes))


@cache
def _cell_columns(edition: str) -> tuple[str, ...]:
    """The CSV text of the table, row, column, code and label columns of every figure cell, in cell order."""
    return tuple(_csv_line((c.table.code, c.row.code, c.column.code, c.code, c.label)) for c in EDITIONS[edition].cells)


def _csv_line(fields: tuple[Any, ...]) -> str:
    """Fields as csv.writer writes them (Excel dialect), without the line end."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(fields)  # the same dialect as tidy.csv's: same quoting
    return buffer.getvalue()[:-2]


_CSV_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_value(value: Any) -> str:
    """One field of a multi-field row as csv.writer writes it: quoted only when it holds a comma, quote or line end."""
    if value is None:
        return ""
    text = value if type(value) is str else (int.__repr__(value) if type(value) is int else str(value))
    if _CSV_SPECIAL.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


@cache
def _middles(edition: str) -> tuple[str, ...]:
    """``_cell_columns`` between the commas that join them to the file's columns and to the value."""
    return tuple(f",{cells}," for cells in _cell_columns(edition))


_PLAIN = {int, float, bool, type(None)}


@cache
def _line_parts(edition: str) -> tuple[bytes, ...]:
    """A report's tidy lines as the parts ``tidy_bytes`` joins: per cell the file's columns (left empty here),
    ``_middles`` in UTF-8 (encoded once per process: most of a report's bytes), the value (empty here), the line end."""
    middles = _middles(edition)
    parts = [b""] * (4 * len(middles))
    parts[1::4] = [middle.encode() for middle in middles]
    parts[3::4] = [b"\r\n"] * len(middles)
    return tuple(parts)


def tidy_bytes(source_id: str, agency: str | None, year: int | None, edition: str, values: Sequence[Any]) -> bytes:
    """Every figure cell of one report as tidy.csv's lines (``TIDY_COLUMNS``) in UTF-8, blanks with an empty value:
    the lines csv.writer would write, joined from bytes (half the work of encoding the text)."""
    parts = list(_line_parts(edition))
    cells = len(parts) // 4
    if len(values) != cells:
        raise ValueError(f"{len(values)} values for the {cells} figure cells of edition {edition}")
    if not cells:
        return b""
    if set(map(type, values)) <= _PLAIN:  # numbers and blanks: str() of each is what csv.writer writes; no commas
        texts = ",".join(["" if value is None else str(value) for value in values]).encode().split(b",")
    else:  # text in a figure cell (rare): quoted where csv.writer would quote it
        texts = [_csv_value(value).encode() for value in values]
    parts[0::4] = [_csv_line((source_id, agency, year, edition)).encode()] * cells
    parts[2::4] = texts
    return b"".join(parts)


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
