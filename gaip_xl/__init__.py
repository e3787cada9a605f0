"""gaip_xl: the annual government-information-disclosure report (政府信息公开工作年度报告) as data.

The public API: the format model (``gaip_xl.format``), ``Report`` and its JSON (``load_report``, ``schema_for``),
the rule engine (``validate``, ``ValidationReport``), the workbook converter (``read_workbook``,
``write_workbook``) and bulk conversion (``run_bulk``, ``tidy_frame``). Importing ``gaip_xl`` stays light: the
workbook converter, bulk and pandas are imported on first use.

Example:
    >>> import gaip_xl
    >>> report = gaip_xl.load_report("examples/huaian-2024.json")
    >>> gaip_xl.validate(report).valid
    True
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

# openpyxl writes text as XML character references ("&#21512;") when lxml is importable and as UTF-8 otherwise; lxml
# is a dependency (the importer parses HTML with it), and our workbooks must be the same bytes either way, stay
# compact and be read fast. openpyxl decides when it is first imported, so this must run before any of our modules
# import it.
os.environ.setdefault("OPENPYXL_LXML", "False")

from .loaders import load_report  # noqa: E402
from .report import Report, schema_for  # noqa: E402
from .rules import ValidationReport, validate  # noqa: E402

if TYPE_CHECKING:
    from .bulk import run_bulk
    from .importer import ImportResult
    from .report.tidy import tidy_frame

__version__ = "0.1.0"

_LAZY = {"run_bulk": "gaip_xl.bulk", "tidy_frame": "gaip_xl.report.tidy"}  # bulk: pandas-free but heavy machinery


def __getattr__(name: str) -> Any:
    """``run_bulk`` (``gaip_xl.bulk``), ``tidy_frame`` (``gaip_xl.report.tidy``) and ``publish`` (a callable module:
    ``gaip_xl.publish(report, path, format=...)``), imported when first asked for."""
    from importlib import import_module

    if name == "publish":
        return import_module(".publish", __name__)
    if name in _LAZY:
        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'gaip_xl' has no attribute {name!r}")


def read_workbook(source: str | os.PathLike[str] | bytes | BinaryIO) -> Report:
    """The report in a filled template (the converter of ``gaip_xl.excel``: one parse of each sheet's cells; never
    openpyxl).

    Args:
        source: a ``.xlsx`` or ``.xlsm`` made from gaip-xl's template (``gaip-xl template``), as a path, the
            workbook's bytes or a binary file object.

    Returns:
        The report; text, decimals, negative numbers or error values (``#DIV/0!``) in figure cells are kept as typed
        for the rules to report.

    Raises:
        GaipError: ``E_FILE_NOT_FOUND``, ``E_NOT_XLSX``, ``E_LEGACY_XLS``, ``E_ENCRYPTED``, ``E_ZIP_BOMB``,
            ``E_XML_ATTACK``, ``E_TOO_LARGE``, ``E_DUPLICATE_SHEET``, ``E_DUPLICATE_PART``, ``E_ENCRYPTED_PART``,
            ``E_NOT_TEMPLATE``, ``E_TEMPLATE_VERSION``, ``E_MISSING_SHEET``, ``E_MISSING_NAME``, ``E_TAMPERED``,
            ``E_NO_CACHED_VALUE`` (see README, “The converter”).

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> write_workbook(load_report("examples/huaian-2024.json"), f"{folder}/huaian.xlsx")
        >>> read_workbook(f"{folder}/huaian.xlsx").value("s3.new.total")
        3119
    """
    from .excel import read_workbook as read

    return read(source)


def import_report(path_or_bytes: str | Path | bytes, *, edition: str | None = None, year: int | None = None,
                  level: str | None = None) -> ImportResult:
    """A published report (PDF, web page, Word/WPS, text) → ``ImportResult`` (see ``gaip_xl.importer``); imported on
    first use, so the PDF and HTML parsers load only for documents."""
    from .importer import import_report as run

    return run(path_or_bytes, edition=edition, year=year, level=level)


def write_workbook(report: Report, path: str | Path) -> None:
    """Fills a fresh template of the report's edition and saves it atomically as .xlsx.

    Args:
        report: the report; every value must be one Excel holds exactly (``gaip_xl.report.limits``), which
            ``validate`` checks (J1, V1–V5).
        path: the ``.xlsx`` to write (replaced whole, or left as it was if writing fails).

    Raises:
        GaipError: ``E_FILE_TYPE`` (not ``.xlsx``), ``E_UNWRITABLE_VALUE`` (a value Excel cannot hold: control
            characters, over 32,767 characters, over 15 significant digits), ``E_OUTPUT`` (the file cannot be
            written, a full disk included).

    Example:
        >>> import tempfile
        >>> report = load_report("examples/huaian-2024.json")
        >>> report.agency.name = "某某\\x01"
        >>> from gaip_xl.errors import GaipError
        >>> try:
        ...     write_workbook(report, f"{tempfile.mkdtemp()}/bad.xlsx")
        ... except GaipError as error:
        ...     print(error.code, error.message)
        E_UNWRITABLE_VALUE “agency.name”的值无法写入 Excel 单元格：含有 Excel 不能保存的控制字符（U+0001，第 3 个字符）
    """
    from .excel import write_workbook as write

    write(report, path)


__all__ = ["Report", "ValidationReport", "__version__", "import_report", "load_report", "publish", "read_workbook",
           "run_bulk", "schema_for", "tidy_frame", "validate", "write_workbook"]
