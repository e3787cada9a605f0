"""Every file of the bad-input corpus (tests/corpus, built by make_corpus.py) through the Python API and the CLI.

Unreadable files: the stable error code, a Chinese message, exit 2, no traceback and no output file.
Readable files with bad figures: the rules' findings name the sheet and cell, exit 1, the JSON is written.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from gaip_xl import Report, read_workbook, validate
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.format.layout import layout_for

CORPUS = Path(__file__).parent / "corpus"
CASES = Path(__file__).parent / "cases"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
ERRORS = {name: expected for name, expected in MANIFEST.items() if "code" in expected}
READABLE = {name: expected for name, expected in MANIFEST.items() if "code" not in expected}
LAYOUT = layout_for("2021")


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_every_corpus_file_is_small_and_listed():
    files = {p.name for p in CORPUS.iterdir() if p.suffix in (".xlsx", ".xlsm", ".xls")}
    assert files == set(MANIFEST)
    assert all((CORPUS / name).stat().st_size < 100_000 for name in files)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_unreadable_file_raises_its_code(name):
    with pytest.raises(GaipError) as info:
        read_workbook(CORPUS / name)
    assert info.value.code == ERRORS[name]["code"]
    assert name in info.value.message  # the message names the file
    assert any("\u4e00" <= ch <= "\u9fff" for ch in info.value.message)  # and is Chinese


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_to_json_exits_2_without_output(name, tmp_path):
    target = tmp_path / "out.json"
    code, out, err = _run("to-json", str(CORPUS / name), "-o", str(target))
    assert code == 2
    assert f"[{ERRORS[name]['code']}]" in err
    assert "Traceback" not in err + out
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_validate_accepts_workbooks_and_says_why_not(name):
    code, _, err = _run("validate", str(CORPUS / name))
    assert code == 2 and f"[{ERRORS[name]['code']}]" in err


def test_tampered_message_names_sheet_and_cell():
    with pytest.raises(GaipError) as info:
        read_workbook(CORPUS / "inserted_row.xlsx")
    assert "“三、依申请公开”工作表 A8 单元格应为“三、本年度办理结果”" in info.value.message
    with pytest.raises(GaipError) as info:
        read_workbook(CORPUS / "retyped_label.xlsx")
    assert "现为“(一)予以公开”" in info.value.message


def test_encrypted_and_legacy_are_told_apart():
    messages = {}
    for name in ("encrypted.xlsx", "legacy.xls"):
        with pytest.raises(GaipError) as info:
            read_workbook(CORPUS / name)
        messages[name] = info.value.message
    assert "密码" in messages["encrypted.xlsx"] and "97-2003" in messages["legacy.xls"]


@pytest.mark.parametrize("name", sorted(n for n, e in READABLE.items() if "findings" in e))
def test_bad_figures_become_findings_with_their_cell(name, tmp_path):
    expected = READABLE[name]["findings"]
    result = validate(read_workbook(CORPUS / name))
    for rule, codes in expected.items():
        found = {c.code: c for f in result.findings if f.rule == rule for c in f.cells}
        assert sorted(found) == codes
        for code in codes:
            pos = LAYOUT.position(code)
            assert (found[code].sheet, found[code].address) == (pos.sheet, pos.a1)
    target = tmp_path / "out.json"
    code, out, _ = _run("to-json", str(CORPUS / name), "-o", str(target))
    assert code == 1
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["validation"]["valid"] is False
    assert set(expected) <= set(document["validation"]["by_rule"])


def test_text_in_figure_cells_is_kept_as_typed():
    report = read_workbook(CORPUS / "text_in_figures.xlsx")
    assert report.figures["s3.new.natural"] == "0件"
    assert report.figures["s3.new.legal_services"] == "１２"
    assert report.figures["s3.new.other_org"] == " 3 "


def test_macros_are_ignored_with_a_warning(tmp_path):
    report = read_workbook(CORPUS / "macros.xlsm")
    assert report.to_dict() == Report.load(CASES / "pingtan-2021.json").to_dict()  # the case it was built from
    target = tmp_path / "out.json"
    code, _, err = _run("to-json", str(CORPUS / "macros.xlsm"), "-o", str(target))
    assert code == 0 and "W_MACROS_IGNORED" in err
    warnings = json.loads(target.read_text(encoding="utf-8"))["validation"]["source"]["warnings"]
    assert [w["code"] for w in warnings] == ["W_MACROS_IGNORED"]
    assert b"vbaProject" not in target.read_bytes()


def test_formula_with_cached_value_is_read_as_its_value():
    assert read_workbook(CORPUS / "formula_cached.xlsx").figures["s3.new.natural"] == 1001


@pytest.mark.parametrize("name", sorted(n for n, e in READABLE.items() if "value" in e))
def test_readable_files_give_the_figures_they_hold(name):
    """Far cells, unusual part paths, escaped text, error values: each value read exactly as stored."""
    report = read_workbook(CORPUS / name)
    values = {**report.figures, "agency.name": report.agency.name}
    for code, expected in READABLE[name]["value"].items():
        assert values.get(code) == expected


@pytest.mark.parametrize("name", sorted(n for n in READABLE if n.startswith("error_value_")))
def test_an_error_value_is_reported_with_the_value_shown(name):
    """#REF! typed, #DIV/0! cached from =1/0, or saved by LibreOffice: V1 on its cell, the error text in the
    message, never a blank (B1)."""
    result = validate(read_workbook(CORPUS / name))
    shown = READABLE[name]["value"]["s3.new.natural"]
    v1 = [f for f in result.findings if f.rule == "V1"]
    assert [c.code for f in v1 for c in f.cells] == ["s3.new.natural"]
    assert v1[0].actual == shown and shown in v1[0].message
    assert not any(c.code == "s3.new.natural" for f in result.findings if f.rule == "B1" for c in f.cells)


def test_escaped_text_is_decoded_as_excel_decodes_it():
    """_x4EBA_ in shared strings is 人 (the escaped label passes the tamper check); _x005F_ escapes the underscore."""
    report = read_workbook(CORPUS / "shared_string_escapes.xlsx")
    assert report.agency.name == "某某县_x4EBA_人民政府"


def test_workbooks_are_read_from_bytes_and_binary_streams():
    path = CORPUS / "formula_cached.xlsx"
    from_path = read_workbook(path).to_dict()
    assert read_workbook(path.read_bytes()).to_dict() == from_path
    with path.open("rb") as stream:
        assert read_workbook(stream).to_dict() == from_path
    with pytest.raises(GaipError) as info:
        read_workbook((CORPUS / "duplicate_member.xlsx").read_bytes())
    assert info.value.code == "E_DUPLICATE_PART" and info.value.path is None
