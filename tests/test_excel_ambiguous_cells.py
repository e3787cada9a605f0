"""A cell whose XML says two things: an attribute written twice (``<c r="B5" t="n" t="s">``, ``x:t`` as well) or two
values (``<v>1</v><v>2</v>``, ``<is>`` twice, ``<is>`` and ``<v>``). Neither is XML Excel writes or opens as it
stands, and which of the two a repair would keep cannot be known: the reader refuses the workbook (``E_NOT_XLSX``,
naming the cell) instead of taking one. A position written twice (``r`` on a cell or a row) is refused wherever it
stands, since every later cell's position depends on it; a type or style written twice only on a cell the reader
uses, as the one pass and the general parse both decide (scan.py).
"""

from __future__ import annotations

import re

import pytest
from hostile import FIGURES, LAYOUT, base_parts, cell_cases, package, sheet_parts
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl import read_workbook
from gaip_xl.errors import GaipError
from gaip_xl.excel import scan

_CELL = re.compile(r"<c ([^>]*?)(/>|>(.*?)</c>)", re.S)


@st.composite
def said_twice(draw: st.DrawFn) -> tuple[str, str]:
    """An input cell (any type and form, ``hostile.cell_cases``) made to say two things; (the cell's XML, code)."""
    code = draw(st.sampled_from(FIGURES))
    case = draw(cell_cases(code))
    a1 = LAYOUT.position(code).a1
    xml = case.xml.replace("{r}", f'r="{a1}"')
    attrs, _, body = _CELL.fullmatch(xml).groups()  # type: ignore[union-attr]
    how = draw(st.sampled_from(["attribute", "value"]))
    if how == "attribute":
        name = draw(st.sampled_from(["r", "t", "s"]))
        prefix = draw(st.sampled_from(["", "x:"]))
        value = {"r": f"{a1}", "t": draw(st.sampled_from(["n", "s", "str", "e", "b"])), "s": "0"}[name]
        extra = f'{prefix}{name}="{value}"'
        attrs = f"{attrs} {extra}" if draw(st.booleans()) else f"{extra} {attrs}"
        if f' {name}="' not in f" {attrs.replace(extra, '')}" and f" {name}='" not in f" {attrs}":
            attrs = f'{attrs} {name}="{value}"'  # the cell did not have it: written twice now
    else:
        values = draw(st.sampled_from(["<v>1</v><v>2</v>", "<v>7</v><v>7</v>", "<is><t>1</t></is><is><t>2</t></is>",
                                       "<is><t>3</t></is><v>4</v>", "<v>5</v><is><t>5</t></is>"]))
        formula = "<f>1+1</f>" if draw(st.booleans()) else ""
        body = formula + values
    if "xmlns:x" not in attrs and "x:" in attrs:
        attrs += ' xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    return f"<c {attrs}>{body}</c>", code


def _workbook(cell: str, code: str) -> bytes:
    parts = dict(base_parts())
    pos = LAYOUT.position(code)
    sheet = sheet_parts()[pos.sheet]
    xml = parts[sheet].decode()
    pattern = re.compile(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', re.S)
    parts[sheet] = pattern.sub(lambda _: cell, xml, count=1).encode()
    return package(list(parts.items()))


@settings(max_examples=80, deadline=None)
@given(said_twice())
def test_a_cell_that_says_two_things_is_refused_naming_it(case):
    cell, code = case
    a1 = LAYOUT.position(code).a1
    with pytest.raises(GaipError) as caught:
        read_workbook(_workbook(cell, code))
    assert caught.value.code == "E_NOT_XLSX", caught.value.message
    assert "两次" in caught.value.message or "不止一个值" in caught.value.message
    assert a1 in caught.value.message or "行" in caught.value.message


def _values(rows: str, wanted=None):  # type: ignore[no-untyped-def]
    sheet = f'<worksheet xmlns="x"><sheetData>{rows}</sheetData></worksheet>'.encode()
    return scan.sheet_values("f.xlsx", "表", "xl/worksheets/sheet1.xml", sheet, ["a", "b"], wanted)


@pytest.mark.parametrize("cell", ['<c r="B1" t="s" t="n"><v>1</v></c>', '<c r="B1" s="1" x:s="2"><v>1</v></c>',
                                  '<c r="B1"><v>1</v><v>2</v></c>',
                                  '<c r="B1" t="inlineStr"><is><t>a</t></is><v>2</v></c>'])
def test_said_twice_on_a_wanted_cell_is_refused_either_way(cell):
    """The one pass and the general parse (a sheet with a cell in another form) give the same answer."""
    for other in ("", '<c  r="C1"><v>3</v></c>'):
        with pytest.raises(GaipError, match="E_NOT_XLSX|两次|不止一个值"):
            _values(f'<row r="1"><c r="A1"><v>0</v></c>{cell}{other}</row>', wanted={(1, 2)})


@pytest.mark.parametrize("rows", ['<row r="1"><c r="A1"><v>0</v></c><c r="B1" r="B2"><v>1</v></c></row>',
                                  '<row r="1" r="2"><c><v>1</v></c></row>'])
def test_a_position_written_twice_is_refused_even_on_a_cell_not_used(rows):
    with pytest.raises(GaipError, match="属性“r”写了两次"):
        _values(rows, wanted={(9, 9)})


def test_said_twice_on_a_cell_not_used_is_ignored_either_way():
    for other in ("", '<c  r="C1"><v>3</v></c>'):
        rows = f'<row r="1"><c r="A1"><v>0</v></c><c r="B1" t="n" t="s"><v>1</v><v>2</v></c>{other}</row>'
        assert _values(rows, wanted={(1, 1)}) == {(1, 1): 0.0}


def test_a_style_part_with_an_attribute_twice_is_refused():
    styles = b'<styleSheet><cellXfs count="1"><xf numFmtId="14" numFmtId="0"/></cellXfs></styleSheet>'
    with pytest.raises(GaipError, match="styles.xml"):
        scan.date_styles(styles, "f.xlsx")
