"""Reading a filled template into a ``Report``: safe, strict about the layout, and fast.

The steps, each with its own error code (README, “错误代码”):
1. ``safety.open_package``: what the file is, from its bytes; what the package may contain (each member name once,
   no encrypted entry); zip limits; bounded parts, each inflated once; no XML entities.
2. ``names.read_directory``: sheets (each name once) and defined names from the workbook part, part names resolved
   as OPC resolves them.
3. The meta sheet ``_gaip`` through its defined names: the edition and the template version.
4. ``scan.sheet_values``: one parse of each sheet of the edition's layout gives every cell the reader uses (labels,
   input cells) with its type and value: an error value is its text (``#DIV/0!``), text is decoded as Excel decodes
   it, a formula without a saved result is ``NO_VALUE``.
5. ``tamper.check_layout``: every label where the layout put it, every defined name on the layout's cell.
6. Input cells holding a formula without a saved result are refused (``E_NO_CACHED_VALUE``).
7. The values of every input cell, by code, through ``report_from_values``: text in a figure cell stays text, so the
   rules (V1–V4) report it with its sheet and cell.
Every cell value comes from the same bytes the guards checked: no second reader (python-calamine or openpyxl) opens
the package. What depends only on the edition (each sheet's cells to read) is computed once per process.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from ..errors import MissingSheet, NoCachedValue, NotTemplate, TemplateVersion
from ..format import EDITIONS
from ..format.layout import (
    META_EDITION,
    META_VERSION,
    SHEET_META,
    TEMPLATE_VERSION,
    TEMPLATE_VERSIONS,
    Layout,
    defined_name,
    layout_for,
)
from ..report import Report, explanations_from_rows, report_from_values
from ..report.cells import value_codes
from . import scan
from .names import WORKBOOK_PART, Directory, read_directory
from .safety import Package, WorkbookSource, open_package
from .strings import shared_strings
from .tamper import Cells, check_layout

MACROS_IGNORED = "W_MACROS_IGNORED"
MACROS_MESSAGE = "工作簿含有宏（VBA），已忽略：只读取了数据，宏既不运行也不保留"
_DATE1904 = re.compile(rb"""date1904\s*=\s*["'](?:1|true)["']""")


@dataclass
class Source:
    """What the reader learned about the file besides the report: kept in ``Report.extra["source"]``."""

    path: str | None
    edition: str
    template_version: str
    warnings: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # no file name: the same report read from two files must give the same JSON (the round trip is lossless)
        return {"template_version": self.template_version, "warnings": self.warnings}


class _Sheets:
    """The cells of the sheets the reader needs, each sheet parsed once from its checked part."""

    def __init__(self, package: Package, directory: Directory) -> None:
        self.package = package
        self.directory = directory
        part = directory.shared_strings
        self.strings: list[str] = []
        if part is not None and package.has(part):
            self.strings = shared_strings(package.path, part, package.part(part))
        styles = directory.styles
        date1904 = _DATE1904.search(package.part(WORKBOOK_PART)) is not None
        found = _date_styles(package.part(styles), package.path) if styles and package.has(styles) else frozenset()
        self.dates = scan.Dates(found, date1904)
        self._parsed: dict[str, Cells] = {}

    def cells(self, sheet: str, wanted: frozenset[tuple[int, int]] | None) -> Cells:
        """The cells of ``sheet`` at ``wanted`` (None: all), from one parse of its part."""
        cached = self._parsed.get(sheet)
        if cached is not None:
            return cached
        entry = self.directory.sheets.get(sheet)
        if entry is None or entry.part is None or not self.package.has(entry.part):
            raise MissingSheet(self.package.path, sheet=sheet)
        found = scan.sheet_values(self.package.path, sheet, entry.part, self.package.part(entry.part), self.strings,
                                  wanted, self.dates)
        self._parsed[sheet] = found
        return found


_STYLES_SEEN: dict[bytes, frozenset[int]] = {}  # styles part → its date styles (one per template, per process)


def _date_styles(styles: bytes, path: str | None) -> frozenset[int]:
    found = _STYLES_SEEN.get(styles)
    if found is None:
        found = scan.date_styles(styles, path)
        if len(_STYLES_SEEN) >= 16:
            _STYLES_SEEN.clear()
        _STYLES_SEEN[styles] = found
    return found


def _meta_value(sheets: _Sheets, code: str) -> str:
    path = sheets.package.path
    target = sheets.directory.target(defined_name(code))
    if target is None or target.sheet != SHEET_META:
        raise NotTemplate(path, detail=f"缺少模板标识（定义名称“{defined_name(code)}”）")
    value = sheets.cells(SHEET_META, None).get((target.row, target.col), "")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is scan.NO_VALUE else str(value).strip()


def _identify(sheets: _Sheets) -> tuple[str, str]:
    """The edition and template version the workbook declares on its meta sheet."""
    path = sheets.package.path
    if SHEET_META not in sheets.directory.sheets:
        if _has_a_templates_tables(sheets.directory):
            raise NotTemplate(path, detail=f"有模板的各张表，但缺少隐藏的模板标识工作表“{SHEET_META}”（把工作表"
                                           "复制或移动到新工作簿时会丢失），请把数据填回下载的模板文件")
        raise NotTemplate(path, detail=f"缺少模板标识工作表“{SHEET_META}”")
    edition = _meta_value(sheets, META_EDITION)
    version = _meta_value(sheets, META_VERSION)
    if edition not in EDITIONS:
        raise NotTemplate(path, detail=f"模板标识的格式版本为“{edition}”，应为 {'或'.join(EDITIONS)}")
    return edition, version


def _has_a_templates_tables(directory: Directory) -> bool:
    """Whether the workbook has every sheet holding figures of some edition's template (its tables copied into
    another workbook, which loses the very hidden meta sheet)."""
    return any({pos.sheet for pos in layout_for(code).figures.values()} <= directory.sheets.keys() for code in EDITIONS)


def layout_of_version(path: str | None, edition: str, version: str) -> Layout:
    """The layout a workbook of template ``version`` was made with: templates already sent out to clerks (1.0: no
    报告类型, no 说明 sheet) are read as they were laid out; an unknown version is refused."""
    if version not in TEMPLATE_VERSIONS:
        raise TemplateVersion(path, found=version, supported="、".join(TEMPLATE_VERSIONS))
    return layout_for(edition, version)


@dataclass(frozen=True)
class _SheetInputs:
    """The input cells of one sheet: codes, 1-based positions and A1 addresses."""

    codes: tuple[str, ...]
    positions: tuple[tuple[int, int], ...]
    addresses: tuple[str, ...]


@dataclass(frozen=True)
class _Plan:
    """What reading one edition's workbook needs, from its layout alone."""

    wanted: dict[str, frozenset[tuple[int, int]] | None]  # sheet → the cells to read (labels and inputs)
    inputs: dict[str, _SheetInputs]  # sheet → its input cells


@cache
def _plan(edition: str, version: str = TEMPLATE_VERSION) -> _Plan:
    layout = layout_for(edition, version)
    wanted: dict[str, set[tuple[int, int]]] = {sheet: set() for sheet in layout.sheets}
    for label in layout.labels:
        wanted[label.pos.sheet].add((label.pos.row, label.pos.col))
    block = layout.explanations
    if block is not None:  # the 说明 rows below its header
        wanted.setdefault(block.sheet, set()).update(
            (row, col) for row in range(block.first_row, block.last_row + 1) for col in block.columns.values())
    cells: dict[str, list[tuple[str, tuple[int, int], str]]] = {}
    for code in value_codes(layout.edition):
        if code not in layout.figures and code not in layout.fields:
            continue  # a fact newer than this template version: not in the workbook, so blank
        pos = layout.position(code)
        wanted[pos.sheet].add((pos.row, pos.col))
        cells.setdefault(pos.sheet, []).append((code, (pos.row, pos.col), pos.a1))
    inputs = {sheet: _SheetInputs(*map(tuple, zip(*found, strict=True))) for sheet, found in cells.items()}
    frozen = {sheet: None if sheet == SHEET_META else frozenset(found) for sheet, found in wanted.items()}
    return _Plan(frozen, inputs)


def _input_values(path: str | None, plan: _Plan, sheets: dict[str, Cells]) -> dict[str, Any]:
    """Every input cell's value by code, as report_from_values expects it: blank is None, a duration is text (never a
    figure). Input cells that hold a formula without a saved result are refused. (A sheet's values are gathered at
    once, and looked at one by one only when one of them needs it: most sheets hold only numbers and blanks.)"""
    values: dict[str, Any] = {}
    missing: list[str] = []
    for sheet, inputs in plan.inputs.items():
        found = list(map(sheets[sheet].get, inputs.positions))
        kinds = set(map(type, found))
        if _NO_VALUE_TYPE in kinds or dt.timedelta in kinds or (str in kinds and "" in found):
            found = [_input_value(value, f"“{sheet}”{address}", missing)
                     for value, address in zip(found, inputs.addresses, strict=True)]
        values.update(zip(inputs.codes, found, strict=True))
    if missing:
        raise NoCachedValue(path, cells="、".join(sorted(missing)[:10]) + ("等" if len(missing) > 10 else ""))
    return values


_NO_VALUE_TYPE = type(scan.NO_VALUE)


def _input_value(value: Any, where: str, missing: list[str]) -> Any:
    if value is scan.NO_VALUE:
        missing.append(where)
    elif type(value) is str and value == "":
        return None  # a formula whose saved result is empty text shows a blank cell
    elif isinstance(value, dt.timedelta):
        return str(value)
    return value


def read_source(source: WorkbookSource) -> tuple[Report, Source]:
    """The report in a filled template and what was learned about the file.

    ``source`` is a path (``str`` or ``os.PathLike``), the workbook's bytes, or a binary file object (read from its
    current position). Raises a ``GaipError`` (stable code, Chinese message) for anything that is not a readable,
    untampered template.

    >>> from pathlib import Path
    >>> data = Path("tests/corpus/formula_cached.xlsx").read_bytes()
    >>> report, source = read_source(data)
    >>> report.figures["s3.new.natural"], source.edition, source.path is None
    (1001, '2021', True)
    """
    package = open_package(source)
    try:
        directory = read_directory(package)
        sheets = _Sheets(package, directory)
        edition, version = _identify(sheets)
        layout, plan = layout_of_version(package.path, edition, version), _plan(edition, version)
        cells = {sheet: sheets.cells(sheet, wanted) for sheet, wanted in plan.wanted.items()}
        check_layout(package.path, layout, directory, cells)
        values = _input_values(package.path, plan, cells)
        explained = explanation_rows(layout, cells)
    finally:
        package.close()
    found = Source(package.path, edition, version)
    if package.has_macros:
        found.warnings.append({"code": MACROS_IGNORED, "message": MACROS_MESSAGE})
    report = report_from_values(edition, values)
    report.explanations = explanations_from_rows(explained)
    report.extra["source"] = found.to_dict()
    return report, found


def explanation_rows(layout: Layout, sheets: dict[str, Cells]) -> list[tuple[Any, Any, Any]]:
    """The (rule, cells, 说明) of every row of the 说明 sheet that holds a value (none for a template before 1.1), as
    typed. A row of three blank cells is left out: it holds no explanation, and the block has a thousand rows that
    are nearly all blank, so only the rows the sheet's parse found are looked at."""
    block = layout.explanations
    if block is None:
        return []
    cells, columns = sheets[block.sheet], block.columns
    wanted_columns = set(columns.values())
    filled = sorted({row for row, col in cells if block.first_row <= row <= block.last_row and col in wanted_columns})
    rows = []
    for row in filled:
        values = [cells.get((row, columns[key])) for key in ("rule", "cells", "text")]
        values = [None if v is scan.NO_VALUE else str(v) if isinstance(v, dt.timedelta) else v for v in values]
        rows.append((values[0], values[1], values[2]))
    return rows


def read_workbook(source: WorkbookSource) -> Report:
    """The report in a filled template (.xlsx or .xlsm) given as a path, bytes or a binary file object.

    Raises a ``GaipError`` (stable code, Chinese message) for anything that is not a readable, untampered template;
    text, error values and other non-figures in figure cells are kept for the rules to report (V1–V4).

    >>> from pathlib import Path
    >>> report = read_workbook(Path("tests/corpus/formula_cached.xlsx"))
    >>> report.figures["s3.new.natural"]
    1001
    >>> with open("tests/corpus/formula_cached.xlsx", "rb") as stream:
    ...     read_workbook(stream).figures["s3.new.natural"]
    1001
    """
    return read_source(source)[0]


__all__ = ["Source", "read_source", "read_workbook"]
