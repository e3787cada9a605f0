"""Bulk writes only into a folder of its own, and its clean-up takes only what it wrote.

Before: ``gaip-xl bulk 收件箱 -o 某文件夹`` wrote into any folder and then removed, as "stale outputs", every hidden
file at its top (``.env``, ``.git``…), every ``*.json`` and hidden file in a ``reports/`` there, every ``rollup-*``
file in a ``rollup/`` and every file of ``published/``; the folder's own ``summary.xlsx`` was replaced. Now a folder
that is neither new, empty, an earlier run's, nor holding only bulk's names is refused (``E_OUTPUT_NOT_EMPTY``, exit
2, nothing changed), and in bulk's own folder a file someone put there stays, whatever its name and place.
"""

from __future__ import annotations

import io
import os
import shutil
from os import replace
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import outputs_digest, synthetic

from gaip_xl.atomic import atomic_path, write_new_text
from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.owned import OWN_TOP_NAMES, is_own_output, is_own_temporary
from gaip_xl.bulk.rollup import Rollup
from gaip_xl.bulk.store import json_name
from gaip_xl.cli import run
from gaip_xl.errors import GaipError

# Names people give their own files: no "-" (so never bulk's "<name>-<12 hex digits>.json"), hidden or not.
STEMS = st.text(alphabet=st.sampled_from(list("汇总说明笔记备份abcxyz019_ ")), min_size=1, max_size=12).map(str.strip)
SUFFIXES = st.sampled_from(["", ".json", ".xlsx", ".txt", ".docx", ".html", ".csv", ".bak"])
OWN_FILES = st.builds(lambda hidden, stem, suffix: ("." if hidden else "") + (stem or "x") + suffix,
                      st.booleans(), STEMS, SUFFIXES)
PLACES = st.sampled_from(["", "reports", "rollup", "published"])


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    """Three submissions and the output folder of a clean run of them, with --publish html."""
    root = tmp_path_factory.mktemp("owned")
    inbox = root / "in"
    synthetic.make_batch(inbox, 3, distinct=3)
    out = root / "out"
    run_bulk([inbox], out, jobs=1)
    assert run(["bulk", str(inbox), "-o", str(out), "--jobs", "1", "--quiet", "--publish", "html"],
               io.StringIO(), io.StringIO()) == 0
    return {"inbox": inbox, "out": out}


def _tree(folder: Path) -> dict[str, bytes | None]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(OWN_FILES, min_size=1, max_size=4, unique=True), folder=st.booleans())
def test_a_folder_holding_other_files_is_refused_and_left_unchanged(batch, tmp_path_factory, names, folder):
    out = tmp_path_factory.mktemp("theirs")
    for name in names:
        if folder:
            (out / name).mkdir()
            (out / name / "inner.txt").write_text("theirs", encoding="utf-8")
        else:
            (out / name).write_text(f"theirs: {name}", encoding="utf-8")
    (out / "summary.xlsx").write_text("their own summary", encoding="utf-8")
    before = _tree(out)
    stdout, stderr = io.StringIO(), io.StringIO()
    assert run(["bulk", str(batch["inbox"]), "-o", str(out), "--jobs", "1", "--quiet"], stdout, stderr) == 2
    assert "[E_OUTPUT_NOT_EMPTY]" in stderr.getvalue() and "Traceback" not in stderr.getvalue()
    assert _tree(out) == before
    with pytest.raises(GaipError) as raised:
        run_bulk([batch["inbox"]], out, jobs=1)
    assert raised.value.code == "E_OUTPUT_NOT_EMPTY" and _tree(out) == before


def test_a_folder_holding_only_what_file_managers_add_is_taken_and_those_files_stay(batch, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name in ("desktop.ini", ".DS_Store", "Thumbs.db"):
        (out / name).write_text(name, encoding="utf-8")
    run_bulk([batch["inbox"]], out, jobs=1)
    assert all((out / name).read_text(encoding="utf-8") == name for name in ("desktop.ini", ".DS_Store", "Thumbs.db"))
    assert (out / "summary.xlsx").is_file()


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(placed=st.lists(st.tuples(PLACES, OWN_FILES), min_size=1, max_size=6, unique=True))
def test_files_put_into_an_earlier_runs_folder_survive_a_rerun_that_cleans_up(batch, tmp_path_factory, placed):
    work = tmp_path_factory.mktemp("rerun")
    inbox, out = work / "in", work / "out"
    shutil.copytree(batch["inbox"], inbox)
    shutil.copytree(batch["out"], out)
    theirs = {f"{place}/{name}".lstrip("/") for place, name in placed}
    for path in theirs:
        (out / path).parent.mkdir(exist_ok=True)
        (out / path).write_text(f"theirs: {path}", encoding="utf-8")
    removed = sorted(inbox.iterdir())[0]
    removed.unlink()  # its JSON and published page become stale outputs, which the rerun removes
    assert run(["bulk", str(inbox), "-o", str(out), "--jobs", "1", "--quiet", "--publish", "html"],
               io.StringIO(), io.StringIO()) == 0
    for path in theirs:
        assert (out / path).read_text(encoding="utf-8") == f"theirs: {path}"
    reports = [p.name for p in (out / "reports").iterdir() if f"reports/{p.name}" not in theirs]
    assert len(reports) == 2 and not any(name.startswith(removed.stem) for name in reports)
    clean = work / "clean"
    run(["bulk", str(inbox), "-o", str(clean), "--jobs", "1", "--quiet", "--publish", "html"],
        io.StringIO(), io.StringIO())
    for path in theirs:
        (out / path).unlink()
    assert outputs_digest(out) == outputs_digest(clean)


@settings(max_examples=40, deadline=None)
@given(name=st.text(min_size=1, max_size=300), key=st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
       year=st.integers(0, 9999), edition=st.sampled_from(["2019", "2021"]))
def test_every_name_bulk_writes_and_its_temporaries_are_bulk_s_own(name, key, year, edition, tmp_path_factory):
    """The patterns the clean-up goes by match every name bulk makes, and the temporary files of both atomic
    writers for them (what a killed run leaves)."""
    report = json_name(name, key)
    assert is_own_output("reports", report) and is_own_output("published", report[:-5] + ".html")
    stem = Rollup(year, edition, store=None).stem  # type: ignore[arg-type]  # the store is not used for a name
    rollups = [f"{stem}{suffix}" for suffix in (".json", ".xlsx", "-reports.csv")]
    assert all(is_own_output("rollup", r) for r in rollups)
    folder = tmp_path_factory.mktemp("temporaries")
    for kind, target in (("reports", report), ("rollup", rollups[0]), ("", "summary.xlsx"), ("", "tidy.csv")):
        assert kind or target in OWN_TOP_NAMES
        with atomic_path(folder / target) as temporary:
            assert is_own_temporary(kind, temporary.name), temporary.name
            temporary.write_bytes(b"")
        renamed: list[str] = []

        def recorded(source: str, target: str, renamed: list[str] = renamed) -> None:
            renamed.append(os.path.basename(source))
            replace(source, target)

        with mock.patch("os.replace", side_effect=recorded):
            write_new_text(folder / target, "")
        assert len(renamed) == 1 and is_own_temporary(kind, renamed[0]), renamed
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]
