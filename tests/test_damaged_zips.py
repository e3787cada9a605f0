"""Damaged zip containers, made by rule: a filled workbook, a Word document and a zip of submissions, each with one
field of one entry's header set to a drawn value (zip version, flags, compression method, CRC, sizes, name and extra
lengths, offset), bytes of an entry's compressed data flipped, or the file cut short.

zipfile raises more than BadZipFile for such files (NotImplementedError for a newer zip version or an unknown
method, zlib.error for a damaged deflate stream, RuntimeError for a password, struct.error …): every command must
give a coded message for each (never E_INTERNAL, never a traceback), and bulk must give every file its row (files in
= rows), whatever the damage.
"""

from __future__ import annotations

import io
import random
import re
import struct
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from builders import consistent_report
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gaip_xl.bulk import run_bulk
from gaip_xl.cli import run
from gaip_xl.excel import write_workbook
from gaip_xl.publish import render

CENTRAL, LOCAL = b"PK\x01\x02", b"PK\x03\x04"
# (offset from the signature, struct format) of the fields of each header (APPNOTE 4.3.7, 4.3.12)
FIELDS = {
    CENTRAL: {"version_needed": (6, "<H"), "flags": (8, "<H"), "method": (10, "<H"), "crc": (16, "<I"),
              "compressed": (20, "<I"), "size": (24, "<I"), "name_length": (28, "<H"), "extra_length": (30, "<H"),
              "offset": (42, "<I")},
    LOCAL: {"version_needed": (4, "<H"), "flags": (6, "<H"), "method": (8, "<H"), "crc": (14, "<I"),
            "compressed": (18, "<I"), "size": (22, "<I"), "name_length": (26, "<H"), "extra_length": (28, "<H")},
}
INTERESTING = (0, 1, 8, 12, 14, 20, 45, 63, 64, 70, 93, 95, 98, 99, 0x7FFF, 0xFFFF, 0xFFFFFFFF)
SETTINGS = settings(max_examples=40, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@cache
def workbook() -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "filled.xlsx"
        write_workbook(consistent_report("2021", random.Random(7), 2024), path)
        return path.read_bytes()


@cache
def word() -> bytes:
    return render(consistent_report("2021", random.Random(8), 2024), "docx")


@cache
def archive() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("乡镇/a.xlsx", workbook())
        zipped.writestr("乡镇/b.xlsx", workbook())
    return buffer.getvalue()


@cache
def gbk_names_marked_utf8() -> bytes:
    """A zip of submissions whose names are GBK while their flag says UTF-8 (a wrong mark, as some archivers write)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("xiangzhen.xlsx", workbook())
    named = buffer.getvalue().replace(b"xiangzhen", "乡镇年报报送".encode("gbk")[:9])
    return set_everywhere(named, "flags", 0x800)


def headers(data: bytes, signature: bytes) -> list[int]:
    found, start = [], data.find(signature)
    while start >= 0:
        found.append(start)
        start = data.find(signature, start + 4)
    return found


@st.composite
def damaged(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` with one damage drawn: a header field set, compressed bytes flipped, or the file cut short."""
    kind = draw(st.sampled_from(("field", "flip", "cut")))
    if kind == "cut":
        return data[:draw(st.integers(0, len(data) - 1))]
    if kind == "flip":
        local = draw(st.sampled_from(headers(data, LOCAL)))
        name_length, extra_length = struct.unpack_from("<HH", data, local + 26)
        begin = local + 30 + name_length + extra_length
        start = draw(st.integers(begin, min(begin + 64, len(data) - 1)))
        mask = draw(st.integers(1, 255))
        flipped = bytearray(data)
        for i in range(start, min(start + draw(st.integers(1, 32)), len(data))):
            flipped[i] ^= mask
        return bytes(flipped)
    signature = draw(st.sampled_from((CENTRAL, LOCAL)))
    at = draw(st.sampled_from(headers(data, signature)))
    offset, form = FIELDS[signature][draw(st.sampled_from(sorted(FIELDS[signature])))]
    limit = 0xFFFF if form == "<H" else 0xFFFFFFFF
    value = draw(st.sampled_from([v for v in INTERESTING if v <= limit]) | st.integers(0, limit))
    changed = bytearray(data)
    struct.pack_into(form, changed, at + offset, value)
    return bytes(changed)


def set_everywhere(data: bytes, field: str, value: int) -> bytes:
    """``field`` set to ``value`` in every central directory header (the cases found by hand)."""
    offset, form = FIELDS[CENTRAL][field]
    changed = bytearray(data)
    for at in headers(data, CENTRAL):
        struct.pack_into(form, changed, at + offset, value)
    return bytes(changed)


def flip_first_member(data: bytes) -> bytes:
    name_length, extra_length = struct.unpack_from("<HH", data, 26)
    begin = 30 + name_length + extra_length
    return data[:begin + 2] + bytes(b ^ 0x5A for b in data[begin + 2:begin + 30]) + data[begin + 30:]


def assert_coded(argv: list[str]) -> str:
    """Runs ``argv``; its stderr, after checking it is a coded message (never E_INTERNAL or a traceback)."""
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    text = out.getvalue() + err.getvalue()
    assert code in (0, 1, 2), (argv, code, text[-1000:])
    assert "Traceback" not in text and "E_INTERNAL" not in text, text[-1000:]
    if code == 2:
        assert "[E_" in err.getvalue(), err.getvalue()
    return err.getvalue()


BASES = {".xlsx": workbook, ".docx": word}
CHINESE_CAUSE = re.compile(r"压缩包或其中的文件无法读取：(?:无法解压：)?[\u4e00-\u9fff]")
KNOWN = {"newer zip version": lambda data: set_everywhere(data, "version_needed", 70),
         "unknown method": lambda data: set_everywhere(data, "method", 99),
         "damaged deflate stream": flip_first_member}


@pytest.mark.parametrize("suffix", sorted(BASES))
@pytest.mark.parametrize("damage", sorted(KNOWN))
def test_the_damage_found_by_hand_gets_a_coded_message(suffix: str, damage: str, tmp_path: Path) -> None:
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(KNOWN[damage](BASES[suffix]()))
    message = assert_coded(["validate", str(path)])
    # the reader its name promises says what is wrong, never "a kind of file gaip-xl does not read" (the flipped
    # first member of the workbook is a part the reader never reads: that workbook is read)
    expected = {".docx": "[E_DOCUMENT]", ".xlsx": {"newer zip version": "[E_NOT_XLSX]",
                                                    "unknown method": "[E_ZIP_BOMB]"}.get(damage, "")}[suffix]
    assert expected in message, message


def test_a_zip_named_docx_that_is_no_word_document_says_so(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(archive())
    assert "[E_DOCUMENT]" in assert_coded(["validate", str(path)])


@pytest.mark.parametrize("suffix", sorted(BASES))
@SETTINGS
@given(data=st.data())
def test_any_drawn_damage_gets_a_coded_message(suffix: str, data: st.DataObject, tmp_path: Path) -> None:
    path = tmp_path / f"damaged{suffix}"
    path.write_bytes(data.draw(damaged(BASES[suffix]())))
    assert_coded(["validate", str(path)])


@settings(SETTINGS, max_examples=15)
@given(outer=damaged(archive()), inner=damaged(workbook()))
@example(outer=set_everywhere(archive(), "version_needed", 70), inner=workbook())
@example(outer=flip_first_member(archive()), inner=flip_first_member(workbook()))
@example(outer=set_everywhere(archive(), "method", 99), inner=set_everywhere(workbook(), "method", 99))
@example(outer=gbk_names_marked_utf8(), inner=workbook())
def test_bulk_gives_every_damaged_file_its_row(outer: bytes, inner: bytes, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("damaged")
    inbox = folder / "in"
    inbox.mkdir()
    (inbox / "batch.zip").write_bytes(outer)
    (inbox / "c.xlsx").write_bytes(inner)
    result = run_bulk([inbox], folder / "out", jobs=1)
    assert sum(result.counts.values()) == result.total >= 2  # the zip gives one row at least, whatever its damage
    codes = [row["code"] for row in result.files]
    assert "E_INTERNAL" not in codes, codes
    for row in result.files:  # the cause in Chinese first, zipfile's own words only after it
        if row["code"] == "E_ARCHIVE":
            assert CHINESE_CAUSE.match(row["message"]), row["message"]
