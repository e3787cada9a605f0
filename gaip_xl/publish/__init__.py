"""Publishing: the checked report as the document a clerk delivers — a web page, a Word file, a PDF — in the
notice's layout (``gaip_xl.format.grid``), so that what is published is what was checked.

``gaip_xl.publish(report, path, format=...)`` and ``gaip_xl.publish.publish(...)`` are the same call: this module
is callable, because a package attribute and a subpackage of the same name cannot otherwise coexist.
"""

from __future__ import annotations

import os
import sys
from types import ModuleType

from ..report import Report
from ..rules import ValidationReport
from .publisher import FORMATS, check_publishable, format_of, publish, render, write_report


class _CallableModule(ModuleType):
    def __call__(self, report: Report, path: str | os.PathLike[str], format: str | None = None, *,
                 force: bool = False) -> ValidationReport:
        return publish(report, path, format, force=force)


sys.modules[__name__].__class__ = _CallableModule

__all__ = ["FORMATS", "check_publishable", "format_of", "publish", "render", "write_report"]
