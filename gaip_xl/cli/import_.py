"""gaip-xl import: a published report (PDF, web page, Word/WPS, text) → the report's JSON with its findings embedded
(``"validation"``) and where every figure came from (``"import"``); exit 0 / 1 / 2 as ``to-json``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..atomic import write_text
from ..files import beside, refuse_overwriting, same_file
from ..format import EDITIONS, LEVELS
from ..importer import import_report
from ..loaders import load_report
from ..rules import validate
from .output import Output
from .validate import summary_line

NAME = "import"
HELP = "导入已发布的年报（PDF、网页、Word/WPS、文本），生成年报 JSON，附校验结果和每个数字的出处"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("document", metavar="DOCUMENT",
                        help="已发布的年报文件（.pdf、.html、.docx、.doc、.wps、.txt、.md）")
    parser.add_argument("-o", "--output", metavar="REPORT.json",
                        help="输出的 JSON 文件（默认与文档同名、扩展名 .json；“-”表示输出到屏幕）")
    parser.add_argument("--edition", choices=sorted(EDITIONS), help="指定格式版本（默认按表格标签判断）")
    parser.add_argument("--year", type=int, help="指定报告年度（默认取自标题）")
    parser.add_argument("--level", choices=LEVELS, help="指定机关的行政级别（机关名称看不出时）")
    parser.add_argument("--previous", metavar="LAST_YEAR",
                        help="上一年度的年报，用于跨年度校验（R5–R8）和与上年比较（Y1–Y3）")


def main(args: argparse.Namespace, out: Output) -> int:
    target = Path(args.output) if args.output else beside(args.document, ".json")
    if not args.output and same_file(target, args.document):  # a document named .json: its report beside it
        target = beside(args.document, ".report.json")
    if args.output != "-":
        refuse_overwriting(target, args.document, args.previous)
    result = import_report(args.document, edition=args.edition, year=args.year, level=args.level)
    report = result.report
    previous = load_report(args.previous) if args.previous else None
    validation = validate(report, previous)
    document = report.to_json(**{"validation": validation.to_dict(), "import": result.block})
    for finding in result.findings:
        out.error(f"导入提示 [{finding.code}] {finding.message}")
    if args.output == "-":
        out.write(document)
        return 0 if validation.valid else 1
    write_text(target, document)
    out.line(f"{summary_line(validation)}；导入提示 {len(result.findings)} 条；已写出 {target}")
    return 0 if validation.valid else 1
