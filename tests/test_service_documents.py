"""Published documents and 说明 in the service: a PDF or web page is checked as ``gaip-xl import``/``validate`` check
it (import findings beside the rule findings, the marked workbook filled from the imported report); the 说明 kept
for an upload are the report's ``explanations`` (a workbook's own 说明 rows shown, stale ones listed, the office's
count from ValidationReport); on SQLite and PostgreSQL (see service_support)."""

from __future__ import annotations

import html
import io
import json
import random
import re
from pathlib import Path

import jsonschema
import pytest
from builders import consistent_report
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
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

from gaip_xl import read_workbook
from gaip_xl.cli import run
from gaip_xl.importer import import_report
from gaip_xl.publish import render
from gaip_xl.report import Explanation, Report
from gaip_xl.report.schema import schema_for

HUAIAN_PDF = Path(__file__).parent / "cases" / "huaian-2024.pdf"
BLANK = "s2_item1.rules.issued"  # blank: only the warning B1
ROSTER = "机关名称,行政级别\n乙镇人民政府,乡镇\n".encode()


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(list(argv), out, io.StringIO())
    return code, out.getvalue()


def town_report(seed: int) -> Report:
    report = consistent_report("2021", random.Random(seed), 2024)
    report.agency.name, report.agency.level = "乙镇人民政府", "乡镇"
    report.figures[BLANK] = None
    return report


def schema_errors(document: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema_for(document["edition"]))
    return [error.message for error in validator.iter_errors(document)]


def test_a_pdf_is_checked_as_the_cli_imports_it_with_its_import_findings(client, tmp_path):  # noqa: F811
    data = HUAIAN_PDF.read_bytes()
    _, imported = cli("import", str(HUAIAN_PDF), "-o", "-")
    response = client.post("/api/check", files={"file": ("淮安市2024年报.pdf", data)})
    assert response.status_code == 200 and response.text == imported  # gaip-xl import's document, byte for byte
    _, validated = cli("validate", str(HUAIAN_PDF), "--format", "json")
    expected = json.loads(validated)
    assert response.json()["validation"]["findings"] == expected["findings"]
    assert expected["import_findings"]  # huaian's name gives no 行政级别: I_NO_LEVEL beside J1

    page = upload(client, data, filename="淮安市2024年报.pdf")
    text = html.unescape(page.text)
    assert page.status_code == 200 and "导入提示" in text
    for finding in expected["import_findings"]:
        assert finding["code"] in text and finding["message"] in text
    for finding in expected["findings"]:
        assert finding["rule"] in text and finding["message"] in text
    marked = client.get(str(page.url) + "/marked.xlsx")
    assert marked.status_code == 200
    (tmp_path / "marked.xlsx").write_bytes(marked.content)
    assert read_workbook(tmp_path / "marked.xlsx").figures == import_report(HUAIAN_PDF).report.figures


def test_a_document_is_told_by_its_bytes_not_its_name(client):  # noqa: F811
    data = HUAIAN_PDF.read_bytes()
    named_as_workbook = client.post("/api/check", files={"file": ("年报.xlsx", data)})
    assert named_as_workbook.status_code == 200 and "import" in named_as_workbook.json()
    text = client.post("/api/check", files={"file": ("年报.txt", "只是一段文字，没有年报。".encode())})
    assert text.status_code == 422 and text.json()["error"]["code"] == "E_FILE_TYPE"


def test_a_published_web_page_is_explained_submitted_and_counted(client, settings, tmp_path):  # noqa: F811
    office_login(client, settings)
    collection_id = create_collection(client, ROSTER, 2024, deadline="2099-01-31")
    link = agency_links(client, collection_id)["乙镇人民政府"]
    page = upload(client, render(town_report(4), "html"), action=link + "/check", filename="年报.html", page=link)
    token = str(page.url).split("/c/", 1)[1]
    assert "通过（有警告）" in page.text and "B1" in page.text
    note = "本年未制发规章"
    done = client.post(f"/c/{token}/explain", data={"csrf": csrf_of(client, f"/c/{token}"), "action": "submit",
                                                    "text_0": note})
    assert done.status_code == 200 and "已提交，保存为第 1 版" in done.text
    assert "警告（已说明）" in done.text and note in done.text
    document = client.get(f"/c/{token}/report.json").json()
    assert document["explanations"] == [{"rule": "B1", "cells": [BLANK], "text": note}]
    assert document["validation"]["explained_warnings"] == 1 and document["validation"]["open_warnings"] == 0
    assert document["import"]["source"]["kind"] == "html"
    assert schema_errors(document) == []
    assert client.get(link + "/v1.json").json() == document  # the version kept is that document
    marked = client.get(f"/c/{token}/marked.xlsx")
    (tmp_path / "marked.xlsx").write_bytes(marked.content)
    assert read_workbook(tmp_path / "marked.xlsx").explanations == [Explanation("B1", (BLANK,), note)]
    office = html.unescape(client.get(f"/office/collections/{collection_id}").text)
    assert "已提交·警告已说明" in office
    counts = re.findall(r"<td>(\d+)</td>", office.split('class="counts"', 1)[1].split("</table>", 1)[0])
    assert counts[:4] == ["1", "1", "0", "1"]  # expected, submitted, passed, with warnings explained
    summary = client.get(f"/office/collections/{collection_id}/export/findings.csv")
    rows = summary.content.decode("utf-8-sig").splitlines()
    assert summary.status_code == 200 and len(rows) == 2  # bulk read the submitted report of a web page
    assert rows[1].startswith("乙镇人民政府.json,JSON,乙镇人民政府,2024,") and ",B1,warning," in rows[1]


def test_a_workbooks_own_explanations_are_shown_and_stale_ones_listed(client, tmp_path):  # noqa: F811
    report = town_report(5)
    report.explanations = [Explanation("B1", (BLANK,), "本年未制发规章"),
                           Explanation("R8", ("s2_item1.normative.in_force",), "文件到期失效")]  # no R8 finding
    path = report_workbook(tmp_path, report)
    page = upload(client, path)
    text = html.unescape(page.text)
    assert "警告（已说明）" in text and "本年未制发规章" in text
    assert "过期的说明" in text and "文件到期失效" in text
    token = str(page.url).split("/c/", 1)[1]
    document = client.get(f"/c/{token}/report.json").json()
    _, to_json = cli("to-json", str(path), "-o", "-")
    assert document == json.loads(to_json)  # the workbook's 说明, as the converter reads them
    assert document["validation"]["stale_explanations"] == [report.explanations[1].to_dict()]


def test_a_clerk_changes_and_deletes_explanations_through_the_model(client, settings, tmp_path):  # noqa: F811
    office_login(client, settings)
    collection_id = create_collection(client, ROSTER, 2024, deadline="2099-01-31")
    link = agency_links(client, collection_id)["乙镇人民政府"]
    report = town_report(6)
    report.explanations = [Explanation("B1", (), "旧说明"), Explanation("X9", (), "早已无关")]
    page = upload(client, report_workbook(tmp_path, report), action=link + "/check", page=link)
    token = str(page.url).split("/c/", 1)[1]
    stale_id = re.search(r'name="drop" value="(\d+)"', page.text)
    assert stale_id and "旧说明" in page.text
    changed = client.post(f"/c/{token}/explain", data={"csrf": csrf_of(client, f"/c/{token}"), "action": "save",
                                                       "text_0": "新说明", "drop": stale_id.group(1)})
    document = client.get(f"/c/{token}/report.json").json()
    assert changed.status_code == 200
    # the rule-wide 说明 explained this warning alone: the text typed replaced it; the stale one is gone
    assert document["explanations"] == [{"rule": "B1", "cells": [], "text": "新说明"}]
    assert document["validation"]["stale_explanations"] == []


CELL_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60)  # what a cell holds
RULES = st.sampled_from(["B1", "R8", "", "V1"]) | CELL_TEXT


@hsettings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(RULES, st.lists(st.sampled_from([BLANK, "s3.total.natural", "x.y.z"]), max_size=3),
                               CELL_TEXT), max_size=4))
def test_any_explanation_rows_a_workbook_carries_come_back_as_read(client, tmp_path, rows):  # noqa: F811
    report = town_report(7)
    report.explanations = [Explanation(rule.strip(), tuple(cells), text) for rule, cells, text in rows]
    path = report_workbook(tmp_path, report, "r")
    response = client.post("/api/check", files={"file": (path.name, path.read_bytes())})
    page = upload(client, path)
    token = str(page.url).split("/c/", 1)[1]
    stored = client.get(f"/c/{token}/report.json").json()
    assert stored["explanations"] == response.json()["explanations"]
    assert stored["explanations"] == [e.to_dict() for e in read_workbook(path).explanations]
    # a 说明 written with no rule is kept, and both the schema and validate (J1, an error) name it
    no_rule = any(not e.rule for e in read_workbook(path).explanations)
    assert bool(schema_errors(stored)) == no_rule == any(f["rule"] == "J1" for f in stored["validation"]["findings"])


@pytest.mark.parametrize("filename", ["年报.html", "年报.htm", "年报"])
def test_a_web_page_upload_gets_the_import_document_under_any_name(client, filename):  # noqa: F811
    page = render(town_report(8), "html")
    response = client.post("/api/check", files={"file": (filename, page)})
    assert response.status_code == 200
    document = response.json()
    assert document["import"]["source"]["kind"] == "html" and schema_errors(document) == []


def test_a_report_json_is_refused_with_its_code(client):  # noqa: F811
    response = client.post("/api/check", files={"file": ("年报.json", town_report(9).to_json().encode())})
    assert response.status_code == 422 and response.json()["error"]["code"] == "E_FILE_TYPE"
    assert "gaip-xl validate" in response.json()["error"]["message"]


def test_what_postgresql_cannot_hold_is_kept_as_it_can(client, settings, tmp_path):  # noqa: F811
    """A NUL typed into a form and an agency name longer than its column: stored, never a crash (PostgreSQL)."""
    office_login(client, settings)
    collection_id = create_collection(client, ROSTER, 2024, deadline="2099-01-31")
    link = agency_links(client, collection_id)["乙镇人民政府"]
    report = town_report(10)
    report.agency.name = "乙" * 300
    page = upload(client, report_workbook(tmp_path, report), action=link + "/check", page=link)
    token = str(page.url).split("/c/", 1)[1]
    saved = client.post(f"/c/{token}/explain", data={"csrf": csrf_of(client, f"/c/{token}"), "action": "save",
                                                     "text_0": "本年\x00未制发"})
    assert saved.status_code == 200 and "本年未制发" in saved.text
