"""Published reports (PDF, web page, Word, WPS, text) → the report's JSON, with where every figure came from.

``import_report(path_or_bytes, edition=None, year=None) -> ImportResult``: the kind of document is told from its
bytes; a reader turns it into paragraphs and grids (``model.py``); ``interpret.py`` finds the sections, the edition,
the rows and columns by the labels of the format model, and says what it could not map (``findings.py``).
"""

from __future__ import annotations

from pathlib import Path

from ..containers import container_form
from ..containers import refusal as container_refusal
from ..errors import (
    DocumentTooLarge,
    DocumentUnreadable,
    EmptyDocument,
    GaipError,
    NotAReport,
    NotXlsx,
    ScannedPdf,
    UnsupportedFile,
)
from ..files import MB, read_regular
from ..spreadsheets import CSV, TABLE_TEXT_SUFFIXES, other_spreadsheet, refusal
from . import sniff as kinds
from .findings import CATALOG, ImportFinding
from .interpret import ImportResult, interpret
from .model import Document

__all__ = ["CATALOG", "ImportFinding", "ImportResult", "import_report", "read_document"]


def import_report(path_or_bytes: str | Path | bytes, *, edition: str | None = None,
                  year: int | None = None, level: str | None = None) -> ImportResult:
    """The report in a published document; ``edition`` ("2019"/"2021") and ``year`` override what the document says.
    Raises a ``GaipError`` (exit 2 in the CLI) for what cannot be read at all: a scan, an empty or damaged file,
    a file too large, a document with no report in it. ``level`` gives the agency's 行政级别 when its name does not
    say it."""
    data, path = _bytes(path_or_bytes)
    try:
        document = read_document(data, path)
        if not _looks_like_report(document):
            if document.kind == "pdf" and document.images:  # pictures, and text only in page numbers or a stamp line
                raise ScannedPdf(path, pages=document.pages, images=document.images)
            raise NotAReport(path, detail="没有“政府信息公开”的章节标题，也没有年报的表格")
        return interpret(document, edition=edition, year=year, level=level)
    except GaipError:
        raise
    except (RecursionError, MemoryError, ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        # a document shaped as no test foresaw: a coded message, never a traceback
        detail = f"导入时程序出错（{type(exc).__name__}），请把该文件发给维护人员"
        raise DocumentUnreadable(path, detail=detail) from exc


def read_document(data: bytes, path: str | None = None) -> Document:
    kinds.check_size(path, data)
    if not data.strip():
        raise EmptyDocument(path, detail="文件是空的")
    kind = kinds.sniff(data)
    if kind == kinds.PDF:
        from .pdf import read_pdf

        return read_pdf(data, path)
    if kind == kinds.HTML:
        from .html import read_html

        return read_html(data, path)
    if kind == kinds.DOCX:
        from .docx import read_docx

        return read_docx(data, path)
    if kind == kinds.OLE:
        from .office import read_legacy

        return read_legacy(data, path, kinds.ole_kind(path, data))
    exported = kind in (kinds.TEXT, "") and path is not None and path.lower().endswith(TABLE_TEXT_SUFFIXES)
    if kind == kinds.SPREADSHEET and data.startswith(kinds.OLE2_MAGIC):
        kinds.ole_kind(path, data)  # a legacy workbook: E_LEGACY_XLS
    if kind == kinds.SPREADSHEET or exported:  # a filled template saved in another form: refused as the reader does
        raise NotXlsx(path, detail=refusal(other_spreadsheet(data) or CSV))
    if kind == kinds.CONTAINER:  # an archive, a program, a mail: named, with what to do
        raise container_refusal(container_form(data) or "", path)
    if kind == kinds.XLSX:
        raise UnsupportedFile(path, detail="这是 Excel 工作簿，不是已发布的年报文档；"
                                           "填好的模板请用 gaip-xl validate 或 to-json")
    if kind == kinds.TEXT:
        from .text import read_text
        from .textcodec import decode

        return read_text(decode(data))
    if data.startswith(b"PK\x03\x04"):  # a zip, damaged or of another kind: say which
        kinds.open_zip(path, data)
        suffix = Path(path).suffix.lower() if path else ""
        form = container_form(data, suffix) if suffix != ".docx" else None  # a .docx: the Word reader's error
        if form is not None:  # a zip of files
            raise container_refusal(form, path)
        raise DocumentUnreadable(path, detail="是压缩包，但不是 Word 文档（.docx）")
    raise UnsupportedFile(path, detail="不是 PDF、网页、Word/WPS 文档或文本文件")


def _bytes(path_or_bytes: str | Path | bytes) -> tuple[bytes, str | None]:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes), None
    path = str(Path(path_or_bytes))
    return read_regular(path, path, kinds.MAX_DOCUMENT_BYTES, lambda size: DocumentTooLarge(
        path, detail=f"文件有 {size / MB:.0f} MB，上限为 {kinds.MAX_DOCUMENT_BYTES // MB} MB")), path


def _looks_like_report(document: Document) -> bool:
    from .labels import section_matcher
    from .model import Grid, Paragraph

    matcher = section_matcher()
    for block in document.blocks:
        if isinstance(block, Grid):
            return True
        if isinstance(block, Paragraph) and ("政府信息公开" in block.text or matcher.match(block.text, fuzzy=False)):
            return True
    return False
