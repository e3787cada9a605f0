"""One annual report as a canonical JSON document, and its Python type.

The document (see ``schema.py`` for its JSON Schema)::

    {"edition": "2021", "year": 2022,
     "agency": {"name": …, "level": "乡镇", "region_code": null, "contact": null},
     "published_on": "2023-01-20", "report_type": "本机关",
     "text": {"overview": …, "problems": …, "other": …},
     "explanations": [{"rule": "R8", "cells": ["s2_item1.normative.in_force"], "text": "文件到期失效"}],
     "tables": {"s3": {"new": {"natural": 3, …}, …}, …}}

A blank figure is ``null``, never 0. Figures are kept exactly as given (even text such as "0件") so that the rules,
not the loader, decide what is wrong and say where.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import FileMissing, JsonStructure, JsonSyntax, UnknownEdition
from ..format import EDITIONS, Edition, edition_for_year

Figure = int | float | str | bool | None  # what a figure cell may hold before validation


@dataclass
class Agency:
    name: str | None = None
    level: str | None = None
    region_code: str | None = None
    contact: str | None = None


@dataclass(frozen=True)
class Explanation:
    """A filer's written 说明 for a warning: the rule, the cells it concerns (codes; none for a rule about the whole
    document) and the text. It travels with the report so that whoever checks it again sees the warning explained."""

    rule: str
    cells: tuple[str, ...] = ()
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "cells": list(self.cells), "text": self.text}

    @classmethod
    def from_json(cls, item: Any) -> Explanation | None:
        """The explanation in a document's list item, or None when it is not one (the schema check names it)."""
        if not isinstance(item, Mapping):
            return None
        rule, cells, text = item.get("rule"), item.get("cells", []), item.get("text", "")
        if not isinstance(rule, str) or not isinstance(text, str) or not isinstance(cells, list) \
                or not all(isinstance(c, str) for c in cells):
            return None
        return cls(rule, tuple(cells), text)


@dataclass
class Report:
    edition: Edition
    year: int | None = None
    agency: Agency = field(default_factory=Agency)
    published_on: str | None = None  # ISO date, YYYY-MM-DD
    report_type: str | None = None  # 报告类型: "本机关" or "汇总" (format.REPORT_TYPES), None when not given
    text: dict[str, str | None] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)  # cell code → value; absent means blank
    extra: dict[str, Any] = field(default_factory=dict)  # anything else the document held, kept for the schema
    explanations: list[Explanation] = field(default_factory=list)  # 说明 of warnings, in the order given

    # ------------------------------------------------------------------ construction
    @classmethod
    def empty(cls, edition: str | Edition, year: int | None = None) -> Report:
        ed = EDITIONS[edition] if isinstance(edition, str) else edition
        return cls(edition=ed, year=year, text={p.code: None for p in ed.text_parts})

    @classmethod
    def from_json(cls, data: str | bytes | Mapping[str, Any], path: str | None = None) -> Report:
        """Builds a report from its JSON document (text or already parsed). Raises a ``GaipError`` if it is not one."""
        if isinstance(data, (str, bytes)):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as exc:
                raise JsonSyntax(path, line=exc.lineno, column=exc.colno, detail=exc.msg) from None
        if not isinstance(data, Mapping):
            raise JsonStructure(path, detail="顶层应为对象（{…}）")
        edition = _edition_of(data, path)
        tables = data.get("tables", {})
        if not isinstance(tables, Mapping):
            raise JsonStructure(path, detail="“tables”应为对象")
        agency = data.get("agency") or {}
        if not isinstance(agency, Mapping):
            raise JsonStructure(path, detail="“agency”应为对象")
        text = data.get("text") or {}
        if not isinstance(text, Mapping):
            raise JsonStructure(path, detail="“text”应为对象")
        year = data.get("year")
        explanations = data.get("explanations") or []
        if not isinstance(explanations, list):
            explanations = []  # the schema check names it
        return cls(
            edition=edition,
            year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            agency=Agency(**{k: agency.get(k) for k in ("name", "level", "region_code", "contact")}),
            published_on=data.get("published_on"),
            report_type=data.get("report_type"),
            text={p.code: text.get(p.code) for p in edition.text_parts},
            figures=_figures_from_tables(edition, tables),
            extra={"document": data},
            explanations=[e for e in map(Explanation.from_json, explanations) if e is not None],
        )

    @classmethod
    def load(cls, path: str | Path) -> Report:
        try:
            raw = Path(path).read_bytes()
        except OSError:
            raise FileMissing(str(path)) from None
        return cls.from_json(raw, path=str(path))

    # ------------------------------------------------------------------ output
    def to_dict(self, tables: bool = True) -> dict[str, Any]:
        document = {
            "edition": self.edition.code,
            "year": self.year,
            "agency": {"name": self.agency.name, "level": self.agency.level,
                       "region_code": self.agency.region_code, "contact": self.agency.contact},
            "published_on": self.published_on,
            "report_type": self.report_type,
            "text": {p.code: self.text.get(p.code) for p in self.edition.text_parts},
            "explanations": [e.to_dict() for e in self.explanations],
        }
        if tables:
            document["tables"] = self.tables()
        return document

    def tables(self) -> dict[str, Any]:
        """The figures nested as the document holds them: table → row → column → value."""
        tables: dict[str, Any] = {}
        for table in self.edition.tables:
            tables[table.code] = {
                row.code: {col.code: self.figures.get(f"{table.code}.{row.code}.{col.code}") for col in table.columns}
                for row in table.rows
            }
        return tables

    def to_json(self, **extra: Any) -> str:
        """The canonical JSON text: UTF-8, Chinese unescaped, keys in format order."""
        return json.dumps({**self.to_dict(), **extra}, ensure_ascii=False, indent=2) + "\n"

    def save(self, path: str | Path, **extra: Any) -> None:
        """Writes the canonical JSON (UTF-8, Chinese unescaped) atomically."""
        from ..atomic import write_text

        write_text(path, self.to_json(**extra))

    def document(self) -> Mapping[str, Any]:
        """The document to check against the JSON Schema: as loaded if it was loaded, else as written."""
        return self.extra.get("document") or self.to_dict()

    def value(self, code: str) -> Figure:
        return self.figures.get(code)


def _edition_of(data: Mapping[str, Any], path: str | None) -> Edition:
    stated = data.get("edition")
    if stated is not None:
        edition = EDITIONS.get(str(stated))
        if edition is None:
            raise UnknownEdition(path, detail=f"“edition”为“{stated}”")
        return edition
    year = data.get("year")
    if isinstance(year, int) and not isinstance(year, bool):
        return edition_for_year(year)
    raise UnknownEdition(path, detail="文档既无“edition”也无有效的“year”")


def _figures_from_tables(edition: Edition, tables: Mapping[str, Any]) -> dict[str, Figure]:
    figures: dict[str, Figure] = {}
    for table in edition.tables:
        rows = tables.get(table.code)
        if not isinstance(rows, Mapping):
            continue  # the schema check reports a missing or malformed table
        for row in table.rows:
            columns = rows.get(row.code)
            if not isinstance(columns, Mapping):
                continue
            for col in table.columns:
                value = columns.get(col.code)
                if value is not None:
                    figures[f"{table.code}.{row.code}.{col.code}"] = value
    return figures
