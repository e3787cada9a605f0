"""What a document is, from its bytes (never its name), and the bounds every input must keep before any parser."""

from __future__ import annotations

import io
import zipfile

from ..containers import container_form
from ..errors import DocumentTooLarge, DocumentUnreadable, EncryptedDocument, LegacyXls, UnsupportedFile, ZipBomb
from ..files import MAX_ZIP_RATIO, ZIP_ERRORS
from ..spreadsheets import SPREADSHEET, other_spreadsheet

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # a published report is 0.01–2 MB; an inline-styled page rarely passes 1 MB
MAX_ZIP_ENTRIES = 2000
MAX_ZIP_TOTAL = 200 * 1024 * 1024
MAX_XML_PART = 32 * 1024 * 1024

PDF, HTML, DOCX, OLE, TEXT, XLSX, JSON = "pdf", "html", "docx", "ole", "text", "xlsx", "json"
CONTAINER = "container"  # an archive, a program or a mail gaip-xl does not open (``gaip_xl.containers``)
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<table", b"<meta", b"<div", b"<p", b"<title",
                 b"<?xml")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def check_size(path: str | None, data: bytes) -> None:
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentTooLarge(path, detail=f"文件有 {len(data) / 1024 / 1024:.0f} MB，上限为 "
                                            f"{MAX_DOCUMENT_BYTES // 1024 // 1024} MB")


def sniff(data: bytes) -> str:
    """"pdf", "html", "docx", "xlsx", "ole" (.doc/.wps), "spreadsheet" (another spreadsheet form, .xls and WPS .et
    included: the workbook reader says which), "container" (RAR, 7z, tar, a program, a mail …: refused naming it),
    "json" or "text"; "" when none of these (a zip of files among them: ``container_form`` names it)."""
    head = data[:4096]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(OLE2_MAGIC):
        return SPREADSHEET if _ole_workbook(data) else CONTAINER if container_form(data) else OLE
    if container_form(data):
        return CONTAINER
    text = head
    for bom in _BOMS:
        if text.startswith(bom):
            text = text[len(bom):]
            break
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").encode("utf-8")
    stripped = text.lstrip().lower()
    if stripped.startswith((b"{", b"[")):
        return JSON
    if other_spreadsheet(data) is not None:
        return SPREADSHEET
    if stripped.startswith(_HTML_MARKERS) or b"<html" in stripped[:1024] or b"<table" in stripped:
        return HTML
    if b"\x00" in text.replace(b"\x00\x00", b"") and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return ""
    return TEXT


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except ZIP_ERRORS:
        return ""
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if other_spreadsheet(data) is not None:  # .xlsb, .ods
        return SPREADSHEET
    return ""


def _ole_workbook(data: bytes) -> bool:
    """An OLE2 file that is a legacy workbook (.xls, WPS .et): a Workbook or Book stream, no Word text, no password
    (the streams as ``ole_kind`` tells them)."""
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    return (has("Workbook") or has("Book")) and not has("WordDocument") and not has("EncryptedPackage")


def ole_kind(path: str | None, data: bytes) -> str:
    """An OLE2 compound file: "doc" or "wps" (converted with LibreOffice), else the error that says what it is."""
    def has(stream: str) -> bool:
        return stream.encode("utf-16-le") in data

    if has("EncryptedPackage"):
        raise EncryptedDocument(path)
    if has("WordDocument"):  # Word 97-2003 and WPS 文字 both keep their text in this stream
        return "doc"
    if has("Workbook") or has("Book"):
        raise LegacyXls(path)
    raise UnsupportedFile(path, detail="旧版 Office 复合文档，但不是 Word 或 WPS 文字文档")


def open_zip(path: str | None, data: bytes) -> zipfile.ZipFile:
    """A .docx package checked for bombs before python-docx reads it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise DocumentUnreadable(path, detail=f"zip 结构已损坏（{exc}）") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise ZipBomb(path, detail=f"压缩包内有 {len(infos)} 个文件")
    _check_members(path, infos)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > MAX_ZIP_RATIO * max(info.compress_size, 1):
            raise ZipBomb(path, detail=f"内部文件“{info.filename}”压缩比超过 {MAX_ZIP_RATIO}:1")
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            size = info.file_size // 1024 // 1024
            raise DocumentTooLarge(path, detail=f"内部文件“{info.filename}”解压后有 {size} MB")
    if total > MAX_ZIP_TOTAL:
        raise ZipBomb(path, detail=f"解压后共 {total // 1024 // 1024} MB")
    return archive


def _check_members(path: str | None, infos: list[zipfile.ZipInfo]) -> None:
    """What a package may hold, before anything reads it: each member once (two members of one name are read as one
    or the other, depending on the reader) and no encrypted member."""
    seen: set[str] = set()
    for info in infos:
        if info.flag_bits & 0x1:
            raise EncryptedDocument(path)
        name = info.filename.replace("\\", "/").lstrip("/").lower()
        if name in seen:
            raise DocumentUnreadable(path, detail=f"压缩包内有两个同名文件“{info.filename}”")
        seen.add(name)
