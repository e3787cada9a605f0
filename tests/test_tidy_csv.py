"""tidy.csv's lines are joined from bytes for speed (``tidy_bytes``); they must be exactly what csv.writer writes for
the same rows, whatever a file or agency name or a figure cell holds (commas, quotes, line ends, text, inf, NaN)."""

from __future__ import annotations

import csv
import io

import pytest
from builders import load_case
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.format import EDITIONS
from gaip_xl.report.tidy import figure_values, tidy_bytes

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


@settings(max_examples=30, deadline=None)
@given(report=reports())
def test_tidy_lines_are_what_csv_writer_writes(report) -> None:
    source_id, agency, year, edition, values = report
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\r\n")
    for cell, value in zip(EDITIONS[edition].cells, values, strict=True):
        writer.writerow((source_id, agency, year, edition, cell.table.code, cell.row.code, cell.column.code, cell.code,
                         cell.label, value))
    assert tidy_bytes(source_id, agency, year, edition, values).decode("utf-8") == expected.getvalue()


TEXT_AND_OTHERS = ["a,b", 'q"x', "l\nm", "r\rs", " lead", 1.5, True, [1, 2], {"a": "b,c"}, "", -3, 2**60, 1e20,
                   float("nan")]
NUMBERS_ONLY = [1.5, 0.1, -3, 2**60, 1e20, 1e-7, 123456789.125, float("nan"), float("inf"), 0, None, -0.0, True]


@pytest.mark.parametrize("odd", [TEXT_AND_OTHERS, NUMBERS_ONLY], ids=["with-text", "numbers-only"])
def test_tidy_lines_of_a_real_report_with_odd_figures_are_what_csv_writer_writes(odd):
    report = load_case("huaian-2024")
    for code, value in zip(list(report.figures), odd, strict=False):
        report.figures[code] = value
    report.agency.name = '名,"称"\n'
    expected = io.StringIO()
    head = ("县/a,b.xlsx", report.agency.name, report.year, report.edition.code)
    csv.writer(expected, lineterminator="\r\n").writerows(
        (*head, c.table.code, c.row.code, c.column.code, c.code, c.label, report.figures.get(c.code))
        for c in EDITIONS[report.edition.code].cells)
    assert tidy_bytes(*head, figure_values(report)).decode("utf-8") == expected.getvalue()
