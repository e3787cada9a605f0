"""Reading a report from whatever file a user names, told apart by its bytes: report JSON, a filled template, or a
published document (PDF, web page, Word/WPS, text), which ``gaip_xl.importer`` imports.

A file whose extension is one gaip-xl reads (.json, .xlsx, .xlsm, .xls) goes to that reader unless its bytes are
plainly a published document (a PDF, a Word package, an OLE Word/WPS file), so a damaged workbook still gets the
workbook reader's precise error. Any other file is read for what its bytes are; text that is not a report is refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .containers import HEAD_BYTES, container_form, refusal
from .errors import FileMissing, GaipError, UnsupportedFile
from .files import open_regular
from .report import Report
from .spreadsheets import SPREADSHEET, TABLE_TEXT_SUFFIXES

Loader = Callable[[Path], Report]
LOADERS: dict[str, Loader] = {".json": Report.load}
_HEAD_BYTES = 8192
_TEXT_BYTES = 200_000  # what is read of a text to tell whether it is a report


def register(suffix: str, loader: Loader) -> None:
    LOADERS[suffix.lower()] = loader


def _load_workbook(path: Path) -> Report:
    from .excel import read_workbook  # lazily: JSON users never load the workbook reader

    return read_workbook(path)


def _import_document(path: Path) -> Report:
    from .importer import import_report  # lazily: the importer's parsers load only for documents

    return import_report(path).report


for _suffix in (".xlsx", ".xlsm", ".xls"):  # .xls only to say clearly that the legacy format cannot be read
    register(_suffix, _load_workbook)


def document_kind(path: Path) -> str:
    """What the file's bytes are: see ``gaip_xl.importer.sniff`` ("pdf", "docx", "ole", "html", "text", "json" …)."""
    from .importer.sniff import sniff

    return sniff(_head(path))


def _head(path: Path) -> bytes:
    """What tells a file's kind: its first bytes; a zip or an OLE2 file whole (up to the documents' bound), as each
    says what it holds only in its directory."""
    from .importer.sniff import MAX_DOCUMENT_BYTES, OLE2_MAGIC

    try:
        with open_regular(path, str(path)) as stream:
            head = stream.read(max(_HEAD_BYTES, HEAD_BYTES))  # enough for a mail's header fields
            if head.startswith((b"PK\x03\x04", OLE2_MAGIC)) and os.fstat(stream.fileno()).st_size <= MAX_DOCUMENT_BYTES:
                head += stream.read(MAX_DOCUMENT_BYTES)
    except OSError:
        raise FileMissing(str(path)) from None
    return head


def _text_is_a_report(path: Path) -> bool:
    try:
        with open_regular(path, str(path)) as stream:
            return text_is_report(stream.read(_TEXT_BYTES))
    except OSError:
        raise FileMissing(str(path)) from None


def text_is_report(data: bytes) -> bool:
    """Whether text (any charset) speaks of government information disclosure: a copied report, not a note."""
    from .importer.textcodec import decode

    text = decode(data[:_TEXT_BYTES])
    return "政府信息公开" in text or "政务公开" in text


def load_report(path: str | Path) -> Report:
    """The report in a file, whatever its kind: a report's JSON, a filled template (.xlsx, .xlsm) or a published
    report (PDF, web page, Word/WPS, text), told apart by its bytes.

    Args:
        path: the file.

    Returns:
        The report.

    Raises:
        GaipError: ``E_FILE_NOT_FOUND``, ``E_NOT_FILE`` (a FIFO, a device, a folder), ``E_FILE_TYPE`` (an
            extension gaip-xl does not read), or what the JSON loader (``Report.load``) or the workbook reader
            (``read_workbook``) raises; never another exception for bad input.

    Example:
        >>> load_report("examples/huaian-2024.json").agency.name
        '淮安市人民政府'
        >>> from gaip_xl.errors import GaipError
        >>> try:
        ...     load_report("docs/template-s3.png")
        ... except GaipError as error:
        ...     print(error.code)
        E_FILE_TYPE
    """
    path = Path(path)
    reader = reader_for(path.suffix, document_kind(path), lambda: _text_is_a_report(path))
    if reader == DOCUMENT:
        return _import_document(path)
    loader = LOADERS.get(path.suffix.lower())
    if loader is not None:
        return loader(path)
    if reader == JSON:
        return Report.load(path)
    if reader == WORKBOOK:
        return _load_workbook(path)
    raise unsupported(str(path), path.suffix, _head(path))


JSON, WORKBOOK, DOCUMENT = "json", "workbook", "document"
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_WORD_SUFFIX = ".docx"


def reader_for(suffix: str, kind: str, text_is_report: Callable[[], bool]) -> str | None:
    """Which reader a file goes to (``JSON``, ``WORKBOOK``, ``DOCUMENT``; None: none), from its extension and what
    its bytes are (``kind``, see ``document_kind``): the one decision ``load_report`` and ``gaip-xl bulk`` share.

    An extension gaip-xl reads keeps its reader unless the bytes are plainly a published document (a damaged
    workbook still gets the workbook reader's precise error, and a .docx whose bytes are nothing known the Word
    reader's); any other name is read for what its bytes are.
    ``text_is_report`` is asked only for text under another name."""
    suffix = suffix.lower()
    workbook_name = suffix in _WORKBOOK_SUFFIXES
    if kind in ("pdf", "docx") or (kind == "ole" and not workbook_name):
        return DOCUMENT
    if workbook_name or kind == SPREADSHEET or (suffix in TABLE_TEXT_SUFFIXES and kind in ("text", "")):
        return WORKBOOK  # a spreadsheet in another form: the workbook reader says which, and to save it as .xlsx
    if suffix == _WORD_SUFFIX and not kind:  # a damaged Word file: the importer's precise error, not "unsupported"
        return DOCUMENT
    if suffix == ".json" or kind == "json":
        return JSON
    if kind == "xlsx":
        return WORKBOOK
    if kind == "html" or (kind == "text" and text_is_report()):
        return DOCUMENT
    return None


def unsupported(name: str, suffix: str, data: bytes = b"") -> GaipError:
    """The error for a file no reader takes: an archive, a program or a mail named as what it is, with what to do
    (``E_ARCHIVE_FORMAT``), anything else ``E_FILE_TYPE``."""
    form = container_form(data, suffix)
    if form is not None:
        return refusal(form, name)
    return UnsupportedFile(name, detail=f"扩展名“{suffix or '（无）'}”，内容也不是年报 JSON、模板工作簿"
                                        f"或已发布的年报文档（PDF、网页、Word/WPS、文本）")
