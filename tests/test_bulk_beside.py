"""``Beside``: the roll-ups are written in a second process; its value and its errors come back as if run here."""

from __future__ import annotations

import os

import pytest

from gaip_xl.bulk.pool import Beside
from gaip_xl.errors import OutputFailed


def _where(tag: str) -> tuple[str, int]:
    return tag, os.getpid()


def _fails(path: str) -> None:
    raise OutputFailed(path, detail="磁盘已满")


def test_value_comes_back():
    tag, _ = Beside(_where, "汇总").result()
    assert tag == "汇总"


def test_a_gaip_error_comes_back_with_its_class_and_message():
    with pytest.raises(OutputFailed) as caught:
        Beside(_fails, "/out/rollup.xlsx").result()
    assert caught.value.message == OutputFailed("/out/rollup.xlsx", detail="磁盘已满").message
