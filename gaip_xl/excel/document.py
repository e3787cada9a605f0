"""The to-json document: a report's JSON with its findings embedded as ``"validation"``, built in one place.

``gaip-xl to-json``, the bulk worker and the add-in's 导出 JSON all write this document, so they call
``report_document``. The text is exactly ``report.to_json(validation=…)`` (``json.dumps(…, indent=2,
ensure_ascii=False)``), built faster: with an indent, the standard library encodes in pure Python, and the tables
(a few hundred fixed keys per report) cost most of it. Their text is laid out once per edition with a slot for every
figure, and only the figures are encoded per report; everything else goes through ``json.dumps`` itself.
"""

from __future__ import annotations

import json
import math
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..report import Report
    from ..rules import ValidationReport
    from .reader import Source

INDENT = "  "
_SLOT = "\x00gaip-slot\x00"  # cannot occur in the layout text: json.dumps escapes control characters
_encode_string = json.JSONEncoder(ensure_ascii=False).encode


def _dumps(value: Any, level: int) -> str:
    """``value`` as json.dumps(indent=2) writes it ``level`` levels deep inside a document."""
    return json.dumps(value, ensure_ascii=False, indent=2, allow_nan=False).replace("\n", "\n" + INDENT * level)


@cache
def _tables_layout(edition: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The text of an edition's "tables" object one level deep, split at its figures, and their codes in order."""
    from ..format import EDITIONS

    codes: list[str] = []
    tables: dict[str, Any] = {}
    for table in EDITIONS[edition].tables:
        tables[table.code] = {}
        for row in table.rows:
            tables[table.code][row.code] = {}
            for col in table.columns:
                tables[table.code][row.code][col.code] = _SLOT
                codes.append(f"{table.code}.{row.code}.{col.code}")
    pieces = _dumps(tables, 1).split(json.dumps(_SLOT))
    return tuple(pieces), tuple(codes)


def _figure(value: Any) -> str:
    """A figure as json.dumps writes it four levels deep (table → row → column)."""
    if value is None:
        return "null"
    kind = type(value)
    if kind is int:
        return int.__repr__(value)
    if kind is str:
        return _encode_string(value)
    if kind is float and not math.isfinite(value):
        return _encode_string(repr(value))  # as Report.tables() writes it: JSON has no inf or nan
    return _dumps(value, 4)  # floats, booleans, anything a hand-written JSON put there


def _tables_text(report: Report) -> str:
    pieces, codes = _tables_layout(report.edition.code)
    figures = report.figures
    parts = [pieces[0]]
    for code, piece in zip(codes, pieces[1:], strict=True):
        parts.append(_figure(figures.get(code)))
        parts.append(piece)
    return "".join(parts)


def report_text(report: Report) -> str:
    """The report's members of the document (without braces and without "validation"): the same text for the same
    report, whatever its findings and source, so it also identifies the report (bulk compares duplicates by it)."""
    members = [f"{INDENT}{_encode_string(key)}: {_dumps(value, 1)}" for key, value in
               report.to_dict(tables=False).items()]
    members.append(f'{INDENT}"tables": {_tables_text(report)}')
    return ",\n".join(members)


def validation_dict(result: ValidationReport, source: Source | dict[str, Any] | None) -> dict[str, Any]:
    """The "validation" object: the findings, and what the reader learned about the file (none for a JSON input)."""
    validation = result.to_dict()
    if source is not None:
        validation["source"] = source if isinstance(source, dict) else source.to_dict()
    return validation


def report_document(report: Report, result: ValidationReport, source: Source | dict[str, Any] | None = None,
                    text: str | None = None) -> str:
    """``report.to_json(validation=…)`` as ``gaip-xl to-json`` writes it; ``text`` is ``report_text(report)`` when
    the caller already has it."""
    return document_text(report, validation_dict(result, source), text)


def document_text(report: Report, validation: dict[str, Any], text: str | None = None,
                  imported: dict[str, Any] | None = None) -> str:
    """``report.to_json(validation=validation)``, for a caller that builds the "validation" object itself; with
    ``imported`` (a published document's import block) ``report.to_json(validation=…, import=imported)``, as
    ``gaip-xl import`` writes it."""
    body = text if text is not None else report_text(report)
    tail = f',\n{INDENT}"import": {_dumps(imported, 1)}' if imported is not None else ""
    return f'{{\n{body},\n{INDENT}"validation": {_dumps(validation, 1)}{tail}\n}}\n'


__all__ = ["document_text", "report_document", "report_text", "validation_dict"]
