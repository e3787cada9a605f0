"""Whatever a clerk typed comes out as text: markup, formulas, control characters, a megabyte of prose; a blank
figure is printed blank, never 0, and text in a figure cell as typed."""

from __future__ import annotations

import io
import unicodedata

import docx
import lxml.html
from builders import load_case
from hypothesis import given, settings
from hypothesis import strategies as st
from publish_helpers import docx_tables, expected_positions, html_tables, parse_html

from gaip_xl.publish import render
from gaip_xl.report import Report

HOSTILE = ("<script>alert(1)</script><b>粗体</b>&amp; &lt;", "=cmd|' /C calc'!A0", "+SUM(1,2)", "@IMPORT",
           "<!-- x --><![CDATA[y]]>", 'he said "hi" & \'bye\'', "</p></div></body>")


def prose_of_html(report: Report, fast: bool = False) -> str:
    """The paragraphs' text, parsed by html5lib as a browser would (``fast``: by lxml, for a megabyte)."""
    page = render(report, "html").decode("utf-8")
    tree = lxml.html.document_fromstring(page) if fast else parse_html(page)
    return "\n".join("".join(p.itertext()) for p in tree.iter("p"))


def prose_of_docx(report: Report) -> str:
    document = docx.Document(io.BytesIO(render(report, "docx")))
    return "\n".join(p.text for p in document.paragraphs if p.style.name == "Normal" and p.text)


def visible(text: str) -> str:
    """What must survive of a text: everything but whitespace, control characters, surrogates and non-characters
    that no document may carry."""
    return "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cs")
                   and ch not in "\ufffe\uffff")


def with_text(text: str) -> Report:
    report = Report.empty("2021", 2025)  # no figures: the prose is what these tests look at
    report.agency.name = "测试县人民政府"
    report.text = {"overview": text, "problems": None, "other": "无"}
    return report


def test_markup_and_formulas_are_printed_as_typed():
    report = with_text("\n".join(HOSTILE))
    tree = parse_html(render(report, "html").decode("utf-8"))
    assert not list(tree.iter("script")) and not list(tree.iter("b"))
    paragraphs = ["".join(p.itertext()) for p in tree.iter("p")]
    assert paragraphs[: len(HOSTILE)] == list(HOSTILE)
    assert prose_of_docx(report).split("\n")[: len(HOSTILE)] == list(HOSTILE)
    document = docx.Document(io.BytesIO(render(report, "docx")))
    assert not document.element.body.findall(".//{*}fldSimple") and not document.element.body.findall(".//{*}instrText")


def test_control_characters_are_dropped_and_word_breaks_become_paragraphs():
    report = with_text("第一段\x00\x07\x1b结束\x0b第二段\x0c第三段\r\n第四段\u2028第五段\ud800\x85第六段")
    expected = ["第一段结束", "第二段", "第三段", "第四段", "第五段", "第六段"]
    assert prose_of_html(report).split("\n")[:6] == expected
    assert prose_of_docx(report).split("\n")[:6] == expected


def test_a_megabyte_of_prose_is_kept_whole():
    line = "政府信息公开<工作>&“年度报告”。" * 40
    text = "\n".join(f"{i}{line}" for i in range(1_000_000 // len(line)))
    assert len(text) >= 990_000
    report = with_text(text)
    assert visible(prose_of_html(report, fast=True)).startswith(visible(text))
    assert visible(prose_of_docx(report)).startswith(visible(text))


@settings(max_examples=20, deadline=None)
@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=200))
def test_any_text_comes_out_as_text(text):
    report = with_text(text)
    assert visible(prose_of_html(report)) == visible(text) + "无"
    assert visible(prose_of_docx(report)) == visible(text) + "无"


def test_a_blank_figure_is_blank_never_zero():
    report = load_case("huaian-2024")
    report.figures = {}
    for name, grids in (("html", [g for _, g in html_tables(render(report, "html").decode("utf-8"))]),
                        ("docx", docx_tables(render(report, "docx")))):
        for table, grid in zip(report.edition.tables, grids, strict=True):
            for code, (r, c) in expected_positions(table, grid).items():
                assert grid.texts[r][c] == "", (name, code)


def test_blank_and_zero_stay_apart_and_text_is_shown_as_typed():
    report = load_case("xian-2021")  # applicant columns blank, totals 0
    report.figures["s4.review.upheld"] = "不适用"
    report.figures["s4.review.other"] = "=1+1"
    report.figures["s2_item8.fees.amount"] = 0.000001
    for grids in ([g for _, g in html_tables(render(report, "html").decode("utf-8"))],
                  docx_tables(render(report, "docx"))):
        cells = {}
        for table, grid in zip(report.edition.tables, grids, strict=True):
            cells.update({code: grid.texts[r][c] for code, (r, c) in expected_positions(table, grid).items()})
        assert cells["s3.new.natural"] == "" and cells["s3.new.total"] == "0"
        assert cells["s4.review.upheld"] == "不适用" and cells["s4.review.other"] == "=1+1"
        assert cells["s2_item8.fees.amount"] == "0.000001"
