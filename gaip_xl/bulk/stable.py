"""Byte-stable .xlsx files: the same content gives the same bytes, run after run.

openpyxl stamps every zip entry with the time of writing and the document properties with "created" and
"modified"; a rerun would then differ from the first run in every workbook it writes. The batch's workbooks are
rewritten here with a fixed entry time and without those two optional properties.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
_STAMPS = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
CORE_PROPERTIES = "docProps/core.xml"
CHUNK = 1 << 20


def stabilise(path: str | Path) -> None:
    """Rewrites the workbook at ``path`` (a temporary file of the caller's) in place, entry by entry through a
    sibling file: a summary of 100,000 rows is never held in memory whole."""
    target = Path(path)
    rewritten = target.with_name(target.name + ".stable")
    try:
        with zipfile.ZipFile(target) as source, zipfile.ZipFile(rewritten, "w", zipfile.ZIP_DEFLATED) as result:
            for info in source.infolist():
                entry = zipfile.ZipInfo(info.filename, FIXED_TIME)
                entry.compress_type = zipfile.ZIP_DEFLATED
                entry.external_attr = info.external_attr
                if info.filename == CORE_PROPERTIES:
                    result.writestr(entry, _STAMPS.sub(b"", source.read(info)))
                    continue
                with source.open(info) as reader, result.open(entry, "w") as writer:
                    shutil.copyfileobj(reader, writer, CHUNK)
        os.replace(rewritten, target)
    finally:
        rewritten.unlink(missing_ok=True)
