"""The workbook's directory: its sheets (name, visibility, part) and its workbook-scoped defined names.

Read straight from ``xl/workbook.xml`` and its relationships with defusedxml: python-calamine does not expose
defined names, and opening the workbook with openpyxl would cost a hundred times more than the whole read.
Namespaces are ignored (Strict OOXML and prefixed documents use other URIs for the same elements).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ..errors import NotXlsx, XmlAttack
from .safety import Package

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_REL_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"

# 'Sheet name'!$D$6 or Sheet!D6 ('' stands for ' inside a quoted name)
_CELL_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!\$?([A-Z]{1,3})\$?(\d{1,7})$")


@dataclass(frozen=True)
class SheetEntry:
    name: str
    state: str  # "visible", "hidden", "veryHidden"
    part: str | None  # e.g. "xl/worksheets/sheet3.xml"


@dataclass(frozen=True)
class CellTarget:
    sheet: str
    row: int
    col: int


@dataclass
class Directory:
    sheets: dict[str, SheetEntry]
    names: dict[str, str]  # workbook-scoped defined name (upper case) → its formula text

    def target(self, name: str) -> CellTarget | None:
        """The single cell a defined name refers to, or None (missing, #REF!, a range, a formula)."""
        text = self.names.get(name.upper())
        return parse_cell_ref(text) if text else None


def parse_cell_ref(text: str) -> CellTarget | None:
    match = _CELL_REF.match(text.strip())
    if not match:
        return None
    quoted, plain, letters, row = match.groups()
    sheet = quoted.replace("''", "'") if quoted is not None else plain
    col = 0
    for letter in letters:
        col = col * 26 + ord(letter) - 64
    return CellTarget(sheet, int(row), col)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _parse(package: Package, part: str) -> Element:
    try:
        return fromstring(package.part(part), forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise XmlAttack(package.path, part=part) from None
    except ParseError as exc:
        raise NotXlsx(package.path, detail=f"内部文件“{part}”不是有效的 XML（{exc}）") from None


def _relationship_targets(package: Package) -> dict[str, str]:
    if not package.has(WORKBOOK_RELS):
        return {}
    targets = {}
    for rel in _parse(package, WORKBOOK_RELS):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id", "")] = path
    return targets


def read_directory(package: Package) -> Directory:
    root = _parse(package, WORKBOOK_PART)
    targets = _relationship_targets(package)
    sheets: dict[str, SheetEntry] = {}
    names: dict[str, str] = {}
    for element in root:
        kind = _local(element.tag)
        if kind == "sheets":
            for sheet in element:
                rel = sheet.get(_REL_ID) or sheet.get(_STRICT_REL_ID) or ""
                name = sheet.get("name", "")
                sheets[name] = SheetEntry(name, sheet.get("state", "visible"), targets.get(rel))
        elif kind == "definedNames":
            for defined in element:
                if defined.get("localSheetId") is None:  # a sheet-scoped copy (made by copying a sheet) is not ours
                    names[defined.get("name", "").upper()] = defined.text or ""
    return Directory(sheets, names)
