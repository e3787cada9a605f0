"""A document ``publish`` would write over must be one it made. ``gaip-xl publish 年报.xlsx --format docx`` writes
年报.docx by default: where a clerk keeps the report written by hand in Word, which it silently replaced. Now only
gaip-xl's own page, Word file or PDF is replaced; anything else is E_OUTPUT_HOLDS_WORK, untouched, unless
``--overwrite``."""

from __future__ import annotations

import io

import pytest
from builders import CASES
from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl.cli import run
from gaip_xl.template.libreoffice import soffice

SOURCE = str(CASES / "pingtan-2021.json")
OTHER = str(CASES / "synthetic-2019.json")
FORMATS = ["html", "docx"] + (["pdf"] if soffice() else [])


def publish(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    return run(["publish", *argv], out, err), err.getvalue()


def refused(target, *argv: str, source: str = SOURCE) -> bool:
    before = target.read_bytes()
    code, err = publish(source, "-o", str(target), *argv)
    return code == 2 and "E_OUTPUT_HOLDS_WORK" in err and target.read_bytes() == before


@pytest.mark.parametrize("kind", FORMATS)
def test_its_own_document_is_replaced_and_another_reports_only_if_it_made_it(tmp_path, kind):
    target = tmp_path / f"年报.{kind}"
    assert publish(SOURCE, "-o", str(target))[0] == 0
    assert publish(SOURCE, "-o", str(target))[0] == 0  # a rerun
    if kind == "pdf":  # a PDF is known by LibreOffice's mark and the report's title: another report's is kept
        assert refused(target, source=OTHER)
    else:
        assert publish(OTHER, "-o", str(target))[0] == 0


def test_a_word_file_written_by_hand_is_kept(tmp_path):
    target = tmp_path / "年报.docx"
    document = Document()
    document.core_properties.title = "某某镇人民政府2024年政府信息公开工作年度报告"
    document.add_paragraph("一、总体情况 手工编写的正文")
    document.save(target)
    assert refused(target)
    assert publish(SOURCE, "-o", str(target), "--overwrite")[0] == 0


@pytest.mark.parametrize("kind", FORMATS)
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(st.binary(max_size=2000), st.just(b"<html><head><title>x</title></head></html>"),
                         st.just(b"%PDF-1.7\n/Producer (Microsoft Word)\n")))
def test_whatever_else_is_there_is_kept(tmp_path_factory, kind, content):
    target = tmp_path_factory.mktemp("keep") / f"年报.{kind}"
    target.write_bytes(content)
    assert refused(target)
