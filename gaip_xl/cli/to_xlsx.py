"""gaip-xl to-xlsx: a report's JSON → a fresh, protected template of its edition, filled in."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..excel import write_workbook
from ..excel.keep import refuse_replacing_work
from ..files import beside, refuse_overwriting, same_file
from ..loaders import load_report
from .output import Output

NAME = "to-xlsx"
HELP = "把年报 JSON 填入对应格式版本的新模板，生成 Excel 工作簿（.xlsx）"
FRESH_SUFFIX = "（新模板）.xlsx"  # the default output for a workbook given as input: never the input itself


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT.json", help="年报 JSON 文件")
    parser.add_argument("-o", "--output", metavar="WORKBOOK", help="输出的 .xlsx 文件（默认与 JSON 同名）")
    parser.add_argument("--overwrite", action="store_true", help="输出文件已是内容不同的年报或别的文件时，仍覆盖它")


def main(args: argparse.Namespace, out: Output) -> int:
    target = Path(args.output) if args.output else beside(args.report, ".xlsx")
    if not args.output and same_file(target, args.report):  # a workbook given: the fresh one goes beside it
        target = beside(args.report, FRESH_SUFFIX)
    refuse_overwriting(target, args.report)
    report = load_report(args.report)
    if not args.overwrite:
        refuse_replacing_work(target, report)  # a workbook filled on in Excel since: never replaced silently
    write_workbook(report, target)
    out.line(f"已写出 {report.edition.code} 年版工作簿：{target}")
    return 0
