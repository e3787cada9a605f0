"""Checking a stored upload exactly as the command line does, and the documents handed out.

Which reader takes the upload is decided from its bytes by ``gaip_xl.loaders.reader_for``, as ``gaip-xl validate``
decides (its name's extension only tells a workbook from a Word/WPS file where both are OLE): a filled template
goes to the converter's safe reader (``gaip_xl.excel.read_source``), a published document (PDF, web page,
Word/WPS, text) to the importer; a report's JSON is not taken here. No other code ever opens it. The report's
``explanations`` (说明) are the ones the service keeps for the upload, so ``validate`` itself says which warnings are
已说明 and which explanations are stale; the document handed out is what ``gaip-xl to-json`` (a workbook) or
``gaip-xl import`` (a document) writes for that report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..containers import container_form
from ..containers import refusal as container_refusal
from ..errors import GaipError, InternalError, UnsupportedFile
from ..excel.document import report_document
from ..loaders import DOCUMENT, WORKBOOK, document_kind, reader_for, text_is_report
from ..report import Explanation, Report
from ..rules import ValidationReport, validate

OK, ERRORS, UNREADABLE = "ok", "errors", "unreadable"  # the statuses of gaip-xl bulk


class ServerError(InternalError):
    """E_INTERNAL in the service's words (the converter's own says that a batch goes on without the file)."""

    template = "{detail}"


@dataclass
class Outcome:
    status: str
    report: Report | None = None
    result: ValidationReport | None = None
    document: str | None = None
    error: dict[str, Any] | None = None  # code, title, message of an unreadable upload
    warnings: list[dict[str, str]] = field(default_factory=list)  # what the reader noticed (W_MACROS_IGNORED)
    import_findings: list[dict[str, Any]] = field(default_factory=list)  # I_… of a published document

    @property
    def imported(self) -> bool:
        """Whether the upload was a published document (its report was imported, not read from a template)."""
        return bool(self.report is not None and self.report.extra.get("import"))


def check_file(path: str | Path, filename: str = "", explanations: Sequence[Explanation] | None = None) -> Outcome:
    """Reads and checks one upload (``filename``: the name it was sent under); an unreadable file is an outcome
    (with its code), never an exception. ``explanations`` replace the ones the file carries (the service's 说明)."""
    try:
        report, source = _read(Path(path), Path(filename).suffix)
    except GaipError as exc:  # without the server's path of the file: the clerk knows which file they sent
        return Outcome(UNREADABLE, error={"code": exc.code, "title": exc.title, "message": exc.text})
    except Exception as exc:  # noqa: BLE001 - a bug in the reader must not take the upload down with it
        error = ServerError(detail=f"读取该文件时程序出错（{type(exc).__name__}），请把该文件发给维护人员")
        return Outcome(UNREADABLE, error={"code": error.code, "title": error.title, "message": error.message})
    if explanations is not None:
        report.explanations = list(explanations)
    result = validate(report)
    block = report.extra.get("import")
    if block:  # as gaip-xl import writes it
        document = report.to_json(validation=result.to_dict(), **{"import": block})
        return Outcome(OK if result.valid else ERRORS, report, result, document,
                       import_findings=list(block.get("findings", ())))
    document = report_document(report, result, source)
    return Outcome(OK if result.valid else ERRORS, report, result, document,
                   warnings=list(source.warnings) if source is not None else [])


def _read(path: Path, suffix: str) -> tuple[Report, Any]:
    """The report in the upload and, for a workbook, what the reader learned about the file."""
    reader = reader_for(suffix, document_kind(path), lambda: text_is_report(path.read_bytes()))
    if reader == WORKBOOK:
        from ..excel import read_source

        return read_source(path)
    if reader == DOCUMENT:
        from ..importer import import_report

        return import_report(path).report, None
    form = container_form(path.read_bytes(), suffix)
    if form is not None:  # an archive, a program, a mail: named, with what to do
        raise container_refusal(form)
    raise UnsupportedFile(detail="这里只收填好的年报模板（.xlsx、.xlsm）或已发布的年报文档（PDF、网页、Word/WPS、"
                                 "文本）；年报 JSON 请用命令行 gaip-xl validate 校验")
