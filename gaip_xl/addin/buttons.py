"""The Python behind the 政府信息公开年报 ribbon: one function per button, each taking an xlwings ``Book``.

The ribbon's VBA callbacks call the ``*_caller`` wrappers through ``RunPython``; each finds the workbook with
``xw.Book.caller()`` and shows a problem as a message box in Chinese instead of a traceback. Every button that
writes works inside ``unprotected(book)``, so the protected template is protected again however the work ends.
Only 自动合计 and 导入 JSON change figures.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ..atomic import write_text
from ..errors import EditionMismatch, GaipError, ReportHasErrors, UnsavedWorkbook
from ..excel.document import document_text
from ..excel.reader import Source
from ..format import INFO_FIELDS, FieldKind
from ..format.layout import META_VERSION
from ..loaders import load_report
from ..publish import check_publishable, write_report
from ..report import Report, values_from_report
from ..rules import Identity, ValidationReport, identities, validate
from ..rules.summary import summary_line
from .book import TemplateBook
from .marks import (
    RESULTS_SHEET,
    clear_marks,
    imported_explanation_rows,
    marks_of,
    paint,
    write_explanations,
    write_results,
)
from .protection import unprotected
from .udfs import numbers, shown

TITLE = "政府信息公开年报"
# Row totals of section 三 first, then its column totals (which add the row totals up), then section 四.
# R1 is not a sum: 结转下年度 is a figure of its own, never derived.
SUM_RULES = ("R3", "R2", "R4")


def alert(book: Any, text: str) -> None:
    book.app.alert(text, title=TITLE)


# ---------------------------------------------------------------------------- 校验
def validate_book(book: Any) -> ValidationReport:
    """Runs every rule, marks the cells of every finding, lists them on the 校验结果 sheet, and gives every warning a
    row on the 说明 sheet (its 说明 left for the clerk; rows the clerk already wrote are kept)."""
    tb = TemplateBook.of(book)
    result = validate(tb.report())
    with unprotected(book):
        clear_marks(tb)
        paint(tb, marks_of(tb, result))
        write_results(tb, result)
        write_explanations(tb, result)
    alert(book, summary_line(result))
    return result


# ---------------------------------------------------------------------------- 清除标记
def clear_book(book: Any) -> int:
    """Removes the marks of the last 校验 and its 校验结果 sheet; returns how many cells were cleared."""
    tb = TemplateBook.of(book)
    with unprotected(book):
        cleared = clear_marks(tb)
        if RESULTS_SHEET in [s.name for s in book.sheets]:
            book.sheets[RESULTS_SHEET].delete()
    alert(book, f"已清除 {cleared} 个单元格的校验标记")
    return cleared


# ---------------------------------------------------------------------------- 自动合计
def sum_identities(edition: str) -> list[Identity]:
    """The identities whose right side is the total alone, in the order totals must be computed."""
    found = identities(edition)
    return [i for rule in SUM_RULES for i in found if i.rule == rule and i.rhs == (i.target,)]


def computed_totals(edition: str, figures: Mapping[str, Any]) -> dict[str, int | float]:
    """Every total that differs from the sum of its parts, with that sum. A total whose parts are all blank stays
    as it is (blank is not 0), and so does one with a part that is not a number (V1 reports it)."""
    current = dict(figures)
    changed: dict[str, int | float] = {}
    for identity in sum_identities(edition):
        parts = [current.get(t.code) for t in identity.lhs]
        if all(p is None for p in parts):
            continue
        amounts = numbers(parts)
        if amounts is None:
            continue
        total = shown(sum(amounts))
        code = identity.target.code
        if current.get(code) != total:
            changed[code] = total
        current[code] = total
    return changed


def autosum_book(book: Any) -> dict[str, int | float]:
    """Fills every total of sections 三 and 四 from its parts; returns the totals written."""
    tb = TemplateBook.of(book)
    changed = computed_totals(tb.edition, tb.report().figures)
    with unprotected(book):
        tb.write(changed)
    alert(book, f"自动合计：更新了 {len(changed)} 个合计" if changed else "自动合计：所有合计都已等于分项之和")
    return changed


# ---------------------------------------------------------------------------- 导出 JSON / 导入 JSON
def validation_of(tb: TemplateBook, result: ValidationReport) -> dict[str, Any]:
    """The findings as ``gaip-xl to-json`` embeds them, with what it says about the source workbook."""
    version = tb.read([META_VERSION])[META_VERSION]
    source = Source(tb.book.fullname, tb.edition, "" if version is None else str(version))
    return {**result.to_dict(), "source": source.to_dict()}


def json_beside(book: Any) -> Path:
    full = Path(book.fullname)
    if not full.is_absolute():  # a new workbook that was never saved has only a name
        raise UnsavedWorkbook(book.name)
    return full.with_suffix(".json")


def export_json_book(book: Any, target: str | os.PathLike[str] | None = None) -> Path:
    """Writes the report with its findings beside the workbook (or to ``target``): the same JSON as
    ``gaip-xl to-json`` writes for the saved file."""
    tb = TemplateBook.of(book)
    report = tb.report()
    path = Path(target) if target is not None else json_beside(book)
    write_text(path, document_text(report, validation_of(tb, validate(report))))
    alert(book, f"已导出：{path}")
    return path


_DATE_FIELDS = {f.code for f in INFO_FIELDS if f.kind is FieldKind.DATE}


def cell_values(report: Report) -> dict[str, Any]:
    """The report's values as cells take them: ISO dates as dates (so Excel shows a date, not text)."""
    values = values_from_report(report)
    for code in _DATE_FIELDS:
        text = values.get(code)
        if isinstance(text, str):
            try:
                values[code] = dt.date.fromisoformat(text)
            except ValueError:
                pass  # kept as typed: the rules name it
    return values


def import_json_book(book: Any, source: str | os.PathLike[str] | None = None) -> Path | None:
    """Fills the open template from a report JSON (chosen in a file dialog when no ``source`` is given)."""
    tb = TemplateBook.of(book)
    path = Path(source) if source is not None else choose_json(book)
    if path is None:
        return None  # the clerk cancelled the dialog
    report = load_report(path)
    if report.edition.code != tb.edition:
        raise EditionMismatch(str(path), found=report.edition.code, expected=tb.edition)
    with unprotected(book):
        tb.write({code: value for code, value in cell_values(report).items() if code in tb.positions})
        tb.write_explanation_rows(imported_explanation_rows(tb.explanation_rows(), report.explanations))
    lost = "" if tb.layout.explanations is not None or not report.explanations else \
        f"（这份模板是 {tb.version} 版，没有“说明”工作表，{len(report.explanations)} 条说明未导入；请换用新模板）"
    alert(book, f"已导入：{path}。请点“校验”检查。{lost}")
    return path


def choose_json(book: Any) -> Path | None:
    """Asks for the JSON file: Excel's own open dialog on Windows; elsewhere the JSON beside the workbook."""
    from .dialogs import open_file_dialog

    shown_dialog, chosen = open_file_dialog(book, "JSON 文件 (*.json),*.json", "导入年报 JSON")
    return chosen if shown_dialog else json_beside(book)


# ---------------------------------------------------------------------------- 生成年报
PUBLISHED_FORMATS = ("docx", "html")


def publish_book(book: Any) -> list[Path]:
    """Writes the published report (Word file and web page) beside the workbook, as ``gaip-xl publish`` does;
    a report with errors is not published (the clerk is sent to 校验), warnings are mentioned."""
    tb = TemplateBook.of(book)
    base = json_beside(book)
    report = tb.report()
    try:
        result = check_publishable(report)
    except ReportHasErrors as exc:
        alert(book, f"未生成年报：{summary_line(exc.result)}。请先点「校验」查看并改正。")  # type: ignore[attr-defined]
        return []
    written = [write_report(report, base.with_suffix(f".{f}"), f) for f in PUBLISHED_FORMATS]
    note = f"（有 {len(result.warnings)} 个警告，可点「校验」查看）" if result.warnings else ""
    alert(book, "已生成年报：" + "、".join(str(p) for p in written) + note)
    return written


# ---------------------------------------------------------------------------- called from VBA
def run_on_caller(button: Callable[[Any], Any]) -> None:
    """Runs ``button`` on the workbook that called RunPython; a problem becomes a message box in Chinese."""
    import xlwings as xw

    book = xw.Book.caller()
    try:
        button(book)
    except GaipError as exc:
        alert(book, str(exc))


def validate_caller() -> None:
    run_on_caller(validate_book)


def autosum_caller() -> None:
    run_on_caller(autosum_book)


def clear_caller() -> None:
    run_on_caller(clear_book)


def export_json_caller() -> None:
    run_on_caller(export_json_book)


def import_json_caller() -> None:
    run_on_caller(import_json_book)


def publish_caller() -> None:
    run_on_caller(publish_book)
