"""Unprotect and protect again around a button's work, tested with fake native objects (no Excel here)."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from gaip_xl.addin.protection import AppleScriptGuard, ComGuard, guard_for, unprotected
from gaip_xl.errors import SheetProtected
from gaip_xl.template import TEMPLATE_PASSWORD


class FakeCom:
    """A COM worksheet or workbook: ProtectContents/ProtectStructure, Unprotect(password), Protect(**options)."""

    def __init__(self, name: str, log: list, locked: bool = True, password: str = TEMPLATE_PASSWORD,
                 fail_protect: bool = False) -> None:
        self.name, self.log, self.locked, self.password, self.fail_protect = name, log, locked, password, fail_protect

    @property
    def ProtectContents(self) -> bool:
        return self.locked

    ProtectStructure = ProtectContents

    def Unprotect(self, password: str) -> None:
        if password != self.password:
            raise RuntimeError("(-2147352567, 'Exception occurred.', 'The password you supplied is not correct.')")
        self.locked = False
        self.log.append(("unprotect", self.name))

    def Protect(self, **options) -> None:
        if self.fail_protect:
            raise RuntimeError("protect failed")
        self.locked = True
        self.log.append(("protect", self.name, options))


def fake_book(log: list, unlocked: tuple[str, ...] = (), **options) -> SimpleNamespace:
    sheets = [SimpleNamespace(name=n, api=FakeCom(n, log, locked=n not in unlocked, **options))
              for n in ("基本情况", "三、依申请公开", "_gaip")]
    return SimpleNamespace(name="report.xlsx", api=FakeCom("book", log), sheets=sheets,
                           app=SimpleNamespace(engine=SimpleNamespace(name="excel")))


def test_unprotects_for_the_block_and_protects_again_as_the_template_does():
    log: list = []
    book = fake_book(log, unlocked=("三、依申请公开",))
    with unprotected(book, ComGuard()):
        assert [s.api.locked for s in book.sheets] == [False, False, False] and not book.api.locked
        log.append(("work",))
    assert [s.api.locked for s in book.sheets] == [True, False, True]  # only what was protected before
    assert book.api.locked
    assert log[:3] == [("unprotect", "book"), ("unprotect", "基本情况"), ("unprotect", "_gaip")]
    assert log[3] == ("work",)
    sheet_options = {"Password": TEMPLATE_PASSWORD, "DrawingObjects": False, "Contents": True, "Scenarios": False}
    assert log[4:] == [("protect", "基本情况", sheet_options), ("protect", "_gaip", sheet_options),
                       ("protect", "book", {"Password": TEMPLATE_PASSWORD, "Structure": True, "Windows": False})]


def test_protects_again_when_the_work_fails_half_way():
    log: list = []
    book = fake_book(log)
    with pytest.raises(KeyError), unprotected(book, ComGuard()):
        raise KeyError("half-way")
    assert all(s.api.locked for s in book.sheets) and book.api.locked


def test_a_foreign_password_is_a_clear_error_and_what_was_unprotected_is_protected_again():
    log: list = []
    book = fake_book(log)
    book.sheets[1].api.password = "someone-else"
    with pytest.raises(SheetProtected) as caught, unprotected(book, ComGuard()):
        pytest.fail("the block must not run")
    assert caught.value.code == "E_PROTECTED" and "三、依申请公开" in caught.value.message
    assert all(s.api.locked for s in book.sheets) and book.api.locked
    assert [entry[:2] for entry in log if entry[0] == "protect"] == [("protect", "基本情况"), ("protect", "book")]


def test_every_sheet_is_protected_again_even_if_one_fails():
    log: list = []
    book = fake_book(log)
    book.sheets[0].api.fail_protect = True
    with pytest.raises(SheetProtected), unprotected(book, ComGuard()):
        pass
    assert [s.api.locked for s in book.sheets] == [False, True, True] and book.api.locked


def test_applescript_guard_uses_the_mac_dictionary():
    calls: list = []

    class Reference:
        def __init__(self, name):
            self.name = name
            self.protect_contents = self.protect_structure = SimpleNamespace(get=lambda: True)

        def unprotect(self, **kwargs):
            calls.append((self.name, "unprotect", kwargs))

        def protect(self, **kwargs):
            calls.append((self.name, "protect", kwargs))

    guard = AppleScriptGuard()
    sheet, book = Reference("sheet"), Reference("book")
    assert guard.sheet_locked(sheet) and guard.book_locked(book)
    guard.unlock_sheet(sheet, "pw")
    guard.lock_sheet(sheet, "pw")
    guard.unlock_book(book, "pw")
    guard.lock_book(book, "pw")
    assert calls == [
        ("sheet", "unprotect", {"password": "pw"}),
        ("sheet", "protect", {"password": "pw", "drawing_objects": False, "contents": True, "scenarios": False}),
        ("book", "unprotect", {"password": "pw"}),
        ("book", "protect", {"password": "pw", "structure": True, "windows": False}),
    ]


def test_guard_follows_the_engine_and_platform(caplog):
    excel = SimpleNamespace(app=SimpleNamespace(engine=SimpleNamespace(name="excel")))
    remote = SimpleNamespace(app=SimpleNamespace(engine=SimpleNamespace(name="remote")), name="r.xlsx")
    assert isinstance(guard_for(excel, "win32"), ComGuard)
    assert isinstance(guard_for(excel, "darwin"), AppleScriptGuard)
    assert guard_for(remote, "linux") is None
    with caplog.at_level(logging.INFO, logger="gaip_xl.addin.protection"), unprotected(remote):
        pass
    assert "remote" in caplog.text and "protection left as it is" in caplog.text
