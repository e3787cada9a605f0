"""gaip_xl: the annual government-information-disclosure report (政府信息公开工作年度报告) as data.

The public API: the format model (``gaip_xl.format``), ``Report`` and its JSON, the rule engine (``validate``).
"""

from .loaders import load_report
from .report import Report, schema_for
from .rules import ValidationReport, validate

__version__ = "0.1.0"

__all__ = ["Report", "ValidationReport", "__version__", "load_report", "schema_for", "validate"]
