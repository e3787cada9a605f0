"""``gaip-xl bulk`` beside the bare zip read, python-calamine and openpyxl, side by side with equal processes.

    python benchmarks/bench_bulk.py N [--jobs J] [--openpyxl-sample S] [--keep DIR] [--bulk-only]

1. Generates N synthetic filled workbooks (``synthetic.make_batch``: real templates, each a different agency).
2. Measures on the same files, one after the other, each contender as a subprocess using J processes (default: the
   cores this process may use, which is also what ``gaip-xl bulk`` uses by default):
   (z) the bare zip read: open each workbook and inflate every part;
   (c) python-calamine: open each workbook and read every sheet's values;
   (o) openpyxl ``load_workbook`` on a sample of S files (default 200), extrapolated to N;
   (b) ``gaip-xl bulk DIR -o OUT --quiet --jobs J`` end to end (discovery, safe reading, every rule, one JSON per
       workbook, summary.xlsx, findings, tidy table, roll-up).
3. For each: wall time and throughput; CPU time summed over all its processes (``resource.getrusage`` of the
   children, which counts every descendant that was waited for), per workbook — the figure that stays stable on a
   shared machine; and the peak resident memory of all its processes together, sampled every 20 ms from /proc.
Prints the ratios first (CPU per workbook), then the table, and the load average (other work on the machine).
``--bulk-only`` measures bulk alone (its CPU and peak memory at 100,000 workbooks, where the others would take long).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from multiprocessing import get_context
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# ---------------------------------------------------------------------------- contenders (run in a subprocess)
def zip_read(path: str) -> None:
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            archive.read(info)


def calamine_read(path: str) -> None:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def openpyxl_read(path: str) -> None:
    from openpyxl import load_workbook

    load_workbook(path).close()


CONTENDERS = {"zip": zip_read, "calamine": calamine_read, "openpyxl": openpyxl_read}


def _read_all(name: str, paths: list[str]) -> None:
    for path in paths:
        CONTENDERS[name](path)


def run_contender(name: str, listing: Path, jobs: int) -> None:
    """Reads the files listed in ``listing`` with ``jobs`` processes, each a contiguous share (as bulk's chunks)."""
    paths = listing.read_text(encoding="utf-8").splitlines()
    shares = [paths[i::jobs] for i in range(jobs)]
    processes = [get_context("fork").Process(target=_read_all, args=(name, share)) for share in shares]
    for process in processes:
        process.start()
    for process in processes:
        process.join()  # waited for: their CPU time is counted in this process's children


def _generate(folder: Path, n: int) -> list[Path]:
    # imported here: a contender's process must not pay for loading gaip_xl and openpyxl (its CPU is measured)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import synthetic

    return synthetic.make_batch(folder, n)


# ---------------------------------------------------------------------------- measuring
def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                kids = [int(c) for c in children.read().split()]
        except OSError:
            kids = []
        found += kids
        pending += kids
    return found


class TreeMemory(threading.Thread):
    """Peak resident memory of a process and all its descendants, summed, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.done = pid, 0, False

    def run(self) -> None:
        while not self.done:
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in [self.pid, *_descendants(self.pid)]))
            time.sleep(0.02)


def measure(command: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds of the command and all its processes, peak MB of all of them, exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})
    memory = TreeMemory(process.pid)
    memory.start()
    code = process.wait()
    wall = time.perf_counter() - start
    memory.done = True
    memory.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, memory.peak_kb / 1024, code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--openpyxl-sample", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="generate into (or reuse) this folder")
    parser.add_argument("--bulk-only", action="store_true", help="measure gaip-xl bulk alone")
    parser.add_argument("--contender", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    parser.add_argument("--listing", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    jobs = args.jobs or cores
    if args.contender:
        run_contender(args.contender, args.listing, jobs)
        return

    work = Path(tempfile.mkdtemp(prefix="gaip-bench-"))
    folder = args.keep or work / "in"
    try:
        paths = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
        if len(paths) != args.n:
            shutil.rmtree(folder, ignore_errors=True)
            paths = _generate(folder, args.n)
        every, sample = work / "all.txt", work / "sample.txt"
        every.write_text("\n".join(map(str, paths)), encoding="utf-8")
        sampled = paths[: min(args.openpyxl_sample, len(paths))]
        sample.write_text("\n".join(map(str, sampled)), encoding="utf-8")
        me = [sys.executable, __file__, str(args.n), "--jobs", str(jobs)]
        _read_all("calamine", [str(p) for p in paths[:50]])  # warm the page cache for every contender alike
        figures = {}
        contenders = () if args.bulk_only else (("zip", every, len(paths)), ("calamine", every, len(paths)),
                                                ("openpyxl", sample, len(sampled)))
        for name, listing, count in contenders:
            wall, cpu, peak, _ = measure([*me, "--contender", name, "--listing", str(listing)])
            scale = len(paths) / count
            figures[name] = (wall * scale, cpu * scale, peak)
        bulk = [sys.executable, "-m", "gaip_xl", "bulk", str(folder), "-o", str(work / "out"), "--quiet",
                "--jobs", str(jobs)]
        wall, cpu, peak, code = measure(bulk)
        figures["bulk"] = (wall, cpu, peak)
        if args.bulk_only:
            print(f"N = {args.n} workbooks, {jobs} processes, bulk exit code {code}: {wall:.1f} s, "
                  f"{cpu * 1000 / args.n:.2f} ms CPU per workbook, peak {peak:.0f} MB (all processes)")
        else:
            report(args.n, jobs, cores, code, len(sampled), figures)
    finally:
        shutil.rmtree(work, ignore_errors=True)


LABELS = {"zip": "(z) bare zip read", "calamine": "(c) python-calamine, every sheet",
          "openpyxl": "(o) openpyxl load_workbook", "bulk": "(b) gaip-xl bulk, end to end"}


def report(n: int, jobs: int, cores: int, code: int, sample: int,
           figures: dict[str, tuple[float, float, float]]) -> None:
    per = {name: cpu * 1000 / n for name, (_, cpu, _) in figures.items()}
    print(f"N = {n} workbooks, {cores} cores, {jobs} processes for every contender, bulk exit code {code}, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"CPU per workbook, calamine ÷ bulk: {per['calamine'] / per['bulk']:.2f}   (target ≥ 0.5)")
    print(f"CPU per workbook, openpyxl ÷ bulk: {per['openpyxl'] / per['bulk']:.1f}   (target ≥ 20)")
    print(f"wall, bulk ÷ calamine throughput: {figures['calamine'][0] / figures['bulk'][0]:.2f}; "
          f"bulk ÷ openpyxl: {figures['openpyxl'][0] / figures['bulk'][0]:.1f}")
    print(f"{'contender':36} {'wall s':>8} {'workbooks/s':>12} {'CPU ms/workbook':>16} {'peak MB, all':>13}")
    for name, (wall, _, peak) in figures.items():
        note = f"   (sample of {sample}, extrapolated)" if name == "openpyxl" else ""
        print(f"{LABELS[name]:36} {wall:8.2f} {n / wall:12.0f} {per[name]:16.2f} {peak:13.0f}{note}")


if __name__ == "__main__":
    main()
