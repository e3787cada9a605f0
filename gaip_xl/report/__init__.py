"""The report: its Python type, its canonical JSON document and that document's JSON Schema."""

from .cells import report_from_values, values_from_report
from .model import Agency, Figure, Report
from .schema import schema_for

__all__ = ["Agency", "Figure", "Report", "report_from_values", "schema_for", "values_from_report"]
