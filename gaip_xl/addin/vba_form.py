"""The VBA project as Excel itself saves it, where ms-ovba writes it otherwise.

The reference is the custom add-in with a ribbon that xlwings ships, saved by Excel (``quickstart_addin_ribbon.xlam``
in the installed xlwings: ThisWorkbook, the Dictionary class, a ribbon module, a sheet and the xlwings module — the
shape of ours). Record by record, Excel writes there what ms-ovba 0.0.1 does not:

- ``PROJECTSYSKIND`` 1 (32-bit Windows; ms-ovba writes 3), ``PROJECTNAME`` the project's own name (ms-ovba always
  writes "VBAProject"), and the ``PROJECTVERSION`` Excel stored;
- a class module's stored attributes: ``VB_Base`` (the class GUID), ``VB_TemplateDerived`` and ``VB_Customizable``,
  in Excel's order, and its ``VB_Description`` as the module's ``MODULEDOCSTRING`` (its \\r\\n as line breaks);
- the ``PROJECTwm`` stream (module names in UTF-16), ``VersionCompatible32`` and a ``[Workspace]`` section in the
  ``PROJECT`` stream, which ends with an empty line;
- ``_VBA_PROJECT``'s third reserved field 1.

What stays ms-ovba's on purpose: cookies are 0xFFFF (MS-OVBA: "MUST be 0xFFFF on write", Excel ignores them on
read), and the modules hold source only (no p-code, ``MODULEOFFSET`` 0, ``_VBA_PROJECT`` version 0xFFFF): Excel
compiles them when the add-in is first loaded.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

SYSKIND_WIN32 = 1
PROJECT_VERSION = (0x61EEF783, 3)  # PROJECTVERSION major, minor as Excel stored them in the reference
VERSION_COMPATIBLE = "393222000"
VBA_PROJECT_RESERVED3 = 1
CLASS_BASE = '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'  # VB_Base of every VBA class module
# A class module's header attributes, in the order Excel stores them (None: the value the source gives)
CLASS_HEADER = (("VB_Name", None), ("VB_Base", CLASS_BASE), ("VB_GlobalNameSpace", None), ("VB_Creatable", None),
                ("VB_PredeclaredId", None), ("VB_Exposed", None), ("VB_TemplateDerived", "False"),
                ("VB_Customizable", "False"))
WORKSPACE = (0, 0, 0, 0, "C")  # a module window's position in the VBA editor: closed

_ATTRIBUTE = re.compile(r'^Attribute (VB_\w+) = (.*)$')


def class_source(text: str) -> str:
    """A class module's stored text from its exported .cls: the VERSION/BEGIN…END header dropped, the header
    attributes as Excel stores them, then everything else as it was (CRLF line ends)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if "END" in lines:
        lines = lines[lines.index("END") + 1:]
    given: dict[str, str] = {}
    while lines and (match := _ATTRIBUTE.match(lines[0])) and match.group(1) in dict(CLASS_HEADER):
        given[match.group(1)] = match.group(2)
        lines.pop(0)
    header = [f"Attribute {name} = {given[name] if value is None else value}" for name, value in CLASS_HEADER]
    body = "\r\n".join(header + lines)
    return body if body.endswith("\r\n") else body + "\r\n"


def module_description(text: str) -> str:
    """The module's ``VB_Description`` as Excel puts it in ``MODULEDOCSTRING``: "\\r\\n" become line breaks."""
    match = re.search(r'^Attribute VB_Description = "(.*)"\r?$', text, re.MULTILINE)
    return match.group(1).replace("\\r\\n", "\r\n") if match else ""


def _dir_stream_type(project_name: str) -> type:
    from ms_ovba.Models.Fields.idSizeField import IdSizeField
    from ms_ovba.Models.Fields.packed_data import PackedData
    from ms_ovba.Views.dirStream import DirStream

    class ExcelDirStream(DirStream):
        def _load_information(self) -> list[Any]:
            records = super()._load_information()
            major, minor = PROJECT_VERSION
            replaced: dict[Any, Any] = {1: IdSizeField(1, 4, SYSKIND_WIN32),
                        4: IdSizeField(4, len(project_name), project_name),
                        9: IdSizeField(9, 4, major)}
            out = [replaced.get(getattr(r, "_id", None), r) for r in records]
            version_at = next(i for i, r in enumerate(out) if getattr(r, "_id", None) == 9)
            out[version_at + 1] = PackedData("H", minor)
            return out

    return ExcelDirStream


def _project_type(project_name: str) -> type:
    from ms_ovba.Views.project import Project

    class ExcelProject(Project):
        def __str__(self) -> str:
            text = super().__str__().replace('\r\nName="VBAProject"\r\n', f'\r\nName="{project_name}"\r\n', 1)
            return text + "\r\n"  # Excel ends the [Workspace] section with an empty line

    return ExcelProject


@contextmanager
def excel_form(project_name: str) -> Iterator[None]:
    """ms-ovba's writer with the streams Excel writes differently, for the duration of a build."""
    from ms_ovba.Views import project_ole_file
    from ms_ovba.Views.project_view import ProjectView

    replacements = {"DirStream": _dir_stream_type(project_name), "Project": _project_type(project_name),
                    "ProjectView": functools.partial(ProjectView, reserved=VBA_PROJECT_RESERVED3)}
    original = {name: getattr(project_ole_file, name) for name in replacements}
    for name, value in replacements.items():
        setattr(project_ole_file, name, value)
    try:
        yield
    finally:
        for name, value in original.items():
            setattr(project_ole_file, name, value)


def prepare(project: Any, modules: list[Any]) -> None:
    """Project-wide settings Excel writes: PROJECTwm, VersionCompatible32, a workspace line per module."""
    project.include_projectwm()
    project.add_attribute("VersionCompatible32", VERSION_COMPATIBLE)
    for module in modules:
        module.add_workspace(*WORKSPACE)
