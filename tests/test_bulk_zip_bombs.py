"""Archives of submissions built to make bulk unpack far more than they hold, judged from the directory before any
member is unpacked (``discover.zip_bomb``): members whose data overlap (many directory entries pointing into the
same bytes, in full or part way in, stored or deflated), and members that together unpack to more than
``MAX_ARCHIVE_RATIO`` times their packed size. Each such archive is one unreadable row (``E_ZIP_BOMB``) and no member
is read; an archive any zip program writes is never taken for one.
"""

from __future__ import annotations

import io
import struct
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import case_workbook_bytes

from gaip_xl.bulk import UNREADABLE, discover, run_bulk

END = struct.Struct("<4s4H2LH")  # end of central directory: signature, disks, entries here, entries, size, offset


def _archive(members: list[tuple[str, bytes]], method: int) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, (2024, 1, 1, 0, 0, 0)), data, compress_type=method)
    return out.getvalue()


def _entries(data: bytes) -> tuple[bytes, list[bytes]]:
    """(what precedes the central directory, its entries)."""
    end = data.rfind(b"PK\x05\x06")
    *_, size, offset, _ = END.unpack_from(data, end)
    directory, entries, at = data[offset:offset + size], [], 0
    while at < len(directory):
        names, extra, comment = struct.unpack_from("<3H", directory, at + 28)
        length = 46 + names + extra + comment
        entries.append(directory[at:at + length])
        at += length
    return data[:offset], entries


def _with_directory(local: bytes, entries: list[bytes]) -> bytes:
    directory = b"".join(entries)
    return local + directory + END.pack(b"PK\x05\x06", 0, 0, len(entries), len(entries), len(directory), len(local), 0)


@st.composite
def overlapping(draw: st.DrawFn) -> bytes:
    """A real archive whose directory is made to point several entries into the same bytes: copies of one entry
    (the classic), or an entry whose offset is moved into another's data."""
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    count = draw(st.integers(2, 5))
    members = [(f"县/{i}.xlsx", case_workbook_bytes("huaian-2024")) for i in range(count)]
    local, entries = _entries(_archive(members, method))
    victim = draw(st.integers(0, count - 1))
    if draw(st.booleans()):  # the same entry many times over
        copies = draw(st.integers(2, 40))
        entries = entries[:victim] + [entries[victim]] * copies + entries[victim + 1:]
    else:  # one entry's offset moved to another's, or into its data
        source = draw(st.integers(0, count - 1).filter(lambda i: i != victim))
        (offset,) = struct.unpack_from("<L", entries[source], 42)
        moved = bytearray(entries[victim])
        struct.pack_into("<L", moved, 42, offset + draw(st.integers(0, 20)))
        entries[victim] = bytes(moved)
    return _with_directory(local, entries)


def _refused(tmp_path, data: bytes, monkeypatch) -> None:
    archive = tmp_path / "收件.zip"
    archive.write_bytes(data)
    reads: list[str] = []
    real = discover.read_member
    monkeypatch.setattr(discover, "read_member", lambda *args: reads.append(args[3]) or real(*args))
    result = run_bulk(archive, tmp_path / "out", jobs=1)
    (row,) = list(result.files)
    assert row["status"] == UNREADABLE and row["code"] == "E_ZIP_BOMB", row
    assert reads == []  # judged from the directory: nothing was unpacked


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overlapping())
def test_members_that_overlap_are_a_bomb_and_nothing_is_unpacked(tmp_path_factory, monkeypatch, data):
    _refused(tmp_path_factory.mktemp("bomb"), data, monkeypatch)


def test_many_members_each_under_the_limit_that_unpack_200_times_over_are_a_bomb(tmp_path, monkeypatch):
    size = discover.RATIO_FLOOR // 8 + 1  # each far under a submission's 20 MB limit; together over the floor
    data = _archive([(f"{i}.json", b" " * size) for i in range(9)], zipfile.ZIP_DEFLATED)
    _refused(tmp_path, data, monkeypatch)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a.xlsx", "b/c.json", "d.txt", "e/"]),
                          st.sampled_from([b"", b"0" * 1000, b"x" * 70_000, bytes(range(256)) * 50])),
                max_size=12),
       st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]))
def test_an_archive_a_zip_program_writes_is_never_a_bomb(members, method):
    data = _archive([(f"{i}-{name}", content) for i, (name, content) in enumerate(members)], method)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert discover.zip_bomb(archive.infolist()) is None
