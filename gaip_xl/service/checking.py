"""Checking a stored upload exactly as ``gaip-xl validate``/``to-json`` do, and the documents handed out.

The upload is read by the converter's safe reader (``gaip_xl.excel.read_source``) and checked by ``validate``; no
other code ever opens it. The document is the ``to-json`` document; the one handed out (and kept with a
submission) adds the clerk's 说明 under ``"explanations"`` (the agreed shape ``{"rule", "cells", "text"}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import GaipError, InternalError
from ..excel import read_source
from ..excel.document import report_document
from ..rules import Finding, Severity, ValidationReport, validate

OK, ERRORS, UNREADABLE = "ok", "errors", "unreadable"  # the statuses of gaip-xl bulk


class ServerError(InternalError):
    """E_INTERNAL in the service's words (the converter's own says that a batch goes on without the file)."""

    template = "{detail}"


@dataclass
class Outcome:
    status: str
    report: Any = None  # the Report
    result: ValidationReport | None = None
    document: str | None = None
    error: dict[str, Any] | None = None  # code, title, message of an unreadable upload
    warnings: list[dict[str, str]] = field(default_factory=list)  # what the reader noticed (W_MACROS_IGNORED)


def check_file(path: str | Path) -> Outcome:
    """Reads and checks one workbook; an unreadable file is an outcome (with its code), never an exception."""
    try:
        report, source = read_source(path)
    except GaipError as exc:
        return Outcome(UNREADABLE, error={"code": exc.code, "title": exc.title, "message": _without_path(exc)})
    except Exception as exc:  # noqa: BLE001 - a bug in the reader must not take the upload down with it
        error = ServerError(detail=f"读取该文件时程序出错（{type(exc).__name__}），请把该文件发给维护人员")
        return Outcome(UNREADABLE, error={"code": error.code, "title": error.title, "message": error.message})
    result = validate(report)
    document = report_document(report, result, source)
    return Outcome(OK if result.valid else ERRORS, report, result, document, warnings=list(source.warnings))


def _without_path(exc: GaipError) -> str:
    """The message without the server's file path (the clerk knows which file they sent)."""
    exc.path = None
    return exc.message


def finding_key(finding: Finding) -> tuple[str, tuple[str, ...]]:
    """What identifies a warning for its 说明: its rule and the codes of its cells (as the agreed shape has them)."""
    return finding.rule, tuple(c.code for c in finding.cells)


def warnings_of(result: ValidationReport) -> list[Finding]:
    return [f for f in result.findings if f.severity is Severity.WARNING]


def with_explanations(document: str, explanations: list[dict[str, Any]]) -> str:
    """The document with ``"explanations"`` (before ``"validation"``), laid out as ``to-json`` lays it out."""
    data = json.loads(document)
    validation = data.pop("validation", None)
    data["explanations"] = explanations
    if validation is not None:
        data["validation"] = validation
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
