"""The batch's outputs, rebuilt from the run's store in input order: the same inputs always give the same files.

One pass over the stored results writes, submission by submission, the summary workbook's rows, the findings (CSV,
JSON lines and the workbook's second sheet) and tidy.csv, and adds each report to the roll-up it counts in; then the
counts and the roll-ups are written. Nothing is held in memory for long. Each output goes to a temporary file and is
renamed into place when complete.
"""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..atomic import atomic_path
from ..inert import ExcelCsvWriter
from ..report.tidy import TIDY_COLUMNS, TIDY_CSV, tidy_bytes
from ..roster import Reconciliation, RosterEntry, name_key, reconcile
from .rollup import FOLDER as ROLLUP_FOLDER
from .rollup import Planner, Rollup, RollupIdentity
from .store import RunStore
from .summary_book import OFF_ROSTER, ON_ROSTER, TOTAL_NAMES, SummaryBook
from .worker import ERRORS, FINDING_COLUMNS, OK, UNREADABLE

SUMMARY_XLSX, FINDINGS_CSV, FINDINGS_JSONL = "summary.xlsx", "findings.csv", "findings.jsonl"
FINDINGS_CSV_COLUMNS = (*FINDING_COLUMNS[:1], "kind", "agency", "year", *FINDING_COLUMNS[1:])
BOM = "\ufeff"  # so that Excel opens the CSV files as UTF-8


@dataclass
class Assembly:
    total: int
    counts: dict[str, int]
    duplicates: set[str]
    rollups: list[Rollup] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # warnings open and explained, stale 说明, import notes
    roster: Reconciliation | None = None
    off_roster: int = 0  # submissions whose agency is not on the roster


class RosterCheck:
    """Each submission's agency looked up on the roster as the rows go by (only the roster is held, and the names
    of its agencies that submitted); ``reconcile`` at the end gives who is missing."""

    def __init__(self, entries: list[RosterEntry]) -> None:
        self.entries = entries
        self.keys = {entry.key for entry in entries}
        self.found: dict[str, str] = {}  # roster key → a submitted name
        self.strangers: dict[str, tuple[str, str]] = {}  # key of a name not on the roster → (the name, its first file)
        self.off_roster = 0

    def mark(self, agency: str | None, file: str = "") -> str | None:
        if not agency or not name_key(agency):
            return None  # unreadable, or no agency named: nothing to match
        key = name_key(agency)
        if key in self.keys:
            self.found.setdefault(key, agency)
            return ON_ROSTER
        self.off_roster += 1
        self.strangers.setdefault(key, (agency, file))
        return OFF_ROSTER

    def result(self) -> Reconciliation:
        return reconcile(self.entries, [*self.found.values(), *(name for name, _ in self.strangers.values())])

    def hint(self, reconciliation: Reconciliation, entry: RosterEntry) -> str | None:
        """For a roster agency with no submission, the submission under a name that resembles it (a hint to check,
        never counted as its submission)."""
        for name, similar in reconciliation.similar.items():
            if similar.key == entry.key:
                file = self.strangers[name_key(name)][1]
                return f"未收到；有一份名称相近的提交：“{name}”（{file}），请核对机关名称是否写错"
        return None


def assemble(store: RunStore, out_dir: Path, identity: RollupIdentity, ignored: int,
             roster: list[RosterEntry] | None = None) -> Assembly:
    planner = Planner(store)
    duplicates = planner.duplicates
    counts: Counter[str] = Counter({OK: 0, ERRORS: 0, UNREADABLE: 0})
    totals: Counter[str] = Counter(dict.fromkeys(TOTAL_NAMES, 0))
    check = RosterCheck(roster) if roster is not None else None
    paths = [out_dir / name for name in (FINDINGS_CSV, FINDINGS_JSONL, TIDY_CSV, SUMMARY_XLSX)]
    with ExitStack() as stack:
        temporary = [stack.enter_context(atomic_path(p)) for p in paths]
        streams = [stack.enter_context(open(t, "w", encoding="utf-8", newline="")) for t in temporary[:2]]
        tidy = stack.enter_context(open(temporary[2], "wb"))  # bytes: its lines are joined from bytes (tidy_bytes)
        scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="xlsx-", dir=store.folder,
                                                                    ignore_cleanup_errors=True))
        book = SummaryBook(temporary[3], scratch)
        findings = _start(streams, tidy)
        for summary, detail in store.rows():
            counts[summary["status"]] += 1
            _add_totals(totals, summary)
            book.add_file(summary, summary["file"] in duplicates,
                          check.mark(summary["agency"], summary["file"]) if check else None)
            facts = {"kind": summary.get("kind", ""), "agency": summary["agency"], "year": summary["year"]}
            for row in detail["findings"]:
                row = {**row, **facts}
                findings.writerow(row)
                streams[1].write(json.dumps(row, ensure_ascii=False) + "\n")
                book.add_finding(row, summary["agency"])
            values = detail.get("values")
            if values is not None:  # unreadable: no figures
                tidy.write(tidy_bytes(summary["file"], summary["agency"], summary["year"], summary["edition"], values))
            rollup = planner.consider(summary)
            if rollup is not None and values is not None:
                rollup.add(values)
        reconciliation = check.result() if check else None
        if check is not None and reconciliation is not None:
            for entry in reconciliation.missing:
                book.add_missing(entry, check.hint(reconciliation, entry))
        total = sum(counts.values())
        roster_counts = ({**reconciliation.counts, "not_on_roster": check.off_roster}
                         if reconciliation and check else None)
        book.add_counts(counts, total, len(duplicates), ignored, dict(totals), roster_counts)
        book.close()
        for stream in (*streams, tidy):
            stream.close()
    store.commit()  # the roll-ups' lists, read back while they are written
    rollups = planner.rollups()
    written = [path for rollup in rollups if rollup.included_count  # a roll-up that counts no report is not written
               for path in rollup.write(out_dir / ROLLUP_FOLDER, identity)]
    return Assembly(total, dict(counts), duplicates, rollups, [*paths, *written], dict(totals), reconciliation,
                    check.off_roster if check else 0)


def _add_totals(totals: Counter[str], summary: dict[str, Any]) -> None:
    for key in ("open_warnings", "explained_warnings", "stale_explanations"):
        totals[key] += summary.get(key) or 0
    totals["documents"] += summary.get("imported") is not None  # a published document read (its figures counted)
    totals["import_notes"] += summary.get("import_notes") or 0


def _start(streams: Sequence[IO[str]], tidy: IO[bytes]) -> Any:
    """Headers (and the BOM of the CSV files); the findings' CSV writer."""
    findings_csv, _ = streams
    findings_csv.write(BOM)
    findings = ExcelCsvWriter(findings_csv, FINDINGS_CSV_COLUMNS)  # meant for Excel: no text becomes a formula
    findings.writeheader()
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(TIDY_COLUMNS)  # tidy.csv: values as submitted (pandas)
    tidy.write((BOM + header.getvalue()).encode())
    return findings
