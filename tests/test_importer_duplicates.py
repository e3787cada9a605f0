"""A published document that gives one figure cell two values: never one of them silently.

Drawn documents of three classes, each rendered as a web page, a Word document or copied text (one PDF case):
a section's table printed twice (last year's table quoted, a report pasted twice with a correction), a row printed
twice in its table (a row repeated at a page break, two （七）总计 rows), and web pages holding content a browser does
not show (hidden print copies, old versions in comments or templates, a hidden digit inside a cell). The property:
every figure imported is the one figure the visible document gives that cell; a cell the visible document gives two
different figures is not imported, is missing for rule I1 (reason ``conflict``) and I_FIGURE_CONFLICT names both.
"""

from __future__ import annotations

import copy
import random
import re
import shutil

import pytest
from builders import consistent_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import figure_text, sections, to_docx, to_html, to_text

from gaip_xl import import_report, validate
from gaip_xl.format import Table
from gaip_xl.report import Report

REPORTS = {code: consistent_report(code, random.Random(seed)) for code, seed in (("2019", 11), ("2021", 12))}
RENDERERS = {
    "html": lambda report, parts: to_html(report, parts=parts),
    "docx": lambda report, parts: to_docx(report, parts=parts),
    "text": lambda report, parts: to_text(report, parts=parts).encode(),
}
CHANGES = ("more", "blank", "not_applicable")
DRAWN = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def changed(report: Report, changes: dict[str, str]) -> Report:
    """The report with some cells printed otherwise: a larger figure, a blank, or "/"."""
    other = copy.deepcopy(report)
    for code, how in changes.items():
        if how == "more":
            other.figures[code] = (report.figures.get(code) or 0) + 7
        elif how == "blank":
            other.figures.pop(code, None)
        else:
            other.figures[code] = "/"
    return other


def differing(original: Report, other: Report) -> dict[str, tuple[str, str]]:
    """Cells the two reports print differently: code → (text in the original, text in the other)."""
    out = {}
    for cell in original.edition.cells:
        a, b = figure_text(original.figures.get(cell.code)), figure_text(other.figures.get(cell.code))
        if a != b:
            out[cell.code] = (a, b)
    return out


def assert_settled(data: bytes, original: Report, conflicts: dict[str, tuple[str, str]]) -> None:
    """Every cell: the original's figure, except cells printed with two figures, which are refused and named."""
    result = import_report(data)
    block = result.block
    missing = {m["code"]: m["reason"] for m in block["missing"]}
    for cell in original.edition.cells:
        if cell.code in conflicts:
            assert cell.code not in result.report.figures and missing.get(cell.code) == "conflict", cell.code
        else:
            assert result.report.figures.get(cell.code) == original.figures.get(cell.code), cell.code
    named = [f for f in result.findings if f.code == "I_FIGURE_CONFLICT"]
    assert {code for f in named for code in f.cells} == set(conflicts)
    for code, texts in conflicts.items():
        message = next(f.message for f in named if code in f.cells)
        assert all(f"“{text or '空白'}”" in message for text in texts), (code, texts, message)
        assert {r["text"] for r in block["conflicts"][code]} == set(texts)
    i1 = [f for f in validate(result.report).errors if f.rule == "I1"]
    assert bool(i1) == bool(conflicts)


def tables_in_parts(parts: list) -> list[tuple[int, int]]:
    """(part, layout) positions of the tables in ``sections()``, in the edition's table order."""
    return [(p, k) for p, (_, _, lays) in enumerate(parts) for k in range(len(lays))]


# ------------------------------------------------------------------ 1. a section's table printed twice
@st.composite
def quoted_tables(draw):
    """(edition, sections quoted, cells printed otherwise in the copy, copy first, kind): drawn small, built below."""
    edition = draw(st.sampled_from(sorted(REPORTS)))
    quoted = "".join(sorted(draw(st.sets(st.sampled_from("二三四"), min_size=1))))
    codes = [c.code for c in REPORTS[edition].edition.cells if c.table.section in quoted]
    changes = draw(st.dictionaries(st.sampled_from(codes), st.sampled_from(CHANGES), max_size=4))
    return edition, quoted, changes, draw(st.booleans()), draw(st.sampled_from(sorted(RENDERERS)))


def quoting(edition: str, quoted: str, changes: dict[str, str], copy_first: bool, kind: str
            ) -> tuple[Report, Report, bytes]:
    """The report printed with a second copy of some of its sections' tables, before or after it."""
    original = REPORTS[edition]
    other = changed(original, changes)
    copies = [(heading, None, lays) for heading, _, lays in sections(other) if heading[0] in quoted]
    parts = sections(original)
    parts = copies + parts if copy_first else parts + copies
    return original, other, RENDERERS[kind](original, parts)


@DRAWN
@given(drawn=quoted_tables())
def test_a_table_printed_twice_gives_only_the_figures_both_copies_agree_on(drawn):
    original, other, data = quoting(*drawn)
    assert_settled(data, original, differing(original, other))


def test_the_same_table_twice_is_read_once_with_a_note():
    original = REPORTS["2021"]
    parts = sections(original)
    result = import_report(to_html(original, parts=parts + parts[1:4]))
    assert {c.code: result.report.figures.get(c.code) for c in original.edition.cells} == \
        {c.code: original.figures.get(c.code) for c in original.edition.cells}
    codes = {f.code for f in result.findings}
    assert "I_ROW_DUPLICATE" in codes and "I_FIGURE_CONFLICT" not in codes
    assert "相同" in next(f.message for f in result.findings if f.code == "I_ROW_DUPLICATE")


@pytest.mark.parametrize("how", CHANGES)
def test_a_copy_whose_label_stands_alone_above_its_figures_is_compared_too(how):
    """Copied text: the copy's （七）总计 broken after its label (its figures on the next line), as at a page end."""
    original = REPORTS["2021"]
    other = changed(original, {"s3.total.natural": how})
    text = to_text(original, parts=sections(original) + [p for p in sections(other) if p[0][0] == "三"])
    at = text.rindex("\t（七）总计")
    assert_settled((text[:at] + text[at:].replace("\n", "\n\n", 1)).encode(), original, differing(original, other))


# ------------------------------------------------------------------ 2. a row printed twice in its table
def layout_row(table: Table, row_index: int) -> int:
    """The layout row of a table's row (``importer_render``'s layouts): section 四 prints one figure row."""
    if table.code == "s4":
        return 3
    return row_index + (3 if table.code == "s3" else 2)


def standalone(row: list, table: Table) -> list:
    """A layout row without the group cells spanning down from rows above: its label across the label columns."""
    figures = row[-len(table.columns):] if table.code != "s4" else row
    if table.code == "s4":
        return list(figures)
    label = row[-len(table.columns) - 1][0]
    return [(label, 1, 3 if table.code == "s3" else 1), *figures]


@st.composite
def repeated_rows(draw, marker: str = ""):
    """A document with one row of one table printed a second time (right after it, as at a page break, or at the
    table's end), some of its cells printed otherwise; ``marker`` starts the copy's first cell (to find it)."""
    original = REPORTS[draw(st.sampled_from(sorted(REPORTS)))]
    edition = original.edition
    t = draw(st.integers(0, len(edition.tables) - 1))
    table = edition.tables[t]
    r = draw(st.integers(0, len(table.rows) - 1)) if table.code != "s4" else 0
    row_codes = [f"{table.code}.{row.code}" for row in table.rows] if table.code == "s4" else \
        [f"{table.code}.{table.rows[r].code}"]
    codes = [f"{key}.{c.code}" for key in row_codes for c in table.columns]
    other = changed(original, draw(st.dictionaries(st.sampled_from(codes), st.sampled_from(CHANGES), max_size=3)))
    parts = sections(original)
    p, k = tables_in_parts(parts)[t]
    lay = [list(row) for row in parts[p][2][k]]
    index = layout_row(table, r)
    repeated = standalone(sections(other)[p][2][k][index], table)
    if marker:
        repeated[0] = (marker + repeated[0][0], *repeated[0][1:])
    right_after = table.code != "s3" or not table.rows[r].groups
    lay.insert(index + 1 if right_after and draw(st.booleans()) else len(lay), repeated)
    lays = list(parts[p][2])
    lays[k] = lay
    parts[p] = (parts[p][0], parts[p][1], lays)
    return original, other, parts


@DRAWN
@given(drawn=repeated_rows(), kind=st.sampled_from(sorted(RENDERERS)))
def test_a_row_printed_twice_gives_only_the_figures_both_copies_agree_on(drawn, kind):
    original, other, parts = drawn
    assert_settled(RENDERERS[kind](original, parts), original, differing(original, other))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_pdf_repeating_rows_at_a_page_break(tmp_path):
    """A PDF printed by LibreOffice: section 三's 结转 row repeated as it was and its 总计 row repeated with another
    figure: the first is read once, the second refused."""
    from gaip_xl.template.libreoffice import convert

    original = REPORTS["2021"]
    other = changed(original, {"s3.total.natural": "more"})
    table = original.edition.table("s3")
    parts = sections(original)
    p, k = tables_in_parts(parts)[[t.code for t in original.edition.tables].index("s3")]
    lay = list(parts[p][2][k])
    for code, report in (("carried_out", original), ("total", other)):
        index = layout_row(table, [r.code for r in table.rows].index(code))
        lay.append(standalone(sections(report)[p][2][k][index], table))
    parts[p] = (parts[p][0], parts[p][1], [*parts[p][2][:k], lay, *parts[p][2][k + 1:]])
    source = tmp_path / "repeated.docx"
    source.write_bytes(to_docx(original, parts=parts))
    (pdf,) = convert([source], "pdf", tmp_path / "pdf")
    assert_settled(pdf.read_bytes(), original, differing(original, other))


# ------------------------------------------------------------------ 3. what a browser does not show
WRAPPERS = {  # a copy of the tables inside: (opening, closing); none of them shows it
    "hidden": ("<div hidden>", "</div>"),
    "display": ('<div style="display:none">', "</div>"),
    "display_important": ('<section style="color:red; DISPLAY : none !important;">', "</section>"),
    "visibility": ('<div style="visibility:hidden">', "</div>"),
    "template": ("<template>", "</template>"),
    "noscript": ("<noscript>", "</noscript>"),
    "comment": ("<!--", "-->"),
    "details": ("<details><summary>2019年版表格</summary>", "</details>"),
    "script_template": ('<script type="text/template">', "</script>"),
}
IN_CELL = {  # a hidden digit inside a visible figure cell
    "span_display": '<span style="display:none">{}</span>',
    "span_hidden": "<span hidden>{}</span>",
    "comment": "<!--{}-->",
    "template": "<template>{}</template>",
    "span_visibility": '<span style="visibility:hidden">{}</span>',
}
CELL = "<td style='border:solid windowtext 1.0pt'><p align=center>{}</p></td>"


def body_of(page: bytes) -> str:
    text = page.decode()
    return text[text.index("<body>") + len("<body>"):text.index("</body>")]


@st.composite
def hidden_copies(draw):
    original = REPORTS[draw(st.sampled_from(sorted(REPORTS)))]
    quoted = draw(st.sets(st.sampled_from("二三四"), min_size=1))
    codes = [c.code for c in original.edition.cells if c.table.section in quoted]
    other = changed(original, draw(st.dictionaries(st.sampled_from(codes), st.sampled_from(CHANGES), min_size=1,
                                                   max_size=4)))
    opening, closing = WRAPPERS[draw(st.sampled_from(sorted(WRAPPERS)))]
    hidden = opening + body_of(to_html(other, parts=[p for p in sections(other) if p[0][0] in quoted])) + closing
    page = to_html(original).decode()
    at = page.index("<body>") + len("<body>") if draw(st.booleans()) else page.index("</body>")
    return original, (page[:at] + hidden + page[at:]).encode()


@DRAWN
@given(drawn=hidden_copies())
def test_tables_a_browser_does_not_show_are_not_read(drawn):
    original, page = drawn
    assert_settled(page, original, {})


def test_a_hidden_table_is_said():
    original = REPORTS["2021"]
    other = changed(original, {"s3.total.natural": "more"})
    page = to_html(original).decode().replace("</body>", '<div style="display:none">' + body_of(to_html(other))
                                              + "</div></body>")
    result = import_report(page.encode())
    assert [f.code for f in result.findings].count("I_HIDDEN_TABLES") == 1
    assert result.report.figures["s3.total.natural"] == original.figures["s3.total.natural"]


def test_an_aria_hidden_copy_is_seen_so_its_other_figures_conflict():
    """aria-hidden hides from screen readers only: the copy is on the screen, a second reading like any other."""
    original = REPORTS["2019"]
    other = changed(original, {"s3.total.natural": "more", "s4.review.upheld": "blank"})
    page = to_html(original).decode().replace("</body>", '<div aria-hidden="true">' + body_of(to_html(other))
                                              + "</div></body>")
    assert_settled(page.encode(), original, differing(original, other))


@st.composite
def hidden_in_rows(draw):
    """A visible page with a hidden digit inside a figure cell, a hidden cell in a row, or a hidden copy of a row."""
    original = REPORTS[draw(st.sampled_from(sorted(REPORTS)))]
    how = draw(st.sampled_from(["in_cell", "cell_before", "cell_after", "row"]))
    digit = str(draw(st.integers(1, 9)))
    if how == "row":
        original, _, parts = draw(repeated_rows(marker="@@ROW@@"))
        page = to_html(original, parts=parts).decode()
        page = re.sub(r"<tr>(?=<td[^>]*><p align=center>@@ROW@@)", draw(st.sampled_from(
            ['<tr style="display:none">', "<tr hidden>"])), page).replace("@@ROW@@", "")
        return original, page.encode()
    code = draw(st.sampled_from([c.code for c in original.edition.cells if original.figures.get(c.code) is not None]))
    marked = copy.deepcopy(original)
    marked.figures[code] = "@@CELL@@"
    page = to_html(marked).decode()
    shown = figure_text(original.figures[code])
    if how == "in_cell":
        piece = draw(st.sampled_from(sorted(IN_CELL)))
        return original, page.replace("@@CELL@@", shown + IN_CELL[piece].format(digit)).encode()
    hidden_cell = draw(st.sampled_from(['<td style="display:none">{}</td>', "<td hidden>{}</td>"])).format(digit)
    visible = CELL.format(shown)
    cells = hidden_cell + visible if how == "cell_before" else visible + hidden_cell
    return original, page.replace(CELL.format("@@CELL@@"), cells).encode()


@DRAWN
@given(drawn=hidden_in_rows())
def test_hidden_parts_of_a_table_change_no_figure(drawn):
    original, page = drawn
    assert_settled(page, original, {})
