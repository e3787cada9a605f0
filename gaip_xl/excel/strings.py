"""Text in a workbook's XML as Excel reads it: character references, line ends, ``_xHHHH_`` escapes, rich text.

SpreadsheetML stores cell text as ST_Xstring (ECMA-376 Part 1, §22.9.2.19): a character XML cannot carry (or any
character at all: some programs write CJK text so) is written ``_xHHHH_``, four hexadecimal digits of its UTF-16 code
unit, and a literal ``_x`` that would read as an escape has its underscore escaped as ``_x005F_``. Excel decodes them
in one pass from left to right, which is what ``decode_xstring`` does (a surrogate pair becomes one character; a lone
surrogate, which no text may hold, becomes U+FFFD). Shared strings (``xl/sharedStrings.xml``) and inline strings are
rich text: the ``<t>`` of the item and of each run, phonetic guides (``<rPh>``) left out.
"""

from __future__ import annotations

import re

from ..errors import NotXlsx

_P = rb"(?:[\w.-]+:)?"  # an optional namespace prefix
_ATTRS = rb"""(?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*"""
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_REFERENCE = re.compile(r"&(?:#x([0-9A-Fa-f]+)|#([0-9]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_PHONETIC = re.compile(rb"<" + _P + rb"rPh[\s>].*?</" + _P + rb"rPh\s*>", re.S)
_TEXT = re.compile(rb"<" + _P + rb"t" + _ATTRS + rb"(?:/>|>(.*?)</" + _P + rb"t\s*>)", re.S)
_ITEM = re.compile(rb"<" + _P + rb"si" + _ATTRS + rb"(?:/>|>(.*?)</" + _P + rb"si\s*>)", re.S)
_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([\w.-]+)["']""")


def _character(match: re.Match[str]) -> str:
    hexadecimal, decimal, named = match.groups()
    if named:
        return _NAMED[named]
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    return chr(code) if code <= 0x10FFFF else "\ufffd"


def xml_text(raw: bytes, attribute: bool = False) -> str:
    """Character data as an XML parser delivers it: UTF-8 decoded, line ends as "\\n" (in an attribute, white space
    as " "), the five entities and character references resolved."""
    text = raw.decode("utf-8", errors="replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if attribute and ("\n" in text or "\t" in text):
        text = text.replace("\n", " ").replace("\t", " ")
    return _REFERENCE.sub(_character, text) if "&" in text else text


def decode_xstring(text: str) -> str:
    """``_xHHHH_`` escapes decoded as Excel decodes them (see the module's docstring)."""
    if "_x" not in text:
        return text
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if _SURROGATE.search(decoded):  # join pairs, replace what is left alone
        decoded = decoded.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return decoded


def rich_text(content: bytes) -> str:
    """The text of a string item (``<si>`` or ``<is>``): its ``<t>`` and its runs' ``<t>``, phonetic runs left out."""
    if b"rPh" in content:
        content = _PHONETIC.sub(b"", content)
    return decode_xstring("".join(xml_text(match.group(1) or b"") for match in _TEXT.finditer(content)))


def as_utf8(path: str | None, part: str, xml: bytes) -> bytes:
    """The part as UTF-8 without its declaration when it was in another encoding (Excel writes UTF-8 only)."""
    if xml[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"
    else:
        declared = _DECLARATION.match(xml)
        found = _ENCODING.search(declared.group(0)) if declared else None
        encoding = found.group(1).decode().lower() if found else "utf-8"
        if encoding in ("utf-8", "utf8"):
            return xml
    try:
        text = xml.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise NotXlsx(path, detail=f"内部文件“{part}”的编码无法识别（{exc}）") from None
    return _DECLARATION.sub(b"", text.lstrip("\ufeff").encode("utf-8"), count=1)


def refuse_markup_declarations(path: str | None, part: str, xml: bytes) -> bytes:
    """The part after its XML declaration, refused if it holds comments, CDATA or processing instructions: Excel
    never writes them in cell data, and a pattern-based parse must not be led by them."""
    declared = _DECLARATION.match(xml)
    body = xml[declared.end():] if declared else xml
    if (b"!" in body and b"<!" in body) or (b"?" in body and b"<?" in body):  # one memchr each, usually enough
        raise NotXlsx(path, detail=f"内部文件“{part}”含有注释、CDATA 或处理指令，不是 Excel 保存的文件")
    return body


def shared_strings(path: str | None, part: str, xml: bytes) -> list[str]:
    """Every item of the shared-string table, in order (what a cell of type ``s`` indexes)."""
    body = refuse_markup_declarations(path, part, as_utf8(path, part, xml))
    return [rich_text(match.group(1) or b"") for match in _ITEM.finditer(body)]


__all__ = ["as_utf8", "decode_xstring", "refuse_markup_declarations", "rich_text", "shared_strings", "xml_text"]
