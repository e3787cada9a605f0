"""The MS-OVBA compression (MS-OVBA 2.4.1), which every stream of a vbaProject.bin that holds VBA source uses.

Written here because the compressor of ms-ovba-compression 1.0.1 (which ms-ovba calls) corrupts its output on
real modules: it does not even read back with its own decompressor, nor with olevba's. The build swaps this one in
while ms-ovba writes (``patched_ms_ovba``); the tests check it against olevba's decompressor.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager

CHUNK = 4096
MIN_MATCH = 3


def _bit_count(difference: int) -> int:
    """Bits of a copy token's offset at ``difference`` bytes into the decompressed chunk (at least 4)."""
    count = 4
    while (1 << count) < difference:
        count += 1
    return count


def _longest_match(data: bytes, start: int, pos: int, end: int, candidates: list[int], limit: int) -> tuple[int, int]:
    best_length, best_offset = 0, 0
    for candidate in reversed(candidates[-256:]):  # the most recent first; bounded so compression stays fast
        length = 0
        while pos + length < end and length < limit and data[candidate + length] == data[pos + length]:
            length += 1
        if length > best_length:
            best_length, best_offset = length, pos - candidate
            if length == limit:
                break
    return best_length, best_offset


def _compress_chunk(data: bytes, start: int) -> bytes:
    end = min(start + CHUNK, len(data))
    out = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos = start
    while pos < end:
        flag_index = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            bits = _bit_count(pos - start)
            limit = min((0xFFFF >> bits) + 3, end - pos)
            key = data[pos:pos + MIN_MATCH]
            length, offset = _longest_match(data, start, pos, end, seen.get(key, []), limit) \
                if len(key) == MIN_MATCH and pos > start else (0, 0)
            if length >= MIN_MATCH:
                token = ((offset - 1) << (16 - bits)) | (length - MIN_MATCH)
                out += struct.pack("<H", token)
                out[flag_index] |= 1 << bit
                step = length
            else:
                out.append(data[pos])
                step = 1
            for p in range(pos, pos + step):
                seen.setdefault(data[p:p + MIN_MATCH], []).append(p)
            pos += step
    if len(out) > CHUNK:  # incompressible (never VBA text): a raw chunk of 4096 bytes, the last one padded as the
        # specification does
        raw = data[start:end].ljust(CHUNK, b"\x00")
        return struct.pack("<H", (CHUNK - 1) | (0b011 << 12)) + raw
    header = (len(out) + 2 - 3) | (0b011 << 12) | (1 << 15)
    return struct.pack("<H", header) + bytes(out)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: the signature byte 0x01 and one compressed chunk per 4096 bytes of ``data``."""
    return b"\x01" + b"".join(_compress_chunk(data, start) for start in range(0, len(data), CHUNK))


@contextmanager
def patched_ms_ovba() -> Iterator[None]:
    """ms-ovba with this compressor in place of ms-ovba-compression's, for the duration of a build."""
    from ms_ovba_compression.ms_ovba import MsOvba

    original = MsOvba.compress
    MsOvba.compress = lambda self, data: compress(bytes(data))  # type: ignore[method-assign]
    try:
        yield
    finally:
        MsOvba.compress = original  # type: ignore[method-assign]
