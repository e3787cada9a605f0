"""gaip-xl addin: builds the Excel add-in (.xlam) from its VBA and ribbon sources (package data), or installs it
into Excel (Windows, macOS)."""

from __future__ import annotations

import argparse
import tempfile
from importlib.resources.abc import Traversable
from pathlib import Path

from ..addin.build import MACROS, build_xlam
from .output import Output

NAME = "addin"
HELP = "生成或安装 Excel 加载项（“政府信息公开年报”选项卡：校验、自动合计、导出/导入 JSON）"
XLAM_NAME = "gaip_xl.xlam"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="操作", required=True)
    build = actions.add_parser("build", help="由随包附带的 VBA 与功能区源文件生成 .xlam 加载项（无需 Excel）")
    build.add_argument("-o", "--output", default=XLAM_NAME, metavar="FILE.xlam", help=f"输出文件（默认 {XLAM_NAME}）")
    build.add_argument("--macros", metavar="DIR", help="VBA 与 customUI 源文件所在目录（默认用随包附带的）")
    install = actions.add_parser("install", help="把加载项（连同 xlwings 加载项）安装到本机 Excel（Windows、macOS）")
    install.add_argument("--file", metavar="FILE.xlam", help="已生成的加载项（默认当场生成）")
    install.add_argument("--macros", metavar="DIR", help="VBA 与 customUI 源文件所在目录（默认用随包附带的）")


def _sources(args: argparse.Namespace) -> Traversable:
    return Path(args.macros) if args.macros else MACROS


def main(args: argparse.Namespace, out: Output) -> int:
    if args.action == "build":
        path = build_xlam(args.output, _sources(args))
        out.line(f"已生成加载项：{path}")
        return 0
    from ..addin.install import install, require_excel

    require_excel()
    if args.file:
        config = install(Path(args.file))
    else:
        with tempfile.TemporaryDirectory(prefix="gaip-addin-") as folder:
            config = install(build_xlam(Path(folder) / XLAM_NAME, _sources(args)))
    out.line(f"已安装加载项；Python 解释器设置写在 {config}。")
    out.line("请重新启动 Excel，打开模板后点“政府信息公开年报”选项卡中的“校验”。")
    return 0
