"""The office's pages (login required): collections created from a roster, the state of each collection per agency
with filters, the agencies' secret links, and the downloads made by ``gaip-xl bulk``'s code."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from ..errors import LoginLocked, PageNotFound, RosterUnreadable, UploadMissing
from ..format.editions import LEVELS
from ..roster import read_roster
from .app import DbSession, RowNumber, download, request_info, service_of
from .db import AuditEntry, Collection, OfficeUser, column_length
from .exports import BULK_FILES, agencies_csv, bulk_file, bulk_outputs, private_workdir
from .records import STATE_LABELS, audit, collection_counts, collection_states, create_collection, latest_documents
from .security import (
    LOGIN_LOCK_MINUTES,
    SESSION_COOKIE,
    close_office_session,
    login,
    login_locked,
    new_token,
    office_user,
    open_office_session,
)

router = APIRouter(prefix="/office", include_in_schema=False)
ROSTER_SUFFIXES = (".xlsx", ".csv")
FIRST_YEAR, LAST_YEAR = 2008, 2100  # the report years a collection may ask for; its deadline falls within them too


def _user(request: Request, db: DbSession) -> OfficeUser:
    user = office_user(db, request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise HTTPException(303, headers={"Location": "/office/login"})
    request.state.office_user = user
    return user


User = Annotated[OfficeUser, Depends(_user)]


@router.get("/login")
def login_page(request: Request) -> Response:
    return service_of(request).render(request, "login.html", failed=False)


@router.post("/login")
def login_post(request: Request, db: DbSession, name: Annotated[str, Form()] = "",
               password: Annotated[str, Form()] = "", csrf: Annotated[str, Form()] = "") -> Response:
    service = service_of(request)
    service.check_csrf(request, csrf)
    info = request_info(request)
    if login_locked(db, name.strip(), info["remote"]):
        locked = LoginLocked(minutes=LOGIN_LOCK_MINUTES)
        audit(db, info, "login_locked", name.strip()[:200], status=429)
        db.commit()
        return service.render(request, "login.html", status=429, failed=False, error=locked.to_dict())
    user = login(db, name.strip(), password)
    if user is None:
        audit(db, request_info(request), "login_failed", name.strip()[:200], status=401)
        db.commit()
        return service.render(request, "login.html", status=401, failed=True)
    sid = new_token()  # a new session id at login: one planted before cannot be used
    open_office_session(db, user, sid)
    info["actor"] = f"office:{user.name}"
    audit(db, info, "login", user.name)
    db.commit()
    response = RedirectResponse("/office", status_code=303)
    response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="lax", secure=service.settings.secure_cookies)
    return response


@router.post("/logout")
def logout(request: Request, db: DbSession, user: User, csrf: Annotated[str, Form()] = "") -> Response:
    service_of(request).check_csrf(request, csrf)
    close_office_session(db, request.cookies.get(SESSION_COOKIE))
    audit(db, request_info(request), "logout", user.name)
    db.commit()
    response = RedirectResponse("/office/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("")
def office_home(request: Request, db: DbSession, user: User) -> Response:
    collections = list(db.scalars(select(Collection).order_by(Collection.year.desc(), Collection.id.desc())))
    rows = [(c, collection_counts(collection_states(db, c))) for c in collections]
    year = dt.date.today().year - 1
    return service_of(request).render(request, "office.html", rows=rows, levels=LEVELS, default_year=year,
                                      default_deadline=dt.date(year + 1, 1, 31).isoformat())


@router.post("/collections")
def create(request: Request, db: DbSession, user: User, csrf: Annotated[str, Form()] = "",
           year: Annotated[int, Form()] = 0, title: Annotated[str, Form()] = "",
           deadline: Annotated[str, Form()] = "", office_name: Annotated[str, Form()] = "",
           office_level: Annotated[str, Form()] = "", roster: Annotated[UploadFile | None, File()] = None) -> Response:
    service = service_of(request)
    service.check_csrf(request, csrf)
    db.commit()  # the login look-up's transaction ends before the roster is read
    if roster is None or not roster.filename:
        raise UploadMissing()
    suffix = Path(roster.filename).suffix.lower()
    if suffix not in ROSTER_SUFFIXES:
        raise RosterUnreadable(detail=f"扩展名“{suffix or '（无）'}”")
    due = _deadline(year, deadline)
    for label, value, column in (("标题", title, Collection.title), ("汇总机关", office_name, Collection.office_name)):
        limit = column_length(column) or 0
        if len(value.strip()) > limit:
            raise RosterUnreadable(detail=f"{label}超过 {limit} 个字")
    temporary = service.store.temporary_copy(suffix)  # the only file made: nothing left behind
    try:
        with temporary.open("wb") as out:
            shutil.copyfileobj(roster.file, out)
        entries = read_roster(temporary)
    finally:
        temporary.unlink(missing_ok=True)
    collection = create_collection(db, year, title.strip() or f"{year}年度政府信息公开工作年度报告", due,
                                   office_name.strip() or "汇总", office_level if office_level in LEVELS else "其他",
                                   entries, request_info(request))
    return RedirectResponse(f"/office/collections/{collection.id}", status_code=303)


def _deadline(year: int, deadline: str) -> dt.date:
    """The collection's deadline as typed (default: 31 January after the report's year), from the report's year to
    ``LAST_YEAR``: a deadline of 9999-12-31 left no later day to count lateness by, and every page of its agencies
    failed."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise RosterUnreadable(detail="请填写报告年度（如 2025）")
    try:
        due = dt.date.fromisoformat(deadline) if deadline else dt.date(year + 1, 1, 31)
    except ValueError:
        raise RosterUnreadable(detail=f"截止日期“{deadline[:40]}”应写成 2026-01-31 的形式") from None
    if not dt.date(year, 1, 1) <= due <= dt.date(LAST_YEAR, 12, 31):
        raise RosterUnreadable(detail=f"截止日期 {due.isoformat()} 应在 {year} 年到 {LAST_YEAR} 年之间")
    return due


def _collection(db: Session, collection_id: int) -> Collection:
    collection = db.get(Collection, collection_id)
    if collection is None:
        raise PageNotFound(detail="没有这次收集")
    return collection


FILTERS = {"all": "全部", "missing": "未提交", "submitted": "已提交", "passed": "已提交·通过",
           "explained": "已提交·警告已说明", "late": "逾期提交", "checked": "已上传未提交"}


@router.get("/collections/{collection_id}")
def collection_page(request: Request, collection_id: RowNumber, db: DbSession, user: User, show: str = "all",
                    q: str = "") -> Response:
    collection = _collection(db, collection_id)
    states = collection_states(db, collection)
    counts = collection_counts(states)
    shown = [s for s in states if _matches(s, show) and (not q or q.strip() in s.agency.name)]
    base = str(request.base_url).rstrip("/")
    return service_of(request).render(request, "collection.html", collection=collection, states=shown,
                                      counts=counts, filters=FILTERS, show=show if show in FILTERS else "all", q=q,
                                      base=base, labels=STATE_LABELS, downloads=list(BULK_FILES))


def _matches(state: Any, show: str) -> bool:
    if show == "submitted":
        return state.latest is not None
    if show == "late":
        return bool(state.late)
    if show in STATE_LABELS:
        return bool(state.state == show)
    return True


@router.get("/collections/{collection_id}/missing.csv")
def missing_csv(request: Request, collection_id: RowNumber, db: DbSession, user: User) -> Response:
    return _agencies_csv(request, db, collection_id, only_missing=True)


@router.get("/collections/{collection_id}/links.csv")
def links_csv(request: Request, collection_id: RowNumber, db: DbSession, user: User) -> Response:
    return _agencies_csv(request, db, collection_id, only_missing=False)


def _agencies_csv(request: Request, db: Session, collection_id: int, only_missing: bool) -> Response:
    collection = _collection(db, collection_id)
    base = str(request.base_url).rstrip("/")
    rows = [(s.agency.name, s.agency.level, s.agency.region_code, s.agency.contact, s.label,
             f"{base}/a/{s.agency.token}") for s in collection_states(db, collection)
            if not only_missing or s.latest is None]
    name = f"{collection.year}年度{'未提交机关' if only_missing else '报送链接'}.csv"
    return download(agencies_csv(rows, ("状态", "报送链接")), name, "text/csv; charset=utf-8")


@router.get("/collections/{collection_id}/export/{name}")
def export(request: Request, collection_id: RowNumber, name: str, db: DbSession, user: User) -> Response:
    if name not in BULK_FILES:
        raise PageNotFound(detail="没有这个文件")
    service = service_of(request)
    collection = _collection(db, collection_id)
    files = latest_documents(db, collection_states(db, collection))
    office_name, office_level, year = collection.office_name, collection.office_level, collection.year
    db.commit()  # no transaction (on SQLite: no write lock) while bulk runs
    work = private_workdir(service.store.tmp)
    try:
        out = bulk_outputs(files, office_name, office_level, work)
        found = bulk_file(out, name, year)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    if found is None:
        shutil.rmtree(work, ignore_errors=True)
        raise PageNotFound(detail="还没有可汇总的报告")
    from urllib.parse import quote

    download = f"{year}年度-{name}"
    return FileResponse(found, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(download)}"},
                        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True))


@router.get("/audit")
def audit_page(request: Request, db: DbSession, user: User, limit: int = 200) -> Response:
    """The latest entries of the audit table (who changed what, from where, with what outcome)."""
    entries = list(db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 2000)))))
    return service_of(request).render(request, "audit.html", entries=entries)
