"""gaip_xl: the annual government-information-disclosure report (政府信息公开工作年度报告) as data.

The public API: the format model (``gaip_xl.format``), ``Report`` and its JSON, the rule engine (``validate``).
"""

import os
from pathlib import Path
from typing import BinaryIO

# openpyxl writes text as XML character references ("&#21512;") when lxml is importable and as UTF-8 otherwise; lxml
# is a dependency (the importer parses HTML with it), and our workbooks must be the same bytes either way, stay
# compact and be read fast. openpyxl decides when it is first imported, so this must run before any of our modules
# import it.
os.environ.setdefault("OPENPYXL_LXML", "False")

from .loaders import load_report
from .report import Report, schema_for
from .rules import ValidationReport, validate

__version__ = "0.1.0"


def read_workbook(source: str | os.PathLike[str] | bytes | BinaryIO) -> Report:
    """The report in a filled template given as a path, the workbook's bytes or a binary file object (see
    ``gaip_xl.excel.read_workbook``); the reader is imported on first use (keeps the import light)."""
    from .excel import read_workbook as read

    return read(source)


def write_workbook(report: Report, path: str | Path) -> None:
    """Fills a fresh template of the report's edition and saves it atomically as .xlsx (see ``gaip_xl.excel``)."""
    from .excel import write_workbook as write

    write(report, path)


__all__ = ["Report", "ValidationReport", "__version__", "load_report", "read_workbook", "schema_for", "validate",
           "write_workbook"]
