"""The built add-in's VBA project matches, part by part and record by record, what Excel itself saved in the custom
add-in xlwings ships (quickstart_addin_ribbon.xlam: ThisWorkbook, the Dictionary class, a ribbon module, a sheet, the
xlwings module — our shape), except for the modules' own code and names, the cookies MS-OVBA says to write as 0xFFFF,
and the p-code offsets (ours holds source only). The dir stream is parsed record by record (MS-OVBA 2.3.4.2)."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

import pytest
import xlwings

from gaip_xl.cli import run

olevba = pytest.importorskip("oletools.olevba", reason="oletools (the test extra) reads VBA projects")
olefile = pytest.importorskip("olefile")

XLWINGS = Path(xlwings.__file__).parent
REFERENCE = XLWINGS / "quickstart_addin_ribbon.xlam"  # the custom add-in with a ribbon, as Excel saved it
XLWINGS_ADDIN = XLWINGS / "addin" / "xlwings.xlam"  # xlwings' own add-in, as Excel saved it

MODULE_NAME, STREAM_NAME, DOCSTRING, DOCSTRING_UNICODE = 0x19, 0x1A, 0x1C, 0x48
OFFSET, HELP_CONTEXT, COOKIE, TERMINATOR = 0x31, 0x1E, 0x2C, 0x2B
PROJECT_COOKIE, PROJECT_MODULES, PROJECT_NAME, PROJECT_VERSION = 0x13, 0x0F, 0x04, 0x09
REFERENCE_NAME = 0x16
NAMES = (MODULE_NAME, 0x47, STREAM_NAME, 0x32)  # the module's and its stream's name, each in MBCS and UTF-16
MODULE_TYPES = {0x21: "procedural", 0x22: "document or class"}


class Project:
    """One vbaProject.bin, its streams read and its dir stream split into records."""

    def __init__(self, xlam: Path) -> None:
        with zipfile.ZipFile(xlam) as package:
            ole = olefile.OleFileIO(io.BytesIO(package.read("xl/vbaProject.bin")))
        self.streams = {"/".join(entry): ole.openstream(entry).read() for entry in ole.listdir()}
        records = dir_records(bytes(olevba.decompress_stream(bytearray(self.streams["VBA/dir"]))))
        first_reference = next(i for i, (rid, _) in enumerate(records) if rid == REFERENCE_NAME)
        modules_at = next(i for i, (rid, _) in enumerate(records) if rid == PROJECT_MODULES)
        self.information = records[:first_reference]
        self.references = records[first_reference:modules_at]
        self.header = records[modules_at:modules_at + 2]
        self.modules: dict[str, list[tuple[int, bytes]]] = {}
        current: list[tuple[int, bytes]] = []
        for record in records[modules_at + 2:]:
            current.append(record)
            if record[0] == TERMINATOR:
                self.modules[current[0][1].decode("cp1252")] = current
                current = []
        self.end = current
        parser = olevba.VBA_Parser(str(xlam))
        self.code = {stream.split("/")[-1]: text for _, stream, _, text in parser.extract_macros()}
        parser.close()

    def kind(self, module: str) -> str:
        return next(MODULE_TYPES[rid] for rid, _ in self.modules[module] if rid in MODULE_TYPES)

    def attributes(self, module: str) -> list[str]:
        """The stored header attributes (before the first line of code), VB_Name left out."""
        lines = self.code[module].replace("\r\n", "\n").split("\n")
        header = []
        for line in lines:
            if not line.startswith("Attribute VB_"):
                break
            header.append(line)
        return [line for line in header if not line.startswith("Attribute VB_Name ")]

    def project_lines(self) -> list[str]:
        return self.streams["PROJECT"].decode("cp1252").split("\r\n")


def dir_records(data: bytes) -> list[tuple[int, bytes]]:
    """Id, size, data — except PROJECTVERSION, whose size field is a reserved 4 followed by 6 bytes."""
    records, at = [], 0
    while at < len(data):
        rid, size = struct.unpack_from("<HI", data, at)
        at += 6
        size = 6 if rid == PROJECT_VERSION else size
        records.append((rid, data[at:at + size]))
        at += size
    return records


def project_wm(data: bytes) -> list[tuple[str, str]]:
    """PROJECTwm: (MBCS name, UTF-16 name) pairs, then a 0x0000 terminator."""
    assert data.endswith(b"\x00\x00\x00\x00")
    pairs, at = [], 0
    while data[at:at + 2] != b"\x00\x00":
        end = data.index(b"\x00", at)
        mbcs = data[at:end].decode("cp1252")
        at = end + 1
        end = next(i for i in range(at, len(data), 2) if data[i:i + 2] == b"\x00\x00")
        pairs.append((mbcs, data[at:end].decode("utf-16-le")))
        at = end + 2
    assert at == len(data) - 2
    return pairs


@pytest.fixture(scope="module")
def ours(tmp_path_factory) -> Project:
    path = tmp_path_factory.mktemp("vba") / "gaip_xl.xlam"
    assert run(["addin", "build", "-o", str(path)], io.StringIO(), io.StringIO()) == 0
    return Project(path)


@pytest.fixture(scope="module")
def excel() -> Project:
    return Project(REFERENCE)


def _counterpart(ours: Project, excel: Project, module: str) -> str:
    """The reference's module of the same kind and role: the same name, else the first of its kind."""
    if module in excel.modules:
        return module
    if module.startswith("Sheet"):
        return next(m for m in excel.modules if m.startswith("Sheet"))
    return next(m for m in excel.modules if excel.kind(m) == ours.kind(module) and m != "ThisWorkbook"
                and not m.startswith("Sheet") and "Attribute VB_Base" not in excel.code[m])


def test_information_records_are_excels(ours, excel):
    assert [rid for rid, _ in ours.information] == [rid for rid, _ in excel.information]
    for (rid, value), (_, expected) in zip(ours.information, excel.information, strict=True):
        if rid == PROJECT_NAME:
            assert value == b"gaip_xl"
        else:
            assert value == expected, hex(rid)  # sys kind, LCIDs, code page, flags, version, …


def test_sys_kind_is_what_excel_wrote():
    assert Project(REFERENCE).information[0] == (0x01, struct.pack("<I", 1))  # 32-bit Windows


def test_references_are_those_excel_wrote_for_stdole_and_office(ours):
    assert ours.references == Project(XLWINGS_ADDIN).references


def test_modules_header_and_end(ours, excel):
    assert [rid for rid, _ in ours.header] == [rid for rid, _ in excel.header] == [PROJECT_MODULES, PROJECT_COOKIE]
    assert ours.header[0][1] == struct.pack("<H", len(ours.modules))
    assert ours.header[1][1] == b"\xff\xff"  # MS-OVBA: MUST be 0xFFFF on write
    assert ours.end == excel.end == [(0x10, b"")]


def test_each_module_record_by_record(ours, excel):
    assert set(ours.modules) == {"ThisWorkbook", "Sheet1", "xlwings", "Dictionary", "GaipRibbon"}
    for module, records in ours.modules.items():
        expected = excel.modules[_counterpart(ours, excel, module)]
        assert [rid for rid, _ in records] == [rid for rid, _ in expected], module
        for (rid, value), (_, theirs) in zip(records, expected, strict=True):
            if rid in NAMES:
                assert value.decode("utf-16-le" if rid in (0x47, 0x32) else "cp1252") == module
            elif rid == COOKIE:
                assert value == b"\xff\xff"
            elif rid == OFFSET:
                assert value == b"\x00\x00\x00\x00"  # source only: no p-code before the text
            else:
                assert value == theirs, (module, hex(rid))  # type, doc string, help context


def test_module_attributes_are_those_excel_stores(ours, excel):
    for module in ours.modules:
        assert ours.attributes(module) == excel.attributes(_counterpart(ours, excel, module)), module
    assert 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"' in ours.attributes("Dictionary")


def test_project_stream_line_by_line(ours, excel):
    def shape(project: Project) -> list[str]:
        lines = project.project_lines()
        modules = [line for line in lines if re.match(r"(Document|Module|Class)=", line)]
        kinds = sorted(line.split("=")[0] for line in modules)
        rest = [line.split("=")[0] if "=" in line and not line.startswith("&H") else line for line in lines
                if line not in modules and not re.match(r"\w+=-?\d+, -?\d+, -?\d+, -?\d+, [CIZ]$", line)]
        workspace = [line.split("=")[0] for line in lines if re.match(r"\w+=-?\d+, -?\d+, -?\d+, -?\d+, [CIZ]$", line)]
        return [*kinds, "|", *rest, "|", str(len(workspace) == len(modules))]

    assert shape(ours) == shape(excel)
    assert 'VersionCompatible32="393222000"' in ours.project_lines()
    assert ours.streams["PROJECT"].endswith(b"\r\n\r\n") and excel.streams["PROJECT"].endswith(b"\r\n\r\n")


def test_project_wm_names_every_module(ours, excel):
    for project in (ours, excel):
        pairs = project_wm(project.streams["PROJECTwm"])
        assert [mbcs for mbcs, _ in pairs] == [utf16 for _, utf16 in pairs] == list(project.modules)


def test_streams_and_vba_project_header(ours, excel):
    for project in (ours, excel):
        assert set(project.streams) == {"PROJECT", "PROJECTwm", "VBA/dir", "VBA/_VBA_PROJECT",
                                        *(f"VBA/{m}" for m in project.modules)}
    assert ours.streams["VBA/_VBA_PROJECT"] == excel.streams["VBA/_VBA_PROJECT"]


def test_xlwings_own_addin_agrees_except_for_the_excel_that_saved_it(ours):
    """xlwings.xlam, saved by a 64-bit Excel: the same records, the same class and document attributes; it differs
    only in what the saving Excel writes of itself (sys kind 3, its project version) and the project's name."""
    theirs = Project(XLWINGS_ADDIN)
    assert [rid for rid, _ in ours.information] == [rid for rid, _ in theirs.information]
    differing = {rid for (rid, a), (_, b) in zip(ours.information, theirs.information, strict=True) if a != b}
    assert differing == {0x01, PROJECT_NAME, PROJECT_VERSION}
    for module in ("ThisWorkbook", "Dictionary"):
        assert ours.attributes(module) == theirs.attributes(module)
    assert ours.attributes("Sheet1") == theirs.attributes("Sheet1")
    docstrings = {rid: value for rid, value in theirs.modules["Dictionary"] if rid in (DOCSTRING, DOCSTRING_UNICODE)}
    assert {rid: value for rid, value in ours.modules["Dictionary"] if rid in docstrings} == docstrings
