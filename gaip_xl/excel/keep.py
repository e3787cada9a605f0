"""A workbook we would write over must not hold work of its own.

``gaip-xl template -o 年报.xlsx`` replaced a clerk's filled workbook with a blank template, and ``to-xlsx 年报.json``
(whose default output is 年报.xlsx) replaced a workbook the clerk had gone on filling in Excel with the older figures
of the JSON. A workbook is written over only when what it holds would not be lost: nothing (no file, a blank
template) or exactly the report being written (a rerun). Anything else, a workbook with other figures or a file
that is no report at all, is ``E_OUTPUT_HOLDS_WORK`` unless the user says ``--force``.
"""

from __future__ import annotations

import os

from ..errors import GaipError, OutputHoldsWork
from ..files import is_existing_file
from ..report import Report
from .reader import read_workbook


def refuse_replacing_work(target: str | os.PathLike[str], writing: Report | None = None) -> None:
    """Raises ``OutputHoldsWork`` if ``target`` is a file holding something other than a blank template or the
    report ``writing``."""
    if not is_existing_file(target):
        return
    try:
        existing = read_workbook(target)
    except GaipError as exc:
        raise OutputHoldsWork(str(target), detail=f"该文件不是可读的年报工作簿（{exc.code}）") from None
    if existing.to_json() in (Report.empty(existing.edition).to_json(), writing and writing.to_json()):
        return
    name = existing.agency.name or "未填机关名称"
    year = existing.year or "年度未填"
    raise OutputHoldsWork(str(target), detail=f"该文件是一份已填写的年报（{name}，{year}），与要写出的内容不同")
