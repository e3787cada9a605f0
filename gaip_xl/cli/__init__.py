"""The ``gaip-xl`` command, written as ``run(argv, stdout, stderr) -> int`` so tests call it without subprocesses.

Each command is a module of this package with ``NAME``, ``HELP``, ``add_arguments(parser)`` and
``main(args, out) -> int``; ``COMMANDS`` lists them in the order ``--help`` shows.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from importlib.util import find_spec
from typing import TextIO

from ..errors import GaipError
from .output import Output

COMMANDS = ("validate", "to-json", "to-xlsx", "template", "bulk", "serve", "addin", "schema", "rules")

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors through our streams, in Chinese, with exit code 2."""

    def __init__(self, *args, out: Output | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
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
    sub = parser.add_subparsers(dest="command", metavar="命令")
    for name in COMMANDS if command not in COMMANDS else (command,):
        module_name = f"{__name__}.{name.replace('-', '_')}"
        if find_spec(module_name) is None:  # a command whose module is not part of this build yet
            continue
        module = import_module(module_name)
        command = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(command)
        command.set_defaults(handler=module.main)
    return parser


def run(argv: list[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    out = Output(stdout or sys.stdout, stderr or sys.stderr)
    arguments = sys.argv[1:] if argv is None else argv
    parser = build_parser(arguments[0] if arguments else None)  # a usage error or --help: every command
    try:
        args = parser.parse_args(arguments)
    except _UsageError as exc:
        out.error(f"[E_USAGE] 命令用法不对：{exc}\n{parser.format_usage()}")
        return EXIT_UNREADABLE
    except SystemExit as exc:  # --help
        out.flush()
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        out.write(parser.format_help())
        return EXIT_UNREADABLE
    try:
        return int(args.handler(args, out))
    except GaipError as exc:
        out.error(f"错误 {exc}")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        out.error("[E_INTERRUPTED] 已中断")
        return 130


def main() -> None:
    sys.exit(run())
