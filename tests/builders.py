"""Reports for tests: consistent by construction (every identity holds), built from the format model.

The construction does the arithmetic independently of the rule engine: it fills the parts and computes each total
as the notices define it, so a test that finds no error here checks the engine, not itself.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from gaip_xl.format import EDITIONS
from gaip_xl.format.editions import S3_APPLICANT_COLUMNS
from gaip_xl.report import Report

CASES = Path(__file__).parent / "cases"


def load_case(name: str) -> Report:
    return Report.load(CASES / f"{name}.json")


def case_document(name: str) -> dict:
    return json.loads((CASES / f"{name}.json").read_text(encoding="utf-8"))


def consistent_report(edition: str, rng: random.Random, year: int | None = None, high: int = 30) -> Report:
    ed = EDITIONS[edition]
    report = Report.empty(ed, year or (2020 if edition == "2019" else 2023))
    report.agency.name = "测试县人民政府"
    report.agency.level = "县级"
    f = report.figures
    s3 = ed.table("s3")
    result_rows = [r.code for r in s3.rows if r.code not in ("new", "carried_in", "total", "carried_out")]
    for col in S3_APPLICANT_COLUMNS:
        for row in result_rows:
            f[f"s3.{row}.{col}"] = rng.randint(0, high)
        total = sum(f[f"s3.{row}.{col}"] for row in result_rows)
        carried_out = rng.randint(0, high)
        carried_in = rng.randint(0, total + carried_out)
        f[f"s3.total.{col}"] = total
        f[f"s3.carried_out.{col}"] = carried_out
        f[f"s3.carried_in.{col}"] = carried_in
        f[f"s3.new.{col}"] = total + carried_out - carried_in
    for row in s3.rows:
        f[f"s3.{row.code}.total"] = sum(f[f"s3.{row.code}.{col}"] for col in S3_APPLICANT_COLUMNS)
    for group in ("review", "direct_suit", "suit_after_review"):
        parts = [rng.randint(0, high) for _ in range(4)]
        for col, value in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            f[f"s4.{group}.{col}"] = value
        f[f"s4.{group}.total"] = sum(parts)
    for table in ed.tables:
        if table.section != "二":
            continue
        for cell in table.cells():
            if cell.row.code == "rules":
                f[cell.code] = 0  # a county cannot make 规章 (S1)
            elif cell.type.value == "amount":
                f[cell.code] = round(rng.uniform(0, 1000), 6)
            elif cell.type.value == "change":
                f[cell.code] = rng.randint(-high, high)
            else:
                f[cell.code] = rng.randint(0, high * 10)
    return report


def next_year(previous: Report, rng: random.Random) -> Report:
    """A consistent report for the year after ``previous`` that also satisfies R5–R8 against it."""
    edition = previous.edition.code if previous.year + 1 <= 2020 else "2021"
    report = consistent_report(edition, rng, previous.year + 1)
    f, p = report.figures, previous.figures
    for col in (*S3_APPLICANT_COLUMNS,):
        # R5: carried in = last year's carried out; keep R1 by adjusting 一、本年新收.
        delta = p[f"s3.carried_out.{col}"] - f[f"s3.carried_in.{col}"]
        f[f"s3.carried_in.{col}"] += delta
        f[f"s3.new.{col}"] -= delta
        if f[f"s3.new.{col}"] < 0:  # raise a result row and the totals to stay non-negative
            lift = -f[f"s3.new.{col}"]
            f[f"s3.disclosed.{col}"] += lift
            f[f"s3.total.{col}"] += lift
            f[f"s3.new.{col}"] = 0
    for row in report.edition.table("s3").rows:
        f[f"s3.{row.code}.total"] = sum(f[f"s3.{row.code}.{col}"] for col in S3_APPLICANT_COLUMNS)
    if edition == "2019":
        for table in ("s2_item5", "s2_item6", "s2_item8"):
            for row in report.edition.table(table).rows:
                key = f"{table}.{row.code}"
                f[f"{key}.previous_count"] = max(0, p[f"{key}.previous_count"] + p[f"{key}.change"])
                p[f"{key}.change"] = f[f"{key}.previous_count"] - p[f"{key}.previous_count"]
        for row in report.edition.table("s2_item1").rows:
            key = f"s2_item1.{row.code}"
            f[f"{key}.total_published"] = p[f"{key}.total_published"] + f[f"{key}.published"]
    elif previous.edition.code == "2021":
        for row in report.edition.table("s2_item1").rows:
            key = f"s2_item1.{row.code}"
            f[f"{key}.repealed"] = min(f[f"{key}.repealed"], p[f"{key}.in_force"] + f[f"{key}.issued"])
            f[f"{key}.in_force"] = p[f"{key}.in_force"] + f[f"{key}.issued"] - f[f"{key}.repealed"]
    report.agency = previous.agency
    return report
