"""The reader's per-process shortcuts give exactly what a full read gives: the workbook directory remembered by its
names block, the name check done once per shared directory, each sheet's bounds found in one pass."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from builders import load_case

from gaip_xl import read_workbook, write_workbook
from gaip_xl.errors import GaipError
from gaip_xl.excel import names
from gaip_xl.excel.safety import open_package

WORKBOOK = "xl/workbook.xml"


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> bytes:
    path = tmp_path_factory.mktemp("cache") / "a.xlsx"
    write_workbook(load_case("xian-2021"), path)
    return path.read_bytes()


def _with_workbook_xml(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, change(content) if info.filename == WORKBOOK else content)
    return out.getvalue()


def _write(tmp_path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _directory(path, full: bool = False) -> names.Directory:  # type: ignore[no-untyped-def]
    """The directory as the reader gets it, or (``full``) from a full parse of workbook.xml."""
    package = open_package(path)
    try:
        return names._parse_directory(package) if full else names.read_directory(package)
    finally:
        package.close()


def test_same_names_block_is_parsed_once_and_equals_a_full_parse(tmp_path, filled):
    names.clear_cache()
    first = _directory(_write(tmp_path, "a.xlsx", filled))
    # Excel stamps per-file attribute values outside the blocks (the active tab here): still the same directory
    other = _write(tmp_path, "b.xlsx", _with_workbook_xml(filled, lambda x: x.replace(b'activeTab="0"',
                                                                                      b'activeTab="2"')))
    assert b'activeTab="2"' in zipfile.ZipFile(other).read(WORKBOOK)
    second = _directory(other)
    assert second is first
    assert _directory(_write(tmp_path, "c.xlsx", filled)) is first  # the very same bytes: the exact cache
    assert (dict(second.sheets), dict(second.names)) == (dict(_directory(other, full=True).sheets),
                                                         dict(_directory(other, full=True).names))


def test_a_changed_name_is_not_taken_from_the_cache(tmp_path, filled):
    names.clear_cache()
    _directory(_write(tmp_path, "a.xlsx", filled))
    moved = _with_workbook_xml(filled, lambda x: x.replace(b"$B$3<", b"$B$4<", 1))
    directory = _directory(_write(tmp_path, "b.xlsx", moved))
    assert directory == _directory(tmp_path / "b.xlsx", full=True)
    assert "$B$4" in "".join(directory.names.values())
    with pytest.raises(GaipError) as info:
        read_workbook(tmp_path / "b.xlsx")
    assert info.value.code == "E_TAMPERED"


def test_a_broken_part_with_a_known_names_block_is_still_refused(tmp_path, filled):
    names.clear_cache()
    read_workbook(_write(tmp_path, "a.xlsx", filled))
    broken = _with_workbook_xml(filled, lambda x: x.replace(b"</workbook>", b"</workbook"))
    with pytest.raises(GaipError) as info:
        read_workbook(_write(tmp_path, "b.xlsx", broken))
    assert info.value.code == "E_NOT_XLSX"


def test_a_block_inside_a_comment_or_nested_deeper_is_never_cached(tmp_path, filled):
    names.clear_cache()
    read_workbook(_write(tmp_path, "a.xlsx", filled))
    xml = zipfile.ZipFile(io.BytesIO(filled)).read(WORKBOOK)
    block = re.search(rb"<sheets>.*?</sheets>", xml).group(0)
    commented = xml.replace(block, b"<!--" + block + b"-->", 1)
    assert names._cache_key(commented, b"") is None
    nested = xml.replace(block, b"<extLst>" + block + b"</extLst>", 1)
    with pytest.raises(GaipError) as info:  # a full parse finds no sheet list at the top: not a template
        read_workbook(_write(tmp_path, "b.xlsx", _with_workbook_xml(filled, lambda _: nested)))
    assert info.value.code in ("E_NOT_TEMPLATE", "E_MISSING_SHEET")


def test_another_encoding_declaration_is_another_key():
    body = b'<workbook xmlns="x"><sheets><sheet name="A" r:id="rId1"/></sheets></workbook>'
    utf8 = names._cache_key(b'<?xml version="1.0" encoding="UTF-8"?>' + body, b"")
    gbk = names._cache_key(b'<?xml version="1.0" encoding="GBK"?>' + body, b"")
    assert utf8 is not None and gbk is not None and utf8 != gbk
