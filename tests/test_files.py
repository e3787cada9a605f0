"""Whatever a user names on the command line (a FIFO, a device, a folder, a link to one, a link to nothing), every
command that reads it answers at once with a Chinese message and a stable code, exit 2, never a hang or a traceback;
and a file is never read past its bound, even when it grows between stat and read (``gaip_xl.files``)."""

from __future__ import annotations

import io
import os
import socket
import stat

import pytest
from test_bulk_trust import no_hang  # a block that blocks fails the test, never waits forever

from gaip_xl import files
from gaip_xl.cli import run
from gaip_xl.errors import JsonTooLarge


def _fifo(path):
    os.mkfifo(path)


def _socket(path):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


# what is put at the input's path → (the code, the words that must name it)
KINDS = {
    "fifo": (_fifo, "E_NOT_FILE", "命名管道"),
    "dev-null": (lambda path: os.symlink("/dev/null", path), "E_NOT_FILE", "字符设备"),
    "dev-zero": (lambda path: os.symlink("/dev/zero", path), "E_NOT_FILE", "字符设备"),
    "folder": (os.mkdir, "E_NOT_FILE", "文件夹"),
    "socket": (_socket, "E_NOT_FILE", "套接字"),
    "link-to-fifo": (lambda path: (_fifo(f"{path}.target"), os.symlink(f"{path}.target", path)),
                     "E_NOT_FILE", "命名管道"),
    "link-to-folder": (lambda path: (os.mkdir(f"{path}.target"), os.symlink(f"{path}.target", path)),
                       "E_NOT_FILE", "文件夹"),
    "dangling-link": (lambda path: os.symlink(f"{path}.nowhere", path), "E_FILE_NOT_FOUND", "找不到该文件"),
    "link-loop": (lambda path: os.symlink(path, path), "E_FILE_NOT_FOUND", "找不到该文件"),
}
# each command with the name of the file it reads ({path}) and where it would write ({out})
COMMANDS = {
    "validate": ("年报.xlsx", ["validate", "{path}"]),
    "validate-json": ("年报.json", ["validate", "{path}", "--format", "json"]),
    "to-json": ("年报.xlsx", ["to-json", "{path}", "-o", "{out}.json"]),
    "import": ("年报.pdf", ["import", "{path}", "-o", "{out}.json"]),
    "import-text": ("年报.txt", ["import", "{path}", "-o", "{out}.json"]),
    "publish": ("年报.json", ["publish", "{path}", "-o", "{out}.html"]),
    "bulk-roster-csv": ("名单.csv", ["bulk", "examples", "-o", "{out}", "--roster", "{path}"]),
    "bulk-roster-xlsx": ("名单.xlsx", ["bulk", "examples", "-o", "{out}", "--roster", "{path}"]),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_command_given_what_is_not_a_file_says_so_at_once(tmp_path, command, kind):
    make, code, words = KINDS[kind]
    name, template = COMMANDS[command]
    path = tmp_path / name
    server = make(path)
    argv = [part.format(path=path, out=tmp_path / "out") for part in template]
    out, err = io.StringIO(), io.StringIO()
    try:
        with no_hang():
            status = run(argv, out, err)
    finally:
        if isinstance(server, socket.socket):
            server.close()
    message = err.getvalue()
    assert status == 2, message
    assert f"[{code}] {path}：" in message and words in message, message
    assert "Traceback" not in message and out.getvalue() == ""
    assert not list(tmp_path.glob("out*"))  # nothing written


def test_the_previous_years_report_is_checked_as_strictly(tmp_path):
    os.mkfifo(tmp_path / "上年.json")
    err = io.StringIO()
    with no_hang():
        status = run(["validate", "examples/huaian-2024.json", "--previous", str(tmp_path / "上年.json")],
                     io.StringIO(), err)
    assert status == 2 and "[E_NOT_FILE]" in err.getvalue() and "命名管道" in err.getvalue()


@pytest.fixture
def growing(monkeypatch):
    """fstat says 10 bytes for a regular file, as if it grew right after fstat looked."""
    real = os.fstat

    def fstat(descriptor):
        status = real(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return status
        fields = list(status)
        fields[6] = 10  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(files.os, "fstat", fstat)


@pytest.mark.parametrize("length", [0, 9, 10, 11, 50, 99, 100, 101, 1000])
def test_a_file_that_grows_after_fstat_is_read_only_up_to_its_limit(tmp_path, growing, length):
    path = tmp_path / "a.json"
    path.write_bytes(b"x" * length)
    sizes = []

    def too_large(size):
        sizes.append(size)
        return JsonTooLarge(str(path), size=size, limit=100)

    if length <= 100:
        assert files.read_regular(path, str(path), 100, too_large) == path.read_bytes()
    else:
        with pytest.raises(JsonTooLarge):
            files.read_regular(path, str(path), 100, too_large)
        assert sizes == [101]  # what was read: the limit and one byte, no more


@pytest.mark.parametrize("limit", [1, 99, 100, 101])
def test_a_file_over_its_limit_is_refused_with_the_limit_named(tmp_path, limit):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x" * 100)
    if limit >= 100:
        assert files.read_regular(path, "a.xlsx", limit) == b"x" * 100
    else:
        with pytest.raises(files.TooLarge, match=f"文件超过 {limit // files.MB} MB"):
            files.read_regular(path, "a.xlsx", limit)
