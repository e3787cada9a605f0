"""The .xlam build, checked without Excel: the zip package, the ribbon relationship, the VBA read back by olevba."""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.addin import build, install, ovba
from gaip_xl.cli import run

oletools = pytest.importorskip("oletools.olevba", reason="oletools (the test extra) reads the VBA back")

REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


@pytest.fixture(scope="module")
def xlam(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("addin") / "gaip_xl.xlam"
    assert run(["addin", "build", "-o", str(path)], io.StringIO(), io.StringIO()) == 0
    return path


def without_attributes(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")
            if line.strip() and not line.startswith("Attribute ")]


def test_package_is_an_addin_with_the_ribbon_under_the_2006_relationship(xlam):
    with zipfile.ZipFile(xlam) as package:
        names = set(package.namelist())
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        rels = ElementTree.fromstring(package.read("_rels/.rels"))
        workbook_rels = ElementTree.fromstring(package.read("xl/_rels/workbook.xml.rels"))
        custom_ui = package.read("customUI/customUI.xml")
        config = package.read("xl/worksheets/sheet1.xml").decode()
        workbook = package.read("xl/workbook.xml").decode()
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.addin.macroEnabled.main+xml"
    assert overrides["/xl/vbaProject.bin"] == "application/vnd.ms-office.vbaProject"
    ui = [r for r in rels.iter(REL) if r.get("Target") == "customUI/customUI.xml"]
    assert [r.get("Type") for r in ui] == ["http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"]
    for rel in workbook_rels.iter(REL):
        assert f"xl/{rel.get('Target')}" in names
    assert custom_ui == (build.MACROS / "customUI.xml").read_bytes()
    assert '<sheet name="gaip_xl.conf"' in workbook and 'codeName="ThisWorkbook"' in workbook
    assert "UDF Modules" in config and "gaip_xl.addin.udfs" in config


def test_vba_project_holds_the_callbacks_and_xlwings_runpython(xlam):
    parser = oletools.VBA_Parser(str(xlam))
    modules = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    parser.close()
    assert set(modules) == {"ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "GaipRibbon"}
    ours = (build.MACROS / "gaip_xl.bas").read_text(encoding="ascii")
    assert without_attributes(modules["GaipRibbon"]) == without_attributes(ours)
    folder = Path(xlwings.__file__).parent
    theirs = (folder / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    expected = theirs.replace('PROJECT_NAME As String = "myaddin"', 'PROJECT_NAME As String = "gaip_xl"')
    assert without_attributes(modules["xlwings"]) == without_attributes(expected)
    assert "Public Function RunPython(" in modules["xlwings"]
    dictionary = (folder / "addin" / "Dictionary.cls").read_text(encoding="ascii")
    assert without_attributes(modules["Dictionary"]) == without_attributes(dictionary.split("\nEND\n", 1)[1])


def test_project_stream_lists_each_module_with_its_kind(xlam):
    import olefile

    with zipfile.ZipFile(xlam) as package:
        ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
    project = ole.openstream("PROJECT").read().decode("cp1252")
    assert "Document=ThisWorkbook/&H00000000" in project and "Document=Sheet1/&H00000000" in project
    assert "Module=xlwings" in project and "Module=GaipRibbon" in project and "Class=Dictionary" in project


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab c\r\nDim x As Integer'", max_size=9000))
def test_compression_reads_back_with_olevba(text):
    data = text.encode("ascii")
    assert oletools.decompress_stream(bytearray(ovba.compress(data))) == data


def test_compression_of_real_modules_and_chunk_edges():
    rng = random.Random(5)
    source = (Path(xlwings.__file__).parent / "xlwings_custom_addin.bas").read_bytes()
    mixed = bytes(rng.choice(b"xy") for _ in range(5000))
    for data in (source, source[:4096], source[:4097], b"", b"a" * 12288, mixed):
        compressed = ovba.compress(data)
        assert oletools.decompress_stream(bytearray(compressed)) == data
    assert len(ovba.compress(source)) < len(source) / 2


def test_install_needs_excel_on_this_system(tmp_path):
    err = io.StringIO()
    assert run(["addin", "install"], io.StringIO(), err) == (2 if sys.platform not in ("win32", "darwin") else 0)
    assert "[E_NEEDS_EXCEL]" in err.getvalue() and "Excel" in err.getvalue()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("platform", "relative", "key"), [
    ("win32", ".gaip_xl/gaip_xl.conf", "INTERPRETER_WIN"),
    ("darwin", "Library/Containers/com.microsoft.Excel/Data/gaip_xl.conf", "INTERPRETER_MAC"),
])
def test_install_installs_xlwings_then_ours_and_names_this_python(platform, relative, key, tmp_path, xlam):
    installed = []
    config = install.install(xlam, platform=platform, home=tmp_path, installer=installed.append,
                             interpreter="/opt/py/bin/python")
    assert installed == [None, xlam]  # xlwings' own add-in first (RunPython's helper on macOS), then ours
    assert config == tmp_path / relative
    assert config.read_text(encoding="utf-8") == f'"{key}","/opt/py/bin/python"\n'


def test_build_refuses_a_folder_without_sources(tmp_path):
    err = io.StringIO()
    assert run(["addin", "build", "-o", str(tmp_path / "x.xlam"), "--macros", str(tmp_path)], io.StringIO(), err) == 2
    assert "[E_FILE_NOT_FOUND]" in err.getvalue()
    assert not (tmp_path / "x.xlam").exists()


def test_module_names_come_from_vb_name():
    assert build.module_name('Attribute VB_Name = "GaipRibbon"\r\nSub X()\r\nEnd Sub') == "GaipRibbon"
    with pytest.raises(ValueError):
        build.module_name("Sub X()\r\nEnd Sub")
