"""Parsing a report's JSON text so that any input gives a report or a ``GaipError``, never another exception.

What the standard library would let through, and what happens here instead:

- bytes that are not UTF-8 (GBK, Latin-1, UTF-16 without a byte-order mark): ``E_JSON_ENCODING``; UTF-16 and
  UTF-32 with a byte-order mark (what Windows Notepad calls "Unicode") are unambiguous and read;
- a file larger than any report (``MAX_JSON_BYTES``): ``E_JSON_TOO_LARGE``;
- a member name written twice in one object (``{"decisions": 447228, "decisions": 5}``): the standard library keeps
  the last one silently, so the file's figure would be a guess; ``E_JSON_DUPLICATE_KEY`` names where, the key and
  every value written for it;
- nesting deeper than any report (``MAX_DEPTH``; a report is five levels deep, its findings seven): refused as
  ``E_JSON_STRUCTURE`` before anything walks it recursively (json itself raises RecursionError near 1,000);
- half of a surrogate pair written as an escape (``"\\ud800"``): no file encoding can hold it, so it is
  ``E_JSON_ENCODING``;
- numbers no float holds as typed — decimals with more than 15 significant digits (``limits.MAX_DIGITS``), beyond
  the float range (``1e400``) or rounded to zero (``1e-400``), integers longer than Python converts (4,300 digits)
  — and ``NaN``, ``Infinity``, ``-Infinity``: kept as the text typed, so the value rules report it (V5, V1) and
  every document written from the report is strict JSON. Other integers stay integers (exact in Python); V5
  reports those over 15 digits.
"""

from __future__ import annotations

import codecs
import json
import re
import sys
from typing import Any

from ..errors import JsonDuplicateKey, JsonEncoding, JsonStructure, JsonSyntax, JsonTooLarge
from .limits import unkept_number

MAX_JSON_BYTES = 16 * 1024 * 1024  # a report with its findings is well under 1 MB; prose is at most 3 × 32,767 chars
MAX_DEPTH = 64

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _encoding_guess(raw: bytes) -> str:
    if b"\x00" in raw:
        return "疑似 UTF-16 或 UTF-32 编码且没有字节顺序标记"
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return "含有不是 UTF-8 的字节"
    return "疑似 GBK/GB18030 编码"


def decode(raw: bytes, path: str | None = None) -> str:
    """The text of a JSON file: UTF-8 (a byte-order mark allowed), or UTF-16/UTF-32 with a byte-order mark."""
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    nul = raw.find(b"\x00") if encoding == "utf-8" else -1
    if nul >= 0:  # JSON text never holds a NUL byte: UTF-16 or UTF-32 without a byte-order mark
        raise JsonEncoding(path, detail=f"第 {nul + 1} 个字节起{_encoding_guess(raw)}")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        where = f"第 {exc.start + 1} 个字节起"
        guess = _encoding_guess(raw) if encoding == "utf-8" else f"按 {encoding.upper()} 无法解码"
        raise JsonEncoding(path, detail=f"{where}{guess}") from None


def _integer(text: str) -> int | str:
    """Only on the second reading, after Python refused to convert a very long integer: that one stays text."""
    limit = sys.get_int_max_str_digits()
    return text if limit and len(text.lstrip("-")) > limit else int(text)


def _number(text: str) -> float | str:
    return text if unkept_number(text) else float(text)  # the JSON grammar is a subset of Decimal's: never fails


def _constant(text: str) -> str:
    return text  # NaN, Infinity, -Infinity: not JSON; kept as typed so nothing non-JSON is ever written


def _containers(values: Any) -> list[Any]:
    return [v for v in values if type(v) is dict or type(v) is list]


def check_depth(data: Any, path: str | None = None) -> None:
    """Refuses a parsed document nested deeper than ``MAX_DEPTH`` (``E_JSON_STRUCTURE``); level by level, no
    recursion, looking only at containers."""
    level, depth = [data], 1
    while level:
        if depth > MAX_DEPTH:
            raise JsonStructure(path, detail=f"嵌套超过 {MAX_DEPTH} 层，不是年报文档")
        below: list[Any] = []
        for node in level:
            if type(node) is dict:
                below += _containers(node.values())
            elif type(node) is list:
                below += _containers(node)
        level, depth = below, depth + 1


def _check_surrogates(data: Any, path: str | None) -> None:
    """Refuses a string (value or key) holding half of a surrogate pair: no file encoding can hold it."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if _SURROGATE.search(node):
                raise JsonEncoding(path, detail="含有不成对的 Unicode 代理项（如 \\ud800），任何文字编码都无法保存")
        elif isinstance(node, dict):
            stack += node.keys()
            stack += node.values()
        elif isinstance(node, list):
            stack += node


def _may_hold_surrogates(text: str, decoded: bool) -> bool:
    """Whether a string parsed from ``text`` can hold a lone surrogate: only from a ``\\uD8xx``-style escape, or in
    text handed over as ``str`` (bytes decoded strictly never hold one)."""
    if "\\u" in text and _ESCAPED_SURROGATE.search(text):
        return True
    if decoded:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class _DuplicateKey(Exception):
    """Raised from inside ``json.loads`` by ``_unique``: the file is read again to say where (``_duplicate``)."""


class _Duplicates(dict[str, Any]):
    """An object with a member name written twice, as the second reading keeps it: the names and every value."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.pairs = pairs


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _DuplicateKey
    return found


def _marked(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    return _Duplicates(pairs) if len(found) != len(pairs) else found


def _loads(text: str, hook: Any = _unique) -> Any:
    try:
        return json.loads(text, parse_float=_number, parse_constant=_constant, object_pairs_hook=hook)
    except json.JSONDecodeError:
        raise
    except _DuplicateKey:
        raise
    except ValueError:  # an integer longer than Python converts (4,300 digits): read again keeping them as text
        return json.loads(text, parse_int=_integer, parse_float=_number, parse_constant=_constant,
                          object_pairs_hook=hook)


def _duplicate(text: str, path: str | None) -> JsonDuplicateKey:
    """The first object, in document order, with a member name written twice: where it is (a JSON Pointer), the
    name, and each value written for it (the text is read again, this time keeping such objects whole)."""
    stack: list[tuple[str, Any]] = [("", _loads(text, _marked))]
    while stack:
        where, node = stack.pop()
        if isinstance(node, _Duplicates):
            names = [name for name, _ in node.pairs]
            key = next(name for name in names if names.count(name) > 1)
            values = [_shown(value) for name, value in node.pairs if name == key]
            return JsonDuplicateKey(path, where=_printable(where) or "最外层", key=_printable(key), times=len(values),
                                    values=_printable("、".join(values)))
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack += reversed([(f"{where}/{_pointer(str(name))}", child) for name, child in children])
    raise AssertionError("a duplicate found once is found again")  # pragma: no cover


def _printable(text: str) -> str:
    """Text any stream can print: half of a surrogate pair shown as its escape (``\\ud800``)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _pointer(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")  # RFC 6901


def _shown(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, _Duplicates) else "{…}"
    return text if len(text) <= limit else text[:limit] + "…"


# What Python's json parser says (json.decoder, _json.c), in the words of whoever wrote the file
_SYNTAX = {
    "Expecting value": "此处应为一个值（数字、带双引号的文字、对象或列表）：文件是空的、被截断，或多了逗号",
    "Expecting property name enclosed in double quotes": "此处应为带双引号的键名：键名用了单引号，或最后一项后多了逗号",
    "Expecting ':' delimiter": "键名后应为冒号“:”",
    "Expecting ',' delimiter": "此处应为逗号“,”：两项之间少了逗号，或文字里的双引号没有写成 \\\"",
    "Unterminated string starting at": "从这里开始的文字没有结束的双引号（文件被截断？）",
    "Invalid control character at": "文字里有控制字符（换行、制表符等应写成 \\n、\\t）",
    "Invalid \\escape": "反斜杠“\\”后的字符无效（文字里的反斜杠应写成 \\\\，如 Windows 路径）",
    "Invalid \\uXXXX escape": "“\\u”后应为4位十六进制数字",
    "Extra data": "一个完整的 JSON 值之后还有多余的内容（两份文档连在一起？）",
}


def syntax_problem(message: str) -> str:
    """The json parser's message in Chinese (one it has not used before: 格式错误, with its words)."""
    return _SYNTAX.get(message) or f"格式错误（{message}）"


def parse_json(data: str | bytes, path: str | None = None) -> Any:
    """The parsed JSON value of ``data`` (bytes or text), or a ``GaipError``: see the module's docstring."""
    if len(data) > MAX_JSON_BYTES:
        raise JsonTooLarge(path, size=f"{len(data):,}", limit=f"{MAX_JSON_BYTES:,}")
    decoded = isinstance(data, bytes)
    text = decode(data, path) if isinstance(data, bytes) else data
    try:
        value = _loads(text)
    except json.JSONDecodeError as exc:
        raise JsonSyntax(path, line=exc.lineno, column=exc.colno, detail=syntax_problem(exc.msg)) from None
    except RecursionError:
        raise JsonStructure(path, detail=f"嵌套超过 {MAX_DEPTH} 层，不是年报文档") from None
    except _DuplicateKey:
        raise _duplicate(text, path) from None
    if text.count("[") + text.count("{") > MAX_DEPTH:  # else the nesting cannot be deeper: no walk needed
        check_depth(value, path)
    if _may_hold_surrogates(text, decoded):
        _check_surrogates(value, path)
    return value


__all__ = ["MAX_DEPTH", "MAX_JSON_BYTES", "check_depth", "decode", "parse_json"]
