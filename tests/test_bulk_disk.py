"""``gaip-xl bulk`` on a disk that fills up or fails under it, at any write of the run: the report JSON of a worker,
the run's SQLite store, summary.xlsx (and XlsxWriter's temporary files), the CSV files, the roll-up, the published
pages (``--publish``). Each run is a real process with a failing disk preloaded (tests/failing_disk.c: writes under a
folder fail with ENOSPC, EIO or EFBIG once a byte budget is spent). Whatever write fails: exit 2 with E_OUTPUT and
nothing from the interpreter, every output file left is complete (one of a clean run's, or the earlier run's it
replaces), and a rerun on a sound disk ends exactly as one clean run."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import case_workbook_bytes, outputs_digest, synthetic, write_case
from test_cli_streams import clean, gaip_xl, limit_file_size

from gaip_xl.bulk.store import STATE_DIR

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="LD_PRELOAD, /proc, RLIMIT_FSIZE: Linux")

# Where the disk fails: the whole output folder, one folder of it, or one output's temporary file (atomic_path names
# it ".summary.xlsx.…"), XlsxWriter's temporary files included.
SITES = ("", "reports", "rollup", "published", STATE_DIR, ".summary.xlsx", ".findings.csv", ".findings.jsonl",
         ".tidy.csv", f"{STATE_DIR}/xlsx-")
FAILURES = (errno.ENOSPC, errno.EIO, errno.EFBIG)
UNLIMITED = 1 << 60


@pytest.fixture(scope="module")
def failing_disk(tmp_path_factory) -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("needs a C compiler for the failing disk")
    library = tmp_path_factory.mktemp("disk") / "failing_disk.so"
    source = Path(__file__).with_name("failing_disk.c")
    built = subprocess.run([compiler, "-shared", "-fPIC", "-O1", "-o", str(library), str(source), "-ldl"],
                           capture_output=True)
    if built.returncode != 0:
        pytest.skip(f"the failing disk does not build here: {built.stderr.decode(errors='replace')[:200]}")
    return library


def _bulk(inbox: Path, out: Path, disk: Path | None = None, budget: int = UNLIMITED, site: str = "",
          failure: int = errno.ENOSPC, report: Path | None = None, jobs: int = 1) -> subprocess.CompletedProcess:
    """One run; with ``disk``, the writes under ``out/site`` fail with ``failure`` once ``budget`` bytes went there."""
    env = {}
    if disk is not None:
        env = {"LD_PRELOAD": str(disk), "FAILING_DISK_PREFIX": str(out / site) if site else f"{out}{os.sep}",
               "FAILING_DISK_BUDGET": str(budget), "FAILING_DISK_ERRNO": str(failure)}
        if report is not None:
            env["FAILING_DISK_REPORT"] = str(report)
    return gaip_xl(["bulk", str(inbox), "-o", str(out), "--jobs", str(jobs), "--quiet", "--publish", "html"],
                   env=env, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """The batch (workbooks, one with errors, a note, an archive); a clean run of it; and a clean run of the batch as
    it was before one more file came (the outputs a failing rerun must keep)."""
    root = tmp_path_factory.mktemp("runs")
    inbox = root / "in"
    synthetic.make_batch(inbox, 3, distinct=2)
    write_case(inbox / "broken.xlsx", "pingtan-2022", break_total=True)
    (inbox / "readme.txt").write_text("不是年报", encoding="utf-8")
    with zipfile.ZipFile(inbox / "乡镇.zip", "w") as archive:
        archive.writestr("甲镇/年报.xlsx", case_workbook_bytes("pingtan-2021"))
    assert _bulk(inbox, root / "clean").returncode == 1
    earlier = root / "earlier"
    held_back = (inbox / "broken.xlsx").read_bytes()  # the file with errors came late
    (inbox / "broken.xlsx").unlink()
    assert _bulk(inbox, earlier).returncode == 1  # the note is unreadable
    (inbox / "broken.xlsx").write_bytes(held_back)
    return {"inbox": inbox, "clean": outputs_digest(root / "clean"), "earlier": earlier,
            "earlier_digest": outputs_digest(earlier)}


@pytest.fixture(scope="module")
def written(runs, failing_disk, tmp_path_factory) -> int:
    """The bytes a clean run writes to its output folder (the range of budgets to draw from)."""
    root = tmp_path_factory.mktemp("measured")
    assert _bulk(runs["inbox"], root / "out", failing_disk, report=root / "written").returncode == 1
    return int((root / "written").read_text())


def _check_failed_run(done: subprocess.CompletedProcess, out: Path, allowed: list[dict[str, str]]) -> None:
    """Exit 2 with E_OUTPUT (or 1: the disk held the whole run), nothing from the interpreter, and every output file
    left complete: byte for byte one of the ``allowed`` runs' files (no temporary file, no half-written one)."""
    text = clean(done.stderr)
    assert done.returncode in (1, 2), text
    if done.returncode == 2:
        assert "[E_OUTPUT]" in text, text
    for name, digest in outputs_digest(out).items():
        assert any(run.get(name) == digest for run in allowed), f"{name} is no complete output"


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(site=st.sampled_from(SITES), share=st.floats(0, 1), failure=st.sampled_from(FAILURES), earlier=st.booleans())
def test_a_disk_that_fails_at_any_write_stops_the_run_cleanly_and_a_rerun_ends_as_a_clean_run(
        runs, written, failing_disk, tmp_path_factory, site, share, failure, earlier):
    out = tmp_path_factory.mktemp("failing") / "out"
    if earlier:  # the output folder holds the previous run's results: they stay whole until replaced whole
        shutil.copytree(runs["earlier"], out)
    budget = int(share * written)  # for one folder, maybe more than it takes: then the run ends well
    done = _bulk(runs["inbox"], out, failing_disk, budget, site, failure)
    _check_failed_run(done, out, [runs["clean"], runs["earlier_digest"]] if earlier else [runs["clean"]])
    assert _bulk(runs["inbox"], out).returncode == 1
    assert outputs_digest(out) == runs["clean"]


@pytest.mark.parametrize("site", SITES)
def test_a_full_disk_from_the_first_byte_is_e_output_at_each_site(runs, failing_disk, tmp_path, site):
    """Each site full from the start: its first write fails (the store, a worker's JSON, each output, the roll-up,
    the published pages). The rerun after each is the drawn test's."""
    out = tmp_path / "out"
    done = _bulk(runs["inbox"], out, failing_disk, 0, site)
    assert done.returncode == 2
    _check_failed_run(done, out, [runs["clean"]])


def test_a_worker_process_that_cannot_write_its_json_stops_the_batch_with_e_output(runs, failing_disk, tmp_path):
    out = tmp_path / "out"
    done = _bulk(runs["inbox"], out, failing_disk, 0, "reports", errno.EIO, jobs=2)
    assert done.returncode == 2
    assert "磁盘读写出错" in clean(done.stderr)
    assert _bulk(runs["inbox"], out, jobs=2).returncode == 1
    assert outputs_digest(out) == runs["clean"]


@pytest.mark.parametrize("limit", [4_096, 40_000])
def test_a_file_size_limit_is_e_output_and_a_rerun_without_it_ends_as_a_clean_run(runs, tmp_path, limit):
    """The kernel's own refusal (RLIMIT_FSIZE: a write past it fails with EFBIG), no preloaded library: the store's
    pages, the JSON files and the outputs each stop at the limit."""
    out = tmp_path / "out"
    done = gaip_xl(["bulk", str(runs["inbox"]), "-o", str(out), "--jobs", "1", "--quiet", "--publish", "html"],
                   stdout=subprocess.DEVNULL, preexec_fn=limit_file_size(limit))
    assert done.returncode == 2
    _check_failed_run(done, out, [runs["clean"]])
    assert _bulk(runs["inbox"], out).returncode == 1
    assert outputs_digest(out) == runs["clean"]
