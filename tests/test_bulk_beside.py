"""``Beside``: the roll-ups are written in a second process; its value and its errors come back as if run here."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from gaip_xl.bulk import pool
from gaip_xl.bulk.pool import Beside
from gaip_xl.errors import OutputFailed


def _where(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def _fails(path: str) -> None:
    raise OutputFailed(path, detail="磁盘已满")


def test_value_comes_back():
    tag, _ = Beside().start(_where, "汇总").result()
    assert tag == "汇总"


def test_a_gaip_error_comes_back_with_its_class_and_message():
    with pytest.raises(OutputFailed) as caught:
        Beside().start(_fails, "/out/rollup.xlsx").result()
    assert caught.value.message == OutputFailed("/out/rollup.xlsx", detail="磁盘已满").message


PREPARED: list[int] = []


def _prepare() -> None:
    PREPARED.append(os.getpid())


def _prepared() -> list[int]:
    return list(PREPARED)


def _breaks() -> None:
    raise ValueError("不是 GaipError")


def _dies() -> None:
    os._exit(9)


def test_prepare_runs_in_the_other_process_before_the_work():
    PREPARED.clear()
    prepared = Beside(_prepare).start(_prepared).result()
    assert prepared and prepared[0] != os.getpid()  # it ran there, and the work saw it
    assert PREPARED == []  # not here


def test_any_other_exception_comes_back_as_itself():
    with pytest.raises(ValueError, match="不是 GaipError"):
        Beside().start(_breaks).result()


def test_a_process_that_dies_is_an_output_error_not_a_hang():
    with pytest.raises(OutputFailed) as caught:
        Beside().start(_dies).result()
    assert "意外退出" in caught.value.message


def test_closed_without_work_the_process_ends():
    beside = Beside(_prepare)
    process = beside._process
    beside.close()
    assert process is not None and not process.is_alive() and process.exitcode == 0


def test_without_fork_a_batch_ends_with_the_same_files(tmp_path, monkeypatch):
    """Where fork is not the start method (Windows, macOS): workers are spawned and the last steps run in the bulk
    process itself; the outputs are the same files, byte for byte, as with fork."""
    from test_bulk_support import tree_digest, write_case

    from gaip_xl.bulk import run_bulk
    from gaip_xl.bulk.state import STATE_DIR

    inbox = tmp_path / "in"
    write_case(inbox / "a.xlsx", "pingtan-2021")
    write_case(inbox / "b.xlsx", "zhanggutai-2021")
    write_case(inbox / "c.xlsx", "pingtan-2022", break_total=True)
    (inbox / "d.xlsx").write_bytes(b"not a workbook")
    forked = run_bulk([inbox], tmp_path / "forked", jobs=2)
    monkeypatch.setattr(pool, "_context", lambda: multiprocessing.get_context("spawn"))
    spawned = run_bulk([inbox], tmp_path / "spawned", jobs=2)
    assert (spawned.total, spawned.counts) == (forked.total, forked.counts) == (4, {"ok": 2, "errors": 1,
                                                                                  "unreadable": 1})
    assert tree_digest(tmp_path / "spawned", skip=STATE_DIR) == tree_digest(tmp_path / "forked", skip=STATE_DIR)
    assert [r.included_count for r in spawned.rollups] == [r.included_count for r in forked.rollups]
