"""tidy.csv's lines are joined from bytes for speed (``tidy_bytes``); they must be exactly what csv.writer writes for
the same rows, whatever a file or agency name or a figure cell holds (commas, quotes, line ends, text, inf, NaN)."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.format import EDITIONS
from gaip_xl.report.tidy import tidy_bytes

TRICKY_TEXT = st.text(alphabet=st.sampled_from(list('a,"\r\n 县 0.5-')), max_size=12)
VALUES = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                   st.booleans(), TRICKY_TEXT)


@st.composite
def reports(draw: st.DrawFn) -> tuple[str, str | None, int | None, str, list[object]]:
    edition = draw(st.sampled_from(sorted(EDITIONS)))
    cells = len(EDITIONS[edition].cells)
    plain = draw(st.booleans())  # the usual case: numbers and blanks only
    value = st.one_of(st.none(), st.integers(0, 10**9), st.floats(0, 1e6)) if plain else VALUES
    values = draw(st.lists(value, min_size=cells, max_size=cells))
    source_id = draw(TRICKY_TEXT | st.just("县/a.xlsx"))
    return source_id, draw(st.none() | TRICKY_TEXT), draw(st.none() | st.integers(0, 3000)), edition, values


@settings(max_examples=60, deadline=None)
@given(report=reports())
def test_tidy_lines_are_what_csv_writer_writes(report) -> None:
    source_id, agency, year, edition, values = report
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    for cell, value in zip(EDITIONS[edition].cells, values, strict=True):
        writer.writerow((source_id, agency, year, edition, cell.table.code, cell.row.code, cell.column.code, cell.code,
                         cell.label, value))
    assert tidy_bytes(source_id, agency, year, edition, values).decode("utf-8") == expected.getvalue()
