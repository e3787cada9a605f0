"""The web application: ``create_app(Settings)`` → a FastAPI app with the clerk's pages, the office's pages and the
JSON API, over the database and the file store in ``Settings.data``.

On creation it migrates the database (Alembic), tidies the store (temporary files a killed process left, blobs no
row refers to), loads the secret; then every request passes the body limit, gets a session cookie and the security
headers, and every POST that may change state is recorded in the audit table (by the handler with its change, or here
if it was refused); ``POST /api/check`` keeps nothing and is not recorded.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BadRequest, CsrfFailed, FieldRepeated, GaipError, MethodNotAllowed, PageNotFound, UploadTooLarge
from ..excel.safety import MAX_FILE_BYTES
from ..format.fields import INFO_FIELDS
from ..roster import ROSTER_FIELDS
from .checking import ServerError
from .db import Upload, make_engine, migrate, session_factory
from .records import BEIJING, audit
from .security import SESSION_COOKIE, csrf_ok, csrf_token, load_secret, new_token
from .store import BlobStore

FORM_OVERHEAD = 256 * 1024  # multipart headers and the other fields of an upload form
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
                    "Cache-Control": "no-store"}
# no script at all on any page
CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
STATELESS = frozenset({"/api/check"})  # POSTs that change nothing (nothing kept): not audited
STATUS = {"E_CSRF": 403, "E_UPLOAD_TOO_LARGE": 413, "E_NOT_SUBMITTABLE": 409, "E_BAD_REQUEST": 400,
          "E_INTERNAL": 500, "E_NOT_FOUND": 404, "E_METHOD_NOT_ALLOWED": 405,
          "E_FIELD_REPEATED": 400}
DB_INT_MAX = 2**31 - 1  # PostgreSQL's integer (SQLite's is wider): a larger number in a link names no row
RowNumber = Annotated[int, PathParam(ge=0, le=DB_INT_MAX)]  # a number in a link that names a row (an id, a version)


@dataclass
class Settings:
    data: Path
    db_url: str | None = None  # default: SQLite in ``data``
    max_upload: int = MAX_FILE_BYTES  # the converter's own limit: a larger file could never be read
    secure_cookies: bool = False  # set behind HTTPS

    @property
    def database_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.data / 'gaip.sqlite3').resolve()}"


class Service:
    """What every handler needs: settings, database sessions, the store, the secret and the page templates."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        settings.data.mkdir(parents=True, exist_ok=True)
        os.chmod(settings.data, 0o700)
        self.engine = make_engine(settings.database_url)
        migrate(self.engine)
        self.sessions = session_factory(self.engine)
        self.store = BlobStore(settings.data / "store")
        with self.sessions() as db:
            self.tidied = self.store.tidy(lambda: db.scalars(select(Upload.sha256)).all())
        self.secret = load_secret(settings.data)
        self.templates = Jinja2Templates(directory=str(files("gaip_xl.service") / "templates"))
        # every template escapes what it renders, whatever its name (select_autoescape, Starlette's default, escapes
        # .html/.htm/.xml and strings only): submitted text never becomes markup
        self.templates.env.autoescape = True
        self.templates.env.filters["bj"] = beijing_time
        # the template's own labels (基本情况), never typed in a page
        self.templates.env.globals["field"] = {f.code: f.label for f in INFO_FIELDS}
        self.templates.env.globals["roster_fields"] = [f.label for f in ROSTER_FIELDS]

    def db(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("csrf", csrf_token(self.secret, request.state.sid))
        context.setdefault("office_user", getattr(request.state, "office_user", None))
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    def error_page(self, error: GaipError) -> str:
        template = self.templates.env.get_template("error.html")
        return template.render(error=error.to_dict(), csrf="", office_user=None)

    def check_csrf(self, request: Request, token: str | None) -> None:
        if not csrf_ok(self.secret, request.cookies.get(SESSION_COOKIE), token):
            raise CsrfFailed()


def beijing_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=dt.UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def request_info(request: Request) -> dict[str, Any]:
    """Who asked what, for the audit table; ``audited`` collects the actions the handler recorded."""
    info = getattr(request.state, "info", None)
    if info is None:
        user = getattr(request.state, "office_user", None)
        info = {"actor": f"office:{user.name}" if user else "anonymous", "method": request.method,
                "path": request.url.path, "remote": request.client.host if request.client else None, "audited": []}
        request.state.info = info
    return info


REPEATABLE = frozenset({"drop"})  # the one field a form sends several times: the stale 说明 ticked for deletion
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


async def fields_once(request: Request) -> None:
    """Every field of the query and of a form comes once: two files in one upload, two CSRF tokens, two ``marked``,
    two ``explanations`` are refused (``E_FIELD_REPEATED``), never one of them picked in silence (the framework
    takes the last, so the file checked or stored would not be the one the clerk saw first)."""
    names = [name for name, _ in request.query_params.multi_items()]
    if request.headers.get("content-type", "").lower().startswith(FORM_TYPES):
        names += [name for name, _ in (await request.form()).multi_items()]  # parsed once: the handler reuses it
    names = [name for name in names if name not in REPEATABLE]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise FieldRepeated(names="、".join(name[:40] for name in repeated[:5]))


def create_app(settings: Settings) -> FastAPI:
    service = Service(settings)
    # no Swagger UI or ReDoc: their pages load scripts from a CDN, which an office network may not reach and our
    # pages never do; /api/docs renders the same OpenAPI description as a plain page (``api.docs_page``)
    app = FastAPI(title="gaip-xl 报送与校验服务", version="1", description="政府信息公开工作年度报告的在线校验与报送。"
                  "POST /api/check 上传工作簿，返回年报 JSON 及全部问题（?marked=1 返回标注了问题的工作簿）。",
                  docs_url=None, redoc_url=None, dependencies=[Depends(fields_once)])
    app.state.service = service

    @app.middleware("http")
    async def session_and_audit(request: Request, call_next: Any) -> Response:
        sid = request.cookies.get(SESSION_COOKIE)
        fresh = not sid or len(sid) > 64
        request.state.sid = new_token() if fresh else sid
        response: Response = await call_next(request)
        if fresh:
            response.set_cookie(SESSION_COOKIE, request.state.sid, httponly=True, samesite="lax",
                                secure=settings.secure_cookies)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        response.headers.setdefault("Content-Security-Policy", CSP)
        if request.method not in ("GET", "HEAD", "OPTIONS") and request.url.path not in STATELESS:
            info = request_info(request)
            if not info["audited"]:
                await run_in_threadpool(_audit_refused, service, info, response.status_code)
        return response

    @app.exception_handler(GaipError)
    async def gaip_error(request: Request, exc: GaipError) -> Response:
        status = STATUS.get(exc.code, 422)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.to_dict()}, status_code=status)
        return service.render(request, "error.html", status=status, error=exc.to_dict())

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """What the framework itself refuses (no such page, a method the page does not take, a body that is not the
        form it claims to be) gets a code and a Chinese message like every other refusal; a redirect stays one."""
        if exc.status_code in (301, 302, 303, 307, 308):
            return Response(status_code=exc.status_code, headers=exc.headers)
        response = await gaip_error(request, framework_error(request, exc))
        response.status_code = exc.status_code
        if exc.headers:
            response.headers.update(exc.headers)
        return response

    @app.exception_handler(RequestValidationError)
    async def bad_form(request: Request, exc: RequestValidationError) -> Response:
        fields = "、".join(str(e.get("loc", ["", "?"])[-1]) for e in exc.errors())
        return await gaip_error(request, BadRequest(detail=f"表单或参数不对（{fields}）"))

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        """A bug must not show a traceback: the clerk gets E_INTERNAL in Chinese (the log keeps the details)."""
        error = ServerError(detail=f"程序内部错误（{type(exc).__name__}），请稍后重试或联系管理员")
        return await gaip_error(request, error)

    @app.get("/static/style.css", include_in_schema=False)
    def style() -> Response:
        css = (files("gaip_xl.service") / "templates" / "style.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    from . import api, clerk, office

    app.include_router(clerk.router)
    app.include_router(office.router)
    app.include_router(api.router)
    from .limits import BodyLimit, HeadAsGet

    app.add_middleware(BodyLimit, limit=settings.max_upload + FORM_OVERHEAD, render_page=_too_large_page(service))
    app.add_middleware(HeadAsGet)
    return app


def framework_error(request: Request, exc: StarletteHTTPException) -> GaipError:
    """The coded Chinese error for a refusal of the framework's own (its detail is English and not for clerks)."""
    if exc.status_code == 404:
        return PageNotFound(detail="没有这个网址，请检查链接是否完整")
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return MethodNotAllowed(method=request.method[:20], allowed=allowed or "GET")
    return BadRequest(detail=f"请求无法解析（HTTP {exc.status_code}：表单格式不对，或文件名过长）：请用页面上的表单"
                             "重新上传；API 请按说明用 multipart/form-data")


def _too_large_page(service: Service) -> Any:
    def render(error: UploadTooLarge) -> str:
        return service.error_page(error)

    return render


def _audit_refused(service: Service, info: dict[str, Any], status: int) -> None:
    with service.sessions() as db:
        audit(db, info, "refused" if status >= 400 else "request", status=status)
        db.commit()


def service_of(request: Request) -> Service:
    return request.app.state.service


def _db(request: Request) -> Iterator[Session]:
    yield from service_of(request).db()


DbSession = Annotated[Session, Depends(_db)]  # one database session per request, closed when it is answered


def download(data: bytes, filename: str, media_type: str) -> Response:
    """A file to save, named in UTF-8 (RFC 6266) with a plain fallback for old browsers."""
    disposition = f"attachment; filename=\"download\"; filename*=UTF-8''{quote(filename)}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
