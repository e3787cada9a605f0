"""Publishing a report: the guard (a report with errors is not published unless forced), the choice of format,
and the atomic write. Every skin (the CLI, the add-in) publishes through these functions."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from ..atomic import write_bytes
from ..errors import ReportHasErrors, UnsupportedFile
from ..report import Report
from ..rules import ValidationReport, validate

FORMATS = ("html", "docx", "pdf")
SUFFIXES = {".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


def _render_html(report: Report) -> bytes:
    from .html import render_html

    return render_html(report).encode("utf-8")


def _render_docx(report: Report) -> bytes:
    from .word import render_docx  # python-docx is imported only by those who write Word files

    return render_docx(report)


def _render_pdf(report: Report) -> bytes:
    from .pdf import render_pdf

    return render_pdf(report)


RENDERERS: dict[str, Callable[[Report], bytes]] = {"html": _render_html, "docx": _render_docx, "pdf": _render_pdf}


def format_of(path: str | os.PathLike[str], format: str | None = None) -> str:
    """The format asked for, or the one the file name says; a name and a format that disagree are refused."""
    suffix = Path(path).suffix.lower()
    named = SUFFIXES.get(suffix)
    if format is not None and format not in FORMATS:
        raise UnsupportedFile(str(path), detail=f"格式“{format}”，应为 {'、'.join(FORMATS)} 之一")
    if format is not None and named is not None and named != format:
        raise UnsupportedFile(str(path), detail=f"文件扩展名“{suffix}”与格式“{format}”不符")
    chosen = format or named
    if chosen is None:
        raise UnsupportedFile(str(path), detail=f"扩展名“{suffix or '（无）'}”，应为 {'、'.join(SUFFIXES)} 之一")
    return chosen


def render(report: Report, format: str) -> bytes:
    """The published document's bytes (no check: see ``publish``)."""
    return RENDERERS[format](report)


def check_publishable(report: Report, force: bool = False) -> ValidationReport:
    """Every finding of the report; raises ``ReportHasErrors`` (with ``.result``) if it has errors and is not forced."""
    result = validate(report)
    if result.errors and not force:
        error = ReportHasErrors(errors=len(result.errors))
        error.result = result  # type: ignore[attr-defined]
        raise error
    return result


def write_report(report: Report, path: str | os.PathLike[str], format: str | None = None) -> Path:
    """Renders and writes atomically, without the check (the caller has made it)."""
    chosen = format_of(path, format)
    write_bytes(path, render(report, chosen))
    return Path(path)


def publish(report: Report, path: str | os.PathLike[str], format: str | None = None, *,
            force: bool = False) -> ValidationReport:
    """Writes the published report (html, docx or pdf; by default as the file name says) unless it has errors
    (``force`` publishes it anyway); returns the findings, warnings included, for the caller to show."""
    chosen = format_of(path, format)
    result = check_publishable(report, force)
    write_report(report, path, chosen)
    return result
