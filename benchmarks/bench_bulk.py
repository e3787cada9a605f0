"""Throughput and memory of ``gaip-xl bulk`` beside plain python-calamine and plain openpyxl, in one run.

    python benchmarks/bench_bulk.py N [--jobs J] [--openpyxl-sample S] [--keep DIR]

1. Generates N synthetic filled workbooks (``synthetic.make_batch``: real templates, each a different agency).
2. Measures on the same files, one after the other:
   (a) python-calamine and nothing else: open each workbook and read every sheet's values, one process;
   (b) ``gaip-xl bulk DIR -o OUT --quiet --jobs J`` end to end, as a subprocess (discovery, reading, every rule,
       one JSON per workbook, summary.xlsx, findings, tidy table, roll-up), J worker processes (default: all cores);
   (c) openpyxl ``load_workbook`` in a loop, one process, on a sample of S files (default 200) and extrapolated.
3. Peak memory of (b): the resident memory of the bulk process and all its workers together, sampled every 20 ms
   from /proc (Linux), and the bulk process alone.
Prints the ratios first, then the figures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic

ROOT = synthetic.ROOT


def calamine_only(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    return time.perf_counter() - start


def openpyxl_loop(paths: list[Path]) -> float:
    from openpyxl import load_workbook

    start = time.perf_counter()
    for path in paths:
        load_workbook(path).close()
    return time.perf_counter() - start


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            return [int(c) for c in children.read().split()]
    except OSError:
        return []


class TreeMemory(threading.Thread):
    """Peak resident memory of a process and its children, summed, sampled every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_tree_kb, self.peak_parent_kb, self.done = pid, 0, 0, False

    def run(self) -> None:
        while not self.done:
            parent = _rss_kb(self.pid)
            tree = parent + sum(_rss_kb(c) for c in _children(self.pid))
            self.peak_parent_kb = max(self.peak_parent_kb, parent)
            self.peak_tree_kb = max(self.peak_tree_kb, tree)
            time.sleep(0.02)


def bulk(folder: Path, out: Path, jobs: int | None) -> tuple[float, int, int, int]:
    command = [sys.executable, "-m", "gaip_xl", "bulk", str(folder), "-o", str(out), "--quiet"]
    if jobs:
        command += ["--jobs", str(jobs)]
    start = time.perf_counter()
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})
    memory = TreeMemory(process.pid)
    memory.start()
    code = process.wait()
    elapsed = time.perf_counter() - start
    memory.done = True
    memory.join()
    return elapsed, code, memory.peak_tree_kb, memory.peak_parent_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--openpyxl-sample", type=int, default=200)
    parser.add_argument("--keep", type=Path, default=None, help="generate into (or reuse) this folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="gaip-bench-"))
    folder = args.keep or work / "in"
    try:
        start = time.perf_counter()
        paths = sorted(folder.glob("*.xlsx")) if folder.is_dir() else []
        if len(paths) != args.n:
            shutil.rmtree(folder, ignore_errors=True)
            paths = synthetic.make_batch(folder, args.n)
        generated = time.perf_counter() - start
        calamine_only(paths[: min(50, len(paths))])  # warm the page cache for every contender alike
        t_a = calamine_only(paths)
        t_b, code, tree_kb, parent_kb = bulk(folder, work / "out", args.jobs)
        sample = paths[: min(args.openpyxl_sample, len(paths))]
        t_c = openpyxl_loop(sample) * len(paths) / len(sample)
        rate_a, rate_b, rate_c = args.n / t_a, args.n / t_b, args.n / t_c
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        print(f"N = {args.n} workbooks, {cores} cores, bulk --jobs {args.jobs or cores}, bulk exit code {code}")
        print(f"ratio bulk / calamine-only (a):   {rate_b / rate_a:.2f}   (target ≥ 0.5)")
        print(f"ratio bulk / openpyxl loop (c):   {rate_b / rate_c:.1f}   (target ≥ 10)")
        print(f"(a) calamine only, 1 process:      {rate_a:8.0f} workbooks/s  ({t_a:.2f} s)")
        print(f"(b) gaip-xl bulk, end to end:      {rate_b:8.0f} workbooks/s  ({t_b:.2f} s)   (target ≥ 500)")
        print(f"(c) openpyxl load_workbook loop:   {rate_c:8.0f} workbooks/s  (sample of {len(sample)}, "
              f"extrapolated to {t_c:.1f} s)")
        print(f"peak memory of bulk, all processes: {tree_kb / 1024:.0f} MB; the bulk process alone: "
              f"{parent_kb / 1024:.0f} MB   (target < 300 MB)")
        print(f"(generating the workbooks took {generated:.1f} s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
