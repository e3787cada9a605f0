"""What the service stores from hostile input, on SQLite and PostgreSQL (whose text holds no NUL and whose
varchar(n) refuses a longer value, where SQLite keeps both): a roster is kept whole or refused with its code, any
text a request carries (a user name, a file name, a method) is stored as the database can, a deadline at the end of
the calendar is refused, and on a real ``gaip-xl serve`` two submissions of one agency at once are both versions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from service_server import agency_workbook, free_port, make_collection, start_server, stop_server, variants
from service_support import client, csrf_of, db_url, office_login, settings  # noqa: F401  (fixtures)
from sqlalchemy import select

from gaip_xl.roster import read_roster
from gaip_xl.service.db import Agency, Collection, Upload
from gaip_xl.service.records import deadline_passed

DRAWN = hypothesis_settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# text around the columns' lengths, with the characters PostgreSQL cannot keep and other controls
VALUE = st.builds(lambda body, control: body[:len(body) // 2] + control + body[len(body) // 2:],
                  st.text(st.sampled_from("甲乙丙镇局委 "), min_size=1, max_size=260),
                  st.sampled_from(["", "", "\x00", "\x01", "\x7f", "\u200b"]))


def _roster(rows: list[tuple[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["机关名称", "行政级别"])
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _post_roster(client, data: bytes, **fields: str):  # noqa: F811
    form = {"csrf": csrf_of(client, "/office"), "year": "2024", "office_name": "测试县", "office_level": "县级",
            **fields}
    return client.post("/office/collections", data=form, files={"roster": ("名单.csv", data)},
                       follow_redirects=False)


@DRAWN
@given(rows=st.lists(st.tuples(VALUE, VALUE), min_size=1, max_size=3))
def test_a_roster_is_kept_exactly_as_read_or_refused_with_its_code(client, settings, tmp_path, rows):  # noqa: F811
    """Before: on PostgreSQL a name over 200 characters, a 行政级别 over 20 or a NUL was a 500 (DataError)."""
    if not getattr(client, "_logged_in", False):
        office_login(client, settings)
        client._logged_in = True
    data = _roster(rows)
    answer = _post_roster(client, data)
    path = tmp_path / "名单.csv"
    path.write_bytes(data)
    try:
        expected = read_roster(path)
    except Exception:  # noqa: BLE001 - the roster reader's own refusal (duplicates, no names): the service's too
        assert answer.status_code == 422 and "[E_ROSTER_" in answer.text
        return
    if answer.status_code == 422:
        assert "[E_ROSTER_FORMAT]" in answer.text and ("最多" in answer.text or "控制字符" in answer.text)
        return
    assert answer.status_code == 303, answer.text[:300]
    collection_id = int(answer.headers["location"].rsplit("/", 1)[1])
    with client.app.state.service.sessions() as db:
        kept = [(a.name, a.level) for a in db.scalars(select(Agency).where(Agency.collection_id == collection_id)
                                                      .order_by(Agency.line))]
    assert kept == [(e.name, e.level) for e in expected]


@pytest.mark.parametrize("fields", [{"deadline": "9999-12-31"}, {"deadline": "0001-01-01"},
                                    {"deadline": "2024-02-30"}, {"title": "题" * 201}, {"office_name": "县" * 201}])
def test_a_collection_the_database_or_the_calendar_cannot_hold_is_refused(client, settings, fields):  # noqa: F811
    """Before: a deadline of 9999-12-31 was stored, and every page of that collection's agencies was a 500
    (OverflowError); a title over 200 characters was a 500 on PostgreSQL."""
    office_login(client, settings)
    answer = _post_roster(client, _roster([("甲镇人民政府", "乡镇")]), **fields)
    assert answer.status_code == 422 and "[E_ROSTER_FORMAT]" in answer.text
    with client.app.state.service.sessions() as db:
        assert db.scalars(select(Collection)).all() == []


@given(deadline=st.dates(), at=st.datetimes())
@example(deadline=dt.date.max, at=dt.datetime(2025, 1, 1))
def test_lateness_is_told_for_any_deadline_and_any_moment(deadline, at):
    """Before: a deadline of 9999-12-31 raised OverflowError (its next day does not exist)."""
    collection = Collection(year=2024, title="t", deadline=deadline, office_name="o", office_level="其他")
    late = deadline_passed(collection, at)
    if at < dt.datetime.max - dt.timedelta(days=1):
        assert late <= deadline_passed(collection, at + dt.timedelta(days=1))  # once late, late ever after
    if deadline > dt.date.min:  # the deadline day's first moment in Beijing (UTC+8) is not late
        assert not deadline_passed(collection, dt.datetime.combine(deadline, dt.time()) - dt.timedelta(hours=8))


TEXT = st.text(st.sampled_from("甲a\x00\x01 /\\"), min_size=1, max_size=400)


@DRAWN
@given(name=TEXT, filename=TEXT, method=st.text(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), min_size=11,
                                                                max_size=40))
def test_text_a_request_carries_is_stored_as_the_database_can(client, name, filename, method):  # noqa: F811
    """A user name, a file name, a request's method: any length, any NUL. Before: on PostgreSQL a NUL in a login
    name or a method over 10 letters (the audit's column) was a 500 (DataError)."""
    login = client.post("/office/login", data={"name": name, "password": "x", "csrf": csrf_of(client, "/office/login")})
    assert login.status_code in (401, 429) and "[E_INTERNAL]" not in login.text
    page = client.post("/check", data={"csrf": csrf_of(client)}, files={"file": (filename + ".txt", b"not a report")},
                       follow_redirects=False)
    assert page.status_code == 303, page.text[:300]
    token = page.headers["location"].rsplit("/", 1)[1]
    with client.app.state.service.sessions() as db:
        kept = db.scalar(select(Upload).where(Upload.token == token))
    assert kept is not None and "\x00" not in kept.filename and kept.filename.endswith(".txt")
    assert client.request(method, "/check").status_code == 405


@pytest.mark.parametrize("edition", ["2019"])
def test_a_report_in_another_edition_than_the_collections_year_is_not_submitted(client, settings, tmp_path,  # noqa: F811
                                                                                edition):
    """A 2024 report filled in the 2019 template, its S4 warning explained: before, it was submitted, and the
    office's rollup.xlsx was the first roll-up bulk wrote — rollup-2024-2019, the table of that one report."""
    import random

    from builders import consistent_report
    from service_support import report_workbook

    token = make_collection(settings.data, ["甲镇人民政府"], 2024, settings.db_url)["甲镇人民政府"]
    report = consistent_report(edition, random.Random(2), 2024)
    report.agency.name, report.agency.level = "甲镇人民政府", "乡镇"
    workbook = report_workbook(tmp_path, report).read_bytes()
    findings = client.post("/api/check", files={"file": ("年报.xlsx", workbook)}).json()["validation"]["findings"]
    explained = [{"rule": f["rule"], "cells": [cell["code"] for cell in f["cells"]], "text": "按旧模板填写"}
                 for f in findings]
    answer = client.post(f"/api/agencies/{token}/submissions", files={"file": ("年报.xlsx", workbook)},
                         data={"explanations": json.dumps(explained, ensure_ascii=False)})
    assert answer.status_code == 409 and answer.json()["submitted"] is False, answer.text
    assert "2021 年版格式" in answer.json()["error"]["message"]


def test_the_office_downloads_the_roll_up_of_its_years_edition(tmp_path):
    from gaip_xl.service.exports import bulk_file

    (tmp_path / "rollup").mkdir()
    for edition in ("2019", "2021"):
        (tmp_path / "rollup" / f"rollup-2024-{edition}.xlsx").write_bytes(edition.encode())
    assert bulk_file(tmp_path, "rollup.xlsx", 2024).read_bytes() == b"2021"


def test_two_submissions_of_one_agency_at_once_are_both_versions(tmp_path, db_url):  # noqa: F811
    """Many clerks of one agency submit at the same moment on a real server: every one is a version, numbered
    1…n, none refused. Before: on PostgreSQL some were refused (“同时提交的人太多”) after five tries at a number."""
    count = 10
    data = tmp_path / "data"
    tokens = make_collection(data, ["甲镇人民政府"], 2024, db_url)
    files = variants(agency_workbook(tmp_path, "甲镇人民政府", 1), count, "race")
    port = free_port()
    server = start_server(data, port, db_url)
    try:
        def submit(content: bytes) -> httpx.Response:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
                return http.post(f"/api/agencies/{tokens['甲镇人民政府']}/submissions",
                                 files={"file": ("年报.xlsx", content)})

        with ThreadPoolExecutor(count) as pool:
            answers = list(pool.map(submit, files))
        head = httpx.head(f"http://127.0.0.1:{port}/")
        got = httpx.get(f"http://127.0.0.1:{port}/")
    finally:
        stop_server(server)
    assert [a.status_code for a in answers] == [200] * count, [a.text for a in answers if a.status_code != 200]
    assert sorted(a.json()["version"] for a in answers) == list(range(1, count + 1))
    # HEAD is answered as GET without the body (before: 405)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
