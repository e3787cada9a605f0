"""Builds the bad-input corpus: one small file per kind of thing a clerk can send, and ``manifest.json`` saying what
reading each must give (an error code, or findings of the rules, or a warning).

Run from the repository root after a change of the template or its version:

    python tests/corpus/make_corpus.py

Needs LibreOffice (``soffice``) for the legacy .xls and msoffcrypto-tool for the encrypted workbook; without them
those two committed files are kept as they are. The bomb-like files are tiny on disk (deflate compresses their
repeated content about 1000:1).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

import openpyxl  # noqa: E402

from gaip_xl import Report, write_workbook  # noqa: E402
from gaip_xl.format.layout import (  # noqa: E402
    META_EDITION,
    META_VERSION,
    SHEET_FOR_SECTION,
    SHEET_META,
    defined_name,
    layout_for,
)

SHEET_S3 = SHEET_FOR_SECTION["三"]
SHEET_S4 = SHEET_FOR_SECTION["四"]
CASE = ROOT / "tests" / "cases" / "pingtan-2021.json"


# ---------------------------------------------------------------------------- building blocks
def filled(edition: str = "2021") -> bytes:
    """A correctly filled template of ``edition`` as bytes."""
    if edition == "2021":
        report = Report.load(CASE)
    else:
        report = Report.empty("2019", 2020)
        report.agency.name, report.agency.level = "某某县人民政府", "县（市、区、旗）"
        report.figures.update({"s3.new.natural": 5, "s3.new.total": 5})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filled.xlsx"
        write_workbook(report, path)
        return path.read_bytes()


def rezip(data: bytes, replace: dict[str, bytes | None] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The package with some parts replaced (None removes one) or added, deflated at the highest level."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            content = replace.get(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        return source.read(name)


def sheet_part(data: bytes, sheet: str) -> str:
    """The package path of a sheet, from workbook.xml and its relationships."""
    workbook = part(data, "xl/workbook.xml").decode()
    rels = part(data, "xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(rf'<sheet [^>]*name="{re.escape(sheet)}"[^>]*r:id="(\w+)"', workbook).group(1)
    target = re.search(rf'<Relationship [^>]*Id="{rel_id}"[^>]*/>', rels).group(0)
    path = re.search(r'Target="([^"]+)"', target).group(1)
    return path.lstrip("/") if path.startswith("/") else "xl/" + path


def with_openpyxl(data: bytes, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def set_cell(code: str, value: object) -> Callable[[openpyxl.Workbook], None]:
    pos = layout_for("2021").position(code)

    def edit(workbook: openpyxl.Workbook) -> None:
        workbook[pos.sheet].cell(pos.row, pos.col).value = value
    return edit


def set_cells(values: dict[str, object]) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        for code, value in values.items():
            set_cell(code, value)(workbook)
    return edit


def replace_cell_xml(data: bytes, code: str, xml: str) -> bytes:
    """Replaces the XML element of one cell (by its layout address) in its sheet part."""
    pos = layout_for("2021").position(code)
    name = sheet_part(data, pos.sheet)
    sheet = part(data, name).decode()
    pattern = re.compile(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', re.S)
    assert pattern.search(sheet), f"{pos.a1} not found in {name}"
    return rezip(data, {name: pattern.sub(xml.replace("ADDR", pos.a1), sheet, count=1).encode()})


def append_rows_xml(data: bytes, sheet: str, rows: str) -> bytes:
    name = sheet_part(data, sheet)
    return rezip(data, {name: part(data, name).replace(b"</sheetData>", rows.encode() + b"</sheetData>")})


# ---------------------------------------------------------------------------- the cases
def not_a_zip() -> bytes:
    return "机关名称,报告年度\n某某县人民政府,2023\n".encode()


def web_page() -> bytes:
    return "<html><body><table><tr><td>本年新收政府信息公开申请数量</td><td>3</td></tr></table></body></html>".encode()


def truncated() -> bytes:
    data = filled()
    return data[: len(data) // 2]


def opendocument() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        target.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        target.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def plain_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["本年新收政府信息公开申请数量", 3])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def meta(code: str, value: str) -> Callable[[openpyxl.Workbook], None]:
    pos = layout_for("2021").fields[code]

    def edit(workbook: openpyxl.Workbook) -> None:
        workbook[SHEET_META].cell(pos.row, pos.col).value = value
    return edit


def remove_sheet(sheet: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        workbook.remove(workbook[sheet])
    return edit


def remove_name(code: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        del workbook.defined_names[defined_name(code)]
    return edit


def repoint_name(code: str, target: str) -> Callable[[openpyxl.Workbook], None]:
    def edit(workbook: openpyxl.Workbook) -> None:
        workbook.defined_names[defined_name(code)].attr_text = target
    return edit


def insert_row(workbook: openpyxl.Workbook) -> None:
    sheet = workbook[SHEET_S3]
    sheet.protection.sheet = False
    sheet.insert_rows(8)


def retype_label(workbook: openpyxl.Workbook) -> None:
    sheet = workbook[SHEET_S3]
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == "（一）予以公开":
                cell.value = "(一)予以公开"


def move_table(workbook: openpyxl.Workbook) -> None:
    sheet = workbook[SHEET_S4]
    for merged in list(sheet.merged_cells.ranges):
        sheet.unmerge_cells(str(merged))
    sheet.move_range(f"A3:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}", rows=2)


def million_rows_sparse() -> bytes:
    return append_rows_xml(filled(), SHEET_S3, '<row r="1048576"><c r="A1048576"><v>1</v></c></row>')


def million_rows_dense() -> bytes:
    return append_rows_xml(filled(), SHEET_S3, "<row><c><v>1</v></c></row>" * 1_000_000)


def far_cell_disguised() -> bytes:
    """A far cell written as calamine still reads it: lower-case letters, single quotes, spaces around "="."""
    return append_rows_xml(filled(), SHEET_S3, "<row r = '1048576'><c r = 'xfd1048576'><v>1</v></c></row>")


def zip_bomb() -> bytes:
    return rezip(filled(), add={"xl/media/image1.png": bytes(70 * 1024 * 1024)})


def ratio_bomb() -> bytes:
    return rezip(filled(), add={"xl/media/image1.png": bytes(5 * 1024 * 1024)})


def forged_size() -> bytes:
    """A sheet part whose headers declare its real size but whose data unpacks to 20 MB: the sizes are patched in
    both the local header and the central directory after writing."""
    data = filled()
    name = sheet_part(data, SHEET_S3)
    honest = part(data, name)
    packed = rezip(data, {name: honest + b" " * (20 * 1024 * 1024)})
    real = len(honest) + 20 * 1024 * 1024
    return packed.replace(real.to_bytes(4, "little"), len(honest).to_bytes(4, "little"))


def entity_bomb() -> bytes:
    data = filled()
    laughs = '<!DOCTYPE workbook [<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)) + "]>"
    workbook = part(data, "xl/workbook.xml").decode()
    return rezip(data, {"xl/workbook.xml": workbook.replace("<workbook", laughs + "<workbook", 1).encode()})


def external_entity() -> bytes:
    data = filled()
    name = sheet_part(data, SHEET_S3)
    sheet = part(data, name).decode()
    doctype = '<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return rezip(data, {name: sheet.replace("<worksheet", doctype + "<worksheet", 1).encode()})


def macros() -> bytes:
    data = filled()
    types = part(data, "[Content_Types].xml").decode().replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    return rezip(data, {"[Content_Types].xml": types.encode()},
                 add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 Attribute VB_Name = \"Module1\""})


def formula_cached() -> bytes:
    return replace_cell_xml(filled(), "s3.new.natural", '<c r="ADDR"><f>1000+1</f><v>1001</v></c>')


def legacy_xls() -> bytes | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "legacy.xlsx"
        source.write_bytes(plain_workbook())
        subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to",
                        "xls", "--outdir", folder, str(source)], check=True, capture_output=True, timeout=180)
        return (Path(folder) / "legacy.xls").read_bytes()


def encrypted() -> bytes | None:
    try:
        from msoffcrypto.format.ooxml import OOXMLFile
    except ImportError:
        return None
    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain_workbook())).encrypt("1234", out)
    return out.getvalue()


def cell_forms(code: str, template: str) -> bytes:
    """One input cell rewritten in another form of the sheet XML (``ADDR`` stands for its address)."""
    return replace_cell_xml(filled(), code, template)


def escaped(text: str) -> str:
    """Every character outside ASCII as an ST_Xstring escape (``人`` → ``_x4EBA_``)."""
    return "".join(ch if ord(ch) < 128 else f"_x{ord(ch):04X}_" for ch in text)


def shared_string_escapes() -> bytes:
    """The agency name and the label 自然人 moved into a shared-string table, written with ``_xHHHH_`` escapes."""
    data = filled()
    layout = layout_for("2021")
    strings = ['某某县_x005F_x4EBA_' + escaped("人民政府"), escaped("自然人")]
    table = ('<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
             + "".join(f"<si><t>{text}</t></si>" for text in strings) + "</sst>")
    name_pos = layout.fields["agency.name"]
    label = next(lb for lb in layout.labels if lb.pos.sheet == SHEET_S3 and lb.text == "自然人")
    replace: dict[str, bytes | None] = {}
    for pos, index in ((name_pos, 0), (label.pos, 1)):
        name = sheet_part(data, pos.sheet)
        sheet = (replace.get(name) or part(data, name)).decode()
        pattern = re.compile(rf'<c r="{pos.a1}"[^>]*?(/>|>.*?</c>)', re.S)
        replace[name] = pattern.sub(f'<c r="{pos.a1}" t="s"><v>{index}</v></c>', sheet, count=1).encode()
    rels = part(data, "xl/_rels/workbook.xml.rels").decode().replace("</Relationships>", (
        '<Relationship Id="rId99" Target="sharedStrings.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/sharedStrings"/></Relationships>'))
    types = part(data, "[Content_Types].xml").decode().replace("</Types>", (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sharedStrings+xml"/></Types>'))
    replace.update({"xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": types.encode()})
    return rezip(data, replace, add={"xl/sharedStrings.xml": table.encode()})


def duplicate_sheet_name() -> bytes:
    """A second sheet named like section 三, listed first, holding a far cell (it made calamine allocate 22 GB)."""
    data = filled()
    workbook = part(data, "xl/workbook.xml").decode()
    namespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook = workbook.replace(
        "<sheets>", f'<sheets><sheet xmlns:r="{namespace}" name="{SHEET_S3}" sheetId="99" r:id="rId99" />', 1)
    rels = part(data, "xl/_rels/workbook.xml.rels").decode().replace("</Relationships>", (
        '<Relationship Id="rId99" Target="worksheets/sheet99.xml" Type="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships/worksheet"/></Relationships>'))
    far = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return rezip(data, {"xl/workbook.xml": workbook.encode(), "xl/_rels/workbook.xml.rels": rels.encode()},
                 add={"xl/worksheets/sheet99.xml": far.encode()})


def duplicate_member() -> bytes:
    """Two zip members named like the sheet of section 三: the second with other figures."""
    data = filled()
    name = sheet_part(data, SHEET_S3)
    other = replace_cell_xml(data, "s3.new.natural", '<c r="ADDR"><v>999</v></c>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zipfile warns of the duplicate name: that is the case
            target.writestr(name, part(other, name))
    return out.getvalue()


def encrypted_entry() -> bytes:
    """The encryption flag set on one member, in its local header and in the central directory."""
    data = bytearray(filled())
    name = sheet_part(bytes(data), SHEET_S3).encode()
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as source:
        offset = source.getinfo(name.decode()).header_offset
    data[offset + 6] |= 0x01  # the local header's flag bits
    at = bytes(data).find(b"PK\x01\x02")
    while at >= 0:
        name_length = int.from_bytes(data[at + 28:at + 30], "little")
        if bytes(data[at + 46:at + 46 + name_length]) == name:
            data[at + 8] |= 0x01  # the central directory's flag bits
        at = bytes(data).find(b"PK\x01\x02", at + 4)
    return bytes(data)


def unusual_part_paths() -> bytes:
    """Relationship targets as OPC allows them: absolute, with "..", in another case, percent-encoded."""
    data = filled()
    rels = part(data, "xl/_rels/workbook.xml.rels").decode()
    rels = rels.replace('Target="/xl/worksheets/sheet3.xml"', 'Target="worksheets/../WORKSHEETS/sheet%33.xml"')
    rels = rels.replace('Target="/xl/worksheets/sheet4.xml"', 'Target="/XL/worksheets/./sheet4.xml"')
    return rezip(data, {"xl/_rels/workbook.xml.rels": rels.encode()})


def libreoffice_error() -> bytes | None:
    """=1/0 typed into an input cell, then opened and saved by LibreOffice (it stores #DIV/0! as an error value)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in" / "error.xlsx"
        source.parent.mkdir()
        source.write_bytes(with_openpyxl(filled(), set_cell("s3.new.natural", "=1/0")))
        subprocess.run([soffice, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--convert-to",
                        "xlsx:Calc MS Excel 2007 XML", "--outdir", folder, str(source)], check=True,
                       capture_output=True, timeout=180)
        return (Path(folder) / "error.xlsx").read_bytes()


FORMULA_FORMS = {  # a formula without its saved result, in every form of a cell the sheet XML allows
    "formula_no_value_no_ref.xlsx": "<c><f>1000+1</f></c>",
    "formula_no_value_single_quotes.xlsx": "<c r='ADDR'><f>1000+1</f></c>",
    "formula_no_value_spaces.xlsx": '<c r = "ADDR" ><f>1000+1</f></c>',
    "formula_no_value_lower_case.xlsx": '<c t="n" r="LOWER"><f>1000+1</f><v></v></c>',
    "formula_no_value_leading_zeros.xlsx": '<c r="ZEROS"><f>1000+1</f></c>',
}


def formula_form(template: str) -> Callable[[], bytes]:
    pos = layout_for("2021").position("s3.new.natural")
    letters = pos.a1.rstrip("0123456789")
    xml = template.replace("LOWER", pos.a1.lower()).replace("ZEROS", f"{letters}000{pos.row}")
    return lambda: cell_forms("s3.new.natural", xml)


TEXT_IN_FIGURES = {"s3.new.natural": "0件", "s3.new.commercial": "—", "s3.new.research": "/",
                   "s3.new.public_interest": "无", "s3.new.legal_services": "１２", "s3.new.other_org": " 3 "}

# file → (builder, expected); expected is {"code": …} for an error, {"findings": {rule: [codes]}} or {"warning": …}
CASES: dict[str, tuple[Callable[[], bytes | None], dict[str, object]]] = {
    "not_a_zip.xlsx": (not_a_zip, {"code": "E_NOT_XLSX"}),
    "empty.xlsx": (lambda: b"", {"code": "E_NOT_XLSX"}),
    "web_page.xls": (web_page, {"code": "E_NOT_XLSX"}),
    "truncated.xlsx": (truncated, {"code": "E_NOT_XLSX"}),
    "opendocument.xlsx": (opendocument, {"code": "E_NOT_XLSX"}),
    "legacy.xls": (legacy_xls, {"code": "E_LEGACY_XLS"}),
    "encrypted.xlsx": (encrypted, {"code": "E_ENCRYPTED"}),
    "plain_workbook.xlsx": (plain_workbook, {"code": "E_NOT_TEMPLATE"}),
    "no_meta_sheet.xlsx": (lambda: with_openpyxl(filled(), remove_sheet(SHEET_META)), {"code": "E_NOT_TEMPLATE"}),
    "unknown_edition.xlsx": (lambda: with_openpyxl(filled(), meta(META_EDITION, "2017")), {"code": "E_NOT_TEMPLATE"}),
    "old_template_version.xlsx": (lambda: with_openpyxl(filled(), meta(META_VERSION, "0.9")),
                                  {"code": "E_TEMPLATE_VERSION"}),
    "edition_2019_marked_2021.xlsx": (lambda: with_openpyxl(filled("2019"), meta(META_EDITION, "2021")),
                                      {"code": "E_TAMPERED"}),
    "missing_sheet.xlsx": (lambda: with_openpyxl(filled(), remove_sheet(SHEET_S4)), {"code": "E_MISSING_SHEET"}),
    "missing_name.xlsx": (lambda: with_openpyxl(filled(), remove_name("s3.new.natural")), {"code": "E_MISSING_NAME"}),
    "inserted_row.xlsx": (lambda: with_openpyxl(filled(), insert_row), {"code": "E_TAMPERED", "cell": "A8"}),
    "retyped_label.xlsx": (lambda: with_openpyxl(filled(), retype_label), {"code": "E_TAMPERED"}),
    "moved_table.xlsx": (lambda: with_openpyxl(filled(), move_table), {"code": "E_TAMPERED"}),
    "name_repointed.xlsx": (lambda: with_openpyxl(filled(), repoint_name("s3.new.natural", f"'{SHEET_S3}'!$D$7")),
                            {"code": "E_TAMPERED"}),
    "formula_without_value.xlsx": (lambda: with_openpyxl(filled(), set_cell("s3.new.natural", "=1000+1")),
                                   {"code": "E_NO_CACHED_VALUE"}),
    "million_rows_sparse.xlsx": (million_rows_sparse, {"value": {"s3.new.natural": 64}}),
    "million_rows_dense.xlsx": (million_rows_dense, {"code": "E_TOO_LARGE"}),
    "far_cell_disguised.xlsx": (far_cell_disguised, {"value": {"s3.new.natural": 64}}),
    "zip_bomb.xlsx": (zip_bomb, {"code": "E_ZIP_BOMB"}),
    "ratio_bomb.xlsx": (ratio_bomb, {"code": "E_ZIP_BOMB"}),
    "forged_size.xlsx": (forged_size, {"code": "E_ZIP_BOMB"}),
    "entity_bomb.xlsx": (entity_bomb, {"code": "E_XML_ATTACK"}),
    "external_entity.xlsx": (external_entity, {"code": "E_XML_ATTACK"}),
    "text_in_figures.xlsx": (lambda: with_openpyxl(filled(), set_cells(TEXT_IN_FIGURES)),
                             {"findings": {"V1": sorted(TEXT_IN_FIGURES)}}),
    "decimal_count.xlsx": (lambda: with_openpyxl(filled(), set_cell("s3.new.natural", 2.5)),
                           {"findings": {"V2": ["s3.new.natural"]}}),
    "negative.xlsx": (lambda: with_openpyxl(filled(), set_cell("s3.new.natural", -3)),
                      {"findings": {"V3": ["s3.new.natural"]}}),
    "macros.xlsm": (macros, {"warning": "W_MACROS_IGNORED"}),
    "formula_cached.xlsx": (formula_cached, {"value": {"s3.new.natural": 1001}}),
    "error_value_typed.xlsx": (lambda: cell_forms("s3.new.natural", '<c r="ADDR" t="e"><v>#REF!</v></c>'),
                               {"findings": {"V1": ["s3.new.natural"]}, "value": {"s3.new.natural": "#REF!"}}),
    "error_value_cached.xlsx": (lambda: cell_forms("s3.new.natural", '<c r="ADDR" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
                                {"findings": {"V1": ["s3.new.natural"]}, "value": {"s3.new.natural": "#DIV/0!"}}),
    "error_value_libreoffice.xlsx": (libreoffice_error, {"findings": {"V1": ["s3.new.natural"]},
                                                         "value": {"s3.new.natural": "#DIV/0!"}}),
    **{name: (formula_form(xml), {"code": "E_NO_CACHED_VALUE"}) for name, xml in FORMULA_FORMS.items()},
    "shared_string_escapes.xlsx": (shared_string_escapes, {"value": {"agency.name": "某某县_x4EBA_人民政府"}}),
    "duplicate_sheet_name.xlsx": (duplicate_sheet_name, {"code": "E_DUPLICATE_SHEET"}),
    "duplicate_member.xlsx": (duplicate_member, {"code": "E_DUPLICATE_PART"}),
    "encrypted_entry.xlsx": (encrypted_entry, {"code": "E_ENCRYPTED_PART"}),
    "unusual_part_paths.xlsx": (unusual_part_paths, {"value": {"s3.new.natural": 64, "s4.review.total": 3}}),
}


def main(only: list[str]) -> None:
    """Rebuilds every file, or only the files named on the command line (the manifest is always rewritten)."""
    manifest = {}
    for name, (build, expected) in CASES.items():
        manifest[name] = expected
        if only and name not in only:
            continue
        data = build()
        if data is None:
            print(f"kept {name} (tool missing)")
        else:
            (HERE / name).write_bytes(data)
            print(f"wrote {name}: {len(data)} bytes")
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
