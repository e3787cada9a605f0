"""The office's downloads of a collection, made by the code of ``gaip-xl bulk`` (``run_bulk``) over the latest
submitted report of every agency: summary.xlsx, findings, the tidy table and the roll-up (汇总).

Each report goes to bulk as the JSON kept with its submission (with the 说明 the clerk wrote, which the uploaded
file may not hold, and from a workbook or a published document alike), written into a private temporary folder
under its agency's name (so every output names the agency), and ``run_bulk`` runs in a freshly spawned process:
bulk forks its workers, which a threaded web server must not do itself.
"""

from __future__ import annotations

import io
import multiprocessing
import re
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from ..files import DERIVED_NAME_BYTES, bounded
from ..format import edition_for_year
from ..inert import ExcelCsvWriter
from ..roster import ROSTER_FIELDS

# download name → the file run_bulk writes (the roll-up files are found by pattern: one per year and edition)
BULK_FILES = {"summary.xlsx": "summary.xlsx", "findings.csv": "findings.csv", "findings.jsonl": "findings.jsonl",
              "tidy.csv": "tidy.csv", "rollup.xlsx": "rollup/rollup-*.xlsx", "rollup.json": "rollup/rollup-*.json"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def _run(inputs: str, out: str, office_name: str, office_level: str) -> None:
    from ..bulk import RollupIdentity, run_bulk

    run_bulk([inputs], out, jobs=1, identity=RollupIdentity(office_name, office_level))


def bulk_outputs(documents: list[tuple[str, str]], office_name: str, office_level: str, work: Path) -> Path:
    """Runs bulk over ``documents`` (agency, submitted report JSON) inside ``work``; returns its output folder."""
    inputs, out = work / "报送", work / "out"
    inputs.mkdir()
    for name, (_, document) in zip(input_names([agency for agency, _ in documents]), documents, strict=True):
        (inputs / name).write_text(document, encoding="utf-8")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        pool.submit(_run, str(inputs), str(out), office_name, office_level).result()
    return out


def input_names(agencies: Sequence[str]) -> list[str]:
    """A file name for each agency's report, its name made safe on every file system and cut to fit it (a name of
    200 Chinese characters is 600 bytes); never the same for two (in any case: two names that are safe alike, or
    alike ignoring case, or alike as far as they are kept, get "（2）", "（3）" …), so no report overwrites another
    and every output still names its agency."""
    taken: set[str] = set()
    names = []
    for agency in agencies:
        stem = bounded(_UNSAFE.sub("_", agency), DERIVED_NAME_BYTES - 32) or "_"
        name, number = stem, 1
        while name.casefold() in taken:
            number += 1
            name = f"{stem}（{number}）"
        taken.add(name.casefold())
        names.append(f"{name}.json")
    return names


def bulk_file(out: Path, name: str, year: int) -> Path | None:
    """The file bulk wrote for download ``name``; for the roll-up, the one of the collection's year in its edition
    (bulk writes one per year and edition: the first found could be the table of one agency's odd report)."""
    pattern = BULK_FILES.get(name)
    if pattern is None:
        return None
    found = out / pattern.replace("*", f"{year}-{edition_for_year(year).code}")
    return found if found.is_file() else None


def private_workdir(root: Path) -> Path:
    return Path(tempfile.mkdtemp(prefix="export-", dir=root))


def agencies_csv(rows: Sequence[Sequence[str | None]], extra_headers: tuple[str, ...]) -> bytes:
    """A roster-like CSV (UTF-8 with BOM, for Excel): the roster's own headers, then ``extra_headers``."""
    buffer = io.StringIO()
    writer = ExcelCsvWriter(buffer)  # meant for Excel: no agency name or contact becomes a formula
    writer.writerow([f.label for f in ROSTER_FIELDS] + list(extra_headers))
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
