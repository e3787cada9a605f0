"""Where fork is not the start method (Windows, macOS), workers are spawned: the batch ends with the same files."""

from __future__ import annotations

import multiprocessing

from gaip_xl.bulk import pool


def test_without_fork_a_batch_ends_with_the_same_files(tmp_path, monkeypatch):
    """Spawned workers give the same files, byte for byte, as forked ones."""
    from test_bulk_support import tree_digest, write_case

    from gaip_xl.bulk import run_bulk
    from gaip_xl.bulk.store import STATE_DIR

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
