"""Wildcards no shell expanded: on Windows, cmd and PowerShell pass ``收件箱\\*.xlsx`` to gaip-xl as typed, and the
collecting office's command used to stop with E_FILE_NOT_FOUND for a folder full of submissions."""

from __future__ import annotations

import io

from test_bulk_support import case_workbook_bytes

from gaip_xl.cli import run
from gaip_xl.cli.bulk import expanded


def test_a_pattern_is_the_files_it_matches_and_an_existing_name_is_itself(tmp_path):
    inbox = tmp_path / "收件箱"
    (inbox / "县").mkdir(parents=True)
    for name in ("b.xlsx", "a.xlsx", "县/c.xlsx", "d.json"):
        (inbox / name).write_bytes(b"x")
    star = tmp_path / "[star]*.xlsx"  # a file whose own name looks like a pattern is taken as it is
    star.write_bytes(b"x")
    assert expanded([str(inbox / "*.xlsx")]) == [str(inbox / "a.xlsx"), str(inbox / "b.xlsx")]
    assert expanded([str(inbox / "**" / "*.xlsx")]) == sorted(str(p) for p in inbox.rglob("*.xlsx"))
    assert expanded([str(star)]) == [str(star)]
    assert expanded([str(inbox / "*.pdf")]) == [str(inbox / "*.pdf")]  # nothing matches: reported as not found


def test_bulk_given_a_pattern_reads_every_file_it_matches(tmp_path):
    inbox = tmp_path / "收件箱"
    inbox.mkdir()
    for name in ("甲.xlsx", "乙.xlsx"):
        (inbox / name).write_bytes(case_workbook_bytes("pingtan-2021"))
    out, err = io.StringIO(), io.StringIO()
    assert run(["bulk", str(inbox / "*.xlsx"), "-o", str(tmp_path / "out"), "--quiet"], out, err) == 0, err.getvalue()
    assert len(list((tmp_path / "out" / "reports").glob("*.json"))) == 2
    assert run(["bulk", str(inbox / "*.pdf"), "-o", str(tmp_path / "out2")], out, err) == 2
    assert "E_FILE_NOT_FOUND" in err.getvalue()
