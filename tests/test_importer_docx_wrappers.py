"""A .docx as Word saves a filled form: content controls and custom XML around paragraphs, tables, rows, cells and
runs; tracked changes (a figure corrected with 修订 on: the old one deleted, the new one inserted; a row deleted; text
moved); an old figure left as hidden text; a text box's two forms (``mc:AlternateContent``). The importer reads the
document as it shows with the changes accepted: every figure the report holds, none other.

Before: a cell inside a content control was skipped (the row's later cells moved left: 26 read as 8, and 198 figures
missing); paragraphs inside a content control in a cell were not read (200 missing); deleted text kept as ``w:t``
and both forms of a text box were read into the figure ("1212")."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_docx

from gaip_xl import Report
from gaip_xl.importer import import_report

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "huaian-2024.json"
_IN_CELL = r"(?:(?!</w:tc>).)*?"  # never past the cell's end
_CELL = re.compile(rf"<w:tc>(<w:tcPr>{_IN_CELL}</w:tcPr>)(<w:p>{_IN_CELL}</w:p>)</w:tc>", re.S)
_FIGURE_RUN = re.compile(r"<w:r><w:t>([0-9.]+)</w:t></w:r>")
_ROW = re.compile(r"<w:tr>.*?</w:tr>", re.S)
_BODY_BLOCK = re.compile(r"(?<=</w:p>)(<w:p>.*?</w:p>)|(<w:tbl>.*?</w:tbl>)", re.S)

CELL_FORMS = ("plain", "cell_sdt", "cell_custom", "paragraph_sdt", "run_sdt", "revised", "moved", "text_box", "hidden")


def _sdt(inner: str) -> str:
    return f"<w:sdt><w:sdtPr><w:tag w:val=\"gaip\"/></w:sdtPr><w:sdtContent>{inner}</w:sdtContent></w:sdt>"


def _custom(inner: str) -> str:
    return f"<w:customXml w:element=\"field\">{inner}</w:customXml>"


def _revised(run: re.Match[str]) -> str:
    """The figure typed over an older one with 修订 on: the old one deleted (also as ``w:t``, as some programs write
    it), the new one inserted."""
    stale = str(int(float(run.group(1))) + 7)
    return (f"<w:del w:id=\"1\" w:author=\"a\"><w:r><w:delText>{stale}</w:delText></w:r></w:del>"
            f"<w:del w:id=\"2\" w:author=\"a\"><w:r><w:t>{stale}</w:t></w:r></w:del>"
            f"<w:ins w:id=\"3\" w:author=\"a\">{run.group(0)}</w:ins>")


def _moved(run: re.Match[str]) -> str:
    return f"<w:moveFrom w:id=\"4\" w:author=\"a\"><w:r><w:t>99</w:t></w:r></w:moveFrom>{run.group(0)}"


def _hidden(run: re.Match[str]) -> str:
    """An old figure left in the cell as hidden text (字体 → 隐藏), the figure shown after it."""
    stale = int(float(run.group(1))) + 5
    return f"<w:r><w:rPr><w:vanish/></w:rPr><w:t>{stale}</w:t></w:r>{run.group(0)}"


def _text_box(run: re.Match[str]) -> str:
    """A figure in a text box: Word writes it twice, a drawing and its fallback picture."""
    box = f"<w:txbxContent><w:p>{run.group(0)}</w:p></w:txbxContent>"
    return (f"<w:r><mc:AlternateContent><mc:Choice Requires=\"wps\"><w:drawing><wps:txbx>{box}</wps:txbx>"
            f"</w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox>{box}</v:textbox></w:pict></mc:Fallback>"
            f"</mc:AlternateContent></w:r>")


def _cell(match: re.Match[str], form: str) -> str:
    properties, paragraph = match.groups()
    if form == "cell_sdt":
        return _sdt(match.group(0))
    if form == "cell_custom":
        return _custom(match.group(0))
    if form == "paragraph_sdt":
        return f"<w:tc>{properties}{_sdt(paragraph)}</w:tc>"
    changed = {"run_sdt": lambda run: _sdt(run.group(0)), "revised": _revised, "moved": _moved,
               "text_box": _text_box, "hidden": _hidden}.get(form)
    if changed is None:
        return match.group(0)
    return f"<w:tc>{properties}{_FIGURE_RUN.sub(changed, paragraph)}</w:tc>"


def _deleted_row(row: str) -> str:
    """A copy of a row, deleted with 修订 on, its figures changed: none of it is the document's any more."""
    junk = _FIGURE_RUN.sub(lambda run: f"<w:r><w:t>{int(float(run.group(1))) + 3}</w:t></w:r>", row)
    return junk.replace("<w:tr>", "<w:tr><w:trPr><w:del w:id=\"5\" w:author=\"a\"/></w:trPr>", 1)


@st.composite
def dressed(draw: st.DrawFn, xml: str) -> str:
    """``xml`` with each table cell drawn a form, some rows in content controls, deleted rows added, some body
    paragraphs and tables in content controls or custom XML."""
    xml = _CELL.sub(lambda m: _cell(m, draw(st.sampled_from(CELL_FORMS))), xml)

    def row(match: re.Match[str]) -> str:
        choice = draw(st.sampled_from(("plain", "sdt", "custom", "deleted_copy")))
        text = match.group(0)
        return {"sdt": _sdt(text), "custom": _custom(text), "deleted_copy": text + _deleted_row(text)}.get(choice, text)

    xml = _ROW.sub(row, xml)
    wrap = {"sdt": _sdt, "custom": _custom}
    return _BODY_BLOCK.sub(lambda m: wrap.get(draw(st.sampled_from(("plain", "sdt", "custom"))), str)(m.group(0)),
                           xml)


def _with_document(data: bytes, xml: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info, xml.encode() if info.filename == "word/document.xml" else source.read(info))
    return out.getvalue()


REPORT = Report.load(EXAMPLE)
DOCX = to_docx(REPORT)
XML = zipfile.ZipFile(io.BytesIO(DOCX)).read("word/document.xml").decode()


def _read(xml: str) -> dict:
    return import_report(_with_document(DOCX, xml)).report.figures


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(dressed(XML))
def test_a_form_as_word_saves_it_gives_every_figure_and_none_other(xml):
    figures = _read(xml)
    wrong = {code: (value, REPORT.figures.get(code)) for code, value in figures.items()
             if value is not None and value != REPORT.figures.get(code)}
    missing = [code for code, value in REPORT.figures.items() if value is not None and figures.get(code) is None]
    assert not wrong and not missing


def test_every_form_alone():
    """Each form on every cell at once (what the drawn mix may not reach)."""
    for form in CELL_FORMS:
        figures = _read(_CELL.sub(lambda m, form=form: _cell(m, form), XML))
        assert {k: v for k, v in figures.items() if v is not None} == \
            {k: v for k, v in REPORT.figures.items() if v is not None}, form
