"""Reading a report from whatever file a user names, told apart by its bytes: report JSON, a filled template, or a
published document (PDF, web page, Word/WPS, text), which ``gaip_xl.importer`` imports.

A file whose extension is one gaip-xl reads (.json, .xlsx, .xlsm, .xls) goes to that reader unless its bytes are
plainly a published document (a PDF, a Word package, an OLE Word/WPS file), so a damaged workbook still gets the
workbook reader's precise error. Any other file is read for what its bytes are; text that is not a report is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import FileMissing, UnsupportedFile
from .report import Report

Loader = Callable[[Path], Report]
LOADERS: dict[str, Loader] = {".json": Report.load}
_HEAD_BYTES = 8192


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
    from .importer.sniff import MAX_DOCUMENT_BYTES, sniff

    try:
        with path.open("rb") as stream:
            head = stream.read(_HEAD_BYTES)
            if head.startswith(b"PK\x03\x04") and path.stat().st_size <= MAX_DOCUMENT_BYTES:
                head += stream.read()  # a zip says what it holds only in its directory, at the end
    except OSError:
        raise FileMissing(str(path)) from None
    return sniff(head)


def _text_is_a_report(path: Path) -> bool:
    from .importer.textcodec import decode

    try:
        text = decode(path.read_bytes()[:200_000])
    except OSError:
        raise FileMissing(str(path)) from None
    return "政府信息公开" in text or "政务公开" in text


def load_report(path: str | Path) -> Report:
    """The report in a file, whatever its kind: a report's JSON, a filled template (.xlsx, .xlsm) or a published
    report (PDF, web page, Word/WPS, text), told apart by its bytes.

    Args:
        path: the file.

    Returns:
        The report.

    Raises:
        GaipError: ``E_FILE_NOT_FOUND``, ``E_FILE_TYPE`` (an extension gaip-xl does not read), or what the JSON
            loader (``Report.load``) or the workbook reader (``read_workbook``) raises; never another exception
            for bad input.

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
    if not path.is_file():
        raise FileMissing(str(path))
    reader = reader_of(path)
    if reader == DOCUMENT:
        return _import_document(path)
    if reader == WORKBOOK:
        return _load_workbook(path)
    loader = LOADERS.get(path.suffix.lower())
    return loader(path) if loader is not None else Report.load(path)


JSON, WORKBOOK, DOCUMENT, REGISTERED = "json", "workbook", "document", "registered"


def reader_of(path: str | Path, suffix: str | None = None) -> str:
    """Which reader takes the file, decided as ``load_report`` decides: ``"workbook"`` (the safe workbook reader),
    ``"document"`` (the importer), ``"json"`` or ``"registered"`` (the loader registered for its extension).

    ``suffix`` is the extension of the file's name when it is kept under another one (the service keeps uploads by
    their hash); by default the path's own. Raises ``E_FILE_TYPE`` for a file no reader takes."""
    path = Path(path)
    suffix = (path.suffix if suffix is None else suffix).lower()
    loader = LOADERS.get(suffix)
    kind = document_kind(path)
    if kind in ("pdf", "docx") or (kind == "ole" and loader is not _load_workbook):
        return DOCUMENT
    if loader is _load_workbook:
        return WORKBOOK
    if loader is not None:
        return REGISTERED
    if kind == "json":
        return JSON
    if kind == "xlsx":
        return WORKBOOK
    if kind == "html" or (kind == "text" and _text_is_a_report(path)):
        return DOCUMENT
    raise UnsupportedFile(str(path), detail=f"扩展名“{suffix or '（无）'}”，内容也不是年报 JSON、模板工作簿"
                                            f"或已发布的年报文档（PDF、网页、Word/WPS、文本）")
