"""The report: its Python type, its canonical JSON document and that document's JSON Schema."""

from .cells import explanation_rows, explanations_from_rows, report_from_values, values_from_report
from .model import Agency, Explanation, Figure, Report
from .schema import schema_for

__all__ = ["Agency", "Explanation", "Figure", "Report", "explanation_rows", "explanations_from_rows",
           "report_from_values", "schema_for", "values_from_report"]
