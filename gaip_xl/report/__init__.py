"""The report: its Python type, its canonical JSON document and that document's JSON Schema."""

from .model import Agency, Figure, Report
from .schema import schema_for

__all__ = ["Agency", "Figure", "Report", "schema_for"]
