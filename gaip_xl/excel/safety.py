"""Opening a submitted workbook defensively, before any parser sees it.

A clerk can send anything: a legacy .xls, a workbook with an opening password, a web page renamed .xls, a file
built to exhaust memory. This module decides what the file is from its bytes (never from its name), refuses what
cannot or must not be read with a stable error code, and hands out the parts of the package that the reader needs,
each decompressed with a bound and checked for XML entity declarations.

Limits (a filled template is about 30 KB on disk and 200 KB unpacked, so each limit leaves a wide margin):
- the file on disk: ``MAX_FILE_BYTES``;
- the zip: ``MAX_ENTRIES`` entries, each declared ≤ ``MAX_ENTRY_BYTES`` unpacked, all together ≤ ``MAX_TOTAL_BYTES``,
  an entry over 1 MB compressed more than ``MAX_RATIO``:1 is a bomb; an entry that unpacks to more than it declares
  (a forged header) is a bomb too: Python's zipfile stops at the declared size and the CRC check fails;
- every XML part: ≤ ``MAX_PART_BYTES`` unpacked (else "too large", before the ratio test: a million-row sheet is
  big rather than malicious), and no ``<!DOCTYPE``/``<!ENTITY`` in a part a parser reads.

What the package may contain, checked before anything reads a part (``check_members``): every member name once, as
OPC compares part names (ignoring case), so no two readers can pick different members for one name; no encrypted
entry (zip's own password protection, which no Office program writes). Part names are looked up ignoring case too
(``Package.resolve``), as Excel does.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import BinaryIO

from ..containers import container_form
from ..containers import refusal as container_refusal
from ..errors import (
    DuplicatePart,
    Encrypted,
    EncryptedEntry,
    FileMissing,
    LegacyXls,
    NotXlsx,
    TooLarge,
    UnsupportedFile,
    XmlAttack,
    ZipBomb,
)
from ..files import MAX_ZIP_RATIO, ZIP_ERRORS, read_regular
from ..spreadsheets import CSV, ODS, SEND_THE_WORKBOOK, TABLE_TEXT_SUFFIXES, XLSB, other_spreadsheet, refusal

WorkbookSource = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO  # a path, bytes or a binary stream

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_ENTRY_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_PART_BYTES = 8 * 1024 * 1024
MAX_RATIO = MAX_ZIP_RATIO
_RATIO_FLOOR = 1024 * 1024  # small entries may compress very well (a sheet of empty styled cells); ignore them

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # an OOXML file with an opening password
_XLS_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))  # BIFF8 / BIFF5
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
_ENCRYPTED_FLAG = 0x1
_LOCAL_HEADER = struct.Struct("<26xHH")  # a local file header: its name's and extra field's lengths, 30 bytes in all


@dataclass
class Package:
    """A zip package that passed the container checks; parts are read on demand, bounded and checked."""

    path: str | None  # as shown in messages (None: bytes or a stream without a name)
    data: bytes
    archive: zipfile.ZipFile
    names: frozenset[str]
    _parts: dict[str, bytes] = field(default_factory=dict)
    _folded: dict[str, str] = field(default_factory=dict)  # member name ignoring case → member name

    def __post_init__(self) -> None:
        self._folded = {name.casefold(): name for name in self.names}

    @property
    def has_macros(self) -> bool:
        return any(name.lower().endswith("vbaproject.bin") for name in self.names)

    def has(self, name: str) -> bool:
        """Whether the package holds the part ``name`` (compared ignoring case, as OPC compares part names)."""
        return name in self.names or name.casefold() in self._folded

    def resolve(self, name: str) -> str:
        """The member for a part name, compared ignoring case as OPC does (the name itself when there is none)."""
        return name if name in self.names else self._folded.get(name.casefold(), name)

    def part(self, name: str) -> bytes:
        """The unpacked bytes of one part, refused if over ``MAX_PART_BYTES``, forged, or declaring entities."""
        cached = self._parts.get(name)
        if cached is not None:
            return cached
        info = self.archive.getinfo(self.resolve(name))
        if info.file_size > MAX_PART_BYTES:
            raise TooLarge(self.path, detail=f"内部文件“{name}”解压后有 {info.file_size // 1024 // 1024} MB")
        data = self._inflate(info)
        if data is None:
            data = self._unzip(info)
        if len(data) != info.file_size:
            raise ZipBomb(self.path, detail=f"内部文件“{name}”的实际大小与声明不符")
        check_xml_declarations(self.path, name, data)
        self._parts[name] = data
        return data

    def _inflate(self, info: zipfile.ZipInfo) -> bytes | None:
        """An ordinary entry (stored or deflated, not encrypted) straight from the package's bytes: what zipfile does,
        without the stream object and chunked reads it sets up for every part (a third of the time of the reader's
        checks). At most ``MAX_PART_BYTES + 1`` bytes are inflated; the CRC is checked as zipfile would. None: an
        entry of another kind, left to zipfile."""
        if info.flag_bits & _ENCRYPTED_FLAG or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            return None
        start = info.header_offset
        if self.data[start:start + 4] != ZIP_MAGIC or len(self.data) < start + _LOCAL_HEADER.size:
            return None
        name_length, extra_length = _LOCAL_HEADER.unpack_from(self.data, start)
        begin = start + _LOCAL_HEADER.size + name_length + extra_length
        raw = memoryview(self.data)[begin:begin + info.compress_size]
        try:
            if info.compress_type == zipfile.ZIP_STORED:
                data = bytes(raw[:MAX_PART_BYTES + 1])
            else:
                data = zlib.decompressobj(-zlib.MAX_WBITS).decompress(raw, MAX_PART_BYTES + 1)
        except zlib.error as exc:
            raise ZipBomb(self.path, detail=f"内部文件“{info.filename}”无法解压（{exc}）") from None
        if len(data) == info.file_size and zlib.crc32(data) != info.CRC:
            raise ZipBomb(self.path, detail=f"内部文件“{info.filename}”无法解压（校验和不符）")
        return data

    def _unzip(self, info: zipfile.ZipInfo) -> bytes:
        try:
            with self.archive.open(info) as stream:
                return stream.read(MAX_PART_BYTES + 1)
        except ZIP_ERRORS as exc:
            raise ZipBomb(self.path, detail=f"内部文件“{info.filename}”无法解压（{exc}）") from None

    def close(self) -> None:
        self.archive.close()


def check_xml_declarations(path: str | None, name: str, data: bytes) -> None:
    """Refuses a part that declares a DTD or entities (billion laughs, external entities): OOXML never needs one."""
    text = data
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 XML: look at it as text
        text = data.decode("utf-16", errors="replace").encode("utf-8")
    # "!" alone is found by memchr, many times faster than any longer needle; most parts have none at all (the
    # workbook part's defined names and formulas do: then the two markers, whose length lets the search skip ahead)
    if b"!" in text and any(marker in text for marker in _XML_DECLARATIONS):
        raise XmlAttack(path, part=name)


def read_file(path: str | os.PathLike[str]) -> bytes:
    name = str(path)
    return read_regular(path, name, MAX_FILE_BYTES, lambda size: TooLarge(
        name, detail=f"文件有 {size // 1024 // 1024} MB，年报模板通常不到 100 KB"))


def read_source_bytes(source: WorkbookSource) -> tuple[str | None, bytes]:
    """The name to show in messages (None for bytes or a stream without one) and the bytes of a workbook given as a
    path, bytes or a binary file object (read from its current position, at most ``MAX_FILE_BYTES`` + 1)."""
    if isinstance(source, (str, os.PathLike)):
        return str(source), read_file(source)
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        shown = None
    else:
        name = getattr(source, "name", None)
        shown = name if isinstance(name, str) else None
        try:
            data = source.read(MAX_FILE_BYTES + 1)
        except (OSError, ValueError) as exc:
            raise FileMissing(shown, detail=str(exc)) from None
        if not isinstance(data, bytes):
            raise UnsupportedFile(shown, detail="文件对象以文本方式打开，请以二进制方式（'rb'）打开")
    if len(data) > MAX_FILE_BYTES:
        raise TooLarge(shown, detail=f"文件超过 {MAX_FILE_BYTES // 1024 // 1024} MB，年报模板通常不到 100 KB")
    return shown, data


def identify_non_zip(path: str | None, data: bytes) -> None:
    """Raises the error that says what a file that is not a zip package is."""
    if data.startswith(OLE2_MAGIC):
        if _ENCRYPTED_STREAM in data:
            raise Encrypted(path)
        if any(stream in data for stream in _XLS_STREAMS):
            raise LegacyXls(path)
        _refuse_container(path, data)  # an Outlook mail (.msg)
        raise NotXlsx(path, detail="是旧版 Office 复合文档，但不是 Excel 工作簿")
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not data:
        raise NotXlsx(path, detail="文件是空的")
    form = other_spreadsheet(data)
    if form is None and path is not None and path.lower().endswith(TABLE_TEXT_SUFFIXES):
        form = CSV  # a sheet exported as text whose shape says nothing (one column, two rows)
    if form is not None:
        raise NotXlsx(path, detail=refusal(form))
    if head.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"mime-version")):
        raise NotXlsx(path, detail="这是网页或 XML 文件（常见于从网站导出后改名为 .xls），请用 Excel 或 WPS "
                                   "打开后另存为 Excel 工作簿（.xlsx）")
    _refuse_container(path, data)
    raise NotXlsx(path, detail=f"文件不是 zip 格式的 Excel 工作簿（可能是文本、CSV 或已损坏），{SEND_THE_WORKBOOK}")


def _refuse_container(path: str | None, data: bytes) -> None:
    """``E_ARCHIVE_FORMAT`` for a RAR, 7z, gzip …, a program or a mail renamed .xlsx (a form that takes only .xlsx)."""
    container = container_form(data)
    if container is not None:
        raise container_refusal(container, path)


def check_members(path: str | None, infos: list[zipfile.ZipInfo]) -> None:
    """What the package may contain: each member name once (ignoring case, as OPC compares part names), and no
    entry encrypted with zip's own password (the flag is checked on every entry, read or not)."""
    seen: set[str] = set()
    for info in infos:
        folded = info.filename.casefold()
        if folded in seen:
            raise DuplicatePart(path, part=info.filename)
        seen.add(folded)
        if info.flag_bits & _ENCRYPTED_FLAG:
            raise EncryptedEntry(path, part=info.filename)


def _check_entries(path: str | None, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_ENTRIES:
        raise ZipBomb(path, detail=f"压缩包内有 {len(infos)} 个文件")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_ENTRY_BYTES:
            raise ZipBomb(path, detail=f"内部文件“{info.filename}”解压后有 {info.file_size // 1024 // 1024} MB")
        if info.file_size > MAX_PART_BYTES and info.filename.endswith((".xml", ".rels")):
            # a sheet this big (a million rows, say) is refused for its size, however well it compresses
            raise TooLarge(path, detail=f"内部文件“{info.filename}”解压后有 {info.file_size // 1024 // 1024} MB")
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ZipBomb(path, detail=f"内部文件“{info.filename}”压缩比超过 {MAX_RATIO}:1")
    if total > MAX_TOTAL_BYTES:
        raise ZipBomb(path, detail=f"解压后共 {total // 1024 // 1024} MB")


def _identify_zip(path: str | None, names: frozenset[str]) -> None:
    """A zip that is not a spreadsheet in OOXML form: say which kind of file it is (names compared ignoring case)."""
    names = frozenset(name.casefold() for name in names)
    if "xl/workbook.xml" in names:
        return
    if "xl/workbook.bin" in names:
        raise NotXlsx(path, detail=refusal(XLSB))
    if "content.xml" in names:
        raise NotXlsx(path, detail=refusal(ODS))
    if "word/document.xml" in names:
        raise NotXlsx(path, detail="这是 Word 文档，不是 Excel 工作簿")
    raise NotXlsx(path, detail="是 zip 压缩包，但不是 Excel 工作簿")


def open_package(source: WorkbookSource) -> Package:
    """The checked package of ``source`` (a path, bytes or a binary file object), or the ``GaipError`` that says why
    it cannot be read."""
    shown, data = read_source_bytes(source)
    if not data.startswith(ZIP_MAGIC):
        identify_non_zip(shown, data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS as exc:
        raise NotXlsx(shown, detail=f"zip 结构已损坏（{exc}）") from None
    check_members(shown, infos)
    _check_entries(shown, infos)
    names = frozenset(info.filename for info in infos)
    _identify_zip(shown, names)
    return Package(shown, data, archive, names)
