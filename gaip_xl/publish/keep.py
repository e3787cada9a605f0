"""A document ``publish`` would write over must be one it made: ``gaip-xl publish 年报.xlsx --format docx`` writes
年报.docx by default, which is where a clerk keeps the report written by hand in Word.

An existing file is replaced only when gaip-xl made it: a page with gaip-xl's generator mark, a Word file whose
identifier says gaip-xl (``word.GENERATOR``), or a PDF LibreOffice made with this report's title (how ``publish``
makes a PDF: a Word or WPS export says its own producer). Anything else is ``E_OUTPUT_HOLDS_WORK``, untouched,
unless the user says ``--overwrite``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile

from ..errors import OutputHoldsWork
from ..files import ZIP_ERRORS, is_existing_file
from ..format.editions import report_title
from ..report import Report
from .content import GENERATOR

_HEAD_BYTES = 8192  # where a page's <meta name="generator"> stands
_PDF_BYTES = 1 << 20  # a PDF's document information is near its end; a report's PDF is smaller than this
_HTML_MARK = f'<meta name="generator" content="{GENERATOR}'.encode()


def refuse_replacing_document(target: str | os.PathLike[str], kind: str, report: Report) -> None:
    """Raises ``OutputHoldsWork`` if ``target`` is a file gaip-xl did not make as a ``kind`` document."""
    if not is_existing_file(target):
        return
    try:
        with open(target, "rb") as stream:
            data = stream.read(_PDF_BYTES + 1)
    except OSError:
        return
    if not _made_here(data, kind, report):
        raise OutputHoldsWork(str(target), detail="该文件不是本程序生成的年度报告（可能是手工编写的文档）")


def _made_here(data: bytes, kind: str, report: Report) -> bool:
    if kind == "html":
        return _HTML_MARK in data[:_HEAD_BYTES]
    if kind == "docx":
        return _docx_identifier(data) == GENERATOR
    title = report_title(report.agency.name, report.year)
    return (len(data) <= _PDF_BYTES and any(p.startswith("LibreOffice") for p in _pdf_texts(data, "Producer"))
            and title in _pdf_texts(data, "Title"))  # bookmarks have titles too: the document's is one of them


def _docx_identifier(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            core = package.read("docProps/core.xml")[:_HEAD_BYTES * 8]
    except ZIP_ERRORS:
        return None
    found = re.search(rb"<dc:identifier>([^<]*)</dc:identifier>", core)
    return found.group(1).decode("utf-8", "replace") if found else None


def _pdf_texts(data: bytes, key: str) -> list[str]:
    """Every text entry ``key`` of a PDF as LibreOffice writes them: ``/Title<FEFF…>`` (UTF-16BE in hex) or
    ``/Title(…)``."""
    texts = []
    for hexed, literal in re.findall(rb"/" + key.encode() + rb"\s*(?:<([0-9A-Fa-f\s]*)>|\(([^)]*)\))", data):
        raw = bytes.fromhex(re.sub(rb"\s", b"", hexed).decode()) if hexed else literal
        texts.append(raw[2:].decode("utf-16-be", "replace") if raw.startswith(b"\xfe\xff") else raw.decode("latin-1"))
    return texts
