"""The report as an editable Word file (.docx) that opens cleanly in Word and WPS, written with python-docx.

A4 portrait; the prose in 仿宋, headings in 黑体, the title and tables in 宋体, each set as the East Asian font
(``w:eastAsia``) in the styles themselves, with theme fonts removed (a theme font would override them). Tables use
the built-in "Table Grid" borders, repeated explicitly on each table for WPS, a fixed layout, header rows marked
``w:tblHeader`` (repeated on every page), every row ``w:cantSplit``, and merges as Word writes them (``w:gridSpan``
across, ``w:vMerge`` down): nothing but conventional WordprocessingML.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from docx import Document as new_document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from docx.styles.style import BaseStyle
from docx.table import Table as WordTable
from docx.table import _Cell

from ..format.grid import GridCell, GridKind, TableGrid
from ..report import Report
from .content import GENERATOR, TEXT_WIDTH_MM, Document, PrintedTable, column_widths_mm, document_of, one_line

LATIN = "Times New Roman"
FANGSONG, SONGTI, HEITI = "仿宋", "宋体", "黑体"
PAGE_WIDTH, PAGE_HEIGHT = Mm(210), Mm(297)
MARGIN_TOP, MARGIN_BOTTOM = Mm(30), Mm(28)
MARGIN_SIDE = Mm((210 - TEXT_WIDTH_MM) / 2)
BODY_SIZE, TABLE_SIZE, TITLE_SIZE = Pt(16), Pt(10.5), Pt(22)  # 三号, 五号, 二号
CELL_MARGIN = Mm(1)  # left and right, inside every cell
TABLE_STYLE = "Gaip Table Text"
BORDER_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")
CORE_PROPERTY_LIMIT = 255  # characters of a core property (title, author) python-docx and OPC accept


# ---------------------------------------------------------------------------- styles
def _set_fonts(fonts: Any, east_asia: str) -> None:
    """Explicit fonts on a ``w:rFonts`` element (of a style or of the defaults), with any theme font removed."""
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)
    for slot, font in (("ascii", LATIN), ("hAnsi", LATIN), ("cs", LATIN), ("eastAsia", east_asia)):
        fonts.set(qn(f"w:{slot}"), font)


def _plain(style: BaseStyle, east_asia: str, size: Pt, bold: bool) -> None:
    """A paragraph style in black, in one font and size, without the template's colours and borders."""
    element = style.element
    for tag in ("w:color", "w:spacing", "w:kern"):
        if element.rPr is not None:
            for child in element.rPr.findall(qn(tag)):
                element.rPr.remove(child)
    if element.pPr is not None:
        for child in element.pPr.findall(qn("w:pBdr")):
            element.pPr.remove(child)
    _set_fonts(element.get_or_add_rPr().get_or_add_rFonts(), east_asia)
    style.font.size = size  # type: ignore[attr-defined]
    style.font.bold = bold  # type: ignore[attr-defined]


def _set_up_styles(document: WordDocument) -> None:
    styles = document.styles
    defaults = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set_fonts(defaults.find(qn("w:rPr")).find(qn("w:rFonts")), FANGSONG)  # present in python-docx's template
    language = defaults.find(qn("w:rPr")).find(qn("w:lang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")  # so Word picks the East Asian font for Chinese text

    normal = styles["Normal"]
    _plain(normal, FANGSONG, BODY_SIZE, False)
    body = normal.paragraph_format
    body.first_line_indent = 2 * BODY_SIZE  # two characters, as official documents indent
    body.line_spacing_rule, body.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    body.space_before = body.space_after = Pt(0)

    title = styles["Title"]
    _plain(title, SONGTI, TITLE_SIZE, True)
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Pt(0)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    title.paragraph_format.space_after = Pt(18)

    heading = styles["Heading 1"]
    _plain(heading, HEITI, BODY_SIZE, False)
    heading.paragraph_format.first_line_indent = 2 * BODY_SIZE
    heading.paragraph_format.space_before = Pt(6)
    heading.paragraph_format.space_after = Pt(6)

    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = normal
    _plain(cell, SONGTI, TABLE_SIZE, False)
    fmt = cell.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER


# ---------------------------------------------------------------------------- page
def _set_up_page(document: WordDocument) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.top_margin, section.bottom_margin = MARGIN_TOP, MARGIN_BOTTOM
    section.left_margin = section.right_margin = MARGIN_SIDE
    footer = section.footer.paragraphs[0]
    footer.style = document.styles[TABLE_STYLE]
    field = OxmlElement("w:fldSimple")  # the page number, a field Word and WPS both update
    field.set(qn("w:instr"), "PAGE")
    shown, text = OxmlElement("w:r"), OxmlElement("w:t")  # what shows until the field is updated, as Word writes it
    text.text = "1"
    shown.append(text)
    field.append(shown)
    footer._p.append(field)


# ---------------------------------------------------------------------------- tables
def column_widths(grid: TableGrid) -> list[Emu]:
    return [Emu(Mm(w)) for w in column_widths_mm(grid)]


def _table_properties(table: WordTable, widths: Sequence[int]) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in BORDER_SIDES:
        border = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            border.set(qn(f"w:{key}"), value)
        borders.append(border)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(CELL_MARGIN.twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    # Schema order inside tblPr: tblStyle, …, jc, …, tblBorders, …, tblLayout, tblCellMar, tblLook.
    look = properties.find(qn("w:tblLook"))
    for element in (borders, layout, margins):
        if look is not None:
            look.addprevious(element)
        else:
            properties.append(element)
    table.autofit = False
    width = properties.find(qn("w:tblW"))
    width.set(qn("w:type"), "dxa")
    width.set(qn("w:w"), str(sum(Emu(w).twips for w in widths)))
    for column, column_width in zip(table.columns, widths, strict=True):
        column.width = column_width


def _row_properties(table: WordTable, header_rows: int) -> None:
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row is never split over two pages
        if index < header_rows:
            properties.append(OxmlElement("w:tblHeader"))  # repeated at the top of every page


def _merge(tcs: list[list[Any]], grid: GridCell, widths: Sequence[int]) -> None:
    """Merges a cell's rectangle as Word itself writes it: in each of its rows the first <w:tc> spans the columns
    (``w:gridSpan``; the others are removed) and, when it spans rows, ``w:vMerge`` restarts in the first row and
    continues below."""
    for r in range(grid.row, grid.row + grid.rowspan):
        first = tcs[r][grid.col]
        for c in range(grid.col + 1, grid.col + grid.colspan):
            first.getparent().remove(tcs[r][c])
        if grid.colspan > 1:
            first.grid_span = grid.colspan
        if grid.rowspan > 1:
            first.vMerge = "restart" if r == grid.row else "continue"
        first.width = Emu(sum(widths[grid.col: grid.col + grid.colspan]))


def _add_table(document: WordDocument, printed: PrintedTable) -> None:
    grid = printed.grid
    table = document.add_table(rows=grid.rows, cols=grid.cols)
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = column_widths(grid)
    _table_properties(table, widths)
    # Every grid position's <w:tc> as created, before merging removes some (python-docx's own cell lookup resolves
    # the whole table on every call, which makes a table of 300 cells take seconds).
    tcs = [list(row._tr.tc_lst) for row in table.rows]
    # The style id set directly: python-docx's Paragraph.style walks every style of the document on each call.
    style_id = document.styles[TABLE_STYLE].style_id
    for row in printed.rows:
        for cell in row:
            g = cell.grid
            if g.rowspan > 1 or g.colspan > 1:
                _merge(tcs, g, widths)
            target = _Cell(tcs[g.row][g.col], table)
            target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = target.paragraphs[0]
            paragraph._p.style = style_id
            if g.kind is GridKind.ROW and g.rowspan == 1:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            if cell.text:
                paragraph.add_run(cell.text)
    _row_properties(table, printed.header_rows)
    document.add_paragraph().paragraph_format.space_after = Pt(0)  # Word needs a paragraph between two tables


# ---------------------------------------------------------------------------- the document
def _drop_thumbnail(document: WordDocument) -> None:
    """python-docx's blank document carries a thumbnail picture of its own, which file browsers would show."""
    rels = document.part.package.rels
    for key in [k for k, rel in rels.items() if rel.reltype.endswith("/metadata/thumbnail")]:
        del rels[key]


def docx_of(content: Document, author: str, dated: dt.datetime | None = None) -> bytes:
    """The Word file; ``dated`` (the publication date) becomes its creation and modification time, so the same
    report always gives the same document properties (python-docx's blank document says 2013 otherwise)."""
    document = new_document()
    _drop_thumbnail(document)
    _set_up_styles(document)
    _set_up_page(document)
    properties = document.core_properties
    properties.title = _core_property(content.title)
    properties.author = properties.last_modified_by = _core_property(author)
    properties.language, properties.comments = "zh-CN", ""
    properties.identifier = GENERATOR  # what lets publish tell its own file from a clerk's (``keep``)
    if dated is not None:
        properties.created = properties.modified = dated
    document.add_paragraph(content.title, style="Title")
    if content.dateline:
        line = document.add_paragraph(content.dateline)
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.paragraph_format.first_line_indent = Pt(0)
    for section in content.sections:
        document.add_paragraph(section.heading, style="Heading 1")
        for text in section.paragraphs:
            paragraph = document.add_paragraph(text)
            if text[:1].isspace():  # indented by the clerk already: keep exactly that
                paragraph.paragraph_format.first_line_indent = Pt(0)
        for table in section.tables:
            _add_table(document, table)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _core_property(text: str) -> str:
    """A document property (title, author) as OPC allows it: at most 255 characters (python-docx raises a
    ValueError beyond), a longer one cut with "…" (the whole title stands in the document itself)."""
    return text if len(text) <= CORE_PROPERTY_LIMIT else text[:CORE_PROPERTY_LIMIT - 1] + "…"


def _publication_date(report: Report) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(str(report.published_on)) if report.published_on else None
    except ValueError:  # kept as typed in the report; the rules report it
        return None


def render_docx(report: Report) -> bytes:
    return docx_of(document_of(report), one_line(report.agency.name or ""), _publication_date(report))
