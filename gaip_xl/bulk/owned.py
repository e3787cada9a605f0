"""What ``gaip-xl bulk`` may take for its own in an output folder, and nothing else.

A run writes into its output folder, replaces its earlier outputs there and removes those no input has any more.
So the folder must be bulk's: new, empty, an earlier run's (it holds the run-state folder ``.gaip-bulk``), or holding
nothing but names bulk writes there (an earlier run's whose state is gone). Any other folder (a desktop, a documents
folder, ``-o .``) is refused before anything is written (``E_OUTPUT_NOT_EMPTY``): its own files could be replaced.
And in a folder of bulk's own, a clean-up removes only names bulk makes
(a report JSON is ``<name>-<12 hex digits>.json``, a roll-up ``rollup-<year>-<edition>.json`` …) and the temporary
files of its writes: a file someone put there (notes, a hidden file, their own JSON) stays.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..atomic import failed, temporary_pattern
from ..errors import OutputFolderNotOurs
from ..report.tidy import TIDY_CSV
from .store import STATE_DIR

REPORTS, ROLLUP, PUBLISHED = "reports", "rollup", "published"  # bulk's folders in an output folder
TOP_OUTPUTS = ("summary.xlsx", "findings.csv", "findings.jsonl", TIDY_CSV)
OWN_TOP_NAMES = frozenset({STATE_DIR, REPORTS, ROLLUP, PUBLISHED, *TOP_OUTPUTS})
REPORT_JSON = r".+-[0-9a-f]{12}\.json"  # ``store.json_name``
ROLLUP_FILE = r"rollup-\d+-\d+(?:\.json|\.xlsx|-reports\.csv)"  # ``Rollup.stem`` and its three suffixes
PUBLISHED_FILE = r".+-[0-9a-f]{12}\.(?:html|docx)"  # a report JSON's stem, published
HARMLESS = frozenset({".ds_store", "thumbs.db", "desktop.ini"})  # what a file manager puts in any folder it shows
SHOWN_NAMES = 3


def _matcher(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


_TOP_TEMPORARY = _matcher(temporary_pattern("|".join(map(re.escape, TOP_OUTPUTS))))
_OUTPUTS = {kind: (_matcher(pattern), _matcher(temporary_pattern(pattern)))
            for kind, pattern in ((REPORTS, REPORT_JSON), (ROLLUP, ROLLUP_FILE), (PUBLISHED, PUBLISHED_FILE))}


def is_own_output(kind: str, name: str) -> bool:
    """Whether ``name`` in bulk's folder ``kind`` (reports, rollup, published) is a name bulk writes there."""
    return _OUTPUTS[kind][0].fullmatch(name) is not None


def is_own_temporary(kind: str, name: str) -> bool:
    """Whether ``name`` is a temporary file of bulk's writes: in folder ``kind``, or at the top (``kind`` "")."""
    pattern = _TOP_TEMPORARY if kind == "" else _OUTPUTS[kind][1]
    return pattern.fullmatch(name) is not None


def claim_folder(out: Path, shown: str) -> None:
    """Raises ``OutputFolderNotOurs`` unless ``out`` is missing, an earlier run's output folder, or holds nothing but
    names bulk writes there and what file managers add; ``shown`` is how the message names it."""
    try:
        with os.scandir(out) as entries:
            names = [entry.name for entry in entries]
    except (FileNotFoundError, NotADirectoryError):
        return  # made by the run (a file in its place is the run's E_OUTPUT)
    except OSError as exc:
        raise failed(out, exc) from None
    if STATE_DIR in names:  # the run-state folder (or what replaced it: ours to make anew)
        return
    others = sorted(name for name in names if name.lower() not in HARMLESS and name not in OWN_TOP_NAMES
                    and not is_own_temporary("", name))
    if others:
        listed = "、".join(others[:SHOWN_NAMES]) + (f" 等 {len(others)} 项" if len(others) > SHOWN_NAMES else "")
        raise OutputFolderNotOurs(shown, names=listed)
