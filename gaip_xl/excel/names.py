"""The workbook's directory: its sheets (name, visibility, part) and its workbook-scoped defined names.

Read straight from ``xl/workbook.xml`` and its relationships with defusedxml: opening the workbook with openpyxl
would cost a hundred times more than the whole read. The package's root relationships must name that part as the
workbook (the one Excel opens), so no other part can pose as it.
Namespaces are ignored (Strict OOXML and prefixed documents use other URIs for the same elements).

Parsing the names block costs more than reading every cell the reader needs, and every submission made from
one template carries the same block. So a parsed directory is remembered, keyed by the exact bytes that decide it:
the ``<sheets>`` and ``<definedNames>`` blocks, the element structure around them (attribute values blanked, since
Excel stamps per-file values there, e.g. the active tab or a document id; namespace declarations kept) and the
workbook's relationships. A part is looked up only if it declares nothing (``<!``: no comment, CDATA or DTD can hide
or fake a block) and has exactly one ``<sheets>`` and at most one ``<definedNames>`` element; a hit is still checked
to be well-formed XML, so a cached answer is exactly what a full parse of that part would give.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote
from xml.etree.ElementTree import Element
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

from ..errors import DuplicateSheet, NotXlsx, XmlAttack
from .safety import Package

WORKBOOK_PART = "xl/workbook.xml"
WORKBOOK_RELS = "xl/_rels/workbook.xml.rels"
_SHARED_STRINGS = "/sharedStrings"  # the ends of the relationship types of the shared-string table and the styles
_STYLES = "/styles"
ROOT_RELS = "_rels/.rels"
_OFFICE_DOCUMENT = "/officeDocument"
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


@dataclass(frozen=True)
class Directory:
    """Read-only: one directory may be shared by every workbook with the same names block (see above)."""

    sheets: Mapping[str, SheetEntry]
    names: Mapping[str, str]  # workbook-scoped defined name (upper case) → its formula text
    shared_strings: str | None = None  # the part of the shared-string table, if the workbook has one
    styles: str | None = None  # the part of the cell styles (which cells show numbers as dates)
    checked: set[str] = field(default_factory=set, compare=False)  # editions whose names all point where they should

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


def resolve_target(source_folder: str, target: str) -> str | None:
    """A relationship's target as a part name, as OPC resolves it (ECMA-376 Part 2, §9.3): percent-decoded, absolute
    from the package root when it starts with "/", otherwise relative to the folder of the part that holds the
    relationship, "." and ".." resolved. None for a target outside the package."""
    target = unquote(target.strip())
    joined = target.lstrip("/") if target.startswith("/") else posixpath.join(source_folder, target)
    path = posixpath.normpath(joined) if joined else ""
    if path in ("", ".") or path.startswith("../") or path == ".." or path.startswith("/"):
        return None
    return path


def _relationships(package: Package) -> tuple[dict[str, str | None], str | None, str | None]:
    """The workbook's relationships (id → part name, None outside the package), its shared-string table and its
    styles."""
    if not package.has(WORKBOOK_RELS):
        return {}, None, None
    targets: dict[str, str | None] = {}
    strings = styles = None
    for rel in _parse(package, WORKBOOK_RELS):
        if _local(rel.tag) != "Relationship" or rel.get("TargetMode", "Internal") == "External":
            continue
        identifier = rel.get("Id", "")
        if identifier in targets:
            raise NotXlsx(package.path, detail=f"内部文件“{WORKBOOK_RELS}”中关系编号“{identifier}”出现了两次")
        path = resolve_target(posixpath.dirname(WORKBOOK_PART), rel.get("Target", ""))
        targets[identifier] = package.resolve(path) if path is not None else None
        kind = rel.get("Type", "")
        if kind.endswith(_SHARED_STRINGS) and strings is None:
            strings = targets[identifier]
        elif kind.endswith(_STYLES) and styles is None:
            styles = targets[identifier]
    return targets, strings, styles


def _check_office_document(package: Package) -> None:
    """Excel opens the part the root relationships name as the office document: it must be the one read here."""
    if not package.has(ROOT_RELS) or package.part(ROOT_RELS) in _GOOD_ROOTS:
        return
    for rel in _parse(package, ROOT_RELS):
        if _local(rel.tag) == "Relationship" and rel.get("Type", "").endswith(_OFFICE_DOCUMENT):
            target = resolve_target("", rel.get("Target", ""))
            if target is None or target.casefold() != WORKBOOK_PART:
                raise NotXlsx(package.path, detail=f"工作簿的主文档为“{rel.get('Target', '')}”，不是 {WORKBOOK_PART}")
            break
    if len(_GOOD_ROOTS) < MAX_CACHED:
        _GOOD_ROOTS.add(package.part(ROOT_RELS))


_GOOD_ROOTS: set[bytes] = set()  # root relationships already checked (every file of one template has the same)


def read_directory(package: Package) -> Directory:
    _check_office_document(package)
    workbook = package.part(WORKBOOK_PART)  # bounded, entity-free
    rels = package.part(WORKBOOK_RELS) if package.has(WORKBOOK_RELS) else b""
    exact = _EXACT.get((workbook, rels))  # the very bytes parsed before (files written by one program): no more work
    if exact is not None:
        return exact
    key = _cache_key(workbook, rels)
    cached = _CACHE.get(key) if key is not None else None
    if cached is not None and _well_formed(workbook):
        return _remember(_EXACT, (workbook, rels), cached)
    directory = _parse_directory(package)
    if key is not None:
        _remember(_CACHE, key, directory)
        _remember(_EXACT, (workbook, rels), directory)
    return directory


MAX_CACHED = 16  # distinct names blocks remembered per process (one per template a batch was made from)
_CACHE: dict[tuple[bytes, ...], Directory] = {}
_EXACT: dict[tuple[bytes, bytes], Directory] = {}  # (workbook.xml, its relationships) exactly as parsed


def clear_cache() -> None:
    _GOOD_ROOTS.clear()
    _CACHE.clear()
    _EXACT.clear()


def _remember(cache: dict[Any, Directory], key: Any, directory: Directory) -> Directory:
    if len(cache) >= MAX_CACHED:
        del cache[next(iter(cache))]
    cache[key] = directory
    return directory
_BLOCK_STARTS = {b"sheets": re.compile(rb"<(?:[\w.-]+:)?sheets[\s>/]"),
                 b"definedNames": re.compile(rb"<(?:[\w.-]+:)?definedNames[\s>/]")}
_BLOCK_ENDS = {b"sheets": re.compile(rb"</(?:[\w.-]+:)?sheets\s*>"),
               b"definedNames": re.compile(rb"</(?:[\w.-]+:)?definedNames\s*>")}
# attribute values outside the blocks, except namespace declarations (they decide what the blocks' names mean)
_ATTRIBUTE_VALUE = re.compile(rb"""(\s(?!xmlns[\s:=])[^\s=<>/]+)\s*=\s*(?:"[^"]*"|'[^']*')""")


def _cache_key(workbook: bytes, rels: bytes) -> tuple[bytes, ...] | None:
    """The bytes that decide the directory, or None when the part is unusual enough to be parsed every time."""
    if b"<!" in workbook:
        return None
    blocks = []
    for tag in (b"sheets", b"definedNames"):
        starts = list(_BLOCK_STARTS[tag].finditer(workbook))
        if len(starts) > 1 or (tag == b"sheets" and not starts):
            return None
        if starts:
            closing = _BLOCK_ENDS[tag].search(workbook, starts[0].start())
            if closing is None:
                return None
            blocks.append((starts[0].start(), closing.end()))
    blocks.sort()
    # the XML declaration exactly (its encoding decides what the blocks' bytes say), then structure and blocks
    declaration = workbook[:workbook.find(b"?>") + 2] if workbook.startswith((b"<?xml", b"\xef\xbb\xbf<?xml")) else b""
    key, position = [rels, declaration], 0
    for start, end in blocks:
        if start < position:
            return None
        key += [_ATTRIBUTE_VALUE.sub(rb'\1=""', workbook[position:start]), workbook[start:end]]
        position = end
    return tuple(key)


def _well_formed(data: bytes) -> bool:
    parser = expat.ParserCreate()
    try:
        parser.Parse(data, True)
    except expat.ExpatError:
        return False
    return True


def _parse_directory(package: Package) -> Directory:
    """Sheets and names from a full parse. Sheet names must be unique as Excel compares them (ignoring case): two
    sheets of one name would leave open which of them is read."""
    root = _parse(package, WORKBOOK_PART)
    targets, strings, styles = _relationships(package)
    sheets: dict[str, SheetEntry] = {}
    folded: set[str] = set()
    names: dict[str, str] = {}
    for element in root:
        kind = _local(element.tag)
        if kind == "sheets":
            for sheet in element:
                if _local(sheet.tag) != "sheet":
                    continue
                rel = sheet.get(_REL_ID) or sheet.get(_STRICT_REL_ID) or ""
                name = sheet.get("name", "")
                if name.casefold() in folded:
                    raise DuplicateSheet(package.path, sheet=name)
                folded.add(name.casefold())
                sheets[name] = SheetEntry(name, sheet.get("state", "visible"), targets.get(rel))
        elif kind == "definedNames":
            for defined in element:
                if _local(defined.tag) == "definedName" and defined.get("localSheetId") is None:
                    # a sheet-scoped copy (made by copying a sheet) is not ours
                    upper = defined.get("name", "").upper()
                    if upper in names:
                        raise NotXlsx(package.path, detail=f"定义名称“{defined.get('name')}”出现了两次")
                    names[upper] = defined.text or ""
    return Directory(MappingProxyType(sheets), MappingProxyType(names), strings, styles)
