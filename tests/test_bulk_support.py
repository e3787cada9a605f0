"""Batches for the bulk tests, built from the real cases, the converter's bad-input corpus and the benchmark's
synthetic workbooks; and a check that those synthetic workbooks are what they claim to be."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import pytest
from builders import CASES, case_document, load_case

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.format import EDITIONS
from gaip_xl.report.tidy import tidy_chunk

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402


@cache
def case_workbook_bytes(name: str, break_total: bool = False) -> bytes:
    """The real published report ``name`` as a filled template (and, if asked, with a wrong 总计)."""
    document = case_document(name)
    if break_total:
        document["tables"]["s3"]["total"]["natural"] += 5  # breaks R1, R2 and R3
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.xlsx"
        write_workbook(Report.from_json(json.dumps(document)), target)
        return target.read_bytes()


def write_case(path: Path, name: str, break_total: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case_workbook_bytes(name, break_total))
    return path


def copy_corpus(folder: Path, *names: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(CORPUS / name, folder / name)


class _GbkName(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):  # zipfile's own name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def gbk_member(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    """A member named as Chinese Windows' zip tools do: GBK bytes without the UTF-8 flag."""
    archive.writestr(_GbkName(name), data)


def tree_digest(folder: Path, skip: str | None = None) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and (skip is None or skip not in p.parts)}


def case_figures(name: str) -> dict:
    return Report.load(CASES / f"{name}.json").figures


def test_synthetic_workbooks_are_valid_reports_of_different_agencies(tmp_path):
    paths = synthetic.make_batch(tmp_path, 5, distinct=2)
    reports = [read_workbook(p) for p in paths]
    assert len({r.agency.name for r in reports}) == 5
    assert all(validate(r).valid for r in reports)
    assert reports[2].figures == reports[0].figures  # a copy of the first distinct report, renamed
    assert reports[1].figures != reports[0].figures


TEXT_AND_OTHERS = ["a,b", 'q"x', "l\nm", "r\rs", " lead", 1.5, True, [1, 2], {"a": "b,c"}, "", -3, 2**60, 1e20,
                   float("nan")]
NUMBERS_ONLY = [1.5, 0.1, -3, 2**60, 1e20, 1e-7, 123456789.125, float("nan"), float("inf"), 0, None, -0.0, True]


@pytest.mark.parametrize("odd", [TEXT_AND_OTHERS, NUMBERS_ONLY], ids=["with-text", "numbers-only"])
def test_tidy_chunk_is_what_csv_writer_writes(odd):
    report = load_case("huaian-2024")
    for code, value in zip(list(report.figures), odd, strict=False):
        report.figures[code] = value
    report.agency.name = '名,"称"\n'
    expected = io.StringIO()
    head = ("县/a,b.xlsx", report.agency.name, report.year, report.edition.code)
    csv.writer(expected, lineterminator="\r\n").writerows(
        (*head, c.table.code, c.row.code, c.column.code, c.code, c.label, report.figures.get(c.code))
        for c in EDITIONS[report.edition.code].cells)
    assert tidy_chunk("县/a,b.xlsx", report) == expected.getvalue()
