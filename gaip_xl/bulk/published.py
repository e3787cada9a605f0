"""``gaip-xl bulk --publish html,docx``: the published report of every submission without errors, from its JSON.

Runs after the batch, into OUT_DIR/published/, each file named as its report JSON (whose name carries the
submission's content hash): a rerun renders only new or changed submissions and removes the files that no longer
belong to a submission without errors. Each file is written atomically.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ..publish import write_report
from ..report import Report
from .worker import OK

FOLDER = "published"
BULK_FORMATS = ("html", "docx")


def publish_valid(out_dir: str | os.PathLike[str], summaries: Iterable[dict[str, Any]],
                  formats: Sequence[str]) -> int:
    """Writes the missing published files of every submission whose status is ok; returns how many were written."""
    out = Path(out_dir)
    folder = out / FOLDER
    folder.mkdir(exist_ok=True)
    wanted: set[str] = set()
    written = 0
    for summary in summaries:
        if summary["status"] != OK or not summary["json"]:
            continue
        stem = Path(summary["json"]).stem
        report: Report | None = None
        for format in formats:
            name = f"{stem}.{format}"
            wanted.add(name)
            if (folder / name).exists():  # the same submission, published by an earlier run
                continue
            report = report or Report.load(out / summary["json"])
            write_report(report, folder / name, format)
            written += 1
    with os.scandir(folder) as entries:  # submissions gone, changed or now with errors; temporaries of a killed run
        for entry in entries:
            if entry.name not in wanted:
                Path(entry.path).unlink(missing_ok=True)
    return written
