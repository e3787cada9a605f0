"""The run-state store: what a batch remembers lives in one SQLite database per output folder; it must read back
like the lists it replaces, and the errors it keeps must come back as themselves."""

from __future__ import annotations

import pickle
import string

import pytest

from gaip_xl import errors
from gaip_xl.bulk.rollup import Planner
from gaip_xl.bulk.store import RunStore, StoredRows, dumps


def _summary(file: str, key: str | None, digest: str, status: str = "ok") -> dict:
    return {"file": file, "agency": key, "level": "县级", "status": status, "errors": 0 if status == "ok" else 2,
            "year": 2023, "edition": "2021", "duplicate_key": key, "digest": digest, "json": None}


ROWS = [_summary("a", "甲", "1"), _summary("b", "乙", "2"), _summary("c", "甲", "1"), _summary("d", None, "3"),
        _summary("e", "丙", "4"), _summary("f", "乙", "5", status="errors"), _summary("g", "甲", "1")]


def _stored(store: RunStore, rows: list[dict]) -> None:
    for i, row in enumerate(rows):
        key = f"{i:064x}"
        assert not store.add_input(key)
        store.record(key, row, dumps({"findings": []}))
    store.commit()


def test_duplicate_groups_hold_only_keys_seen_twice_in_input_order(tmp_path):
    with RunStore(tmp_path) as store:
        _stored(store, ROWS)
        groups = store.duplicate_groups()
    assert {k: [s["file"] for s in v] for k, v in groups.items()} == {"甲": ["a", "c", "g"], "乙": ["b", "f"]}


def test_roll_up_lists_are_kept_in_the_store_and_read_back_in_order(tmp_path):
    rows = [_summary("a", "甲", "1"), _summary("b", "乙", "2", status="errors"), _summary("c", "甲", "1")]
    with RunStore(tmp_path) as store:
        _stored(store, rows)
        planner = Planner(store)
        counted = [planner.consider(s) is not None for s in rows]
        store.commit()
        [rollup] = planner.rollups()
    assert counted == [True, False, False]
    assert rollup.included_count == 1 and [e["file"] for e in rollup.included] == ["a"]
    assert [(e["file"], e["status"]) for e in rollup.excluded] == [("b", "errors"), ("c", "ok")]
    assert "只计一次" in rollup.excluded[1]["reason"]


def test_stored_rows_read_like_a_list_in_input_order_and_reruns_find_results(tmp_path):
    with RunStore(tmp_path) as store:
        _stored(store, ROWS)
    rows = StoredRows(store.path)
    assert len(rows) == len(ROWS) and list(rows) == ROWS
    assert rows[0] == ROWS[0] and rows[-1] == ROWS[-1] and rows[3] == ROWS[3]
    with pytest.raises(IndexError):
        rows[len(ROWS)]
    with RunStore(tmp_path) as again:  # the next run: same keys are found, and no input is listed yet
        assert again.add_input(f"{0:064x}") and not again.add_input(f"{99:064x}")


@pytest.mark.parametrize("column", ["summary", "detail", "json", "status"])
def test_a_result_whose_text_is_damaged_past_utf8_is_done_again(tmp_path, column):
    """A store damaged in place (a disk error, a file cut short) can hold text that is no UTF-8 any more: Python's
    sqlite3 cannot even give such a row, which stopped the rerun with a traceback. The result is not trusted: its
    input is done again."""
    with RunStore(tmp_path) as store:
        _stored(store, ROWS[:2])
    import sqlite3

    with sqlite3.connect(store.path) as db:
        db.execute(f"UPDATE result SET {column} = CAST(X'7B22FF' AS TEXT) WHERE key = ?", (f"{0:064x}",))
    with RunStore(tmp_path) as again:
        assert again.add_input(f"{0:064x}") is None
        assert again.add_input(f"{1:064x}") == ("ok", None)


def _every_error_class() -> list[type[errors.GaipError]]:
    found, pending = [], [errors.GaipError]
    while pending:
        kind = pending.pop()
        found.append(kind)
        pending += kind.__subclasses__()
    return found


@pytest.mark.parametrize("kind", _every_error_class(), ids=lambda k: k.__name__)
def test_every_gaip_error_survives_pickling(kind):
    fields = {name for _, name, _, _ in string.Formatter().parse(kind.template) if name}
    params = {name: f"值{i}" for i, name in enumerate(sorted(fields))} | {"detail": "说明"}
    error = kind("县/a.xlsx", **params)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is kind
    assert (copy.code, copy.path, copy.params, copy.message, str(copy)) == \
        (error.code, error.path, error.params, error.message, str(error))
    bare = pickle.loads(pickle.dumps(kind(None, **params)))
    assert bare.path is None and bare.message == kind(None, **params).message


def test_what_an_older_version_kept_in_the_state_folder_is_removed(tmp_path):
    folder = tmp_path / ".gaip-bulk"
    folder.mkdir()
    (folder / "journal.jsonl").write_text("gaip-bulk-journal 1 0\n", encoding="utf-8")
    (folder / ".rollup-x.entries").write_bytes(b"\x80")
    (folder / "lock").write_bytes(b"")  # the lock file, before the store's own lock replaced it
    with RunStore(tmp_path):
        pass
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("state.sqlite-")) == ["state.sqlite"]
