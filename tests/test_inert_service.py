"""Hostile text through the web service: agency names in the roster, a report's facts, prose and 说明, the name an
upload is sent under. Every page holds it as text only (html5lib, as a browser builds the page: no element,
attribute or URL beyond what the templates write), every template escapes whatever it is named, the CSV lists are
inert in Excel, the marked workbook holds no formula of its making, the JSON is JSON."""

from __future__ import annotations

import csv
import io
import random
import re
from importlib.resources import files

import pytest
import service_support as service
from builders import consistent_report
from hostile_text import (
    PAYLOADS,
    added_formulas,
    excel_evaluates,
    filled_formulas,
    formula_cells,
    shown_texts,
    xlsx_hyperlinks,
)
from service_support import client, db_url, settings  # noqa: F401  (fixtures)

from gaip_xl.report.limits import text_problem
from gaip_xl.roster import name_key

TEMPLATES = files("gaip_xl.service") / "templates"
URL_ATTRIBUTES = ("href", "src", "action", "formaction")
BLANK = "s2_item1.rules.issued"  # blanking it gives only the warning B1


def template_markup() -> tuple[set[str], set[str]]:
    """The tags and attribute names the service's templates write (and those html5lib adds to any page)."""
    sources = "".join(p.read_text(encoding="utf-8") for p in TEMPLATES.iterdir() if p.name.endswith(".html"))
    tags = set(re.findall(r"<([a-z][a-z0-9]*)", sources)) | {"html", "head", "body", "tbody"}
    attributes = set(re.findall(r"\s([a-z-]+)=[\"']", sources))
    return tags, attributes


def active_parts(page: str) -> list[str]:
    """What in the page could run or lead elsewhere and is not the templates' own making."""
    import html5lib

    tags, attributes = template_markup()
    root = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    found = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag not in tags or element.tag == "script":
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name not in attributes or name.startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name in URL_ATTRIBUTES and not value.startswith(("/", "?", "#")):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


def page_text(page: str) -> str:
    import html5lib

    return "".join(html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False).getroot().itertext())


def hostile_names() -> list[str]:
    """Every payload a roster may hold as a name: one line, each once after the roster's own folding."""
    names, keys = [], set()
    for payload in PAYLOADS:
        name = payload.strip()
        if name and "\n" not in name and "\r" not in name and text_problem(name) is None \
                and name_key(name) and name_key(name) not in keys:
            keys.add(name_key(name))
            names.append(name)
    return names


def test_every_template_escapes_what_it_renders(client):  # noqa: F811
    env = client.app.state.service.templates.env
    for name in env.list_templates():
        assert env.autoescape is True or env.autoescape(name), name
    assert env.from_string("{{ x }}").render(x="<b onclick=x>") == "&lt;b onclick=x&gt;"


def test_hostile_names_prose_and_explanations_stay_text_everywhere(client, settings, tmp_path):  # noqa: F811
    service.office_login(client, settings)
    names = hostile_names()
    roster = io.StringIO()
    csv.writer(roster).writerows([["机关名称", "联系人及电话"], *([n, n] for n in names)])
    collection = service.create_collection(client, ("\ufeff" + roster.getvalue()).encode("utf-8"), 2024,
                                   deadline="2099-01-31")
    links = {(name[1:] if name.startswith("'") and excel_evaluates(name[1:]) else name): link  # behind its quote
             for name, link in service.agency_links(client, collection).items()}
    for listing in ("links.csv", "missing.csv"):
        data = client.get(f"/office/collections/{collection}/{listing}").content
        assert formula_cells(data) == [], listing
        assert set(names) <= shown_texts(data)

    agency = names[0]
    report = consistent_report("2021", random.Random(7), 2024)
    report.agency.name, report.agency.level = agency, "乡镇"
    report.agency.contact = names[1]
    report.text.update(overview=PAYLOADS[13], problems=PAYLOADS[14], other=PAYLOADS[19])
    report.figures[BLANK] = None
    workbook = service.report_workbook(tmp_path, report)
    checked = service.upload(client, workbook, action=links[agency] + "/check", page=links[agency],
                     filename='"><img src=x onerror=alert(1)>.xlsx')
    assert checked.status_code == 200
    token = str(checked.url).split("/c/", 1)[1].split("?", 1)[0]
    data = {"csrf": service.csrf_of(client, f"/c/{token}"), "action": "submit"}
    data |= {f"text_{i}": PAYLOADS[1] for i in range(9)}  # a 说明 for every warning
    submitted = client.post(f"/c/{token}/explain", data=data)
    assert submitted.status_code == 200, page_text(submitted.text)[-300:]  # every warning explained

    pages = [f"/c/{token}", links[agency], f"/office/collections/{collection}", "/office/audit", "/office"]
    for path in pages:
        page = client.get(path).text
        assert active_parts(page) == [], path
    assert agency in page_text(client.get(f"/office/collections/{collection}").text)
    assert PAYLOADS[1] in page_text(client.get(f"/c/{token}").text)

    marked = client.get(f"/c/{token}/marked.xlsx").content
    assert added_formulas(marked, filled_formulas(report)) == []
    assert xlsx_hyperlinks(marked) == []
    document = client.get(f"/c/{token}/report.json").json()
    assert document["agency"]["name"] == agency and document["explanations"][0]["text"] == PAYLOADS[1]

    findings = client.get(f"/office/collections/{collection}/export/findings.csv").content
    assert formula_cells(findings) == [] and PAYLOADS[1] in shown_texts(findings)


@pytest.mark.parametrize("filename", ['"><script>alert(1)</script>.xlsx', "=1+1.xlsx", "{{7*7}}.xlsx"])
def test_an_upload_under_a_hostile_name_gets_a_page_of_text(client, filename):  # noqa: F811
    response = service.upload(client, b"not a workbook", filename=filename)
    assert active_parts(response.text) == []
    assert "49" not in page_text(response.text).replace(filename, "")
