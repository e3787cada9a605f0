"""Excel's own file dialog, where the engine has one (Windows COM); the one other place that uses ``app.api``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any


def open_file_dialog(book: Any, file_filter: str, title: str, platform: str = sys.platform) -> tuple[bool, Path | None]:
    """(shown, path): whether a dialog could be shown, and the file chosen (None if the clerk cancelled)."""
    engine = getattr(getattr(getattr(book, "app", None), "engine", None), "name", None)
    if engine != "excel" or platform != "win32":
        return False, None
    chosen = book.app.api.GetOpenFilename(file_filter, 1, title)
    return True, (Path(chosen) if isinstance(chosen, str) and chosen else None)
