"""A Word document (.docx) → paragraphs and tables in body order (python-docx), merged cells expanded.

The package is checked for bombs first (``sniff.open_zip``); python-docx parses its XML with entities unresolved.
A cell spanning columns (``w:gridSpan``) stands in its first grid column and covers the next ones; a cell continuing a
vertical merge (``w:vMerge`` without "restart") is covered by the cell above when a merge comes down to it (else
it is a cell of its own, so no figure is dropped); ``w:gridBefore`` leaves leading
positions empty. Covered positions are ``None``, as in every grid.
"""

from __future__ import annotations

import io
from typing import Any

from ..errors import DocumentUnreadable, XmlAttack
from ..files import ZIP_ERRORS
from ..format.drifts import PAGE_NUMBER
from .model import Document, Grid, Paragraph, SourceCell, clip_spans
from .sniff import open_zip

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str | None = None) -> Document:
    import docx

    archive = open_zip(path, data)
    for name in archive.namelist():
        if name.endswith((".xml", ".rels")):
            try:
                head = archive.read(name)
            except ZIP_ERRORS:
                detail = f"内部文件“{name}”无法解压：已损坏，或用了不支持的压缩方式"
                raise DocumentUnreadable(path, detail=detail) from None
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise XmlAttack(path, part=name)
    try:
        word = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds of errors on damaged packages
        raise DocumentUnreadable(path, detail=f"Word 文档无法打开（{type(exc).__name__}）") from None
    document = Document("docx")
    _blocks(word.element.body, document, [0, 0])
    document.images = sum(1 for _ in word.element.body.iter(f"{_W}drawing", f"{_W}pict"))
    return document


def _blocks(parent: Any, document: Document, counts: list[int]) -> None:
    """Paragraphs and tables in body order; a table holding tables is page layout: its cells are read as blocks."""
    for element in parent.iterchildren():
        if element.tag == f"{_W}p":
            text = _text(element)
            if text.strip() and not PAGE_NUMBER.match(text):
                counts[0] += 1
                document.blocks.append(Paragraph(text.strip(), {"paragraph": counts[0]}))
        elif element.tag == f"{_W}tbl" and element.find(f".//{_W}tbl") is not None:
            for cell in element.iter(f"{_W}tc"):
                if cell.getparent().getparent() is element:  # this table's own cells, not a nested table's
                    _blocks(cell, document, counts)
        elif element.tag == f"{_W}tbl":
            document.blocks.append(_grid(element, counts[1]))
            counts[1] += 1
        elif element.tag == f"{_W}sdt":  # content controls wrap paragraphs and tables
            content = element.find(f"{_W}sdtContent")
            if content is not None:
                _blocks(content, document, counts)


def _text(element: Any) -> str:
    """A paragraph's text: runs joined, tabs as spaces, breaks as new lines."""
    parts = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"):
        parts.append(node.text or "" if node.tag == f"{_W}t" else ("\n" if node.tag != f"{_W}tab" else " "))
    return "".join(parts)


def _grid(table: Any, index: int) -> Grid:
    rows: list[list[SourceCell | None]] = []
    merging: set[int] = set()  # grid columns where a vertical merge comes down from the row above
    for r, tr in enumerate(table.iterchildren(f"{_W}tr")):
        row: list[SourceCell | None] = []
        merged: set[int] = set()
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        for _ in range(_int(before)):  # cells left out at the start of the row
            row.append(SourceCell("", {"table": index, "row": r, "col": len(row)}))
        for tc in tr.iterchildren(f"{_W}tc"):
            properties = tc.find(f"{_W}tcPr")
            span = _int(properties.find(f"{_W}gridSpan")) if properties is not None else 1
            merge = properties.find(f"{_W}vMerge") if properties is not None else None
            column = len(row)
            # a continuation with no merge above it continues nothing: its text is the cell's own, never dropped
            continued = merge is not None and merge.get(f"{_W}val") in (None, "continue") and column in merging
            if continued or (merge is not None and merge.get(f"{_W}val") == "restart"):
                merged.update(range(column, column + max(span, 1)))  # the merge goes on below (an orphan starts none)
            if continued:
                row.append(None)
            else:
                text = "\n".join(_text(p) for p in tc.iterchildren(f"{_W}p"))
                row.append(SourceCell(text.strip(), {"table": index, "row": r, "col": column}))
            row.extend([None] * (max(span, 1) - 1))
        rows.append(row)
        merging = merged
    return Grid(clip_spans(rows), {"table": index}, aligned=True)


def _int(element: Any) -> int:
    if element is None:
        return 0
    try:
        return max(0, min(int(element.get(f"{_W}val", "1")), 100))
    except ValueError:
        return 1
