"""What a batch remembers once per submission lives on disk: the sets (paths seen, output names, duplicate keys)
and the roll-ups' lists. They must behave like their in-memory forms, cross to the roll-up process, and leave
nothing behind."""

from __future__ import annotations

import pickle
import shutil

from test_bulk_support import write_case

from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.rollup import ENTRY_SUFFIX, EntrySpool, Planner, Rollup, duplicate_groups
from gaip_xl.bulk.state import STATE_DIR, DiskSet


def test_disk_set_says_whether_a_text_is_new():
    texts = DiskSet()
    try:
        assert texts.add("县/a.xlsx") and texts.add("县/b.xlsx") and texts.add("")
        assert not texts.add("县/a.xlsx")
        assert "县/a.xlsx" in texts and "" in texts and "县/c.xlsx" not in texts
    finally:
        texts.close()


def _summary(file: str, key: str | None, digest: str, status: str = "ok") -> dict:
    return {"file": file, "agency": key, "level": "县级", "status": status, "errors": 0 if status == "ok" else 2,
            "year": 2023, "edition": "2021", "duplicate_key": key, "digest": digest}


def test_duplicate_groups_hold_only_keys_seen_twice_in_input_order():
    rows = [_summary("a", "甲", "1"), _summary("b", "乙", "2"), _summary("c", "甲", "1"), _summary("d", None, "3"),
            _summary("e", "丙", "4"), _summary("f", "乙", "5"), _summary("g", "甲", "1")]
    groups = duplicate_groups(rows)
    assert {k: [s["file"] for s in v] for k, v in groups.items()} == {"甲": ["a", "c", "g"], "乙": ["b", "f"]}


def test_roll_up_lists_survive_pickling_to_another_process_and_are_removed_when_collected(tmp_path):
    rows = [_summary("a", "甲", "1"), _summary("b", "乙", "2", status="errors"), _summary("c", "甲", "1")]
    planner = Planner(duplicate_groups(rows), tmp_path)
    counted = [planner.consider(s) is not None for s in rows]
    assert counted == [True, False, False]
    [rollup] = planner.rollups()
    assert rollup.included_count == 1 and [e["file"] for e in rollup.included] == ["a"]
    assert [(e["file"], e["status"]) for e in rollup.excluded] == [("b", "errors"), ("c", "ok")]
    assert "只计一次" in rollup.excluded[1]["reason"]
    copy = pickle.loads(pickle.dumps(rollup))  # what the process writing the roll-ups receives
    assert isinstance(copy, Rollup) and copy.included == rollup.included and copy.excluded == rollup.excluded
    assert len(pickle.dumps(rollup._entries)) < 300  # its name and counts, not its entries
    spools = list(tmp_path.glob(f"*{ENTRY_SUFFIX}"))
    assert len(spools) == 1
    del copy, rollup, planner
    assert not spools[0].exists()


def test_a_killed_runs_spool_is_removed_and_a_run_leaves_none(tmp_path):
    inbox = tmp_path / "in"
    write_case(inbox / "a.xlsx", "huaian-2024")
    out = tmp_path / "out"
    run_bulk([inbox], out, jobs=1)
    leftover = EntrySpool(out / STATE_DIR)  # as a run killed while summing would leave it
    shutil.copy(leftover.name, out / STATE_DIR / f".rollup-killed{ENTRY_SUFFIX}")
    result = run_bulk([inbox], out, jobs=2)
    assert [r.included_count for r in result.rollups] == [1] and result.skipped == 1
    assert [p.name for p in (out / STATE_DIR).glob(f"*{ENTRY_SUFFIX}")] != []  # this result's own spool, alive
    assert not (out / STATE_DIR / f".rollup-killed{ENTRY_SUFFIX}").exists()
    del result, leftover
    assert list((out / STATE_DIR).glob(f"*{ENTRY_SUFFIX}")) == []
