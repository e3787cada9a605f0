"""A figure the importer could not read is missing (I1), never left blank: blank is what a document says, not what
is left when nothing was read (a blank figure only draws the warning B1, and the rules count it as 0).

Two ways of losing a figure that used to leave it blank without a word:
- digits whose glyphs a PDF gives no character for (a font that lost its map to Unicode, often in a damaged file):
  pdfminer writes them as "(cid:17)", which read as label text, so the row was found with no figures;
- a row found by its label whose cells all hold text (Chinese numerals, words): the cells were taken for the label.
Now the first are ``I_UNDECODABLE`` and the second ``I_ROW_UNREAD``, their cells listed as missing.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from builders import consistent_report
from hypothesis import given, settings
from hypothesis import strategies as st
from importer_render import to_docx, to_html, to_text

from gaip_xl import import_report, validate
from gaip_xl.format import EDITIONS

LIBREOFFICE_PDF = (Path(__file__).parent / "documents" / "huaian-2024-libreoffice.pdf").read_bytes()


def _without_unicode_map(data: bytes, font: bytes) -> bytes:
    """The PDF with one font's map to Unicode (its /ToUnicode entry) renamed away, offsets unchanged."""
    found = re.search(rb"/BaseFont\s*/[A-Z]{6}\+" + font, data)
    assert found is not None
    start, end = data.rfind(b"obj", 0, found.start()), data.find(b"endobj", found.end())
    return data[:start] + data[start:end].replace(b"/ToUnicode", b"/ToUnicodX") + data[end:]


def _unaccounted(result) -> set[str]:
    """Figure cells neither imported nor listed missing (blank without a word)."""
    missing = {entry["code"] for entry in result.block["missing"]}
    cells = [c.code for table in result.report.edition.tables for c in table.cells()]
    return {code for code in cells if result.report.figures.get(code) is None and code not in missing}


def test_digits_a_pdf_cannot_decode_are_missing_never_blank():
    intact = import_report(LIBREOFFICE_PDF)
    assert _unaccounted(intact) == set()
    damaged = import_report(_without_unicode_map(LIBREOFFICE_PDF, rb"DejaVuSerif\b(?!-)"))  # the digits' font
    assert damaged.report.figures == {}  # no digit can be read, so no figure is
    assert _unaccounted(damaged) == set()
    codes = [f.code for f in damaged.findings]
    assert "I_UNDECODABLE" in codes
    undecodable = next(f for f in damaged.findings if f.code == "I_UNDECODABLE")
    assert "(cid:" in undecodable.message and "无法识别" in undecodable.message
    assert any(f.rule == "I1" for f in validate(damaged.report).errors)


NOT_FIGURES = st.sampled_from(["一", "十一", "零", "壹佰", "无数据", "(cid:3)", "(cid:1)(cid:2)", "见附件"])


@st.composite
def rows_in_words(draw: st.DrawFn) -> tuple[object, set[str], str]:
    """A consistent report with drawn rows whose every figure is written in words, and the document kind."""
    edition = draw(st.sampled_from(sorted(EDITIONS)))
    report = consistent_report(edition, random.Random(draw(st.integers(0, 99))))
    rows = [(t, r) for t in report.edition.tables for r in t.rows if t.code != "s4"]
    chosen = draw(st.lists(st.sampled_from(rows), min_size=1, max_size=3, unique_by=lambda tr: (tr[0].code,
                                                                                                tr[1].code)))
    worded = set()
    for table, row in chosen:
        for column in table.columns:
            code = f"{table.code}.{row.code}.{column.code}"
            report.figures[code] = draw(NOT_FIGURES)
            worded.add(code)
    return report, worded, draw(st.sampled_from(["html", "text", "docx"]))


@settings(max_examples=15, deadline=None)
@given(rows_in_words())
def test_a_row_whose_figures_are_words_is_never_silently_blank(case):
    report, worded, kind = case
    document = {"html": lambda: to_html(report), "text": lambda: to_text(report).encode("utf-8"),
                "docx": lambda: to_docx(report)}[kind]()
    result = import_report(document)
    assert _unaccounted(result) == set()
    for code in worded:  # each is the text as published (V1 names it) or missing (I1): never blank
        value = result.report.figures.get(code)
        assert value is None or value == report.figures[code]
