"""Containers gaip-xl does not open, told from their bytes, so the refusal says what the file is and what to do.

Collecting offices receive submissions packed in RAR and 7z archives (the common archivers on Chinese Windows), tar
and gzip files, self-extracting programs, and mails saved from the mailbox with the workbook attached (.eml, Outlook's
.msg) or web pages saved as one file (.mht). gaip-xl opens only zip archives (``gaip-xl bulk``): RAR and 7z need
programs outside Python, an .exe is never run, and a mail's attachments are left to the mail program, which saves
them in one click (a MIME parse by guess could drop an attachment of a broken mail without a word, and every
attachment would need a name and a place in bulk's run-state like an archive member's). Each is refused with
``E_ARCHIVE_FORMAT`` naming its form and saying what to do, never the generic ``E_FILE_TYPE``, and a mail whose text
speaks of 政府信息公开 is never imported as the report itself (a table of blanks). Standard library only: the
file-type decision (``gaip_xl.loaders``) loads nothing heavier.
"""

from __future__ import annotations

import io
import re
import zipfile

from .errors import ContainerFile
from .files import ZIP_ERRORS

RAR = "RAR 压缩包"
SEVEN_ZIP = "7z 压缩包"
GZIP = "gzip 压缩文件（.gz、.tar.gz、.tgz）"
BZIP2 = "bzip2 压缩文件（.bz2）"
XZ = "xz 压缩文件（.xz）"
ZSTD = "zstd 压缩文件（.zst）"
TAR = "tar 归档文件（.tar）"
CAB = "CAB 压缩包（.cab）"
PROGRAM = "可执行程序（.exe，例如自解压压缩包）"
MAIL = "电子邮件文件（.eml）"
OUTLOOK_MAIL = "Outlook 邮件文件（.msg）"
WEB_ARCHIVE = "单个文件网页（.mht、.mhtml）"
ZIP = "zip 压缩包（扩展名不是 .zip）"
NAMED_ZIP = "zip 压缩包"
ZIP_SUFFIX = ".zip"

_UNPACK = "gaip-xl 只读取 zip 压缩包：请解压后提交其中填好的工作簿（.xlsx），或把这些文件重新压缩为 zip"
ADVICE = {
    PROGRAM: "gaip-xl 不运行也不读取程序：请提交填好的工作簿（.xlsx）本身，或把它压缩为 zip",
    MAIL: "gaip-xl 不读取邮件中的附件：请在邮件程序中把附件（填好的工作簿）另存出来后提交",
    WEB_ARCHIVE: "请在浏览器中把网页另存为“网页，仅 HTML”（.html）后提交，或提交填好的工作簿（.xlsx）",
    ZIP: "gaip-xl bulk 读取扩展名为 .zip 的压缩包中的全部文件：请把扩展名改为 .zip 后重新运行，或解压后提交其中的文件",
    NAMED_ZIP: "这里只读取一份年报：请解压后逐个提交其中的文件，或用 gaip-xl bulk 批量转换整个压缩包",
}
ADVICE[OUTLOOK_MAIL] = ADVICE[MAIL]

_MAGIC = ((b"Rar!\x1a\x07", RAR), (b"7z\xbc\xaf\x27\x1c", SEVEN_ZIP), (b"\x1f\x8b", GZIP), (b"\xfd7zXZ\x00", XZ),
          (b"\x28\xb5\x2f\xfd", ZSTD), (b"MSCF\x00\x00\x00\x00", CAB), (b"MZ", PROGRAM))
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_TAR_MAGIC_AT = 257  # "ustar" (POSIX, GNU and pax tar alike) stands here in each member's header
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OUTLOOK_STREAM = "__substg1.0_".encode("utf-16-le")  # every property stream of an Outlook item has this name
HEAD_BYTES = 16 * 1024  # what a reader must give ``container_form`` of a file at least (a mail's header fields)
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # a Word/WPS document (one holding an Outlook item included)
_HEADER_LINE = re.compile(rb"([!-9;-~]+)[ \t]*:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*")  # RFC 5322 field, folded lines
_MAIL_FIELDS = frozenset({b"from", b"to", b"subject", b"date", b"received", b"return-path", b"message-id", b"cc",
                          b"reply-to", b"x-mailer", b"delivered-to"})
_WEB_ARCHIVE_SIGNS = (b"multipart/related", b"snapshot-content-location", b"<saved by ")


def container_form(data: bytes, suffix: str = "") -> str | None:
    """What container ``data`` is when it is one gaip-xl does not open (one of the names above), else None. A zip is
    named only when it is no package gaip-xl reads (a workbook, a Word file, an OpenDocument file): a zip of files,
    under another extension (bulk reads only a ``.zip``) or given where one report is read (``suffix`` ``.zip``)."""
    for magic, form in _MAGIC:
        if data.startswith(magic):
            return form
    if _BZIP2.match(data):
        return BZIP2
    if data[_TAR_MAGIC_AT:_TAR_MAGIC_AT + 5] == b"ustar":
        return TAR
    if data.startswith(_OLE2_MAGIC):
        return OUTLOOK_MAIL if _OUTLOOK_STREAM in data and _WORD_STREAM not in data else None  # not a .doc
    if data.startswith(b"PK\x03\x04"):
        return None if not _plain_zip(data) else NAMED_ZIP if suffix.lower() == ZIP_SUFFIX else ZIP
    return _mime_form(data[:HEAD_BYTES])


def refusal(form: str, path: str | None = None) -> ContainerFile:
    """The error for a file in ``form`` (a name above)."""
    spaced = f" {form}" if form[:1].isascii() else form  # "这是 RAR 压缩包", as Chinese sets a Latin word apart
    return ContainerFile(path, form=spaced, advice=ADVICE.get(form, _UNPACK))


def _plain_zip(data: bytes) -> bool:
    """A zip that opens and holds none of the parts that make a package: ``[Content_Types].xml`` (every Office Open
    XML file) or ``mimetype`` (every OpenDocument file)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {name.casefold() for name in archive.namelist()}
    except ZIP_ERRORS:
        return False
    return bool(names) and not names & {"[content_types].xml", "mimetype"}


def _mime_form(head: bytes) -> str | None:
    """A mail or a web archive: the text opens with a block of header fields, one of them a MIME field, another a
    mail's (From, Subject, Date …) or a saved page's."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    names: set[bytes] = set()
    position = 0
    while match := _HEADER_LINE.match(head, position):
        names.add(match.group(1).lower())
        position = match.end()
    rest = head[position:]
    ends = not rest or rest.startswith((b"\n", b"\r\n")) or len(head) == HEAD_BYTES  # a blank line ends them
    if not ends or not names & {b"mime-version", b"content-type"}:
        return None
    block = head[:position].lower()
    if any(sign in block for sign in _WEB_ARCHIVE_SIGNS):
        return WEB_ARCHIVE
    return MAIL if names & _MAIL_FIELDS else None


__all__ = ["ADVICE", "HEAD_BYTES", "MAIL", "NAMED_ZIP", "OUTLOOK_MAIL", "PROGRAM", "RAR", "SEVEN_ZIP", "TAR",
           "WEB_ARCHIVE", "ZIP", "container_form", "refusal"]
