"""Hostile requests to the web service, class by class, on SQLite and PostgreSQL: whatever the link, the number in
it, the method, the form or its fields, the answer is a code and a Chinese message (never a 500, never an English
word of the framework's), a link that is not an agency's names nothing, and a request that sends one field twice is
refused whole (nothing stored), never answered with one of its copies picked in silence."""

from __future__ import annotations

import json
import random
from urllib.parse import quote

import pytest
import service_support as service
from builders import consistent_report
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from service_support import client, db_url, settings  # noqa: F401  (fixtures)
from sqlalchemy import func, select

from gaip_xl.service.db import Submission, Upload

ROSTER = "机关名称,行政级别\n甲镇人民政府,乡镇\n乙镇人民政府,乡镇\n".encode()
DRAWN = hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
FRAMEWORK_WORDS = ("Not Found", "Method Not Allowed", "Invalid multipart", "Missing boundary", '"detail"')
OUT_OF_RANGE = st.one_of(st.integers(min_value=2**31, max_value=10**40), st.integers(min_value=-(10**40),
                                                                                       max_value=-1))
# what a form may send where a number belongs: digits of other scripts, superscripts, exponents, many digits, any text
FORM_NUMBER = st.one_of(st.text(st.sampled_from("0123456789²³¹١٢٣０１２⁴₅")), st.integers().map(str),
                        st.sampled_from(["1e9", "9" * 40, " 1", "+1", "-0"]), st.text(max_size=12))
TOKEN_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


@pytest.fixture
def links(client, settings, tmp_path):  # noqa: F811
    """The office logged in, a collection of two agencies: (collection id, agency name → link, 甲's workbook)."""
    service.office_login(client, settings)
    collection_id = service.create_collection(client, ROSTER, 2024, deadline="2099-01-31")
    report = consistent_report("2021", random.Random(3), 2024)
    report.agency.name, report.agency.level = "甲镇人民政府", "乡镇"
    workbook = service.report_workbook(tmp_path, report).read_bytes()
    return collection_id, service.agency_links(client, collection_id), workbook


def coded(response, status: int, code: str) -> None:
    """The answer is ``status`` with ``code`` and a Chinese message, as JSON under /api/ and as a page elsewhere."""
    assert response.status_code == status, response.text[:300]
    assert not any(word in response.text for word in FRAMEWORK_WORDS), response.text[:300]
    if response.headers.get("content-type", "").startswith("application/json"):
        error = response.json()["error"]
        assert error["code"] == code and any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    else:
        assert f"[{code}]" in response.text


def stored(client) -> tuple[int, int]:  # noqa: F811
    with client.app.state.service.sessions() as db:
        return db.scalar(select(func.count()).select_from(Upload)), db.scalar(
            select(func.count()).select_from(Submission))


@DRAWN
@given(number=OUT_OF_RANGE)
def test_a_number_in_a_link_beyond_the_databases_names_nothing(client, links, number):  # noqa: F811
    """Before: /a/…/v99999999999999999999.json and /office/collections/<2**31> were 500 (OverflowError on SQLite,
    DataError on PostgreSQL)."""
    collection_id, agency, _ = links
    for path in (f"{agency['甲镇人民政府']}/v{number}.json", f"/office/collections/{number}",
                 f"/office/collections/{number}/links.csv", f"/office/collections/{number}/export/summary.xlsx"):
        response = client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
        assert "[E_BAD_REQUEST]" in response.text or "[E_NOT_FOUND]" in response.text


@DRAWN
@given(drawn=TOKEN_TEXT, change=st.sampled_from(["drawn", "upper", "lower", "nul", "space", "doubled", "cut"]))
def test_a_link_that_is_not_an_agencys_secret_names_nothing(client, links, drawn, change):  # noqa: F811
    """Any text as the secret of a link (NUL, other scripts, a thousand characters, the real one in another case or
    with something added) is not found, with its code. Before: a NUL was a 500 on PostgreSQL (DataError)."""
    _, agency, workbook = links
    real = agency["甲镇人民政府"].removeprefix("/a/")
    token = {"drawn": drawn, "upper": real.upper(), "lower": real.lower(), "nul": real + "\x00", "space": real + " ",
             "doubled": real + real, "cut": real[:-1]}[change]
    if token.rstrip("/") in (real, ".", "..", "") or token in (".", ".."):
        return  # the link itself (a trailing slash is redirected to it), or a path the client resolves away
    quoted = quote(token, safe="")
    coded(client.get(f"/a/{quoted}"), 404, "E_NOT_FOUND")
    coded(client.get(f"/c/{quoted}"), 404, "E_NOT_FOUND")
    coded(client.post(f"/api/agencies/{quoted}/submissions", files={"file": ("a.xlsx", workbook)}), 404,
          "E_NOT_FOUND")
    assert stored(client) == (0, 0)


@pytest.mark.parametrize("path, field", [("/api/check", "file"), ("/api/agencies/{link}/submissions", "file"),
                                         ("/api/agencies/{link}/submissions", "explanations"),
                                         ("/api/check?marked=1&marked=0", None), ("/check", "file"),
                                         ("/check", "csrf"), ("{link}/check", "file")])
def test_a_field_sent_twice_is_refused_and_nothing_is_stored(client, links, path, field):  # noqa: F811
    """Two files in one upload (or two tokens, two explanations, two ``marked``): the framework took the last one,
    so the file checked and stored was not the clerk's first. Before: 200/409 with the second file stored."""
    _, agency, workbook = links
    link = agency["甲镇人民政府"]
    path = path.format(link=link.removeprefix("/a/") if path.startswith("/api/") else link)
    data: dict[str, object] = {"csrf": service.csrf_of(client, link)}
    files = [("file", ("甲.xlsx", workbook))]
    if field == "file":
        files.append(("file", ("乙.xlsx", b"PK\x03\x04 not the same file")))
    elif field in ("csrf", "explanations"):
        data[field] = [str(data["csrf"]), "[]"] if field == "csrf" else ["[]", "[]"]
    coded(client.post(path, data=data, files=files), 400, "E_FIELD_REPEATED")
    assert stored(client) == (0, 0)


@DRAWN
@given(keys=st.lists(FORM_NUMBER, max_size=4), drops=st.lists(FORM_NUMBER, max_size=4))
def test_any_field_names_and_numbers_of_the_explain_form_are_taken_or_ignored(client, links, keys, drops):  # noqa: F811
    """The 说明 form names warnings by ``text_<index>`` and stale 说明 by ``drop=<id>``: any other text there (“²”,
    “١٢”, “1e9”, a thousand digits) names nothing. Before: “²” passed ``str.isdigit`` and int() raised (500)."""
    _, agency, workbook = links
    link = agency["甲镇人民政府"]
    page = client.post(f"{link}/check", data={"csrf": service.csrf_of(client, link)},
                       files={"file": ("甲.xlsx", workbook)})
    token = str(page.url).split("/c/", 1)[1]
    fields = [("csrf", service.csrf_of(client, f"/c/{token}")), ("action", "save")]
    fields += [(f"text_{key}", "说明") for key in dict.fromkeys(keys)] + [("drop", value) for value in drops]
    body = "&".join(f"{quote(name)}={quote(value)}" for name, value in fields)
    answer = client.post(f"/c/{token}/explain", content=body.encode(),
                         headers={"Content-Type": "application/x-www-form-urlencoded"}, follow_redirects=False)
    assert answer.status_code == 303, answer.text[:300]


@pytest.mark.parametrize("method, path, kwargs, status, code", [
    ("GET", "/no/such/page", {}, 404, "E_NOT_FOUND"),
    ("GET", "/api/no/such", {}, 404, "E_NOT_FOUND"),
    ("GET", "/api/check", {}, 405, "E_METHOD_NOT_ALLOWED"),
    ("PUT", "/", {}, 405, "E_METHOD_NOT_ALLOWED"),
    ("DELETE", "/api/agencies/x/submissions", {}, 405, "E_METHOD_NOT_ALLOWED"),
    ("FOOBARBAZQUUX", "/check", {}, 405, "E_METHOD_NOT_ALLOWED"),
    ("POST", "/api/check", {"content": b"garbage", "headers": {"Content-Type": "multipart/form-data; boundary=z"}},
     400, "E_BAD_REQUEST"),
    ("POST", "/check", {"content": b"garbage", "headers": {"Content-Type": "multipart/form-data"}}, 400,
     "E_BAD_REQUEST"),
    ("POST", "/api/check", {"files": {"file": ("长" * 2000 + ".xlsx", b"PK")}}, 400, "E_BAD_REQUEST"),
])
def test_what_the_framework_refuses_gets_a_code_and_a_chinese_message(client, method, path, kwargs, status,  # noqa: F811
                                                                       code):
    """Before: {"detail": "Not Found"}, {"detail": "Method Not Allowed"}, "[HTTP_400] Invalid multipart data." —
    English, and under /api/ without the {"error": {code, title, message}} every other refusal has."""
    response = client.request(method, path, **kwargs)
    coded(response, status, code)
    if status == 405:
        assert response.headers["allow"]


def test_the_api_refuses_a_body_that_is_not_a_form_with_its_code(client):  # noqa: F811
    for body, kind in ((json.dumps([1, 2]), "application/json"), ("file=abc", "application/x-www-form-urlencoded")):
        response = client.post("/api/check", content=body.encode(), headers={"Content-Type": kind})
        assert response.status_code in (400, 422) and response.json()["error"]["code"].startswith("E_")
