"""Opening a zip of submissions whose member names carry a wrong UTF-8 mark.

Some archivers on Chinese Windows store GBK names and still set the flag that says "this name is UTF-8" (bit 11 of
the general purpose flags). Python's zipfile then fails on the whole archive (UnicodeDecodeError while listing it),
so every submission in it was lost behind one row. Such an archive is opened from a copy in memory whose wrong marks
are cleared, in the central directory and in each member's local header alike (zipfile compares the two names), so
the names are read as unmarked names are (``display_name`` decodes them as GBK) and the members are read unchanged.
Only a mark on a name that is not UTF-8 is cleared; an archive too large to copy keeps its error.
"""

from __future__ import annotations

import io
import struct
import zipfile
from typing import IO

CENTRAL, LOCAL, END = b"PK\x01\x02", b"PK\x03\x04", b"PK\x05\x06"
UTF8_MARK = 0x800
MAX_COPY_BYTES = 512 * 1024 * 1024  # as large as a nested archive bulk reads into memory
_END_BYTES = 22  # the end of central directory record without its comment
_MAX_COMMENT = 0xFFFF


def open_archive(stream: IO[bytes]) -> zipfile.ZipFile:
    """``stream`` opened as a zip; one whose names carry a wrong UTF-8 mark, from a copy with those marks cleared."""
    try:
        return zipfile.ZipFile(stream)
    except UnicodeDecodeError:
        stream.seek(0, io.SEEK_END)
        if stream.tell() > MAX_COPY_BYTES:
            raise
        stream.seek(0)
        repaired = clear_wrong_marks(stream.read())
        if repaired is None:
            raise
        return zipfile.ZipFile(io.BytesIO(repaired))


def clear_wrong_marks(data: bytes) -> bytes | None:
    """``data`` with the UTF-8 mark cleared on every name that is not UTF-8 (central and local headers); None when
    the directory cannot be walked (the archive's own error then stands)."""
    end = data.rfind(END, max(0, len(data) - _END_BYTES - _MAX_COMMENT))
    if end < 0 or end + _END_BYTES > len(data):
        return None
    count, _, start = struct.unpack_from("<HII", data, end + 10)
    changed = bytearray(data)
    at = start
    for _ in range(count):
        if data[at:at + 4] != CENTRAL or at + 46 > len(data):
            return None
        flags, = struct.unpack_from("<H", data, at + 8)
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, at + 28)
        local, = struct.unpack_from("<I", data, at + 42)
        name = data[at + 46:at + 46 + name_length]
        if flags & UTF8_MARK and not _is_utf8(name):
            struct.pack_into("<H", changed, at + 8, flags & ~UTF8_MARK)
            if data[local:local + 4] == LOCAL:
                local_flags, = struct.unpack_from("<H", data, local + 6)
                struct.pack_into("<H", changed, local + 6, local_flags & ~UTF8_MARK)
        at += 46 + name_length + extra_length + comment_length
    return bytes(changed)


def _is_utf8(name: bytes) -> bool:
    try:
        name.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
