"""The ribbon's customUI and the VBA callbacks agree, and every RunPython target is a real, working function."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest
from addin_helpers import actions, filled_template, remote_book, xw_remote  # noqa: F401
from builders import load_case

MACROS = Path(__file__).resolve().parents[1] / "gaip_xl" / "addin" / "macros"
CUSTOM_UI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


def vba_subs() -> dict[str, str]:
    """Every Sub of the ribbon module, with its body."""
    text = (MACROS / "gaip_xl.bas").read_text(encoding="ascii")
    return dict(re.findall(r"^Sub (\w+)\(control As IRibbonControl\)\n(.*?)^End Sub", text, re.M | re.S))


def run_python_targets() -> list[tuple[str, str, str]]:
    """(sub, module, function) of every one-line RunPython call."""
    found = []
    for sub, body in vba_subs().items():
        for module, _alias, function in re.findall(r'RunPython "import ([\w.]+) as (\w+); \2\.(\w+)\(\)"', body):
            found.append((sub, module, function))
    return found


def test_every_button_calls_a_sub_of_the_vba_module():
    root = ElementTree.parse(MACROS / "customUI.xml").getroot()
    assert root.tag == f"{CUSTOM_UI_NS}customUI"
    tab = root.find(f".//{CUSTOM_UI_NS}tab")
    assert tab.get("label") == "政府信息公开年报"
    buttons = {b.get("label"): b.get("onAction") for b in root.iter(f"{CUSTOM_UI_NS}button")}
    assert {"校验", "自动合计", "清除标记", "导出 JSON", "导入 JSON"} <= set(buttons)
    assert set(buttons.values()) <= set(vba_subs())


def test_every_callback_but_registration_is_a_single_runpython_line():
    subs = vba_subs()
    targets = {sub for sub, _, _ in run_python_targets()}
    assert targets == set(subs) - {"GaipRegisterFunctions"}
    for sub in targets:
        code = [line for line in subs[sub].splitlines() if line.strip() and not line.strip().startswith("'")]
        assert len(code) == 1, sub


def test_vba_sources_are_ascii():  # the VBA project is stored in code page 1252
    for path in MACROS.glob("*.bas"):
        path.read_text(encoding="ascii")


@pytest.mark.parametrize(("sub", "module", "function"), run_python_targets())
def test_every_runpython_target_runs_on_the_calling_workbook(sub, module, function, xw_remote, tmp_path,  # noqa: F811
                                                             monkeypatch):
    target = getattr(importlib.import_module(module), function)
    report = load_case("huaian-2024")
    path = filled_template(report, tmp_path, {"s3.new.total": 1})
    (tmp_path / "filled-2021.json").write_text(report.to_json(), encoding="utf-8")
    book = remote_book(xw_remote, path)
    monkeypatch.setattr(xw_remote.Book, "caller", classmethod(lambda cls: book))
    monkeypatch.setattr(type(book), "fullname", property(lambda self: str(path)))
    target()
    done = actions(book)
    assert done and done[-1]["func"] == "alert"
    assert not done[-1]["args"][0].startswith("[E_"), done[-1]["args"][0]  # the button worked, no error shown
