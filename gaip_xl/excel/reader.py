"""Reading a filled template into a ``Report``: safe, strict about the layout, and fast.

The steps, each with its own error code (README, “错误代码”):
1. ``safety.open_package``: what the file is, from its bytes; zip limits; bounded parts; no XML entities.
2. ``names.read_directory``: sheets and defined names from ``xl/workbook.xml`` (defusedxml).
3. The meta sheet ``_gaip`` through its defined names: the edition and the template version.
4. Every sheet of the edition's layout: its XML bounded (``scan.extent``) before python-calamine loads it, and only
   the rows the layout uses converted to Python.
5. ``tamper.check_layout``: every label where the layout put it, every defined name on the layout's cell.
6. Input cells holding a formula without a saved result are refused (``scan.formulas_without_value``).
7. The values of every input cell, by code, through ``report_from_values``: text in a figure cell stays text, so the
   rules (V1–V4) report it with its sheet and cell.
openpyxl is never used (nor imported) here: it costs about a hundred times more than this whole path. What depends
only on the edition (sheets and rows to read, each input cell's position and address) is computed once per process.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from ..errors import MissingSheet, NoCachedValue, NotTemplate, NotXlsx, TemplateVersion, TooLarge
from ..format import EDITIONS
from ..format import layout as _layout
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
from .names import Directory, read_directory
from .safety import Package, open_package
from .tamper import Grid, cell_value, check_layout

MACROS_IGNORED = "W_MACROS_IGNORED"
MACROS_MESSAGE = "工作簿含有宏（VBA），已忽略：只读取了数据，宏既不运行也不保留"
META_ROWS = 20  # the meta sheet's rows read at once (its cells are in the first few)


@dataclass
class Source:
    """What the reader learned about the file besides the report: kept in ``Report.extra["source"]``."""

    path: str
    edition: str
    template_version: str
    warnings: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        # no file name: the same report read from two files must give the same JSON (the round trip is lossless)
        return {"template_version": self.template_version, "warnings": self.warnings}


class _Sheets:
    """Grids of the sheets the reader needs, each checked before calamine loads it."""

    def __init__(self, package: Package, directory: Directory) -> None:
        self.package = package
        self.directory = directory
        self.xml: dict[str, bytes] = {}
        self._grids: dict[str, tuple[int, Grid]] = {}
        try:
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(package.data))
        except (CalamineError, ValueError, OSError) as exc:  # calamine's own errors derive from these
            raise NotXlsx(package.path, detail=f"无法解析工作簿（{exc}）") from None

    def grid(self, sheet: str, rows: int) -> Grid:
        cached = self._grids.get(sheet)
        if cached is not None and cached[0] >= rows:
            return cached[1]
        grid = self._load(sheet, rows)
        self._grids[sheet] = (rows, grid)
        return grid

    def _load(self, sheet: str, rows: int) -> Grid:
        entry = self.directory.sheets.get(sheet)
        if entry is None or entry.part is None or not self.package.has(entry.part):
            raise MissingSheet(self.package.path, sheet=sheet)
        xml = self.package.part(entry.part)
        bounds = None if scan.surely_within(xml) else scan.extent(xml)
        if bounds is not None and bounds.cells > scan.MAX_CELLS:
            raise TooLarge(self.package.path, detail=f"工作表“{sheet}”用到了第 {bounds.rows} 行、第 {bounds.cols} 列，"
                                                     f"超出模板范围（请删除表格以外的内容）")
        self.xml[sheet] = xml
        try:
            return self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False, nrows=rows)
        except (CalamineError, ValueError, OSError) as exc:
            raise NotXlsx(self.package.path, detail=f"工作表“{sheet}”无法解析（{exc}）") from None


def _prefetch_shared_parts(package: Package) -> None:
    """Checks (bounded, entity-free) the shared parts calamine parses for every sheet before calamine sees them."""
    for name in package.names:
        if name.startswith("xl/") and name.endswith(("sharedStrings.xml", "styles.xml")):
            package.part(name)


def _meta_value(sheets: _Sheets, code: str) -> str:
    path = sheets.package.path
    target = sheets.directory.target(defined_name(code))
    if target is None or target.sheet != SHEET_META:
        raise NotTemplate(path, detail=f"缺少模板标识（定义名称“{defined_name(code)}”）")
    value = cell_value(sheets.grid(SHEET_META, META_ROWS), target.row, target.col)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _identify(sheets: _Sheets) -> tuple[str, str]:
    """The edition and template version the workbook declares on its meta sheet."""
    path = sheets.package.path
    if SHEET_META not in sheets.directory.sheets:
        raise NotTemplate(path, detail=f"缺少模板标识工作表“{SHEET_META}”")
    edition = _meta_value(sheets, META_EDITION)
    version = _meta_value(sheets, META_VERSION)
    if edition not in EDITIONS:
        raise NotTemplate(path, detail=f"模板标识的格式版本为“{edition}”，应为 {'或'.join(EDITIONS)}")
    return edition, version


def layout_of_version(path: str, edition: str, version: str) -> Layout:
    """The layout a workbook of template ``version`` was made with: templates already sent out to clerks (1.0: no
    报告类型, no 说明 sheet) are read as they were laid out; an unknown version is refused."""
    if version not in TEMPLATE_VERSIONS:
        raise TemplateVersion(path, found=version, supported="、".join(TEMPLATE_VERSIONS))
    return layout_for(edition, version)


@dataclass(frozen=True)
class _SheetInputs:
    """The input cells of one sheet: codes, 0-based row and column indices, A1 addresses; and the grid they need."""

    codes: tuple[str, ...]
    rows: tuple[int, ...]
    cols: tuple[int, ...]
    addresses: tuple[str, ...]
    height: int  # rows and columns the grid must have for plain indexing
    width: int


@dataclass(frozen=True)
class _Plan:
    """What reading one edition's workbook needs, from its layout alone."""

    rows: dict[str, int]  # sheet → the rows to convert (the last the layout uses)
    inputs: dict[str, _SheetInputs]  # sheet → its input cells


@cache
def _plan(edition: str, version: str = TEMPLATE_VERSION) -> _Plan:
    layout = layout_for(edition, version)
    rows = {sheet: _layout.sheet_extent(layout, sheet)[0] for sheet in layout.sheets}
    if layout.explanations is not None:  # the 说明 rows below its header
        rows[layout.explanations.sheet] = layout.explanations.last_row
    cells: dict[str, list[tuple[str, int, int, str]]] = {}
    for code in value_codes(layout.edition):
        if code not in layout.figures and code not in layout.fields:
            continue  # a fact newer than this template version: not in the workbook, so blank
        pos = layout.position(code)
        cells.setdefault(pos.sheet, []).append((code, pos.row - 1, pos.col - 1, pos.a1))
    inputs = {}
    for sheet, found in cells.items():
        codes, rows_, cols, addresses = zip(*found, strict=True)
        inputs[sheet] = _SheetInputs(codes, rows_, cols, addresses, max(rows_) + 1, max(cols) + 1)
    return _Plan(rows, inputs)


def _sheet_values(grid: Grid, inputs: _SheetInputs) -> list[Any]:
    """The raw values of a sheet's input cells, in ``inputs`` order ("" where the sheet holds nothing)."""
    if len(grid) >= inputs.height and all(len(row) >= inputs.width for row in grid):
        return [grid[r][c] for r, c in zip(inputs.rows, inputs.cols, strict=True)]  # the common case: one rectangle
    return [cell_value(grid, r + 1, c + 1) for r, c in zip(inputs.rows, inputs.cols, strict=True)]


def _input_values(path: str, plan: _Plan, sheets: _Sheets, grids: dict[str, Grid]) -> dict[str, Any]:
    """Every input cell's value by code, as report_from_values expects it: blank is None, a duration is text (never a
    figure). Blank input cells that hold a formula without a saved result are refused."""
    values: dict[str, Any] = {}
    missing = []
    for sheet, inputs in plan.inputs.items():
        raw = _sheet_values(grids[sheet], inputs)
        blanks = set()
        for code, value, address in zip(inputs.codes, raw, inputs.addresses, strict=True):
            if type(value) is str and value == "":
                value = None
                blanks.add(address)
            elif isinstance(value, dt.timedelta):
                value = str(value)
            values[code] = value
        if blanks:
            missing += [f"“{sheet}”{address}" for address in scan.formulas_without_value(sheets.xml[sheet], blanks)]
    if missing:
        raise NoCachedValue(path, cells="、".join(sorted(missing)[:10]) + ("等" if len(missing) > 10 else ""))
    return values


def read_source(path: str | Path) -> tuple[Report, Source]:
    """The report in the workbook at ``path`` and what was learned about the file; raises a ``GaipError``."""
    package = open_package(path)
    try:
        directory = read_directory(package)
        _prefetch_shared_parts(package)
        sheets = _Sheets(package, directory)
        edition, version = _identify(sheets)
        layout, plan = layout_of_version(package.path, edition, version), _plan(edition, version)
        grids = {sheet: sheets.grid(sheet, rows) for sheet, rows in plan.rows.items()}
        check_layout(package.path, layout, directory, grids)
        values = _input_values(package.path, plan, sheets, grids)
    finally:
        package.close()
    source = Source(package.path, edition, version)
    if package.has_macros:
        source.warnings.append({"code": MACROS_IGNORED, "message": MACROS_MESSAGE})
    report = report_from_values(edition, values)
    report.explanations = explanations_from_rows(explanation_rows(layout, grids))
    report.extra["source"] = source.to_dict()
    return report, source


def explanation_rows(layout: Layout, grids: dict[str, Grid]) -> list[tuple[Any, Any, Any]]:
    """The (rule, cells, 说明) of every row of the 说明 sheet (none for a template before 1.1), as typed."""
    block = layout.explanations
    if block is None:
        return []
    grid, columns = grids[block.sheet], block.columns
    rows = []
    for row in range(block.first_row, block.last_row + 1):
        rule, cells, text = (cell_value(grid, row, columns[key]) for key in ("rule", "cells", "text"))
        if isinstance(text, dt.timedelta):
            text = str(text)
        rows.append((rule, cells, text))
    return rows


def read_workbook(path: str | Path) -> Report:
    """The report in a filled template (.xlsx or .xlsm). Raises a ``GaipError`` (stable code, Chinese message)
    for anything that is not a readable, untampered template; text in figure cells is left for the rules."""
    return read_source(path)[0]


__all__ = ["Source", "read_source", "read_workbook"]
