"""The package type-checks: mypy over gaip_xl/ with the settings in pyproject.toml ([tool.mypy]) finds nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error_in_the_package():
    pytest.importorskip("mypy", reason="mypy (the test extra) checks the types")
    result = subprocess.run([sys.executable, "-m", "mypy", "gaip_xl"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
