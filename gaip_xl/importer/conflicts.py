"""One figure cell read twice from a document: the same figure is read once; two different figures are neither.

A document may give a cell twice: a table quoted from last year's report, a report pasted twice with a correction,
a row repeated at a page break, a print copy a style sheet hides. Taking the first or the last would report a figure
the document does not settle, so a cell whose readings differ is not imported: it is listed as missing (reason
``conflict``, rule I1) and ``I_FIGURE_CONFLICT`` names each reading and where it stands. Readings that agree (the
same number written "3,119" and "3119", a "/" and a "—") are one figure.
"""

from __future__ import annotations

from typing import Any

from ..format import Edition, ValueType
from .findings import ImportFinding, import_finding, where_text
from .values import read_value

MAX_LISTED = 4


def same_reading(first: dict[str, Any], second: dict[str, Any], kind: ValueType) -> bool:
    """Whether two records of one cell give the same figure: the same value, or both blank, or both "not applicable"."""
    a, b = read_value(first.get("text") or "", kind), read_value(second.get("text") or "", kind)
    if a.kind != b.kind:
        return False
    return a.kind in ("blank", "not_applicable") or a.value == b.value


def reading(record: dict[str, Any]) -> dict[str, Any]:
    """What the import block keeps of one reading of a cell in conflict: its text as published and where it stands."""
    return {"text": (record.get("text") or "").strip(), "where": record.get("where", {})}


def conflict_findings(conflicts: dict[str, list[dict[str, Any]]], edition: Edition,
                      row_name: Any) -> list[ImportFinding]:
    """One I_FIGURE_CONFLICT per row: each differing cell with every reading and its place."""
    by_row: dict[str, list[str]] = {}
    for code in conflicts:
        by_row.setdefault(code.rsplit(".", 1)[0], []).append(code)
    found = []
    for row_key, codes in by_row.items():
        listed = "；".join(_listed(edition, code, conflicts[code]) for code in codes[:MAX_LISTED])
        listed += "等" if len(codes) > MAX_LISTED else ""
        places = tuple(r["where"] for code in codes for r in conflicts[code])
        found.append(import_finding("I_FIGURE_CONFLICT", cells=tuple(codes), where=places, row=row_name(row_key),
                                    count=len(codes), listed=listed))
    return found


def _listed(edition: Edition, code: str, readings: list[dict[str, Any]]) -> str:
    shown = "与".join(f"“{r['text'] or '空白'}”（{where_text(r['where'])}）" for r in readings)
    return f"{edition.cell(code).column.label}：{shown}"
