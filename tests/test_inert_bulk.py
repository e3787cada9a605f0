"""Hostile text through ``gaip-xl bulk``: in file names, agency names, contacts, prose, 说明, figure cells and the
roster, it comes out of every output as the text it is: findings.csv and the roll-up's list of reports (for Excel)
hold no cell Excel would evaluate, tidy.csv (for pandas) holds it exactly as submitted, summary.xlsx and the roll-up
workbook hold no formula or link of its making."""

from __future__ import annotations

from builders import load_case
from hostile_text import (
    csv_rows,
    filled_formulas,
    formula_cells,
    hostile_texts,
    put_everywhere,
    shown_texts,
    writable_texts,
    xlsx_formulas,
    xlsx_hyperlinks,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import Report, validate
from gaip_xl.bulk import run_bulk
from gaip_xl.report.model import Explanation
from gaip_xl.roster import RosterEntry, name_key, roster_from_rows

CASE = "pingtan-2021"
FIGURES = tuple(next(code for code in sorted(load_case(CASE).figures) if code.startswith(table))
                for table in ("s2_", "s3.", "s4."))  # a figure cell of each section


def file_stem(text: str) -> str:
    """A file name from the text: what a file system accepts (no "/", no NUL, at most 60 characters: 180 bytes)."""
    return text.replace("/", "／").replace("\x00", "")[:60].rstrip() or "x"


def passing_report(texts: list[str]) -> Report:
    """The case with the texts in its facts and prose, and as 说明 of every warning that brings (and a stale one)."""
    report = load_case(CASE)
    put_everywhere(report, texts)
    warnings = [f for f in validate(report).findings if f.severity.value == "warning"]
    report.explanations = [Explanation(f.rule, tuple(c.code for c in f.cells), texts[i % len(texts)])
                           for i, f in enumerate(warnings)]
    report.explanations.append(Explanation("R8", (), texts[-1]))  # explains nothing: a stale 说明 row
    return report


def failing_report(texts: list[str], anything: str) -> Report:
    """The case with texts in figure cells (V1 errors), the region code, and any text (control characters too)."""
    report = load_case(CASE)
    for i, code in enumerate(FIGURES):
        report.figures[code] = texts[i % len(texts)]
    report.agency.name = texts[0]
    report.agency.region_code = texts[-1]
    report.text["other"] = anything
    return report


def hostile_roster(names: list[str], submitted: str) -> list[RosterEntry]:
    """A roster of the names (each once, the submitting agency left out: theirs are rows 未提交) and one more."""
    keys = {name_key(submitted)}
    rows = [["机关名称"], ["甲镇人民政府"]]
    for name in names:
        if name_key(name) not in keys:
            keys.add(name_key(name))
            rows.append([name])
    return roster_from_rows(rows)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(texts=st.lists(writable_texts(), min_size=2, max_size=4), anything=hostile_texts())
def test_bulk_outputs_keep_submitted_text_inert(tmp_path_factory, texts, anything):
    folder = tmp_path_factory.mktemp("bulk")
    inbox, out = folder / "in", folder / "out"
    inbox.mkdir()
    passing, failing = passing_report(texts), failing_report(texts, anything)
    stem = file_stem(texts[0])
    names = {"pass": f"{stem}.json", "fail": f"{stem}_2.json"}
    (inbox / names["pass"]).write_text(passing.to_json(), encoding="utf-8")
    (inbox / names["fail"]).write_text(failing.to_json(), encoding="utf-8", errors="surrogatepass")
    result = run_bulk([inbox], out, jobs=1, roster=hostile_roster(texts[1:], passing.agency.name))
    assert result.counts["ok"] == 1, result.counts  # the hostile text reaches the roll-up too

    for csv_file in (out / "findings.csv", *(out / "rollup").glob("*-reports.csv")):
        data = csv_file.read_bytes()
        assert formula_cells(data) == [], csv_file.name
        shown = shown_texts(data)
        assert names["pass"] in shown  # the text itself, behind its quote
        assert Report.load(inbox / names["pass"]).agency.name in shown
    findings = shown_texts((out / "findings.csv").read_bytes())
    assert names["fail"] in findings  # with errors or unreadable (\ud800 is not UTF-8): listed there
    assert {e.text for e in passing.explanations} <= findings  # every 说明, explaining or stale

    tidy = csv_rows((out / "tidy.csv").read_bytes())
    rows = [dict(zip(tidy[0], row, strict=True)) for row in tidy[1:]]
    for key, name in names.items():  # tidy.csv is for pandas: every value exactly as submitted, no quote added
        mine = {row["code"]: row for row in rows if row["file"] == name}
        if not mine:
            assert key == "fail"  # unreadable (its text not UTF-8): no figures
            continue
        read_back = Report.load(inbox / name)
        assert {row["agency"] for row in mine.values()} == {read_back.agency.name}
        if key == "fail":
            assert {code: mine[code]["value"] for code in FIGURES} == {c: read_back.figures[c] for c in FIGURES}

    summary = (out / "summary.xlsx").read_bytes()
    assert xlsx_formulas(summary) == {} and xlsx_hyperlinks(summary) == []
    for workbook in (out / "rollup").glob("*.xlsx"):
        data = workbook.read_bytes()
        assert sorted(xlsx_formulas(data).values()) == filled_formulas(load_case(CASE)) and xlsx_hyperlinks(data) == []
