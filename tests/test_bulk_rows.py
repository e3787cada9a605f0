"""The batch's summary rows live in a temporary file, not in memory: they must still read like a list."""

from __future__ import annotations

from gaip_xl.bulk.state import Journal, SummaryRows


def _journal(tmp_path, count: int) -> tuple[Journal, list[str]]:  # type: ignore[no-untyped-def]
    journal = Journal(tmp_path).open()
    keys = [f"{i:064x}" for i in range(count)]
    for i, key in enumerate(keys):
        journal.append(key, {"file": f"县/{i}.xlsx", "status": "ok", "agency": "机关\t甲" if i % 2 else None},
                       '{"findings":[],"tidy":""}' if i % 3 else {"findings": [], "tidy": "a,b\r\n"})
    return journal, keys


def test_rows_read_like_a_list_in_key_order(tmp_path):
    journal, keys = _journal(tmp_path, 50)
    try:
        expected = [journal.summary(key) for key in reversed(keys)]
        rows = SummaryRows(journal, list(reversed(keys)))
        assert len(rows) == 50 and list(rows) == expected
        assert rows[0] == expected[0] and rows[-1] == expected[-1] and rows[17] == expected[17]
        # iterating while reading other rows (what the assembly does) still gives every row in order
        seen = []
        for row in rows:
            assert rows[3] == expected[3]
            seen.append(row)
        assert seen == expected
        assert journal.detail(keys[0]) == {"findings": [], "tidy": "a,b\r\n"}
        assert journal.detail(keys[1]) == {"findings": [], "tidy": ""}
    finally:
        journal.close()
