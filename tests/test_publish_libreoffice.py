"""The published .docx as LibreOffice reads it: every case (both editions) converted to PDF in one launch, its text
holding the title, the headings and the figures, and rendered to PNG; and gaip-xl publish --format pdf end to end."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest
from builders import CASES, load_case

from gaip_xl.cli import run
from gaip_xl.format.editions import SECTION_TITLES, report_title
from gaip_xl.publish import render
from gaip_xl.template.libreoffice import convert, render_png, soffice

pytestmark = pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
CASE_NAMES = sorted(p.stem for p in CASES.glob("*.json"))


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_case_converts_and_shows_its_content(tmp_path):
    sources = []
    for name in CASE_NAMES:
        sources.append(tmp_path / f"{name}.docx")
        sources[-1].write_bytes(render(load_case(name), "docx"))
    pdfs = convert(sources, "pdf", tmp_path / "pdf")
    for name, pdf in zip(CASE_NAMES, pdfs, strict=True):
        report = load_case(name)
        with pdfplumber.open(pdf) as document:
            text = squeezed("".join(page.extract_text() or "" for page in document.pages))
            assert document.pages[0].width == pytest.approx(595, abs=2)  # A4 portrait, in points
        assert squeezed(report_title(report.agency.name, report.year)) in text
        positions = [text.index(title) for title in SECTION_TITLES.values()]
        assert positions == sorted(positions), name  # the six sections, in order
        for code in ("s3.total.total", "s4.review.total", "s3.carried_out.total"):
            assert str(report.figures[code]) in text, (name, code)
    pages = render_png(pdfs[0], tmp_path / "page", 40)
    assert pages and all(p.stat().st_size > 2000 for p in pages)


def test_publish_pdf_end_to_end(tmp_path):
    target = tmp_path / "年报.pdf"
    out, err = io.StringIO(), io.StringIO()
    assert run(["publish", str(CASES / "synthetic-2019.json"), "-o", str(target)], out, err) == 0, err.getvalue()
    assert target.read_bytes().startswith(b"%PDF")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.pdf"]


def _running(marker: str) -> list[str]:
    """Processes whose command line holds ``marker``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if marker.encode() in cmdline.read_bytes():
                found.append(cmdline.parent.name)
        except OSError:
            continue  # ended meanwhile
    return found


def test_a_conversion_that_outlasts_its_time_is_stopped_whole_and_is_coded(tmp_path, monkeypatch):
    """A document that keeps LibreOffice busy (here: any, with a time limit shorter than its start-up) ends the
    command with E_OUTPUT (it was E_INTERNAL) and no output, and leaves no LibreOffice process behind."""
    from gaip_xl.template import libreoffice

    profiles: list[Path] = []
    real_profile = libreoffice._write_profile
    monkeypatch.setattr(libreoffice, "TIMEOUT_SECONDS", 1)
    monkeypatch.setattr(libreoffice, "_write_profile", lambda folder: profiles.append(folder) or real_profile(folder))
    target = tmp_path / "年报.pdf"
    out, err = io.StringIO(), io.StringIO()
    assert run(["publish", str(CASES / "synthetic-2019.json"), "-o", str(target)], out, err) == 2
    assert "E_OUTPUT" in err.getvalue() and "秒内未完成转换" in err.getvalue()
    assert list(tmp_path.iterdir()) == []
    assert profiles and _running(profiles[0].as_uri()) == []
