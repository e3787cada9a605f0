"""The JSON Schema (draft 2020-12) of a report, one per edition, generated from the format model.

Every property carries its Chinese label as ``title`` so the schema documents itself. The generated schemas are also
shipped as files in ``gaip_xl/schemas/`` (a test keeps them equal to what this module generates) for systems that
want the schema without Python.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from ..format import EDITIONS, INFO_FIELDS, LEVELS, REPORT_TYPES, FieldKind, ValueType
from ..format.model import AMOUNT_DECIMALS, Table
from .limits import DATE_PATTERN, FIRST_YEAR, LAST_YEAR, MAX_DIGITS, MAX_TEXT, MAX_WHOLE, TEXT_PATTERN

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Every limit comes from ``limits`` (what Excel holds exactly), which the workbook writer uses too.
_FIGURE_TYPES: dict[ValueType, dict[str, Any]] = {
    ValueType.COUNT: {"type": ["integer", "null"], "minimum": 0, "maximum": MAX_WHOLE},
    ValueType.CHANGE: {"type": ["integer", "null"], "minimum": -MAX_WHOLE, "maximum": MAX_WHOLE},
    ValueType.AMOUNT: {"type": ["number", "null"], "minimum": 0, "maximum": MAX_WHOLE},
}

_TEXT: dict[str, Any] = {"type": ["string", "null"], "maxLength": MAX_TEXT, "pattern": TEXT_PATTERN}

_FIELD_TYPES: dict[FieldKind, dict[str, Any]] = {
    FieldKind.TEXT: _TEXT,
    FieldKind.LEVEL: {"enum": [*LEVELS, None]},
    FieldKind.YEAR: {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
    FieldKind.DATE: {"type": ["string", "null"], "pattern": DATE_PATTERN, "format": "date"},
    FieldKind.REGION_CODE: {"type": ["string", "null"], "pattern": r"^\d{6}$"},
    FieldKind.REPORT_TYPE: {"enum": [*REPORT_TYPES, None]},
}

EXPLANATIONS_SCHEMA: dict[str, Any] = {
    "title": "说明",
    "description": "填报人对警告的书面说明：规则、所涉单元格（代码）、说明文字。错误必须改正，说明不改变错误",
    "type": "array",
    "items": {
        "title": "一条说明",
        "type": "object",
        "properties": {
            "rule": {"title": "说明所对应的规则", "type": "string", "minLength": 1},
            "cells": {"title": "说明所涉的单元格", "type": "array",
                      "items": {"title": "说明所涉的单元格代码", "type": "string", "minLength": 1}},
            "text": {"title": "说明文字", "type": "string"},
        },
        "required": ["rule", "cells", "text"],
        "additionalProperties": False,
    },
}


def _figure(table: Table, row_code: str, col_code: str) -> dict[str, Any]:
    column = table.column(col_code)
    schema = {"title": column.label, **_FIGURE_TYPES[column.type]}
    if column.type is ValueType.AMOUNT:
        schema["description"] = f"最多{AMOUNT_DECIMALS}位小数，共不超过{MAX_DIGITS}位有效数字"
    return schema


def _table(table: Table) -> dict[str, Any]:
    rows = {
        row.code: {
            "title": " ".join(row.path),
            "type": "object",
            "properties": {c.code: _figure(table, row.code, c.code) for c in table.columns},
            "required": [c.code for c in table.columns],
            "additionalProperties": False,
        }
        for row in table.rows
    }
    return {
        "title": table.title,
        "type": "object",
        "properties": rows,
        "required": list(rows),
        "additionalProperties": False,
    }


def _field(code: str) -> dict[str, Any]:
    info = next(f for f in INFO_FIELDS if f.code == code)
    schema = {"title": info.label, "description": info.prompt, **_FIELD_TYPES[info.kind]}
    if info.required:  # a required fact may not be left null or empty
        if "enum" in schema:
            schema["enum"] = [v for v in schema["enum"] if v is not None]
        elif schema.get("type") == ["string", "null"]:
            schema.update(type="string", minLength=1)
    return schema


@cache
def schema_for(edition_code: str) -> dict[str, Any]:
    edition = EDITIONS[edition_code]
    agency_fields = [f.code.split(".", 1)[1] for f in INFO_FIELDS if f.code.startswith("agency.")]
    required_agency = [f.code.split(".", 1)[1] for f in INFO_FIELDS if f.code.startswith("agency.") and f.required]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:gaip-xl:report:{edition.code}",
        "title": f"政府信息公开工作年度报告（{edition.notice}《{edition.title}》）",
        "type": "object",
        "required": ["edition", "year", "agency", "tables"],
        "properties": {
            "edition": {"title": "格式版本", "const": edition.code},
            "year": _field("year"),
            "agency": {
                "title": "报告机关",
                "type": "object",
                "properties": {name: _field(f"agency.{name}") for name in agency_fields},
                "required": required_agency,
                "additionalProperties": False,
            },
            "published_on": _field("published_on"),
            "report_type": _field("report_type"),
            "text": {
                "title": "文字部分",
                "type": "object",
                "properties": {p.code: {"title": p.label, **_TEXT} for p in edition.text_parts},
                "additionalProperties": False,
            },
            "tables": {
                "title": "统计表",
                "type": "object",
                "properties": {t.code: _table(t) for t in edition.tables},
                "required": [t.code for t in edition.tables],
                "additionalProperties": False,
            },
            "explanations": EXPLANATIONS_SCHEMA,
            "validation": {"title": "校验结果（由 gaip-xl 写入，读取时忽略）", "type": "object"},
            "import": {"title": "导入来源（由 gaip-xl import 写入：每个数字出自原文何处、如何对应，未能对应的内容）",
                       "type": "object"},
        },
        "additionalProperties": False,
    }
