"""The command line's one place for failures (gaip_xl/cli/__init__.py ``run`` and ``main``): stdout to a full device
or a closed pipe is E_OUTPUT, a bug is E_INTERNAL with its traceback only under --debug, a full disk leaves no file;
each exit 2, nothing from the interpreter on stderr. Run as real processes, as a clerk's shell runs them."""

from __future__ import annotations

import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from builders import CASES

from gaip_xl.cli import run

ROOT = Path(__file__).resolve().parents[1]
REPORT = str(CASES / "huaian-2024.json")
NOISE = ("Traceback", "Exception ignored", "BrokenPipeError", "OSError")
COMMANDS = [["validate", REPORT], ["validate", REPORT, "--format", "json"], ["rules"], ["schema"], ["--help"],
            ["validate", "--help"]]


def gaip_xl(argv: list[str], env: dict[str, str] | None = None, **kwargs) -> subprocess.CompletedProcess:
    """The command as a process of its own (``env``: variables added to this process's)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "gaip_xl", *argv], env=env, stderr=subprocess.PIPE, **kwargs)


def clean(stderr: bytes) -> str:
    text = stderr.decode("utf-8")
    assert not any(word in text for word in NOISE), text
    return text


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_stdout_to_a_full_device_is_e_output(argv):
    with open("/dev/full", "w") as full:
        done = gaip_xl(argv, stdout=full)
    assert done.returncode == 2
    assert "[E_OUTPUT]" in clean(done.stderr) and "标准输出" in done.stderr.decode()


@pytest.mark.parametrize("argv", COMMANDS, ids=" ".join)
def test_stdout_to_a_closed_pipe_is_e_output(argv):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first byte, as after `| head -c1` has its byte
    try:
        done = gaip_xl(argv, stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 2
    assert "[E_OUTPUT]" in clean(done.stderr) and "管道" in done.stderr.decode()


def test_a_shell_pipe_whose_reader_has_exited_is_e_output():
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(f'"{sys.executable}" -m gaip_xl rules | true; echo "${{PIPESTATUS[0]}}"', shell=True,
                          executable="/bin/bash", env=env, capture_output=True)  # `true` exits before the first write
    assert done.stdout.decode().strip() == "2"
    assert "[E_OUTPUT]" in clean(done.stderr)


def test_a_program_error_is_e_internal_with_the_traceback_only_under_debug(monkeypatch):
    from gaip_xl.cli import rules

    def broken(args, out):
        raise KeyError("a bug")

    monkeypatch.setattr(rules, "main", broken)
    for argv, traceback_shown in ((["rules"], False), (["--debug", "rules"], True), (["rules", "--debug"], True)):
        out, err = io.StringIO(), io.StringIO()
        assert run(argv, out, err) == 2
        assert "[E_INTERNAL]" in err.getvalue() and "KeyError" in err.getvalue()
        assert ("Traceback" in err.getvalue()) is traceback_shown


def test_debug_changes_nothing_when_all_is_well():
    out, err = io.StringIO(), io.StringIO()
    assert run(["--debug", "validate", REPORT], out, err) == 0
    assert "全部通过" in out.getvalue() and err.getvalue() == ""


def limit_file_size(size: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))  # writes past it fail with EFBIG (SIGXFSZ ignored)
    return apply


@pytest.mark.parametrize("limit", [4_096, 12_288, 16_384, 20_000])
def test_to_xlsx_on_a_full_disk_exits_2_and_leaves_nothing(limit, tmp_path):
    target = tmp_path / "out" / "report.xlsx"
    target.parent.mkdir()
    done = gaip_xl(["to-xlsx", REPORT, "-o", str(target)], stdout=subprocess.PIPE, preexec_fn=limit_file_size(limit),
                   cwd=tmp_path)
    assert done.returncode == 2, done.stdout
    assert "[E_OUTPUT]" in clean(done.stderr)
    assert list(target.parent.iterdir()) == []  # neither the workbook nor a temporary file


def test_a_disk_that_fills_while_the_workbook_is_written_leaves_nothing(monkeypatch, tmp_path):
    import errno
    from pathlib import Path as PathType

    def full(self, data):
        with open(self, "wb") as handle:
            handle.write(data[: len(data) // 2])  # half of it reached the disk
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(PathType, "write_bytes", full)
    out, err = io.StringIO(), io.StringIO()
    assert run(["to-xlsx", REPORT, "-o", str(tmp_path / "report.xlsx")], out, err) == 2
    assert "[E_OUTPUT]" in err.getvalue() and "No space left" in err.getvalue()
    assert list(tmp_path.iterdir()) == []


@pytest.fixture(scope="module")
def workbook(tmp_path_factory) -> str:
    from gaip_xl import load_report, write_workbook

    path = tmp_path_factory.mktemp("workbook") / "report.xlsx"
    write_workbook(load_report(REPORT), path)
    return str(path)


def test_to_json_to_stdout_on_a_full_device_or_a_closed_pipe_is_e_output(workbook):
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            done = gaip_xl(["to-json", workbook, "-o", "-"], stdout=full)
        assert done.returncode == 2 and "[E_OUTPUT]" in clean(done.stderr)
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = gaip_xl(["to-json", workbook, "-o", "-"], stdout=write_end)
    finally:
        os.close(write_end)
    assert done.returncode == 2 and "[E_OUTPUT]" in clean(done.stderr)
