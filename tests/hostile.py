"""Hostile workbooks by rule: hypothesis strategies that mutate the XML and the zip layout of a real filled template.

Each strategy draws a mutation together with what reading the result must give (the oracle), computed from what was
meant, never from the reader: the figures of the base report with the mutated cells' intended values, or the code
of the ``GaipError`` that must be raised. tests/test_excel_hostile.py checks the three properties against it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from builders import load_case
from hypothesis import strategies as st

from gaip_xl import write_workbook
from gaip_xl.format.layout import Pos, layout_for

LAYOUT = layout_for("2021")
CASE = "pingtan-2021"
RELS = "xl/_rels/workbook.xml.rels"
TYPES = "[Content_Types].xml"
SHARED = "xl/sharedStrings.xml"
FIGURES = sorted(LAYOUT.figures)
ERRORS = ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"]
NO_CACHED_VALUE = "E_NO_CACHED_VALUE"


@cache
def base_bytes() -> bytes:
    """A real filled template of the case report (the writer's output)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "base.xlsx"
        write_workbook(load_case(CASE), path)
        return path.read_bytes()


def base_parts() -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(base_bytes())) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


@cache
def sheet_parts() -> dict[str, str]:
    """Sheet name → its part, from the base's workbook.xml and relationships."""
    parts = dict(base_parts())
    workbook, rels = parts["xl/workbook.xml"].decode(), parts[RELS].decode()
    found = {}
    for name, rel in re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(\w+)"', workbook):
        target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel}"', rels).group(1)  # type: ignore[union-attr]
        found[name] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return found


# ---------------------------------------------------------------------------- text as Excel writes it
def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def xstring(text: str, escape_all: set[int]) -> str:
    """``text`` written as ST_Xstring: characters XML cannot carry (and those at ``escape_all``) as ``_xHHHH_``,
    the underscore of a literal ``_xHHHH_`` as ``_x005F_``, the rest XML-escaped."""
    out = []
    for i, ch in enumerate(text):
        code = ord(ch)
        if ch == "_" and re.match(r"_x[0-9A-Fa-f]{4}_", text[i:]):
            out.append("_x005F_")
        elif code < 0x20 and ch not in "\t\n" or i in escape_all:
            if code > 0xFFFF:  # a surrogate pair, escaped unit by unit
                high, low = divmod(code - 0x10000, 0x400)
                out.append(f"_x{0xD800 + high:04X}__x{0xDC00 + low:04X}_")
            else:
                out.append(f"_x{code:04X}_")
        else:
            out.append(xml_escape(ch))
    return "".join(out)


TEXT_CHARS = st.sampled_from(list("人民政府自然AbZ09 _x-&<>\"'\t") + ["_x4EBA_", "_x005F_", "\x01", "\r", "😀"])
texts = st.lists(TEXT_CHARS, max_size=8).map("".join)


# ---------------------------------------------------------------------------- one input cell in any form
@dataclass
class CellCase:
    code: str
    xml: str  # the cell element, "{r}" where its reference attribute goes
    expected: Any  # the figure the report must hold (None: blank)
    no_value: bool = False  # a formula without a saved result: E_NO_CACHED_VALUE
    shared: list[str] = field(default_factory=list)  # shared strings the cell needs (written as ST_Xstring)


def _reference_forms(pos: Pos) -> st.SearchStrategy[str]:
    """Every way of writing the r attribute the sheet XML allows (None: no attribute, the cell follows the
    previous one of its row)."""
    letters, row = pos.a1.rstrip("0123456789"), pos.row
    referenced = f"&#{ord(letters[0])};{letters[1:]}{row}"  # a character reference inside the value
    return st.sampled_from([f'r="{pos.a1}"', f"r='{pos.a1}'", f'r = "{pos.a1}"', f"r\t=\t'{pos.a1}'",
                            f'r="{pos.a1.lower()}"', f'r="{letters}{row:05d}"', f'r="{referenced}"', ""])


@st.composite
def cell_cases(draw: st.DrawFn, code: str) -> CellCase:
    """An input cell of any type, with or without a formula, in any attribute form and order."""
    kind = draw(st.sampled_from(["n", "e", "str", "inlineStr", "s", "b", "d", "blank", "formula_without_value"]))
    formula = draw(st.booleans())
    f = "<f>SUM(1,2)</f>" if formula else ""
    shared: list[str] = []
    if kind == "n":
        number = draw(st.one_of(st.integers(0, 10**9), st.decimals(0, 10**6, places=3).map(float)))
        shown = draw(st.sampled_from(["{}", " {} ", "+{}", "{}e0", "{}E+00"])) if float(number).is_integer() else "{}"
        text = shown.format(int(number) if float(number).is_integer() else repr(number))
        expected: Any = int(number) if float(number).is_integer() else float(number)
        t, body = draw(st.sampled_from(["", 't="n"'])), f"{f}<v>{text}</v>"
    elif kind == "e":
        expected = draw(st.sampled_from(ERRORS))
        t, body = 't="e"', f"{f}<v>{expected}</v>"
    elif kind in ("str", "inlineStr", "s"):
        value = draw(texts)
        escape = set(draw(st.lists(st.integers(0, 8), max_size=3)))
        written = xstring(value, escape)
        expected = value or None
        if kind == "str":
            t, body = 't="str"', f"{f or '<f>T(1)</f>'}<v>{written}</v>"
        elif kind == "inlineStr":
            runs = draw(st.booleans())
            inner = (f"<r><rPr><b/></rPr><t>{written}</t></r><rPh sb=\"0\" eb=\"1\"><t>ふり</t></rPh>" if runs
                     else f'<t xml:space="preserve">{written}</t>')
            t, body = 't="inlineStr"', f"<is>{inner}</is>"
        else:
            shared = [written]
            t, body = 't="s"', f"{f}<v>0</v>"
    elif kind == "b":
        flag = draw(st.booleans())
        expected = flag
        t, body = 't="b"', f"{f}<v>{int(flag)}</v>"
    elif kind == "d":  # an ISO 8601 date: in a figure cell it is text the rules name (V1)
        moment = draw(st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31))).replace(microsecond=0)
        expected = moment.isoformat()
        t, body = 't="d"', f"{f}<v>{expected}</v>"
    elif kind == "blank":
        expected = None
        t, body = draw(st.sampled_from(["", 't="n"', 't="s"'])), ""
    else:
        expected = None
        t, body = draw(st.sampled_from(["", 't="n"', 't="e"', 't="b"'])), draw(st.sampled_from(
            ["<f>1/0</f>", "<f>1+1</f><v></v>", "<f>1+1</f><v/>", '<f t="shared" si="0"/>']))
    style = draw(st.sampled_from(["", 's="11"']))
    attributes = [a for a in ("{r}", t, style) if a]
    order = draw(st.permutations(attributes))
    quote = draw(st.sampled_from(['"', "'"]))
    attrs = " ".join(order)
    if quote == "'":
        attrs = attrs.replace('"', "'")
    xml = f"<c {attrs}>{body}</c>" if body or draw(st.booleans()) else f"<c {attrs}/>"
    return CellCase(code, xml, expected, kind == "formula_without_value", shared)


def _set_cell(sheet: str, case: CellCase, reference: str) -> str:
    pos = LAYOUT.position(case.code)
    pattern = re.compile(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', re.S)
    assert pattern.search(sheet), pos.a1
    return pattern.sub(lambda _: case.xml.replace("{r}", reference), sheet, count=1)


def previous_cell_is_adjacent(sheet: str, pos: Pos) -> bool:
    """Whether the cell before ``pos`` in the sheet XML is its left neighbour (a cell without r lands on ``pos``)."""
    at = sheet.find(f'<c r="{pos.a1}"')
    before = re.findall(r'<c r="([A-Z]+)(\d+)"', sheet[:at])
    if pos.col == 1:
        return not before or int(before[-1][1]) != pos.row
    letters = pos.a1.rstrip("0123456789")
    return bool(before) and before[-1][1] == str(pos.row) and _col(before[-1][0]) == _col(letters) - 1


def _col(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def with_shared_strings(parts: dict[str, bytes], strings: list[str]) -> None:
    table = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    parts[SHARED] = table.encode()
    parts[RELS] = parts[RELS].replace(b"</Relationships>", (
        b'<Relationship Id="rId90" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/sharedStrings"/></Relationships>'))


def package(parts: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED,
            per_entry: dict[str, int] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are some of the cases
        for name, data in parts:
            target.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data,
                            compress_type=(per_entry or {}).get(name, compression))
    return out.getvalue()


def set_encryption_flag(data: bytes, name: str) -> bytes:
    """The encryption flag of member ``name`` set in its local header and its central directory entry."""
    out = bytearray(data)
    encoded = name.encode()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        out[source.getinfo(name).header_offset + 6] |= 0x01
    at = data.find(b"PK\x01\x02")
    while at >= 0:
        length = int.from_bytes(data[at + 28:at + 30], "little")
        if data[at + 46:at + 46 + length] == encoded:
            out[at + 8] |= 0x01
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(out)


# ---------------------------------------------------------------------------- workbooks with hostile cells
@dataclass
class Hostile:
    data: bytes
    figures: dict[str, Any]  # what the report must hold (when no error is expected)
    code: str | None  # the GaipError code that must be raised instead
    codes: frozenset[str] = frozenset()  # or: any of these codes is a clean answer (the figures otherwise)


@st.composite
def hostile_cells(draw: st.DrawFn) -> Hostile:
    """One to three input cells rewritten in any type and form."""
    codes = draw(st.lists(st.sampled_from(FIGURES), min_size=1, max_size=3, unique=True))
    parts = dict(base_parts())
    figures = dict(load_case(CASE).figures)
    strings: list[str] = []
    no_value = False
    for code in codes:
        case = draw(cell_cases(code))
        pos = LAYOUT.position(code)
        name = sheet_parts()[pos.sheet]
        sheet = parts[name].decode()
        reference = draw(_reference_forms(pos))
        if not reference and not previous_cell_is_adjacent(sheet, pos):
            reference = f'r="{pos.a1}"'
        if case.shared:
            case.xml = case.xml.replace("<v>0</v>", f"<v>{len(strings)}</v>")
            strings += case.shared
        parts[name] = _set_cell(sheet, case, reference).encode()
        no_value |= case.no_value
        if case.expected is None:
            figures.pop(code, None)
        else:
            figures[code] = case.expected
    if strings:
        with_shared_strings(parts, strings)
    return Hostile(package(list(parts.items())), figures, NO_CACHED_VALUE if no_value else None)


# ---------------------------------------------------------------------------- hostile zip layouts
COMPRESSIONS = [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


def _target_forms(part: str) -> list[str]:
    """Relationship targets that all name ``part`` (xl/worksheets/sheetN.xml) as OPC resolves them."""
    inside = part[len("xl/"):]
    folder, file = inside.split("/")
    encoded = file.replace("sheet", "%73heet")
    return [f"/{part}", inside, f"./{inside}", f"{folder}/../{inside}", f"/{part.upper()}", f"{folder}/{encoded}",
            f"/xl/./{inside}"]


@st.composite
def hostile_layouts(draw: st.DrawFn) -> Hostile:
    """The package's members in another order, compression, name case, paths; duplicated; flagged encrypted; and
    sheets renamed to another's name."""
    parts = base_parts()
    figures = dict(load_case(CASE).figures)
    order = draw(st.permutations(range(len(parts))))
    parts = [parts[i] for i in order]
    per_entry = {name: draw(st.sampled_from(COMPRESSIONS)) for name, _ in parts}
    kind = draw(st.sampled_from(["plain", "paths", "member_case", "duplicate_member", "encrypted", "duplicate_sheet",
                                 "junk", "other_workbook", "encoding"]))
    code = None
    if kind == "paths":
        rels = dict(parts)[RELS].decode()
        for part in sheet_parts().values():
            rels = rels.replace(f'Target="/{part}"', f'Target="{draw(st.sampled_from(_target_forms(part)))}"')
        parts = [(n, rels.encode() if n == RELS else d) for n, d in parts]
    elif kind == "duplicate_member":
        name, data = draw(st.sampled_from(parts))
        renamed = draw(st.sampled_from([name, name.upper(), name.swapcase()]))  # the same name as OPC compares
        parts = parts + [(renamed, data if draw(st.booleans()) else data + b" ")]
        code = "E_DUPLICATE_PART"
    elif kind == "duplicate_sheet":
        names = list(sheet_parts())
        first, second = draw(st.permutations(names))[:2]
        workbook = dict(parts)["xl/workbook.xml"].decode()
        renamed = draw(st.sampled_from([first, first.upper(), first.lower()]))
        workbook = workbook.replace(f'name="{second}"', f'name="{xml_escape(renamed)}"', 1)
        parts = [(n, workbook.encode() if n == "xl/workbook.xml" else d) for n, d in parts]
        code = "E_DUPLICATE_SHEET"
    elif kind == "member_case":  # OPC compares part names ignoring case, and so does Excel
        parts = [(draw(st.sampled_from([n, n.upper(), n.swapcase()])) if n.startswith("xl/") else n, d)
                 for n, d in parts]
    elif kind == "other_workbook":  # the root relationships name another part as the workbook Excel opens
        root = dict(parts)["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/workbook2.xml")
        parts = [(n, root if n == "_rels/.rels" else d) for n, d in parts]
        parts.append(("xl/workbook2.xml", dict(parts)["xl/workbook.xml"]))
        code = "E_NOT_XLSX"
    elif kind == "encoding":  # a sheet in another encoding XML allows (Excel writes UTF-8 only)
        name = draw(st.sampled_from(sorted(sheet_parts().values())))
        encoding = draw(st.sampled_from(["utf-16", "gb18030", "utf-8-sig"]))
        text = dict(parts)[name].decode()
        text = f'<?xml version="1.0" encoding="{encoding.removesuffix("-sig")}"?>' + text.split("?>", 1)[-1]
        parts = [(n, text.encode(encoding) if n == name else d) for n, d in parts]
    elif kind == "junk":
        parts = parts + [("xl/media/image1.png", bytes(draw(st.binary(max_size=64)))),
                         ("customXml/item1.xml", b"<root/>")]
    data = package(parts, per_entry=per_entry)
    if kind == "encrypted":
        data = set_encryption_flag(data, draw(st.sampled_from([n for n, _ in parts])))
        code = "E_ENCRYPTED_PART"
    return Hostile(data, figures, code)
