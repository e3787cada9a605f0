"""A PDF whose structure is damaged (its cross-reference table or stream, its offsets, its trailer; junk before or
after it; line ends converted; the last bytes cut off) is read as a viewer reads it, from the copy PDFium rebuilds,
and says so (I_PDF_REPAIRED). Whatever the damage, no figure read differs from the figure in the intact file, and a
figure lost is reported missing (I1), never guessed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from builders import load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl import import_report
from gaip_xl.errors import GaipError
from gaip_xl.importer.pdf import repaired_copy

HERE = Path(__file__).parent
PDFS = {"published (xref stream)": (HERE / "cases" / "huaian-2024.pdf").read_bytes(),
        "LibreOffice (xref table)": (HERE / "documents" / "huaian-2024-libreoffice.pdf").read_bytes()}


@pytest.fixture(scope="module")
def intact():
    return {name: import_report(data) for name, data in PDFS.items()}


def _startxref(data: bytes) -> re.Match[bytes]:
    return list(re.finditer(rb"startxref\s+(\d+)", data))[-1]


def _codes(result) -> list[str]:
    return [f.code for f in result.findings]


def test_intact_pdfs_are_read_as_they_are_and_are_the_published_figures(intact):
    for result in intact.values():
        assert "I_PDF_REPAIRED" not in _codes(result) and result.block["source"]["repaired"] is False
        assert result.report.figures == load_case("huaian-2024").figures  # the yardstick below is right


@pytest.mark.parametrize("name", sorted(PDFS))
@pytest.mark.parametrize("damage", ["startxref past the end", "startxref into the body", "trailer's last bytes cut"])
def test_a_damaged_structure_is_repaired_and_every_figure_read(intact, name, damage):
    data = PDFS[name]
    m = _startxref(data)
    damaged = {
        "startxref past the end": data[:m.start(1)] + b"99999999" + data[m.end(1):],
        "startxref into the body": data[:m.start(1)] + b"123" + data[m.end(1):],
        "trailer's last bytes cut": data[:m.start()],
    }[damage]
    result = import_report(damaged)
    # pdfminer finds a classic table's objects by itself; an xref stream's only through PDFium's copy
    assert result.block["source"]["repaired"] is (name == "published (xref stream)")
    assert ("I_PDF_REPAIRED" in _codes(result)) is result.block["source"]["repaired"]
    assert result.report.figures == intact[name].report.figures
    assert result.report.text == intact[name].report.text


@st.composite
def damaged_pdfs(draw):
    """One of the PDFs with one kind of structural damage that real files show."""
    name = draw(st.sampled_from(sorted(PDFS)))
    data = PDFS[name]
    m = _startxref(data)
    xref = int(m.group(1))
    kind = draw(st.sampled_from(["xref digits", "junk before", "junk after", "line ends", "tail cut", "startxref"]))
    if kind == "xref digits":  # bytes of the cross-reference section changed (offsets, or the stream's bytes)
        changed = bytearray(data)
        for at in draw(st.lists(st.integers(xref, m.start() - 1), min_size=1, max_size=30)):
            changed[at] = draw(st.sampled_from(b"0123456789 "))
        damaged = bytes(changed)
    elif kind == "junk before":  # a web server's header or a byte-order mark saved with it: every offset shifts
        damaged = draw(st.binary(min_size=1, max_size=300)) + data
    elif kind == "junk after":
        damaged = data + draw(st.binary(min_size=1, max_size=300))
    elif kind == "line ends":  # transferred as text
        damaged = data.replace(b"\n", b"\r\n")
    elif kind == "tail cut":  # an interrupted download
        damaged = data[:len(data) - draw(st.integers(1, 4000))]
    else:
        damaged = data[:m.start(1)] + str(draw(st.integers(0, 10**9))).encode() + data[m.end(1):]
    return name, kind, damaged


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_pdfs())
def test_damage_never_gives_a_wrong_figure(intact, case):
    """A coded error, or a report whose every figure is the intact file's figure in that cell; a figure lost is
    reported missing."""
    name, _, damaged = case
    try:
        result = import_report(damaged)
    except GaipError as exc:
        assert exc.code.startswith("E_")
        return
    expected = intact[name].report.figures
    wrong = {code: value for code, value in result.report.figures.items()
             if value is not None and expected.get(code) != value}
    assert wrong == {}
    lost = {code for code, value in expected.items() if value is not None and result.report.figures.get(code) is None}
    assert lost <= {entry["code"] for entry in result.block["missing"]}


def test_what_pdfium_cannot_open_either_stays_a_coded_error():
    garbage = b"%PDF-1.7\n" + b"\x00garbage" * 50
    assert repaired_copy(garbage) is None
    with pytest.raises(GaipError) as raised:
        import_report(garbage)
    assert raised.value.code == "E_DOCUMENT"
