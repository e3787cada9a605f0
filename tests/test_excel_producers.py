"""What clerks' programs make of a filled template: every figure read as the file states it, or a coded refusal that
says what to do.

Classes:
- the template in every other spreadsheet form: LibreOffice's .ods, flat .fods, .xls and .et (its Excel 97 filter),
  each sheet as CSV, Excel's "XML 电子表格 2003" and .xlsb, under their own names and renamed .xlsx — each refused
  naming its form with "另存为 .xlsx", by validate, import and bulk alike;
- Strict Open XML (every part in the purl.oclc.org namespaces): read as its transitional twin;
- fractions with binary noise beyond Excel's 15 significant digits (0.1*3*10 saved as 3.0000000000000004): read as the
  figure Excel shows;
- digits stored as text (a leading apostrophe, a cell formatted as text, a formula's text result, openpyxl given a
  str): text for V1 with what to do, never V5's "more digits than Excel keeps";
- a figure Excel turned into a date or a time ("3-4", "5/6", "1:30" typed): named as one, its year or hour never
  offered as the figure;
- the tables copied into a new workbook (the very hidden meta sheet lost): refused saying so.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from builders import load_case
from hostile import CASE, LAYOUT, SHARED, base_bytes, base_parts, package, sheet_parts, with_shared_strings, xml_escape
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.bulk.worker import WORKBOOK_KIND, kind_of
from gaip_xl.cli import run
from gaip_xl.errors import GaipError, NotTemplate, OutputFailed
from gaip_xl.format import ValueType
from gaip_xl.format.layout import SHEET_META
from gaip_xl.importer import import_report
from gaip_xl.rules.checks import DATE_HINT, NUMBER_AS_TEXT_HINT, NUMBER_IN_QUOTES_HINT
from gaip_xl.template.libreoffice import convert, soffice

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
COUNTS = sorted(code for code in LAYOUT.figures if LAYOUT.edition.cell(code).type is ValueType.COUNT)
REFUSALS = ("E_NOT_XLSX", "E_LEGACY_XLS")


def _with_cell(code: str, cell: str, strings: tuple[str, ...] = ()) -> bytes:
    """The base workbook with the input cell of ``code`` replaced by ``cell`` (its ``r`` attribute included)."""
    parts = dict(base_parts())
    pos = LAYOUT.position(code)
    name = sheet_parts()[pos.sheet]
    pattern = re.compile(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', re.S)
    parts[name] = pattern.sub(lambda _: cell, parts[name].decode(), count=1).encode()
    if strings:
        assert SHARED not in parts
        with_shared_strings(parts, [xml_escape(s) for s in strings])
    return package(list(parts.items()))


# ---------------------------------------------------------------------------- fractions with binary noise
@st.composite
def _noisy_figures(draw: st.DrawFn) -> tuple[str, float, Any]:
    """A count or an amount, and a float that differs from it only beyond 15 significant digits (a few units in the
    last place, as arithmetic leaves it), written in the 17 digits Excel, LibreOffice and openpyxl save."""
    code = draw(st.sampled_from(sorted(LAYOUT.figures)))
    if LAYOUT.edition.cell(code).type is ValueType.AMOUNT:
        meant: Any = float(draw(st.decimals(0, 10**6, places=draw(st.integers(1, 6)), allow_nan=False)))
    else:
        meant = draw(st.integers(1, 10**9))
    noisy = float(meant)
    for _ in range(draw(st.integers(1, 3))):
        noisy = math.nextafter(noisy, draw(st.sampled_from([math.inf, -math.inf])))
    # Near a power of two with a large leading digit (8192 + 3 units is 8192.0000000000055) the noise reaches the
    # 15th digit: Excel shows 8192.00000000001 there, so that float is another figure, not noise.
    assume(float(f"{noisy:.15g}") == meant)
    return code, noisy, meant


@SETTINGS
@given(_noisy_figures())
def test_binary_noise_beyond_excels_precision_is_read_as_the_figure_excel_shows(drawn):
    code, noisy, meant = drawn
    pos = LAYOUT.position(code)
    report = read_workbook(_with_cell(code, f'<c r="{pos.a1}" s="12"><f>{meant}*1</f><v>{noisy!r}</v></c>'))
    assert report.figures[code] == meant and type(report.figures[code]) is type(meant)
    assert not [f for f in validate(report).findings if f.rule in ("V2", "V4", "V5")]


@pytest.mark.parametrize("code, arithmetic, shown", [
    ("s3.new.natural", "7*0.1*10", 7), ("s4.review.upheld", "41*0.1*10", 41), ("s2_item8.fees.amount", "0.7+0.1", 0.8)])
def test_figures_a_program_computed_read_as_excel_shows_them(code, arithmetic, shown, tmp_path):
    """A program fills the template with openpyxl, giving it the float its arithmetic left (openpyxl writes 16
    significant digits: the noise stays)."""
    computed = eval(arithmetic)  # noqa: S307 - a literal of this test
    assert computed != shown  # the noise is there
    workbook = openpyxl.load_workbook(io.BytesIO(base_bytes()))
    pos = LAYOUT.position(code)
    workbook[pos.sheet][pos.a1].value = computed
    workbook.save(tmp_path / "book.xlsx")
    expected = {**load_case(CASE).figures, code: shown}
    assert read_workbook(tmp_path / "book.xlsx").figures == expected


# ---------------------------------------------------------------------------- digits stored as text
_SIGNIFICANT = st.integers(0, 10**15 - 1) | st.decimals(0, 10**8, places=4, allow_nan=False).map(str)


@st.composite
def _digits_as_text(draw: st.DrawFn) -> tuple[str, str, str]:
    """A count cell, the text of a number Excel keeps (at most 15 significant digits), and the form producers write
    it in: a shared string (Excel, WPS, LibreOffice: typed after an apostrophe or into a cell formatted as text), an
    inline string (openpyxl given a str), a formula's text result."""
    forms = st.sampled_from(["shared", "inline", "formula"])
    return draw(st.sampled_from(COUNTS)), str(draw(_SIGNIFICANT)), draw(forms)


def _text_cell(code: str, text: str, form: str) -> bytes:
    a1 = LAYOUT.position(code).a1
    if form == "shared":
        return _with_cell(code, f'<c r="{a1}" s="12" t="s"><v>0</v></c>', (text,))
    if form == "inline":
        return _with_cell(code, f'<c r="{a1}" s="12" t="inlineStr"><is><t>{text}</t></is></c>')
    return _with_cell(code, f'<c r="{a1}" s="12" t="str"><f>TEXT({text},"0")</f><v>{text}</v></c>')


def _only_v1_with_the_text_hint(report: Report, code: str, text: str, hint: str = NUMBER_AS_TEXT_HINT) -> None:
    findings = [f for f in validate(report).findings if any(c.code == code for c in f.cells)]
    rules = {f.rule for f in findings}
    assert "V5" not in rules, [f.message for f in findings]
    [named] = [f for f in findings if f.rule == "V1"]
    assert named.actual == text and hint in named.message


@SETTINGS
@given(_digits_as_text())
def test_digits_stored_as_text_are_text_for_v1_never_too_many_digits(drawn):
    code, text, form = drawn
    report = read_workbook(_text_cell(code, text, form))
    assert report.figures[code] == text
    _only_v1_with_the_text_hint(report, code, text)


def test_a_str_given_to_openpyxl_and_a_json_string_are_text_for_v1(tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(base_bytes()))
    pos = LAYOUT.position("s3.new.natural")
    workbook[pos.sheet][pos.a1].value = "64"
    workbook.save(tmp_path / "book.xlsx")
    _only_v1_with_the_text_hint(read_workbook(tmp_path / "book.xlsx"), "s3.new.natural", "64")
    document = load_case(CASE).to_dict()
    document["tables"]["s3"]["new"]["natural"] = "64"
    _only_v1_with_the_text_hint(Report.from_json(json.dumps(document)), "s3.new.natural", "64",
                                NUMBER_IN_QUOTES_HINT.format(value="64"))  # in JSON: the quotes, not an apostrophe


# ---------------------------------------------------------------------------- figures Excel turned into dates
def _with_date_style(data: bytes, number_format: int) -> tuple[bytes, int]:
    """The workbook with one more cell style, showing ``number_format``, and that style's index."""
    parts = _parts(data)
    styles = parts["xl/styles.xml"].decode()
    count = int(re.search(r'<cellXfs count="(\d+)"', styles).group(1))  # type: ignore[union-attr]
    styles = styles.replace(f'<cellXfs count="{count}"', f'<cellXfs count="{count + 1}"').replace(
        "</cellXfs>", f'<xf numFmtId="{number_format}" fontId="0" fillId="0" borderId="0" applyNumberFormat="1"/>'
        "</cellXfs>")
    parts["xl/styles.xml"] = styles.encode()
    return package(list(parts.items())), count


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


# what Excel stores for "3-4" or "5/6" (a date of a report year, formats 14, 22, 31, 56, 57, 58 or the template's
# yyyy-mm-dd, 166) and for "1:30" (a time of day: 20, 21, 32, 33, 45)
_EXCEL_DATES = st.tuples(st.integers(39448, 73050).map(str), st.sampled_from([14, 22, 31, 56, 57, 58, 166]))
_EXCEL_TIMES = st.tuples(st.integers(1, 1439).map(lambda minutes: repr(minutes / 1440)),
                         st.sampled_from([20, 21, 32, 33, 45]))


@SETTINGS
@given(st.sampled_from(COUNTS), _EXCEL_DATES | _EXCEL_TIMES)
def test_a_figure_excel_turned_into_a_date_is_named_as_one_never_taken_for_its_year(code, stored):
    serial, number_format = stored
    data, style = _with_date_style(base_bytes(), number_format)
    pos = LAYOUT.position(code)
    parts = _parts(data)
    name = sheet_parts()[pos.sheet]
    cell = f'<c r="{pos.a1}" s="{style}"><v>{serial}</v></c>'
    parts[name] = re.sub(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', lambda _: cell, parts[name].decode(), count=1).encode()
    report = read_workbook(package(list(parts.items())))
    shown = report.figures[code]
    assert isinstance(shown, str) and shown[:4].isdigit()  # the date or time Excel shows, as text
    [named] = [f for f in validate(report).findings if f.rule == "V1" and f.cells[0].code == code]
    assert named.actual == shown and DATE_HINT in named.message and "是否应为" not in named.message


# ---------------------------------------------------------------------------- Strict Open XML
_STRICT = [(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
           (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
           (b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
            b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties")]


def as_strict(data: bytes) -> bytes:
    """A workbook as Excel saves it in "Strict Open XML": the Strict namespaces on every part (sheets, shared
    strings, styles, relationships and their types), conformance="strict" on the workbook; content types unchanged."""
    parts = _parts(data)
    for name, part in parts.items():
        if name != "[Content_Types].xml":
            for transitional, strict in _STRICT:
                part = part.replace(transitional, strict)
        parts[name] = part.replace(b"<workbook ", b'<workbook conformance="strict" ', 1) if name == "xl/workbook.xml" \
            else part
    assert all(b"schemas.openxmlformats.org/spreadsheetml" not in p for p in parts.values())
    return package(list(parts.items()))


def test_a_workbook_saved_as_strict_open_xml_reads_as_its_transitional_twin(tmp_path):
    """Our writer's file and LibreOffice's (shared strings, its styles and names), each converted to Strict."""
    sources = [base_bytes()]
    if soffice() is not None:
        (tmp_path / "filled.xlsx").write_bytes(base_bytes())
        sources.append(convert([tmp_path / "filled.xlsx"], "xlsx", tmp_path / "lo")[0].read_bytes())
    for data in sources:
        assert read_workbook(as_strict(data)).to_dict() == load_case(CASE).to_dict()


# ---------------------------------------------------------------------------- tables copied into a new workbook
@pytest.mark.parametrize("case", ["synthetic-2019", "pingtan-2021"])
def test_tables_copied_into_another_workbook_are_refused_saying_why(case, tmp_path):
    """A program (openpyxl) keeps the template's sheets but not its very hidden meta sheet, as Excel's "move or copy
    to a new book" does (a very hidden sheet cannot be selected)."""
    write_workbook(load_case(case), tmp_path / "filled.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "filled.xlsx")
    workbook.remove(workbook[SHEET_META])
    workbook.save(tmp_path / "copied.xlsx")
    with pytest.raises(NotTemplate) as refused:
        read_workbook(tmp_path / "copied.xlsx")
    assert "复制或移动到新工作簿" in refused.value.message
    del workbook[LAYOUT.position("s3.new.natural").sheet]  # not a template's tables: no such guess
    workbook.save(tmp_path / "other.xlsx")
    with pytest.raises(NotTemplate) as refused:
        read_workbook(tmp_path / "other.xlsx")
    assert "复制" not in refused.value.message


# ---------------------------------------------------------------------------- other spreadsheet forms
_XML_2003 = ('<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
             '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
             'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">\n'
             '<Worksheet ss:Name="三、依申请公开"><Table><Row><Cell><Data ss:Type="Number">64</Data></Cell></Row>'
             '</Table></Worksheet>\n</Workbook>\n')


def _xlsb(path: Path) -> Path:
    """A binary workbook's package as Excel writes one (the parts that say what it is)."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                         'content-types"><Override PartName="/xl/workbook.bin" ContentType="application/'
                         'vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return path


@pytest.fixture(scope="module")
def other_forms(tmp_path_factory) -> list[Path]:
    """The filled template as LibreOffice saves it in each other form, each sheet as CSV, and hand-made XML 2003 and
    .xlsb."""
    if soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    folder = tmp_path_factory.mktemp("forms")
    source = folder / "filled.xlsx"
    source.write_bytes(base_bytes())
    made = [convert([source], target, folder / target.split(":")[0])[0] for target in ("ods", "fods", "xls", "et")]
    sheets = folder / "sheets"
    with contextlib.suppress(OutputFailed):  # one file a sheet, filled-<sheet>.csv, where convert looks for filled.csv
        convert([source], "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", sheets)
    made += sorted(sheets.glob("*.csv"))
    (folder / "filled.xml").write_text(_XML_2003, encoding="utf-8")
    made += [folder / "filled.xml", _xlsb(folder / "filled.xlsb")]
    assert len(made) == 6 + len(LAYOUT.sheets)  # every sheet as CSV, the hidden one too
    return made


def test_a_template_saved_in_another_spreadsheet_form_is_refused_saying_save_as_xlsx(other_forms, tmp_path):
    for path in other_forms:
        renamed = tmp_path / f"{path.stem}-{path.suffix[1:]}.xlsx"
        renamed.write_bytes(path.read_bytes())
        for given_path in (path, renamed):
            out, err = io.StringIO(), io.StringIO()
            assert run(["validate", str(given_path)], out, err) == 2, (given_path.name, out.getvalue())
            said = err.getvalue()
            assert re.search(r"\[(E_NOT_XLSX|E_LEGACY_XLS)\]", said), (given_path.name, said)
            assert ("文件本身" if path.suffix == ".csv" else "另存为") in said, (given_path.name, said)
            assert kind_of(given_path.suffix, given_path.read_bytes())[0] == WORKBOOK_KIND, given_path.name
        if path.suffix != ".xls":
            with pytest.raises(GaipError) as refused:
                import_report(path)
            assert refused.value.code in REFUSALS and "（.xlsx）" in refused.value.message, path.name
