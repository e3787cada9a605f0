"""Tables laid out other than the notice prints them (``importer_variants``), in HTML, Word, copied text and a PDF
printed by LibreOffice: every figure the import places is the document's, and what a header states plainly is read.

- Section 三's columns follow their header, never the notice's positions: 总计 first, shuffled, named in other words,
  with a 备注 column; copied text counts cells into the order its header reads in.
- Section 四 down the page (vertical, transposed), its groups in another order, a label before its figure row.
- Figures with thousands separators, full-width digits or a unit after read the same in every kind of document.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from builders import consistent_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_docx, to_html, to_text
from importer_variants import (
    FORMS,
    REMARKS,
    S3_WORDINGS,
    S3Shape,
    s3_shaped,
    s4_litigation_first,
    s4_transposed,
    s4_vertical,
    with_table,
    written,
)

from gaip_xl import import_report
from gaip_xl.importer import read_document
from gaip_xl.importer.interpret import interpret
from gaip_xl.importer.model import Document, Grid, SourceCell
from gaip_xl.report import Report

RENDER = {"html": to_html, "docx": to_docx, "text": lambda report, parts: to_text(report, parts=parts).encode()}
LEGAL = ("commercial", "research", "public_interest", "legal_services", "other_org")


def wrong(imported: Report, original: Report) -> dict:
    """Figures the import placed that are not the document's."""
    return {code: (value, original.figures.get(code)) for code, value in imported.figures.items()
            if original.figures.get(code) != value}


def table_figures(report: Report, table: str) -> dict:
    return {c.code: report.figures.get(c.code) for c in report.edition.table(table).cells()}


@st.composite
def s3_shapes(draw: st.DrawFn) -> S3Shape:
    grouped = draw(st.booleans())
    legal = draw(st.permutations(LEGAL))
    if grouped:
        units = draw(st.permutations(["natural", "legal", "total"]))
        order = tuple(code for unit in units for code in (legal if unit == "legal" else (unit,)))
    else:
        order = tuple(draw(st.permutations(["natural", *legal, "total"])))
    names = {code: draw(st.sampled_from(S3_WORDINGS[code])) for code in order}
    return S3Shape(order, names, grouped, draw(st.none() | st.sampled_from(REMARKS)))


def _report(seed: int) -> Report:
    rng = random.Random(seed)
    return consistent_report(rng.choice(["2019", "2021"]), rng)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=s3_shapes(), kind=st.sampled_from(["html", "docx"]), seed=st.integers(0, 10**6))
def test_section_3_columns_follow_their_header_in_a_ruled_table(shape, kind, seed):
    """A web page or Word table: the header's positions place every figure, whatever the columns' order and wording
    (before: columns in another order lost the whole table, I_ROW_CELLS; "其他组织" lost its column)."""
    report = _report(seed)
    layout = s3_shaped(report, report.edition.table("s3"), shape)
    result = import_report(RENDER[kind](report, parts=with_table(report, "三", layout)))
    assert wrong(result.report, report) == {}
    assert table_figures(result.report, "s3") == table_figures(report, "s3")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=s3_shapes(), seed=st.integers(0, 10**6))
def test_copied_text_counts_section_3_cells_in_the_order_its_header_reads(shape, seed):
    """Copied text has no columns: its cells are counted into the order the header's rows spell out (before: always
    the notice's order, so 总计 printed first put every figure in the wrong cell). A header label broken over two
    lines ("法律服务\\n机构") cuts the header short: its rows are then missing, never counted in the notice's order."""
    report = _report(seed)
    layout = s3_shaped(report, report.edition.table("s3"), shape)
    result = import_report(RENDER["text"](report, with_table(report, "三", layout)))
    assert wrong(result.report, report) == {}
    if not any("\n" in name for name in shape.names.values()):
        assert table_figures(result.report, "s3") == table_figures(report, "s3")


def test_a_copied_header_in_another_order_that_cannot_be_read_places_nothing():
    """总计 first, and the 法人或其他组织 label lost in copying: the order cannot be rebuilt and the header says it is
    not the notice's, so the rows are missing (I_ROW_CELLS, I1), never counted."""
    report = consistent_report("2021", random.Random(2))
    order = ("total", "natural", *LEGAL)
    shape = S3Shape(order, {code: S3_WORDINGS[code][0] for code in order}, True, None)
    text = RENDER["text"](report, with_table(report, "三", s3_shaped(report, report.edition.table("s3"), shape)))
    lost = text.decode().replace("\t法人或其他组织\n", "", 1).encode()
    result = import_report(lost)
    assert wrong(result.report, report) == {}
    assert "I_ROW_CELLS" in {f.code for f in result.findings}
    assert {code for code, value in table_figures(result.report, "s3").items() if value is not None} == set()


@pytest.mark.parametrize("order", [("total", "natural", *LEGAL), ("natural", "total", *LEGAL)])
def test_every_cell_lost_or_added_in_a_reordered_header_never_moves_a_figure(order):
    """The header's positions are trusted in another order than the notice's only when the header is whole: a cell
    lost or added in the markup (a group label lost shifts the labels after it) must never move a figure."""
    report = consistent_report("2021", random.Random(11))
    shape = S3Shape(order, {code: S3_WORDINGS[code][0] for code in order}, True, None)
    page = to_html(report, parts=with_table(report, "三", s3_shaped(report, report.edition.table("s3"), shape)))
    parts = page.decode().split("<td")
    start = next(i for i, part in enumerate(parts) if "申请人情况" in part)
    for index in range(start, start + 60):
        lost = parts[:index] + parts[index + 1:]
        added = parts[:index] + [f"><p>{index % 50}</p></td>"] + parts[index:]
        for variant in (lost, added):
            assert wrong(import_report("<td".join(variant).encode()).report, report) == {}


# ------------------------------------------------------------------------------------------- section 四
S4_GROUPS = ("review", "direct_suit", "suit_after_review")


def s4_layouts(report: Report, form: str, groups: tuple[str, ...] = S4_GROUPS) -> list:
    table = report.edition.table("s4")
    if form == "vertical":
        return s4_vertical(report, table)
    if form == "vertical_bare":
        return s4_vertical(report, table, header=False)
    if form == "transposed":
        return s4_transposed(report, table, groups)
    return s4_litigation_first(report, table, label=form == "litigation_first_labelled")


S4_FORMS = ("vertical", "vertical_bare", "transposed", "litigation_first", "litigation_first_labelled")


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(form=st.sampled_from(S4_FORMS), groups=st.permutations(S4_GROUPS), kind=st.sampled_from(sorted(RENDER)),
       seed=st.integers(0, 10**6))
def test_section_4_in_other_layouts_gives_its_fifteen_figures(form, groups, kind, seed):
    """Section 四 down the page or with its groups in another order: every figure read (before: the vertical and
    transposed tables and a figure row with a label were lost, I_TABLE_MISSING; copied text with 行政诉讼 before
    行政复议 put every figure in another group's cell)."""
    report = _report(seed)
    layout = s4_layouts(report, form, tuple(groups))
    result = import_report(RENDER[kind](report, parts=with_table(report, "四", layout)))
    assert wrong(result.report, report) == {}
    assert table_figures(result.report, "s4") == table_figures(report, "s4")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), cuts=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
       form=st.sampled_from(["vertical", "transposed"]))
def test_lines_lost_from_a_copied_vertical_section_4_never_move_a_figure(seed, cuts, form):
    """A group label lost in copying must not give its rows to the group above: the cells are then given twice
    (a conflict) or not at all, and what is not read is missing (I1), never blank."""
    report = _report(seed)
    text = RENDER["text"](report, with_table(report, "四", s4_layouts(report, form))).decode()
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.startswith("四、"))
    table_lines = [i for i, line in enumerate(lines) if i > start and line.startswith("\t")][:80]
    lost = {table_lines[c % len(table_lines)] for c in cuts}
    result = import_report("\n".join(line for i, line in enumerate(lines) if i not in lost).encode())
    assert wrong(result.report, report) == {}
    missing = {item["code"] for item in result.block["missing"]}
    assert all(code in result.report.figures or code in missing for code in table_figures(report, "s4"))


# ------------------------------------------------------------------------------------------- figures as written
def written_report(seed: int, forms: list[str]) -> tuple[Report, Report]:
    """A report and the same report with section 三's and 四's figures written in ``forms`` (each cell its own)."""
    report = _report(seed)
    shown = Report.from_json(report.to_json())
    cells = [c for t in ("s3", "s4") for c in report.edition.table(t).cells()]
    for index, cell in enumerate(cells):
        value = report.figures[cell.code] * 97 + (1000 if index % 3 == 0 else 0)  # thousands, so separators show
        report.figures[cell.code] = value
        shown.figures[cell.code] = written(value, forms[index % len(forms)])
    return report, shown


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), forms=st.lists(st.sampled_from(FORMS), min_size=1, max_size=4),
       kind=st.sampled_from(sorted(RENDER)))
def test_figures_written_with_separators_or_units_read_the_same_in_every_kind(seed, forms, kind):
    """"1,234", "1，234", "1 234", "１２３４", "12件" are numbers in a web page, a Word table and copied text alike,
    each said in a note (before: "1 234" stayed text, for V1)."""
    report, shown = written_report(seed, forms)
    result = import_report(RENDER[kind](shown, parts=None))
    assert table_figures(result.report, "s3") == table_figures(report, "s3")
    assert table_figures(result.report, "s4") == table_figures(report, "s4")
    converted = any(form != "plain" for form in forms)
    assert ("I_VALUES_CONVERTED" in {f.code for f in result.findings}) == converted


# ------------------------------------------------------------------------------------------- PDF
PDF_CASES = ("s3_reordered", "s4_vertical", "s4_transposed", "written")


def pdf_case(name: str) -> tuple[Report, bytes]:
    """The report a PDF case prints, and its .docx."""
    report = consistent_report("2021", random.Random(len(name)))
    if name == "s3_reordered":
        order = ("total", *LEGAL[::-1], "natural")
        names = {code: S3_WORDINGS[code][-1] for code in order}  # the line-broken and other wordings
        shape = S3Shape(order, names, True, "备注")
        return report, to_docx(report, parts=with_table(report, "三", s3_shaped(report, report.edition.table("s3"),
                                                                                 shape)))
    if name == "s4_vertical":
        return report, to_docx(report, parts=with_table(report, "四", s4_layouts(report, "vertical")))
    if name == "s4_transposed":
        groups = ("suit_after_review", "review", "direct_suit")
        return report, to_docx(report, parts=with_table(report, "四", s4_layouts(report, "transposed", groups)))
    report, shown = written_report(5, list(FORMS))
    return report, to_docx(shown)


@pytest.fixture(scope="module")
def printed(tmp_path_factory) -> dict[str, tuple[Report, Path]]:
    """Each case's .docx printed to PDF by LibreOffice, all in one launch."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    from gaip_xl.template.libreoffice import convert

    folder = tmp_path_factory.mktemp("layouts")
    reports, sources = {}, []
    for name in PDF_CASES:
        reports[name], data = pdf_case(name)
        sources.append(folder / f"{name}.docx")
        sources[-1].write_bytes(data)
    return {name: (reports[name], pdf) for name, pdf in
            zip(PDF_CASES, convert(sources, "pdf", folder / "pdf"), strict=True)}


@pytest.mark.parametrize("name", PDF_CASES)
def test_pdfs_of_other_layouts_give_the_documents_figures(printed, name):
    """The same layouts as a PDF printed by LibreOffice: ruled tables whose columns are real."""
    report, pdf = printed[name]
    result = import_report(pdf.read_bytes())
    assert result.block["source"]["kind"] == "pdf"
    assert wrong(result.report, report) == {}
    assert table_figures(result.report, "s3") == table_figures(report, "s3")
    assert table_figures(result.report, "s4") == table_figures(report, "s4")


# ------------------------------------------------------------------------------------------- a row over a page break
def split_over_pages(report: Report, row_index: int, cuts: list[int]) -> Document:
    """The report's Word tables as a PDF's pages give them: section 三's table ends a page inside its row
    ``row_index``, each of that row's cells cut after ``cuts[i]`` characters (0: all on the next page; past its end:
    all on this one), the rest of the row and the table at the next page's top."""
    document = read_document(to_docx(report))
    blocks: list = []
    for block in document.blocks:
        if isinstance(block, Grid) and any(c is not None and "申请人情况" in c.text for r in block.rows for c in r):
            row = block.rows[row_index]
            top = [None if c is None else SourceCell(c.text[:cut], c.where) for c, cut in zip(row, cuts, strict=False)]
            rest = [None if c is None else SourceCell(c.text[cut:], c.where) for c, cut in zip(row, cuts, strict=False)]
            blocks.append(Grid([*block.rows[:row_index], top], {"page": 1}, True))
            blocks.append(Grid([rest, *block.rows[row_index + 1:]], {"page": 2}, True))
        else:
            blocks.append(block)
    document.blocks = blocks
    document.kind = "pdf"
    return document


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), row_index=st.integers(3, 27), data=st.data())
def test_a_row_broken_over_a_page_never_gives_its_halves_as_figures(seed, row_index, data):
    """Word, WPS and LibreOffice break a tall row over two pages, its label and its wrapped figures cut anywhere
    (before: the second half matched the row by its label and its cut figures — "25" of 2425 — were placed)."""
    report = consistent_report("2021", random.Random(seed))
    for cell in report.edition.table("s3").cells():
        report.figures[cell.code] = report.figures[cell.code] * 101  # figures of three or four digits, cut inside
    width = 10
    cuts = data.draw(st.lists(st.integers(0, 6), min_size=width, max_size=width))
    result = interpret(split_over_pages(report, row_index, cuts))
    assert wrong(result.report, report) == {}


def test_a_row_broken_inside_its_label_and_figures_is_read_whole():
    report = consistent_report("2021", random.Random(8))
    for cell in report.edition.table("s3").cells():
        report.figures[cell.code] = report.figures[cell.code] * 101 + 1000
    row_index = next(i for i, row in enumerate(report.edition.table("s3").rows) if row.code == "other_fee_unpaid") + 3
    result = interpret(split_over_pages(report, row_index, [0, 0, 4, 2, 1, 3, 2, 2, 1, 3]))
    assert table_figures(result.report, "s3") == table_figures(report, "s3")
