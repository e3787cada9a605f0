"""What every reader hands to the interpreter: a published document as paragraphs and grids, each with its origin.

A reader (PDF, HTML, Word, text) only finds the text and the tables of a document; which section, table, row and
column they are is decided once, in ``interpret.py``, the same way for every kind of input. A grid keeps merged cells
as they were: the text stands in the merge's top-left cell and the cells it covers are ``None``, while a cell that is
present but empty holds "". ``aligned`` says whether a grid's columns are real (ruled PDF tables, HTML and Word
tables) or only the order of cells on a line of copied text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Where = dict[str, Any]  # provenance: {"page": 4, "bbox": [...]}, {"table": 2, "row": 5, "col": 3} or {"line": 87}


@dataclass(frozen=True)
class SourceCell:
    text: str
    where: Where


@dataclass
class Paragraph:
    text: str
    where: Where


@dataclass
class Grid:
    rows: list[list[SourceCell | None]]
    where: Where
    aligned: bool = True

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def clip_spans(rows: list[list[SourceCell | None]]) -> list[list[SourceCell | None]]:
    """Rows without the positions a span covers past the table's last column that holds a cell of its own (a last
    cell with colspan="100000"): they move no cell and show nothing, so rows stay as long as a reader sees them."""
    edge = max((i + 1 for row in rows for i, cell in enumerate(row) if cell is not None), default=0)
    return [row[:edge] for row in rows]


Block = Paragraph | Grid


@dataclass
class Document:
    """A published document as read: its kind ("pdf", "html", "docx", "text"), blocks in reading order, pages."""

    kind: str
    blocks: list[Block] = field(default_factory=list)
    pages: int | None = None
    converted_from: str | None = None  # "doc" or "wps" when LibreOffice converted it to .docx first
    repaired: bool = False  # a damaged PDF read from the copy PDFium rebuilt (``pdf.repaired_copy``)
    hidden_tables: int = 0  # tables of a web page a browser does not show (``visible.py``): not read
    images: int = 0  # pictures in the document: a scan, or tables pasted as pictures, are never read
    image_pages: list[int] = field(default_factory=list)  # a PDF's pages that hold pictures
