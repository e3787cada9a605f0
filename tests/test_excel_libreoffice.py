"""A workbook saved by LibreOffice (a real spreadsheet engine, not openpyxl) reads correctly.

LibreOffice opens a filled template, recalculates every formula (the private profile of
``gaip_xl.template.libreoffice`` forces recalculation on load) and writes the file with its own writer: shared strings
instead of inline strings, its own styles, defined names and cached formula results. Some figures are entered as
formulas ("=40+24") so that their values exist only because LibreOffice computed and saved them.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.excel.writer import filled_template
from gaip_xl.format.layout import layout_for
from gaip_xl.template.libreoffice import convert, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")

CASES = Path(__file__).parent / "cases"
FORMULAS_PER_FILE = 3


def _verdict(report: Report) -> list[tuple[str, tuple[str, ...]]]:
    return [(f.rule, tuple(c.code for c in f.cells)) for f in validate(report).findings]


def test_libreoffice_saved_workbooks_read_like_their_json(tmp_path):
    sources, formulas = [], 0
    for case in ("pingtan-2021", "pingtan-2022", "huaian-2024", "xian-2021", "huashi-2021"):
        report = Report.load(CASES / f"{case}.json")
        workbook = filled_template(report)
        layout = layout_for("2021")
        counts = [code for code, value in report.figures.items() if isinstance(value, int) and value > 0]
        inserted = counts[:FORMULAS_PER_FILE]
        for code in inserted:
            pos = layout.position(code)
            workbook[pos.sheet].cell(pos.row, pos.col).value = f"={report.figures[code] - 1}+1"  # no cached value yet
            formulas += 1
        path = tmp_path / f"{case}.xlsx"
        workbook.save(path)
        sources.append((report, path, bool(inserted)))
    assert formulas == 3 * FORMULAS_PER_FILE  # the three cases with positive figures
    saved = convert([p for _, p, _ in sources], "xlsx", tmp_path / "lo")
    for (report, _, has_formulas), path in zip(sources, saved, strict=True):
        with zipfile.ZipFile(path) as package:
            assert "xl/sharedStrings.xml" in package.namelist()  # written by LibreOffice, not by openpyxl
            sheets = b"".join(package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/sheet"))
            # the formulas, with the results LibreOffice computed and saved
            assert (re.search(rb"\+1</f><v>\d+</v>", sheets) is not None) == has_formulas
        back = read_workbook(path)
        assert back.to_dict() == report.to_dict(), path.name
        assert _verdict(back) == _verdict(report)


def test_libreoffice_keeps_text_that_starts_with_equals_as_text(tmp_path):
    report = Report.load(CASES / "pingtan-2021.json")
    report.figures["s3.new.natural"] = "=1+1"
    path = tmp_path / "text.xlsx"
    write_workbook(report, path)
    [saved] = convert([path], "xlsx", tmp_path / "lo")
    assert read_workbook(saved).figures["s3.new.natural"] == "=1+1"
