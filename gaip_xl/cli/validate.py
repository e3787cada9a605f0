"""gaip-xl validate: every finding of one report, as a Chinese table or as JSON; exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
import json

from ..inert import terminal_text
from ..loaders import load_report
from ..rules import ValidationReport, validate
from ..rules.summary import summary_line, where
from .output import Output

NAME = "validate"
HELP = "校验一份年报（JSON、填好的模板工作簿，或已发布的 PDF、网页、Word/WPS、文本），列出全部问题"
__all__ = ["add_arguments", "main", "render_text", "summary_line", "where"]  # the last two: rules.summary


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT",
                        help="年报文件（.json、.xlsx，或已发布的 PDF、网页、Word/WPS、文本）")
    parser.add_argument("--previous", metavar="LAST_YEAR",
                        help="上一年度的年报，用于跨年度校验（R5–R8）和与上年比较（Y1–Y3）")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")


def render_text(result: ValidationReport, out: Output) -> None:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    if result.findings:
        table = Table(show_lines=True, expand=False)
        for heading in ("规则", "级别", "位置", "说明"):
            table.add_column(heading, overflow="fold")
        table.columns[3].max_width = 90
        for f in result.findings:  # plain text, never rich markup: a cell may read "[bold]12[/bold]" or "[/]"
            table.add_row(*(Text(terminal_text(value)) for value in (f.rule, f.status, where(f), f.explained_message)))
        Console(file=out.stdout, width=160, color_system=None, highlight=False).print(table)
    for stale in result.stale_explanations:
        cells = "、".join(stale.cells) or "（未指明单元格）"
        out.line(f"过期的说明 [{stale.rule}] {cells}：{stale.text}（对应的问题已不存在，请删除或修改这条说明）")
    out.line(summary_line(result))


def main(args: argparse.Namespace, out: Output) -> int:
    report = load_report(args.report)
    previous = load_report(args.previous) if args.previous else None
    result = validate(report, previous)
    block = report.extra.get("import")  # a published document imported on the fly
    for finding in (block or {}).get("findings", ()):
        out.error(f"导入提示 [{finding['code']}] {finding['message']}")
    if args.format == "json":
        extra = {"import_findings": block["findings"]} if block else {}
        out.write(json.dumps({"report": args.report, **result.to_dict(), **extra}, ensure_ascii=False, indent=2,
                             allow_nan=False) + "\n")
    else:
        render_text(result, out)
    return 0 if result.valid else 1
