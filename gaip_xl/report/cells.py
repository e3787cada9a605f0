"""A report to and from a flat map of cell values keyed by code: the one bridge between a spreadsheet and the model.

Whoever reads a workbook (the converter through python-calamine, the add-in through xlwings, the UDFs from range
arguments) gathers ``{code: value}`` for every figure, fact and text code, by defined name or layout position, and
calls ``report_from_values``. Whoever fills a workbook calls ``values_from_report`` and writes each value to the cell
of its code. Codes: figure codes ("s3.new.natural"), fact codes ("agency.name", "year", "published_on"), text codes
("text.overview").
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..format import EDITIONS, INFO_FIELDS, Edition, FieldKind
from .limits import MAX_DIGITS
from .model import Agency, Explanation, Report, clean_prose, clean_text

# Excel stores dates as serial numbers counted from 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = dt.date(1899, 12, 30)


def text_codes(edition: Edition) -> tuple[str, ...]:
    return tuple(f"text.{p.code}" for p in edition.text_parts)


def value_codes(edition: Edition) -> tuple[str, ...]:
    """Every code a filled template holds a value for, figures first."""
    return (*(c.code for c in edition.cells), *(f.code for f in INFO_FIELDS), *text_codes(edition))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a region code typed as a number
    return clean_text(str(value))  # as the JSON loader cleans it: a report reads the same from either


def _year(value: Any) -> int | None | Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return repr(value)  # not a whole number (or not finite): text, which J1 names
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None if value in (None, "") else value  # anything else is left for the schema to reject


def _date(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 20000 < value < 80000:
        return (EXCEL_EPOCH + dt.timedelta(days=int(value))).isoformat()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return text  # kept as typed: the schema's date pattern names it


def excel_precision(number: float) -> float:
    """A spreadsheet's fraction as Excel shows and keeps it, to ``MAX_DIGITS`` significant digits: arithmetic in
    binary leaves noise beyond them (=0.1*3*10 is saved as 3.0000000000000004, =1.1+2.2 as 3.3000000000000003),
    which no Excel or WPS view shows, so the figure the file states is 3 and 3.3."""
    return float(f"{number:.{MAX_DIGITS}g}")


def _figure(value: Any) -> Any:
    """Spreadsheet values as the rules expect them: blank → None, 3.0 → 3, text kept as text."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


_TEXT_READERS: dict[FieldKind, Callable[[Any], str | None]] = {FieldKind.DATE: _date}  # the year is read apart


def report_from_values(edition: str | Edition, values: Mapping[str, Any]) -> Report:
    ed = EDITIONS[edition] if isinstance(edition, str) else edition
    facts = {f.code: _TEXT_READERS.get(f.kind, _text)(values.get(f.code))
             for f in INFO_FIELDS if f.kind is not FieldKind.YEAR}
    figures: dict[str, Any] = {}
    for code in ed.cell_codes:  # _figure inlined for the common kinds: ~200 cells per report, in every reader
        value: Any = values.get(code)
        kind = type(value)
        if kind is float:
            if not value.is_integer() and math.isfinite(value):
                value = excel_precision(value)
            if value.is_integer() and abs(value) < 2**53:
                value = int(value)
            elif not math.isfinite(value):  # "INF", "NaN" or 1e400 in the sheet's XML: V1 names it, JSON stays JSON
                value = repr(value)
        elif kind is str:
            if value == "":
                continue
        elif kind is not int:
            value = _figure(value)
            if value is None:
                continue
        figures[code] = value
    year = _year(values.get("year"))
    report = Report(
        edition=ed,
        year=year if isinstance(year, int) else None,
        agency=Agency(facts["agency.name"], facts["agency.level"], facts["agency.region_code"],
                      facts["agency.contact"]),
        published_on=facts["published_on"],
        report_type=_text(values.get("report_type")),
        text={p.code: _multiline(values.get(f"text.{p.code}")) for p in ed.text_parts},
        figures=figures,
    )
    if year is not None and not isinstance(year, int):
        report.extra["document"] = {**report.to_dict(), "year": year}  # let J1 name the bad year
    return report


def _multiline(value: Any) -> str | None:
    return None if value is None else clean_prose(str(value))


def values_from_report(report: Report) -> dict[str, Any]:
    """Every value a template should show for ``report``, keyed by code (blanks as None)."""
    values: dict[str, Any] = {c.code: report.figures.get(c.code) for c in report.edition.cells}
    values.update({
        "agency.name": report.agency.name,
        "agency.level": report.agency.level,
        "agency.region_code": report.agency.region_code,
        "agency.contact": report.agency.contact,
        "year": report.year,
        "published_on": report.published_on,
        "report_type": report.report_type,
    })
    values.update({f"text.{p.code}": report.text.get(p.code) for p in report.edition.text_parts})
    return values


# ---------------------------------------------------------------------------- the 说明 sheet's rows
CELLS_SEPARATOR = ", "  # how the 单元格 column lists cell codes (codes never contain a comma or a space)
_CELL_SPLIT = re.compile(r"[\s,，、;；]+")


def explanations_from_rows(rows: Iterable[Sequence[Any]]) -> list[Explanation]:
    """The explanations in the 说明 sheet's rows, each ``(rule, cells, text)``. A row whose 说明 is empty is a
    prompt 校验 left for the clerk, not an explanation; a row with a 说明 but no rule is kept with rule "" so
    the schema check names it rather than the text being lost."""
    found = []
    for rule, cells, text in rows:
        text_value = _multiline(text)
        if text_value is None:
            continue
        codes = tuple(c for c in _CELL_SPLIT.split(_text(cells) or "") if c)
        found.append(Explanation(_text(rule) or "", codes, text_value))
    return found


def explanation_rows(explanations: Iterable[Explanation]) -> list[tuple[str, str, str]]:
    """Each explanation as the 说明 sheet shows it: (rule, cells, text)."""
    return [(e.rule, CELLS_SEPARATOR.join(e.cells), e.text) for e in explanations]
