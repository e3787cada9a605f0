"""gaip-xl to-json: a filled template → the report's JSON, with its findings embedded; exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..atomic import write_text
from ..excel import read_source
from ..excel.document import report_document
from ..files import beside, refuse_overwriting
from ..loaders import load_report
from ..rules import validate
from ..rules.summary import summary_line
from .output import Output

NAME = "to-json"
HELP = "把填好的模板工作簿（.xlsx/.xlsm）转换为年报 JSON，并附上校验结果"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", metavar="WORKBOOK", help="填好的模板工作簿（.xlsx 或 .xlsm）")
    parser.add_argument("-o", "--output", metavar="REPORT.json",
                        help="输出的 JSON 文件（默认与工作簿同名、扩展名 .json；“-”表示输出到屏幕）")
    parser.add_argument("--previous", metavar="LAST_YEAR",
                        help="上一年度的年报，用于跨年度校验（R5–R8）和与上年比较（Y1–Y3）")


def main(args: argparse.Namespace, out: Output) -> int:
    target = Path(args.output) if args.output else beside(args.workbook, ".json")
    if args.output != "-":
        refuse_overwriting(target, args.workbook, args.previous)
    report, source = read_source(args.workbook)
    previous = load_report(args.previous) if args.previous else None
    result = validate(report, previous)
    document = report_document(report, result, source)
    for warning in source.warnings:
        out.error(f"提示 [{warning['code']}] {warning['message']}")
    if args.output == "-":
        out.write(document)
        return 0 if result.valid else 1
    write_text(target, document)
    out.line(f"{summary_line(result)}；已写出 {target}")
    return 0 if result.valid else 1
