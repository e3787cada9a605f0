"""``run_bulk``: every submission in the inputs converted, checked and summed; the Python API of ``gaip-xl bulk``.

Steps: list the submissions into the run's store (``discover``); read each one's bytes and content hash in this
process, skip it if the store already holds its result, else send those very bytes to a worker (``pool``: each byte
is read once, and what is hashed is what is checked); store every result as it comes; then rebuild every output
from the store in input order (``assemble``) and remove outputs that no longer belong to any input. Inputs are only
ever opened for reading.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..atomic import failed, remove_file
from ..errors import FileMissing, GaipError, OutputOverlapsInput
from ..roster import Reconciliation, RosterEntry
from .assemble import assemble
from .discover import Discovery, Source, iter_bytes, raw, shown
from .owned import REPORTS, claim_folder, is_own_output, is_own_temporary
from .pool import WorkerPool, default_workers
from .progress import Progress, identity_text
from .rollup import FOLDER as ROLLUP_FOLDER
from .rollup import Rollup, RollupIdentity
from .store import RunStore, StoredRows, content_hash, input_key, json_name
from .worker import ERRORS, OK, UNREADABLE, Job, Record, unreadable

if TYPE_CHECKING:
    import pandas

REPORTS_FOLDER = REPORTS


@dataclass
class BulkResult:
    out_dir: Path
    total: int
    counts: dict[str, int]
    duplicates: list[str]
    skipped: int  # unchanged since the last run: taken from the store
    ignored: list[str]
    rollups: list[Rollup] = field(default_factory=list)
    # one summary row per submission, in input order (a list, or the rows read back from the run's store)
    files: Sequence[dict[str, Any]] = field(default_factory=list)
    totals: dict[str, int] = field(default_factory=dict)  # open_warnings, explained_warnings, stale_explanations …
    roster: Reconciliation | None = None  # with a roster: expected, submitted, missing (``roster.missing``)
    off_roster: int = 0  # submissions whose agency is not on the roster

    @property
    def ok(self) -> int:
        return self.counts[OK]

    @property
    def errors(self) -> int:
        return self.counts[ERRORS]

    @property
    def unreadable(self) -> int:
        return self.counts[UNREADABLE]

    @property
    def exit_code(self) -> int:
        return 0 if self.ok == self.total else 1

    def frame(self) -> pandas.DataFrame:
        """Every figure of every readable report as a tidy pandas DataFrame (see ``tidy_frame``)."""
        from ..report.tidy import tidy_frame

        return tidy_frame(self.out_dir)

    def summary_line(self) -> str:
        parts = [f"共 {self.total} 个文件：{identity_text(self.counts, self.total).split('= ', 1)[1]}"]
        if self.duplicates:
            parts.append(f"重复提交 {len(self.duplicates)} 个")
        for rollup in self.rollups:
            if rollup.included_count:
                parts.append(f"{rollup.year}年度（{rollup.edition}年版）汇总 {rollup.included_count} 份")
        if self.totals.get("documents"):
            parts.append(f"其中导入已发布文档 {self.totals['documents']} 个")
        if self.totals.get("explained_warnings"):
            parts.append(f"警告 {self.totals['open_warnings']} 条未说明、{self.totals['explained_warnings']} 条已说明")
        if self.totals.get("stale_explanations"):
            parts.append(f"过期的说明 {self.totals['stale_explanations']} 条")
        if self.roster is not None:
            counts = self.roster.counts
            parts.append(f"名单 {counts['expected']} 个机关：已提交 {counts['submitted']}，"
                         f"未提交 {counts['missing']}")
            if self.off_roster:
                parts.append(f"不在名单上的提交 {self.off_roster} 个")
        if self.skipped:
            parts.append(f"未变更跳过 {self.skipped} 个")
        if self.ignored:
            parts.append(f"忽略系统文件等 {len(self.ignored)} 个")
        return "；".join(parts) + f"。结果在 {self.out_dir}"


def run_bulk(inputs: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], out_dir: str | os.PathLike[str],
             jobs: int | None = None, identity: RollupIdentity | None = None,
             progress_stream: TextIO | None = None, roster: Sequence[RosterEntry] | None = None) -> BulkResult:
    """Converts and checks every submission under ``inputs`` (folders, zip archives, files: workbooks, report JSON,
    published documents) into ``out_dir``. With ``roster`` (``gaip_xl.roster.read_roster``), the roster's agencies
    that submitted nothing are rows 未提交 of summary.xlsx, and submissions of agencies not on it are flagged.

    Raises a ``GaipError`` only if the batch cannot run at all (an input that does not exist, an output folder that
    cannot be written); a bad submission is a row of the result, never an exception.
    """
    paths = [os.fspath(inputs)] if isinstance(inputs, (str, os.PathLike)) else [os.fspath(i) for i in inputs]
    _refuse_overlap(paths, out_dir)
    out = _prepare(Path(out_dir))
    with RunStore(out) as store:
        discovery = Discovery(store, exclude=out).run(paths)
        progress = Progress(store.source_count(), progress_stream)
        try:
            skipped = _process(store, out, jobs or default_workers(), progress)
        finally:
            progress.close()
        assembly = assemble(store, out, identity or RollupIdentity(), len(discovery.ignored),
                            list(roster) if roster is not None else None)
        _remove_stale(out, store, assembly.written)
        store.forget_others()
    return BulkResult(out, assembly.total, assembly.counts, sorted(assembly.duplicates), skipped, discovery.ignored,
                      assembly.rollups, StoredRows(store.path), assembly.totals, assembly.roster, assembly.off_roster)


def _refuse_overlap(inputs: list[str], out_dir: str | os.PathLike[str]) -> None:
    """The output folder may lie inside an input (it is skipped there), but may not be an input, nor hold one: the
    outputs of one run would be read as submissions by the next (its roll-up counted twice)."""
    out = os.path.realpath(out_dir)
    for text in inputs:
        if not os.path.exists(text):
            raise FileMissing(text)
        real = os.path.realpath(text)
        if real == out or real.startswith(out.rstrip(os.sep) + os.sep):
            raise OutputOverlapsInput(shown(os.fspath(out_dir)))


def _prepare(out: Path) -> Path:
    claim_folder(out, shown(os.fspath(out)))
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / REPORTS_FOLDER).mkdir(exist_ok=True)
    except OSError as exc:
        raise failed(out, exc) from None
    return out.resolve()


def _process(store: RunStore, out: Path, workers: int, progress: Progress) -> int:
    skipped = 0

    def record(item: Record) -> None:
        key, summary, detail = item
        store.record(key, summary, detail)
        progress.advance(summary["status"])

    with WorkerPool(workers, record) as pool:
        for source, data in iter_bytes(store.sources()):
            if isinstance(data, GaipError):
                key = input_key(raw(source.id), f"error {data.code}")
            else:
                key = input_key(raw(source.id), content_hash(data))
            stored = store.add_input(key)
            if stored is not None and (stored[1] is None or os.path.isfile(os.path.join(out, stored[1]))):
                skipped += 1  # a result whose report JSON has gone from the output folder is done again
                progress.advance(stored[0], skipped=True)
            elif isinstance(data, GaipError):
                record(unreadable(shown(source.id), key, data))
            else:
                pool.submit(_job(source, key, data, out))
        pool.finish()
    store.commit()
    return skipped


def _job(source: Source, key: str, data: bytes, out: Path) -> Job:
    name = json_name(shown(source.local), key)
    return Job(shown(source.id), key, source.suffix, data, os.path.join(out, REPORTS_FOLDER, name),
               f"{REPORTS_FOLDER}/{name}")


def _remove_stale(out: Path, store: RunStore, written: list[Path]) -> None:
    """Outputs of inputs that are gone or changed, and temporary files of a killed run: only files, and only in our
    own folders (a folder someone put there is left alone)."""
    names = {p.name for p in written}
    try:
        with os.scandir(out / REPORTS_FOLDER) as entries:  # one entry at a time (iterdir lists them all first)
            for entry in entries:
                if is_own_temporary(REPORTS_FOLDER, entry.name) or (
                        is_own_output(REPORTS_FOLDER, entry.name)
                        and not store.is_current(f"{REPORTS_FOLDER}/{entry.name}")):
                    remove_file(Path(entry.path))
        rollups = out / ROLLUP_FOLDER
        if rollups.is_dir():
            for path in rollups.iterdir():
                if is_own_temporary(ROLLUP_FOLDER, path.name) or (
                        is_own_output(ROLLUP_FOLDER, path.name) and path.name not in names):
                    remove_file(path)
        for path in out.iterdir():  # temporary files of outputs written at the top
            if is_own_temporary("", path.name):
                remove_file(path)
    except OSError as exc:
        raise failed(exc.filename or out, exc) from None
