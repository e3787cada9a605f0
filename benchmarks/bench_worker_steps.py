"""Where a bulk worker's CPU goes, step by step, beside python-calamine reading the same workbook.

    python benchmarks/bench_worker_steps.py N [--rounds R] [--keep DIR]

Generates N synthetic filled workbooks (``synthetic.make_batch``) and, in one process, takes each workbook through
the steps of ``gaip_xl.bulk.worker.process`` (what it is, reading it, every rule, its JSON, writing the JSON file, the
record for the parent) and then through python-calamine reading every sheet, timing each step with
``time.process_time`` (CPU, system time included: creating a file is kernel work). The steps are interleaved per
workbook, so a slower minute of this shared machine weighs on all of them alike.

Prints CPU milliseconds per workbook for each step, and what is left for reading if bulk is to spend at most twice
calamine's CPU (issue 16's target) while still doing everything else: the floor the target leaves the reader.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import sys
import tempfile
import time
from pathlib import Path

from python_calamine import CalamineWorkbook

from gaip_xl.atomic import write_new_text
from gaip_xl.bulk.worker import Job, _record, kind_of, load
from gaip_xl.excel.document import document_text, report_text, validation_dict
from gaip_xl.rules import validate

READING = ("kind", "read")  # the steps a faster reader could shorten; the rest any bulk must do


def calamine_read(data: bytes) -> None:
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()


def one_workbook(job: Job, spent: dict[str, float]) -> None:
    """The steps of ``worker._process`` for a workbook, each timed into ``spent``."""
    clock = time.process_time
    marks = [clock()]
    kind, reader = kind_of(job.suffix, job.data)
    marks.append(clock())
    report, source, block = load(job, reader)
    marks.append(clock())
    result = validate(report)
    marks.append(clock())
    text = report_text(report)
    document = document_text(report, validation_dict(result, source), text, imported=block)
    marks.append(clock())
    write_new_text(job.json_path, document)
    marks.append(clock())
    _record(job, report, result, hashlib.sha256(text.encode()).hexdigest()[:32], kind, block)
    marks.append(clock())
    calamine_read(job.data)
    marks.append(clock())
    for step, before, after in zip(("kind", "read", "rules", "json", "file", "record", "calamine"), marks[:-1],
                                   marks[1:], strict=True):
        spent[step] = spent.get(step, 0.0) + after - before


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="generate into (or reuse) this folder")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import synthetic

    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep or Path(scratch) / "in"
        paths = sorted(folder.glob("*.xlsx"))[:args.n] if folder.is_dir() else []
        if len(paths) < args.n:
            paths = synthetic.make_batch(folder, args.n)
        datas = [path.read_bytes() for path in paths]
        out = Path(scratch) / "reports"
        out.mkdir()
        spent: dict[str, float] = {}
        for round_ in range(args.rounds):
            for i, (path, data) in enumerate(zip(paths, datas, strict=True)):
                name = f"{path.stem}-{round_}{i:06x}.json"
                one_workbook(Job(path.name, hashlib.sha256(data).hexdigest(), ".xlsx", data, str(out / name), name),
                             spent)
    count = args.n * args.rounds
    per = {step: seconds * 1000 / count for step, seconds in spent.items()}
    for step, ms in per.items():
        print(f"{step:10} {ms:6.2f} ms CPU per workbook")
    worker = sum(ms for step, ms in per.items() if step != "calamine")
    rest = sum(ms for step, ms in per.items() if step not in (*READING, "calamine"))
    print(f"worker, all steps: {worker:.2f} ms = {worker / per['calamine']:.2f}× calamine's read")
    print(f"steps other than reading: {rest:.2f} ms; at 2× calamine ({2 * per['calamine']:.2f} ms) that leaves "
          f"{2 * per['calamine'] - rest:.2f} ms for reading ({(2 * per['calamine'] - rest) / per['calamine']:.2f}× "
          f"calamine's read), before the parent's share")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
