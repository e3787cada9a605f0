"""The service checks exactly as the command line does, and refuses hostile uploads in Chinese without falling over.

Every test runs on SQLite and on PostgreSQL (see service_support)."""

from __future__ import annotations

import html
import io
import json
import random
from pathlib import Path

import pytest
from builders import consistent_report
from fastapi.testclient import TestClient
from service_support import (  # noqa: F401  (fixtures)
    CASE_NAMES,
    case_workbook,
    client,
    db_url,
    report_workbook,
    settings,
    upload,
)

from gaip_xl.cli import run
from gaip_xl.excel.marks import FILL, RESULTS_SHEET
from gaip_xl.rules import Severity

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


def cli_findings(path: Path) -> list[dict]:
    out, err = io.StringIO(), io.StringIO()
    run(["validate", str(path), "--format", "json"], out, err)
    return json.loads(out.getvalue())["findings"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_the_six_cases_give_the_cli_findings_through_api_and_page(client, tmp_path, name):  # noqa: F811
    path = case_workbook(tmp_path, name)
    expected = cli_findings(path)
    response = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 200
    assert response.json()["validation"]["findings"] == expected
    out = io.StringIO()
    run(["to-json", str(path), "-o", "-"], out, io.StringIO())
    assert response.text == out.getvalue()  # the to-json document, byte for byte
    page = upload(client, path)
    assert page.status_code == 200
    text = html.unescape(page.text)
    for finding in expected:
        assert finding["message"] in text
    assert ("全部通过" in text) == (not expected)


def test_broken_total_is_shown_with_sheet_cell_and_message(client, tmp_path):  # noqa: F811
    report = consistent_report("2021", random.Random(5))
    report.figures["s3.total.natural"] += 1
    path = report_workbook(tmp_path, report)
    page = html.unescape(upload(client, path).text)
    assert "不通过" in page
    assert "'三、依申请公开'!D6、D7、D29、D30" in page  # R1 of the 自然人 column, named by sheet and cells
    assert "多1" in page  # the message says how the figures compare, without leaving the subtraction to the clerk


def test_marked_workbook_from_api_and_page_is_what_the_addin_paints(client, tmp_path):  # noqa: F811
    from openpyxl import load_workbook

    from gaip_xl import read_workbook

    report = consistent_report("2021", random.Random(6))
    report.figures["s3.total.natural"] += 1
    path = report_workbook(tmp_path, report)
    response = client.post("/api/check?marked=1", files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 200
    marked = tmp_path / "marked.xlsx"
    marked.write_bytes(response.content)
    assert read_workbook(marked).figures == report.figures  # the safe reader reads it back: the same figures
    book = load_workbook(marked)
    cell = book["三、依申请公开"]["D29"]  # s3.total.natural
    assert cell.fill.fgColor.rgb == "FF" + FILL[Severity.ERROR][1:]
    assert "【R1 错误】" in cell.comment.text and "【R3 错误】" in cell.comment.text
    rows = list(book[RESULTS_SHEET].iter_rows(values_only=True))
    assert rows[0][0].startswith("校验结果：不通过")
    assert [r[0] for r in rows[3:]] == ["R1", "R2", "R3"]
    page = upload(client, path)
    again = client.get(str(page.url) + "/marked.xlsx")
    assert again.status_code == 200 and again.content[:2] == b"PK"


HOSTILE = ["zip_bomb.xlsx", "ratio_bomb.xlsx", "entity_bomb.xlsx", "external_entity.xlsx", "not_a_zip.xlsx",
           "legacy.xls", "encrypted.xlsx", "million_rows_dense.xlsx", "duplicate_sheet_name.xlsx",
           "duplicate_member.xlsx", "encrypted_entry.xlsx"]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_upload_gets_its_chinese_error_and_the_server_stays_up(client, settings, name):  # noqa: F811
    data = (CORPUS / name).read_bytes()
    code = MANIFEST[name]["code"]
    response = client.post("/api/check", files={"file": (name, data)})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert str(settings.data) not in error["message"] and ".part" not in error["message"]  # no server path
    page = upload(client, data, filename=name)
    assert page.status_code == 200 and code in page.text and "无法读取" in page.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_fifty_megabytes_are_refused_with_413_declared_or_streamed(client):  # noqa: F811
    big = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    response = client.post("/api/check", files={"file": ("big.xlsx", big)})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "E_UPLOAD_TOO_LARGE"

    def chunks():  # no Content-Length: the limit must stop the stream itself
        boundary = b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n\r\n"
        yield boundary
        for _ in range(50):
            yield b"\0" * (1024 * 1024)
        yield b"\r\n--xyz--\r\n"

    streamed = client.post("/check", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert streamed.status_code == 413
    assert "E_UPLOAD_TOO_LARGE" in streamed.text and "已停止接收" in streamed.text
    assert client.get("/healthz").json() == {"status": "ok"}


def test_a_form_post_without_its_csrf_token_is_refused_and_audited(client, tmp_path, settings):  # noqa: F811
    from sqlalchemy import select

    from gaip_xl.service.db import AuditEntry, Upload

    client.get("/")
    path = case_workbook(tmp_path, "huaian-2024")
    response = client.post("/check", data={"csrf": "forged"}, files={"file": (path.name, path.read_bytes())})
    assert response.status_code == 403 and "E_CSRF" in response.text
    service = client.app.state.service
    with service.sessions() as db:
        assert db.scalars(select(Upload)).all() == []
        entries = db.scalars(select(AuditEntry)).all()
    assert [(e.action, e.status, e.path) for e in entries] == [("refused", 403, "/check")]


def test_upload_is_stored_by_content_hash_outside_the_web_root(client, tmp_path, settings):  # noqa: F811
    import hashlib

    path = case_workbook(tmp_path, "pingtan-2022")
    data = path.read_bytes()
    upload(client, path)
    digest = hashlib.sha256(data).hexdigest()
    stored = settings.data / "store" / "blobs" / digest[:2] / digest
    assert stored.read_bytes() == data
    assert client.get(f"/store/blobs/{digest[:2]}/{digest}").status_code == 404
    assert client.get(f"/static/../store/blobs/{digest[:2]}/{digest}").status_code == 404


def test_a_program_error_and_a_bad_form_are_answered_in_chinese(client, monkeypatch):  # noqa: F811
    import gaip_xl.service.api as api

    def broken(path):
        raise RuntimeError("bug")

    monkeypatch.setattr("gaip_xl.service.checking.check_file", broken)
    with TestClient(client.app, raise_server_exceptions=False) as quiet:
        response = quiet.post("/api/check", files={"file": ("a.xlsx", b"PK")})
        assert response.status_code == 500 and response.json()["error"]["code"] == "E_INTERNAL"
        assert "Traceback" not in response.text
    assert api is not None
    bad = client.post("/api/check?marked=perhaps", files={"file": ("a.xlsx", b"PK")})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "E_BAD_REQUEST" and "marked" in bad.text
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and "[E_NOT_FOUND]" in missing.text and "没有这个网址" in missing.text


def test_openapi_documents_the_api_and_pages_carry_the_security_headers(client):  # noqa: F811
    page = client.get("/")  # the first request: it gets the session cookie
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    spec = client.get("/openapi.json").json()
    assert {"/api/check", "/api/agencies/{token}/submissions", "/healthz"} <= set(spec["paths"])
    assert not any(path.startswith(("/office", "/c/", "/a/")) for path in spec["paths"])  # pages are not API
    docs = client.get("/api/docs")  # the API's page: rendered here, nothing loaded from a CDN
    assert docs.status_code == 200 and "POST /api/check" in docs.text
    assert "/api/agencies/{token}/submissions" in docs.text
    assert "上传工作簿，返回年报 JSON 及全部问题" in docs.text and "E_UPLOAD_TOO_LARGE" in docs.text
    assert "<script" not in docs.text and "http" not in docs.text.replace("http-equiv", "")
    assert "content-security-policy" in docs.headers
    assert client.get("/docs").status_code == 404 and client.get("/redoc").status_code == 404
    assert "script-src" not in page.headers["content-security-policy"] and "<script" not in page.text
    assert page.headers["x-frame-options"] == "DENY" and page.headers["referrer-policy"] == "no-referrer"
