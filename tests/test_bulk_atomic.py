"""The bulk workers' JSON writer (``write_new_text``): complete or absent, ordinary permissions, no leftovers."""

from __future__ import annotations

import os
import stat

import pytest

from gaip_xl.atomic import write_new_text
from gaip_xl.errors import OutputFailed


def test_writes_the_text_as_utf8_with_the_permissions_of_a_new_file(tmp_path):
    target = tmp_path / "报告.json"
    write_new_text(target, "{\"机关\": \"淮安\"}\n")
    assert target.read_bytes() == "{\"机关\": \"淮安\"}\n".encode()
    plain = tmp_path / "plain"
    plain.write_text("x")  # what any new file gets under the current umask
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plain", "报告.json"]


def test_replaces_an_existing_file_and_a_temporary_file_left_by_a_killed_run(tmp_path):
    target = tmp_path / "a.json"
    target.write_text("old")
    (tmp_path / f".a.json.{os.getpid()}.tmp").write_text("half")  # same process id as a killed writer
    write_new_text(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]


def test_a_missing_folder_is_an_output_error_and_leaves_nothing(tmp_path):
    with pytest.raises(OutputFailed):
        write_new_text(tmp_path / "missing" / "a.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_a_target_that_cannot_be_replaced_leaves_no_temporary_file(tmp_path):
    (tmp_path / "a.json").mkdir()  # a folder in the way: the rename fails
    with pytest.raises(OutputFailed):
        write_new_text(tmp_path / "a.json", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["a.json"]
