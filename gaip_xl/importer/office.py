"""Legacy Word (.doc) and WPS (.wps) documents: converted to .docx by LibreOffice headless, then read as .docx.

LibreOffice runs with a private, throw-away profile (``gaip_xl.template.libreoffice``); without it the error says
what to install (``E_NEEDS_LIBREOFFICE``). The conversion happens in a temporary folder that is always removed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..errors import DocumentUnreadable, GaipError, NeedsLibreOffice
from .model import Document

_NAMES = {"doc": "Word 97-2003（.doc）", "wps": "WPS 文字（.wps）"}


def read_legacy(data: bytes, path: str | None, kind: str) -> Document:
    from ..template import libreoffice
    from .docx import read_docx

    if libreoffice.soffice() is None:
        raise NeedsLibreOffice(path, task=f"读取{_NAMES[kind]}文件",
                               instead="在 WPS/Word 中另存为 .docx 后再导入")
    with tempfile.TemporaryDirectory(prefix="gaip-import-") as folder:
        source = Path(folder) / f"document.{kind}"
        source.write_bytes(data)
        try:
            converted = libreoffice.convert([source], "docx:MS Word 2007 XML", Path(folder) / "out")[0]
        except GaipError as exc:
            raise DocumentUnreadable(path, detail=f"LibreOffice 未能转换该{_NAMES[kind]}文件（{exc.code}）") from None
        document = read_docx(converted.read_bytes(), path)
    document.converted_from = kind
    return document
