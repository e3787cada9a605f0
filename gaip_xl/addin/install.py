"""Installs the add-in for Excel on Windows or macOS: xlwings' own add-in (and, on macOS, its RunPython helper),
then ours, both through xlwings' installer (which finds Excel's XLSTART folder), and a user config that tells
RunPython and the UDFs which Python has gaip_xl installed. On any other system there is no Excel to install into.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from ..errors import NeedsExcel
from .build import PROJECT_NAME

EXCEL_PLATFORMS = ("win32", "darwin")


def user_config_path(platform: str = sys.platform, home: Path | None = None) -> Path:
    """Where the add-in's VBA (xlwings' GetConfigFilePath with PROJECT_NAME "gaip_xl") looks for user settings."""
    home = home or Path.home()
    if platform == "darwin":  # Excel is sandboxed: $HOME inside its container
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / f"{PROJECT_NAME}.conf"
    return home / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"


def user_config_text(interpreter: str, platform: str = sys.platform) -> str:
    """xlwings' config file format: one "KEY","value" line per setting."""
    key = "INTERPRETER_MAC" if platform == "darwin" else "INTERPRETER_WIN"
    return f'"{key}","{interpreter}"\n'


def _xlwings_installer(path: Path | None) -> None:
    from xlwings import cli

    cli.addin_install(argparse.Namespace(file=str(path) if path else None, dir=None, glob=False))


def require_excel(platform: str = sys.platform) -> None:
    if platform not in EXCEL_PLATFORMS:
        raise NeedsExcel(platform=platform,
                         detail="请在装有 Excel 的 Windows 或 macOS 电脑上运行 gaip-xl addin install")


def install(xlam: Path, platform: str = sys.platform, home: Path | None = None,
            installer: Callable[[Path | None], None] = _xlwings_installer,
            interpreter: str = sys.executable) -> Path:
    """Installs xlwings' add-in and ``xlam``; returns the user config written."""
    require_excel(platform)
    installer(None)  # xlwings.xlam (and on macOS the AppleScript RunPython needs)
    installer(xlam)
    config = user_config_path(platform, home)
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(user_config_text(interpreter, platform), encoding="utf-8")
    return config
