"""gaip-xl to-xlsx: a report's JSON → a fresh, protected template of its edition, filled in."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..excel import write_workbook
from ..loaders import load_report
from .output import Output

NAME = "to-xlsx"
HELP = "把年报 JSON 填入对应格式版本的新模板，生成 Excel 工作簿（.xlsx）"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT.json", help="年报 JSON 文件")
    parser.add_argument("-o", "--output", metavar="WORKBOOK", help="输出的 .xlsx 文件（默认与 JSON 同名）")


def main(args: argparse.Namespace, out: Output) -> int:
    report = load_report(args.report)
    target = Path(args.output) if args.output else Path(args.report).with_suffix(".xlsx")
    write_workbook(report, target)
    out.line(f"已写出 {report.edition.code} 年版工作簿：{target}")
    return 0
