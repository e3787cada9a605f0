"""Hostile text by rule, and what each kind of output must make of it (tests/test_inert_*.py).

A submission's text can be anything: a formula (``=HYPERLINK(…)``, ``=cmd|…``, ``+1+1``, ``@SUM(A1)``, a tab or a
carriage return first), markup (``<script>``, ``"><img onerror=…>``), a ``javascript:`` URL, a template expression
(``{{7*7}}``), a bidi override, control characters, lone surrogates, a very long string. ``hostile_texts`` draws
them: a known payload, pieces of several, each wrapped in ordinary text or not. ``writable_texts`` draws only what a
valid report holds (what a workbook cell can carry: no control character but tab, line feed and carriage return, no
lone surrogate, at most 32,767 characters), so that the report reaches every output.

The checks read each output as its reader does, independently of the writers: a CSV with ``csv``, an .xlsx as the
XML of its sheets, HTML with html5lib (as a browser builds it), a .docx as strict XML.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections import Counter
from typing import Any

from hypothesis import strategies as st
from lxml import etree

from gaip_xl.report.limits import text_problem

PAYLOADS = [
    '=HYPERLINK("http://x","点")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", " =1+1",
    "＝1＋1", "=1+1", "-", "+", "@", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>", "javascript:alert(1)", "http://x.example/a?b=1", "mailto:x@example.com",
    "{{7*7}}", "{% for x in range(3) %}x{% endfor %}", "${7*7}", "#{7*7}", "\u202egpj.exe", "\u2066=1+1\u2069",
    "_x0041_", "&amp;&lt;", "]]>", "<![CDATA[x]]>", "<!--", "'", '"', "\\", "`", "--", "-3", "-1.5", "1e5",
]
CONTROLS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff", "\ud800",
            "\udfff"]
ORDINARY = st.sampled_from(["", "人民政府", "说明", "abc", " ", "\n", "\t", "、", "0", "——"])
EXCEL_TEXT_LIMIT = 32_767


@st.composite
def _texts(draw: st.DrawFn, pieces: st.SearchStrategy[str], long_limit: int) -> str:
    parts = draw(st.lists(pieces, min_size=1, max_size=3))
    text = "".join(parts) if draw(st.booleans()) else parts[0]
    if draw(st.booleans()):
        text = text + draw(ORDINARY)
    if draw(st.integers(0, 9)) == 0:  # now and then very long: a payload followed by thousands of characters
        text = text + "长" * (long_limit - len(text))
    return text


def hostile_texts() -> st.SearchStrategy[str]:
    """Any text: payloads, control characters, lone surrogates, and over-long strings."""
    pieces = st.one_of(st.sampled_from(PAYLOADS), st.sampled_from(CONTROLS), ORDINARY)
    return _texts(pieces, EXCEL_TEXT_LIMIT + 100).filter(lambda t: t.strip() != "")


def writable_texts() -> st.SearchStrategy[str]:
    """Text a valid report may hold (what ``validate`` accepts and a workbook cell carries), starting and ending
    with no whitespace (a cell gives its text back stripped): every payload in reach of every output."""
    pieces = st.one_of(st.sampled_from(PAYLOADS), ORDINARY)
    return (_texts(pieces, EXCEL_TEXT_LIMIT - 10).map(lambda t: t.strip())
            .filter(lambda t: t != "" and text_problem(t) is None))


# ---------------------------------------------------------------------------- CSV meant for Excel
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def excel_evaluates(cell: str) -> bool:
    """Whether Excel (or WPS) opening a CSV would treat the cell as a formula: it starts with = + - @ (ASCII or
    full-width, after spaces), or with a tab or a carriage return, and is not a plain number."""
    if cell[:1] in ("\t", "\r"):
        return True
    stripped = cell.lstrip()
    return (stripped[:1] != "" and unicodedata.normalize("NFKC", stripped[0]) in "=+-@"
            and not _NUMBER.fullmatch(stripped.rstrip()))


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def formula_cells(data: bytes) -> list[str]:
    """The cells of a CSV that Excel would evaluate."""
    return [cell for row in csv_rows(data) for cell in row if excel_evaluates(cell)]


def shown_texts(data: bytes) -> set[str]:
    """Every text a CSV meant for Excel may stand for: each cell as it is, and without a leading quote (the mark that
    keeps a cell text)."""
    cells = {cell for row in csv_rows(data) for cell in row}
    return cells | {cell[1:] for cell in cells if cell.startswith("'")}


# ---------------------------------------------------------------------------- .xlsx
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def xlsx_formulas(data: bytes) -> dict[tuple[str, str], str]:
    """(sheet part, cell) → formula, for every cell of every sheet holding an <f>."""
    found = {}
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                for cell in root.iter(f"{MAIN}c"):
                    formula = cell.find(f"{MAIN}f")
                    if formula is not None:
                        found[(name, cell.get("r"))] = formula.text or ""
    return found


# the marked workbook's own links to its cells (gaip_xl.excel.marks.link): the one formula it adds to the template's
INTERNAL_LINK = re.compile(r"""HYPERLINK\("#'[^'"]+'![A-Z]+[0-9]+","[A-Z0-9、…]+"\)""")


def added_formulas(data: bytes, filled: list[str]) -> list[str]:
    """The formulas of a marked workbook beyond the template's (``filled``) and its links to its own cells."""
    formulas = Counter(xlsx_formulas(data).values()) - Counter(filled)
    return sorted(f for f in formulas.elements() if not INTERNAL_LINK.fullmatch(f))


def xlsx_hyperlinks(data: bytes) -> list[str]:
    """Every hyperlink the package declares: <hyperlink> elements of the sheets and hyperlink relationships."""
    links = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                root = etree.fromstring(package.read(name))
                links += [etree.tostring(e, encoding="unicode") for e in root.iter(f"{MAIN}hyperlink")]
            elif name.endswith(".rels"):
                links += [name for rel in etree.fromstring(package.read(name)) if rel.get("Type") == HYPERLINK_REL]
    return links


def filled_formulas(report: Any) -> list[str]:
    """The formulas a filled template of the report's edition holds, whatever it is filled with (the template's)."""
    import tempfile
    from pathlib import Path

    from gaip_xl import write_workbook

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        write_workbook(report, path)
        return sorted(xlsx_formulas(path.read_bytes()).values())


# ---------------------------------------------------------------------------- HTML
def html_markup(page: str) -> set[tuple[str, str, str]]:
    """(tag, attribute, value) of every element of the page as a browser parses it ("" attribute: the element)."""
    import html5lib

    root = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    found = set()
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments
        found.add((element.tag, "", ""))
        found.update((element.tag, name, value) for name, value in element.attrib.items())
    return found


def html_text_of(page: str, tag: str) -> list[str]:
    import html5lib

    root = html5lib.parse(page, treebuilder="lxml", namespaceHTMLElements=False)
    return ["".join(e.itertext()) for e in root.iter(tag)]


# ---------------------------------------------------------------------------- .docx
def docx_parts_are_xml(data: bytes) -> list[str]:
    """The XML parts of a .docx that strict XML 1.0 (and so Word) refuses, with the reason."""
    bad = []
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        for name in package.namelist():
            if name.endswith((".xml", ".rels")):
                try:
                    etree.fromstring(package.read(name), etree.XMLParser(recover=False))
                except etree.XMLSyntaxError as exc:
                    bad.append(f"{name}: {exc}")
    return bad


def put_everywhere(report: Any, texts: list[str]) -> None:
    """Puts the drawn texts in every free-text field of ``report`` (cycling through them); the region code, which
    must be six digits, is left to tests that want an error."""
    fields = ["agency.name", "agency.contact", "text.overview", "text.problems", "text.other"]
    for i, field in enumerate(fields):
        owner, key = field.split(".")
        value = texts[i % len(texts)]
        if owner == "agency":
            setattr(report.agency, key, value)
        else:
            report.text[key] = value
