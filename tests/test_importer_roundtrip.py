"""Generated documents imported back: every case and random reports of both editions, rendered as HTML with merged
headers (UTF-8 and GBK), as .docx with gridSpan/vMerge, and as text copied off a page, give back the same figures,
blanks as blanks, and the same findings."""

import datetime as dt

import pytest
from builders import CASES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_docx, to_html, to_markdown, to_text

from gaip_xl import import_report, validate
from gaip_xl.format import EDITIONS, ValueType
from gaip_xl.report import Report

CASE_NAMES = sorted(p.stem for p in CASES.glob("*.json"))
RENDERERS = {
    "html": lambda r: to_html(r),
    "html-gbk": lambda r: to_html(r, encoding="gbk"),
    "docx": to_docx,
    "text": lambda r: to_text(r).encode("utf-8"),
    "markdown": lambda r: to_markdown(r).encode("utf-8"),
}


def cells(report: Report) -> dict:
    return {c.code: report.figures.get(c.code) for c in report.edition.cells}


def rules(report: Report) -> list:
    return sorted((f.rule, tuple(c.code for c in f.cells)) for f in validate(report).findings)


@pytest.mark.parametrize("kind", sorted(RENDERERS))
@pytest.mark.parametrize("name", CASE_NAMES)
def test_cases_survive_every_rendering(name, kind):
    report = Report.load(CASES / f"{name}.json")
    result = import_report(RENDERERS[kind](report))
    assert result.report.edition.code == report.edition.code and result.report.year == report.year
    assert cells(result.report) == cells(report)
    assert result.report.agency.name == report.agency.name
    assert [f.code for f in result.findings if f.code != "I_NO_LEVEL"] == []
    result.report.agency.level = report.agency.level
    assert rules(result.report) == rules(report)


def _figure(kind: ValueType):
    if kind is ValueType.CHANGE:
        value = st.integers(-5000, 5000)
    elif kind is ValueType.AMOUNT:
        value = st.integers(0, 10**9).map(lambda n: n / 100)
    else:
        value = st.integers(0, 10**7)
    return st.one_of(st.none(), st.just(0), value)


@st.composite
def reports(draw):
    edition = EDITIONS[draw(st.sampled_from(sorted(EDITIONS)))]
    report = Report.empty(edition, draw(st.integers(2019, 2020) if edition.code == "2019" else st.integers(2021, 2030)))
    report.agency.name = draw(st.sampled_from(["某某县人民政府", "某某市交通运输局", "某某镇人民政府"]))
    for cell in edition.cells:
        value = draw(_figure(cell.type))
        if value is not None:
            report.figures[cell.code] = value
    report.text["overview"] = f"本年共受理政府信息公开申请{draw(st.integers(0, 99))}件。"
    published = draw(st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2031, 12, 31))))
    report.published_on = published.isoformat() if published else None
    return report


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(report=reports(), kind=st.sampled_from(sorted(RENDERERS)))
def test_random_reports_of_both_editions_survive(report, kind):
    result = import_report(RENDERERS[kind](report))
    assert result.report.edition.code == report.edition.code
    assert cells(result.report) == cells(report)
    assert result.report.text["overview"] == report.text["overview"]
    assert result.report.published_on == report.published_on
    report.agency.level = result.report.agency.level  # the level a name states (县 → 县级): a fact, not a figure
    assert rules(result.report) == rules(report)


@pytest.mark.skipif(__import__("shutil").which("soffice") is None, reason="LibreOffice is not installed")
def test_pdfs_printed_by_libreoffice_import_to_the_same_figures(tmp_path):
    """Word → PDF by LibreOffice (ruled tables, labels and figures wrapped in narrow cells): the same figures; what
    needed help is said (a figure wrapped over two lines, a label cut short placed by the row order)."""
    from gaip_xl.template.libreoffice import convert

    names = ["huaian-2024", "xian-2021", "pingtan-2021"]
    sources = []
    for name in names:
        source = tmp_path / f"{name}.docx"
        source.write_bytes(to_docx(Report.load(CASES / f"{name}.json")))
        sources.append(source)
    for name, pdf in zip(names, convert(sources, "pdf", tmp_path / "pdf"), strict=True):
        report = Report.load(CASES / f"{name}.json")
        result = import_report(pdf)
        assert result.block["source"]["kind"] == "pdf"
        assert cells(result.report) == cells(report)
        assert {f.code for f in result.findings} <= {"I_NO_LEVEL", "I_VALUES_CONVERTED", "I_ROW_BY_POSITION"}


def test_a_word_layout_table_holding_the_report_is_read_through():
    import io

    import docx

    report = Report.load(CASES / "pingtan-2022.json")
    inner = docx.Document(io.BytesIO(to_docx(report)))
    outer = docx.Document()
    frame = outer.add_table(rows=1, cols=1)
    cell = frame.cell(0, 0)
    body = list(inner.element.body.iterchildren())
    for element in body:
        if element.tag.endswith("}sectPr"):
            continue
        cell._tc.append(element)
    cell._tc.append(cell._tc.makeelement(cell.paragraphs[0]._p.tag))  # a cell ends with a paragraph
    out = io.BytesIO()
    outer.save(out)
    result = import_report(out.getvalue())
    assert cells(result.report) == cells(report)


def test_a_report_held_in_a_script_string_is_read_as_text():
    """Some portals ship the report as an escaped string that a script renders: the string is read, never run."""
    import json

    report = Report.load(CASES / "pingtan-2022.json")
    page = to_html(report).decode()
    body = page[page.index("<body>") + 6:page.index("</body>")]
    literal = json.dumps(body).replace("<", "\\u003c").replace("/", "\\/")
    shell = (f"<html><head><title>{report.agency.name}</title></head><body><div id=app></div>"
             f"<script>var data = {{\"content\": {literal}}}; render(data);</script></body></html>")
    result = import_report(shell.encode())
    assert cells(result.report) == cells(report) and result.report.agency.name == report.agency.name
    assert result.provenance["s3.new.total"]["where"]["script"] is True
