"""A report's JSON that is not valid JSON is told in Chinese where it breaks, never in the json parser's English.

``E_JSON_SYNTAX`` used to end with Python's own words (“第1行第1列：Expecting value”, “Expecting ',' delimiter”,
“Invalid \\escape”): what a clerk who typed the file, or the office receiving it, cannot read. The broken documents are
drawn here from a real report by the edits that break files in practice: a character dropped or added (a quote, a
comma, a brace, a backslash, a control character), the file cut short, a single-quoted name, two documents joined.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl import Report
from gaip_xl.errors import GaipError

TEXT = (Path(__file__).resolve().parents[1] / "examples/huaian-2024.json").read_text(encoding="utf-8")
BREAKERS = ['"', ",", ":", "{", "}", "[", "]", "\\", "\n", "'", "x", "\x01", "\t", "\\u12", "，"]
ENGLISH = re.compile(r"[A-Za-z]{3,}")


@st.composite
def broken(draw: st.DrawFn) -> str:
    at = draw(st.integers(0, len(TEXT) - 1))
    edit = draw(st.sampled_from(["drop", "add", "cut", "single quotes", "joined"]))
    if edit == "drop":
        return TEXT[:at] + TEXT[at + 1:]
    if edit == "add":
        return TEXT[:at] + draw(st.sampled_from(BREAKERS)) + TEXT[at:]
    if edit == "cut":
        return TEXT[:at]
    if edit == "single quotes":
        return TEXT.replace('"', "'", draw(st.integers(1, 40)))
    return TEXT + TEXT


@settings(max_examples=150, deadline=None)
@given(text=broken())
def test_a_syntax_error_is_told_in_chinese(text: str) -> None:
    try:
        Report.from_json(text.encode("utf-8", "surrogatepass"))
    except GaipError as error:
        if error.code == "E_JSON_SYNTAX":
            assert not ENGLISH.search(error.text.replace("JSON", "").replace("Windows", "")), error.text
            assert re.search(r"第\d+行第\d+列：[“\u4e00-\u9fff]", error.text), error.text
