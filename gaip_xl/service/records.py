"""What the service does with its records, for the pages and the API alike: receive an upload, keep the clerk's
说明, submit a version, create a collection from a roster, and tell the state of a collection per agency.

Every function that changes state writes its audit row in the same transaction as the change, and commits before
returning: when the caller answers "received" or "submitted", the row and (for uploads) the file are on disk.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass
from typing import Any, BinaryIO

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..errors import NotSubmittable, RosterUnreadable
from ..format import edition_for_year
from ..format.fields import INFO_FIELDS_BY_CODE
from ..report import Explanation as ReportExplanation
from ..roster import ROSTER_FIELDS, RosterEntry, name_key, reconcile
from ..rules.explain import matches
from ..rules.findings import Finding
from .checking import Outcome, check_file
from .db import Agency, AuditEntry, Collection, Explanation, Submission, Upload, column_length, utcnow
from .security import new_token
from .store import BlobStore

BEIJING = dt.timezone(dt.timedelta(hours=8))
MAX_FILENAME = 200


def audit(db: Session, request_info: dict[str, Any], action: str, target: str | None = None,
          detail: dict[str, Any] | None = None, status: int = 200) -> None:
    """Adds the audit row of a change to the current transaction (``request_info``: actor, method, path, remote)."""
    db.add(AuditEntry(actor=request_info.get("actor", "anonymous"), action=action,
                      method=request_info.get("method", ""), path=request_info.get("path", "")[:500],
                      status=status, target=target,
                      detail=json.dumps(detail, ensure_ascii=False) if detail else None,
                      remote=request_info.get("remote")))
    marker = request_info.get("audited")
    if isinstance(marker, list):
        marker.append(action)


# ---------------------------------------------------------------------------- uploads
def receive_upload(db: Session, store: BlobStore, stream: BinaryIO, filename: str, limit: int,
                   agency: Agency | None, info: dict[str, Any]) -> tuple[Upload, Outcome]:
    """Stores the file (fsynced), checks it with the converter and the rules, and commits its row. The transaction
    the caller's look-ups opened is ended first: on SQLite every transaction holds the write lock, and storing and
    checking a file must not keep other uploads waiting."""
    agency_id, agency_name = (agency.id, agency.name) if agency else (None, None)
    db.commit()
    stored = store.put(stream, limit)
    outcome = check_file(stored.path, filename)
    report = outcome.report
    upload = Upload(token=new_token(), agency_id=agency_id, sha256=stored.sha256,
                    size=stored.size, filename=(filename or "upload.xlsx")[-MAX_FILENAME:], status=outcome.status,
                    error_code=outcome.error["code"] if outcome.error else None,
                    error_message=outcome.error["message"] if outcome.error else None,
                    errors=len(outcome.result.errors) if outcome.result else 0,
                    warnings=len(outcome.result.warnings) if outcome.result else 0,
                    year=report.year if report else None,
                    report_agency=_db_text(report.agency.name)[:200] or None if report else None,
                    document=outcome.document)
    db.add(upload)
    db.flush()
    for explanation in report.explanations if report else ():  # the 说明 rows the workbook already carries
        db.add(_row(upload, explanation))
    audit(db, info, "upload", upload.token, {"sha256": stored.sha256, "size": stored.size, "status": upload.status,
                                             "agency": agency_name})
    db.commit()
    return upload, outcome


def recheck(store: BlobStore, upload: Upload, db: Session) -> Outcome:
    """The findings of a stored upload, read again from its file by the same reader and rules, with the 说明 kept for
    it as the report's explanations (its look-up transaction is ended first, so no lock is held while it is read)."""
    explanations = explanations_of(db, upload)
    db.commit()
    return check_file(store.path(upload.sha256), upload.filename, explanations)


# ---------------------------------------------------------------------------- 说明
def _rows(db: Session, upload: Upload) -> list[Explanation]:
    return list(db.scalars(select(Explanation).where(Explanation.upload_id == upload.id).order_by(Explanation.id)))


def _explanation(row: Explanation) -> ReportExplanation:
    return ReportExplanation(row.rule, tuple(json.loads(row.cells)), row.text)


def _row(upload: Upload, explanation: ReportExplanation) -> Explanation:
    return Explanation(upload_id=upload.id, rule=_db_text(explanation.rule),
                       cells=json.dumps(list(explanation.cells), ensure_ascii=False), text=_db_text(explanation.text))


def _db_text(value: str | None) -> str:
    """Text as every database keeps it: PostgreSQL's text holds no NUL character (a form may send one)."""
    return (value or "").replace("\x00", "")


def explanations_of(db: Session, upload: Upload) -> list[ReportExplanation]:
    """The upload's 说明 as the report model holds them (the workbook's own rows, then what the clerk wrote)."""
    return [_explanation(row) for row in _rows(db, upload)]


def add_explanations(db: Session, upload: Upload, given: list[ReportExplanation]) -> None:
    """Keeps explanations sent with an upload (the API's): one for the same rule and cells replaces the text."""
    existing = {(row.rule, row.cells): row for row in _rows(db, upload)}
    for explanation in given:
        row = existing.get((explanation.rule, json.dumps(list(explanation.cells), ensure_ascii=False)))
        if row is not None:
            row.text, row.written_at = _db_text(explanation.text), utcnow()
        elif explanation.text.strip():
            db.add(_row(upload, explanation))


def save_explanations(db: Session, upload: Upload, outcome: Outcome, texts: dict[int, str],
                      info: dict[str, Any], drop: tuple[int, ...] = ()) -> int:
    """Keeps the 说明 typed for the warnings (``texts`` by their index among the warnings) and deletes the stale ones
    ticked (``drop``: their ids); returns how many changed. Which stored 说明 explain a warning is the model's
    matching (``rules.explain.matches``): a text typed for a warning replaces the 说明 that explain it alone, and is
    added for its own rule and cells when its 说明 also explains other findings."""
    if outcome.result is None:
        return 0
    warnings = outcome.result.warnings
    rows = _rows(db, upload)
    changed = 0
    for index, typed in sorted(texts.items()):
        if not 0 <= index < len(warnings):
            continue
        finding, text = warnings[index], typed.strip()
        if text == (finding.explanation or ""):
            continue
        changed += 1
        own = [row for row in rows if _explains_only(row, finding, outcome.result.findings)]
        exact = _exact(rows, finding)
        keep = own[0] if own else exact
        for row in own:
            if row is not keep:
                db.delete(row)
                rows.remove(row)
        if keep is not None and text:
            keep.text, keep.written_at = _db_text(text), utcnow()
        elif keep is not None:
            db.delete(keep)
            rows.remove(keep)
        elif text:
            row = _row(upload, ReportExplanation(finding.rule, tuple(c.code for c in finding.cells), text))
            db.add(row)
            rows.append(row)
    for row in rows:
        if row.id in drop:
            db.delete(row)
            changed += 1
    audit(db, info, "explain", upload.token, {"changed": changed})
    db.commit()
    return changed


def _explains_only(row: Explanation, finding: Finding, findings: list[Finding]) -> bool:
    explanation = _explanation(row)
    return matches(explanation, finding) and not any(matches(explanation, f) for f in findings if f is not finding)


def _exact(rows: list[Explanation], finding: Finding) -> Explanation | None:
    cells = json.dumps([c.code for c in finding.cells], ensure_ascii=False)
    return next((row for row in rows if row.rule == finding.rule and row.cells == cells), None)


def stale_rows(db: Session, upload: Upload, outcome: Outcome) -> list[tuple[int, Any]]:
    """(row id, stale explanation) for each 说明 the result lists as stale, so the clerk can delete it."""
    if outcome.result is None:
        return []
    rows = _rows(db, upload)
    found = []
    for stale in outcome.result.stale_explanations:
        row = next((r for r in rows if _explanation(r) == ReportExplanation(stale.rule, stale.cells, stale.text)),
                   None)
        if row is not None:
            rows.remove(row)
            found.append((row.id, stale))
    return found


# ---------------------------------------------------------------------------- submissions
def deadline_passed(collection: Collection, at: dt.datetime) -> bool:
    """Whether ``at`` (UTC) is after the end of the deadline day in Beijing time."""
    return at.replace(tzinfo=dt.UTC).astimezone(BEIJING).date() > collection.deadline  # no date after 9999-12-31


def submit(db: Session, upload: Upload, outcome: Outcome, info: dict[str, Any]) -> Submission:
    """Submits a checked upload as the agency's next version; refuses (``E_NOT_SUBMITTABLE``) a report with errors,
    with a warning left unexplained, of another year or of another agency. Submitting the same upload twice in a row
    gives the version already made (a double click is not a new version)."""
    agency = db.get(Agency, upload.agency_id) if upload.agency_id else None
    if agency is None:
        raise NotSubmittable(detail="只能从本机关的报送链接上传并提交")
    collection = db.get(Collection, agency.collection_id)
    assert collection is not None
    _check_submittable(db, upload, outcome, agency, collection)
    document = outcome.document or ""  # already holds the 说明 (they are the report's explanations)
    warnings = len(outcome.result.warnings) if outcome.result else 0
    explained = len(outcome.result.explained_warnings) if outcome.result else 0
    db.commit()  # the version is numbered in a short transaction of its own (on SQLite it holds the write lock)
    for _ in range(5):  # the unique (agency, version) stays the last guard: retry if it ever fires
        # two submissions of one agency at once wait for each other on the agency's row (PostgreSQL; SQLite's
        # transactions already take the write lock), so the second numbers its version after the first's commit
        db.execute(select(Agency.id).where(Agency.id == agency.id).with_for_update())
        latest = db.scalar(select(Submission).where(Submission.agency_id == agency.id)
                           .order_by(Submission.version.desc()).limit(1))
        if latest is not None and latest.upload_id == upload.id:
            db.commit()
            return latest
        now = utcnow()
        submission = Submission(agency_id=agency.id, upload_id=upload.id, version=(latest.version if latest else 0) + 1,
                                submitted_at=now, sha256=upload.sha256, late=deadline_passed(collection, now),
                                warnings=warnings, explained_warnings=explained, document=document)
        db.add(submission)
        try:
            db.flush()
        except IntegrityError:
            db.rollback()
            continue
        audit(db, info, "submit", agency.name, {"version": submission.version, "sha256": upload.sha256,
                                                "upload": upload.token, "late": submission.late})
        db.commit()
        return submission
    raise NotSubmittable(detail="同时提交的人太多，请稍后再试")


def _check_submittable(db: Session, upload: Upload, outcome: Outcome, agency: Agency, collection: Collection) -> None:
    if outcome.result is None or outcome.report is None:
        raise NotSubmittable(detail="文件无法读取")
    if outcome.result.errors:
        raise NotSubmittable(detail=f"报告有 {len(outcome.result.errors)} 个错误，请改正后重新上传")
    missing = outcome.result.open_warnings  # the model's matching says which warnings are explained
    if missing:
        raise NotSubmittable(detail=f"还有 {len(missing)} 个警告没有写说明")
    if outcome.report.year != collection.year:
        raise NotSubmittable(detail=f"报告年度为 {outcome.report.year}，本次收集的是 {collection.year} 年度")
    edition = edition_for_year(collection.year)
    if outcome.report.edition.code != edition.code:  # its roll-up would be another table than everyone else's
        raise NotSubmittable(detail=f"报告使用 {outcome.report.edition.code} 年版格式，{collection.year} 年度应使用 "
                                    f"{edition.code} 年版格式：请用本年度的模板重新填写")
    if name_key(outcome.report.agency.name or "") != name_key(agency.name):  # a stored key may be an older version's
        label = INFO_FIELDS_BY_CODE["agency.name"].label
        raise NotSubmittable(detail=f"工作簿中的{label}“{outcome.report.agency.name}”与报送链接的机关"
                                    f"“{agency.name}”不一致")


# ---------------------------------------------------------------------------- collections
def create_collection(db: Session, year: int, title: str, deadline: dt.date, office_name: str, office_level: str,
                      entries: list[RosterEntry], info: dict[str, Any]) -> Collection:
    """Creates the collection and one agency (with its secret link) per roster entry; refuses (``E_ROSTER_FORMAT``)
    a roster whose names or contacts the database could not keep as written."""
    _check_storable(entries)
    collection = Collection(year=year, title=title, deadline=deadline, office_name=office_name,
                            office_level=office_level)
    db.add(collection)
    db.flush()
    for entry in entries:
        db.add(Agency(collection_id=collection.id, name=entry.name, name_key=entry.key, level=entry.level,
                      region_code=entry.region_code, contact=entry.contact, token=new_token(), line=entry.line))
    audit(db, info, "create_collection", str(collection.id), {"year": year, "agencies": len(entries)})
    db.commit()
    return collection


def _check_storable(entries: list[RosterEntry]) -> None:
    """Every roster value is kept exactly as written or the roster is refused: a value longer than its column would
    be cut (two long names cut alike would be one agency), a control character dropped (PostgreSQL keeps no NUL)."""
    for entry in entries:
        for field in ROSTER_FIELDS:
            value = getattr(entry, field.code.removeprefix("agency."), None) or ""
            limit = column_length(getattr(Agency, field.code.removeprefix("agency.")))
            if limit is not None and len(value) > limit:
                raise RosterUnreadable(detail=f"第 {entry.line} 行的“{field.label}”有 {len(value)} 个字，"
                                              f"最多 {limit} 个字")
            if any(unicodedata.category(ch) == "Cc" for ch in value):
                raise RosterUnreadable(detail=f"第 {entry.line} 行的“{field.label}”含有控制字符（如 NUL）")


MISSING, CHECKED, PASSED, EXPLAINED = "missing", "checked", "passed", "explained"
STATE_LABELS = {MISSING: "未提交", CHECKED: "已上传未提交", PASSED: "已提交·通过", EXPLAINED: "已提交·警告已说明"}


@dataclass
class AgencyState:
    agency: Agency
    state: str
    latest: Submission | None
    versions: int
    uploads: int
    late: bool

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]


def collection_states(db: Session, collection: Collection) -> list[AgencyState]:
    agencies = list(db.scalars(select(Agency).where(Agency.collection_id == collection.id).order_by(Agency.line,
                                                                                                    Agency.id)))
    ids = [a.id for a in agencies]
    latest: dict[int, Submission] = {}
    versions: dict[int, int] = {}
    for row in db.scalars(select(Submission).where(Submission.agency_id.in_(ids)).order_by(Submission.version)):
        latest[row.agency_id] = row
        versions[row.agency_id] = versions.get(row.agency_id, 0) + 1
    uploads = dict(db.execute(select(Upload.agency_id, func.count()).where(Upload.agency_id.in_(ids))
                              .group_by(Upload.agency_id)).all())
    states = []
    for agency in agencies:
        sub: Submission | None = latest.get(agency.id)
        if sub is None:
            state = CHECKED if uploads.get(agency.id) else MISSING
        else:
            state = EXPLAINED if sub.explained_warnings else PASSED  # ValidationReport's count, kept with it
        states.append(AgencyState(agency, state, sub, versions.get(agency.id, 0), uploads.get(agency.id, 0),
                                  bool(sub and sub.late)))
    return states


def collection_counts(states: list[AgencyState]) -> dict[str, int]:
    """Expected / submitted / passed / with warnings explained / missing / late (``roster.reconcile`` counts)."""
    entries = [RosterEntry(s.agency.name) for s in states]
    accounting = reconcile(entries, [s.agency.name for s in states if s.latest is not None])
    return {"expected": len(accounting.expected), "submitted": len(accounting.submitted),
            "passed": sum(s.state == PASSED for s in states), "explained": sum(s.state == EXPLAINED for s in states),
            "missing": len(accounting.missing), "late": sum(s.late for s in states),
            "checked": sum(s.state == CHECKED for s in states)}


def latest_documents(db: Session, states: list[AgencyState]) -> list[tuple[str, str]]:
    """(agency name, submitted report JSON) of every agency's latest version: the report as checked, with its 说明,
    whether it was sent as a workbook or as a published document."""
    return [(state.agency.name, state.latest.document) for state in states if state.latest is not None]
