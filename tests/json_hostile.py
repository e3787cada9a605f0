"""Hypothesis strategies for hostile report JSON, built by rule rather than by hand (issue 11).

A document is drawn as a Python structure whose numbers are ``Token``s (the characters a JSON number is typed
with, so ``1e400``, ``NaN``, ``-0``, ``1E+2`` and 5,000-digit integers can be written), then serialised with a
drawn escaping and encoded with a drawn encoding. The classes covered:

- shape: nesting from a few levels to 60,000, in an unknown key or in a figure cell; size (prose up to and over
  Excel's 32,767 characters);
- encodings: UTF-8 with and without a byte-order mark, UTF-16/UTF-32 with and without one, Latin-1, GB18030;
- numbers: whole numbers up to thousands of digits, decimals with up to 20 significant digits, exponents out of
  the float range either way, NaN and the infinities, negative zero;
- strings: every code point including control characters and lone surrogates (raw or as ``\\uD800`` escapes),
  ``_xHHHH_`` look-alikes, leading "=", surrounding whitespace and line ends, \\u escapes of ordinary characters;
- dates: any day of years 1–9999, days that do not exist, other separators.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass
from typing import Any

from builders import consistent_report
from hypothesis import strategies as st

from gaip_xl.format import EDITIONS
from gaip_xl.report.limits import FIRST_DATE, LAST_DATE
from gaip_xl.rules import identities


@dataclass(frozen=True)
class Token:
    """A JSON number as typed."""

    text: str


ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "latin-1", "gb18030")
UNICODE_WITH_BOM = ("utf-8", "utf-8-sig", "utf-16", "utf-32")  # what gaip-xl reads

# ---------------------------------------------------------------------------------------------------- numbers
_whole = st.one_of(
    st.integers(-10, 10**6).map(str),
    st.integers(10**13, 10**17).map(str),  # around Excel's 15 digits
    st.integers(-(10**17), -(10**13)).map(str),
    st.integers(16, 5000).map(lambda n: "9" * n),  # thousands of digits: Python refuses to convert over 4,300
).map(Token)


def _decimal(digits: str, point: int, exponent: int | None, negative: bool) -> Token:
    point = min(point, len(digits) - 1)
    text = digits[:point + 1] + ("." + digits[point + 1:] if point + 1 < len(digits) else "")
    if exponent is not None:
        text += f"e{exponent}"
    return Token(("-" if negative else "") + text)


_decimals = st.builds(
    _decimal,
    st.text("0123456789", min_size=1, max_size=20).map(lambda d: d.lstrip("0") or "0"),
    st.integers(0, 20),
    st.none() | st.integers(-500, 500),
    st.booleans(),
)
_specials = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e-400", "-0", "-0.0", "1E+2",
                             "0.1", "0.30000000000000004", "12345678901.123456", "1.5e3"]).map(Token)
numbers = st.one_of(_whole, _decimals, _specials, st.floats(0, 10**9).map(lambda f: Token(repr(f))))

# ---------------------------------------------------------------------------------------------------- text
_any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None)  # surrogates included
_pieces = st.sampled_from(["_x0041_", "_x005F_", "_x4EBA_", "_xD800_", "=SUM(A1:A2)", "\r\n", "\r", "\n", "\t",
                           " ", "\x00", "\x01", "\x1f", "\x7f", "\ud800", "\udfff", "\ud83d\ude00", "政府", "件"])
strings = st.one_of(
    st.text(_any_char, max_size=12),
    st.lists(st.one_of(_pieces, st.text(max_size=4)), max_size=6).map("".join),
)
# text Excel holds (what validate accepts), tricky all the same: escapes, "=", line ends, tabs, astral characters
_holdable = st.characters(min_codepoint=9, max_codepoint=0x10FFFF, categories=None,
                          exclude_characters="".join(map(chr, [11, 12, *range(14, 32)])) + "".join(
                              map(chr, range(0xD800, 0xE000))))
benign_strings = st.lists(st.one_of(st.sampled_from(["_x0041_", "_x005F_", "_x000D_", "=SUM(A1:A2)", "\r\n", "\r",
                                                     "\n", "\t", "\U0001F600", "政府", "'", '"', "\\"]),
                                    st.text(_holdable, max_size=6)), min_size=1, max_size=6).map("".join)
benign_numbers = st.one_of(st.integers(0, 10**15 - 1).map(str), st.sampled_from(["0.0", "1E+2", "-0", "96171.6"]),
                           st.decimals(0, 10**8, places=6).map(str)).map(Token)
long_strings = st.sampled_from([32_766, 32_767, 32_768, 100_000]).map(lambda n: "政" * n)

# ---------------------------------------------------------------------------------------------------- dates
# any JSON value, for a place that expects something else (an object for text, a list for a name …)
json_values = st.recursive(
    st.none() | st.booleans() | numbers | strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(strings, inner, max_size=3),
    max_leaves=8,
)

dates = st.one_of(
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    st.sampled_from(["0001-01-01", "2025-02-30", "2024-02-29", "2023-02-29", "2024-13-01", "2007-12-31",
                     "2008-01-01", "2101-12-31", "2102-01-01", "2024/01/05", "2024-1-5", "", " 2024-01-05 "]),
)


# ---------------------------------------------------------------------------------------------------- serialising
def dumps(value: Any, ensure_ascii: bool) -> str:
    """JSON text of ``value`` with ``Token``s written as typed."""
    if isinstance(value, Token):
        return value.text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{dumps(str(k), ensure_ascii)}: {dumps(v, ensure_ascii)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(dumps(v, ensure_ascii) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ensure_ascii)


def encode(text: str, encoding: str) -> bytes:
    """``text`` in ``encoding``; a character the encoding lacks is written as "?" (a lone surrogate as its
    surrogate bytes in the UTF encodings, which no decoder accepts)."""
    errors = "surrogatepass" if encoding.startswith("utf") else "replace"
    return text.encode(encoding, errors=errors)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# ---------------------------------------------------------------------------------------------------- documents
def _free_cells(edition: str) -> list[str]:
    related = {t.code for i in identities(edition) for t in i.terms}
    return [c for c in EDITIONS[edition].cell_codes if c not in related]


def base_document(edition: str, seed: int) -> dict[str, Any]:
    """A consistent report (no error) as a document, figures as tokens."""
    report = consistent_report(edition, random.Random(seed))
    document = report.to_dict()
    for rows in document["tables"].values():
        for columns in rows.values():
            for column, value in columns.items():
                if value is not None:
                    columns[column] = Token(repr(value))
    return document


@st.composite
def documents(draw: st.DrawFn, hostile_shape: bool = True, encodings: tuple[str, ...] = ENCODINGS,
              benign: bool = False) -> tuple[str, dict[str, Any] | str]:
    """(encoding, document): a report document changed in a few drawn places; with ``hostile_shape`` the
    document may also gain deep nesting or be replaced by a deeply nested array; ``benign`` draws only values
    Excel holds (strings without control characters, numbers of at most 15 digits, supported dates), so that most
    documents are valid and go round the workbook."""
    strings_, numbers_ = (benign_strings, benign_numbers) if benign else (strings, numbers)
    dates_ = st.dates(FIRST_DATE, LAST_DATE).map(dt.date.isoformat) if benign else dates
    edition = draw(st.sampled_from(["2019", "2021"]), label="edition")
    document = base_document(edition, draw(st.integers(0, 2**32 - 1), label="seed"))
    for _ in range(draw(st.integers(0, 4), label="changes")):
        place = draw(st.sampled_from(["agency", "text", "published_on", "year", "figure", "long"]))
        if place == "agency":
            key = draw(st.sampled_from(["name", "region_code", "contact"]))
            document["agency"][key] = draw(strings_)
        elif place == "text":
            document["text"][draw(st.sampled_from(sorted(document["text"])))] = draw(strings_)
        elif place == "published_on":
            document["published_on"] = draw(dates_)
        elif place == "year":
            document["year"] = draw((st.integers(2008, 2100).map(str).map(Token) if benign else numbers_)
                                    | st.sampled_from([Token("2024"), Token("2024.0")]))
        elif place == "figure":
            code = draw(st.sampled_from(_free_cells(edition)))
            table, row, column = code.split(".")
            if not benign:
                value = draw(numbers | strings)
            elif EDITIONS[edition].cell(code).type.value == "amount":
                value = draw(benign_numbers)
            else:  # a count, or a 2019 本年增/减: whole numbers Excel holds
                value = Token(str(draw(st.integers(0, 10**15 - 1))))
            document["tables"][table][row][column] = value
        elif place == "long":
            long_text = st.just("政" * 32_767) if benign else long_strings
            document["text"][draw(st.sampled_from(sorted(document["text"])))] = draw(long_text)
    if not benign and draw(st.integers(0, 3), label="any value") == 0:  # any JSON value where another kind is
        path = draw(st.sampled_from([("edition",), ("year",), ("agency",), ("text",), ("tables",), ("validation",),
                                     ("agency", "name"), ("agency", "level"), ("text", "overview"),
                                     ("tables", "s3"), ("tables", "s3", "new"), ("published_on",), ("extra",)]))
        node = document
        for key in path[:-1]:
            node = node[key] if isinstance(node.get(key), dict) else node.setdefault(key, {})
        node[path[-1]] = draw(json_values)
    if hostile_shape and draw(st.booleans(), label="hostile shape"):
        depth = draw(st.sampled_from([5, 63, 64, 65, 1000, 60_000]), label="depth")
        where = draw(st.sampled_from(["key", "figure", "top"]))
        if where == "top":
            return draw(st.sampled_from(ENCODINGS)), nested(depth)
        deep = Token(nested(depth))  # a Token is written as is: the nesting as raw text
        table, row, column = draw(st.sampled_from(_free_cells(edition))).split(".")
        tables = document.get("tables")
        rows = tables.get(table) if isinstance(tables, dict) else None
        columns = rows.get(row) if isinstance(rows, dict) else None
        if where == "figure" and isinstance(columns, dict):
            columns[column] = deep
        else:  # a key asked for, or the tables replaced by another value above
            document["deep"] = deep
    return draw(st.sampled_from(encodings), label="encoding"), document


def document_bytes(encoding: str, document: dict[str, Any] | str, ensure_ascii: bool) -> bytes:
    text = document if isinstance(document, str) else dumps(document, ensure_ascii)
    return encode(text, encoding)
