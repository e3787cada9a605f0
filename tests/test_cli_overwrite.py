"""Outputs that must not be written as named.

An output that is one of the command's own inputs is refused before anything is written (``E_OUTPUT``), however the
two are named: the same text, ``./``, ``../folder/``, an absolute path, a symbolic link, a hard link. Writing it would
replace the submission being read: ``gaip-xl to-json 年报.xlsx -o 年报.xlsx`` used to replace a clerk's only copy of a
filled workbook with its JSON, and ``gaip-xl to-xlsx 年报.xlsx`` (no ``-o``) with a fresh template. An output that is
not a plain file (a device, a FIFO, a socket, a folder, or a link to one) is refused too, and left as it is.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import stat
from pathlib import Path

import pytest
from builders import CASES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import write_workbook
from gaip_xl.cli import run
from gaip_xl.loaders import load_report
from gaip_xl.publish import publish

CASE = CASES / "huaian-2024.json"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, bytes]:
    """A filled workbook, a report's JSON and a published web page, as bytes."""
    folder = tmp_path_factory.mktemp("inputs")
    report = load_report(CASE)
    write_workbook(report, folder / "年报.xlsx")
    publish(report, folder / "年报.html", "html")
    return {"xlsx": (folder / "年报.xlsx").read_bytes(), "json": CASE.read_bytes(),
            "html": (folder / "年报.html").read_bytes()}


# (command, the input's kind, where the input goes among the arguments: "source" or "previous")
COMMANDS = [("to-json", "xlsx", "source"), ("to-xlsx", "json", "source"), ("to-xlsx", "xlsx", "source"),
            ("import", "html", "source"), ("publish", "html", "source"), ("to-json", "json", "previous"),
            ("import", "json", "previous")]
SOURCES = {"to-json": "xlsx", "to-xlsx": "json", "import": "html", "publish": "json"}


def _named(form: str, path: Path, folder: Path) -> str:
    """Another name of the file at ``path``."""
    if form == "same":
        return path.name
    if form == "dot":
        return f"./{path.name}"
    if form == "up":
        return f"../{folder.name}/{path.name}"
    if form == "absolute":
        return str(path)
    other = folder / f"另一个名字{path.suffix}"
    if form == "symlink":
        other.symlink_to(path.name)
    else:
        os.link(path, other)
    return other.name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(COMMANDS), st.sampled_from(["same", "dot", "up", "absolute", "symlink", "hardlink"]))
def test_an_output_that_is_an_input_is_refused_and_the_input_kept(inputs, tmp_path_factory, monkeypatch, command,
                                                                   form):
    name, kind, role = command
    folder = tmp_path_factory.mktemp("work")
    monkeypatch.chdir(folder)
    target = folder / f"年报.{kind}"
    target.write_bytes(inputs[kind])
    if role == "source":
        arguments = [name, target.name, "-o", _named(form, target, folder)]
    else:
        source = folder / f"本年.{SOURCES[name]}"
        source.write_bytes(inputs[SOURCES[name]])
        arguments = [name, source.name, "--previous", target.name, "-o", _named(form, target, folder)]
    before = sorted(p.name for p in folder.iterdir())
    out, err = io.StringIO(), io.StringIO()
    assert run(arguments, out, err) == 2, err.getvalue()
    assert "[E_OUTPUT]" in err.getvalue() and "覆盖" in err.getvalue()
    assert target.read_bytes() == inputs[kind]
    assert sorted(p.name for p in folder.iterdir()) == before  # nothing written, not even a temporary file


def test_to_xlsx_of_a_workbook_writes_the_fresh_one_beside_it(inputs, tmp_path):
    source = tmp_path / "年报.xlsx"
    source.write_bytes(inputs["xlsx"])
    out, err = io.StringIO(), io.StringIO()
    assert run(["to-xlsx", str(source)], out, err) == 0, err.getvalue()
    assert source.read_bytes() == inputs["xlsx"]
    fresh = tmp_path / "年报（新模板）.xlsx"
    assert fresh.exists() and load_report(fresh).figures == load_report(source).figures


def test_import_of_a_document_named_json_writes_its_report_beside_it(inputs, tmp_path):
    source = tmp_path / "网页.json"  # a web page saved under the wrong name: its bytes say what it is
    source.write_bytes(inputs["html"])
    out, err = io.StringIO(), io.StringIO()
    assert run(["import", str(source)], out, err) in (0, 1), err.getvalue()
    assert source.read_bytes() == inputs["html"]
    assert (tmp_path / "网页.report.json").exists()


def test_a_different_output_is_written(inputs, tmp_path):
    shutil.copy(CASE, tmp_path / "年报.json")
    out, err = io.StringIO(), io.StringIO()
    assert run(["to-xlsx", str(tmp_path / "年报.json"), "-o", str(tmp_path / "新.xlsx")], out, err) == 0
    assert (tmp_path / "新.xlsx").exists()


def _special(kind: str, path: Path) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "device":
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a second /dev/null: only root may make one
    elif kind == "folder":
        path.mkdir()
    else:
        socket.socket(socket.AF_UNIX).bind(str(path))


KINDS = ["fifo", "folder", "socket"] + (["device"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])
WRITERS = [["to-json", "年报.xlsx"], ["to-xlsx", "年报.json"], ["import", "年报.html"], ["publish", "年报.json"],
           ["template"]]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(WRITERS), st.sampled_from(KINDS), st.booleans())
def test_an_output_that_is_no_plain_file_is_refused_and_left_as_it_is(inputs, tmp_path_factory, monkeypatch, command,
                                                                       kind, through_link):
    """Renaming the finished file over a device, a FIFO, a socket or a folder would replace it: as root,
    ``-o /dev/null`` replaced the device with a file."""
    folder = tmp_path_factory.mktemp("special")
    monkeypatch.chdir(folder)
    for name, data in (("年报.xlsx", inputs["xlsx"]), ("年报.json", inputs["json"]), ("年报.html", inputs["html"])):
        (folder / name).write_bytes(data)
    special = folder / ("输出.html" if command[0] == "publish" else "输出.xlsx" if command[0] in ("to-xlsx", "template")
                        else "输出.json")
    _special(kind, special)
    named = special
    if through_link:
        named = folder / f"链接{special.suffix}"
        named.symlink_to(special.name)
    out, err = io.StringIO(), io.StringIO()
    assert run([*command, "-o", named.name], out, err) == 2, err.getvalue()
    assert "[E_OUTPUT]" in err.getvalue() and "不是普通文件" in err.getvalue()
    mode = special.lstat().st_mode
    assert {"fifo": stat.S_ISFIFO, "device": stat.S_ISCHR, "folder": stat.S_ISDIR, "socket": stat.S_ISSOCK}[kind](mode)
    assert not through_link or named.is_symlink()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_output_through_a_link_goes_where_the_link_points(inputs, tmp_path):
    (tmp_path / "年报.json").write_bytes(inputs["json"])
    from gaip_xl.template import save_template

    save_template("2021", tmp_path / "工作簿.xlsx")  # a blank template: what a workbook output may replace
    (tmp_path / "链接.xlsx").symlink_to("工作簿.xlsx")
    out, err = io.StringIO(), io.StringIO()
    assert run(["to-xlsx", str(tmp_path / "年报.json"), "-o", str(tmp_path / "链接.xlsx")], out, err) == 0
    assert (tmp_path / "链接.xlsx").is_symlink()
    assert load_report(tmp_path / "工作簿.xlsx").figures == load_report(tmp_path / "年报.json").figures
