"""The public API as pandas users expect it, and its docstring examples run as tests (issue 15, item 4)."""

from __future__ import annotations

import doctest
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

import gaip_xl
from gaip_xl import Report, validate

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTED = ("gaip_xl", "gaip_xl.loaders", "gaip_xl.report.model", "gaip_xl.rules.engine", "gaip_xl.rules.findings")
PUBLIC = (gaip_xl.Report, gaip_xl.Report.load, gaip_xl.Report.from_json, gaip_xl.Report.to_frame, gaip_xl.validate,
          gaip_xl.ValidationReport, gaip_xl.ValidationReport.to_frame, gaip_xl.read_workbook, gaip_xl.write_workbook,
          gaip_xl.load_report)


@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstring_examples_run(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # the examples name examples/huaian-2024.json as a user in the repository would
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0


@pytest.mark.parametrize("function", PUBLIC, ids=lambda f: f.__qualname__)
def test_public_functions_document_parameters_returns_raises_and_an_example(function):
    doc = function.__doc__ or ""
    assert "Example" in doc and ">>>" in doc
    if isinstance(function, type):
        return  # a class documents its attributes instead
    if any(p for p in function.__code__.co_varnames[:function.__code__.co_argcount] if p not in ("self", "cls")):
        assert "Args:" in doc
    assert "Raises:" in doc
    if "-> None" not in str(function.__annotations__.get("return", "")) and function.__annotations__.get("return") \
            not in (None, "None"):
        assert "Returns:" in doc


def test_import_gaip_xl_does_not_import_bulk_or_pandas():
    code = "import sys, gaip_xl; print(sorted(m for m in sys.modules if m.startswith(('gaip_xl.bulk', 'pandas'))))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout
    assert out.strip() == "[]"


def test_run_bulk_and_tidy_frame_are_exported_lazily():
    from gaip_xl.bulk import run_bulk, tidy_frame

    assert gaip_xl.run_bulk is run_bulk and gaip_xl.tidy_frame is tidy_frame
    assert {"run_bulk", "tidy_frame"} <= set(gaip_xl.__all__)
    with pytest.raises(AttributeError):
        gaip_xl.no_such_name  # noqa: B018


def test_report_frame_has_one_row_per_figure_cell_with_the_tidy_columns():
    from gaip_xl.report.tidy import TIDY_COLUMNS

    report = Report.load(ROOT / "examples" / "huaian-2024.json")
    report.figures["s3.new.commercial"] = "53件"  # text: NaN in the frame, as in the tidy table
    report.figures.pop("s3.new.research")  # blank: NaN
    frame = report.to_frame()
    assert list(frame.columns) == list(TIDY_COLUMNS[TIDY_COLUMNS.index("table"):])
    assert frame["code"].tolist() == list(report.edition.cell_codes)
    values = frame.set_index("code")["value"]
    assert values["s3.new.natural"] == report.figures["s3.new.natural"]
    assert values[["s3.new.commercial", "s3.new.research"]].isna().all()
    numbers = {c: v for c, v in report.figures.items() if type(v) in (int, float)}
    assert values.dropna().to_dict() == pytest.approx(numbers)
    assert frame.loc[frame["code"] == "s3.new.natural", "label"].item() == report.edition.cell("s3.new.natural").label


def test_validation_frame_has_one_row_per_finding_with_its_cells():
    report = Report.load(ROOT / "examples" / "huaian-2024.json")
    report.figures["s3.new.natural"] = -1
    report.figures["s3.new.legal_services"] = 1.5
    result = validate(report)
    frame = result.to_frame()
    assert len(frame) == len(result.findings) > 0
    assert frame["rule"].tolist() == [f.rule for f in result.findings]
    for row, found in zip(frame.itertuples(), result.findings, strict=True):
        assert row.codes == [c.code for c in found.cells]
        assert row.cells == [c.where for c in found.cells]
        assert row.message == found.message
    assert set(frame["rule"]) >= {"V3", "V2"}


def test_empty_validation_frame_keeps_its_columns():
    frame = validate(Report.load(ROOT / "examples" / "huaian-2024.json")).to_frame()
    assert frame.empty and "codes" in frame.columns and "message" in frame.columns
