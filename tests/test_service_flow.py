"""The office and the agencies: a collection from a roster, agency links, 说明, submission versions, the state page,
the downloads made by bulk's code; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import html
import io
import json
import random
import re

import pytest
from builders import consistent_report
from service_support import (  # noqa: F401  (fixtures)
    agency_links,
    client,
    create_collection,
    csrf_of,
    db_url,
    office_login,
    report_workbook,
    settings,
    upload,
)
from sqlalchemy import select

from gaip_xl.service.db import AuditEntry, Submission

BLANK = "s2_item1.rules.issued"  # a figure no identity uses: blanking it gives only the warning B1
ROSTER = ("\ufeff机关名称,行政级别,联系人及电话\n甲镇人民政府,乡镇,张三 0517-1\n乙镇人民政府,乡镇,\n"
          "丙 镇人民政府,乡镇,\n")


def agency_report(name: str, seed: int, year: int = 2024):
    report = consistent_report("2021", random.Random(seed), year)
    report.agency.name = name
    report.agency.level = "乡镇"
    return report


@pytest.fixture
def collection(client, settings):  # noqa: F811
    office_login(client, settings)
    collection_id = create_collection(client, ROSTER.encode("utf-8"), 2024, deadline="2099-01-31")
    return collection_id, agency_links(client, collection_id)


def check_on_link(client, tmp_path, link, report, name="r"):  # noqa: F811
    path = report_workbook(tmp_path, report, name)
    response = upload(client, path, action=link + "/check", page=link)
    assert response.status_code == 200
    return str(response.url).split("/c/", 1)[1].split("?", 1)[0], response


def explain_and_submit(client, token, texts):  # noqa: F811
    data = {"csrf": csrf_of(client, f"/c/{token}"), "action": "submit"}
    data.update({f"text_{i}": t for i, t in enumerate(texts)})
    return client.post(f"/c/{token}/explain", data=data)


def test_roster_makes_one_link_per_agency_and_all_are_missing(client, collection):  # noqa: F811
    collection_id, links = collection
    assert list(links) == ["甲镇人民政府", "乙镇人民政府", "丙 镇人民政府"]
    page = client.get(f"/office/collections/{collection_id}")
    counts = re.findall(r"<td>(\d+)</td>", page.text.split('class="counts"', 1)[1].split("</table>", 1)[0])
    assert counts[:6] == ["3", "0", "0", "0", "3", "0"]  # expected, submitted, passed, explained, missing, late
    missing = client.get(f"/office/collections/{collection_id}/missing.csv").content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(missing)))
    assert [r["机关名称"] for r in rows] == list(links) and rows[0]["联系人及电话"] == "张三 0517-1"


def test_a_report_with_errors_cannot_be_submitted(client, tmp_path, collection):  # noqa: F811
    _, links = collection
    report = agency_report("甲镇人民政府", 1)
    report.figures["s3.total.natural"] += 1
    token, page = check_on_link(client, tmp_path, links["甲镇人民政府"], report)
    assert "有错误的报告不能提交" in page.text and 'value="submit"' not in page.text
    response = client.post(f"/c/{token}/submit", data={"csrf": csrf_of(client, f"/c/{token}")})
    assert response.status_code == 409 and "E_NOT_SUBMITTABLE" in response.text
    assert "报告有 3 个错误" in html.unescape(response.text)
    with client.app.state.service.sessions() as db:
        assert db.scalars(select(Submission)).all() == []


def test_warnings_need_a_note_then_every_submission_is_a_new_version(client, tmp_path, collection):  # noqa: F811
    collection_id, links = collection
    link = links["丙 镇人民政府"]
    report = agency_report("丙镇人民政府", 2)  # the roster's “丙 镇” matches after removing whitespace
    report.figures[BLANK] = None  # a blank cell: warning B1
    token, page = check_on_link(client, tmp_path, link, report)
    assert "通过（有警告）" in page.text and "B1" in page.text
    refused = explain_and_submit(client, token, [""])
    assert refused.status_code == 409 and "没有写说明" in refused.text
    done = explain_and_submit(client, token, ["本机关本年无新收自然人申请，故空白"])
    assert done.status_code == 200 and "已提交，保存为第 1 版" in done.text
    again = explain_and_submit(client, token, ["本机关本年无新收自然人申请，故空白"])
    assert "第 1 版" in again.text  # the same upload twice is not a second version
    document = client.get(f"/c/{token}/report.json").json()
    assert document["explanations"] == [{"rule": "B1", "cells": [BLANK],
                                         "text": "本机关本年无新收自然人申请，故空白"}]
    token2, _ = check_on_link(client, tmp_path, link, report, "r2")  # the same file again: a second version
    assert explain_and_submit(client, token2, ["说明二"]).status_code == 200
    agency_page = client.get(link)
    assert "第 2 版" in agency_page.text and "第 1 版" in agency_page.text
    first = client.get(link + "/v1.json").json()
    assert first["explanations"][0]["text"] == "本机关本年无新收自然人申请，故空白"  # never overwritten
    state = client.get(f"/office/collections/{collection_id}?show=explained").text
    assert "丙 镇人民政府" in state and "甲镇人民政府" not in state and "已提交·警告已说明" in state


def test_agency_link_shows_only_its_own_submissions_and_refuses_another_agencys_report(  # noqa: F811
        client, tmp_path, collection):  # noqa: F811
    _, links = collection
    token, _ = check_on_link(client, tmp_path, links["甲镇人民政府"], agency_report("甲镇人民政府", 3))
    assert explain_and_submit(client, token, []).status_code == 200
    other = client.get(links["乙镇人民政府"])
    assert "尚未提交" in other.text and "甲镇人民政府" not in other.text
    assert client.get(links["乙镇人民政府"] + "/v1.json").status_code == 404
    wrong, _ = check_on_link(client, tmp_path, links["乙镇人民政府"], agency_report("甲镇人民政府", 4), "w")
    refused = explain_and_submit(client, wrong, [])
    assert refused.status_code == 409 and "不一致" in refused.text
    wrong_year, _ = check_on_link(client, tmp_path, links["乙镇人民政府"], agency_report("乙镇人民政府", 5, 2023), "y")
    assert "本次收集的是 2024 年度" in explain_and_submit(client, wrong_year, []).text


def test_a_name_copied_with_a_zero_width_space_is_the_agencys_own(client, tmp_path, collection):  # noqa: F811
    """The name looks the same to the clerk: refusing it as another agency's would leave no way to submit."""
    _, links = collection
    token, _ = check_on_link(client, tmp_path, links["甲镇人民政府"], agency_report("甲镇\u200b人民政府\ufeff", 6))
    assert explain_and_submit(client, token, []).status_code == 200


def test_office_page_filters_and_bulk_downloads(client, tmp_path, collection):  # noqa: F811
    collection_id, links = collection
    for seed, name in enumerate(["甲镇人民政府", "乙镇人民政府"], start=10):
        token, _ = check_on_link(client, tmp_path, links[name], agency_report(name, seed), f"s{seed}")
        assert explain_and_submit(client, token, []).status_code == 200
    page = client.get(f"/office/collections/{collection_id}?show=missing").text
    assert "丙 镇人民政府" in page and "甲镇人民政府" not in page
    passed = client.get(f"/office/collections/{collection_id}?show=passed").text
    assert "甲镇人民政府" in passed and "乙镇人民政府" in passed
    summary = client.get(f"/office/collections/{collection_id}/export/summary.xlsx")
    assert summary.status_code == 200
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(summary.content), read_only=True)
    names = {row[1] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True) if row and row[1]}
    assert {"甲镇人民政府", "乙镇人民政府"} <= names
    tidy = client.get(f"/office/collections/{collection_id}/export/tidy.csv").content.decode("utf-8-sig")
    assert tidy.count("甲镇人民政府") > 100
    rollup = client.get(f"/office/collections/{collection_id}/export/rollup.json").json()
    a, b = agency_report("甲镇人民政府", 10), agency_report("乙镇人民政府", 11)
    assert rollup["tables"]["s3"]["total"]["total"] == a.figures["s3.total.total"] + b.figures["s3.total.total"]
    assert rollup["agency"]["name"] == "测试县人民政府"


def test_office_pages_need_login_and_every_change_is_audited(client, tmp_path, settings):  # noqa: F811
    assert client.get("/office", follow_redirects=False).headers["location"] == "/office/login"
    assert client.get("/office/collections/1/missing.csv", follow_redirects=False).status_code == 303
    office_login(client, settings)
    create_collection(client, ROSTER.encode("utf-8"), 2024)
    with client.app.state.service.sessions() as db:
        actions = [(e.action, e.actor) for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions == [("login", "office:县政务公开办"), ("create_collection", "office:县政务公开办")]
    page = client.get("/office/audit").text
    assert "create_collection" in page and page.index("create_collection") < page.index(">login<")


def test_wrong_password_is_refused(client, settings):  # noqa: F811
    from service_support import create_office_user

    create_office_user(settings)
    response = client.post("/office/login", data={"name": "县政务公开办", "password": "nope",
                                                  "csrf": csrf_of(client, "/office/login")})
    assert response.status_code == 401 and "用户名或密码不对" in response.text
    assert client.get("/office", follow_redirects=False).status_code == 303


def test_api_submission_with_explanations(client, tmp_path, collection):  # noqa: F811
    _, links = collection
    token = links["乙镇人民政府"].rsplit("/", 1)[1]
    report = agency_report("乙镇人民政府", 7)
    report.figures[BLANK] = None  # blank: warning B1
    path = report_workbook(tmp_path, report)
    response = client.post(f"/api/agencies/{token}/submissions", files={"file": (path.name, path.read_bytes())})
    body = response.json()
    assert response.status_code == 409 and body["status"] == "received" and body["submitted"] is False
    assert body["error"]["code"] == "E_NOT_SUBMITTABLE" and "没有写说明" in body["error"]["message"]
    twice = '[{"rule": "B1", "cells": [' + json.dumps(BLANK) + '], "text": "本年未制发规章", "text": "另一条说明"}]'
    refused = client.post(f"/api/agencies/{token}/submissions", files={"file": (path.name, path.read_bytes())},
                          data={"explanations": twice})  # which text is the 说明? neither is guessed
    assert refused.status_code == 409 and "explanations 应为 JSON 列表" in refused.json()["error"]["message"]
    note = [{"rule": "B1", "cells": [BLANK], "text": "本年未制发规章"}]
    ok = client.post(f"/api/agencies/{token}/submissions", files={"file": (path.name, path.read_bytes())},
                     data={"explanations": json.dumps(note, ensure_ascii=False)}).json()
    assert ok["submitted"] is True and ok["version"] == 1 and len(ok["sha256"]) == 64
    assert client.get(f"/a/{token}/v1.json").json()["explanations"] == note


def test_a_submission_after_the_deadline_is_kept_and_flagged_late(client, tmp_path, settings):  # noqa: F811
    office_login(client, settings)
    collection_id = create_collection(client, ROSTER.encode("utf-8"), 2024, deadline="2025-01-31")
    links = agency_links(client, collection_id)
    token, _ = check_on_link(client, tmp_path, links["甲镇人民政府"], agency_report("甲镇人民政府", 21))
    assert explain_and_submit(client, token, []).status_code == 200
    late = client.get(f"/office/collections/{collection_id}?show=late").text
    assert "甲镇人民政府" in late and "逾期" in late and "乙镇人民政府" not in late
    assert "逾期" in client.get(links["甲镇人民政府"]).text
