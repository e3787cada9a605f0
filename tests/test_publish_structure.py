"""Every test case, both editions, published as HTML and .docx: each figure in the cell where the notice puts it
(row labels × column headers, merges resolved), the notice's merges, and the Word file giving the same grid."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from builders import CASES, load_case
from docx.oxml.ns import qn
from docx.shared import Mm
from hypothesis import given, settings
from hypothesis import strategies as st
from publish_helpers import docx_tables, expected_positions, html_tables, matches, parse_html

from gaip_xl.format.editions import S3_NOTE, SECTION_TITLES, report_title
from gaip_xl.publish import render
from gaip_xl.report import Report

CASE_NAMES = sorted(p.stem for p in CASES.glob("*.json"))


def test_the_cases_cover_both_editions():
    assert {load_case(name).edition.code for name in CASE_NAMES} == {"2019", "2021"}


@pytest.fixture(scope="module", params=CASE_NAMES)
def published(request) -> tuple[Report, str, bytes]:
    report = load_case(request.param)
    return report, render(report, "html").decode("utf-8"), render(report, "docx")


def test_every_figure_stands_where_the_notice_puts_it(published):
    report, html, _ = published
    tables = html_tables(html)
    assert [t.get("data-table") for t, _ in tables] == [t.code for t in report.edition.tables]
    checked = 0
    for table, (_, grid) in zip(report.edition.tables, tables, strict=True):
        for code, (r, c) in expected_positions(table, grid).items():
            assert grid.tags[r][c] == "td"
            assert matches(grid.texts[r][c], report.figures.get(code)), (code, grid.texts[r][c])
            checked += 1
    assert checked == len(report.edition.cells)


def test_word_gives_the_same_grid_and_merges_as_the_page(published):
    report, html, data = published
    pages = [grid for _, grid in html_tables(html)]
    words = docx_tables(data)
    assert len(words) == len(pages) == len(report.edition.tables)
    for table, page, word in zip(report.edition.tables, pages, words, strict=True):
        assert word.texts == page.texts, table.code
        assert word.partition() == page.partition(), table.code
        assert word.header_rows == page.header_rows, table.code
        for code, (r, c) in expected_positions(table, word).items():  # located by Word's own labels too
            assert matches(word.texts[r][c], report.figures.get(code)), code


def test_page_has_the_title_the_sections_and_the_prose(published):
    report, html, _ = published
    tree = parse_html(html)
    title = report_title(report.agency.name, report.year)
    assert tree.findtext(".//title") == title == "".join(tree.find(".//h1").itertext())
    assert [h.text for h in tree.iter("h2")] == list(SECTION_TITLES.values())
    assert not list(tree.iter("script")) and not list(tree.iter("link")) and not list(tree.iter("img"))
    assert "src=" not in html and "href=" not in html
    shown = "".join("".join(p.itertext()) for p in tree.iter("p"))
    for part in ("overview", "problems", "other"):
        for line in (report.text.get(part) or "").splitlines():
            assert line.strip() in shown


def test_section_three_header_and_merges_are_the_notices(published):
    report, html, _ = published
    table, grid = html_tables(html)[[t.code for t in report.edition.tables].index("s3")]
    header = {("".join(th.itertext()), int(th.get("rowspan", 1)), int(th.get("colspan", 1)))
              for th in table.find("thead").iter("th")}
    assert header == {(S3_NOTE, 3, 3), ("申请人情况", 1, 7), ("自然人", 2, 1), ("法人或其他组织", 1, 5),
                      ("总计", 2, 1), ("商业企业", 1, 1), ("科研机构", 1, 1), ("社会公益组织", 1, 1),
                      ("法律服务机构", 1, 1), ("其他", 1, 1)}
    groups = {"".join(th.itertext()): int(th.get("rowspan", 1)) for th in table.find("tbody").iter("th")
              if int(th.get("rowspan", 1)) > 1}
    other = 1 if report.edition.code == "2019" else 3  # （六）其他处理: one row in 2019, three in 2021
    assert groups == {"三、本年度办理结果": 2 + 8 + 3 + 5 + other + 1, "（三）不予公开": 8, "（四）无法提供": 3,
                      "（五）不予处理": 5, **({"（六）其他处理": 3} if other == 3 else {})}
    assert len(grid.texts[0]) == 10  # three label columns, seven figure columns


def test_section_four_is_one_wide_row_under_its_groups(published):
    report, html, _ = published
    table, grid = html_tables(html)[-1]
    assert table.get("data-table") == "s4"
    header = [[("".join(th.itertext()), int(th.get("rowspan", 1)), int(th.get("colspan", 1))) for th in tr]
              for tr in table.find("thead").iter("tr")]
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert header[0] == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert header[1] == [(r, 2, 1) for r in results] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert header[2] == [(r, 1, 1) for r in results * 2]
    assert len(grid.texts) == 4 and len(grid.texts[3]) == 15


def test_word_file_is_a4_with_east_asian_fonts_repeated_headers_and_unsplit_rows(published):
    import io

    report, _, data = published
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(0.5) and abs(section.page_height - Mm(297)) < Mm(0.5)
    styles = document.styles
    east_asian = {name: styles[name].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
                  for name in ("Normal", "Title", "Heading 1")}
    assert east_asian["Normal"] == "仿宋" and east_asian["Title"] == "宋体"
    for name in ("Normal", "Title", "Heading 1"):
        fonts = styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would override the East Asian font
    for table in document.tables:
        properties = table._tbl.tblPr
        assert properties.find(qn("w:tblBorders")) is not None
        assert all(tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None for tr in table._tbl.tr_lst)
        headers = [tr.trPr.find(qn("w:tblHeader")) is not None for tr in table._tbl.tr_lst]
        assert headers[0] and not headers[-1] and headers == sorted(headers, reverse=True)
    body = document.element.body
    assert body.findall(".//" + qn("w:gridSpan")) and body.findall(".//" + qn("w:vMerge"))


def test_the_files_written_are_the_rendered_bytes(tmp_path: Path):
    import gaip_xl

    report = load_case("huaian-2024")
    result = gaip_xl.publish(report, tmp_path / "report.html")
    assert result.valid
    assert (tmp_path / "report.html").read_bytes() == render(report, "html")
    gaip_xl.publish.publish(report, tmp_path / "report.docx")
    assert docx_tables((tmp_path / "report.docx").read_bytes())[0].texts == docx_tables(render(report, "docx"))[0].texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.docx", "report.html"]  # no temporary left


FIGURE = st.one_of(st.none(), st.integers(-10**12, 10**12),
                   st.floats(0, 1e9, allow_nan=False).map(lambda f: round(f, 6)),
                   st.sampled_from(["不适用", "—", "0件", " 3 ", "=1+1", "<b>", "&amp;"]))


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(["2019", "2021"]), st.data())
def test_any_figures_stand_where_the_notice_puts_them_in_both_formats(edition, data):
    report = Report.empty(edition, 2020 if edition == "2019" else 2023)
    report.agency.name = "测试县人民政府"
    codes = report.edition.cell_codes
    chosen = data.draw(st.lists(st.sampled_from(codes), unique=True, max_size=40))
    report.figures = {code: data.draw(FIGURE) for code in chosen}
    pages = [grid for _, grid in html_tables(render(report, "html").decode("utf-8"))]
    words = docx_tables(render(report, "docx"))
    for table, page, word in zip(report.edition.tables, pages, words, strict=True):
        assert word.texts == page.texts
        for code, (r, c) in expected_positions(table, page).items():
            assert matches(page.texts[r][c], report.figures.get(code)), (code, page.texts[r][c])
