"""Bytes of a text or web page → text: a BOM, then the charset the page declares, then UTF-8, then detection
(charset-normalizer; GBK and GB2312 are read as their superset GB18030)."""

from __future__ import annotations

import codecs
import re

_DECLARED = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_SUPERSETS = {"gbk": "gb18030", "gb2312": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
              "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252"}


def _codec(declared: str) -> str | None:
    name = _SUPERSETS.get(declared.lower(), declared.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, html: bool = False) -> str:
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    if html and (declared := _DECLARED.search(data[:8192])):
        stated = _codec(declared.group(1).decode("ascii", errors="ignore"))
        if stated is not None:
            try:
                return data.decode(stated)
            except UnicodeDecodeError:
                pass  # the declaration lies (a UTF-8 page saying gb2312): detect instead
    try:
        # UTF-8, forgiving only a character cut off at the very end (a copy cut short in transfer, or the first
        # 200,000 bytes of a longer text): strict everywhere else
        return codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=["gb18030", "big5", "utf_16", "cp1252"]).best()
    detected = _codec(best.encoding) if best is not None else None
    return data.decode(detected or "gb18030", errors="replace")
