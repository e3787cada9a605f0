"""The safety layer's pieces on hand-made inputs: zip limits, names, labels (sheet cells: test_excel_scan.py)."""

from __future__ import annotations

import io
import zipfile

import pytest

from gaip_xl.errors import GaipError
from gaip_xl.excel import safety
from gaip_xl.excel.names import parse_cell_ref
from gaip_xl.excel.tamper import normalise


def _sheet(rows: str) -> bytes:
    return f'<worksheet xmlns="x"><sheetData>{rows}</sheetData></worksheet>'.encode()


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
