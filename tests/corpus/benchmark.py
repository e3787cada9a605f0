"""How long one workbook takes to read, validate and turn into JSON: ``python tests/corpus/benchmark.py [N]``.

Fills N workbooks (the bundled example with figures varied per file, so no two files are alike) in a temporary
folder, then times ``read_workbook`` + ``validate`` + ``to_json`` on each, one after the other in one process, as a
bulk worker does. Prints the median and the 95th percentile, and the share of the read alone.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from gaip_xl import Report, read_workbook, validate, write_workbook

EXAMPLE = Path(__file__).resolve().parent.parent.parent / "examples" / "huaian-2024.json"


def _varied(report: Report, seed: int) -> Report:
    chance = random.Random(seed)
    copy = Report.from_json(report.to_json())
    for code in list(copy.figures)[: chance.randint(1, 20)]:
        copy.figures[code] = chance.randint(0, 500)
    return copy


def run(count: int = 200) -> dict[str, float]:
    base = Report.load(EXAMPLE)
    with tempfile.TemporaryDirectory() as folder:
        paths = [Path(folder) / f"{i:04d}.xlsx" for i in range(count)]
        for i, path in enumerate(paths):
            write_workbook(_varied(base, i), path)
        read_workbook(paths[0])  # imports and first-call caches are not what a bulk run pays per file
        reads, totals = [], []
        for path in paths:
            start = time.perf_counter()
            report = read_workbook(path)
            read = time.perf_counter()
            report.to_json(validation=validate(report).to_dict())
            reads.append(read - start)
            totals.append(time.perf_counter() - start)
    ms = 1000
    return {
        "files": count,
        "median_ms": statistics.median(totals) * ms,
        "p95_ms": statistics.quantiles(totals, n=20)[-1] * ms,
        "median_read_ms": statistics.median(reads) * ms,
    }


def main() -> None:
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
    print(f"{result['files']} 个工作簿：读取+校验+JSON 中位数 {result['median_ms']:.2f} ms，"
          f"95% 分位 {result['p95_ms']:.2f} ms（其中读取中位数 {result['median_read_ms']:.2f} ms）")


if __name__ == "__main__":
    main()
