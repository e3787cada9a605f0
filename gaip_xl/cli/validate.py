"""gaip-xl validate: every finding of one report, as a Chinese table or as JSON; exit 0 / 1 / 2."""

from __future__ import annotations

import argparse
import json

from ..loaders import load_report
from ..rules import Finding, ValidationReport, validate
from .output import Output

NAME = "validate"
HELP = "校验一份年报（JSON、填好的模板工作簿，或已发布的 PDF、网页、Word/WPS、文本），列出全部问题"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("report", metavar="REPORT",
                        help="年报文件（.json、.xlsx，或已发布的 PDF、网页、Word/WPS、文本）")
    parser.add_argument("--previous", metavar="LAST_YEAR", help="上一年度的年报，用于跨年度校验（R5–R8）")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="输出格式（默认 text）")


def summary_line(result: ValidationReport) -> str:
    if not result.findings:
        return "校验结果：全部通过"
    verdict = "不通过" if result.errors else "通过（有警告）"
    return f"校验结果：{verdict}，{len(result.errors)} 个错误，{len(result.warnings)} 个警告"


def where(finding: Finding, limit: int = 6) -> str:
    """The cells of a finding, grouped by sheet: '三、依申请公开'!D6、D7、D29."""
    by_sheet: dict[str, list[str]] = {}
    for cell in finding.cells:
        label = f"{'上年' if cell.report == 'previous' else ''}'{cell.sheet}'" if cell.sheet else cell.json_path
        by_sheet.setdefault(label, []).append(cell.address)
    parts = []
    for sheet, addresses in by_sheet.items():
        shown = "、".join(a for a in addresses[:limit] if a)
        parts.append(f"{sheet}!{shown}{'…' if len(addresses) > limit else ''}" if shown else sheet)
    return "；".join(parts)


def render_text(result: ValidationReport, out: Output) -> None:
    from rich.console import Console
    from rich.table import Table

    if result.findings:
        table = Table(show_lines=True, expand=False)
        for heading in ("规则", "级别", "位置", "说明"):
            table.add_column(heading, overflow="fold")
        table.columns[3].max_width = 90
        for f in result.findings:
            table.add_row(f.rule, f.severity.chinese, where(f), f.message)
        Console(file=out.stdout, width=160, color_system=None, highlight=False).print(table)
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
        out.write(json.dumps({"report": args.report, **result.to_dict(), **extra}, ensure_ascii=False, indent=2) + "\n")
    else:
        render_text(result, out)
    return 0 if result.valid else 1
