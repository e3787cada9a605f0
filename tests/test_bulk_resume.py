"""Nothing is lost and nothing is done twice: reruns skip unchanged inputs, and a run killed with SIGKILL half-way,
then run again, ends with exactly the files of one clean run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_bulk_support import ROOT, outputs_digest, synthetic, write_case

from gaip_xl.bulk import run_bulk

KILL_BATCH = 600


def _bulk(inputs: list[Path], out: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "gaip_xl", "bulk", *map(str, inputs), "-o", str(out), "--jobs",
                             "2", "--quiet"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("kill") / "in"
    synthetic.make_batch(folder, KILL_BATCH, distinct=8)
    write_case(folder / "broken.xlsx", "pingtan-2022", break_total=True)
    (folder / "readme.txt").write_text("not a workbook", encoding="utf-8")
    for document in ("huaian-2024.pdf", "source/seed-001-zhanggutai-2021.txt"):  # published documents too
        (folder / Path(document).name).write_bytes((ROOT / "tests" / "cases" / document).read_bytes())
    return folder


def test_killed_run_then_rerun_ends_exactly_as_one_clean_run(big_batch, tmp_path):
    clean, resumed = tmp_path / "clean", tmp_path / "resumed"
    assert _bulk([big_batch], clean).wait(timeout=300) == 1  # 1: the batch has a file with errors

    process = _bulk([big_batch], resumed)
    reports = resumed / "reports"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if reports.is_dir() and sum(1 for _ in reports.iterdir()) >= 60:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it could be killed: make the batch bigger"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    time.sleep(0.2)  # let orphaned workers finish the chunk they hold (they write only complete files)
    done_before_kill = sum(1 for p in reports.iterdir() if p.suffix == ".json")
    assert 0 < done_before_kill < KILL_BATCH
    assert not (resumed / "summary.xlsx").exists()

    assert _bulk([big_batch], resumed).wait(timeout=300) == 1
    assert outputs_digest(resumed) == outputs_digest(clean)
    # broken.xlsx and the two documents have one too
    assert len([p for p in reports.iterdir() if p.suffix == ".json"]) == KILL_BATCH + 3


def test_rerun_skips_unchanged_inputs_and_redoes_changed_ones(tmp_path):
    inbox = tmp_path / "in"
    for name in ("pingtan-2021", "zhanggutai-2021", "huaian-2024"):
        write_case(inbox / f"{name}.xlsx", name)
    out = tmp_path / "out"
    first = run_bulk([inbox], out, jobs=1)
    assert (first.total, first.skipped) == (3, 0)
    outputs = outputs_digest(out)

    again = run_bulk([inbox], out, jobs=1)
    assert (again.total, again.skipped) == (3, 3)
    assert outputs_digest(out) == outputs

    write_case(inbox / "huaian-2024.xlsx", "pingtan-2022")  # same name, different content
    (inbox / "zhanggutai-2021.xlsx").unlink()
    changed = run_bulk([inbox], out, jobs=1)
    assert (changed.total, changed.skipped) == (2, 1)
    names = sorted(p.name for p in (out / "reports").iterdir())
    assert len(names) == 2 and not any(n.startswith("zhanggutai") for n in names)  # stale outputs removed
    assert names == sorted(p.name for p in (run_bulk([inbox], tmp_path / "fresh", jobs=1).out_dir / "reports")
                           .iterdir())
    assert not (out / "rollup" / "rollup-2021-2021.json").exists() or \
        "zhanggutai" not in (out / "rollup" / "rollup-2021-2021-reports.csv").read_text(encoding="utf-8-sig")


def test_a_second_run_on_the_same_output_folder_is_refused_while_one_runs(tmp_path):
    from gaip_xl.bulk.store import RunStore
    from gaip_xl.errors import OutputInUse

    write_case(tmp_path / "in" / "a.xlsx", "pingtan-2021")
    with RunStore(tmp_path / "out"), pytest.raises(OutputInUse):
        run_bulk([tmp_path / "in"], tmp_path / "out", jobs=1)


def test_memory_does_not_grow_with_the_number_of_submissions(tmp_path):
    """What the bulk process keeps per submission lives in the run's store: five times the workbooks, the same peak
    of Python memory (in one process: the workers' transient reading is the same for each file)."""
    import tracemalloc

    folder = tmp_path / "in"
    synthetic.make_batch(folder, 250, distinct=2)
    small = tmp_path / "small"
    small.mkdir()
    for path in sorted(folder.iterdir())[:50]:
        (small / path.name).write_bytes(path.read_bytes())
    peaks = []
    for inputs, out in ((small, tmp_path / "out-small"), (folder, tmp_path / "out-big")):
        run_bulk(inputs, tmp_path / "warm-up", jobs=1) if not peaks else None  # imports and caches, once
        tracemalloc.start()
        result = run_bulk(inputs, out, jobs=1)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
        assert result.ok == result.total
    assert peaks[1] - peaks[0] < 200 * 1024, peaks  # under 1 KB for each of the 200 more submissions
