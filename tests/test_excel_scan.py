"""The one parse of a sheet's cells (gaip_xl/excel/scan.py) and Excel's text (strings.py) on hand-made XML."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.errors import GaipError
from gaip_xl.excel import scan
from gaip_xl.excel.strings import decode_xstring, shared_strings


def _sheet(rows: str) -> bytes:
    return f'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>{rows}</sheetData></worksheet>'.encode()


NO_DATES = scan.Dates()


def _values(rows: str, strings=(), wanted=None, dates=NO_DATES):  # type: ignore[no-untyped-def]
    return scan.sheet_values("f.xlsx", "表", "xl/worksheets/sheet1.xml", _sheet(rows), list(strings), wanted, dates)


def _code(rows: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(GaipError) as info:
        _values(rows, **kwargs)
    return info.value.code


def test_cells_without_references_follow_the_previous_cell_and_row():
    found = _values('<row r="5"><c r="C5"><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>'
                    '<row r="9"/><row><c t="e"><v>#REF!</v></c></row>')
    assert found == {(5, 3): 1.0, (5, 4): 2.0, (6, 1): 3.0, (10, 1): "#REF!"}


@pytest.mark.parametrize("cell", ['<c r="D6"><f>1+1</f></c>', "<c r='D6'><f>1+1</f></c>", '<c r = "D6" ><f>1</f></c>',
                                  '<c r="d6"><f>1</f><v></v></c>', '<c r="D0006"><f>1</f><v/></c>',
                                  '<c r="&#68;6" t="n"><f>1</f></c>', '<x:c r="D6"><x:f>1</x:f></x:c>',
                                  '<c t="e" r="D6"><f t="shared" si="0"/></c>'])
def test_a_formula_without_its_result_is_found_in_every_form(cell):
    assert _values(f'<row r="6"><c r="C6"/>{cell}</row>') == {(6, 4): scan.NO_VALUE}


def test_every_type_is_read_as_excel_shows_it():
    found = _values('<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" t="str"><f>T(1)</f><v>a&amp;b</v></c>'
                    '<c r="C1" t="inlineStr"><is><r><t>自</t></r><r><t xml:space="preserve">然 </t></r>'
                    '<rPh sb="0" eb="1"><t>zi</t></rPh></is></c><c r="D1" t="b"><v>0</v></c>'
                    '<c r="E1" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="F1" t="d"><v>2024-01-20T00:00:00</v></c>'
                    '<c r="G1"><v>INF</v></c><c r="H1"><v>1e400</v></c><c r="I1"><v> 2.5 </v></c>'
                    '<c r="J1" t="str"><f>""</f><v></v></c><c r="K1" s="3"/></row>', strings=["x", "人"])
    assert found == {(1, 1): "人", (1, 2): "a&b", (1, 3): "自然 ", (1, 4): False, (1, 5): "#DIV/0!",
                     (1, 6): dt.datetime(2024, 1, 20), (1, 7): "INF", (1, 8): "1e400", (1, 9): 2.5, (1, 10): ""}


@pytest.mark.parametrize("rows", [
    '<row r="6"><c r="D6"><v>1</v></c><c r="D6"><v>2</v></c></row>',  # written twice
    '<row r="6"><c r="D6" t="q"><v>1</v></c></row>',  # no such type
    '<row r="6"><c r="D6" t="s"><v>3</v></c></row>',  # no such shared string
    '<row r="6"><c r="XFE6"><v>1</v></c></row>',  # beyond the grid
    '<row r="6"><!-- a comment --><c r="D6"><v>1</v></c></row>',
    '<row r="6"><c r="D6"><v><![CDATA[1]]></v></c></row>',
])
def test_what_excel_would_not_open_is_refused_with_its_cell(rows):
    assert _code(rows) == "E_NOT_XLSX"


def test_only_the_wanted_cells_are_read():
    rows = '<row r="1"><c r="A1"><v>1</v></c><c r="B1" t="q"><v>1</v></c><c r="C1"><v>3</v></c></row>'
    assert _values(rows, wanted={(1, 1), (1, 3)}) == {(1, 1): 1.0, (1, 3): 3.0}


_cells = st.lists(st.tuples(st.integers(1, 40), st.integers(1, 30), st.sampled_from(
    ['<v>{n}</v>', '<f>1</f><v>{n}</v>', "<f>1</f>", "", '<is><t>_x4EBA_{n}</t></is>'])), max_size=40,
    unique_by=lambda cell: cell[:2])


@settings(max_examples=100, deadline=None)
@given(_cells, st.sampled_from(['<c  r="{a}"', "<c r='{a}'", '<c r="{lower}"', '<x:c r="{a}"']))
def test_the_quick_way_and_the_general_way_agree(cells, other_form):
    """Canonical sheets take the quick way; one cell written otherwise sends the sheet the general way."""
    ordered = sorted(cells)
    def element(row: int, col: int, body: str, form: str) -> str:
        a1 = f"{scan.column_letters(col)}{row}"
        kind = ' t="inlineStr"' if "<is>" in body else ""
        start = form.format(a=a1, lower=a1.lower())
        end = "</x:c>" if start.startswith("<x:") else "</c>"
        return f"{start}{kind}>{body.format(n=row * col)}{end}"

    def rows(form_of_first: str) -> str:
        out, current = [], None
        for i, (row, col, body) in enumerate(ordered):
            if row != current:
                out.append(("</row>" if current else "") + f'<row r="{row}">')
                current = row
            out.append(element(row, col, body, form_of_first if i == 0 else '<c r="{a}"'))
        return "".join(out) + ("</row>" if ordered else "")

    quick, general = _values(rows('<c r="{a}"')), _values(rows(other_form).replace("<x:c", '<x:c xmlns:x="x"'))
    assert quick == general
    assert all(value == scan.NO_VALUE or value == "人" + str(r * c) or value == float(r * c)
               for (r, c), value in quick.items())


@pytest.mark.parametrize(("written", "text"), [
    ("_x4EBA__x6C11_", "人民"), ("_x005F_x4EBA_", "_x4EBA_"), ("_x005f_", "_"), ("_x4eba_", "人"), ("_x12_", "_x12_"),
    ("_xD83D__xDE00_", "😀"), ("_xD83D_", "\ufffd"), ("a_x000D_b", "a\rb"), ("_x_x4EBA_", "_x人"),
])
def test_xstring_escapes_decode_as_excel_decodes_them(written, text):
    assert decode_xstring(written) == text


def test_shared_strings_decode_runs_escapes_and_references():
    table = (b'<sst xmlns="x"><si><t>_x4EBA_</t></si><si><r><t>a</t></r><r><rPr><b/></rPr><t>&lt;b&#x4EBA;</t></r>'
             b'<rPh><t>ignored</t></rPh></si><si/><si><t/></si></sst>')
    assert shared_strings("f.xlsx", "xl/sharedStrings.xml", table) == ["人", "a<b人", "", ""]


@pytest.mark.parametrize(("code", "is_date"), [
    ("yyyy-mm-dd", True), ('yyyy"年"m"月"d"日"', True), ("General", False), ("0.00", False), ('"day "0', False),
    ("[Red]0;[Blue]-0", False), ("#,##0_);(#,##0)", False), ("[$-F800]dddd, mmmm dd, yyyy", True), ("h:mm", True),
])
def test_number_formats_that_show_dates(code, is_date):
    assert scan.is_date_format(code) is is_date


def test_a_number_in_a_date_style_is_its_date_in_either_date_system():
    styles = (b'<styleSheet><numFmts><numFmt numFmtId="164" formatCode="yyyy/m/d"/><numFmt formatCode="0.0" '
              b'numFmtId="165"/></numFmts><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="164"><alignment/></xf>'
              b'<xf numFmtId="165"/><xf numFmtId="14"/></cellXfs></styleSheet>')
    dates = scan.Dates(scan.date_styles(styles))
    assert dates.styles == {1, 3}
    rows = ('<row r="1"><c r="A1" s="1"><v>45311</v></c><c r="B1" s="2"><v>45311</v></c><c r="C1" s="3"><v>59</v>'
            '</c><c r="D1" s="3"><v>61</v></c></row>')  # Excel's 1900 has a 29 February (60) between these two
    assert _values(rows, dates=dates) == {(1, 1): dt.datetime(2024, 1, 20), (1, 2): 45311.0,
                                          (1, 3): dt.datetime(1900, 2, 28), (1, 4): dt.datetime(1900, 3, 1)}
    assert _values(rows, dates=scan.Dates(dates.styles, True))[(1, 1)] == dt.datetime(2028, 1, 21)


# A cell's attributes and children as writers set them out: styles (style 1 shows dates), types, shared strings,
# empty styled cells, whole numbers and others; and the ways of writing one cell that are not the canonical form.
_ATTRIBUTE_SETS = ["", ' s="1"', ' s="2"', ' t="s"', ' t="n"', ' s="1" t="n"', ' s="2" t="s"', ' t="str"']
_BODIES = ["<v>{n}</v>", "<v>{n}.5</v>", "<v>0{n}</v>", "<v>1234567890123456</v>", "<f>1</f><v>{n}</v>", "<v></v>",
           "/", ""]
_NOT_CANONICAL = ['<c r="{a}" {attrs}', '<c r="{a}"{attrs} ', "<c r='{a}'{attrs}", '<c  r="{a}"{attrs}']
_typed_cells = st.lists(st.tuples(st.integers(1, 30), st.integers(1, 20), st.sampled_from(_ATTRIBUTE_SETS),
                                  st.sampled_from(_BODIES)), max_size=30, unique_by=lambda cell: cell[:2])


@settings(max_examples=80, deadline=None)
@given(_typed_cells, st.sampled_from(_NOT_CANONICAL))
def test_the_one_pass_reads_typed_and_empty_cells_as_the_general_way_does(cells, other_form):
    """Whole numbers taken in the one pass (a date style or a shared string left to the full reading), empty
    self-closing cells skipped: the same values as the general parse, which one non-canonical cell sends the
    sheet to."""
    ordered = sorted(cells)
    dates = scan.Dates(frozenset({1}))
    strings = [f"串{i}" for i in range(1000)]

    def element(row: int, col: int, attrs: str, body: str, form: str) -> str:
        start = form.format(a=f"{scan.column_letters(col)}{row}", attrs=attrs.strip() if "} {" in form else attrs)
        if body == "/":
            return f"{start}/>"
        return f"{start}>{body.format(n=row * col)}</c>"

    def rows(form_of_first: str) -> str:
        out, current = [], None
        for i, (row, col, attrs, body) in enumerate(ordered):
            if row != current:
                out.append(("</row>" if current else "") + f'<row r="{row}">')
                current = row
            out.append(element(row, col, attrs, body, form_of_first if i == 0 else '<c r="{a}"{attrs}'))
        return "".join(out) + ("</row>" if ordered else "")

    def read(text: str) -> object:
        try:
            return _values(text, strings=strings, dates=dates)
        except GaipError as exc:
            return exc.code, str(exc)

    assert read(rows('<c r="{a}"{attrs}')) == read(rows(other_form))


# Sheets made of cells and rows in every form a hostile or unusual writer might use, on a small grid (so cells are
# often written twice), with some of them wanted: the one pass (``_canonical``), when it answers at all, answers as
# the general parse (``_any_form``), which is the reading of the sheet; otherwise the sheet is read the general way.
_ROW_STARTS = ['<row r="{r}">', '<row r="{r}" spans="1:5" ht="18" customHeight="1" x14ac:dyDescent="0.25">', "<row>",
               '<row r="0">', '<row r="x">', '<row r="0{r}">', '<row r="1048577">', '<row r="{r}" r="x">',
               '<row r="{r}" x:r="0">', '<x:row r="{r}">', "<row r='{r}'>", '<row r="{r}"/>', '<row r="{r}" a=">">']
_REFERENCES = ['r="{a}"', 'r="{lower}"', 'r="${letters}${r}"', 'r="{letters}0{r}"', "r='{a}'", "", 'r="XFE{r}"',
               'r="{letters}1048577"', 'r="AAA{r}"', 'r="{a}" r="B2"', 'r="{a}" x:r="B2"', 'r="{a}" R="B2"']
_CELL_ATTRIBUTES = ["", ' s="1"', ' t="s"', ' s="1" t="n"', ' t="str" s="2"', ' t="inlineStr"', ' t="e"', ' t="b"',
                    ' t="q"', ' s="2" t="n" cm="1"', " s='1'", ' foo="a>b"', ' foo="a/>"', ' s="x"', ' t="d"']
_CELL_BODIES = ["/", "", "<v>{n}</v>", "<v>{n}.5</v>", "<v></v>", "<f>1</f><v>{n}</v>", "<f>1</f>", "<v>1e400</v>",
                "<is><t>人{n}</t></is>", "<is><t>a&amp;b_x4EBA_\r</t></is>", "<is><t></t></is>", "<v>#REF!</v>",
                "<v>1234567890123456</v>", "<v>1</v>", "<v>2</v>", '<c r="B2"><v>{n}</v></c>', "<v>{n}</v></x:c>",
                "<v>1</v></x:c><v>2</v>", "<f>1</f></x:c><v>{n}</v>", '</x:c><c r="B2"><v>{n}</v>',
                '<is><r><rPr><color rgb="FF0000"/></rPr><t>x</t></r></is>', "<v>2024-01-20</v>"]
_CELL_ENDS = ["</c>", "</c >", "</x:c>"]
_CANONICAL_ATTRIBUTES, _CANONICAL_BODIES = _CELL_ATTRIBUTES[:8], _CELL_BODIES[:15]
_TYPED_CELLS = [("", "<v>{n}</v>"), (' s="1"', "<v>{n}</v>"), (' s="2" t="n"', "<v>{n}.5</v>"), (' t="s"', "<v>1</v>"),
                (' s="2" t="s"', "<v>0</v>"), (' t="inlineStr"', "<is><t>人{n}</t></is>"), (' t="str"', "<v>{n}</v>"),
                (' t="inlineStr"', "<is><t>a&amp;b_x4EBA_\r</t></is>"), (' t="inlineStr"', "<is><t></t></is>"),
                (' t="e"', "<f>1/0</f><v>#DIV/0!</v>"), (' t="b"', "<v>1</v>"), (' t="str"', "<f>1</f><v></v>"),
                (' t="d"', "<v>2024-01-20T00:00:00</v>"), ("", "<f>1</f>"), (' s="1"', "/")]
_canonical_cells = st.one_of(st.sampled_from(_TYPED_CELLS),
                             st.tuples(st.sampled_from(_CANONICAL_ATTRIBUTES), st.sampled_from(_CANONICAL_BODIES)))


@st.composite
def _sheet_items(draw: st.DrawFn) -> list[tuple]:  # type: ignore[type-arg]
    """Rows and cells as the writers write them, then up to four of them written in another form, or twice."""
    cells = draw(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 5), _canonical_cells), max_size=25,
                          unique_by=lambda c: c[:2]))
    items: list[list] = []  # type: ignore[type-arg]
    for row in sorted({row for row, *_ in cells}):
        items.append(["row", row, _ROW_STARTS[0]])
        items += [["cell", row, col, _REFERENCES[0], *cell, "</c>"] for r, col, cell in cells if r == row]
    for _ in range(draw(st.integers(0, 4)) if items else 0):
        item = draw(st.sampled_from(items))
        if draw(st.integers(0, 4)) == 0:  # written twice: once more at the end of its row, or in another row
            items.insert(draw(st.integers(items.index(item) + 1, len(items))), list(item))
        elif item[0] == "row":
            item[2] = draw(st.sampled_from(_ROW_STARTS[1:]))
        else:
            where, pool = draw(st.sampled_from([(3, _REFERENCES[1:]), (4, _CELL_ATTRIBUTES[8:]),
                                                (5, _CELL_BODIES[15:]), (6, _CELL_ENDS[1:])]))
            item[where] = draw(st.sampled_from(pool))
    return [tuple(item) for item in items]


def _sheet_data(items: list[tuple]) -> str:  # type: ignore[type-arg]
    out = []
    for item in items:
        if item[0] == "row":
            out.append(("</row>" if out else "") + item[2].format(r=item[1]))
            continue
        _, row, col, reference, attrs, body, end = item
        letters = scan.column_letters(col)
        a1 = f"{letters}{row}"
        start = "<c " + reference.format(a=a1, lower=a1.lower(), letters=letters, r=row)
        if body == "/":
            out.append(f"{start}{attrs}/>")
        else:
            out.append(f"{start}{attrs}>{body.format(n=row * col)}{end}")
    return "".join(out) + ("</row>" if out else "")


@settings(max_examples=400, deadline=None)
@given(_sheet_items(), st.one_of(st.none(), st.lists(st.booleans(), min_size=30, max_size=30)), st.booleans())
def test_the_one_pass_answers_as_the_general_parse_or_not_at_all(items, mask, date_system_1904):
    xml = _sheet(_sheet_data(items))
    dates = scan.Dates(frozenset({1}), date_system_1904)
    strings = ["串0", "串1"]

    def sheet() -> scan._Sheet:
        return scan._Sheet("f.xlsx", "表", "xl/worksheets/sheet1.xml", xml, strings, dates)

    wanted = None if mask is None else frozenset((i // 5 + 1, i % 5 + 1) for i, on in enumerate(mask) if on)
    every = scan._Every() if wanted is None else wanted
    data = sheet().data()
    try:
        general: object = sheet()._any_form(data, every)
    except GaipError as exc:
        general = (exc.code, str(exc))
    quick = sheet()._canonical(data, every)
    if quick is not None:
        assert quick == general
    try:
        read: object = scan.sheet_values("f.xlsx", "表", "xl/worksheets/sheet1.xml", xml, strings, wanted, dates)
    except GaipError as exc:
        read = (exc.code, str(exc))
    assert read == general


def test_the_one_pass_reads_the_writers_sheets():
    """Every sheet of a filled template as the writer saves it is read in the one pass (the general parse, several
    times slower, is for other writers' forms)."""
    from hostile import base_parts  # the case report written by gaip_xl's writer

    sheets = [data for name, data in base_parts() if name.startswith("xl/worksheets/")]
    assert len(sheets) >= 6
    for xml in sheets:
        sheet = scan._Sheet("f.xlsx", "表", "xl/worksheets/sheet1.xml", xml, [], NO_DATES)
        assert sheet._canonical(sheet.data(), scan._Every()) is not None


@pytest.mark.parametrize(("rows", "expected"), [
    ('<row r="1"><c r="A1" r="B1"><v>1</v></c></row>', "E_NOT_XLSX"),  # where is it? (test_excel_ambiguous_cells)
    ('<row r="1"><c r="A1" x:r="B1"><v>1</v></c></row>', "E_NOT_XLSX"),
    ('<row r="1"><c r="A1"><f>1</f></x:c><v>2</v></c></row>', {(1, 1): scan.NO_VALUE}),  # the cell ends at </x:c>
    ('<row r="1"><c r="A1"></x:c><c r="B1"><v>2</v></c></row>', {(1, 2): 2.0}),
    ('<row r="1"><c r="A1"><v>1</v><c r="B1"><v>2</v></c></row>', "E_NOT_XLSX"),  # a cell inside a cell
    ('<row r="1" r="x"><c r="A1"><v>1</v></c></row>', "E_NOT_XLSX"),  # the last r is no row number
    ('<row r="1" x:r="0"><c r="A1"><v>1</v></c></row>', "E_NOT_XLSX"),
    ('<row r="1"><c r="A1"><v>1</v></c><c r="A1"/><c r="A1"><v>2</v></c></row>', "E_NOT_XLSX"),  # written twice
    ('<row r="1"><c r="A1" t="inlineStr"><is><t>a&amp;b_x4EBA_\r\n</t></is></c></row>', {(1, 1): "a&b人\n"}),
    ('<row r="1"><c r="A1" t="s"><v>2</v></c></row>', "E_NOT_XLSX"),  # no such shared string
])
def test_forms_near_the_canonical_one_read_as_the_general_parse_reads_them(rows, expected):
    """Forms the one pass must not take for canonical (it leaves them to the general parse), and one it must decode
    as the general parse does."""
    xml, strings = _sheet(rows), ["串0", "串1"]
    sheet = scan._Sheet("f.xlsx", "表", "xl/worksheets/sheet1.xml", xml, strings, NO_DATES)
    quick = sheet._canonical(sheet.data(), scan._Every())
    assert quick is None or quick == expected
    if isinstance(expected, str):
        assert _code(rows, strings=strings) == expected
    else:
        assert _values(rows, strings=strings) == expected


_A1 = '<row r="1"><c r="A1"><v>1</v></c></row>'


@pytest.mark.parametrize(("xml", "expected"), [
    (f"<worksheet><sheetData>{_A1}</sheetData></worksheet>", {(1, 1): 1.0}),
    (f'<x:worksheet xmlns:x="x"><x:sheetData>{_A1}</x:sheetData ></x:worksheet>', {(1, 1): 1.0}),
    (f'<worksheet><sheetPr a="sheetData"/><sheetData>{_A1}</sheetData></worksheet>', {(1, 1): 1.0}),
    ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>sheetData</t></is></c></row></sheetData>'
     "</worksheet>", {(1, 1): "sheetData"}),
    ("<worksheet><sheetData/></worksheet>", {}),
    ("<worksheet><sheetPr/></worksheet>", {}),
    (f"<worksheet><sheetData>{_A1}</worksheet>", "E_NOT_XLSX"),  # never ends
    ('<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>sheetData</t></is></c></row></worksheet>',
     "E_NOT_XLSX"),
    (f"<worksheet><sheetData>{_A1}</sheetData><sheetData>{_A1}</sheetData></worksheet>", "E_NOT_XLSX"),
    (f"<worksheet><sheetData>{_A1}</sheetData></worksheet><!-- sheetData -->", "E_NOT_XLSX"),
])
def test_the_cells_are_those_of_the_one_sheet_data_element(xml, expected):
    def read() -> object:
        try:
            return scan.sheet_values("f.xlsx", "表", "xl/worksheets/sheet1.xml", xml.encode(), [])
        except GaipError as exc:
            return exc.code
    assert read() == expected
