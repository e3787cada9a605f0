"""gaip-xl bulk --roster: the roster's agencies with no submission are rows 未提交 of summary.xlsx (counted on 统计,
named on stderr), submissions from agencies not on the roster are flagged; an .xlsx roster works as a .csv one."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from builders import case_document
from test_bulk_support import tree_digest, write_case

from gaip_xl.bulk.store import STATE_DIR
from gaip_xl.cli import run
from gaip_xl.roster import ROSTER_FIELDS

HUASHI = case_document("huashi-2021")["agency"]["name"]
MISSING = ("某某县财政局", "某某县教育局")
NAME, LEVEL = ROSTER_FIELDS[0].label, ROSTER_FIELDS[1].label


def _spelled_otherwise(name: str) -> str:
    """The same agency as a clerk may type it in the roster: with a space inside."""
    return name[:2] + " " + name[2:]


def _roster_rows() -> list[list[str]]:
    return [[NAME, LEVEL], [MISSING[0], "县级"], [_spelled_otherwise(HUASHI), "乡镇"], [MISSING[1], "县级"]]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("roster")
    folder = root / "in"
    folder.mkdir()
    (folder / "华市.json").write_text(json.dumps(case_document("huashi-2021"), ensure_ascii=False), encoding="utf-8")
    write_case(folder / "平潭.xlsx", "pingtan-2021")  # not on the roster
    (folder / "附言.txt").write_text("请查收", encoding="utf-8")  # unreadable: no agency to match
    csv_roster = root / "名单.csv"
    with open(csv_roster, "w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(_roster_rows())
    xlsx_roster = root / "名单.xlsx"
    book = openpyxl.Workbook()
    for row in _roster_rows():
        book.active.append(row)
    book.save(xlsx_roster)
    return root, folder, csv_roster, xlsx_roster


def _bulk(folder, out, roster) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["bulk", str(folder), "-o", str(out), "--jobs", "1", "--roster", str(roster)], stdout, stderr)
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_missing_agencies_are_rows_and_strangers_are_flagged(inbox, tmp_path, kind):
    _, folder, csv_roster, xlsx_roster = inbox
    code, stdout, stderr = _bulk(folder, tmp_path / "out", csv_roster if kind == "csv" else xlsx_roster)
    assert code == 1  # the note is unreadable; a missing agency does not change the exit code
    assert f"[W_NOT_SUBMITTED] 名单上有 2 个机关未提交：{MISSING[0]}、{MISSING[1]}" in stderr
    assert "名单 3 个机关：已提交 1，未提交 2" in stdout and "不在名单上的提交 1 个" in stdout
    book = openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")
    sheet = book["文件清单"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    status, roster, level = header.index("状态"), header.index("名单"), header.index("行政级别")
    assert [(r[0], r[1], r[status], r[roster]) for r in rows] == [
        ("华市.json", HUASHI, "通过", "在名单"),
        ("平潭.xlsx", case_document("pingtan-2021")["agency"]["name"], "通过", "不在名单"),
        ("附言.txt", None, "无法读取", None),
        (None, MISSING[0], "未提交", "在名单"),
        (None, MISSING[1], "未提交", "在名单"),
    ]
    assert rows[3][level] == "县级"
    assert sheet.auto_filter.ref.endswith(str(len(rows) + 1))
    totals = {r[0]: r[1] for r in book["统计"].iter_rows(values_only=True) if r and r[0]}
    assert (totals["名单上的机关（个）"], totals["已提交的机关（个）"], totals["未提交的机关（个）"],
            totals["不在名单上的提交（个文件）"]) == (3, 1, 2, 1)
    assert totals["合计"] == 3  # files in: the 未提交 rows are agencies, not files


def test_a_rerun_with_the_roster_gives_the_same_bytes(inbox, tmp_path):
    _, folder, csv_roster, _ = inbox
    _bulk(folder, tmp_path / "out", csv_roster)
    first = tree_digest(tmp_path / "out", skip=STATE_DIR)
    _bulk(folder, tmp_path / "out", csv_roster)
    assert tree_digest(tmp_path / "out", skip=STATE_DIR) == first


def test_without_a_roster_nothing_is_flagged(inbox, tmp_path):
    _, folder, _, _ = inbox
    stderr = io.StringIO()
    run(["bulk", str(folder), "-o", str(tmp_path / "out"), "--jobs", "1"], io.StringIO(), stderr)
    header, *rows = list(openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["文件清单"].iter_rows(
        values_only=True))
    assert len(rows) == 3 and all(r[header.index("名单")] is None for r in rows)
    assert "W_NOT_SUBMITTED" not in stderr.getvalue()


@pytest.mark.parametrize(("content", "code"), [
    ("单位,电话\n某局,1\n", "E_ROSTER_HEADER"),
    (f"{NAME}\n某局\n某 局\n", "E_ROSTER_DUPLICATE"),
    (f"{NAME}\n", "E_ROSTER_EMPTY"),
])
def test_a_bad_roster_stops_the_command_before_any_work(inbox, tmp_path, content, code):
    _, folder, _, _ = inbox
    roster = tmp_path / "名单.csv"
    roster.write_text(content, encoding="utf-8")
    result, _, stderr = _bulk(folder, tmp_path / "out", roster)
    assert result == 2 and code in stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_agency_names_a_submission_whose_name_resembles_it(inbox, tmp_path):
    _, folder, _, _ = inbox
    roster = tmp_path / "名单.csv"
    pingtan = case_document("pingtan-2021")["agency"]["name"]  # 平潭综合实验区管理委员会
    roster.write_text(f"{NAME}\n{HUASHI}\n平潭综合实验区管委会\n{MISSING[0]}\n", encoding="utf-8")
    code, stdout, _ = _bulk(folder, tmp_path / "out", roster)
    assert "名单 3 个机关：已提交 1，未提交 2" in stdout  # a hint, never a match
    header, *rows = list(openpyxl.load_workbook(tmp_path / "out" / "summary.xlsx")["文件清单"].iter_rows(
        values_only=True))
    missing = {r[1]: r[header.index("第一个错误")] for r in rows if r[header.index("状态")] == "未提交"}
    hint = f"未收到；有一份名称相近的提交：“{pingtan}”（平潭.xlsx），请核对机关名称是否写错"
    assert missing == {"平潭综合实验区管委会": hint, MISSING[0]: None}
