"""Is the workbook still the template? Labels where the layout put them, defined names on the layout's cells.

A clerk who inserted a row, moved a table or retyped a label must get an error naming the sheet and cell, never a
report whose figures came from the wrong row. Labels are compared after removing whitespace only (line breaks a
clerk or an old Excel put inside a label are harmless); any other change, even "1、" for "1.", is a change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import MissingName, Tampered
from ..format.layout import Layout, Pos, defined_name, layout_for
from .names import Directory

Cells = Mapping[tuple[int, int], Any]  # a sheet's cells that hold a value, by 1-based (row, column)

_WHITESPACE = re.compile(r"\s+")
MAX_LISTED = 5  # differences quoted in one message


def normalise(value: Any) -> str:
    return _WHITESPACE.sub("", str(value)) if value is not None else ""


def _where(pos: Pos) -> str:
    return f"“{pos.sheet}”工作表 {pos.a1} 单元格"


def _label_rows(layout: Layout) -> tuple[tuple[str, int, int, str, str, Pos], ...]:
    """(sheet, row, col, text, text without whitespace, position) of every label."""
    return tuple((label.pos.sheet, label.pos.row, label.pos.col, label.text, normalise(label.text), label.pos)
                 for label in layout.labels)


def _name_rows(layout: Layout) -> tuple[tuple[str, str, str, Pos], ...]:
    """(defined name in upper case, the reference the template writes, code, position) of every input cell."""
    return tuple((defined_name(code).upper(), pos.absolute, code, pos)
                 for code, pos in (*layout.figures.items(), *layout.fields.items()))


@cache
def _edition_rows(edition: str, version: str) -> tuple[tuple, tuple]:
    layout = layout_for(edition, version)
    return _label_rows(layout), _name_rows(layout)


def _expected(layout: Layout) -> tuple[tuple, tuple]:
    """Both lists, computed once per process for each template version's own layout of an edition."""
    if layout is layout_for(layout.edition.code, layout.version):
        return _edition_rows(layout.edition.code, layout.version)
    return _label_rows(layout), _name_rows(layout)


def label_differences(layout: Layout, sheets: Mapping[str, Cells]) -> list[str]:
    differences = []
    for sheet, row, col, text, normal, pos in _expected(layout)[0]:
        found = sheets[sheet].get((row, col), "")
        if found == text or normalise(found) == normal:  # the same text needs no normalising: the common case
            continue
        shown = f"“{found}”" if normalise(found) else "空白"
        differences.append(f"{_where(pos)}应为“{text}”，现为{shown}")
    return differences


def name_differences(path: str | None, layout: Layout, directory: Directory) -> list[str]:
    """Defined names that point elsewhere than the layout says (the template's names follow moved cells)."""
    key = f"{layout.edition.code}/{layout.version}"  # the names one template version of an edition defines
    if key in directory.checked:  # a directory shared by files of one template: checked once
        return []
    differences = []
    names = directory.names
    for upper, reference, code, pos in _expected(layout)[1]:
        found = names.get(upper)
        if found == reference:  # as the template wrote it: the common, fast case
            continue
        name = defined_name(code)
        if found is None:
            raise MissingName(path, detail="工作簿中没有这个名称", name=name, code=code)
        target = directory.target(name)
        if target is None:
            raise MissingName(path, detail=f"引用为“{found}”，不是一个单元格", name=name, code=code)
        if (target.sheet, target.row, target.col) != (pos.sheet, pos.row, pos.col):
            moved = Pos(target.sheet, target.row, target.col)
            differences.append(f"名称“{name}”应指向{_where(pos)}，现指向{_where(moved)}")
    if not differences:
        directory.checked.add(key)
    return differences


def check_layout(path: str | None, layout: Layout, directory: Directory, sheets: Mapping[str, Cells]) -> None:
    """Raises ``Tampered`` listing the first differences, labels first (what a clerk sees), then names."""
    differences = label_differences(layout, sheets) or name_differences(path, layout, directory)
    if differences:
        more = f"等共 {len(differences)} 处" if len(differences) > MAX_LISTED else ""
        raise Tampered(path, detail="；".join(differences[:MAX_LISTED]) + more)
