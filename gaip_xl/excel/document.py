"""The to-json document: a report's JSON with its findings embedded as ``"validation"``, built in one place.

``gaip-xl to-json``, the bulk worker and the add-in's 导出 JSON all write this document, so they call
``report_document``. The text is exactly ``report.to_json(validation=…)`` (``json.dumps(…, indent=2,
ensure_ascii=False)``), built faster: with an indent, the standard library encodes in pure Python, and the tables
(a few hundred fixed keys per report) cost most of it. The members' text is laid out once per edition, by json.dumps,
with a slot for every fact and figure; per report only the values are encoded (text by the standard library's own
string encoder, anything unusual by ``json.dumps``) and put in their slots. The "validation" object goes through
``json.dumps`` itself.
"""

from __future__ import annotations

import json
import math
from functools import cache
from itertools import repeat
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
def _layout(edition: str) -> tuple[str, tuple[tuple[str, ...], ...], tuple[str, ...]]:
    """An edition's report members as a ``%`` template with a ``%s`` slot for every fact and figure, the facts' paths
    in the document (their slots come first) and the figure codes (in cell order). Laid out by json.dumps itself
    from a report whose every leaf is a slot marker, so the text around the values is exactly what it writes."""
    from ..format import EDITIONS
    from ..report import Report

    paths: list[tuple[str, ...]] = []

    def mark(value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):  # the facts' objects and the tables' levels; every leaf is a slot
            return {key: mark(item, (*path, key)) for key, item in value.items()}
        paths.append(path)
        return _SLOT

    skeleton = mark(Report.empty(EDITIONS[edition]).to_dict(), ())
    text = json.dumps(skeleton, ensure_ascii=False, indent=2)[2:-2]  # the members, without the braces
    template = "%s".join(piece.replace("%", "%%") for piece in text.split(json.dumps(_SLOT)))
    codes = tuple(".".join(path[1:]) for path in paths if path[0] == "tables")
    assert codes == EDITIONS[edition].cell_codes
    return template, tuple(path for path in paths if path[0] != "tables"), codes


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


def _fact(value: Any, level: int) -> str:
    """A fact (or the explanations) as json.dumps writes it ``level`` levels deep."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is list and not value:
        return "[]"  # no explanations, as json.dumps writes an empty list
    return _dumps(value, level)


_PLAIN = frozenset({int, float})


def _plain_figures(values: Any) -> bool:
    """Whether every figure is an int or a finite float, which ``%s`` writes as json.dumps does (a sum is finite only
    if every term is; a sum too large for a float refuses the shortcut)."""
    if not set(map(type, values)) <= _PLAIN:
        return False
    try:
        return math.isfinite(sum(values))
    except OverflowError:
        return False


def report_text(report: Report) -> str:
    """The report's members of the document (without braces and without "validation"): the same text for the same
    report, whatever its findings and source, so it also identifies the report (bulk compares duplicates by it)."""
    template, facts, codes = _layout(report.edition.code)
    document = report.to_dict(tables=False)
    slots = []
    for path in facts:
        value = document
        for key in path:
            value = value[key]
        slots.append(_fact(value, len(path)))
    figures = report.figures
    if _plain_figures(figures.values()):  # the common case: every figure (a blank is absent) written in C
        return template % (*slots, *map(figures.get, codes, repeat("null")))
    return template % (*slots, *map(_figure, map(figures.get, codes)))


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
