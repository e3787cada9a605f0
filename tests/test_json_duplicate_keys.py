"""A report JSON with a member name written twice in one object (``{"decisions": 447228, "decisions": 5}``).

Python's json keeps the last value silently, so the figure reported would be a guess between two the file holds.
Every reader of a report's JSON refuses it with ``E_JSON_DUPLICATE_KEY``, naming where (a JSON Pointer), the name
and each value written for it. The generator writes a real report's JSON with one drawn member of one drawn object
written again with a drawn value, at a drawn position among that object's members.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from builders import case_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import Report
from gaip_xl.bulk import UNREADABLE, run_bulk
from gaip_xl.cli import run
from gaip_xl.errors import GaipError

DOCUMENT = case_document("huaian-2024")
LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                   st.text(max_size=12))
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                            max_size=3), max_leaves=6)


def objects(node: Any, pointer: str = "") -> list[str]:
    """The JSON Pointer of every object in ``node`` (the outermost one is "")."""
    found = [pointer] if isinstance(node, dict) else []
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for name, child in children:
        found += objects(child, f"{pointer}/{name}")
    return found


def dump_with(node: Any, target: str, key: str, value: Any, position: int, pointer: str = "") -> str:
    """``node`` as JSON text, the object at ``target`` holding ``key`` once more (with ``value``) at ``position``."""
    if isinstance(node, list):
        return "[" + ", ".join(dump_with(c, target, key, value, position, f"{pointer}/{i}")
                               for i, c in enumerate(node)) + "]"
    if not isinstance(node, dict):
        return json.dumps(node, ensure_ascii=False)
    members = [json.dumps(name, ensure_ascii=False) + ": " + dump_with(c, target, key, value, position,
                                                                       f"{pointer}/{name}") for name, c in node.items()]
    if pointer == target:
        members.insert(min(position, len(members)), f"{json.dumps(key, ensure_ascii=False)}: "
                                                    f"{json.dumps(value, ensure_ascii=False)}")
    return "{" + ", ".join(members) + "}"


def at(pointer: str) -> dict:
    node: Any = DOCUMENT
    for part in filter(None, pointer.split("/")):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


@st.composite
def duplicated(draw: st.DrawFn) -> tuple[str, str, str, Any]:
    """(the JSON text, where, the name written twice, the value it is written with the second time)."""
    pointer = draw(st.sampled_from([p for p in objects(DOCUMENT) if at(p)]))
    names = list(at(pointer))
    key = draw(st.sampled_from(names))
    value = draw(VALUES)
    return dump_with(DOCUMENT, pointer, key, value, draw(st.integers(0, len(names)))), pointer, key, value


def refusal(text: str | bytes) -> GaipError:
    with pytest.raises(GaipError) as caught:
        Report.from_json(text.encode() if isinstance(text, str) else text, path="dup.json")
    return caught.value


@settings(max_examples=60, deadline=None)
@given(duplicated())
def test_a_name_written_twice_anywhere_is_refused_naming_where_and_each_value(case):
    text, pointer, key, value = case
    error = refusal(text)
    assert error.code == "E_JSON_DUPLICATE_KEY"
    assert f"“{key}”" in error.message
    assert (pointer or "最外层") in error.message
    shown = json.dumps(value, ensure_ascii=False)
    if len(shown) <= 40 and (value is None or isinstance(value, (bool, int, str))):  # as typed (a float may not be)
        assert shown in error.message


def test_the_same_document_written_once_is_read():
    report = Report.from_json(dump_with(DOCUMENT, "/nowhere", "x", 0, 0).encode())
    assert report.agency.name == DOCUMENT["agency"]["name"]


def test_the_figure_written_twice_is_named_with_both_values():
    text = dump_with(DOCUMENT, "/tables/s2_item5/licensing", "decisions", 5, 1)
    error = refusal(text)
    assert error.text == ("JSON 文件中 /tables/s2_item5/licensing 的键“decisions”出现了 2 次（447228、5），"
                          "无法确定以哪一个为准：请只保留一个后再提交")


def test_a_lone_surrogate_name_written_twice_prints(tmp_path):
    (tmp_path / "s.json").write_text('{"edition": "2021", "\\ud800": 1, "\\ud800": 2}', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    assert run(["validate", str(tmp_path / "s.json")], out, err) == 2
    assert "[E_JSON_DUPLICATE_KEY]" in err.getvalue() and "\\ud800" in err.getvalue()
    err.getvalue().encode("utf-8")  # no half surrogate pair reaches a stream


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(duplicated())
def test_every_command_refuses_it_and_bulk_gives_its_row(tmp_path, case):
    text = case[0]
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    (folder / "dup.json").write_text(text, encoding="utf-8")
    for command in (["validate"], ["to-xlsx", "-o", str(tmp_path / "x.xlsx")], ["publish", "-o",
                                                                                   str(tmp_path / "x.html")]):
        out, err = io.StringIO(), io.StringIO()
        assert run([command[0], str(folder / "dup.json"), *command[1:]], out, err) == 2, err.getvalue()
        assert "[E_JSON_DUPLICATE_KEY]" in err.getvalue()
    assert not (tmp_path / "x.xlsx").exists() and not (tmp_path / "x.html").exists()
    result = run_bulk(folder, tmp_path / "out", jobs=1)
    (row,) = list(result.files)
    assert row["status"] == UNREADABLE and row["code"] == "E_JSON_DUPLICATE_KEY"
