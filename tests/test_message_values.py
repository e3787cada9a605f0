"""A value in a finding's message is shown as its reader saw it, never as Python spells it.

A template whose 行政级别 or 报告年度 was left blank (the commonest omission) was told
“「行政级别」的值“None”不在可选范围内” and “「报告年度」的值“None”类型不对”; a logical value in a figure cell (Excel
and WPS show TRUE) was “True”, an object in a report's JSON “{'a': 1}”, and the number 2021 given for the edition
“应为“2021”，实为“2021””. Now a blank is 未填写, a logical value TRUE/FALSE, a list or object its JSON text, and a
value of the wrong type says its type. Drawn here over every basic fact and any figure, from a report's JSON and from
a real filled workbook.
"""

from __future__ import annotations

import copy
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.errors import GaipError
from gaip_xl.format import layout_for

ROOT = Path(__file__).resolve().parents[1]
BASE = json.loads((ROOT / "examples/huaian-2024.json").read_text(encoding="utf-8"))
LAYOUT = layout_for("2021")
FACTS = [("agency", "name"), ("agency", "level"), ("agency", "region_code"), ("agency", "contact"), ("year",),
         ("published_on",), ("report_type",)]
REQUIRED = {("agency", "name"), ("agency", "level"), ("year",)}
PYTHON_SPELLING = re.compile(r"None|True|False|\{'|\['|'\}|'\]|': ")
texts = st.text(alphabet="年报政府公开一二三0123456789", max_size=6)
values = st.recursive(st.none() | st.booleans() | st.integers(-5, 5000) | texts,
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
                      max_leaves=6)


def _set(document: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value


def _messages(report: Report) -> list[str]:
    return [f.message for f in validate(report).findings]


def _figure_path(code: str) -> tuple[str, ...]:
    return ("tables", *code.split("."))


@settings(max_examples=80, deadline=None)
@given(path=st.sampled_from(FACTS) | st.sampled_from(sorted(LAYOUT.figures)).map(_figure_path), value=values)
def test_no_message_spells_a_value_as_python(path: tuple[str, ...], value: Any) -> None:
    document = copy.deepcopy(BASE)
    _set(document, path, value)
    messages = _messages(Report.from_json(json.dumps(document, ensure_ascii=False)))
    assert not [m for m in messages if PYTHON_SPELLING.search(m)], messages
    if value is None and path in REQUIRED:
        assert any("未填写" in m or "不能为空" in m for m in messages), messages


def _logical_cell(data: bytes, code: str, truth: bool) -> bytes:
    """The workbook with the figure cell ``code`` holding a logical value (as Excel saves TRUE typed in it)."""
    return _cell_replaced(data, code, f' t="b"><v>{int(truth)}</v></c>')


def _cell_replaced(data: bytes, code: str, rest: str) -> bytes:
    """The workbook with the figure cell ``code`` written anew: its position and style, then ``rest``."""
    position = LAYOUT.position(code)
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = [(info.filename, source.read(info.filename)) for info in source.infolist()]
        sheets = re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(\w+)"', source.read("xl/workbook.xml").decode())
        rels = source.read("xl/_rels/workbook.xml.rels").decode()
    rel = dict(sheets)[position.sheet]
    written = re.search(rf'Target="([^"]+)"[^>]*Id="{rel}"', rels).group(1)  # type: ignore[union-attr]
    target = written.lstrip("/") if written.startswith("/") else "xl/" + written
    cell = re.compile(rf'<c r="{position.a1}"( s="\d+")?[^>]*?(/>|>.*?</c>)', re.S)
    assert target in dict(parts), target
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, part in parts:
            if name == target:
                text = part.decode()
                assert cell.search(text), position.a1
                part = cell.sub(lambda m: f'<c r="{position.a1}"{m.group(1) or ""}{rest}', text, count=1).encode()
            package.writestr(name, part)
    return out.getvalue()


@settings(max_examples=15, deadline=None)
@given(blank=st.sets(st.sampled_from(sorted(REQUIRED)), min_size=1), code=st.sampled_from(sorted(LAYOUT.figures)),
       truth=st.booleans())
def test_a_workbook_with_blank_facts_and_a_logical_figure(blank: set[tuple[str, ...]], code: str, truth: bool,
                                                          tmp_path_factory: Any) -> None:
    """A real filled workbook: facts left blank are 未填写, and TRUE typed in a figure cell is shown as TRUE."""
    document = copy.deepcopy(BASE)
    for path in blank:
        _set(document, path, None)
    folder = tmp_path_factory.mktemp("values")
    written = folder / "年报.xlsx"
    write_workbook(Report.from_json(json.dumps(document, ensure_ascii=False)), written)
    changed = folder / "改.xlsx"
    changed.write_bytes(_logical_cell(written.read_bytes(), code, truth))
    messages = _messages(read_workbook(changed))
    assert not [m for m in messages if PYTHON_SPELLING.search(m)], messages
    assert sum("未填写" in m or "不能为空" in m for m in messages) >= len(blank), messages
    assert any(f"“{'TRUE' if truth else 'FALSE'}”" in m for m in messages), messages


@settings(max_examples=30, deadline=None)
@given(path=st.sampled_from([("edition",), ("year",), ("agency", "name"), ("agency", "region_code"),
                             ("published_on",), ("report_type",)]),
       look_alike=st.sampled_from([2021, "2024", 320800, "true", True, 0]))
def test_a_value_of_the_wrong_type_names_its_type(path: tuple[str, ...], look_alike: Any) -> None:
    """The text “2024” and the number 2024 look alike in a message: one of the wrong type says which it is."""
    document = copy.deepcopy(BASE)
    _set(document, path, look_alike)
    try:
        report = Report.from_json(json.dumps(document, ensure_ascii=False))
    except GaipError as error:  # an edition that is none: E_EDITION names it
        assert error.code == "E_EDITION" and path == ("edition",), error
        return
    messages = [f.message for f in validate(report).findings if f.rule == "J1"]
    contradictions = [m for m in messages if re.search(r"应为“([^”]*)”，实为“\1”", m)]
    assert not contradictions, contradictions
    typed = [m for m in messages if "类型不对" in m or "实为" in m]
    assert all(re.search(r"文字|数字|逻辑值|列表|对象", m.split("应为")[0] + m.split("实为")[-1]) for m in typed), typed


@settings(max_examples=10, deadline=None)
@given(code=st.sampled_from(sorted(LAYOUT.figures)), digits=st.integers(0, 10**6).map(str))
def test_digits_as_text_are_told_in_the_words_of_their_source(code: str, digits: str, tmp_path_factory: Any) -> None:
    """“64” in quotes in a report's JSON: take the quotes away; in a workbook cell: the apostrophe or the text format
    (the JSON was told to delete an apostrophe no JSON has)."""
    document = copy.deepcopy(BASE)
    _set(document, _figure_path(code), digits)
    from_json = [f.message for f in validate(Report.from_json(json.dumps(document))).findings if f.rule == "V1"]
    assert len(from_json) == 1 and f'而不是 "{digits}"' in from_json[0] and "单引号" not in from_json[0], from_json
    written = tmp_path_factory.mktemp("text") / "年报.xlsx"
    write_workbook(Report.from_json(json.dumps(BASE)), written)
    changed = written.with_name("改.xlsx")
    changed.write_bytes(_cell_replaced(written.read_bytes(), code, f' t="inlineStr"><is><t>{digits}</t></is></c>'))
    in_cell = [f.message for f in validate(read_workbook(changed)).findings if f.rule == "V1"]
    assert len(in_cell) == 1 and "单引号" in in_cell[0] and "JSON" not in in_cell[0], in_cell


@settings(max_examples=40, deadline=None)
@given(code=st.sampled_from(sorted(LAYOUT.figures)), first=st.integers(0, 999),
       separator=st.sampled_from([" ", "_", "x", "'", ".", "/", "、", "-", "\u00a0", "万"]),
       more=st.integers(0, 999).map(lambda n: f"{n:03d}"), unit=st.sampled_from(["件", " ", "个", "元", ""]))
def test_a_guess_never_drops_digits_typed(code: str, first: int, separator: str, more: str, unit: str) -> None:
    """“3 001” or “3_001” typed in a figure cell was asked “是否应为 3？”: the guess named a number that dropped the
    digits after it. Text with more digits after its number gets no guess; a number with a unit keeps its guess."""
    def v1(value: str) -> str:
        document = copy.deepcopy(BASE)
        _set(document, _figure_path(code), value)
        [message] = [f.message for f in validate(Report.from_json(json.dumps(document))).findings if f.rule == "V1"]
        return message

    with_more = f"{first}{separator}{more}{unit}"
    if not re.fullmatch(r"\d+\.\d+\D*", with_more):  # a decimal with its unit is one number: its guess stands
        assert "是否应为" not in v1(with_more), with_more
    if unit.strip():
        assert f"是否应为 {first}？" in v1(f"{first}{unit}")
