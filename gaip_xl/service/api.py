"""The JSON API beside the pages (its OpenAPI description at /openapi.json, shown as a plain page at /api/docs).

- ``POST /api/check`` (multipart ``file``): the report's JSON with its findings, exactly the ``gaip-xl to-json``
  document (``?marked=1``: the marked workbook instead). Nothing is kept. An unreadable file: 422 with
  ``{"error": {"code", "title", "message"}}``.
- ``POST /api/agencies/{token}/submissions`` (multipart ``file``, optional ``explanations`` as a JSON list of
  ``{"rule", "cells", "text"}``): stores and checks the upload and submits it as the agency's next version; answers
  ``{"status": "received", …}`` only once the file is fsynced and the rows committed.
- ``GET /healthz``: ``{"status": "ok"}`` when the database answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from ..errors import GaipError, NotSubmittable, PageNotFound, UploadMissing
from ..excel.marked import marked_bytes
from ..report import Explanation
from ..report.jsontext import parse_json
from .app import DbSession, request_info, service_of
from .db import Agency
from .records import add_explanations, receive_upload, recheck, submit
from .security import by_token

router = APIRouter()
UPLOAD_KINDS = "填好的模板（.xlsx/.xlsm），或已发布的年报文档（PDF、网页、Word/WPS、文本）"


_WHERE = {"query": "网址参数", "path": "网址路径", "header": "请求头", "cookie": "Cookie"}


@router.get("/api/docs", include_in_schema=False)
def docs_page(request: Request) -> Response:
    """The API's description for people: every operation of the OpenAPI description, its parameters, request body
    and answers, rendered on the server (no script, nothing loaded from elsewhere)."""
    spec = request.app.openapi()
    operations = []
    for path, methods in spec.get("paths", {}).items():
        for method, op in methods.items():
            operations.append({
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": op.get("description", ""),
                "parameters": [{"name": p["name"], "where": _WHERE.get(p.get("in", ""), p.get("in", "")),
                                "required": p.get("required", False),
                                "description": p.get("description", "") or p.get("schema", {}).get("title", "")}
                               for p in op.get("parameters", [])] + _body_fields(spec, op),
                "responses": [(status, answer.get("description", ""))
                              for status, answer in op.get("responses", {}).items()],
            })
    return service_of(request).render(request, "api.html", operations=operations, openapi_version=spec["openapi"],
                                      description=spec.get("info", {}).get("description", ""))


def _body_fields(spec: dict[str, Any], op: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields of an operation's request body (a form's fields), as the page lists parameters."""
    body = op.get("requestBody", {}).get("content", {})
    fields = []
    for content in body.values():
        schema = _resolve(spec, content.get("schema", {}))
        for name, field in schema.get("properties", {}).items():
            fields.append({"name": name, "where": f"请求体（{'、'.join(body)}）",
                           "required": name in schema.get("required", ()), "description": field.get("description", "")})
    return fields


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema, or the component its "$ref" names (``#/components/schemas/…``)."""
    reference = schema.get("$ref", "")
    if not reference.startswith("#/"):
        return schema
    found: Any = spec
    for key in reference[2:].split("/"):
        found = found.get(key, {}) if isinstance(found, dict) else {}
    return found if isinstance(found, dict) else {}


@router.get("/healthz", tags=["状态"], summary="服务与数据库是否正常",
            responses={200: {"description": "{\"status\": \"ok\"}：数据库可用"}})
def healthz(db: DbSession) -> dict[str, str]:
    db.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.post("/api/check", tags=["校验"], summary="上传工作簿，返回年报 JSON 及全部问题（不保存）",
             responses={200: {"description": "年报 JSON（含 validation）；marked=1 时为标注了问题的工作簿"},
                        413: {"description": "文件过大（E_UPLOAD_TOO_LARGE）"},
                        422: {"description": "无法读取（错误代码与中文说明）"}})
async def api_check(request: Request, file: Annotated[UploadFile | None, File(description=UPLOAD_KINDS)]
                    = None,
                    marked: Annotated[bool, Query(description="为 1 时返回标注了问题的工作簿，而不是 JSON")] = False,
                    ) -> Response:
    service = service_of(request)
    if file is None:
        raise UploadMissing()

    def work() -> Response:
        temporary = service.store.temporary_copy()
        try:
            with temporary.open("wb") as out:
                size = 0
                while chunk := file.file.read(256 * 1024):
                    size += len(chunk)
                    if size > service.settings.max_upload:
                        from ..errors import UploadTooLarge

                        raise UploadTooLarge(limit_mb=service.settings.max_upload // (1024 * 1024))
                    out.write(chunk)
            from .checking import check_file

            outcome = check_file(temporary, file.filename or "")
        finally:
            temporary.unlink(missing_ok=True)
        if outcome.error is not None or outcome.result is None or outcome.report is None:
            return JSONResponse({"error": outcome.error}, status_code=422)
        if marked:
            return Response(marked_bytes(outcome.report, outcome.result),
                            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            headers={"Content-Disposition": "attachment; filename=\"marked.xlsx\""})
        return Response(outcome.document, media_type="application/json")

    return await run_in_threadpool(work)


@router.post("/api/agencies/{token}/submissions", tags=["报送"], summary="本机关上传并提交一个新版本",
             responses={200: {"description": "已收到并已提交：{status, upload, sha256, check, errors, warnings, "
                                             "submitted, version, late}"},
                        404: {"description": "链接无效"},
                        409: {"description": "不能提交（有错误、警告未说明、年度或机关不符），上传仍已保存"},
                        413: {"description": "文件过大（E_UPLOAD_TOO_LARGE）"},
                        422: {"description": "请求不对（E_BAD_REQUEST）或文件无法读取"}})
def api_submit(request: Request, token: Annotated[str, Path(description="收集单位发给本机关的报送链接中的密钥")],
               db: DbSession,
               file: Annotated[UploadFile | None, File(description=UPLOAD_KINDS)] = None,
               explanations: Annotated[str, Form(description="警告的说明：JSON 列表 [{rule, cells, text}]")] = "[]",
               ) -> dict[str, Any]:
    service = service_of(request)
    agency = by_token(db, Agency, token)
    if agency is None:
        raise PageNotFound(detail="链接无效")
    if file is None or not file.filename:
        raise UploadMissing()
    given = _parse_explanations(explanations)
    info = request_info(request)
    upload, outcome = receive_upload(db, service.store, file.file, file.filename, service.settings.max_upload,
                                     agency, info)
    received = {"status": "received", "upload": upload.token, "sha256": upload.sha256, "check": upload.status,
                "errors": upload.errors, "warnings": upload.warnings}
    if given and outcome.result is not None:
        add_explanations(db, upload, given)
        db.commit()
        outcome = recheck(service.store, upload, db)  # the report with its 说明: validate says what they explain
    try:
        sub = submit(db, upload, outcome, info)
    except NotSubmittable as exc:
        db.rollback()
        return JSONResponse({**received, "submitted": False, "error": exc.to_dict()},  # type: ignore[return-value]
                            status_code=409)
    return {**received, "submitted": True, "version": sub.version, "late": sub.late}


def _parse_explanations(raw: str) -> list[Explanation]:
    """The explanations sent, read as a report's ``"explanations"`` are (``Explanation.from_json``)."""
    try:
        items = parse_json(raw or "[]")  # as a report's JSON is read: a name written twice is refused, not guessed
    except GaipError:
        items = None
    given = [Explanation.from_json(item) for item in items] if isinstance(items, list) else [None]
    if any(e is None for e in given):
        raise NotSubmittable(detail="explanations 应为 JSON 列表：[{\"rule\", \"cells\", \"text\"}]")
    return [Explanation(e.rule, e.cells, e.text.strip()[:2000]) for e in given if e is not None]


__all__ = ["router", "run_in_threadpool"]
