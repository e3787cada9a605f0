"""Text as the matcher compares it: NFKC (full/half width), no whitespace, quotes and dashes folded, "1、" → "1."."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..format.drifts import ITEM_NUMBER, ITEM_NUMBER_OFFICIAL

_SPACE = re.compile(r"\s+")
_FOLD = str.maketrans({"“": "", "”": "", "\"": "", "‘": "", "’": "", "'": "", "「": "", "」": "",
                       "—": "-", "–": "-", "－": "-", "─": "-", "。": "", ":": "", "*": "", "#": ""})


@lru_cache(maxsize=16384)  # the same labels recur in every report
def normalise(text: str) -> str:
    """The form two labels are compared in: "（三） 不予公开" and "(三)不予公开" are equal, so are "1、" and "1 ."."""
    folded = _SPACE.sub("", unicodedata.normalize("NFKC", text)).translate(_FOLD)
    return ITEM_NUMBER.sub(ITEM_NUMBER_OFFICIAL, folded)


def clean_cell(text: str) -> str:
    """A cell's text as published, with non-breaking and other odd spaces made plain and the ends trimmed."""
    return _SPACE.sub(" ", text.replace("\u00a0", " ").replace("\u3000", " ")).strip() if text else ""
