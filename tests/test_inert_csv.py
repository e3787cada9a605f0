"""The one rule for CSV files meant for Excel (``gaip_xl.inert.excel_csv_cell``): a text cell Excel would evaluate
gets a leading quote, and nothing else changes (numbers, negative ones included, stay numbers)."""

from __future__ import annotations

import io

from hostile_text import PAYLOADS, csv_rows, excel_evaluates, formula_cells, hostile_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.inert import ExcelCsvWriter, excel_csv_cell


@settings(max_examples=200, deadline=None)
@given(st.one_of(hostile_texts(), st.sampled_from(PAYLOADS)))
def test_a_text_excel_would_evaluate_gets_a_quote_and_nothing_else_changes(text):
    cell = excel_csv_cell(text)
    assert not excel_evaluates(cell)
    assert cell == ("'" + text if excel_evaluates(text) else text)


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.none(), st.sampled_from(["-3", "-1.5", "+2", "-1e5"])))
def test_numbers_and_plain_numbers_as_text_stay_as_they_are(value):
    assert excel_csv_cell(value) == value


def test_the_writer_quotes_every_text_cell_of_every_row_and_checks_its_fields():
    stream = io.StringIO()
    writer = ExcelCsvWriter(stream, ("a", "b"))
    writer.writeheader()
    writer.writerows([{"a": "=1+1", "b": -3}, {"a": "@SUM(A1)"}, ["\t=2", "+1+1"]])
    rows = csv_rows(stream.getvalue().encode())
    assert rows == [["a", "b"], ["'=1+1", "-3"], ["'@SUM(A1)", ""], ["'\t=2", "'+1+1"]]
    assert formula_cells(stream.getvalue().encode()) == []
    try:
        writer.writerow({"c": 1})
    except ValueError:
        pass
    else:
        raise AssertionError("an unknown field must be refused, as csv.DictWriter refuses it")
