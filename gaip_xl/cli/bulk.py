"""gaip-xl bulk: convert and check every submission in folders and zip archives (workbooks, report JSON, published
documents, told apart by their bytes); summary, roll-up, and with ``--roster`` the agencies that have not submitted.

Exit codes: 0 every file passed (warnings allowed), 1 some file has errors or cannot be read, 2 the command itself
cannot run (an input that does not exist, an output folder that cannot be written).
"""

from __future__ import annotations

import argparse
import glob
import os

from ..bulk import RollupIdentity, run_bulk
from ..bulk.rollup import DEFAULT_LEVEL, DEFAULT_OFFICE
from ..format import LEVELS
from ..roster import read_roster
from .output import Output

NAME = "bulk"
NOT_SUBMITTED_CODE = "W_NOT_SUBMITTED"  # the roster's agencies with no submission (stderr; rows 未提交 in summary.xlsx)
MISSING_NAMED = 20  # agencies named on that line; summary.xlsx lists them all
HELP = ("批量转换并校验收到的年报（工作簿、JSON、已发布的 PDF/网页/Word/文本；文件夹、zip 压缩包），"
        "生成汇总表、问题清单和汇总报告；可按名单统计未提交的机关")


def _jobs(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}”不是整数") from None
    if value < 1:
        raise argparse.ArgumentTypeError("至少为 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="文件夹（含子文件夹）、zip 压缩包或单个文件")
    parser.add_argument("-o", "--output", required=True, metavar="OUT_DIR", help="输出文件夹")
    parser.add_argument("--jobs", type=_jobs, default=None, metavar="N", help="并行进程数（默认：全部CPU核心）")
    parser.add_argument("--quiet", action="store_true", help="不显示进度条和结果摘要（供脚本调用）")
    parser.add_argument("--office", default=DEFAULT_OFFICE, metavar="名称",
                        help=f"汇总报告的机关名称（默认“{DEFAULT_OFFICE}”）")
    parser.add_argument("--office-level", choices=LEVELS, default=DEFAULT_LEVEL, metavar="级别",
                        help=f"汇总报告的行政级别：{'、'.join(LEVELS)}（默认“{DEFAULT_LEVEL}”）")
    parser.add_argument("--region-code", default=None, metavar="代码", help="汇总报告的六位行政区划代码（可不填）")
    parser.add_argument("--roster", metavar="ROSTER",
                        help="应报送机关名单（.xlsx 或 UTF-8 编码的 .csv，表头“机关名称”等与模板基本情况相同）："
                             "未提交的机关列入汇总表（状态“未提交”），不在名单上的提交标出")
    parser.add_argument("--publish", type=_formats, default=(), metavar="html,docx",
                        help="为每份没有错误的年报生成可发布的年度报告（网页 html、Word 文件 docx），"
                             "写在 OUT_DIR/published")


def _formats(text: str) -> tuple[str, ...]:
    from ..bulk.published import BULK_FORMATS

    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    wrong = [f for f in chosen if f not in BULK_FORMATS]
    if not chosen or wrong:
        raise argparse.ArgumentTypeError(f"“{text}”：应为 {'、'.join(BULK_FORMATS)} 之一或以逗号分隔的几种")
    return chosen


def expanded(inputs: list[str]) -> list[str]:
    """The inputs with wildcards expanded where no shell did it (Windows' cmd and PowerShell pass ``收件箱\\*.xlsx``
    as typed): an input that exists is taken as it is, one that does not and holds ``*``, ``?`` or ``[`` is replaced
    by the files it matches (``**`` into subfolders), in name order; a pattern matching nothing stays, to be
    reported as not found."""
    result: list[str] = []
    for given in inputs:
        pattern = not os.path.lexists(given) and any(c in given for c in "*?[")
        matches = sorted(glob.glob(given, recursive=True)) if pattern else []
        result.extend(matches or [given])
    return result


def main(args: argparse.Namespace, out: Output) -> int:
    identity = RollupIdentity(args.office, args.office_level, args.region_code)
    roster = read_roster(args.roster) if args.roster else None  # a bad roster stops here (exit 2), before any work
    result = run_bulk(expanded(args.inputs), args.output, jobs=args.jobs, identity=identity,
                      progress_stream=None if args.quiet else out.stderr, roster=roster)
    if args.publish:
        from ..bulk.published import FOLDER, publish_valid

        written = publish_valid(result.out_dir, result.files, args.publish)
        if not args.quiet:
            out.line(f"年度报告（{'、'.join(args.publish)}）新生成 {written} 个文件：{result.out_dir / FOLDER}")
    if not args.quiet:
        for row in result.files:
            if row["code"] in ("E_INTERNAL", "E_CRASHED", "E_TIMEOUT"):  # named on stderr too, so that it reaches us
                out.error(f"[E_INTERNAL] {row['file']}：{row['message']}")
        if result.roster is not None and result.roster.missing:
            names = "、".join(entry.name for entry in result.roster.missing[:MISSING_NAMED])
            more = f"等 {len(result.roster.missing)} 个" if len(result.roster.missing) > MISSING_NAMED else ""
            out.error(f"[{NOT_SUBMITTED_CODE}] 名单上有 {len(result.roster.missing)} 个机关未提交：{names}{more}"
                      f"（见 summary.xlsx 中状态为“未提交”的行）")
        out.line(result.summary_line())
    return result.exit_code


__all__ = ["NAME", "HELP", "add_arguments", "main"]
