"""A PDF with a text layer → paragraphs and ruled tables (pdfplumber), each with its page and position.

Tables are found by their ruling lines (pdfplumber's lattice strategy); a "table" of one column is a framed
paragraph, kept as text. Lines of text outside the tables become paragraphs, in reading order with the tables of the
same page; page numbers ("-3-", "— 5 —", and a bare "3" in the page's top or bottom margin, as Word and
LibreOffice print a PAGE field) are dropped. A PDF without any text but with images is a scan
(``E_SCANNED_PDF``), one without either is empty (``E_EMPTY_DOCUMENT``).

A PDF whose structure pdfminer cannot open or reads only with losses (a damaged or missing cross-reference table,
shifted offsets, a file cut off at the end: an interrupted download; pdfminer says so in its log) is repaired as a
viewer would: PDFium (pypdfium2, which pdfplumber itself depends on)
rebuilds the table from the objects in the file and writes it out again, and that copy is read. The content streams
are not changed; the import says so (``I_PDF_REPAIRED``), and a table lost with a cut-off page is reported missing
as for any document (I1).
"""

from __future__ import annotations

import io
import logging
import statistics
from typing import Any, NoReturn

from ..errors import DocumentTooLarge, DocumentUnreadable, EmptyDocument, EncryptedDocument, GaipError, ScannedPdf
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell

MAX_PAGES = 200
# A bare number is a page number only in the margins: the top and bottom tenth of the page, where a body line of an
# A4 page with ordinary margins never stands (a "3" alone in the body may be a figure and is kept).
MARGIN_SHARE = 0.1
# A glyph whose middle lies in a cell is not the cell's text when less than this share of it lies inside the cell, or
# when it is this many times the size of the tables' usual glyph (table text is one size; titles stand outside tables).
MISFIT_SHARE, OVERSIZE = 0.75, 1.8
SNAP = 0.01  # a rule whose ends differ by less than this (pt) in height or in place is level or plumb
# pdfminer logs what it recovers from; the import reports damage by its own codes, so without a logging setup of the
# caller's these lines are not printed (a NullHandler stops only Python's last-resort printing to stderr)
_PDFMINER = logging.getLogger("pdfminer")
_PDFMINER.addHandler(logging.NullHandler())


def read_pdf(data: bytes, path: str | None = None) -> Document:
    """The document's paragraphs and tables; a damaged PDF is read from PDFium's repaired copy (module docstring)."""
    first: Document | GaipError  # what the file itself gave: its document (pdfminer recovered), or why not
    try:
        first, troubled = _read(data, path)
        if not troubled:
            return first
    except (EncryptedDocument, DocumentTooLarge):
        raise  # said by their own codes, never repaired around
    except GaipError as exc:  # unreadable, or no text left after pdfminer's recovery
        first = exc
    fixed = repaired_copy(data)
    if fixed is not None:
        try:
            repaired, troubled = _read(fixed, path)
        except GaipError:
            repaired = None
        # the copy is read when it reads cleanly, or when the file itself could not be read at all (what the copy
        # lost is then reported missing, as for any document)
        if repaired is not None and (not troubled or isinstance(first, GaipError)):
            repaired.repaired = True
            return repaired
    if isinstance(first, GaipError):
        raise first
    return first  # pdfminer recovered on its own and PDFium could do no better: what it read is kept


class _Troubles(logging.Handler):
    """Counts what pdfminer says it recovered from (data lost in a stream, objects it could not find)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def _read(data: bytes, path: str | None) -> tuple[Document, bool]:
    """The document, and whether pdfminer had to recover from damage while reading it."""
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    troubles = _Troubles()
    _PDFMINER.addHandler(troubles)
    try:
        try:
            pdf = pdfplumber.open(io.BytesIO(data))
            pages = len(pdf.pages)  # pdfminer reads the page tree here: a damaged one fails now, not later
        except Exception as exc:
            if _encrypted(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
                raise EncryptedDocument(path) from None
            _unreadable(exc, path, PDFSyntaxError)
        with pdf:
            document = _document(pdf, pages, path)
    finally:
        _PDFMINER.removeHandler(troubles)
    return document, troubles.count > 0


def _encrypted(exc: BaseException, kinds: tuple[type[BaseException], ...]) -> bool:
    """Whether opening failed for a password: pdfplumber wraps pdfminer's errors (``PdfminerException`` holding
    ``PDFPasswordIncorrect``), so the error, what it holds and what caused it are all looked at."""
    seen: list[object] = [exc, *exc.args, exc.__cause__, exc.__context__]
    return any(isinstance(found, kinds) for found in seen)


def _unreadable(exc: Exception, path: str | None, syntax: type[Exception]) -> NoReturn:
    if isinstance(exc, (syntax, ValueError, TypeError, KeyError, AttributeError)):
        raise DocumentUnreadable(path, detail=f"PDF 结构已损坏（{type(exc).__name__}）") from None
    # pdfminer raises many kinds of errors on damaged files
    raise DocumentUnreadable(path, detail=f"PDF 无法打开（{type(exc).__name__}）") from None


def _document(pdf: Any, pages: int, path: str | None) -> Document:
    if pages > MAX_PAGES:
        raise DocumentTooLarge(path, detail=f"PDF 有 {pages} 页，上限为 {MAX_PAGES} 页")
    document = Document("pdf", pages=pages)
    chars = images = 0
    for number, page in enumerate(pdf.pages, start=1):
        try:
            page = _once(page)
            chars += len(page.chars)
            images += len(page.images)
            if page.images:
                document.image_pages.append(number)
            document.blocks.extend(_page_blocks(page, number))
        except Exception as exc:  # a damaged page: say so instead of a traceback
            raise DocumentUnreadable(path, detail=f"第 {number} 页无法解析（{type(exc).__name__}）") from None
    if chars == 0:
        if images:
            raise ScannedPdf(path, pages=document.pages, images=images)
        raise EmptyDocument(path, detail=f"PDF 共 {document.pages} 页，没有文字也没有图片")
    document.images = images
    return document


def repaired_copy(data: bytes) -> bytes | None:
    """The PDF as PDFium opens and writes it again (its cross-reference table rebuilt), or None when PDFium cannot open
    it either, or it is encrypted (that is said by its own code, never repaired around)."""
    try:
        import pypdfium2
    except ImportError:
        return None
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:  # pypdfium2.PdfiumError and anything else: not repairable here
        return None
    try:
        if len(document) == 0 or len(document) > MAX_PAGES:
            return None
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    except Exception:
        return None
    finally:
        document.close()


def _once(page: Any) -> Any:
    """The page with each character once: a PDF printer that makes a font bold by drawing every glyph two to four
    times, a fraction of a point apart, gives "3119" as "33111199" otherwise. Only a glyph of the same text, font and
    size within a point of another is dropped, which no two letters of real text are."""
    return page.dedupe_chars(tolerance=1, extra_attrs=("fontname", "size"))


def _page_blocks(page: Any, number: int) -> list[Any]:
    page = page.filter(_not_slanted)
    tables = _tables(page)
    misfits = _misfits(page, tables)
    if misfits:
        page = page.filter(lambda obj: _key(obj) not in misfits)
        tables = _tables(page)  # the same ruled grid, read without them
    placed: list[tuple[float, Any]] = [(t.bbox[1], _grid(t, number, index)) for index, t in enumerate(tables)]
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes)

    text_page = page.filter(outside) if boxes else page
    for line in text_page.extract_text_lines(return_chars=False):
        text = line["text"].strip()
        if not text or PAGE_NUMBER.match(text) or _bare_page_number(text, line, page.height):
            continue
        where = {"page": number, "bbox": [round(line["x0"], 1), round(line["top"], 1), round(line["x1"], 1),
                                          round(line["bottom"], 1)]}
        placed.append((line["top"], Paragraph(text, where)))
    placed.sort(key=lambda item: item[0])
    return [block for _, block in placed]


def _tables(page: Any) -> list[Any]:
    """The page's ruled tables, rules a hair off level or plumb counted as level or plumb: pdfplumber takes a rule as
    level only when its two ends have exactly the same height, and a page drawn turned a right angle (a landscape
    page printed to PDF, shown upright with /Rotate) leaves its rules 1e-14 pt askew, so a table lost its row lines
    and several rows were read as one."""
    level, plumb = [], []
    for edge in page.edges:
        long_enough = max(edge["width"], edge["height"]) >= 1
        if edge["orientation"] != "h" and edge["height"] < SNAP and long_enough:
            level.append({**edge, "object_type": "line_edge", "orientation": "h", "bottom": edge["top"], "height": 0})
        elif edge["orientation"] != "v" and edge["width"] < SNAP and long_enough:
            plumb.append({**edge, "object_type": "line_edge", "orientation": "v", "x1": edge["x0"], "width": 0})
    settings = {"explicit_horizontal_lines": level, "explicit_vertical_lines": plumb} if level or plumb else None
    return [t for t in page.find_tables(table_settings=settings) if _width(t) >= 2]


def _not_slanted(obj: dict[str, Any]) -> bool:
    """False for a glyph turned by an angle other than a right angle: a watermark laid across the page ("2024",
    "内部资料" at 30° or 45°) whose glyphs falling into a table's cells were read into its figures (7 as 74). Text
    printed down the page (90°) and slanted italic (a skew, not a turn) are kept."""
    if obj.get("object_type") != "char":
        return True
    a, b = obj["matrix"][0], obj["matrix"][1]
    return abs(a) < 1e-3 * abs(b) or abs(b) < 1e-3 * abs(a)


def _key(obj: dict[str, Any]) -> tuple[Any, ...]:
    return obj.get("object_type"), obj.get("text"), obj.get("x0"), obj.get("top"), obj.get("size")


def _misfits(page: Any, tables: list[Any]) -> set[tuple[Any, ...]]:
    """The glyphs whose middle lies in a table's cell but which are not the cell's text: one mostly outside that cell,
    or one far larger than the tables' text (a watermark's letters printed across the table: read into a cell, 103
    became 4103, and a letter in a label cell was joined to a row broken over the page)."""
    cells = [cell for table in tables for cell in table.cells]
    placed = [(char, cell) for char in page.chars if (cell := _cell_of(char, cells)) is not None]
    if not placed:
        return set()
    usual = statistics.median(char["size"] for char, _ in placed)
    return {_key(char) for char, cell in placed
            if _share_inside(char, cell) < MISFIT_SHARE or char["size"] > OVERSIZE * usual}


def _cell_of(char: dict[str, Any], cells: list[tuple[float, float, float, float]]) -> Any:
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return next((cell for cell in cells if cell[0] <= x <= cell[2] and cell[1] <= y <= cell[3]), None)


def _share_inside(char: dict[str, Any], cell: tuple[float, float, float, float]) -> float:
    x0, top, x1, bottom = cell
    area = max((char["x1"] - char["x0"]) * (char["bottom"] - char["top"]), 1e-6)
    inside = (max(0.0, min(x1, char["x1"]) - max(x0, char["x0"]))
              * max(0.0, min(bottom, char["bottom"]) - max(top, char["top"])))
    return inside / area


def _bare_page_number(text: str, line: dict[str, Any], height: float) -> bool:
    return text.isdigit() and len(text) <= 4 and (line["top"] >= height * (1 - MARGIN_SHARE)
                                                  or line["bottom"] <= height * MARGIN_SHARE)


def _width(table: Any) -> int:
    return max((len(row.cells) for row in table.rows), default=0)


def _grid(table: Any, page: int, index: int) -> Grid:
    texts = table.extract()
    rows: list[list[SourceCell | None]] = []
    for r, (row, cells) in enumerate(zip(table.rows, texts, strict=False)):
        out: list[SourceCell | None] = []
        for c, (bbox, text) in enumerate(zip(row.cells, cells, strict=False)):
            if bbox is None or text is None:
                out.append(None)  # covered by a merged cell
                continue
            out.append(SourceCell(text, {"page": page, "table": index, "row": r, "col": c,
                                         "bbox": [round(v, 1) for v in bbox]}))
        rows.append(out)
    return Grid(rows, {"page": page, "table": index, "bbox": [round(v, 1) for v in table.bbox]}, aligned=True)
