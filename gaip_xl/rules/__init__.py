"""The 勾稽 rule engine: rules declared as data (``catalog``), their checks, and the findings they yield."""

from .catalog import CATALOG, SPECS, RuleSpec
from .engine import run_rules, validate
from .findings import CellRef, Finding, Severity, StaleExplanation, ValidationReport
from .identities import Identity, Term, cross_year_identities, identities

__all__ = [
    "CATALOG", "SPECS", "CellRef", "Finding", "Identity", "RuleSpec", "Severity", "StaleExplanation", "Term",
    "ValidationReport",
    "cross_year_identities", "identities", "run_rules", "validate",
]
