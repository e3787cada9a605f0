"""Helpers for the template tests: load a generated template, fill it with a report, recalculate in LibreOffice."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from gaip_xl.format import EDITIONS
from gaip_xl.format.editions import S3_APPLICANT_COLUMNS
from gaip_xl.format.layout import layout_for
from gaip_xl.report import Report, report_from_values, values_from_report
from gaip_xl.rules.identities import identities
from gaip_xl.template import save_template
from gaip_xl.template.libreoffice import soffice

CASES = Path(__file__).parent / "cases"

needs_libreoffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc-nogui")


def generated(edition: str, folder: Path) -> Workbook:
    """The template of ``edition`` as written to disk and read back (what a clerk's Excel opens)."""
    path = folder / f"template-{edition}.xlsx"
    save_template(edition, path)
    return load_workbook(path)


def label_ranges(edition: str) -> dict[str, set[str]]:
    """The merged ranges the layout asks for, per sheet."""
    ranges: dict[str, set[str]] = {}
    for label in layout_for(edition).labels:
        if label.merged:
            ranges.setdefault(label.pos.sheet, set()).add(label.range_a1)
    return ranges


def fill(template: Path, report: Report, target: Path) -> None:
    """Writes every value of ``report`` into the cell of its code, as a clerk would type it."""
    layout = layout_for(report.edition.code)
    workbook = load_workbook(template)
    for code, value in values_from_report(report).items():
        if value is None:
            continue
        if code == "published_on":
            value = dt.date.fromisoformat(value)
        pos = layout.position(code)
        workbook[pos.sheet].cell(pos.row, pos.col).value = value
    workbook.save(target)


def consistent_report(edition: str, seed: int) -> Report:
    """A report whose R1–R4 all hold, built from random parts by adding them up here (not by the code under test)."""
    rng = random.Random(seed)
    values: dict[str, Any] = {"agency.name": "测试县人民政府", "agency.level": "县级", "year": 2020 if edition == "2019"
                              else 2022, "published_on": "2021-01-20" if edition == "2019" else "2023-01-20"}
    table = EDITIONS[edition].table("s3")
    results = [r.code for r in table.rows if r.code not in ("new", "carried_in", "total", "carried_out")]
    for col in S3_APPLICANT_COLUMNS:
        parts = {row: rng.randint(0, 9) for row in results}
        carried_in = rng.randint(0, 5)
        carried_out = rng.randint(0, 5)
        values.update({f"s3.{row}.{col}": n for row, n in parts.items()})
        values[f"s3.total.{col}"] = sum(parts.values())
        values[f"s3.carried_in.{col}"] = carried_in
        values[f"s3.carried_out.{col}"] = carried_out
        values[f"s3.new.{col}"] = sum(parts.values()) + carried_out - carried_in
        if values[f"s3.new.{col}"] < 0:  # keep every figure ≥ 0: move the excess into 新收
            values[f"s3.carried_in.{col}"] += values[f"s3.new.{col}"]
            values[f"s3.new.{col}"] = 0
    for row in table.rows:
        values[f"s3.{row.code}.total"] = sum(values[f"s3.{row.code}.{c}"] for c in S3_APPLICANT_COLUMNS)
    for row in EDITIONS[edition].table("s4").rows:
        parts = [rng.randint(0, 4) for _ in range(4)]
        for code, n in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            values[f"s4.{row.code}.{code}"] = n
        values[f"s4.{row.code}.total"] = sum(parts)
    return report_from_values(edition, values)


def case(name: str) -> Report:
    return Report.load(CASES / f"{name}.json")


def broken(report: Report, changes: dict[str, int]) -> Report:
    """``report`` with some figures moved by the given amounts."""
    values = values_from_report(report)
    for code, delta in changes.items():
        values[code] = (values[code] or 0) + delta
    return report_from_values(report.edition.code, values)


def failing_identities(report: Report) -> dict[tuple[str, str], int]:
    """(rule, key) → the value the target should have, for each identity of R1–R4 that does not hold
    (computed directly from the figures, blanks as 0)."""
    def total(terms) -> int:
        return sum(report.figures.get(t.code) or 0 for t in terms)

    found = {}
    for identity in identities(report.edition.code):
        lhs, rhs = total(identity.lhs), total(identity.rhs)
        if lhs != rhs:
            found[(identity.rule, identity.key)] = (report.figures.get(identity.target.code) or 0) - (rhs - lhs)
    return found
