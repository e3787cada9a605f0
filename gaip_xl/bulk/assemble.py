"""The batch's outputs, rebuilt from the journal in input order: the same inputs always give the same files.

The short summaries are copied from the journal to a temporary file (``SummaryRows``) and read from there in passes:
the duplicates, then the details (each submission's findings, tidy rows and figures streamed to findings.csv,
findings.jsonl, tidy.csv, the findings sheet, and its roll-up entry and sum), then the files sheet. None is held in
memory for long. Each output goes to a temporary file and is renamed into place when complete.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ..atomic import atomic_path
from .pool import Beside
from .rollup import FOLDER as ROLLUP_FOLDER
from .rollup import Planner, Rollup, RollupIdentity, duplicate_groups, remove_leftover_spools, write_all
from .stable import stabilise
from .state import Journal, SummaryRows
from .summary_book import SummaryBook
from .worker import ERRORS, FINDING_COLUMNS, OK, TIDY_COLUMNS, UNREADABLE

SUMMARY_XLSX, FINDINGS_CSV, FINDINGS_JSONL, TIDY_CSV = "summary.xlsx", "findings.csv", "findings.jsonl", "tidy.csv"
FINDINGS_CSV_COLUMNS = (*FINDING_COLUMNS[:1], "agency", "year", *FINDING_COLUMNS[1:])
BOM = "\ufeff"  # so that Excel opens the CSV files as UTF-8


@dataclass
class Assembly:
    summaries: SummaryRows
    counts: dict[str, int]
    duplicates: set[str]
    rollups: list[Rollup] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)


def assemble(journal: Journal, keys: Iterable[str], out_dir: Path, identity: RollupIdentity, ignored: int) -> Assembly:
    summaries = SummaryRows(journal, keys)
    groups = duplicate_groups(summaries)
    duplicates = {s["file"] for group in groups.values() for s in group}
    remove_leftover_spools(journal.folder)
    planner = Planner(groups, journal.folder)
    counts = Counter({OK: 0, ERRORS: 0, UNREADABLE: 0})
    counts.update(s["status"] for s in summaries)
    book = SummaryBook()
    paths = [out_dir / name for name in (FINDINGS_CSV, FINDINGS_JSONL, TIDY_CSV, SUMMARY_XLSX)]
    with ExitStack() as stack:
        temporary = [stack.enter_context(atomic_path(p)) for p in paths]
        streams = [stack.enter_context(open(t, "w", encoding="utf-8", newline="")) for t in temporary[:3]]
        _stream_details(journal, keys, summaries, streams, book, planner)
        for stream in streams:
            stream.close()
        # the roll-ups are final now: written in a second process while this one writes the summary workbook
        rollups = planner.rollups()
        beside = Beside(write_all, rollups, out_dir / ROLLUP_FOLDER, identity, private_fds=journal.private_fds)
        book.add_files(summaries, duplicates)
        book.add_counts(counts, len(summaries), len(duplicates), ignored)
        book.save(temporary[3])
        stabilise(temporary[3])
    written = paths + beside.result()
    return Assembly(summaries, dict(counts), duplicates, rollups, written)


def _stream_details(journal: Journal, keys: Iterable[str], summaries: SummaryRows, streams: list[IO[str]],
                    book: SummaryBook, planner: Planner) -> None:
    findings_csv, findings_jsonl, tidy_csv = streams
    findings_csv.write(BOM)
    tidy_csv.write(BOM)
    findings = csv.DictWriter(findings_csv, FINDINGS_CSV_COLUMNS, lineterminator="\r\n")
    findings.writeheader()
    csv.writer(tidy_csv, lineterminator="\r\n").writerow(TIDY_COLUMNS)
    for key, summary in zip(keys, summaries, strict=True):
        detail = journal.detail(key)
        facts = {"agency": summary["agency"], "year": summary["year"]}
        for row in detail["findings"]:
            row = {**row, **facts}
            findings.writerow(row)
            findings_jsonl.write(json.dumps(row, ensure_ascii=False) + "\n")
            book.add_finding(row, summary["agency"])
        tidy_csv.write(detail["tidy"])
        rollup = planner.consider(summary)  # its roll-up entry, in input order; the roll-up it counts in, if any
        if rollup is not None:
            rollup.add(detail.get("figures") or {})
