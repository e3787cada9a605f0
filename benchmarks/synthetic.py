"""Synthetic filled workbooks for benchmarks and tests: real, valid templates, many of them, quickly.

Filling a template through openpyxl costs about 100 ms, so ``DISTINCT`` workbooks are filled that way (each a
random report whose 勾稽关系 all hold, built by ``tests/builders.consistent_report``), and every further workbook is
a copy of one of them with its agency name rewritten in ``xl/sharedStrings.xml``: each file is a different
agency's report, byte for byte a workbook as ``write_workbook`` makes it (the name is written as an inline string
of the sheet, so only that sheet's XML changes).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from builders import consistent_report  # noqa: E402

from gaip_xl import write_workbook  # noqa: E402
from gaip_xl.report import Report  # noqa: E402

DISTINCT = 16


def agency(index: int) -> str:
    return f"合成第{index:07d}号县级机关"


def report(index: int, seed: int = 1, year: int = 2024) -> Report:
    built = consistent_report("2021", random.Random(seed * 1_000_003 + index), year)
    built.agency.name = agency(index)
    return built


def rename(data: bytes, old: str, new: str) -> bytes:
    """The workbook ``data`` with the text ``old`` replaced by ``new`` in every part that holds it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    replaced = 0
    with source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.endswith(".xml") and old.encode() in content:
                content = content.replace(old.encode(), new.encode())
                replaced += 1
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    assert replaced, f"“{old}” is not in the workbook"
    return buffer.getvalue()


def make_batch(folder: Path, count: int, seed: int = 1, distinct: int = DISTINCT) -> list[Path]:
    """``count`` filled workbooks ``folder/NNNNNNN.xlsx``, each of a different agency (2024, edition 2021)."""
    folder.mkdir(parents=True, exist_ok=True)
    bases: list[bytes] = []
    for i in range(min(distinct, count)):
        path = folder / f"{i:07d}.xlsx"
        write_workbook(report(i, seed), path)
        bases.append(path.read_bytes())
    paths = [folder / f"{i:07d}.xlsx" for i in range(count)]
    for i in range(len(bases), count):
        base = i % len(bases)
        paths[i].write_bytes(rename(bases[base], agency(base), agency(i)))
    return paths
