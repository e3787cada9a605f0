"""LibreOffice headless, for recalculating filled templates and rendering the template to PDF.

Every run uses a private, throw-away profile so it neither touches nor depends on a user's settings. The profile
makes Calc recalculate every formula of an .xlsx on load (not trust cached values) and print the Windows Chinese
fonts the template names (宋体, 黑体) with the Noto CJK fonts Debian installs.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import OutputFailed

FONT_PAIRS = {"宋体": "Noto Serif CJK SC", "SimSun": "Noto Serif CJK SC",
              "黑体": "Noto Sans CJK SC", "SimHei": "Noto Sans CJK SC",
              "仿宋": "Noto Serif CJK SC", "FangSong": "Noto Serif CJK SC"}  # 仿宋: the published .docx's prose
TIMEOUT_SECONDS = 180


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _font_pair(index: int, font: str, substitute: str) -> str:
    props = {"Always": "true", "OnScreenOnly": "false", "ReplaceFont": font, "SubstituteFont": substitute}
    body = "".join(f'<prop oor:name="{k}" oor:op="fuse"><value>{v}</value></prop>' for k, v in props.items())
    return (f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{index}" oor:op="replace">{body}</node></item>')


def _write_profile(folder: Path) -> None:
    user = folder / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = [
        # 0 = always recalculate on load, for Excel 2007+ and ODF files.
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>',
        '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
        '<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>',
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>',
        *(_font_pair(i, font, sub) for i, (font, sub) in enumerate(FONT_PAIRS.items())),
    ]
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items) + "\n</oor:items>\n", encoding="utf-8")


def convert(files: Sequence[Path], target: str, outdir: Path) -> list[Path]:
    """Converts every file in one LibreOffice launch ("xlsx" recalculates and re-saves, "pdf" renders);
    returns the converted files in the order given. Input names must be distinct."""
    program = soffice()
    if program is None:
        raise OutputFailed(detail="未找到 LibreOffice（soffice），请先安装")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gaip-lo-") as profile:
        _write_profile(Path(profile))
        command = [program, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
                   "--convert-to", target, "--outdir", str(outdir), *map(str, files)]
        stderr = _run(command)
    results = [outdir / f"{Path(f).stem}.{target.split(':')[0]}" for f in files]
    missing = [r.name for r in results if not r.exists()]
    if missing:
        raise OutputFailed(detail=f"LibreOffice 未能转换 {', '.join(missing)}：{stderr.strip()[-300:]}")
    return results


def _run(command: list[str]) -> str:
    """Runs LibreOffice in a session of its own and returns what it said on stderr. A run that outlasts
    ``TIMEOUT_SECONDS`` (a document that makes it loop) is killed with every process of its session (the launcher
    and soffice.bin, its child) and is ``E_OUTPUT``, as is a program that cannot be started."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as exc:
        raise OutputFailed(detail=f"无法启动 LibreOffice（{exc.strerror or exc}）") from None
    try:
        _, stderr = process.communicate(timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        _kill_session(process)
        raise OutputFailed(detail=f"LibreOffice 在 {TIMEOUT_SECONDS} 秒内未完成转换，已停止") from None
    except BaseException:  # interrupted: leave nothing running
        _kill_session(process)
        raise
    return stderr.decode("utf-8", "replace")  # its messages are in the system's language and encoding


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # gone already; or Windows, which has no process groups
        process.kill()
    process.communicate()


def render_png(pdf: Path, prefix: Path, resolution: int = 80) -> list[Path]:
    """Every page of ``pdf`` as ``prefix-N.png`` (pdftoppm from poppler-utils)."""
    program = shutil.which("pdftoppm")
    if program is None:
        raise OutputFailed(detail="未找到 pdftoppm（poppler-utils），请先安装")
    subprocess.run([program, "-png", "-r", str(resolution), str(pdf), str(prefix)], check=True,
                   capture_output=True, timeout=TIMEOUT_SECONDS)
    return sorted(prefix.parent.glob(f"{prefix.name}-*.png"))
