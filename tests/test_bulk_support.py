"""Batches for the bulk tests, built from the real cases, the converter's bad-input corpus and the benchmark's
synthetic workbooks; and a check that those synthetic workbooks are what they claim to be."""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
import zipfile
from functools import cache
from pathlib import Path

from builders import CASES, case_document

from gaip_xl import Report, read_workbook, validate, write_workbook

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


def outputs_digest(out: Path) -> dict[str, str]:
    """Every file a bulk run leaves, by content: the run's store (a cache) aside. Two runs that end alike give
    equal digests (what the kill-and-rerun and failing-disk tests compare)."""
    from gaip_xl.bulk.store import STATE_DIR

    return tree_digest(out, skip=STATE_DIR)


def case_figures(name: str) -> dict:
    return Report.load(CASES / f"{name}.json").figures


def test_synthetic_workbooks_are_valid_reports_of_different_agencies(tmp_path):
    paths = synthetic.make_batch(tmp_path, 5, distinct=2)
    reports = [read_workbook(p) for p in paths]
    assert len({r.agency.name for r in reports}) == 5
    assert all(validate(r).valid for r in reports)
    assert reports[2].figures == reports[0].figures  # a copy of the first distinct report, renamed
    assert reports[1].figures != reports[0].figures
