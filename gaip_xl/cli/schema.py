"""gaip-xl schema: prints the JSON Schema of an edition."""

from __future__ import annotations

import argparse
import json

from ..format import EDITIONS
from ..report import schema_for
from .output import Output

NAME = "schema"
HELP = "输出年报 JSON 文档的 JSON Schema（draft 2020-12）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", choices=sorted(EDITIONS), default="2021", help="格式版本（默认 2021）")


def main(args: argparse.Namespace, out: Output) -> int:
    out.write(json.dumps(schema_for(args.edition), ensure_ascii=False, indent=2) + "\n")
    return 0
