"""Runs the declared rules over a report (and last year's, when given)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..report import Report
from . import document, imported, previous_year, prose, review  # noqa: F401  (register J1, I1, Y1–Y3, R9, T1–T4)
from .catalog import CATALOG, SPECS
from .checks import CHECKS, finding
from .context import Context, Sheet
from .explain import apply_explanations
from .findings import CellRef, Finding, ValidationReport

CROSS_YEAR_RULES = ("R5", "R6", "R7", "R8", "Y1", "Y2", "Y3")
PAIRING_RULES = ("X1", "X2")  # about the pairing of two reports; found before any check runs
_ORDER = {spec.id: i for i, spec in enumerate(CATALOG)}


def _cross_year_setup(report: Report, previous: Report) -> tuple[list[Finding], bool]:
    """Findings about the pairing itself, and whether the cross-year rules can run."""
    found: list[Finding] = []
    expected_year = report.year - 1 if report.year is not None else None
    usable = previous.year is not None and previous.year == expected_year
    if not usable:
        found.append(finding("X1", (CellRef.field(report.edition, "year", "报告年度"),), expected=expected_year,
                             actual=previous.year, previous_year=previous.year, expected_year=expected_year))
    name, previous_name = report.agency.name, previous.agency.name
    if isinstance(name, str) and isinstance(previous_name, str) and name.strip() != previous_name.strip():
        found.append(finding("X2", (CellRef.field(report.edition, "agency.name", "机关名称"),), expected=name,
                             actual=previous_name, name=name, previous_name=previous_name))
    return found, usable


def run_rules(report: Report, previous: Report | None = None, rules: Iterable[str] | None = None) -> Iterator[Finding]:
    selected = [spec.id for spec in CATALOG] if rules is None else [r for r in rules if r in SPECS]
    ctx = Context(Sheet.of(report))
    if previous is not None:
        pairing, usable = _cross_year_setup(report, previous)
        yield from pairing
        if usable:
            ctx.previous = Sheet.of(previous)
    for rule_id in selected:
        if rule_id in CROSS_YEAR_RULES and ctx.previous is None:
            continue
        check = CHECKS.get(rule_id)
        if check is not None:
            yield from check(ctx)


def validate(report: Report, previous: Report | None = None, rules: Iterable[str] | None = None) -> ValidationReport:
    """Every finding of ``report``: errors first, then warnings, each in rule order; the filer's explanations (说明)
    attached to the warnings they explain, and those that explain nothing any more listed as stale.

    Args:
        report: the report to check.
        previous: last year's report of the same agency, for the cross-year rules (R5–R8; X1, X2 say when it does
            not fit).
        rules: only these rule ids (default: every rule of ``gaip_xl.rules.CATALOG``).

    Returns:
        A ``ValidationReport``: ``valid`` (no error), ``errors``, ``warnings``, ``stats``, ``findings``,
        ``stale_explanations``.

    Raises:
        Nothing for any report: whatever a report holds is a finding, never an exception.

    Example:
        >>> from gaip_xl import Report, validate
        >>> report = Report.load("examples/huaian-2024.json")
        >>> report.figures["s3.new.natural"] = "3001件"
        >>> [(f.rule, f.cells[0].code) for f in validate(report).errors]
        [('V1', 's3.new.natural')]
    """
    findings = sorted(run_rules(report, previous, rules), key=lambda f: (f.severity.value != "error", _ORDER[f.rule]))
    explained, stale = apply_explanations(findings, report.explanations)
    return ValidationReport(explained, stale)
