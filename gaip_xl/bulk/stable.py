"""Byte-stable .xlsx files: the same content gives the same bytes, run after run.

openpyxl stamps every zip entry with the time of writing and the document properties with "created" and
"modified"; a rerun would then differ from the first run in every workbook it writes. The batch's workbooks are
rewritten here with a fixed entry time and without those two optional properties.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_STAMPS = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
CORE_PROPERTIES = "docProps/core.xml"


def stable_bytes(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == CORE_PROPERTIES:
                content = _STAMPS.sub(b"", content)
            entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return buffer.getvalue()


def stabilise(path: str | Path) -> None:
    """Rewrites the workbook at ``path`` (a temporary file of the caller's) in place."""
    target = Path(path)
    target.write_bytes(stable_bytes(target.read_bytes()))
