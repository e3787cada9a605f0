"""The ``gaip-xl`` command, written as ``run(argv, stdout, stderr) -> int`` so tests call it without subprocesses.

Each command is a module of this package with ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``main(args, out) -> int``; ``COMMANDS`` lists them in the order ``--help`` shows.

``run`` is the one place where every command's failures become a code and an exit status: a ``GaipError`` (bad
input, an output that cannot be written, stdout to a full disk or a closed pipe: ``E_OUTPUT``) and any other
exception (a bug: ``E_INTERNAL``, its traceback only with ``--debug``) exit 2 with a Chinese message on stderr.
"""

from __future__ import annotations

import argparse
import keyword
import os
import sys
import traceback
from contextlib import redirect_stdout
from importlib import import_module
from importlib.util import find_spec
from typing import Any, TextIO

from ..errors import GaipError, ProgramError
from .output import GuardedStream, Output

COMMANDS = ("validate", "to-json", "to-xlsx", "import", "publish", "template", "bulk", "serve", "addin", "schema",
            "rules")

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our streams, in Chinese, with exit code 2."""

    def __init__(self, *args: Any, out: Output | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._out = out

    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or of ``command`` alone: a command's module imports what it works with (the
    template command imports openpyxl, for instance), and a run of one command should not pay for the others."""
    parser = _Parser(prog="gaip-xl", description="政府信息公开工作年度报告：模板、校验、转换与汇总")
    parser.add_argument("--debug", action="store_true", help=DEBUG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMANDS if command not in COMMANDS else (command,):
        module_name = f"{__name__}.{name.replace('-', '_')}"
        if keyword.iskeyword(name):  # "import": the module is import_.py
            module_name += "_"
        if find_spec(module_name) is None:  # a command whose module is not part of this build yet
            continue
        module = import_module(module_name)
        command_parser = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command_parser)
        command_parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=DEBUG_HELP)
        command_parser.set_defaults(handler=module.main)
    return parser


DEBUG_HELP = "程序出错时显示详细的出错位置（供维护人员排查）"


def _command_name(arguments: list[str]) -> str | None:
    return next((a for a in arguments if not a.startswith("-")), None)


def _dispatch(arguments: list[str], out: Output) -> int:
    parser = build_parser(_command_name(arguments))  # a usage error or --help: every command
    try:
        with redirect_stdout(out.stdout):  # --help through the guarded stream
            args = parser.parse_args(arguments)
    except _UsageError as exc:
        out.error(f"[E_USAGE] 命令用法不对：{exc}\n{parser.format_usage()}")
        return EXIT_UNREADABLE
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        out.write(parser.format_help())
        return EXIT_UNREADABLE
    return int(args.handler(args, out))


def run(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Runs one command line; returns its exit status (0 passed, 1 findings, 2 could not run)."""
    out = Output(stdout or sys.stdout, stderr or sys.stderr)
    arguments = sys.argv[1:] if argv is None else argv
    try:
        status = _dispatch(arguments, out)
        out.flush()  # a full disk or a closed pipe shows here, while it can still be reported
        return status
    except GaipError as exc:
        out.error(f"错误 {exc}")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        out.error("[E_INTERRUPTED] 已中断")
        return 130
    except Exception as exc:  # a bug: one line with a code, the traceback only for whoever asked for it
        if "--debug" in arguments:
            out.error(traceback.format_exc())
        message = str(exc).splitlines()[0][:200] if str(exc) else ""
        out.error(f"错误 {ProgramError(detail=f'{type(exc).__name__}: {message}' if message else type(exc).__name__)}")
        return EXIT_UNREADABLE


def _silence_dead_stream(stream: TextIO, fd: int) -> None:
    """Points a standard stream that can no longer be written at /dev/null, so the interpreter's own flush at exit
    does not print "Exception ignored … BrokenPipeError" after we have already reported E_OUTPUT."""
    try:
        stream.flush()
    except (OSError, ValueError):
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, fd)
            os.close(devnull)
        except OSError:
            pass


def _utf8(stream: TextIO) -> None:
    """Writes UTF-8 whatever the locale says: a report may hold characters GBK has not (𠀀, in names of people and
    places; an emoji), and on Chinese Windows a redirected stdout is GBK, so such a character made the whole command
    fail with E_OUTPUT (under LANG=C, every Chinese message did). A lone surrogate is written as its escape."""
    try:
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        pass  # not a text file of the interpreter's own (a test's stream): left as it is


def main() -> None:
    """The console script: ``run`` on the process's own streams, in UTF-8, which are then left safe to close."""
    _utf8(sys.stdout)
    _utf8(sys.stderr)
    stdout = GuardedStream(sys.stdout)
    status = run(None, stdout, sys.stderr)  # type: ignore[arg-type]
    _silence_dead_stream(sys.stdout, 1)
    _silence_dead_stream(sys.stderr, 2)
    sys.exit(status)
