"""gaip-xl template: writes the official Excel template of an edition."""

from __future__ import annotations

import argparse

from ..excel.keep import refuse_replacing_work
from ..format import EDITIONS
from ..template import TEMPLATE_VERSION, save_template
from .output import Output

NAME = "template"
HELP = "生成官方格式的 Excel 填报模板（已加保护，自带勾稽校验公式）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--edition", choices=sorted(EDITIONS), default="2021", help="格式版本（默认 2021）")
    parser.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .xlsx 文件")
    parser.add_argument("--overwrite", action="store_true", help="输出文件已是填写过的年报或别的文件时，仍覆盖它")


def main(args: argparse.Namespace, out: Output) -> int:
    if not args.overwrite:
        refuse_replacing_work(args.output)  # a blank template may be replaced, a filled one never silently
    save_template(args.edition, args.output)
    out.line(f"已生成 {args.edition} 年版模板（模板版本 {TEMPLATE_VERSION}）：{args.output}")
    return 0
