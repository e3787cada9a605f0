"""The batch's outputs, rebuilt from the journal in input order: the same inputs always give the same files.

The short summaries are copied from the journal to a temporary file (``SummaryRows``) and read from there in passes:
the duplicates, then each submission's roll-up (which one it counts in, if any; its entry spooled to the roll-up's
list). Then two processes share the rest, each reading the journal's lines in input order: a second process writes
tidy.csv (rendered from each submission's figure values) and sums and writes the roll-ups, while this one writes
findings.csv, findings.jsonl and summary.xlsx. None is held in memory for long. Each output goes to a temporary file
and is renamed into place when complete.
"""

from __future__ import annotations

import csv
import json
from array import array
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO

from ..atomic import atomic_path
from .pool import Beside
from .rollup import FOLDER as ROLLUP_FOLDER
from .rollup import Planner, Rollup, RollupIdentity, duplicate_groups, remove_leftover_spools, write_all
from .state import Journal, SummaryRows, read_lines
from .summary_book import SummaryBook
from .tidy import TIDY_COLUMNS, TIDY_CSV, tidy_lines
from .worker import ERRORS, FINDING_COLUMNS, OK, UNREADABLE

SUMMARY_XLSX, FINDINGS_CSV, FINDINGS_JSONL = "summary.xlsx", "findings.csv", "findings.jsonl"
FINDINGS_CSV_COLUMNS = (*FINDING_COLUMNS[:1], "agency", "year", *FINDING_COLUMNS[1:])
BOM = "\ufeff"  # so that Excel opens the CSV files as UTF-8
NOT_COUNTED = -1

Sums = tuple[dict[str, int], dict[str, Decimal]]
Key = tuple[int, str]  # a roll-up's year and edition


@dataclass
class Assembly:
    summaries: SummaryRows
    counts: dict[str, int]
    duplicates: set[str]
    rollups: list[Rollup] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def prepare_assembly() -> None:
    """Imports what writing a roll-up needs (openpyxl and the template generator: about 0.15 s and 18 MB), in the
    second process, forked before the workers and preparing while they read the workbooks, rather than at the end
    when nothing else is left to do; the bulk process itself never needs them."""
    from ..excel import writer  # noqa: F401
    from ..template import builder  # noqa: F401


def assemble(journal: Journal, keys: Iterable[str], out_dir: Path, identity: RollupIdentity, ignored: int,
             beside: Beside) -> Assembly:
    """Every output of the batch; ``beside`` is the second process, started before the workers by
    ``Beside(prepare_assembly)``."""
    summaries = SummaryRows(journal, keys)
    groups = duplicate_groups(summaries)
    duplicates = {s["file"] for group in groups.values() for s in group}
    remove_leftover_spools(journal.folder)
    counts = Counter({OK: 0, ERRORS: 0, UNREADABLE: 0})
    planner = Planner(groups, journal.folder)
    counted, membership = _plan(summaries, planner, counts)
    rollups = planner.rollups()
    # tidy.csv and the roll-ups in a second process, while this one writes the findings and the summary workbook
    beside.start(_tidy_and_rollups, journal.path, summaries.journal_offsets, membership, counted, rollups, out_dir,
                 identity)
    paths = [out_dir / name for name in (FINDINGS_CSV, FINDINGS_JSONL, SUMMARY_XLSX)]
    with ExitStack() as stack:
        temporary = [stack.enter_context(atomic_path(p)) for p in paths]
        streams: list[IO[str]] = [stack.enter_context(open(t, "w", encoding="utf-8", newline=""))
                                  for t in temporary[:2]]
        book = SummaryBook(temporary[2])
        _stream_findings(journal, summaries, streams, book)
        for stream in streams:
            stream.close()
        book.add_files(summaries, duplicates)
        book.add_counts(counts, len(summaries), len(duplicates), ignored)
        book.close()
    tidy, written, sums = beside.result()
    for rollup, rollup_sums in zip(rollups, sums, strict=True):
        rollup.sums = rollup_sums  # the sums were made in the other process
    return Assembly(summaries, dict(counts), duplicates, rollups, [*paths, tidy, *written])


def _plan(summaries: SummaryRows, planner: Planner, counts: Counter[str]) -> tuple[list[Key], array[int]]:
    """For each submission in input order, the number of the roll-up it counts in (``NOT_COUNTED``: none), and the
    roll-ups' (year, edition) by number; each entry is spooled to its roll-up's list as it goes. Counts the statuses
    too."""
    membership = array("i")
    numbers: dict[Key, int] = {}  # (year, edition) → its number, in order of first appearance
    for s in summaries:
        counts[s["status"]] += 1
        rollup = planner.consider(s)
        membership.append(NOT_COUNTED if rollup is None else numbers.setdefault((rollup.year, rollup.edition),
                                                                                 len(numbers)))
    return list(numbers), membership


def _stream_findings(journal: Journal, summaries: SummaryRows, streams: list[IO[str]], book: SummaryBook) -> None:
    findings_csv, findings_jsonl = streams
    findings_csv.write(BOM)
    findings = csv.DictWriter(findings_csv, FINDINGS_CSV_COLUMNS, lineterminator="\r\n")
    findings.writeheader()
    for offset, summary in zip(summaries.journal_offsets, summaries, strict=True):
        detail = json.loads(journal.line_at(offset)[2])
        facts = {"agency": summary["agency"], "year": summary["year"]}
        for row in detail["findings"]:
            row = {**row, **facts}
            findings.writerow(row)
            findings_jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            book.add_finding(row, summary["agency"])


def _tidy_and_rollups(journal_path: Path, offsets: array[int], membership: array[int], counted: list[Key],
                      rollups: list[Rollup], out_dir: Path, identity: RollupIdentity) \
        -> tuple[Path, list[Path], list[Sums]]:
    """tidy.csv and the roll-ups' sums, in one pass over the journal in input order; then the roll-ups written.
    ``membership`` numbers the roll-up each submission counts in; ``counted`` gives each number's (year, edition)."""
    by_key = {(r.year, r.edition): r for r in rollups}
    by_number = [by_key[key] for key in counted]
    target = out_dir / TIDY_CSV
    with atomic_path(target) as temporary, open(temporary, "w", encoding="utf-8", newline="") as stream:
        stream.write(BOM)
        csv.writer(stream, lineterminator="\r\n").writerow(TIDY_COLUMNS)
        for (summary, detail), member in zip(read_lines(journal_path, offsets), membership, strict=True):
            values = detail.get("values")
            if values is None:
                continue  # unreadable: no figures
            stream.write(tidy_lines(summary["file"], summary["agency"], summary["year"], summary["edition"], values))
            if member != NOT_COUNTED:
                by_number[member].add(values)
        stream.close()
    written = write_all(rollups, out_dir / ROLLUP_FOLDER, identity)
    return target, written, [r.sums for r in rollups]
