"""The report as PDF: its .docx converted by LibreOffice headless (a private profile per run, see
``gaip_xl.template.libreoffice``), so the PDF shows exactly what the Word file holds."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import NeedsLibreOffice
from ..report import Report
from ..template.libreoffice import convert, soffice
from .word import render_docx


def pdf_of_docx(data: bytes) -> bytes:
    if soffice() is None:
        raise NeedsLibreOffice(task="生成 PDF", instead="改为生成 .docx 后用 Word/WPS 另存为 PDF")
    with tempfile.TemporaryDirectory(prefix="gaip-publish-") as work:
        source = Path(work) / "report.docx"
        source.write_bytes(data)
        (pdf,) = convert([source], "pdf", Path(work) / "pdf")
        return pdf.read_bytes()


def render_pdf(report: Report) -> bytes:
    return pdf_of_docx(render_docx(report))
