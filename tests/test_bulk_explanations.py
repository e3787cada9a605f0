"""bulk keeps the filers' 说明: open and explained warnings are counted apart, findings carry the explanation, a 说明
whose finding no longer occurs is listed as stale; and the roll-up is a 汇总 report."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest
from builders import case_document

from gaip_xl import Report, validate, write_workbook
from gaip_xl.bulk import run_bulk
from gaip_xl.format import REPORT_TYPES

EXPLAINED_TEXT = "本镇本年度无信息处理费，附件另行说明"
STALE_TEXT = "文件到期失效"


def _explained_document() -> dict:
    """huashi 2021 (warnings S2 and T2): T2 explained, S2 left open, and one 说明 about a finding that is gone."""
    document = case_document("huashi-2021")
    report = Report.from_json(json.dumps(document))
    t2 = next(f for f in validate(report).findings if f.rule == "T2")
    document["explanations"] = [
        {"rule": "T2", "cells": [c.code for c in t2.cells], "text": EXPLAINED_TEXT},
        {"rule": "R8", "cells": ["s2_item1.normative.in_force"], "text": STALE_TEXT},
    ]
    return document


@pytest.fixture(scope="module")
def explained(tmp_path_factory):
    root = tmp_path_factory.mktemp("explained")
    inbox = root / "in"
    inbox.mkdir()
    document = _explained_document()
    (inbox / "华市.json").write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    write_workbook(Report.from_json(json.dumps(document)), inbox / "华市.xlsx")  # the 说明 sheet carries them
    plain = case_document("huashi-2021")
    plain["agency"]["name"] = "另一个镇人民政府"
    (inbox / "另一镇.json").write_text(json.dumps(plain, ensure_ascii=False), encoding="utf-8")
    out = root / "out"
    return out, run_bulk(inbox, out, jobs=1)


def test_open_and_explained_warnings_are_counted_apart(explained):
    _, result = explained
    rows = {r["file"]: r for r in result.files}
    for name in ("华市.json", "华市.xlsx"):
        row = rows[name]
        assert (row["warnings"], row["open_warnings"], row["explained_warnings"], row["stale_explanations"]) == \
            (2, 1, 1, 1), name
    assert (rows["另一镇.json"]["open_warnings"], rows["另一镇.json"]["explained_warnings"]) == (2, 0)
    assert result.totals["open_warnings"] == 4 and result.totals["explained_warnings"] == 2
    assert result.totals["stale_explanations"] == 2
    assert "警告 4 条未说明、2 条已说明" in result.summary_line()


def test_findings_carry_the_explanation_and_list_stale_ones(explained):
    out, _ = explained
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    lines = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    for found in (rows, lines):
        mine = [r for r in found if r["file"] == "华市.xlsx"]
        assert {(r["rule"], r["severity"], r["explanation"]) for r in mine} == {
            ("T2", "warning", EXPLAINED_TEXT), ("S2", "warning", ""), ("R8", "stale", STALE_TEXT)}
        stale = next(r for r in mine if r["severity"] == "stale")
        assert stale["codes"] == "s2_item1.normative.in_force" and "过期" in stale["message"]
        assert not any(r["explanation"] for r in found if r["file"] == "另一镇.json")


def test_summary_workbook_shows_explanations_and_totals(explained):
    out, result = explained
    book = openpyxl.load_workbook(out / "summary.xlsx")
    files = list(book["文件清单"].iter_rows(values_only=True))
    header = files[0]
    row = next(r for r in files[1:] if r[0] == "华市.xlsx")
    assert [row[header.index(name)] for name in ("未说明警告", "已说明警告", "过期说明")] == [1, 1, 1]
    findings = [r for r in book["问题清单"].iter_rows(min_row=2, values_only=True) if r[0] == "华市.xlsx"]
    assert {(r[4], r[5], r[7]) for r in findings} == {("T2", "警告（已说明）", EXPLAINED_TEXT), ("S2", "警告", None),
                                                      ("R8", "说明已过期", STALE_TEXT)}
    totals = {r[0]: r[1] for r in book["统计"].iter_rows(values_only=True) if r and r[0]}
    assert (totals["未说明的警告（条）"], totals["已说明的警告（条）"], totals["过期的说明（条）"]) == (4, 2, 2)


def test_report_json_keeps_the_explanations_and_the_rollup_is_a_compiled_report(explained):
    out, result = explained
    row = next(r for r in result.files if r["file"] == "华市.xlsx")
    document = json.loads((out / row["json"]).read_text(encoding="utf-8"))
    assert [e["text"] for e in document["explanations"]] == [EXPLAINED_TEXT, STALE_TEXT]
    assert document["validation"]["explained_warnings"] == 1
    (rollup,) = result.rollups
    written = json.loads((out / "rollup" / f"{rollup.stem}.json").read_text(encoding="utf-8"))
    assert written["report_type"] == REPORT_TYPES[1] == "汇总"
    assert Report.load(out / "rollup" / f"{rollup.stem}.json").report_type == "汇总"
