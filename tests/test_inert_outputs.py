"""Hostile text in every field of one report, through each writer of a single report: to-xlsx (the template
writer), the marked workbook, the published page and the .docx. No formula or link of its making in a workbook
(only the template's own formulas, and the marked workbook's links to its own cells); no element, attribute or
script of its making in the page; a .docx every part of which is XML Word opens; the text itself comes back."""

from __future__ import annotations

import io
from collections import Counter

import docx
import pytest
from builders import load_case
from hostile_text import (
    added_formulas,
    docx_parts_are_xml,
    filled_formulas,
    hostile_texts,
    html_markup,
    html_text_of,
    put_everywhere,
    writable_texts,
    xlsx_formulas,
    xlsx_hyperlinks,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.cli import run
from gaip_xl.excel.marked import marked_bytes
from gaip_xl.format.editions import report_title
from gaip_xl.publish import render
from gaip_xl.publish.content import PROSE_SECTIONS, one_line, paragraphs
from gaip_xl.report.model import Explanation

CASES = ("pingtan-2021", "synthetic-2019")
SLOW = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
WORKBOOK = settings(SLOW, max_examples=6)  # a workbook written and parsed per example: fewer of them


def hostile_report(case: str, texts: list[str]) -> Report:
    """The case with the texts in its facts, prose, date, three figure cells and the 说明 of every warning."""
    report = load_case(case)
    put_everywhere(report, texts)
    report.published_on = texts[-1]
    for i, code in enumerate(sorted(report.figures)[::40][:3]):
        report.figures[code] = texts[i % len(texts)]
    warnings = [f for f in validate(report).findings if f.severity.value == "warning"]
    report.explanations = [Explanation(f.rule, tuple(c.code for c in f.cells), texts[i % len(texts)])
                           for i, f in enumerate(warnings)]
    return report


@WORKBOOK
@given(case=st.sampled_from(CASES), texts=st.lists(writable_texts(), min_size=1, max_size=4))
def test_to_xlsx_writes_text_as_text_and_reads_it_back(tmp_path_factory, case, texts):
    report = hostile_report(case, texts)
    path = tmp_path_factory.mktemp("xlsx") / "r.xlsx"
    write_workbook(report, path)
    data = path.read_bytes()
    assert sorted(xlsx_formulas(data).values()) == filled_formulas(load_case(case))
    assert xlsx_hyperlinks(data) == []
    assert read_workbook(path).to_json() == Report.from_json(report.to_json()).to_json()


@WORKBOOK
@given(case=st.sampled_from(CASES), texts=st.lists(writable_texts(), min_size=1, max_size=4))
def test_the_marked_workbook_holds_no_formula_of_the_submissions_making(case, texts):
    report = Report.from_json(hostile_report(case, texts).to_json())
    data = marked_bytes(report, validate(report))
    assert added_formulas(data, filled_formulas(load_case(case))) == []
    assert Counter(xlsx_formulas(data).values()) >= Counter(filled_formulas(load_case(case)))
    assert xlsx_hyperlinks(data) == []


def allowed_markup(case: str) -> set[tuple[str, str, str]]:
    """Every (tag, attribute, value) a page of the case may hold: one with a date and indented prose, one without."""
    report = load_case(case)
    plain = html_markup(render(report, "html").decode())
    report.published_on = "2022-01-20"
    report.text.update(dict.fromkeys(PROSE_SECTIONS.values(), "甲\n  乙"))
    return plain | html_markup(render(report, "html").decode())


@pytest.fixture(scope="module")
def allowed() -> dict[str, set[tuple[str, str, str]]]:
    return {case: allowed_markup(case) for case in CASES}


@SLOW
@given(case=st.sampled_from(CASES), texts=st.lists(hostile_texts(), min_size=1, max_size=4))
def test_the_published_page_holds_hostile_text_as_text_only(allowed, case, texts):
    report = hostile_report(case, texts)
    page = render(report, "html").decode()
    assert html_markup(page) <= allowed[case]
    title = one_line(report_title(report.agency.name, report.year))
    assert html_text_of(page, "h1") == [title] and html_text_of(page, "title") == [title]
    prose = [p for key in PROSE_SECTIONS.values() for p in paragraphs(report.text.get(key))]
    shown = html_text_of(page, "p")
    assert shown[-len(prose):] == prose if prose else True


@SLOW
@given(case=st.sampled_from(CASES), texts=st.lists(hostile_texts(), min_size=1, max_size=4))
def test_the_docx_is_xml_word_opens_and_holds_the_text(case, texts):
    report = hostile_report(case, texts)
    data = render(report, "docx")
    assert docx_parts_are_xml(data) == []
    document = docx.Document(io.BytesIO(data))
    shown = [p.text for p in document.paragraphs]
    assert one_line(report_title(report.agency.name, report.year)) in shown
    for key in PROSE_SECTIONS.values():
        assert all(p in shown for p in paragraphs(report.text.get(key)))
    assert len(document.core_properties.title) <= 255


@pytest.mark.parametrize("name", ["长" * 300, "某某县\x0b人民政府", "某某县\x0c人民政府"],
                         ids=["over-255", "vertical-tab", "form-feed"])
def test_publish_writes_a_docx_for_a_very_long_name_or_one_with_words_line_break(tmp_path, name):
    """An agency name over the 255 characters of a document property, or holding Word's line or page break (a
    character XML forbids): before, python-docx raised and the command said E_INTERNAL."""
    report = load_case(CASES[0])
    report.agency.name = name
    source, target = tmp_path / "r.json", tmp_path / "r.docx"
    source.write_text(report.to_json(), encoding="utf-8")
    err = io.StringIO()
    code = run(["publish", str(source), "-o", str(target), "--force"], io.StringIO(), err)
    assert code in (0, 1) and "E_INTERNAL" not in err.getvalue(), err.getvalue()
    document = docx.Document(io.BytesIO(target.read_bytes()))
    assert one_line(report_title(name, report.year)) == document.paragraphs[0].text
