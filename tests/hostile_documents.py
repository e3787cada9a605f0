"""Hostile variants of every input kind gaip-xl accepts, built by rule (tests only).

Each builder takes the bytes of a document (mostly a known report rendered by ``gaip_xl.publish.render``) and a
``random.Random`` and returns a ``Variant``: the bytes, the file name to give them, and ``faithful`` — whether the
variant still shows every figure it shows in the cell the known report has it in (a tag-boundary truncation, a span a
browser ignores, a layout wrapper), so that an import may miss figures but never place one the known report does not
have there. Variants that change what the document shows (random bytes, a span that moves later cells) only have to
end cleanly.
"""

from __future__ import annotations

import io
import random
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    kind: str  # the class of hostile input, as the report lists it
    name: str  # the file name it is given (its extension is part of the attack)
    data: bytes
    faithful: bool = False
    complete: bool = False  # nothing a reader sees has changed: every figure must come back


# ---------------------------------------------------------------------------------------------------------- PDF
def pdf_file(objects: list[bytes], trailer: bytes = b"", xref_shift: int = 0) -> bytes:
    """A PDF of the given objects (object 1 is the catalog), with a correct xref unless ``xref_shift``."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_shift)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def pdf_pages(pages: int, content: bytes = b"", image: bool = False, text: bool = False,
              trailer: bytes = b"", extra_objects: list[bytes] | None = None, xref_shift: int = 0) -> bytes:
    """``pages`` A4 pages sharing one content stream: empty, an image (a scan) or a line of Latin text."""
    resources = b"<< >>"
    if image:
        content = b"q 200 0 0 200 100 500 cm /Im0 Do Q"
        resources = b"<< /XObject << /Im0 5 0 R >> >>"
    elif text:
        content = b"BT /F1 12 Tf 72 720 Td (Annual report, no figures) Tj ET"
        resources = b"<< /Font << /F1 5 0 R >> >>"
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(pages))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               _stream(content), b"<< >>",
               _stream(bytes(range(256)) * 16, b"/Type /XObject /Subtype /Image /Width 64 /Height 64 "
                                                 b"/ColorSpace /DeviceGray /BitsPerComponent 8 ") if image else
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 3 0 R >>"
                % resources for _ in range(pages)]
    objects += extra_objects or []
    return pdf_file(objects, trailer, xref_shift)


def pdf_variants(rendered: bytes, rng: random.Random) -> list[Variant]:
    """Damaged, empty, scanned, encrypted and oversized PDFs, and the rendered report truncated or scrambled."""
    cut = rng.randrange(16, len(rendered) - 1)
    flipped = bytearray(rendered)
    for _ in range(rng.randint(1, 40)):
        flipped[rng.randrange(len(flipped))] = rng.randrange(256)
    encrypt_number = 6 + 1  # one page, then the Encrypt dictionary
    encrypted = pdf_pages(1, text=True, trailer=b"/Encrypt %d 0 R /ID [<%s> <%s>] " % (
        encrypt_number, rng.randbytes(16).hex().encode(), rng.randbytes(16).hex().encode()),
        extra_objects=[b"<< /Filter /Standard /V 1 /R 2 /P -44 /O <%s> /U <%s> >>" % (
            rng.randbytes(32).hex().encode(), rng.randbytes(32).hex().encode())])
    startxref = rendered.rfind(b"startxref")
    broken_xref = rendered[:startxref] + b"startxref\n%d\n%%%%EOF\n" % rng.randrange(10**7)
    return [
        Variant("pdf: truncated", "年报.pdf", rendered[:cut]),
        Variant("pdf: random bytes after %PDF", "年报.pdf", b"%PDF-1.7\n" + rng.randbytes(rng.randint(0, 4000))),
        Variant("pdf: bytes flipped", "年报.pdf", bytes(flipped)),
        Variant("pdf: broken xref", "年报.pdf", broken_xref, faithful=True),
        Variant("pdf: xref offsets wrong", "年报.pdf", pdf_pages(2, text=True, xref_shift=rng.randint(1, 50))),
        Variant("pdf: no text layer (scan)", "年报.pdf", pdf_pages(rng.randint(1, 3), image=True)),
        Variant("pdf: empty pages", "年报.pdf", pdf_pages(rng.randint(1, 3))),
        Variant("pdf: text but no report", "年报.pdf", pdf_pages(1, text=True)),
        Variant("pdf: encrypted", "年报.pdf", encrypted),
        Variant("pdf: huge page count", "年报.pdf", pdf_pages(rng.choice([201, 1500]))),
        Variant("pdf: page count that lies", "年报.pdf",
                pdf_pages(1, text=True).replace(b"/Count 1", b"/Count 999999999")),
        Variant("pdf: named .docx", "年报.docx", rendered, faithful=True, complete=True),
    ]


# --------------------------------------------------------------------------------------------------------- HTML
_CELL = re.compile(rb"<t[dh]\b")
_ROW_END = re.compile(rb"</tr>")


def _with_attribute(page: bytes, positions: list[int], attribute: bytes) -> bytes:
    for at in sorted(positions, reverse=True):
        page = page[:at + 3] + b" " + attribute + page[at + 3:]
    return page


def _last_cells_of_rows(page: bytes) -> list[int]:
    """The start of the last cell of every row."""
    starts = [m.start() for m in _CELL.finditer(page)]
    out = []
    for end in (m.start() for m in _ROW_END.finditer(page)):
        before = [s for s in starts if s < end]
        if before:
            out.append(before[-1])
    return out


def _last_row_cells(page: bytes) -> list[int]:
    """The cells of the last row of every table."""
    out = []
    for table_end in (m.start() for m in re.finditer(rb"</table>", page)):
        row_start = page.rfind(b"<tr", 0, table_end)
        out += [row_start + m.start() for m in _CELL.finditer(page[row_start:table_end])]
    return out


def html_variants(rendered: bytes, rng: random.Random) -> list[Variant]:
    """The rendered report's page with hostile charsets, spans, nesting, entities, scripts and sizes."""
    text = rendered.decode("utf-8")
    undeclared = re.sub(r"<meta[^>]*charset[^>]*>", "", text)
    cells = [m.start() for m in _CELL.finditer(rendered)]
    span = rng.choice([b"colspan", b"rowspan"])
    free = [at for at in cells if span not in rendered[at:rendered.find(b">", at)]]  # the first attribute counts
    some = rng.sample(free, k=min(len(free), rng.randint(1, 30)))
    ignored_span = rng.choice([b"-1", b"abc", b"", b" 1 ", b"1.9", b"+1"] + ([b"0"] if span == b"colspan" else []))
    tags = [m.start() for m in re.finditer(rb"<(?!/)", rendered)]
    cut = rng.choice(tags)
    body = rendered.find(b"<body")
    table_markup = text[text.find("<table"):text.rfind("</table>") + 8]
    escaped = table_markup.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\u003c").replace("\n", "\\n")
    script_page = (f"<html><head><meta charset='utf-8'><title>{text[text.find('<title>') + 7:text.find('</title>')]}"
                   f"</title></head><body><div id='app'></div><script>var report = \"{escaped}\";"
                   f"document.getElementById('app').innerHTML = report;</script></body></html>")
    depth = rng.choice([1000, 10_000])
    nested_tables = "<html><body>" + "<table><tr><td>" * depth + "政府信息公开 1" + "</td></tr></table>" * depth
    entity_bomb = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "政府信息公开政府信息公开">'
                   + "".join(f'<!ENTITY {chr(98 + i)} "' + f"&{chr(97 + i)};" * 10 + '">' for i in range(9))
                   + ']><html><body><p>&j;</p>' + table_markup + "</body></html>")
    huge = rendered.replace(b"</body>", b"<p>" + b"\xe6\x94\xbf" * (50 * 350_000) + b"</p></body>")
    return [
        Variant("html: GBK without declaration", "年报.html", undeclared.encode("gb18030"), faithful=True,
                complete=True),
        Variant("html: GBK labelled UTF-8", "年报.html", text.encode("gb18030"), faithful=True, complete=True),
        Variant("html: UTF-8 labelled GBK", "年报.html", text.replace("utf-8", "gbk").replace("UTF-8", "GBK")
                .encode("utf-8"), faithful=True, complete=True),
        Variant("html: labelled UTF-16 without BOM", "年报.html",
                text.replace("utf-8", "utf-16").replace("UTF-8", "UTF-16").encode("utf-8"), faithful=True,
                complete=True),
        Variant("html: unknown charset label", "年报.html", text.replace("utf-8", "x-no-such").encode("utf-8"),
                faithful=True, complete=True),
        Variant("html: spans a browser ignores", "年报.html",
                _with_attribute(rendered, some, span + b'="' + ignored_span + b'"'),
                faithful=True, complete=True),
        Variant("html: rowspan 0/huge on a table's last row", "年报.html",
                _with_attribute(rendered, _last_row_cells(rendered), b'rowspan="' +
                                rng.choice([b"0", b"65534", b"100000", b"99999999999999999999"]) + b'"'),
                faithful=True, complete=True),
        Variant("html: colspan=100000 on a row's last cell", "年报.html",
                _with_attribute(rendered, rng.sample(_last_cells_of_rows(rendered), 3), b'colspan="100000"'),
                faithful=True, complete=True),
        Variant("html: colspan/rowspan huge anywhere", "年报.html",
                _with_attribute(rendered, some, rng.choice([b"colspan", b"rowspan"]) + b'="' +
                                rng.choice([b"0", b"100000", b"7"]) + b'"')),
        Variant("html: truncated at a tag", "年报.html", rendered[:max(cut, body + 6)], faithful=True),
        Variant("html: 10k nested tables", "年报.html", nested_tables.encode()),
        Variant("html: entity bomb", "年报.html", entity_bomb.encode(), faithful=True),
        Variant("html: report in a script", "年报.html", script_page.encode(), faithful=True, complete=True),
        Variant("html: over 20 MB", "年报.html", huge),
        Variant("html: named .xlsx", "年报.xlsx", rendered, faithful=True, complete=True),
    ]


# --------------------------------------------------------------------------------------------------------- .docx
def zip_parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def zip_of(parts: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, body in parts:
            archive.writestr(zipfile.ZipInfo(name), body, compress_type=compression)
    return buffer.getvalue()


def _edit_document(data: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    return zip_of([(name, edit(body) if name == "word/document.xml" else body) for name, body in zip_parts(data)])


_TC = re.compile(rb"<w:tc>(<w:tcPr>)?")


def _set_tc_property(xml: bytes, positions: list[int], prop: bytes) -> bytes:
    """``prop`` added to the properties of the cells starting at ``positions`` (an existing one of its kind kept
    after it, so the added one is read first)."""
    for at in sorted(positions, reverse=True):
        match = _TC.match(xml, at)
        assert match is not None
        if match.group(1):
            xml = xml[:match.end()] + prop + xml[match.end():]
        else:
            xml = xml[:match.end()] + b"<w:tcPr>" + prop + b"</w:tcPr>" + xml[match.end():]
    return xml


def _plain_tcs(xml: bytes) -> list[int]:
    """Cells with no span or merge of their own, not in the first row of their table."""
    out = []
    for table in re.finditer(rb"<w:tbl>.*?</w:tbl>", xml, re.S):
        rows = list(re.finditer(rb"<w:tr[ >].*?</w:tr>", table.group(), re.S))
        for row in rows[1:]:
            for tc in re.finditer(rb"<w:tc>.*?</w:tc>", row.group(), re.S):
                if b"vMerge" not in tc.group() and b"gridSpan" not in tc.group():
                    out.append(table.start() + row.start() + tc.start())
    return out


def _last_tcs(xml: bytes) -> list[int]:
    out = []
    for row in re.finditer(rb"<w:tr[ >].*?</w:tr>", xml, re.S):
        starts = [m.start() for m in re.finditer(rb"<w:tc>", row.group())]
        if starts:
            out.append(row.start() + starts[-1])
    return out


def _last_row_start(xml: bytes, before: int) -> int:
    starts = [m.start() for m in re.finditer(rb"<w:tr[ >]", xml[:before])]
    return starts[-1] if starts else -1


def _above_is_unmerged(xml: bytes, at: int) -> bool:
    """Whether the cell at ``at`` stands under a cell that is no part of a vertical merge (same index in the row
    above, rows of equal spans only: a conservative test the generator uses to keep the variant faithful)."""
    row_start = _last_row_start(xml, at)
    above_start = _last_row_start(xml, row_start)
    if above_start < 0 or xml.rfind(b"<w:tbl>", 0, at) > above_start:
        return False
    row = xml[row_start:xml.find(b"</w:tr>", at)]
    above = xml[above_start:row_start]
    if b"gridSpan" in row or b"gridSpan" in above or b"gridBefore" in row + above:
        return False
    index = len(re.findall(rb"<w:tc>", xml[row_start:at]))
    cells = re.findall(rb"<w:tc>.*?</w:tc>", above, re.S)
    return index < len(cells) and b"vMerge" not in cells[index]


def docx_variants(rendered: bytes, rng: random.Random) -> list[Variant]:
    """The rendered report's .docx with hostile packages, spans, merges, nesting and XML declarations."""
    parts = zip_parts(rendered)
    document = dict(parts)["word/document.xml"]
    plain = _plain_tcs(document)
    orphan_merges = [at for at in plain if _above_is_unmerged(document, at)]
    bomb = parts + [("word/media/bomb.bin", b"\0" * rng.choice([3, 40]) * 1024 * 1024)]
    body_start = document.find(b"<w:body>") + len(b"<w:body>")
    sect = document.rfind(b"<w:sectPr")
    wrapped = (document[:body_start] + b"<w:tbl><w:tr><w:tc>" + document[body_start:sect] + b"<w:p/></w:tc></w:tr>"
               b"</w:tbl>" + document[sect:])
    inner = b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p/>"
    nested_in_cell = _set_tc_property(document, rng.sample(plain, 1), b"") .replace(b"</w:tc>", inner + b"</w:tc>", 1)
    entities = document.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "1234567890"><!ENTITY b "&a;&a;&a;">]>',
                                1)
    return [
        Variant("docx: zip bomb", "年报.docx", zip_of(bomb)),
        Variant("docx: missing document.xml", "年报.docx",
                zip_of([(n, b) for n, b in parts if n != "word/document.xml"])),
        Variant("docx: truncated package", "年报.docx", rendered[:rng.randrange(30, len(rendered) - 1)]),
        Variant("docx: document.xml truncated", "年报.docx",
                _edit_document(rendered, lambda xml: xml[:rng.randrange(len(xml))])),
        Variant("docx: gridSpan=0 or invalid", "年报.docx", _edit_document(rendered, lambda xml: _set_tc_property(
            xml, rng.sample(plain, min(20, len(plain))),
            b'<w:gridSpan w:val="' + rng.choice([b"0", b"-3", b"x", b""]) + b'"/>')), faithful=True, complete=True),
        Variant("docx: gridSpan huge on a row's last cell", "年报.docx", _edit_document(
            rendered, lambda xml: _set_tc_property(xml, rng.sample(_last_tcs(xml), 5),
                                                   b'<w:gridSpan w:val="' + rng.choice([b"100000", b"64"]) + b'"/>')),
            faithful=True, complete=True),
        Variant("docx: gridSpan huge anywhere", "年报.docx", _edit_document(
            rendered, lambda xml: _set_tc_property(xml, rng.sample(plain, 3), b'<w:gridSpan w:val="100000"/>'))),
        Variant("docx: vMerge continue without restart", "年报.docx", _edit_document(
            rendered, lambda xml: _set_tc_property(xml, rng.sample(orphan_merges, min(10, len(orphan_merges))),
                                                   b"<w:vMerge/>")), faithful=True, complete=True),
        Variant("docx: tables inside a layout table", "年报.docx", _edit_document(rendered, lambda _: wrapped),
                faithful=True, complete=True),
        Variant("docx: a table nested in a figure cell", "年报.docx",
                _edit_document(rendered, lambda _: nested_in_cell), faithful=True),
        Variant("docx: XML entities", "年报.docx", _edit_document(rendered, lambda _: entities)),
        Variant("docx: duplicate document.xml", "年报.docx",
                zip_of(parts + [("word/document.xml", b"<w:document/>")])),
        Variant("docx: stored, not compressed", "年报.docx", zip_of(parts, zipfile.ZIP_STORED), faithful=True,
                complete=True),
        Variant("docx: named .json", "年报.json", rendered, faithful=True, complete=True),
    ]


# ------------------------------------------------------------------------------------------------- .doc / .wps
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole_variants(rng: random.Random) -> list[Variant]:
    """Garbage compound files: the OLE magic, then random bytes holding (or not) a stream name."""
    def garbage(stream: str) -> bytes:
        body = bytearray(rng.randbytes(rng.randint(512, 8192)))
        name = stream.encode("utf-16-le")
        at = rng.randrange(len(body))
        body[at:at] = name
        return OLE_MAGIC + bytes(body)

    return [
        Variant("ole: garbage .doc", "年报.doc", garbage("WordDocument")),
        Variant("ole: garbage .wps", "年报.wps", garbage("WordDocument")),
        Variant("ole: encrypted stream name", "年报.doc", garbage("EncryptedPackage")),
        Variant("ole: legacy workbook", "年报.doc", garbage("Workbook")),
        Variant("ole: no known stream", "年报.wps", OLE_MAGIC + rng.randbytes(600)),
        Variant("ole: bare magic", "年报.xls", OLE_MAGIC),
    ]


# --------------------------------------------------------------------------------------------------------- text
def text_variants(rendered: str, rng: random.Random) -> list[Variant]:
    """The report as copied text, with NUL bytes, bad UTF-8, mixed encodings and a million lines."""
    lines = rendered.split("\n")
    cut = rng.randrange(1, len(lines))
    utf8 = rendered.encode("utf-8")
    lone_surrogates = b"\n".join(line.encode("utf-8") + (b"\xed\xa0\x80" if rng.random() < 0.2 else b"")
                                 for line in lines)
    mixed = b"\n".join(line.encode("gb18030" if i % 2 else "utf-8") for i, line in enumerate(lines))
    nul = bytes(b for byte in utf8 for b in ((byte, 0) if rng.random() < 0.02 else (byte,)))
    return [
        Variant("text: NUL bytes", "年报.txt", nul),
        Variant("text: NUL bytes between lines", "年报.txt", b"\n\x00".join(line.encode() for line in lines),
                faithful=True),
        Variant("text: lone surrogates (bad UTF-8)", "年报.txt", lone_surrogates, faithful=True),
        Variant("text: UTF-8 and GBK lines mixed", "年报.txt", mixed, faithful=True, complete=True),
        Variant("text: UTF-16 without BOM", "年报.txt", rendered.encode("utf-16-le")),
        Variant("text: cut at a line", "年报.txt", "\n".join(lines[:cut]).encode(), faithful=True),
        Variant("text: a million lines", "年报.txt", utf8 + b"\n1\t2" * 1_000_000),
        Variant("text: one 5 MB line", "年报.txt", utf8.replace(b"\n", b" ", 3) + b"9" * 5_000_000),
        Variant("text: zlib bytes", "年报.txt", zlib.compress(utf8)),
        Variant("text: named .pdf", "年报.pdf", utf8, faithful=True),
    ]
