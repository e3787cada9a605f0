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

from ..atomic import failed, remove_file
from ..publish import write_report
from ..report import Report
from .owned import PUBLISHED, is_own_output, is_own_temporary
from .worker import OK

FOLDER = PUBLISHED
BULK_FORMATS = ("html", "docx")


def publish_valid(out_dir: str | os.PathLike[str], summaries: Iterable[dict[str, Any]],
                  formats: Sequence[str]) -> int:
    """Writes the missing published files of every submission whose status is ok; returns how many were written."""
    out = Path(out_dir)
    folder = out / FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:  # a file of that name, a read-only or full disk
        raise failed(folder, exc) from None
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
            if (folder / name).is_file():  # the same submission, published by an earlier run
                continue
            report = report or Report.load(out / summary["json"])
            write_report(report, folder / name, format)
            written += 1
    try:
        with os.scandir(folder) as entries:  # submissions gone, changed or now with errors; temporaries of a killed run
            for entry in entries:
                if is_own_temporary(FOLDER, entry.name) or (is_own_output(FOLDER, entry.name)
                                                             and entry.name not in wanted):
                    remove_file(entry.path)
    except OSError as exc:
        raise failed(exc.filename or folder, exc) from None
    return written
