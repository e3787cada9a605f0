"""The clerk's pages: check a workbook (no login), see every finding, download the marked workbook and the JSON;
through the agency's secret link, write a 说明 for each warning and submit, and see that agency's versions only."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import PageNotFound, UploadMissing
from ..excel.marked import marked_bytes
from ..rules.findings import Severity
from ..rules.summary import summary_line, where
from .app import DbSession, RowNumber, download, request_info, service_of
from .db import Agency, Collection, Submission, Upload, utcnow
from .records import deadline_passed, receive_upload, recheck, save_explanations, stale_rows, submit
from .security import by_token

router = APIRouter(include_in_schema=False)
NOT_FOUND = "链接无效或已过期"
_DIGITS = re.compile(r"[0-9]{1,9}")


def _upload(db: Session, token: str) -> Upload:
    upload = by_token(db, Upload, token)
    if upload is None:
        raise _missing()
    return upload


def _agency(db: Session, token: str) -> tuple[Agency, Collection]:
    agency = by_token(db, Agency, token)
    if agency is None:
        raise _missing()
    collection = db.get(Collection, agency.collection_id)
    assert collection is not None
    return agency, collection


def _missing() -> Exception:
    return PageNotFound(detail=NOT_FOUND)


def _receive(request: Request, db: Session, file: UploadFile | None, agency: Agency | None) -> Upload:
    service = service_of(request)
    if file is None or not file.filename:
        raise UploadMissing()
    upload, _ = receive_upload(db, service.store, file.file, file.filename, service.settings.max_upload, agency,
                               request_info(request))
    return upload


@router.get("/")
def home(request: Request) -> Response:
    return service_of(request).render(request, "home.html")


@router.post("/check")
def check(request: Request, db: DbSession, file: Annotated[UploadFile | None, File()] = None,
          csrf: Annotated[str, Form()] = "") -> Response:
    service_of(request).check_csrf(request, csrf)
    upload = _receive(request, db, file, None)
    return RedirectResponse(f"/c/{upload.token}", status_code=303)


@router.get("/a/{token}")
def agency_page(request: Request, token: str, db: DbSession) -> Response:
    agency, collection = _agency(db, token)
    versions = list(db.scalars(select(Submission).where(Submission.agency_id == agency.id)
                               .order_by(Submission.version.desc())))
    return service_of(request).render(request, "agency.html", agency=agency, collection=collection,
                                      versions=versions, late=deadline_passed(collection, utcnow()))


@router.post("/a/{token}/check")
def agency_check(request: Request, token: str, db: DbSession, file: Annotated[UploadFile | None, File()] = None,
                 csrf: Annotated[str, Form()] = "") -> Response:
    service_of(request).check_csrf(request, csrf)
    agency, _ = _agency(db, token)
    upload = _receive(request, db, file, agency)
    return RedirectResponse(f"/c/{upload.token}", status_code=303)


@router.get("/a/{token}/v{version}.json")
def agency_version(token: str, version: RowNumber, db: DbSession) -> Response:
    agency, _ = _agency(db, token)
    sub = db.scalar(select(Submission).where(Submission.agency_id == agency.id, Submission.version == version))
    if sub is None:
        raise _missing()
    return download(sub.document.encode("utf-8"), f"{agency.name}-第{version}版.json", "application/json")


@router.get("/c/{token}")
def check_page(request: Request, token: str, db: DbSession) -> Response:
    service = service_of(request)
    upload = _upload(db, token)
    outcome = recheck(service.store, upload, db)
    agency, collection = _agency_of(db, upload)
    stale = stale_rows(db, upload, outcome)
    findings = []
    warning_index = 0
    for finding in outcome.result.findings if outcome.result else []:
        row: dict[str, Any] = {"finding": finding, "where": where(finding), "index": None,
                               "text": finding.explanation or ""}
        if finding.severity is Severity.WARNING:
            row["index"] = warning_index
            warning_index += 1
        findings.append(row)
    submissions = list(db.scalars(select(Submission).where(Submission.upload_id == upload.id)))
    return service.render(request, "check.html", upload=upload, outcome=outcome, findings=findings,
                          summary=summary_line(outcome.result) if outcome.result else "", agency=agency,
                          collection=collection, submissions=submissions, stale=stale,
                          unexplained=len(outcome.result.open_warnings) if outcome.result else 0,
                          submitted=request.query_params.get("submitted"))


def _agency_of(db: Session, upload: Upload) -> tuple[Agency | None, Collection | None]:
    if upload.agency_id is None:
        return None, None
    agency = db.get(Agency, upload.agency_id)
    return agency, db.get(Collection, agency.collection_id) if agency else None


@router.get("/c/{token}/marked.xlsx")
def marked(request: Request, token: str, db: DbSession) -> Response:
    upload = _upload(db, token)
    outcome = recheck(service_of(request).store, upload, db)
    if outcome.report is None or outcome.result is None:
        raise _missing()
    return download(marked_bytes(outcome.report, outcome.result), _stem(upload) + "-校验结果.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@router.get("/c/{token}/report.json")
def report_json(request: Request, token: str, db: DbSession) -> Response:
    upload = _upload(db, token)
    outcome = recheck(service_of(request).store, upload, db)  # with the 说明 as they are now
    if outcome.document is None:
        raise _missing()
    return download(outcome.document.encode("utf-8"), _stem(upload) + ".json", "application/json")


@router.post("/c/{token}/explain")
async def explain(request: Request, token: str) -> Response:
    form = await request.form()
    service = service_of(request)
    service.check_csrf(request, str(form.get("csrf", "")))
    texts = {}
    for key, value in form.items():
        index = _number(key.removeprefix("text_")) if key.startswith("text_") else None
        if index is not None and isinstance(value, str):
            texts[index] = value[:2000]
    drop = tuple(n for v in form.getlist("drop") if isinstance(v, str) and (n := _number(v)) is not None)
    action = str(form.get("action", "save"))

    def work() -> str:
        with service.sessions() as db:
            upload = _upload(db, token)
            outcome = recheck(service.store, upload, db)
            info = request_info(request)
            save_explanations(db, upload, outcome, texts, info, drop)
            if action == "submit":
                outcome = recheck(service.store, upload, db)  # the report with its 说明 as saved
                sub = submit(db, upload, outcome, info)
                return f"/c/{token}?submitted={sub.version}"
            return f"/c/{token}#explain"

    from starlette.concurrency import run_in_threadpool

    return RedirectResponse(await run_in_threadpool(work), status_code=303)


@router.post("/c/{token}/submit")
def submit_page(request: Request, token: str, db: DbSession, csrf: Annotated[str, Form()] = "") -> Response:
    service = service_of(request)
    service.check_csrf(request, csrf)
    upload = _upload(db, token)
    sub = submit(db, upload, recheck(service.store, upload, db), request_info(request))
    return RedirectResponse(f"/c/{token}?submitted={sub.version}", status_code=303)


def _number(text: str) -> int | None:
    """A number a form sends (a warning's index, a 说明's id): ASCII digits only, at most nine of them. Anything else
    (“²”, “١٢”, “1e9”, a thousand digits) names no warning and no 说明."""
    return int(text) if _DIGITS.fullmatch(text) else None


def _stem(upload: Upload) -> str:
    name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[0] or "年报"
