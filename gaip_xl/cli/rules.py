"""gaip-xl rules: lists every rule with its id, severity and what it relates."""

from __future__ import annotations

import argparse

from ..rules import CATALOG
from .output import Output

NAME = "rules"
HELP = "列出全部校验规则"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


def main(args: argparse.Namespace, out: Output) -> int:
    for spec in CATALOG:
        out.line(f"{spec.id}\t{spec.severity.chinese}\t{spec.title}\t{spec.relates}")
    return 0
