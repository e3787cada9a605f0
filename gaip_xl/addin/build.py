"""Builds the ``.xlam`` add-in from the sources in ``gaip_xl/addin/macros/``, with Python only (no Excel needed).

The package holds: the workbook part with the add-in content type, a hidden config sheet ``gaip_xl.conf`` (xlwings
reads "UDF Modules" from it), the ribbon (``customUI/customUI.xml`` under the 2006 relationship type, the one
openpyxl and Excel 2007+ both keep) and ``xl/vbaProject.bin`` written by ms-ovba from VBA sources:
``macros/*.bas`` (the ribbon callbacks), and from the installed xlwings its custom-add-in module (RunPython and
friends, bound to the *active* workbook, with the project name set to ``gaip_xl``) and its Dictionary class.

ms-ovba writes source-only VBA (no compiled p-code): Excel compiles it when the add-in is first loaded. Its
compressor is replaced by ``ovba.compress`` (see there why), and where it writes a record or stream otherwise than
Excel does, ``vba_form`` makes it write Excel's form.

The sources are package data, read through ``importlib.resources``, so a wheel install builds the add-in as a
checkout does; a folder given instead (``--macros DIR``) is read the same way.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from xml.sax.saxutils import escape

from ..atomic import write_bytes
from ..errors import FileMissing
from . import vba_form
from .ovba import patched_ms_ovba

PROJECT_NAME = "gaip_xl"  # xlwings' PROJECT_NAME: config sheet "gaip_xl.conf", user config ~/.gaip_xl/gaip_xl.conf
CONFIG_SHEET = f"{PROJECT_NAME}.conf"
UDF_MODULE = "gaip_xl.addin.udfs"
CONFIG = (("UDF Modules", UDF_MODULE),)
MACROS: Traversable = resources.files("gaip_xl.addin") / "macros"  # the add-in's sources, shipped as package data
CUSTOM_UI = "customUI.xml"

REL_OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_UI = "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
ADDIN_CONTENT_TYPE = "application/vnd.ms-excel.addin.macroEnabled.main+xml"


@dataclass(frozen=True)
class VbaSource:
    name: str  # the module name (its Attribute VB_Name)
    kind: str  # "module" or "class"
    text: str


def module_name(text: str) -> str:
    match = re.search(r'^Attribute VB_Name = "([^"]+)"', text, re.MULTILINE)
    if not match:
        raise ValueError("VBA source without Attribute VB_Name")
    return match.group(1)


def xlwings_sources() -> list[VbaSource]:
    """xlwings' own VBA for a custom add-in, from the installed xlwings (so it matches its Python side)."""
    import xlwings

    folder = Path(xlwings.__file__).parent
    main = (folder / "xlwings_custom_addin.bas").read_text(encoding="ascii")
    main, count = re.subn(r'^(Public Const PROJECT_NAME As String = )"[^"]*"', rf'\1"{PROJECT_NAME}"', main,
                          flags=re.MULTILINE)
    if count != 1:
        raise ValueError("xlwings_custom_addin.bas: PROJECT_NAME not found")
    dictionary = (folder / "addin" / "Dictionary.cls").read_text(encoding="ascii")
    return [VbaSource(module_name(main), "module", main), VbaSource(module_name(dictionary), "class", dictionary)]


def macro_sources(folder: Traversable = MACROS) -> list[VbaSource]:
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".bas") and f.is_file()), key=lambda f: f.name) \
        if folder.is_dir() else []
    if not files:
        raise FileMissing(str(folder / "*.bas"))
    return [VbaSource(module_name(text), "module", text) for text in (f.read_text(encoding="ascii") for f in files)]


# ---------------------------------------------------------------------------- vbaProject.bin (ms-ovba)
@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """ms-ovba writes its streams into the current directory: give it a private one."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def _class_module_type() -> type:
    from ms_ovba.Models.Entities.module_base import ModuleBase

    class ClassModule(ModuleBase):
        """A class module: stored like a document module (MODULETYPE 0x0022), listed as "Class=" in PROJECT, its
        text with the attributes Excel keeps for a class (``vba_form.class_source``)."""

        def __init__(self, name: str) -> None:
            super().__init__(name)
            self.type = "Class"

        def pack(self, endien: str, cp_name: str) -> bytes:
            self.type = "Document"
            try:
                return super().pack(endien, cp_name)
            finally:
                self.type = "Class"

        def normalize_file(self) -> None:
            text = Path(self._file_path).read_text(encoding="ascii")
            Path(self._file_path + ".new").write_bytes(vba_form.class_source(text).encode("ascii"))

    return ClassModule


def vba_project(sources: list[VbaSource], sheet_code_names: tuple[str, ...] = ("Sheet1",)) -> bytes:
    """The bytes of a vbaProject.bin holding ``sources`` plus the document modules of the workbook and sheets."""
    import ms_ovba
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.doubleEncodedString import DoubleEncodedString
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    blank = Path(ms_ovba.__file__).parent / "blank_files"
    class_module = _class_module_type()
    with tempfile.TemporaryDirectory(prefix="gaip-vba-") as tmp, _inside(Path(tmp)), patched_ms_ovba(), \
            vba_form.excel_form(PROJECT_NAME):
        project = VbaProject()
        project.project_id = "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "gaip_xl.addin")).upper() + "}"
        documents = [("ThisWorkbook", "ThisWorkbook.cls", "0002081900000000C000000000000046")]
        documents += [(name, "Sheet1.cls", "0002082000000000C000000000000046") for name in sheet_code_names]
        for name, template, guid in documents:
            text = (blank / template).read_text(encoding="ascii").replace('"Sheet1"', f'"{name}"')
            Path(f"{name}.cls").write_text(text, encoding="ascii")
            module = DocModule(name)
            module.add_file(f"{name}.cls")
            module.add_guid(uuid.UUID(guid))
            module.normalize_file()
            project.add_module(module)
        for source in sources:
            file = f"{source.name}.{'cls' if source.kind == 'class' else 'bas'}"
            Path(file).write_bytes(source.text.replace("\r\n", "\n").encode("ascii"))
            module = class_module(source.name) if source.kind == "class" else StdModule(source.name)
            module.add_file(file)
            module.normalize_file()
            module.docString = DoubleEncodedString([0x001C, 0x0048], vba_form.module_description(source.text))
            project.add_module(module)
        for libid, version, path, description, name in (
            ("0002043000000000C000000000000046", "2.0", r"C:\Windows\System32\stdole2.tlb", "OLE Automation",
             "stdole"),
            ("2DF8D04C5BFA101BBDE500AA0044DE52", "2.0",
             r"C:\Program Files\Common Files\Microsoft Shared\OFFICE16\MSO.DLL",
             "Microsoft Office 16.0 Object Library", "Office"),  # IRibbonControl
        ):
            reference = LibidReference(uuid.UUID(libid), version, "0", path, description)
            project.add_reference(Reference(ReferenceRegistered(reference), name))
        vba_form.prepare(project, project.modules)
        ProjectOleFile.write_file(project)
        return Path("vbaProject.bin").read_bytes()


# ---------------------------------------------------------------------------- the package
def _content_types() -> str:
    overrides = {
        "/xl/workbook.xml": ADDIN_CONTENT_TYPE,
        "/xl/worksheets/sheet1.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        "/xl/styles.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml",
        "/xl/vbaProject.bin": "application/vnd.ms-office.vbaProject",
    }
    parts = "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>' + parts + "</Types>")


def _relationships(items: list[tuple[str, str]]) -> str:
    rels = "".join(f'<Relationship Id="rId{i}" Type="{t}" Target="{target}"/>'
                   for i, (t, target) in enumerate(items, 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + rels + "</Relationships>")


MAIN_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _workbook() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook {MAIN_NS} {REL_NS}><workbookPr codeName="ThisWorkbook"/>'
            '<bookViews><workbookView visibility="hidden"/></bookViews>'
            f'<sheets><sheet name="{CONFIG_SHEET}" sheetId="1" r:id="rId1"/></sheets></workbook>')


def _config_sheet() -> str:
    rows = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{escape(key)}</t></is></c>'
        f'<c r="B{i}" t="inlineStr"><is><t>{escape(value)}</t></is></c></row>'
        for i, (key, value) in enumerate(CONFIG, 1))
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet {MAIN_NS}><sheetPr codeName="Sheet1"/><sheetData>{rows}</sheetData></worksheet>')


def _styles() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<styleSheet {MAIN_NS}><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')


def xlam_parts(folder: Traversable = MACROS) -> dict[str, bytes]:
    custom_ui = folder / CUSTOM_UI
    if not custom_ui.is_file():
        raise FileMissing(str(custom_ui))
    parts = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _relationships([(REL_OFFICE_DOCUMENT, "xl/workbook.xml"),
                                       (REL_UI, "customUI/customUI.xml")]),
        "xl/workbook.xml": _workbook(),
        "xl/_rels/workbook.xml.rels": _relationships([(REL_SHEET, "worksheets/sheet1.xml"),
                                                      (REL_STYLES, "styles.xml"), (REL_VBA, "vbaProject.bin")]),
        "xl/worksheets/sheet1.xml": _config_sheet(),
        "xl/styles.xml": _styles(),
    }
    encoded = {name: text.encode("utf-8") for name, text in parts.items()}
    encoded["customUI/customUI.xml"] = custom_ui.read_bytes()
    encoded["xl/vbaProject.bin"] = vba_project([*xlwings_sources(), *macro_sources(folder)])
    return encoded


def build_xlam(target: str | os.PathLike[str], folder: Traversable = MACROS) -> Path:
    """Writes the add-in to ``target`` (atomically) and returns its path."""
    parts = xlam_parts(folder)
    with tempfile.SpooledTemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for name, data in parts.items():
                package.writestr(name, data)
        buffer.seek(0)
        write_bytes(target, buffer.read())
    return Path(target)


def copy_into(source: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    shutil.copyfile(source, target)
    return target
