"""The safety layer's pieces on hand-made inputs: sheet bounds, formula results, zip limits, names, labels."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.errors import GaipError
from gaip_xl.excel import safety, scan
from gaip_xl.excel.names import parse_cell_ref
from gaip_xl.excel.tamper import normalise


def _sheet(rows: str) -> bytes:
    return f'<worksheet xmlns="x"><sheetData>{rows}</sheetData></worksheet>'.encode()


def test_extent_takes_the_largest_references():
    xml = _sheet('<row r="3"><c r="B3"><v>1</v></c><c r="K3"/></row><row r="40"><c r="A40"/></row>')
    assert scan.extent(xml) == scan.Extent(40, 11)


def test_extent_counts_rows_and_cells_without_references():
    xml = _sheet('<row r="5"><c r="C5"/></row>' + "<row><c><v>1</v></c><c><v>2</v></c></row>" * 10)
    bounds = scan.extent(xml)
    assert bounds.rows >= 15 and bounds.cols >= 3


@pytest.mark.parametrize("separator", [" ", "\t", "\n"])
@pytest.mark.parametrize("prefix", ["", "x:"])
def test_no_whitespace_or_prefix_hides_a_far_cell(separator, prefix):
    xml = _sheet(f'<{prefix}row{separator}r="1048576"><{prefix}c{separator}r="XFD1048576"/></{prefix}row>')
    assert scan.extent(xml).cells > scan.MAX_CELLS


# Forms of a far reference python-calamine reads as XFD1048576 (checked against it): none may escape the bound.
FAR_CELLS = ['<c r="XFD1048576"/>', "<c r='XFD1048576'/>", '<c r = "XFD1048576"/>', '<c r="xfd1048576"/>',
             '<c r="XFD0001048576"/>', '<c\tr="XFD1048576"/>', '<c  r="XFD1048576"/>', '<c r="ZZZZZ2"/>']


@pytest.mark.parametrize("far", FAR_CELLS)
def test_every_form_of_a_far_reference_is_bounded(far):
    xml = _sheet(f'<row r="1"><c r="A1"><v>1</v></c></row><row r="2">{far}</row>')
    assert not scan.surely_within(xml)
    assert scan.extent(xml).cells > scan.MAX_CELLS


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["", "A", "C", "Z", "AA", "b"]),
                          st.integers(min_value=1, max_value=1200), st.integers(min_value=0, max_value=4)),
                max_size=30),
       st.integers(min_value=1, max_value=3_000_000))
def test_surely_within_never_says_yes_to_a_larger_sheet(rows, limit):
    """The quick answer is an upper bound: whenever it says yes, the exact bound agrees."""
    body = "".join(f'<row r="{n}">' + "".join(f'<c r="{letters}{n}"/>' if referenced and letters else "<c/>"
                                             for _ in range(cells)) + "</row>"
                   for referenced, letters, n, cells in rows)
    xml = _sheet(body)
    if scan.surely_within(xml, limit):
        assert scan.extent(xml).cells <= limit


def test_an_ordinary_template_sheet_takes_the_quick_answer(tmp_path):
    from gaip_xl import write_workbook
    from gaip_xl.report import Report

    path = tmp_path / "t.xlsx"
    write_workbook(Report.empty("2021", 2024), path)
    with zipfile.ZipFile(path) as package:
        sheets = [package.read(n) for n in package.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and all(scan.surely_within(xml) for xml in sheets)


def test_formulas_without_value_only_for_the_cells_asked():
    xml = _sheet('<row r="6"><c r="D6"><f>1+1</f><v /></c><c r="E6"><f>1+2</f><v>3</v></c>'
                 '<c r="F6" t="str"><f>""</f><v></v></c><c r="K6"><f>SUM(D6:J6)</f></c></row>')
    assert scan.formulas_without_value(xml, {"D6", "E6", "F6"}) == ["D6"]
    assert scan.formulas_without_value(xml, {"K6"}) == ["K6"]
    assert scan.formulas_without_value(_sheet('<row r="6"><c r="D6" t="inlineStr"><is><t>&lt;f&gt;</t></is></c>'
                                              '</row>'), {"D6"}) == []


def test_a_few_addresses_looked_up_one_by_one_give_what_the_walk_gives():
    xml = _sheet('<row r="6"><c r="D6"><f>1+1</f><v /></c><c r="E6"><f>1+2</f><v>3</v></c>'
                 '<c r="F6" t="str"><f>""</f><v></v></c><c r="K6"><f>SUM(D6:J6)</f></c><c r="L6" s="1"/>'
                 '<c r="M6" t="inlineStr"><is><t>r="D6"</t></is></c></row>')
    few = {"D6", "E6", "F6", "K6", "L6", "M6", "Z9"}
    many = few | {f"A{i}" for i in range(1, 40)}  # more than a handful: the walk over every formula
    assert len(few) <= scan._FEW < len(many)
    assert scan.formulas_without_value(xml, few) == ["D6", "K6"]
    assert sorted(scan.formulas_without_value(xml, many)) == ["D6", "K6"]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return out.getvalue()


def _code(tmp_path, data: bytes) -> str:
    path = tmp_path / "f.xlsx"
    path.write_bytes(data)
    with pytest.raises(GaipError) as info:
        safety.open_package(path)
    return info.value.code


def test_too_many_entries_is_a_bomb(tmp_path):
    entries = {f"z/{i}": b"" for i in range(safety.MAX_ENTRIES + 1)}
    assert _code(tmp_path, _zip({"xl/workbook.xml": b"<workbook/>", **entries})) == "E_ZIP_BOMB"


def test_other_zip_files_are_named(tmp_path):
    assert _code(tmp_path, _zip({"word/document.xml": b"<w/>"})) == "E_NOT_XLSX"
    assert _code(tmp_path, _zip({"xl/workbook.bin": b"\0"})) == "E_NOT_XLSX"


def _package(tmp_path, data: bytes) -> safety.Package:
    path = tmp_path / "p.xlsx"
    path.write_bytes(data)
    return safety.open_package(path)


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_parts_read_straight_from_the_bytes_equal_what_zipfile_reads(tmp_path, method):
    sheet = _sheet("".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 300)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as package:
        package.writestr("xl/workbook.xml", b"<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", sheet)
    package = _package(tmp_path, out.getvalue())
    assert package.part("xl/worksheets/sheet1.xml") == sheet
    with zipfile.ZipFile(io.BytesIO(package.data)) as reference:
        assert package.part("xl/workbook.xml") == reference.read("xl/workbook.xml")


def test_a_damaged_part_is_refused_not_misread(tmp_path):
    sheet = _sheet("".join(f'<row r="{i}"><c r="A{i}"><v>{i * 7919 % 1000}</v></c></row>' for i in range(1, 300)))
    data = bytearray(_zip({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": sheet}))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    codes = set()
    for offset in range(10, info.compress_size - 10, max(1, info.compress_size // 25)):  # damage inside the stream
        damaged = bytearray(data)
        damaged[start + offset] ^= 0x55
        package = _package(tmp_path, bytes(damaged))
        with pytest.raises(GaipError) as raised:
            package.part("xl/worksheets/sheet1.xml")
        codes.add(raised.value.code)
    assert codes == {"E_ZIP_BOMB"}


def test_utf16_parts_are_checked_for_entities():
    doctype = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a [<!ENTITY b "c">]><a/>'.encode("utf-16")
    with pytest.raises(GaipError) as info:
        safety.check_xml_declarations("f.xlsx", "xl/workbook.xml", doctype)
    assert info.value.code == "E_XML_ATTACK"


def test_cell_references_of_defined_names():
    assert parse_cell_ref("'三、依申请公开'!$D$6") is not None
    assert parse_cell_ref("'三、依申请公开'!$D$6").row == 6
    assert parse_cell_ref("'It''s'!AA10").sheet == "It's"
    assert parse_cell_ref("'It''s'!AA10").col == 27
    assert parse_cell_ref("Sheet1!$A$1:$B$2") is None
    assert parse_cell_ref("#REF!") is None


def test_labels_compare_without_whitespace_only():
    assert normalise("（二）部分公开\n（区分处理的）") == normalise("（二）部分公开（区分处理的）")
    assert normalise(" 总计 ") == "总计"
    assert normalise("1、属于国家秘密") != normalise("1.属于国家秘密")
