"""Inputs nobody here wrote: FIFOs, devices, link loops, names that are not UTF-8, odd archives, broken JSON, files
that hang or kill their worker. Whatever the file system holds, every input is one row (or one ignored entry), each
unreadable row has its code (never E_INTERNAL), nothing hangs and nothing raises."""

from __future__ import annotations

import faulthandler
import io
import json
import os
import signal
import socket
import tempfile
import time
import warnings
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import case_workbook_bytes, write_case

from gaip_xl.bulk import pool, run_bulk, worker
from gaip_xl.cli import run

HANG_SECONDS = 120  # a test that runs longer has hung: the process dies with a traceback (a failure, not a wait)
GBK_NAME = "年报".encode("gbk") + b".xlsx"


@contextmanager
def no_hang():
    faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
    try:
        yield
    finally:
        faulthandler.cancel_dump_traceback_later()


def _rows(result) -> dict[str, dict]:
    rows = {row["file"]: row for row in result.files}
    assert len(rows) == result.total == result.ok + result.errors + result.unreadable  # no two rows share a name
    assert not [r for r in rows.values() if r["code"] == "E_INTERNAL"]
    return rows


class _Encrypted(zipfile.ZipInfo):
    def _encodeFilenameFlags(self):  # noqa: N802  (zipfile's own name)
        name, flags = super()._encodeFilenameFlags()
        return name, flags | 0x1  # the PKWARE encryption flag, as a password-protected member has it


def _encrypted_flag(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(_Encrypted(name), data)


# ---------------------------------------------------------------------------- file-system objects
def test_fifos_devices_sockets_and_link_loops_are_rows_with_codes_never_opened(tmp_path):
    inbox = tmp_path / "in"
    write_case(inbox / "a.xlsx", "pingtan-2021")
    os.mkfifo(inbox / "管道.xlsx")
    os.symlink("/dev/zero", inbox / "zero.xlsx")
    os.symlink("/dev/null", inbox / "null.json")
    os.symlink(inbox / "loop.xlsx", inbox / "loop.xlsx")
    os.symlink(inbox / "missing.xlsx", inbox / "dangling.xlsx")
    os.mkfifo(inbox / "pipe.zip")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(inbox / "sock.xlsx"))
        with no_hang():
            result = run_bulk(inbox, tmp_path / "out", jobs=1)
    rows = _rows(result)
    codes = {name: row["code"] for name, row in rows.items()}
    assert codes == {"a.xlsx": "", "管道.xlsx": "E_NOT_FILE", "zero.xlsx": "E_NOT_FILE", "null.json": "E_NOT_FILE",
                     "loop.xlsx": "E_FILE_NOT_FOUND", "dangling.xlsx": "E_FILE_NOT_FOUND", "pipe.zip": "E_NOT_FILE",
                     "sock.xlsx": "E_NOT_FILE"}
    assert "命名管道" in rows["管道.xlsx"]["message"] and "字符设备" in rows["zero.xlsx"]["message"]


def test_a_fifo_given_by_name_is_a_row_too(tmp_path):
    os.mkfifo(tmp_path / "a.xlsx")
    with no_hang():
        result = run_bulk([tmp_path / "a.xlsx"], tmp_path / "out", jobs=1)
    assert [(r["file"], r["code"]) for r in result.files] == [("a.xlsx", "E_NOT_FILE")]


def test_a_name_that_is_not_utf8_is_read_and_shown_losslessly(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "年报.xlsx").write_bytes(case_workbook_bytes("pingtan-2021"))
    with open(os.path.join(os.fsencode(inbox), GBK_NAME), "wb") as stream:
        stream.write(case_workbook_bytes("zhanggutai-2021"))
    code = run(["bulk", str(inbox), "-o", str(tmp_path / "out"), "--jobs", "1"], io.StringIO(), io.StringIO())
    assert code == 0
    result = run_bulk(inbox, tmp_path / "out2", jobs=1)
    rows = _rows(result)
    assert set(rows) == {"年报.xlsx", "\\xc4\\xea\\xb1\\xa8.xlsx"}
    assert rows["\\xc4\\xea\\xb1\\xa8.xlsx"]["agency"] != rows["年报.xlsx"]["agency"]
    for name in ("summary.xlsx", "findings.csv", "tidy.csv"):
        assert (tmp_path / "out2" / name).is_file()


# ---------------------------------------------------------------------------- archives
def test_zip_members_with_one_name_are_both_read_and_dot_slash_members_are_ordinary(tmp_path):
    with zipfile.ZipFile(tmp_path / "乡镇.zip", "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile's "Duplicate name": what we build on purpose
        archive.writestr("县/年报.xlsx", case_workbook_bytes("pingtan-2021"))
        archive.writestr("县/年报.xlsx", case_workbook_bytes("zhanggutai-2021"))  # a second member, same name
        archive.writestr("./县/西安镇.xlsx", case_workbook_bytes("xian-2021"))
        _encrypted_flag(archive, "县/加密.xlsx", case_workbook_bytes("huashi-2021"))
    result = run_bulk(tmp_path / "乡镇.zip", tmp_path / "out", jobs=1)
    rows = _rows(result)
    assert set(rows) == {"乡镇.zip!县/年报.xlsx", "乡镇.zip!县/年报.xlsx（同名文件第2个）", "乡镇.zip!县/西安镇.xlsx",
                         "乡镇.zip!县/加密.xlsx"}
    agencies = {rows["乡镇.zip!县/年报.xlsx"]["agency"], rows["乡镇.zip!县/年报.xlsx（同名文件第2个）"]["agency"]}
    assert len(agencies) == 2  # each shows its own report
    assert rows["乡镇.zip!县/西安镇.xlsx"]["status"] == "ok"
    assert rows["乡镇.zip!县/加密.xlsx"]["code"] == "E_ARCHIVE" and "密码" in rows["乡镇.zip!县/加密.xlsx"]["message"]
    assert result.ignored == []


# ---------------------------------------------------------------------------- the output folder
def test_output_folder_equal_to_an_input_or_holding_one_is_refused(tmp_path):
    write_case(tmp_path / "in" / "a.xlsx", "pingtan-2021")
    for inputs, out in (([tmp_path / "in"], tmp_path / "in"), ([tmp_path / "in"], tmp_path)):
        err = io.StringIO()
        assert run(["bulk", *map(str, inputs), "-o", str(out)], io.StringIO(), err) == 2
        assert "E_OUTPUT_IS_INPUT" in err.getvalue()
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["a.xlsx"]  # nothing written


def test_output_folder_inside_the_input_run_twice_does_not_double_the_rollup(tmp_path):
    inbox = tmp_path / "in"
    write_case(inbox / "a.xlsx", "pingtan-2021")
    write_case(inbox / "b.xlsx", "zhanggutai-2021")
    first = run_bulk(inbox, inbox / "结果", jobs=1)
    elsewhere = run_bulk(inbox, inbox / "另一结果", jobs=1)  # the first run's output is not a submission either
    second = run_bulk(inbox, inbox / "结果", jobs=1)
    for result in (first, elsewhere, second):
        assert result.total == 2 and [r.included_count for r in result.rollups] == [2]
    assert "结果/" in elsewhere.ignored and "另一结果/" in second.ignored


# ---------------------------------------------------------------------------- JSON inputs
# The codes ``gaip-xl validate`` gives: bulk reads a JSON input with the same reader (``Report.from_json``). The
# 5,000-digit year is kept as typed and reported by the schema check (J1), as validate reports it.
BAD_JSON = {
    "latin1.json": ("{\"agency\": {\"name\": \"caf\xe9\"}}".encode("latin-1"), "E_JSON_ENCODING"),
    "gbk.json": ("{\"agency\": {\"name\": \"县\"}}".encode("gbk"), "E_JSON_ENCODING"),
    "deep.json": (b"[" * 60_000 + b"]" * 60_000, "E_JSON_STRUCTURE"),
    "digits.json": (b'{"edition": "2021", "year": ' + b"9" * 5000 + b"}", "J1"),
    "surrogate.json": (b'{"edition": "2021", "year": 2024, "agency": {"name": "\\ud800"}}', "E_JSON_ENCODING"),
    "truncated.json": (b'{"edition": "2021", "year"', "E_JSON_SYNTAX"),
    "array.json": (b"[1, 2]", "E_JSON_STRUCTURE"),
}


def test_bad_json_inputs_get_their_own_codes(tmp_path):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for name, (data, _) in BAD_JSON.items():
        (inbox / name).write_bytes(data)
    rows = _rows(run_bulk(inbox, tmp_path / "out", jobs=1))
    assert {name: row["code"] for name, row in rows.items()} == {name: code for name, (_, code) in BAD_JSON.items()}


# ---------------------------------------------------------------------------- files that hang or kill a worker
def _misbehaving_load(real_load):
    def load(job, *args):
        name = os.path.basename(job.id)
        if name.startswith("sleeps"):
            time.sleep(3600)  # Python code: the worker's own timer interrupts it
        if name.startswith("hangs"):
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as a hang in native code: no timer helps
            time.sleep(3600)
        if name.startswith("dies"):
            os._exit(3)
        return real_load(job, *args)
    return load


def test_a_file_that_hangs_or_kills_its_worker_is_a_row_and_the_batch_goes_on(tmp_path, monkeypatch):
    inbox = tmp_path / "in"
    for name in ("a.xlsx", "dies.xlsx", "hangs.xlsx", "sleeps.xlsx", "z.xlsx"):
        write_case(inbox / name, "pingtan-2021")
    monkeypatch.setattr(worker, "FILE_SECONDS", 1)
    monkeypatch.setattr(pool, "GRACE_SECONDS", 0.5)
    monkeypatch.setattr(pool, "CHUNK", 1)
    monkeypatch.setattr(worker, "load", _misbehaving_load(worker.load))  # inherited by the forked workers
    with no_hang():
        result = run_bulk(inbox, tmp_path / "out", jobs=2)
    codes = {name: row["code"] for name, row in _rows(result).items()}
    assert codes == {"a.xlsx": "", "dies.xlsx": "E_CRASHED", "hangs.xlsx": "E_TIMEOUT", "sleeps.xlsx": "E_TIMEOUT",
                     "z.xlsx": ""}


def test_the_bytes_in_flight_to_the_workers_are_bounded(tmp_path, monkeypatch):
    """A job carries its submission's bytes (20 MB for a large document): however many wait, the pool sends no new
    chunk while ``MAX_BYTES_IN_FLIGHT`` are out, so what it holds is that bound and one chunk at most."""
    monkeypatch.setattr(pool, "MAX_BYTES_IN_FLIGHT", 3 << 20)
    megabyte = b"x" * (1 << 20)  # text that is no report: each is a row E_FILE_TYPE
    records, peak = [], 0
    with no_hang(), pool.WorkerPool(2, records.append) as workers:
        for i in range(40):
            workers.submit(worker.Job(f"{i}.txt", f"{i:064x}", ".txt", megabyte, str(tmp_path / f"{i}.json"), ""))
            peak = max(peak, workers._bytes_in_flight)
        workers.finish()
    assert sorted(r[0] for r in records) == sorted(f"{i:064x}" for i in range(40))
    assert {r[1]["status"] for r in records} == {"unreadable"}
    assert 0 < peak <= (3 << 20) + pool.CHUNK_BYTES


# ---------------------------------------------------------------------------- the generator
KINDS = ("workbook", "other-workbook", "fifo", "dev-zero", "dev-null", "loop", "dangling", "gbk-name", "link-to-file",
         "zip", "socket")
MEMBER_KINDS = ("plain", "duplicate", "dot-slash", "encrypted", "gbk")


def _member(archive: zipfile.ZipFile, kind: str, index: int) -> None:
    data = case_workbook_bytes("pingtan-2021" if index % 2 else "zhanggutai-2021")
    if kind == "duplicate":
        archive.writestr("dup.xlsx", data)
    elif kind == "dot-slash":
        archive.writestr(f"./县/{index}.xlsx", data)
    elif kind == "encrypted":
        _encrypted_flag(archive, f"enc{index}.xlsx", data)
    elif kind == "gbk":
        from test_bulk_support import gbk_member

        gbk_member(archive, f"乡镇/{index}.xlsx", data)
    else:
        archive.writestr(f"m{index}.xlsx", data)


def _build(folder: Path, kinds: list[str], members: list[str]) -> int:
    """Makes one file-system object per kind (and one per archive member); returns how many there are: each is
    a row of the summary or an ignored entry (a second path to a file already listed)."""
    rows = 0
    servers = []
    for index, kind in enumerate(kinds):
        path = folder / f"{index:02d}-{kind}.xlsx"
        rows += 1
        if kind in ("workbook", "other-workbook"):
            path.write_bytes(case_workbook_bytes("pingtan-2021" if kind == "workbook" else "huaian-2024"))
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind in ("dev-zero", "dev-null"):
            os.symlink(f"/dev/{kind[4:]}", path)
        elif kind == "loop":
            os.symlink(path, path)
        elif kind == "dangling":
            os.symlink(folder / "nowhere", path)
        elif kind == "gbk-name":
            with open(os.fsencode(folder) + b"/" + f"{index:02d}-".encode() + GBK_NAME, "wb") as stream:
                stream.write(case_workbook_bytes("xian-2021"))
        elif kind == "link-to-file":
            target = folder / f"{index:02d}-target.bin"
            target.write_bytes(b"not a workbook")
            os.symlink(target, path)  # the link and its target are one submission, and one ignored path
            rows += 1
        elif kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(path))
            servers.append(server)
        elif kind == "zip":
            rows -= 1
            with zipfile.ZipFile(path.with_suffix(".zip"), "w") as archive, warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile's "Duplicate name": what we build on purpose
                for number, member in enumerate(members):
                    _member(archive, member, number)
                    rows += 1
    return rows


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=7),
       members=st.lists(st.sampled_from(MEMBER_KINDS), min_size=0, max_size=5))
def test_whatever_the_file_system_holds_nothing_is_lost_nothing_hangs_nothing_raises(kinds, members):
    with tempfile.TemporaryDirectory() as work:
        inbox = Path(work) / "in"
        inbox.mkdir()
        expected = _build(inbox, kinds, members)
        with no_hang():
            result = run_bulk(inbox, Path(work) / "out", jobs=1)
        rows = _rows(result)
        assert result.total + len(result.ignored) == expected
        assert result.total >= sum(kind != "zip" for kind in set(kinds) - {"dev-zero", "dev-null"})
        assert all(row["code"] for row in rows.values() if row["status"] == "unreadable")
        assert (Path(work) / "out" / "summary.xlsx").is_file()
        lines = (Path(work) / "out" / "findings.jsonl").read_text(encoding="utf-8").splitlines()
        assert {json.loads(line)["file"] for line in lines} <= set(rows)


def test_an_output_folder_that_fails_under_the_workers_stops_the_batch_with_its_own_error(tmp_path, monkeypatch):
    from gaip_xl.errors import OutputFailed

    def full_disk(path, text):
        raise OutputFailed(path, detail="磁盘已满")

    write_case(tmp_path / "in" / "a.xlsx", "pingtan-2021")
    monkeypatch.setattr(worker, "write_new_text", full_disk)  # inherited by the forked workers
    for jobs in (1, 2):
        with pytest.raises(OutputFailed, match="磁盘已满"):
            run_bulk(tmp_path / "in", tmp_path / f"out{jobs}", jobs=jobs)
