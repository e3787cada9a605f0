"""Shapes of real published reports that once gave a wrong figure, lost figures or the wrong code, each drawn as a
class and made as real programs make them (web pages, python-docx, LibreOffice Writer's .doc and PDF):

- a footnote mark after a figure ("12①", "3,119*", "7¹"): NFKC makes "①" a "1", so "12①" was read as 121;
- section 二 printed as one table (the notices' template is one table: each item's title row, its header and rows),
  the items' columns in other places (the 2019 edition's （八）收费 has two columns where （五） has three; LibreOffice
  also joins tables that touch into one): each item's header was mixed into the one before, two places named one
  column, and the rows were refused (I_ROW_CELLS);
- a PDF with an open password, said to be damaged (E_DOCUMENT) instead of E_ENCRYPTED;
- a table printed with fewer columns than the notice's (法人或其他组织 as one column, a column left out): the
  columns its header does not name were left blank (counted as 0 by the rules) with nothing said;
- a scan whose pages carry a page number as text, said not to be a report (E_NOT_A_REPORT) instead of a scan; and
  tables published as pictures under text headings, reported missing with no word of the pictures;
- a PDF whose printer makes text bold by drawing each glyph two to four times a fraction of a point apart: 3001 was
  read as 3333000000001111 and 1 as 1111, and a label drawn so was not found (its row missing);
- a watermark laid over the tables ("2024" or "内部资料 2024", light grey, turned 30°–45° or large and level): its
  letters falling into cells were read into figures (7 as 74, 103 as 4103, 26 as 4226);
- pages drawn turned a right angle and shown upright by /Rotate (a landscape page printed to PDF): the table's rules
  came out 1e-14 pt askew, pdfplumber took its level rules for none, and rows were read as one (129 figures missing).
"""

from __future__ import annotations

import copy
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from builders import consistent_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import _grid_positions, figure_text, s2_as_one_layout, sections, to_docx, to_html, to_text

from gaip_xl import import_report, validate
from gaip_xl.errors import GaipError
from gaip_xl.format import ValueType
from gaip_xl.importer.values import read_value
from gaip_xl.report import Report

DRAWN = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# footnote marks as agencies set them after a figure: circled, parenthesised and superscript numbers, asterisks
MARKS = "①②③⑨⑩⑳⑴⑵¹²³⁰*※＊†"
RENDERERS = {
    "html": lambda report, parts: to_html(report, parts=parts),
    "docx": lambda report, parts: to_docx(report, parts=parts),
    "text": lambda report, parts: to_text(report, parts=parts).encode(),
}
needs_libreoffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def cells(report: Report) -> dict[str, object]:
    return {c.code: report.figures.get(c.code) for c in report.edition.cells}


def marked(report: Report, rng: random.Random, count: int) -> Report:
    """The report with a footnote mark after some of its figures (the figures themselves unchanged)."""
    printed = copy.deepcopy(report)
    figures = [code for code, value in report.figures.items() if isinstance(value, int)]
    for code in rng.sample(figures, min(count, len(figures))):
        printed.figures[code] = f"{figure_text(report.figures[code])}{rng.choice(['', ' '])}{rng.choice(MARKS)}"
    return printed


def s2_as_one(report: Report, label_span: int = 1) -> list:
    """The report's sections with section 二's tables printed as one table."""
    return [(heading, prose, [s2_as_one_layout(report, label_span)] if heading.startswith("二") else lays)
            for heading, prose, lays in sections(report)]


@DRAWN
@given(figure=st.integers(0, 10**7), mark=st.text(MARKS, min_size=1, max_size=2), space=st.sampled_from(["", " "]),
       separated=st.booleans())
def test_a_footnote_mark_after_a_figure_is_never_a_digit(figure, mark, space, separated):
    text = f"{figure:,}" if separated else str(figure)
    read = read_value(f"{text}{space}{mark}", ValueType.COUNT)
    assert (read.value, read.kind) == (figure, "number")
    assert mark in read.note


@DRAWN
@given(before=st.integers(0, 999), after=st.integers(0, 999), mark=st.sampled_from(MARKS))
def test_a_mark_inside_or_alone_leaves_the_text(before, after, mark):
    for text in (f"{before}{mark}{after}", mark, f"{mark}{before}"):
        read = read_value(text, ValueType.COUNT)
        assert (read.value, read.kind) == (text, "text")


@DRAWN
@given(edition=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10**6), count=st.integers(1, 12),
       kind=st.sampled_from(sorted(RENDERERS)))
def test_figures_with_footnote_marks_import_as_their_figures(edition, seed, count, kind):
    report = consistent_report(edition, random.Random(seed))
    printed = marked(report, random.Random(seed + 1), count)
    result = import_report(RENDERERS[kind](printed, sections(printed)))
    assert cells(result.report) == cells(report)
    assert result.block["missing"] == []
    assert "I_VALUES_CONVERTED" in {f.code for f in result.findings}


@DRAWN
@given(edition=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10**6), label_span=st.sampled_from([1, 2]),
       kind=st.sampled_from(["html", "docx"]))
def test_section_two_printed_as_one_table(edition, seed, label_span, kind):
    report = consistent_report(edition, random.Random(seed))
    result = import_report(RENDERERS[kind](report, s2_as_one(report, label_span)))
    assert cells(result.report) == cells(report)
    assert [f.code for f in result.findings] == []


@pytest.fixture(scope="module")
def made_by_libreoffice(tmp_path_factory) -> dict[str, tuple[Report, Path]]:
    """Documents as LibreOffice Writer saves them, in few launches: PDFs of section 二 as one table and of figures
    with footnote marks, a .doc of the tables as separate Word tables (Writer joins tables that touch), and a PDF
    with an open password and one with only a permissions password (read as any PDF)."""
    from gaip_xl.template.libreoffice import convert

    folder = tmp_path_factory.mktemp("libreoffice")
    sources: dict[str, tuple[Report, bytes]] = {}
    for edition, seed in (("2019", 31), ("2021", 32)):
        report = consistent_report(edition, random.Random(seed))
        sources[f"one_table_{edition}"] = (report, to_docx(report, parts=s2_as_one(report)))
        sources[f"marks_{edition}"] = (report, to_docx(marked(report, random.Random(seed), 12)))
        sources[f"tables_{edition}"] = (report, to_docx(report))
    paths = {}
    for name, (_, data) in sources.items():
        paths[name] = folder / f"{name}.docx"
        paths[name].write_bytes(data)
    paths |= _pictures(folder)
    pdf_names = [n for n in paths if not n.startswith("tables")]
    made = dict(zip(pdf_names, convert([paths[n] for n in pdf_names], "pdf", folder / "pdf"), strict=True))
    doc_names = [n for n in paths if n.startswith("tables")]
    made |= dict(zip(doc_names, convert([paths[n] for n in doc_names], "doc", folder / "doc"), strict=True))
    locked = json.dumps({"EncryptFile": {"type": "boolean", "value": "true"},
                         "DocumentOpenPassword": {"type": "string", "value": "gaip"}})
    (made["locked"],) = convert([paths["tables_2021"]], f"pdf:writer_pdf_Export:{locked}", folder / "locked")
    restricted = json.dumps({"RestrictPermissions": {"type": "boolean", "value": "true"},
                             "PermissionPassword": {"type": "string", "value": "gaip"},
                             "EnableCopyingOfContent": {"type": "boolean", "value": "false"}})
    (made["permissions_2021"],) = convert([paths["tables_2021"]], f"pdf:writer_pdf_Export:{restricted}",
                                          folder / "permissions")
    return {name: (sources[name][0] if name in sources else sources["tables_2021"][0], path)
            for name, path in made.items()}


def _pictures(folder: Path) -> dict[str, Path]:
    """Word documents of pictures, for Writer to print (with the others, in one launch): a scan (a page image each,
    the page number in the footer as text) and a report whose headings and prose are text but whose tables are
    pasted as pictures."""
    import docx
    from docx.shared import Cm
    from PIL import Image, ImageDraw

    picture = folder / "table.png"
    image = Image.new("RGB", (800, 1100), "white")
    for y in range(100, 1000, 40):  # the rules of a table, as a scanner sees them
        ImageDraw.Draw(image).line((60, y, 740, y), fill="black", width=2)
    image.save(picture)
    scan = docx.Document()
    for _ in range(3):
        scan.add_picture(str(picture), width=Cm(15))
    scan.sections[0].footer.paragraphs[0].text = "— 1 —"
    scan.save(folder / "scan.docx")
    report = consistent_report("2021", random.Random(33))
    pasted = docx.Document(io.BytesIO(to_docx(report, parts=[(h, p, []) for h, p, _ in sections(report)])))
    for paragraph in pasted.paragraphs:
        if paragraph.text.startswith(("二、", "三、", "四、")):
            paragraph.insert_paragraph_before("").add_run().add_picture(str(picture), width=Cm(12))
    pasted.save(folder / "pasted.docx")
    return {"scan": folder / "scan.docx", "pasted": folder / "pasted.docx"}


@needs_libreoffice
def test_a_scan_with_page_numbers_is_a_scan(made_by_libreoffice):
    _, path = made_by_libreoffice["scan"]
    with pytest.raises(GaipError) as raised:
        import_report(path)
    assert raised.value.code == "E_SCANNED_PDF"


@needs_libreoffice
def test_tables_pasted_as_pictures_are_said_to_be_pictures(made_by_libreoffice):
    _, path = made_by_libreoffice["pasted"]
    result = import_report(path)
    assert result.report.figures == {}
    pictures = [f for f in result.findings if f.code == "I_IMAGES_NOT_READ"]
    assert len(pictures) == 1 and "第1页" in pictures[0].message
    assert {"I_TABLE_MISSING"} <= {f.code for f in result.findings}


@needs_libreoffice
@pytest.mark.parametrize("name", ["one_table_2019", "one_table_2021", "marks_2019", "marks_2021", "tables_2019",
                                  "tables_2021", "permissions_2021"])
def test_libreoffice_documents_import_as_their_figures(made_by_libreoffice, name):
    report, path = made_by_libreoffice[name]
    result = import_report(path)
    assert cells(result.report) == cells(report)
    assert result.block["missing"] == []


def drawn_again(data: bytes, picks: list[bool], shift: float, times: int) -> bytes:
    """The PDF with the text objects ``picks`` selects (cycled) drawn ``times`` times, each copy ``shift`` points to
    the right of the one before: how printers without a bold face make text bold."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, FloatObject, NumberObject

    writer = PdfWriter(clone_from=io.BytesIO(data))
    count = 0
    for page in writer.pages:
        content = ContentStream(page.get_contents(), writer)
        operations: list = []
        start = 0
        for operands, operator in content.operations:
            operations.append((operands, operator))
            if operator == b"BT":
                start = len(operations) - 1
            elif operator == b"ET":
                if picks[count % len(picks)]:
                    text_object = operations[start:]
                    for copy_number in range(1, times):
                        moved = [NumberObject(1), NumberObject(0), NumberObject(0), NumberObject(1),
                                 FloatObject(round(shift * copy_number, 2)), NumberObject(0)]
                        operations += [([], b"q"), (moved, b"cm"), *text_object, ([], b"Q")]
                count += 1
        content.operations = operations
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@needs_libreoffice
@DRAWN
@given(picks=st.lists(st.booleans(), min_size=1, max_size=40), shift=st.sampled_from([0.2, 0.35, 0.5, 0.8]),
       times=st.integers(2, 4), name=st.sampled_from(["one_table_2019", "one_table_2021"]))
def test_text_made_bold_by_drawing_it_again_is_read_once(made_by_libreoffice, picks, shift, times, name):
    report, path = made_by_libreoffice[name]
    result = import_report(drawn_again(path.read_bytes(), picks, shift, times))
    assert cells(result.report) == cells(report)
    assert result.block["missing"] == []


def watermarked(data: bytes, text: str, size: int, degrees: int, places: list[tuple[int, int]]) -> bytes:
    """The PDF with ``text`` printed in light grey Helvetica over every page at ``places``, turned by ``degrees``."""
    import math

    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    marks = "".join(f"q 0.85 g BT /GaipMark {size} Tf {cos:.3f} {sin:.3f} {-sin:.3f} {cos:.3f} {x} {y} Tm ({text}) Tj "
                    f"ET Q\n" for x, y in places).encode("ascii")
    writer = PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        resources = page["/Resources"].get_object()
        fonts = resources.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
        fonts[NameObject("/GaipMark")] = writer._add_object(font)
        content = ContentStream(None, writer)
        content.set_data(page.get_contents().get_data() + b"\n" + marks)
        page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@needs_libreoffice
@DRAWN
@given(text=st.sampled_from(["2024", "2025 INTERNAL", "0123456789"]), size=st.integers(28, 72),
       degrees=st.sampled_from([0, 30, 45, 60, -45]),
       places=st.lists(st.tuples(st.integers(40, 400), st.integers(80, 760)), min_size=1, max_size=4),
       name=st.sampled_from(["one_table_2019", "one_table_2021"]))
def test_a_watermark_over_the_tables_is_no_figure(made_by_libreoffice, text, size, degrees, places, name):
    report, path = made_by_libreoffice[name]
    result = import_report(watermarked(path.read_bytes(), text, size, degrees, places))
    assert cells(result.report) == cells(report)


def turned(data: bytes, rotation: int) -> bytes:
    """The PDF with every page's drawing turned by ``rotation`` degrees and the page marked /Rotate so that a viewer
    shows it exactly as before."""
    from pypdf import PdfWriter, Transformation
    from pypdf.generic import NameObject, NumberObject, RectangleObject

    writer = PdfWriter(clone_from=io.BytesIO(data))
    for page in writer.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        turn = {90: Transformation().rotate(90).translate(height, 0),
                180: Transformation().rotate(180).translate(width, height),
                270: Transformation().rotate(-90).translate(0, width)}[rotation]
        page.add_transformation(turn)
        box = [0, 0, width, height] if rotation == 180 else [0, 0, height, width]
        page.mediabox = page.cropbox = RectangleObject(box)
        page[NameObject("/Rotate")] = NumberObject(rotation)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@needs_libreoffice
@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_pages_drawn_turned_and_shown_upright_import_as_their_figures(made_by_libreoffice, rotation):
    report, path = made_by_libreoffice["one_table_2021"]
    result = import_report(turned(path.read_bytes(), rotation))
    assert cells(result.report) == cells(report)


@needs_libreoffice
def test_a_pdf_with_an_open_password_says_so(made_by_libreoffice):
    _, path = made_by_libreoffice["locked"]
    with pytest.raises(GaipError) as raised:
        import_report(io.BytesIO(path.read_bytes()).getvalue())
    assert raised.value.code == "E_ENCRYPTED"


@pytest.mark.parametrize("kind", ["html", "docx"])
@pytest.mark.parametrize("tables", [True, False])
def test_pictures_are_named_only_when_tables_are_missing(kind, tables):
    """A portal's logo or a seal beside complete tables is nothing to say; tables replaced by pictures are."""
    from PIL import Image

    report = consistent_report("2019", random.Random(34))
    parts = sections(report) if tables else [(h, p, []) for h, p, _ in sections(report)]
    picture = io.BytesIO()
    Image.new("RGB", (40, 40), "red").save(picture, "PNG")
    if kind == "html":
        data = to_html(report, parts=parts).replace(b"</body>", b'<img src="seal.png"></body>')
    else:
        import docx

        word = docx.Document(io.BytesIO(to_docx(report, parts=parts)))
        word.add_picture(picture)
        out = io.BytesIO()
        word.save(out)
        data = out.getvalue()
    result = import_report(data)
    named = [f for f in result.findings if f.code == "I_IMAGES_NOT_READ"]
    assert len(named) == (0 if tables else 1)
    assert (cells(result.report) == cells(report)) is tables


def without_columns(layout: list, dropped: set[int]) -> list:
    """A table layout with some grid columns left out: a cell over them only is gone, a wider one loses its span."""
    out = []
    for row in _grid_positions(layout):
        kept = []
        for column, (text, rowspan, colspan) in row:
            width = sum(1 for c in range(column, column + colspan) if c not in dropped)
            if width:
                kept.append((text, rowspan, width))
        out.append(kept)
    return out


@DRAWN
@given(edition=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10**6), section=st.sampled_from(["二", "三"]),
       picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=4), kind=st.sampled_from(["html", "docx"]))
def test_a_column_a_table_leaves_out_is_missing_not_blank(edition, seed, section, picks, kind):
    report = consistent_report(edition, random.Random(seed))
    table = next(t for t in report.edition.tables if t.section == section)  # section 二's first table, or 三's
    layout = sections(report)[1 if section == "二" else 2][2][0]
    first = max(c + span for row in _grid_positions(layout) for c, (_, _, span) in row) - len(table.columns)
    dropped = {table.columns[p % len(table.columns)] for p in picks}
    if len(dropped) == len(table.columns):
        dropped.discard(table.columns[0])
    grid_columns = {first + table.columns.index(c) for c in dropped}
    parts = [(h, p, [without_columns(lays[0], grid_columns), *lays[1:]] if h.startswith(section) else lays)
             for h, p, lays in sections(report)]
    result = import_report(RENDERERS[kind](report, parts))
    gone = {f"{table.code}.{r.code}.{c.code}" for r in table.rows for c in dropped}
    missing = {m["code"]: m["reason"] for m in result.block["missing"]}
    assert {code for code, why in missing.items() if why == "column_missing"} == gone
    assert {code for f in result.findings if f.code == "I_COLUMNS_MISSING" for code in f.cells} == gone
    assert cells(result.report) == {code: None if code in gone else value for code, value in cells(report).items()}
    assert "I1" in {f.rule for f in validate(result.report).errors}
