"""One submission → one small, picklable record. Runs in the worker processes; never raises for a bad input.

What a submission is comes from its bytes (``kind_of``: the decision ``gaip-xl validate`` makes): a workbook goes to
the workbook reader, a report JSON to ``Report.from_json`` (as ``gaip-xl validate`` reads it), a published document
to the importer (its import block goes into its JSON, its notes into the findings, its counts into the summary).
Every reader takes the bytes the bulk process read and hashed: what is hashed is exactly what is read.

A record is ``(key, summary, detail)``: ``summary`` is the submission's row in the summary (a few short fields),
``detail`` its findings rows and its figures as a list of values in cell order (``tidy.figure_values``: the tidy
rows and the roll-up are made from it), encoded here as JSON text (the parent only stores it). The
report's JSON is written here too, atomically, by ``report_document``: the same document as ``gaip-xl to-json``.
"""

from __future__ import annotations

import hashlib
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..atomic import write_new_text
from ..errors import FileTimeLimit, GaipError, InternalError, OutputFailed
from ..excel.document import document_text, report_text, validation_dict
from ..report import Report
from ..report.tidy import figure_values
from ..roster import name_key
from ..rules import Finding, ValidationReport, validate
from ..rules.findings import StaleExplanation
from ..rules.summary import listed
from .store import dumps

OK, ERRORS, UNREADABLE = "ok", "errors", "unreadable"
STATUSES = (OK, ERRORS, UNREADABLE)
FINDING_COLUMNS = ("file", "sheet", "cell", "rule", "severity", "message", "codes", "expected", "actual", "difference",
                   "explanation")
STALE = "stale"  # the severity of a findings row that lists a 说明 whose finding no longer occurs
IMPORT_NOTE = "import"  # the severity of a findings row that lists a note of the importer (I_…)
# What an input was, as the summary names it (``kind_of``)
WORKBOOK_KIND, JSON_KIND, OTHER_KIND = "工作簿", "JSON", "其他"
DOCUMENT_KINDS = {"pdf": "PDF", "html": "网页", "docx": "Word", "text": "文本"}

Record = tuple[str, dict[str, Any], str]  # key, summary, detail as JSON text
FILE_SECONDS = 60  # one submission's time limit (a filled template takes milliseconds)


@dataclass(frozen=True)
class Job:
    id: str  # the submission's display name
    key: str  # the store's key (name + content)
    suffix: str
    data: bytes  # as the bulk process read them and hashed them for ``key``
    json_path: str  # where the report's JSON goes (absolute)
    json_name: str  # the same, relative to the output folder (what the summary shows)


def process_chunk(jobs: list[Job]) -> list[Record]:
    return [process(job) for job in jobs]


@contextmanager
def time_limit(seconds: float, name: str) -> Iterator[None]:
    """Raises ``FileTimeLimit`` in this thread when the block runs longer than ``seconds`` (an interval timer, where
    the platform has one and this is the main thread). Code that never returns to Python (a hang inside a parser's
    native code) is not interrupted here: the pool kills that worker (``pool``)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: object) -> None:
        raise FileTimeLimit(name, seconds=seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def process(job: Job) -> Record:
    try:
        with time_limit(FILE_SECONDS, job.id):
            return _process(job)
    except FileTimeLimit as exc:  # the time limit, reached between two steps of ``_process``
        return unreadable(job.id, job.key, exc)


def _process(job: Job) -> Record:
    kind = ""
    try:
        kind, reader = kind_of(job.suffix, job.data)
        report, source, block = load(job, reader)
        result = validate(report)
        text = report_text(report)  # the report part of its JSON, also its identity for duplicates
        validation = validation_dict(result, source)
        write_new_text(job.json_path, document_text(report, validation, text, imported=block))
        return _record(job, report, result, hashlib.sha256(text.encode()).hexdigest()[:32], kind, block)
    except OutputFailed:  # the output folder is unusable: that stops the batch (exit 2), not this input; an error
        raise  # that pickles, so it reaches the bulk process as itself
    except GaipError as exc:
        return unreadable(job.id, job.key, exc, kind)
    except Exception as exc:  # one bad file never stops the batch; the code says what happened
        return unreadable(job.id, job.key, InternalError(job.id, detail=f"{type(exc).__name__}: {exc}"), kind)


def kind_of(suffix: str, data: bytes) -> tuple[str, str | None]:
    """What an input is (工作簿, JSON, PDF, 网页, Word, WPS, 文本, 其他) and which reader takes it: decided by its
    bytes, exactly as ``gaip-xl validate`` decides (``loaders.reader_for``)."""
    from ..importer.sniff import sniff
    from ..loaders import JSON, WORKBOOK, reader_for, text_is_report

    sniffed = sniff(data)
    reader = reader_for(suffix, sniffed, lambda: text_is_report(data))
    if reader == WORKBOOK:
        return WORKBOOK_KIND, reader
    if reader == JSON:
        return JSON_KIND, reader
    if sniffed == "ole":
        return ("WPS" if suffix == ".wps" else "Word"), reader
    return DOCUMENT_KINDS.get(sniffed, OTHER_KIND), reader  # reader None: a note, a picture, read by no reader


def load(job: Job, reader: str | None) -> tuple[Report, dict[str, Any] | None, dict[str, Any] | None]:
    """One input → its report, what the workbook reader learned about the file, and (for a published document) the
    import block: the one step that knows the readers."""
    from ..loaders import DOCUMENT, JSON, WORKBOOK, unsupported

    if reader == JSON:
        return Report.from_json(job.data, path=job.id), None, None
    if reader == DOCUMENT:
        from ..importer import import_report  # in the worker: the parent never loads the parsers

        imported = import_report(job.data)
        return imported.report, None, imported.block
    if reader != WORKBOOK:
        raise unsupported(job.id, job.suffix, job.data)
    from ..excel import read_source  # in the worker: the parent never loads the reader

    report, source = read_source(job.data)
    return report, source.to_dict(), None


def unreadable(source_id: str, key: str, exc: GaipError, kind: str = "") -> Record:
    message = exc.text
    summary = _summary(source_id, OK)
    summary.update(status=UNREADABLE, code=exc.code, message=message, first_error=f"[{exc.code}] {message}",
                   kind=kind)
    return key, summary, dumps({"findings": [_row(file=source_id, rule=exc.code, severity="error", message=message)]})


def _summary(source_id: str, status: str) -> dict[str, Any]:
    return {"file": source_id, "status": status, "code": "", "message": "", "agency": None, "level": None,
            "year": None, "edition": None, "errors": 0, "warnings": 0, "open_warnings": 0, "explained_warnings": 0,
            "stale_explanations": 0, "kind": "", "imported": None, "missing": None, "import_notes": None,
            "first_error": "", "json": None, "duplicate_key": None, "digest": None}


def _record(job: Job, report: Report, result: ValidationReport, digest: str, kind: str,
            block: dict[str, Any] | None) -> Record:
    status = OK if result.valid else ERRORS
    first = result.errors[0] if result.errors else None
    summary = _summary(job.id, status)
    summary.update(
        code=first.rule if first else "", message=first.message if first else "",
        agency=report.agency.name, level=report.agency.level, year=report.year, edition=report.edition.code,
        errors=len(result.errors), warnings=len(result.warnings), open_warnings=len(result.open_warnings),
        explained_warnings=len(result.explained_warnings), stale_explanations=len(result.stale_explanations),
        kind=kind, first_error=f"[{first.rule}] {first.message}" if first else "", json=job.json_name,
        duplicate_key=duplicate_key(report.agency.name, report.year),
        digest=digest,
    )
    rows = [finding_row(job.id, f) for f in result.findings]
    rows += [stale_row(job.id, e) for e in result.stale_explanations]
    if block is not None:
        notes = block.get("findings", [])
        summary.update(imported=len(block.get("figures", {})), missing=len(block.get("missing", [])),
                       import_notes=len(notes))
        rows += [import_row(job.id, note) for note in notes]
    detail = {"findings": rows, "values": figure_values(report)}
    return job.key, summary, dumps(detail)


def duplicate_key(agency: str | None, year: int | None) -> str | None:
    """Who and when, as a collecting office compares them: case, width and every space ignored."""
    name = name_key(agency or "").casefold()  # the roster's key of a name, case ignored too
    return f"{name}|{year}" if name and year is not None else None


def finding_row(source_id: str, finding: Finding) -> dict[str, Any]:
    """One finding on one line: the sheet of its first cell and the addresses on that sheet (the first ten), and the
    filer's 说明 of an explained warning."""
    sheet = finding.cells[0].sheet if finding.cells else ""
    addresses = [c.address for c in finding.cells if c.sheet == sheet and c.address]
    return {
        "file": source_id, "sheet": sheet, "cell": listed(addresses), "rule": finding.rule,
        "severity": finding.severity.value, "message": finding.message,
        "codes": listed((c.code for c in finding.cells), " "),
        "expected": finding.expected, "actual": finding.actual, "difference": finding.difference,
        "explanation": finding.explanation if finding.explained else "",
    }


STALE_MESSAGE = "说明已过期：它所说明的问题已不存在（数字已改正或单元格已变），请删除或修改这条说明"


def stale_row(source_id: str, stale: StaleExplanation) -> dict[str, Any]:
    """A 说明 that explains no finding any more, listed (severity ``stale``) so the office sees it, never dropped."""
    return _row(file=source_id, rule=stale.rule, severity=STALE, message=STALE_MESSAGE,
                codes=listed(stale.cells, " "), explanation=stale.text)


def import_row(source_id: str, note: dict[str, Any]) -> dict[str, Any]:
    """A note of the importer (I_…: a table cut off, rows not found, figures read with a note), severity
    ``import``: what the document did not give cleanly (the cells it could not give are also rule I1's error)."""
    return _row(file=source_id, rule=note.get("code", ""), severity=IMPORT_NOTE, message=note.get("message", ""),
                codes=listed(map(str, note.get("cells", [])), " "))


def _row(**fields: Any) -> dict[str, Any]:
    """A findings row: every column (``FINDING_COLUMNS``), blank where not given."""
    return dict.fromkeys(FINDING_COLUMNS, "") | fields
