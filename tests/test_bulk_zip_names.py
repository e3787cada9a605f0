"""A zip of submissions whose GBK member names carry the UTF-8 mark: every submission read, named as written.

Python's zipfile failed on the whole archive (UnicodeDecodeError while listing it), so one row
“压缩包或其中的文件无法读取：UnicodeDecodeError: 'utf-8' codec can't decode …” stood for every submission in it. The
archives are drawn here as such archivers write them: members stored or deflated, some names GBK and some UTF-8,
the wrong mark in the central directory or in both headers, the archive alone or inside another zip. (A mark in the
local header alone still makes that member E_ARCHIVE, naming the cause.)
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.zipopen import UTF8_MARK

ROOT = Path(__file__).resolve().parents[1]
WORKBOOK = (ROOT / "examples/submissions/淮安市人民政府-2024.xlsx").read_bytes()
NAMES = ["年报.xlsx", "西安镇/2024年报.xlsx", "教育局（修改）.xlsx", "report.xlsx", "花石镇.xlsx"]


def _marked(names: list[str], gbk: list[bool], where: str, method: int) -> bytes:
    """A zip of the workbook under ``names``; those with ``gbk`` stored as GBK bytes with the UTF-8 mark set
    (``where``: in the central directory, the local header or both)."""
    placeholders = [str(i).encode().ljust(len(n.encode("gbk")), b"x") for i, n in enumerate(names)]  # as long
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for placeholder, name, is_gbk in zip(placeholders, names, gbk, strict=True):
            archive.writestr(placeholder.decode() if is_gbk else name, WORKBOOK)
    data = bytearray(buffer.getvalue())
    listing = zipfile.ZipFile(io.BytesIO(bytes(data)))
    central = listing.start_dir  # the directory's own offset (a stored workbook holds signatures of its own)
    for info, placeholder, name, is_gbk in zip(listing.infolist(), placeholders, names, gbk, strict=True):
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, central + 28)
        if is_gbk:
            stored = name.encode("gbk")
            local = info.header_offset
            assert data[local + 30:local + 30 + len(stored)] == placeholder
            data[local + 30:local + 30 + len(stored)] = stored
            assert data[central + 46:central + 46 + len(stored)] == placeholder
            data[central + 46:central + 46 + len(stored)] = stored
            for at, offset, mark in ((central, 8, where != "local"), (local, 6, where != "central")):
                if mark:
                    flags, = struct.unpack_from("<H", data, at + offset)
                    struct.pack_into("<H", data, at + offset, flags | UTF8_MARK)
        central += 46 + name_length + extra_length + comment_length
    return bytes(data)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.sampled_from(NAMES), min_size=1, max_size=4, unique=True), data=st.data(),
       where=st.sampled_from(["central", "both"]),
       method=st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]), nested=st.booleans())
def test_every_submission_of_a_wrongly_marked_zip_is_read(names: list[str], data: st.DataObject, where: str,
                                                          method: int, nested: bool,
                                                          tmp_path_factory: pytest.TempPathFactory) -> None:
    gbk = [data.draw(st.booleans()) for _ in names]
    archive = _marked(names, gbk, where, method)
    folder = tmp_path_factory.mktemp("marked")
    inbox = folder / "in"
    inbox.mkdir()
    prefix = "报送.zip!"
    if nested:
        outer = io.BytesIO()
        with zipfile.ZipFile(outer, "w") as wrapper:
            wrapper.writestr("乡镇.zip", archive)
        archive, prefix = outer.getvalue(), "报送.zip!乡镇.zip!"
    (inbox / "报送.zip").write_bytes(archive)
    result = run_bulk(inbox, folder / "out", jobs=1)
    rows = {row["file"]: row for row in result.files}
    assert sorted(rows) == sorted(prefix + name for name in names), rows
    assert all(row["status"] == "ok" and row["agency"] == "淮安市人民政府" for row in rows.values()), rows
