"""The package as a clerk installs it: a wheel built from this tree, installed into a fresh virtual environment (no
network: the dependencies come from the system site-packages), builds the add-in from the sources it carries."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gaip_xl"


def _clean_env() -> dict[str, str]:
    """No PYTHONPATH: the venv must import gaip_xl from the wheel, not from this tree."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of the sources, so no build/ or egg-info lands in the tree."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(PACKAGE, source / "gaip_xl", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out),
                    str(source)], check=True, cwd=out, env=_clean_env(), capture_output=True)
    [built] = out.glob("gaip_xl-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(folder)], check=True)
    python = folder / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)],
                   check=True, cwd=folder, env=_clean_env(), capture_output=True)
    return folder


def test_package_data_names_only_what_exists():
    with open(ROOT / "pyproject.toml", "rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]["gaip_xl"]
    assert patterns
    for pattern in patterns:
        assert [p for p in PACKAGE.glob(pattern) if p.is_file()], pattern


def test_wheel_carries_the_addin_sources_schemas_and_the_typing_marker(wheel):
    with zipfile.ZipFile(wheel) as package:
        names = set(package.namelist())
    shipped = {f"gaip_xl/{p.relative_to(PACKAGE).as_posix()}" for p in PACKAGE.rglob("*")
               if p.is_file() and p.suffix in (".bas", ".xml", ".json", ".typed")}
    assert {"gaip_xl/addin/macros/gaip_xl.bas", "gaip_xl/addin/macros/customUI.xml", "gaip_xl/py.typed",
            "gaip_xl/schemas/report-2021.schema.json", "gaip_xl/schemas/report-2019.schema.json"} <= shipped
    assert shipped <= names


def test_installed_wheel_builds_the_addin_outside_the_source_tree(venv, tmp_path):
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    where = subprocess.run([str(python), "-c", "import gaip_xl; print(gaip_xl.__file__)"], check=True, cwd=tmp_path,
                           env=_clean_env(), capture_output=True, text=True).stdout.strip()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where
    script = venv / ("Scripts/gaip-xl.exe" if os.name == "nt" else "bin/gaip-xl")
    result = subprocess.run([str(script), "addin", "build", "-o", "out.xlam"], cwd=tmp_path, env=_clean_env(),
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from oletools.olevba import VBA_Parser

    with zipfile.ZipFile(tmp_path / "out.xlam") as package:
        custom_ui = package.read("customUI/customUI.xml")
    assert custom_ui == (PACKAGE / "addin" / "macros" / "customUI.xml").read_bytes()
    parser = VBA_Parser(str(tmp_path / "out.xlam"))
    modules = {stream.split("/")[-1]: code for _, stream, _, code in parser.extract_macros()}
    parser.close()
    assert {"xlwings", "Dictionary", "GaipRibbon", "ThisWorkbook", "Sheet1"} <= set(modules)
    ours = (PACKAGE / "addin" / "macros" / "gaip_xl.bas").read_text(encoding="ascii")
    assert _code_lines(modules["GaipRibbon"]) == _code_lines(ours)


def _code_lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")
            if line.strip() and not line.startswith("Attribute ")]
