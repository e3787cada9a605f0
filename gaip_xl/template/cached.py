"""Formula results written into a saved package, because openpyxl cannot: it saves every formula with an empty
``<v/>``, so a viewer that does not calculate shows blanks.

One small function per file part, as XlsxWriter writes a package: ``sheet_part`` gives each listed cell of one
worksheet part its value (``<v>`` and, where the value is not a number, ``t="str"``, ``t="b"`` or ``t="e"``);
``sheet_parts`` finds the part of each sheet from the workbook part and its relationships; ``with_results`` copies
the package entry by entry (same names, order, dates and compression), so the same input gives the same bytes.
The cells are those openpyxl wrote: ``<c r="A1" …/>`` or ``<c r="A1" …>…</c>``, attributes in double quotes.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Mapping
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from ..format.layout import Pos

Value = str | int | float | bool
ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?:\s+[\w:]+="[^"]*")*)\s*(?:/>|>(.*?)</c>)', re.S)
_TYPE = re.compile(rb'\s+t="[^"]*"')
_FORMULA = re.compile(rb"<f\b[^>]*/>|<f\b.*?</f>", re.S)


def cell_value(value: Value) -> tuple[bytes, bytes]:
    """The cell's type attribute (b"" for a number) and the text of its ``<v>``."""
    if isinstance(value, bool):
        return b' t="b"', b"1" if value else b"0"
    if isinstance(value, int | float):
        return b"", repr(value).encode("ascii")
    if value in ERRORS:
        return b' t="e"', value.encode("ascii")
    return b' t="str"', escape(value).encode("utf-8")


def sheet_part(xml: bytes, values: Mapping[str, Value]) -> bytes:
    """The worksheet part with each cell named in ``values`` (A1 → value) holding that value, its formula kept."""
    placed: set[str] = set()

    def replace(match: re.Match[bytes]) -> bytes:
        address = match.group(1).decode("ascii")
        if address not in values:
            return match.group(0)
        placed.add(address)
        kind, text = cell_value(values[address])
        formula = _FORMULA.search(match.group(3) or b"")
        attributes = _TYPE.sub(b"", match.group(2))
        return (b'<c r="' + match.group(1) + b'"' + attributes + kind + b">"
                + (formula.group(0) if formula else b"") + b"<v>" + text + b"</v></c>")

    xml = _CELL.sub(replace, xml)
    missing = set(values) - placed
    if missing:  # a formula cell openpyxl did not write: a fault of the generator, never of the input
        raise ValueError(f"cells not in the worksheet part: {sorted(missing)[:5]}")
    return xml


def sheet_parts(workbook_xml: bytes, workbook_rels: bytes, workbook_name: str = "xl/workbook.xml") -> dict[str, str]:
    """Sheet name → the name of its worksheet part in the package."""
    targets = {rel.get("Id"): rel.get("Target", "") for rel in ElementTree.fromstring(workbook_rels).iter(PACKAGE_REL)}
    folder = posixpath.dirname(workbook_name)
    parts = {}
    for sheet in ElementTree.fromstring(workbook_xml).iter(f"{MAIN}sheet"):
        target = targets[sheet.get(REL_ID)]
        parts[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else \
            posixpath.normpath(posixpath.join(folder, target))
    return parts


def with_results(package: bytes, results: Mapping[Pos, Value]) -> bytes:
    """``package`` (a saved .xlsx) with every position in ``results`` holding its value."""
    by_part: dict[str, dict[str, Value]] = {}
    with zipfile.ZipFile(io.BytesIO(package)) as source:
        parts = sheet_parts(source.read("xl/workbook.xml"), source.read("xl/_rels/workbook.xml.rels"))
        for pos, value in results.items():
            by_part.setdefault(parts[pos.sheet], {})[pos.a1] = value
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                data = source.read(info)
                if info.filename in by_part:
                    data = sheet_part(data, by_part[info.filename])
                target.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()
