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
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import JsonStructure, JsonTooLarge, UnknownEdition
from ..files import read_regular
from ..format import EDITIONS, Edition, edition_for_year
from .jsontext import MAX_JSON_BYTES, check_depth, parse_json

if TYPE_CHECKING:
    import pandas

Figure = int | float | str | bool | None  # what a figure cell may hold before validation


FROM_JSON = "from_json"  # in ``Report.extra``: the report was read from its JSON (a figure "64" is text in quotes)

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
    """One annual report: its edition, basic facts, prose and every figure by cell code.

    Build one with ``Report.load(path)`` or ``Report.from_json(text_or_dict)`` (or ``gaip_xl.read_workbook`` from a
    filled template); write it with ``to_json``/``save``, check it with ``gaip_xl.validate``.

    Attributes:
        edition: the format edition (``gaip_xl.format.EDITIONS["2021"]`` …).
        year: the report year, or None when the document gives none (J1 says so).
        agency: name, level, region code and contact.
        published_on: ISO date ``YYYY-MM-DD`` (kept as typed if it is not one: J1 names it).
        text: the prose parts by code (``overview``, ``problems``, ``other``).
        figures: ``{cell code: value}``; an absent code is a blank cell. Values are kept as given (text too) so the
            rules, not the loader, say what is wrong.

    Example:
        >>> report = Report.load("examples/huaian-2024.json")
        >>> report.edition.code, report.year, report.agency.name
        ('2021', 2024, '淮安市人民政府')
        >>> report.value("s3.new.natural")
        3001
    """

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
        """Builds a report from its JSON document.

        Args:
            data: the document as text, as bytes (UTF-8; UTF-16/32 with a byte-order mark) or already parsed.
            path: the file it came from, named in error messages.

        Returns:
            The report; one-line facts and prose are cleaned as a worksheet cell gives them back (surrounding
            whitespace removed, empty as None), figures are kept as given.

        Raises:
            GaipError: ``E_JSON_SYNTAX``, ``E_JSON_ENCODING``, ``E_JSON_TOO_LARGE``, ``E_JSON_STRUCTURE`` (not an
                object, or nested too deep) or ``E_EDITION``.

        Example:
            >>> Report.from_json('{"edition": "2021", "year": 2024, "tables": {"s3": {"new": {"natural": 7}}}}'
            ...                  ).value("s3.new.natural")
            7
            >>> from gaip_xl.errors import GaipError
            >>> try:
            ...     Report.from_json(b"[" * 100_000)
            ... except GaipError as error:
            ...     print(error.code, error.message)
            E_JSON_STRUCTURE 不是政府信息公开年报的 JSON 文档：嵌套超过 64 层，不是年报文档
        """
        if isinstance(data, (str, bytes)):
            data = parse_json(data, path)
        else:
            check_depth(data, path)  # a document built in Python: nothing may recurse into it unbounded either
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
        # Text as a cell gives it back (``clean_text``, ``clean_prose``), so the report judged is the report that a
        # workbook written from it holds; the schema (J1) sees these values too.
        parts = {p.code for p in edition.text_parts}
        agency = {k: clean_text(v) if k in AGENCY_KEYS else v for k, v in agency.items()}
        text = {k: clean_prose(v) if k in parts else v for k, v in text.items()}
        document = {**data}
        document.update({key: value for key, value in (("agency", agency), ("text", text)) if key in data})
        year = data.get("year")
        if isinstance(year, float) and year.is_integer():  # 2024.0 is an integer to JSON Schema
            year = document["year"] = int(year)
        explanations = data.get("explanations") or []
        if not isinstance(explanations, list):
            explanations = []  # the schema check names it
        return cls(
            edition=edition,
            year=year if isinstance(year, int) and not isinstance(year, bool) else None,
            agency=Agency(**{k: agency.get(k) for k in AGENCY_KEYS}),
            published_on=data.get("published_on"),
            report_type=data.get("report_type"),
            text={p.code: text.get(p.code) for p in edition.text_parts},
            figures=_figures_from_tables(edition, tables),
            extra={"document": document, FROM_JSON: True},
            explanations=[e for e in map(Explanation.from_json, explanations) if e is not None],
        )

    @classmethod
    def load(cls, path: str | Path) -> Report:
        """Reads a report's JSON file.

        Args:
            path: the ``.json`` file.

        Returns:
            The report (see ``from_json``).

        Raises:
            GaipError: ``E_FILE_NOT_FOUND`` if it cannot be read, ``E_NOT_FILE`` for a FIFO, a device or a folder,
                ``E_JSON_TOO_LARGE`` over 16 MB, or whatever ``from_json`` raises.

        Example:
            >>> Report.load("examples/huaian-2024.json").year
            2024
        """
        return cls.from_json(read_json_bytes(path), path=str(path))

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
        """The figures nested as the document holds them: table → row → column → value. A float JSON cannot hold
        (inf, nan: only a Python caller can put one there) is written as its text, which V1 reports."""
        tables: dict[str, Any] = {}
        for table in self.edition.tables:
            tables[table.code] = {
                row.code: {col.code: _json_figure(self.figures.get(f"{table.code}.{row.code}.{col.code}"))
                           for col in table.columns}
                for row in table.rows
            }
        return tables

    def to_json(self, **extra: Any) -> str:
        """The canonical JSON text: UTF-8, Chinese unescaped, keys in format order."""
        return json.dumps({**self.to_dict(), **extra}, ensure_ascii=False, indent=2, allow_nan=False) + "\n"

    def save(self, path: str | Path, **extra: Any) -> None:
        """Writes the canonical JSON (UTF-8, Chinese unescaped) atomically."""
        from ..atomic import write_text

        write_text(path, self.to_json(**extra))

    def document(self) -> Mapping[str, Any]:
        """The document to check against the JSON Schema: as loaded if it was loaded, else as written."""
        return self.extra.get("document") or self.to_dict()

    def value(self, code: str) -> Figure:
        return self.figures.get(code)

    def to_frame(self) -> pandas.DataFrame:
        """Every figure cell as a pandas DataFrame, the rows the bulk tidy table has for this report.

        Returns:
            One row per figure cell in the edition's order, columns ``table``, ``row``, ``column``, ``code``,
            ``label`` (categoricals) and ``value`` (float; NaN where the cell is blank or holds text).

        Raises:
            ImportError: if pandas is not installed.

        Example:
            >>> frame = Report.load("examples/huaian-2024.json").to_frame()
            >>> float(frame.set_index("code").loc["s3.new.natural", "value"])
            3001.0
            >>> list(frame.columns)
            ['table', 'row', 'column', 'code', 'label', 'value']
        """
        from .frames import report_frame

        return report_frame(self)


AGENCY_KEYS = ("name", "level", "region_code", "contact")


def clean_text(value: Any) -> Any:
    """A one-line fact as a cell gives it back: without surrounding whitespace, empty as None; not text: as is."""
    if not isinstance(value, str):
        return value
    return value.strip() or None


def clean_prose(value: Any) -> Any:
    """Prose as a cell gives it back: Windows line ends as "\\n", without surrounding whitespace, empty as None."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").strip() or None


def read_json_bytes(path: str | Path) -> bytes:
    """The bytes of a JSON file, at most ``MAX_JSON_BYTES`` (a device or a huge file is never read whole)."""
    name = str(path)
    return read_regular(path, name, MAX_JSON_BYTES, lambda _: JsonTooLarge(
        name, size=f"超过 {MAX_JSON_BYTES:,}", limit=f"{MAX_JSON_BYTES:,}"))


def _json_figure(value: Figure) -> Figure:
    return repr(value) if isinstance(value, float) and not math.isfinite(value) else value


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
                if type(value) is float and not math.isfinite(value):  # a document built in Python: no NaN out
                    value = repr(value)
                if value is not None and value != "":  # "" is what an empty cell gives back: blank
                    figures[f"{table.code}.{row.code}.{col.code}"] = value
    return figures
