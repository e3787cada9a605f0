"""The output folder's own state, as a rerun finds it: the run's store damaged, cut short, replaced by garbage, by a
folder or by another program's database; the state folder a file; a report JSON gone; outputs that are folders; the
whole folder read-only. A store that cannot serve is rebuilt without a word (it is a cache: nothing found there may
stop an office from running again, or be read as a result), and the run ends exactly as a clean one; what cannot be
written is E_OUTPUT, exit 2, never a traceback."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import outputs_digest, synthetic, write_case
from test_cli_streams import ROOT, clean

from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.store import DATABASE, STATE_DIR
from gaip_xl.cli import run


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> dict:
    """A batch and the output folder of a clean run of it."""
    root = tmp_path_factory.mktemp("state")
    inbox = root / "in"
    synthetic.make_batch(inbox, 3, distinct=2)
    write_case(inbox / "broken.xlsx", "pingtan-2022", break_total=True)
    out = root / "out"
    run_bulk([inbox], out, jobs=1)
    return {"inbox": inbox, "out": out, "digest": outputs_digest(out)}


def _copy(finished: dict, target: Path) -> Path:
    shutil.copytree(finished["out"], target)
    return target


def _rerun_ends_as_a_clean_run(finished: dict, out: Path) -> None:
    result = run_bulk([finished["inbox"]], out, jobs=1)
    assert result.total == 4
    assert outputs_digest(out) == finished["digest"]


def _other_database(path: Path) -> None:
    path.unlink()
    with sqlite3.connect(path) as db:  # tables of the store's names, of other shapes
        db.executescript("CREATE TABLE result (key TEXT, status TEXT); INSERT INTO result VALUES ('x', 'ok');"
                         "CREATE TABLE meta (name TEXT, value TEXT); INSERT INTO meta VALUES ('code', 'x');")
    db.close()


def _older_version(path: Path) -> None:
    with sqlite3.connect(path) as db:  # our store, written by another version of the code
        db.execute("UPDATE meta SET value = 'gaip-bulk-store 0' WHERE name = 'code'")
    db.close()


def _foreign_meta(path: Path) -> None:
    with sqlite3.connect(path) as db:  # a "meta" table without the columns we read
        db.executescript("DROP TABLE meta; CREATE TABLE meta (id INTEGER);")
    db.close()


def _folder(path: Path) -> None:
    path.unlink()
    (path / "inside").mkdir(parents=True)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)  # SQLite would wait on it for ever


def _fifo_journal(path: Path) -> None:
    os.mkfifo(path.with_name(f"{DATABASE}-wal"))


def _link(path: Path) -> None:
    target = path.with_name("elsewhere.sqlite")
    path.rename(target)
    path.symlink_to(target)


DAMAGES = {"another program's database": _other_database, "an older version's store": _older_version,
           "a meta table of another shape": _foreign_meta, "a folder": _folder, "a FIFO": _fifo,
           "a FIFO as its journal": _fifo_journal, "a link": _link}


@pytest.mark.parametrize("damage", DAMAGES, ids=str)
def test_a_store_that_cannot_serve_is_rebuilt_and_the_run_ends_as_a_clean_run(finished, tmp_path, damage):
    out = _copy(finished, tmp_path / "out")
    DAMAGES[damage](out / STATE_DIR / DATABASE)
    _rerun_ends_as_a_clean_run(finished, out)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_store_cut_short_overwritten_or_replaced_by_garbage_is_rebuilt(finished, tmp_path_factory, data):
    out = _copy(finished, tmp_path_factory.mktemp("damaged") / "out")
    store = (finished["out"] / STATE_DIR / DATABASE).read_bytes()
    kind = data.draw(st.sampled_from(["cut", "overwritten", "garbage", "garbage journal"]))
    path = out / STATE_DIR / DATABASE
    if kind == "cut":
        path.write_bytes(store[:data.draw(st.integers(0, len(store) - 1))])
    elif kind == "overwritten":  # a run of bytes of a page overwritten (the header, an index, the tables' pages)
        start = data.draw(st.integers(0, len(store) - 1))
        junk = data.draw(st.binary(min_size=1, max_size=64))
        path.write_bytes(store[:start] + junk + store[start + len(junk):])
    elif kind == "garbage":
        path.write_bytes(data.draw(st.binary(max_size=8192)))
    else:  # a journal beside the store that belongs to no database
        (out / STATE_DIR / f"{DATABASE}-wal").write_bytes(data.draw(st.binary(max_size=8192)))
    _rerun_ends_as_a_clean_run(finished, out)


def test_a_state_folder_that_is_a_file_or_holds_folders_is_made_anew(finished, tmp_path):
    out = _copy(finished, tmp_path / "file")
    shutil.rmtree(out / STATE_DIR)
    (out / STATE_DIR).write_text("not a folder", encoding="utf-8")
    _rerun_ends_as_a_clean_run(finished, out)
    out = _copy(finished, tmp_path / "folders")
    (out / STATE_DIR / "xlsx-left-by-a-killed-run" / "inner").mkdir(parents=True)
    _rerun_ends_as_a_clean_run(finished, out)
    assert sorted(p.name for p in (out / STATE_DIR).iterdir()) == [DATABASE]


def test_a_report_json_removed_from_the_output_folder_is_written_again(finished, tmp_path):
    out = _copy(finished, tmp_path / "out")
    for path in sorted((out / "reports").iterdir())[:2]:
        path.unlink()
    _rerun_ends_as_a_clean_run(finished, out)


def test_folders_where_stale_outputs_would_be_are_left_alone(finished, tmp_path):
    out = _copy(finished, tmp_path / "out")
    for folder in (out / "reports" / "gone-0123456789ab.json", out / "reports" / ".hidden",
                   out / "rollup" / "rollup-1999-2019.json", out / ".kept"):
        (folder / "inner").mkdir(parents=True)
    run_bulk([finished["inbox"]], out, jobs=1)
    assert (out / "reports" / "gone-0123456789ab.json" / "inner").is_dir() and (out / ".kept").is_dir()
    assert outputs_digest(out) == finished["digest"]


@pytest.mark.parametrize("taken", ["summary.xlsx", "tidy.csv", "rollup", "reports", "published",
                                   "published/0000000-x.html"])
def test_an_output_whose_name_is_taken_by_a_folder_or_a_file_is_e_output(finished, tmp_path, taken):
    out = tmp_path / "out"
    out.mkdir()  # holding only names bulk writes: an earlier run's output folder, whose state may be gone
    if taken in ("rollup", "reports", "published"):
        (out / taken).write_text("a file where the folder goes", encoding="utf-8")
    elif taken.startswith("published/"):  # where a submission's published page goes
        name = next(p.stem for p in (finished["out"] / "reports").iterdir() if p.name.startswith("0000000-"))
        (out / "published" / f"{name}.html" / "inner").mkdir(parents=True)
    else:
        (out / taken / "inner").mkdir(parents=True)
    stdout, stderr = io.StringIO(), io.StringIO()
    argv = ["bulk", str(finished["inbox"]), "-o", str(out), "--jobs", "1", "--quiet", "--publish", "html"]
    assert run(argv, stdout, stderr) == 2
    assert "[E_OUTPUT]" in stderr.getvalue() and "Traceback" not in stderr.getvalue()
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != STATE_DIR]  # no temporary file


def _read_only(folder: Path, argv: list[str]) -> subprocess.CompletedProcess:
    """``gaip-xl argv`` with ``folder`` mounted read-only (a private mount namespace: root's writes are refused
    there too, which a chmod would not do)."""
    command = (f'mount --bind "{folder}" "{folder}" && mount -o remount,bind,ro "{folder}" && '
               f'PYTHONPATH="{ROOT}" exec "{sys.executable}" -m gaip_xl "$@"')
    return subprocess.run(["unshare", "-m", "sh", "-c", command, "sh", *argv], capture_output=True)


def _can_mount_read_only(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f'mount --bind "{tmp_path}" "{tmp_path}"'],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.parametrize("holding", ["nothing", "a finished run"])
def test_a_read_only_output_folder_is_e_output_and_keeps_what_it_holds(finished, tmp_path, holding):
    if not _can_mount_read_only(tmp_path):
        pytest.skip("needs unshare and mount (root in a mount namespace) for a read-only folder")
    out = _copy(finished, tmp_path / "out") if holding == "a finished run" else tmp_path / "out"
    out.mkdir(exist_ok=True)
    done = _read_only(out, ["bulk", str(finished["inbox"]), "-o", str(out), "--jobs", "1", "--quiet"])
    assert done.returncode == 2
    assert "[E_OUTPUT]" in clean(done.stderr) and "只读" in done.stderr.decode()
    assert outputs_digest(out) == (finished["digest"] if holding == "a finished run" else {})


def test_a_run_refused_because_another_holds_the_folder_leaves_the_others_files_alone(finished, tmp_path):
    from gaip_xl.bulk.store import RunStore
    from gaip_xl.errors import OutputInUse

    out = _copy(finished, tmp_path / "out")
    with RunStore(out) as store:
        scratch = store.folder / "xlsx-of-the-running-batch"
        scratch.mkdir()  # as the running batch's summary.xlsx would have it
        with pytest.raises(OutputInUse):
            run_bulk([finished["inbox"]], out, jobs=1)
        assert scratch.is_dir()


@pytest.mark.parametrize("change", ["reports removed", "reports a file", "the state folder removed"])
def test_an_output_folder_changed_during_the_run_is_e_output_and_a_rerun_ends_as_a_clean_run(
        finished, tmp_path, monkeypatch, change):
    from test_bulk_changing import changing_after_discovery

    out = tmp_path / "out"

    def under_the_run() -> None:
        shutil.rmtree(out / ("reports" if change.startswith("reports") else STATE_DIR))
        if change == "reports a file":
            (out / "reports").write_text("in the way", encoding="utf-8")

    changing_after_discovery(monkeypatch, under_the_run)
    stdout, stderr = io.StringIO(), io.StringIO()
    status = run(["bulk", str(finished["inbox"]), "-o", str(out), "--jobs", "1", "--quiet"], stdout, stderr)
    assert status == 2 and "[E_OUTPUT]" in stderr.getvalue(), stderr.getvalue()
    monkeypatch.undo()
    if change == "reports a file":
        (out / "reports").unlink()
    _rerun_ends_as_a_clean_run(finished, out)
