"""J1: the document against its JSON Schema, with every error told in Chinese.

Errors inside a figure are left to the value rules (V1–V5) and missing figures to B1, which say it better; what is
left (basic facts, unknown or misplaced keys, the wrong edition's rows) becomes J1 findings. As python-jsonschema
does, each error keeps both paths: the JSON Pointer of the instance and the schema keyword that failed. A document
without any error (nearly every one) is told apart by a test compiled from the same schema, so jsonschema walks only
the documents it has something to say about.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from ..format import EDITIONS, Edition, layout_for
from ..report import Report, schema_for
from ..report.limits import DATE_PATTERN, FIRST_DATE, LAST_DATE, MAX_TEXT, TEXT_PATTERN, text_problem
from .checks import check, finding, shown_value
from .context import Context
from .findings import CellRef, Finding


@cache
def _validator(edition_code: str) -> Draft202012Validator:
    """The schema with its figures left open: a figure's value is judged by V1–V5 and a missing one by B1, so the
    check here only needs the shape of the tables (unknown or misplaced keys). Derived from the schema, and about ten
    times faster than walking every figure."""
    schema = copy.deepcopy(schema_for(edition_code))
    for table in schema["properties"]["tables"]["properties"].values():
        for row in table["properties"].values():
            # Only the keys: propertyNames checks them without descending into every figure.
            columns = list(row.pop("properties"))
            row.pop("required", None)
            row.pop("additionalProperties", None)
            row["propertyNames"] = {"title": f"{row['title']}的栏目", "enum": columns}
        table.pop("required", None)
    schema["properties"]["tables"].pop("required", None)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _validator_without_tables(edition_code: str) -> Draft202012Validator:
    schema = dict(schema_for(edition_code))
    schema["properties"] = {**schema["properties"], "tables": {}}
    schema["required"] = [k for k in schema["required"] if k != "tables"]
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _title(error: ValidationError) -> str:
    return error.schema.get("title") or "/".join(str(p) for p in error.absolute_path) or "文档"


def _shown(value: Any) -> str:
    text = shown_value(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _shown_as(error: ValidationError) -> str:
    return f"的值“{_shown(error.instance)}”"


def _the_value(error: ValidationError) -> str:
    """A value of the wrong type, with the type it has (the text “2024” and the number 2024 look alike), or a blank
    (``null``, a cell left empty) said to be one."""
    return "未填写" if error.instance is None else f"{_shown_as(error)}（{_kind(error.instance)}）类型不对"


def _kind(value: Any) -> str:
    """A JSON value's type in the words of ``_TYPE_NAMES``."""
    kinds = ((bool, "逻辑值"), (str, "文字"), ((int, float), "数字"), (list, "列表"), (dict, "对象"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "值")


def _not_the_constant(error: ValidationError) -> str:
    wanted, shown = error.validator_value, _shown(error.instance)
    if shown == str(wanted):  # alike as text: the type differs
        return f"「{_title(error)}」应为{_kind(wanted)}“{wanted}”，实为{_kind(error.instance)}“{shown}”"
    return f"「{_title(error)}」应为“{wanted}”，实为“{shown}”"


def _not_a_choice(error: ValidationError) -> str:
    choices = "、".join(str(v) for v in error.validator_value if v is not None)
    if error.instance is None:
        return f"「{_title(error)}」未填写，请从以下选择：{choices}"
    return f"「{_title(error)}」{_shown_as(error)}不在可选范围内（{choices}）"


_TYPE_NAMES = {"integer": "整数", "number": "数字", "string": "文字", "object": "对象", "null": "空", "array": "列表"}

def _text_hint(error: ValidationError) -> str:
    return f"：{text_problem(error.instance)}" if isinstance(error.instance, str) else ""


_HINTS: dict[str, Callable[[ValidationError], str]] = {
    DATE_PATTERN: lambda e: f"，应为 {FIRST_DATE.isoformat()} 至 {LAST_DATE.isoformat()} 之间、YYYY-MM-DD 形式的日期",
    r"^\d{6}$": lambda e: "，应为6位数字",
    TEXT_PATTERN: _text_hint,
}


def _hint(error: ValidationError) -> str:
    hint = _HINTS.get(str(error.validator_value))
    return hint(error) if hint else ""


def _types(expected: str | list[str]) -> str:
    return "或".join(_TYPE_NAMES.get(t, t) for t in ([expected] if isinstance(expected, str) else expected))


def _required(e: ValidationError) -> str:
    names = [n for n in e.validator_value if isinstance(e.instance, dict) and n not in e.instance]
    titles = [e.schema.get("properties", {}).get(n, {}).get("title", n) for n in names]
    return f"「{_title(e)}」缺少必填项：{'、'.join(titles)}"


_MESSAGES: dict[str, Callable[[ValidationError], str]] = {
    "required": _required,
    "type": lambda e: f"「{_title(e)}」不能为空" if e.instance is None and "minLength" in e.schema else
                      f"「{_title(e)}」{_the_value(e)}，应为{_types(e.validator_value)}",
    "enum": _not_a_choice,
    "const": _not_the_constant,
    "pattern": lambda e: f"「{_title(e)}」的值“{_shown(e.instance)}”格式不对{_hint(e)}",
    "format": lambda e: f"「{_title(e)}」的值“{_shown(e.instance)}”不是有效的日期（该日不存在）",
    "minLength": lambda e: f"「{_title(e)}」不能为空",
    "maxLength": lambda e: f"「{_title(e)}」有 {len(e.instance)} 个字符，超过 Excel 单元格能保存的 {MAX_TEXT} 个",
    "minimum": lambda e: f"「{_title(e)}」的值{e.instance}小于{e.validator_value}",
    "maximum": lambda e: f"「{_title(e)}」的值{e.instance}大于{e.validator_value}",
    "additionalProperties": lambda e: f"「{_title(e)}」中有本格式没有的项目："
                                      f"{'、'.join(sorted(set(e.instance) - set(e.schema.get('properties', {}))))}",
}


def chinese_message(error: ValidationError) -> str:
    explain = _MESSAGES.get(str(error.validator))
    return explain(error) if explain else f"「{_title(error)}」不符合格式要求（{error.validator}）"


def _left_to_other_rules(error: ValidationError) -> bool:
    path = list(error.absolute_path)
    if path[:1] != ["tables"]:
        return False
    return error.validator == "required"  # a missing table, row or figure is blank: B1 says so


def _cell(edition: Edition, error: ValidationError) -> tuple[CellRef, ...]:
    path = [str(p) for p in error.absolute_path]
    code = ".".join(path)
    pos = layout_for(edition.code).fields.get(code)
    pointer = "/" + "/".join(path)
    return (CellRef(code, pointer, pos.sheet if pos else "", pos.a1 if pos else "", _title(error)),)


@cache
def _shape(edition_code: str) -> dict[str, dict[str, frozenset[str]]]:
    edition = EDITIONS[edition_code]
    return {t.code: {r.code: frozenset(c.code for c in t.columns) for r in t.rows} for t in edition.tables}


def _tables_shaped_by_model(edition_code: str, tables: Any) -> bool:
    """True when every table, row and column key is one the model knows (objects all the way down): then the
    schema's table part cannot fail (missing keys are blanks, figure values are the value rules' business)."""
    if not isinstance(tables, dict):
        return False
    shape = _shape(edition_code)
    for table, rows in tables.items():
        known_rows = shape.get(table)
        if known_rows is None or not isinstance(rows, dict):
            return False
        for row, columns in rows.items():
            known_columns = known_rows.get(row)
            if known_columns is None or not isinstance(columns, dict) or not known_columns.issuperset(columns):
                return False
    return True


def schema_errors(report: Report) -> Iterator[ValidationError]:
    """The document's schema errors. Tables shaped by the model (always so for a report built in code, as bulk reading
    does, and usually so for a JSON document) need only the rest of the document checked; otherwise the whole
    document goes through the schema, which names every misplaced key in Chinese. The rest is checked even for a
    report the workbook reader built: its facts are what a clerk typed (a level, a date, a region code …), which the
    reader does not make valid (tests/test_rules_schema.py)."""
    document = report.extra.get("document")
    code = report.edition.code
    if document is not None and not _tables_shaped_by_model(code, document.get("tables", {})):
        yield from _validator(code).iter_errors(document)
    else:
        facts = {**document, "tables": {}} if document is not None else report.to_dict(tables=False)
        yield from _validator_without_tables(code).iter_errors(facts)


@check("J1")
def document_shape(ctx: Context) -> Iterator[Finding]:
    for error in sorted(schema_errors(ctx.report), key=lambda e: list(map(str, e.absolute_path))):
        if not _left_to_other_rules(error):
            yield finding("J1", _cell(ctx.edition, error), actual=None, message=chinese_message(error))
