"""Hostile JSON by rule (strategies in json_hostile.py), checked against the three promises of issue 11:

1. a report or a clean ``GaipError`` (stable code, Chinese message), never another exception — through the API and
   through ``gaip-xl validate``;
2. whatever is written from a report (its JSON, the to-json document, validate's JSON) is strict JSON in UTF-8;
3. what ``validate`` accepts, ``to-xlsx`` writes and ``to-json`` reads back identically.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from json_hostile import UNICODE_WITH_BOM, document_bytes, documents

from gaip_xl import Report, read_workbook, validate, write_workbook
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.excel.document import report_document

CODE = re.compile(r"\[(E_[A-Z_]+)\]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _no_constants(name: str) -> None:
    raise AssertionError(f"not JSON: {name}")


def strict_json(text: str) -> object:
    """Parses ``text`` as RFC 8259 JSON (no NaN/Infinity) that UTF-8 can hold; fails the test otherwise."""
    text.encode("utf-8")  # a lone surrogate would raise here
    return json.loads(text, parse_constant=_no_constants)


def load(raw: bytes) -> Report | GaipError:
    try:
        return Report.from_json(raw, path="hostile.json")
    except GaipError as error:
        assert CHINESE.search(error.message) and error.code.startswith("E_")
        json.dumps(error.to_dict(), allow_nan=False).encode("utf-8")
        return error


_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                             HealthCheck.data_too_large])


@_SETTINGS
@given(documents(), st.booleans())
def test_any_document_gives_a_report_or_a_gaip_error_and_strict_json(drawn, ensure_ascii):
    raw = document_bytes(*drawn, ensure_ascii=ensure_ascii)
    loaded = load(raw)
    if isinstance(loaded, GaipError):
        return
    result = validate(loaded)
    strict_json(loaded.to_json())
    strict_json(json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False))
    strict_json(report_document(loaded, result))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(documents(), st.booleans())
def test_gaip_xl_validate_exits_cleanly_on_any_document(tmp_path_factory, drawn, ensure_ascii):
    path = tmp_path_factory.mktemp("hostile") / "report.json"
    path.write_bytes(document_bytes(*drawn, ensure_ascii=ensure_ascii))
    out, err = io.StringIO(), io.StringIO()
    status = run(["validate", str(path), "--format", "json"], out, err)
    assert "Traceback" not in err.getvalue()
    if status == 2:
        assert CODE.search(err.getvalue()) and "E_INTERNAL" not in err.getvalue(), err.getvalue()
        assert out.getvalue() == ""
    else:
        assert status in (0, 1)
        strict_json(out.getvalue())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.one_of(documents(hostile_shape=False, encodings=UNICODE_WITH_BOM, benign=True),
                 documents(hostile_shape=False, encodings=UNICODE_WITH_BOM)), st.booleans())
def test_what_validate_accepts_comes_back_from_a_workbook_unchanged(tmp_path_factory, drawn, ensure_ascii):
    loaded = load(document_bytes(*drawn, ensure_ascii=ensure_ascii))
    if isinstance(loaded, GaipError):
        return
    path = tmp_path_factory.mktemp("roundtrip") / "report.xlsx"
    if not validate(loaded).valid:
        try:  # the writer may refuse what validate refused, but only with a GaipError and without a file
            write_workbook(loaded, path)
        except GaipError:
            assert not path.exists()
        return
    write_workbook(loaded, path)
    back = read_workbook(path)
    assert back.to_dict() == loaded.to_dict()
    assert validate(back).valid


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_a_report_in_any_unambiguous_unicode_encoding_is_read(encoding):
    text = json.dumps({"edition": "2021", "year": 2024, "agency": {"name": "某某县人民政府"}}, ensure_ascii=False)
    assert Report.from_json(text.encode(encoding)).agency.name == "某某县人民政府"
