"""gaip-xl publish: a checked report → the published document (web page, Word file or PDF) in the notice's layout."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ReportHasErrors
from ..files import beside, refuse_overwriting
from ..loaders import load_report
from ..publish import FORMATS, format_of, publish
from ..publish.keep import refuse_replacing_document
from ..rules import Finding, ValidationReport
from .output import Output
from .validate import summary_line, where

NAME = "publish"
HELP = "由年报（填好的模板或 JSON）生成可发布的年度报告：网页（HTML）、Word（.docx）或 PDF"
FORMAT_NAMES = {"html": "网页", "docx": "Word 文件", "pdf": "PDF"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", metavar="SOURCE", help="年报文件：填好的模板（.xlsx/.xlsm）或年报 JSON")
    parser.add_argument("-o", "--output", metavar="FILE", help="输出文件（默认与 SOURCE 同名，扩展名按格式）")
    parser.add_argument("--format", choices=FORMATS,
                        help="输出格式：html、docx 或 pdf（默认按 -o 的扩展名，否则 html）")
    parser.add_argument("--force", action="store_true", help="年报有错误时仍然生成（错误列在标准错误输出）")
    parser.add_argument("--overwrite", action="store_true",
                        help="输出文件不是本程序生成的（如手工编写的文档）时，仍覆盖它")


def _list(findings: list[Finding], out: Output) -> None:
    for f in findings:
        out.error(f"[{f.rule}] {f.severity.chinese} {where(f)}：{f.message}")


def _report_findings(result: ValidationReport, out: Output) -> None:
    _list(result.errors, out)
    _list(result.warnings, out)
    if result.findings:
        out.error(summary_line(result))


def main(args: argparse.Namespace, out: Output) -> int:
    report = load_report(args.source)
    if args.output:
        target = Path(args.output)
        chosen = format_of(target, args.format)
    else:
        chosen = args.format or "html"
        target = beside(args.source, f".{chosen}")
    refuse_overwriting(target, args.source)
    if not args.overwrite:
        refuse_replacing_document(target, chosen, report)  # 年报.docx beside 年报.xlsx: often the clerk's own
    try:
        result = publish(report, target, chosen, force=args.force)
    except ReportHasErrors as exc:
        _report_findings(exc.result, out)  # type: ignore[attr-defined]
        out.error(str(exc))
        return 1
    _report_findings(result, out)
    out.line(f"已生成{FORMAT_NAMES[chosen]}：{target}")
    return 1 if result.errors else 0
