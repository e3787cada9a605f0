"""Test-wide set-up.

gaip_xl is imported before any test module imports openpyxl: the package sets OPENPYXL_LXML=False before openpyxl
first loads (gaip_xl/__init__.py), and a test module that imports openpyxl first (collected before the others) would
otherwise make every workbook of the run be written through lxml, with character references and other bytes.

Hypothesis: on CI (``CI`` set) the examples are derandomised, so a run is repeatable and a red CI always names a
change, not a draw; on a developer's machine every run draws new examples and keeps the failing ones in
``.hypothesis/``, which is where the generators keep finding new cases.
"""

import os

from hypothesis import settings

import gaip_xl  # noqa: F401

settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
