"""Inputs that change between the moment bulk lists them and the moment it reads them: deleted, cut short, grown
past the size limit, replaced by a folder, a FIFO, a link to a device or to nothing, rewritten, or (an archive)
replaced by another whose members lie in other places. Each changed file is still its own row, with a code; no
member is read under another's name; files in = rows; and once the inputs are back, a rerun ends as a clean run.

A file whose read permission is removed is not drawn: the tests run as root, whom permissions do not stop; such a
file fails to open as a deleted one does (``gaip_xl.files.open_regular``: ``E_FILE_NOT_FOUND``,
找不到该文件，或无权读取)."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import case_workbook_bytes, outputs_digest, write_case

from gaip_xl.bulk import UNREADABLE, run_bulk, runner
from gaip_xl.bulk.discover import MAX_FILE_BYTES, Discovery

NAMES = ("pingtan-2021", "zhanggutai-2021", "huaian-2024")
ARCHIVE = "乡镇.zip"
MEMBERS = ("甲镇.xlsx", "乙镇.xlsx")


def _change_deleted(path: Path, data: st.DataObject) -> str:
    path.unlink()
    return "E_FILE_NOT_FOUND"


def _change_cut_short(path: Path, data: st.DataObject) -> str:
    content = path.read_bytes()
    path.write_bytes(content[:data.draw(st.integers(0, len(content) - 1), label="cut at")])
    return ""  # whatever the rest reads as: a row of its own


def _change_grown(path: Path, data: st.DataObject) -> str:
    with open(path, "r+b") as stream:
        stream.truncate(MAX_FILE_BYTES + 1)  # sparse: no 20 MB written
    return "E_TOO_LARGE"


def _change_folder(path: Path, data: st.DataObject) -> str:
    path.unlink()
    (path / "inner").mkdir(parents=True)
    return "E_NOT_FILE"


def _change_fifo(path: Path, data: st.DataObject) -> str:
    path.unlink()
    os.mkfifo(path)
    return "E_NOT_FILE"


def _change_device(path: Path, data: st.DataObject) -> str:
    path.unlink()
    path.symlink_to("/dev/zero")
    return "E_NOT_FILE"


def _change_dangling(path: Path, data: st.DataObject) -> str:
    path.unlink()
    path.symlink_to(path.with_name("nowhere"))
    return "E_FILE_NOT_FOUND"


def _change_rewritten(path: Path, data: st.DataObject) -> str:
    path.write_bytes(case_workbook_bytes("huaian-2024", break_total=True))
    return ""  # read as it is now: what is hashed is what is read


def _change_archive_reordered(path: Path, data: st.DataObject) -> str:
    _write_archive(path, reversed(MEMBERS))  # the same names, each where the other was
    return "E_ARCHIVE"


CHANGES = {"deleted": _change_deleted, "cut short": _change_cut_short, "grown past the limit": _change_grown,
           "a folder": _change_folder, "a FIFO": _change_fifo, "a link to a device": _change_device,
           "a link to nothing": _change_dangling, "rewritten": _change_rewritten}
ARCHIVE_CHANGES = {**CHANGES, "reordered": _change_archive_reordered}
ARCHIVE_CODES = {"E_TOO_LARGE": "E_ARCHIVE"}  # an archive grown since it was listed: another file now


def _write_archive(path: Path, names) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name in names:
            archive.writestr(name, case_workbook_bytes(MEMBERS_CASES[name]))


MEMBERS_CASES = dict(zip(MEMBERS, ("pingtan-2022", "zhanggutai-2021"), strict=True))


def _inbox(folder: Path) -> Path:
    for name in NAMES:
        write_case(folder / f"{name}.xlsx", name)
    _write_archive(folder / ARCHIVE, MEMBERS)
    return folder


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("clean")
    result = run_bulk([_inbox(root / "in")], root / "out", jobs=1)
    return {"digest": outputs_digest(root / "out"), "rows": {row["file"]: row for row in result.files}}


def changing_after_discovery(monkeypatch, change) -> None:
    """Bulk lists the inputs, then ``change`` runs, then bulk reads them."""
    class Changing(Discovery):
        def run(self, inputs: list[str]) -> Discovery:
            found = super().run(inputs)
            change()
            return found

    monkeypatch.setattr(runner, "Discovery", Changing)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_inputs_that_change_after_they_are_listed_are_each_a_row_with_a_code(clean, tmp_path_factory, data):
    inbox = _inbox(tmp_path_factory.mktemp("changing") / "in")
    files = [f"{name}.xlsx" for name in NAMES] + [ARCHIVE]
    chosen = data.draw(st.lists(st.sampled_from(files), min_size=1, max_size=3, unique=True), label="changed")
    kinds = {name: data.draw(st.sampled_from(sorted(ARCHIVE_CHANGES if name == ARCHIVE else CHANGES)), label=name)
             for name in chosen}
    expected: dict[str, str] = {}

    def change() -> None:
        for name, kind in kinds.items():
            expected[name] = ARCHIVE_CHANGES[kind](inbox / name, data)

    with pytest.MonkeyPatch.context() as patch:
        changing_after_discovery(patch, change)
        result = run_bulk([inbox], tmp_path_factory.mktemp("out") / "out", jobs=1)
    rows = {row["file"]: row for row in result.files}
    assert sorted(rows) == sorted(clean["rows"])  # files in = rows, each under its own name
    assert not [row for row in rows.values() if row["code"] in ("E_INTERNAL", "E_CRASHED")]
    for file, row in rows.items():
        changed = ARCHIVE if file.startswith(ARCHIVE) else file
        if changed not in kinds:
            assert row == clean["rows"][file]  # untouched files read as in a clean run
            continue
        code = expected[changed]
        if changed == ARCHIVE and code:
            code = ARCHIVE_CODES.get(code, code)
        if code:
            assert (row["status"], row["code"]) == (UNREADABLE, code), (kinds, row)
        elif changed == ARCHIVE and row["status"] != UNREADABLE:  # never another member's report under this name
            assert row["agency"] == clean["rows"][file]["agency"], (kinds, row)

    for name in kinds:  # the inputs back as they were: a rerun over the same output ends as a clean run
        path = inbox / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    _inbox(inbox)
    run_bulk([inbox], result.out_dir, jobs=1)
    assert outputs_digest(result.out_dir) == clean["digest"]


def test_an_archive_whose_members_moved_is_never_read_member_for_member(clean, tmp_path, monkeypatch):
    inbox = _inbox(tmp_path / "in")
    changing_after_discovery(monkeypatch, lambda: _change_archive_reordered(inbox / ARCHIVE, None))
    rows = {row["file"]: row for row in run_bulk([inbox], tmp_path / "out", jobs=1).files}
    for member in MEMBERS:
        assert (rows[f"{ARCHIVE}!{member}"]["status"], rows[f"{ARCHIVE}!{member}"]["code"]) == (UNREADABLE, "E_ARCHIVE")
