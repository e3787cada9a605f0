"""Unprotect the template while a button works on it, and protect it again however the work ends.

The only module of the add-in that touches the native Excel object (``sheet.api``/``book.api``): xlwings has no
protection API of its own. On Windows the native object is COM (``Unprotect``/``Protect``), on macOS AppleScript
through appscript (``unprotect``/``protect``). An engine without a native object (xlwings' remote engine) cannot
change protection at all; there the guard does nothing and says so in the log.

Protection is put back as the template sets it (``gaip_xl.template.protection``): sheets protected with the template
password, drawing objects (notes) and scenarios left editable, formatting forbidden; the workbook's structure
locked. Only what was protected before is protected again.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from ..errors import SheetProtected
from ..template import TEMPLATE_PASSWORD

log = logging.getLogger(__name__)


class Guard(Protocol):
    """How one platform reads and changes protection on native sheet and workbook objects."""

    def sheet_locked(self, sheet: Any) -> bool: ...
    def unlock_sheet(self, sheet: Any, password: str) -> None: ...
    def lock_sheet(self, sheet: Any, password: str) -> None: ...
    def book_locked(self, book: Any) -> bool: ...
    def unlock_book(self, book: Any, password: str) -> None: ...
    def lock_book(self, book: Any, password: str) -> None: ...


class ComGuard:
    """Excel on Windows (pywin32 COM objects)."""

    def sheet_locked(self, sheet: Any) -> bool:
        return bool(sheet.ProtectContents)

    def unlock_sheet(self, sheet: Any, password: str) -> None:
        sheet.Unprotect(password)

    def lock_sheet(self, sheet: Any, password: str) -> None:
        sheet.Protect(Password=password, DrawingObjects=False, Contents=True, Scenarios=False)

    def book_locked(self, book: Any) -> bool:
        return bool(book.ProtectStructure)

    def unlock_book(self, book: Any, password: str) -> None:
        book.Unprotect(password)

    def lock_book(self, book: Any, password: str) -> None:
        book.Protect(Password=password, Structure=True, Windows=False)


class AppleScriptGuard:
    """Excel on macOS (appscript references, as xlwings' ``api`` gives them there)."""

    def sheet_locked(self, sheet: Any) -> bool:
        return bool(sheet.protect_contents.get())

    def unlock_sheet(self, sheet: Any, password: str) -> None:
        sheet.unprotect(password=password)

    def lock_sheet(self, sheet: Any, password: str) -> None:
        sheet.protect(password=password, drawing_objects=False, contents=True, scenarios=False)

    def book_locked(self, book: Any) -> bool:
        return bool(book.protect_structure.get())

    def unlock_book(self, book: Any, password: str) -> None:
        book.unprotect(password=password)

    def lock_book(self, book: Any, password: str) -> None:
        book.protect(password=password, structure=True, windows=False)


NATIVE_ENGINES = ("excel",)  # xlwings' engine name for desktop Excel on both Windows and macOS


def guard_for(book: Any, platform: str = sys.platform) -> Guard | None:
    """The guard for ``book``'s engine, or None when the engine has no native object to protect with."""
    engine = getattr(getattr(getattr(book, "app", None), "engine", None), "name", None)
    if engine not in NATIVE_ENGINES:
        return None
    return AppleScriptGuard() if platform == "darwin" else ComGuard()


@contextmanager
def unprotected(book: Any, guard: Guard | None = None, password: str = TEMPLATE_PASSWORD) -> Iterator[None]:
    """Runs the block with ``book``'s structure and sheets unprotected; protects again whatever was protected,
    even if the block (or the unprotecting itself) fails half-way."""
    guard = guard if guard is not None else guard_for(book)
    if guard is None:
        log.info("engine %s has no native workbook object: protection left as it is",
                 getattr(getattr(getattr(book, "app", None), "engine", None), "name", "?"))
        yield
        return
    relock_book = False
    relock: list[Any] = []
    try:
        if guard.book_locked(book.api):
            _unlock(lambda: guard.unlock_book(book.api, password), book.name)
            relock_book = True
        for sheet in book.sheets:
            if guard.sheet_locked(sheet.api):
                _unlock(lambda s=sheet: guard.unlock_sheet(s.api, password), sheet.name)
                relock.append(sheet)
        yield
    finally:
        _relock(guard, book, relock, relock_book, password)


def _unlock(action: Any, where: str) -> None:
    try:
        action()
    except Exception as exc:  # a COM or AppleScript error: the password is not the template's
        raise SheetProtected(where, detail=str(exc)) from None


def _relock(guard: Guard, book: Any, sheets: list[Any], relock_book: bool, password: str) -> None:
    """Protects each sheet again even if another one fails; the first failure is raised at the end."""
    failures: list[Exception] = []
    for sheet in sheets:
        try:
            guard.lock_sheet(sheet.api, password)
        except Exception as exc:  # keep going: every other sheet must still be protected
            log.error("could not protect sheet %s again: %s", sheet.name, exc)
            failures.append(exc)
    if relock_book:
        try:
            guard.lock_book(book.api, password)
        except Exception as exc:
            log.error("could not protect workbook %s again: %s", book.name, exc)
            failures.append(exc)
    if failures and sys.exc_info()[0] is None:
        raise SheetProtected(book.name, detail=f"无法重新保护：{failures[0]}")
