"""The one rule for CSV files meant for Excel (``gaip_xl.inert.excel_csv_cell``): a text cell Excel would evaluate
gets a leading quote, and nothing else changes (numbers, negative ones included, stay numbers)."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hostile_text import PAYLOADS, csv_rows, excel_evaluates, formula_cells, hostile_texts
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.inert import ExcelCsvWriter, excel_csv_cell, excel_csv_text
from gaip_xl.roster import name_key, read_roster
from gaip_xl.service.exports import agencies_csv


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


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PAYLOADS).map(str.strip).filter(lambda t: t and "\n" not in t), min_size=1,
                max_size=8, unique_by=name_key))
def test_a_list_of_agencies_gaip_xl_wrote_reads_back_as_a_roster_of_the_same_names(names):
    """missing.csv and links.csv keep names inert in Excel; read as a roster again, they give the names as typed."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "名单.csv"
        path.write_bytes(agencies_csv([[name, None, None, None] for name in names], ()))
        assert [entry.name for entry in read_roster(path)] == names
    assert excel_csv_text("'x") == "'x"  # a quote typed before text that is no formula is the clerk's
