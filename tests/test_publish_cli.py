"""gaip-xl publish: from a report's JSON or a filled template, the guard on errors, exit codes, nothing half-written;
the add-in's 「生成年报」 through xlwings' remote engine."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from addin_helpers import actions, filled_template, remote_book, xw_remote  # noqa: F401
from builders import CASES, case_document, load_case
from publish_helpers import docx_tables, expected_positions, html_tables

import gaip_xl
from gaip_xl.addin import buttons
from gaip_xl.cli import run
from gaip_xl.errors import NeedsLibreOffice, ReportHasErrors
from gaip_xl.publish import render
from gaip_xl.rules import validate


def call(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def broken_json(folder: Path) -> Path:
    document = case_document("huaian-2024")
    document["tables"]["s3"]["new"]["total"] += 5  # R1 and R3 break
    path = folder / "broken.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def test_json_to_every_format_by_name_or_flag(tmp_path):
    source = CASES / "huaian-2024.json"
    assert call("publish", str(source), "-o", str(tmp_path / "a.html"))[0] == 0
    assert call("publish", str(source), "-o", str(tmp_path / "b.docx"))[0] == 0
    assert call("publish", str(source), "-o", str(tmp_path / "c.htm"), "--format", "html")[0] == 0
    report = load_case("huaian-2024")
    assert (tmp_path / "a.html").read_bytes() == render(report, "html") == (tmp_path / "c.htm").read_bytes()
    assert docx_tables((tmp_path / "b.docx").read_bytes())[4].texts == docx_tables(render(report, "docx"))[4].texts


def test_default_output_is_the_html_beside_the_source(tmp_path):
    source = tmp_path / "年报.json"
    source.write_bytes((CASES / "pingtan-2022.json").read_bytes())
    code, out, err = call("publish", str(source))
    assert code == 0 and err == ""
    assert (tmp_path / "年报.html").is_file() and str(tmp_path / "年报.html") in out
    assert call("publish", str(source), "--format", "docx")[0] == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["年报.docx", "年报.html", "年报.json"]


def test_a_filled_template_is_published_with_its_figures(tmp_path):
    report = load_case("synthetic-2019")
    workbook = tmp_path / "filled.xlsx"
    gaip_xl.write_workbook(report, workbook)
    code, _, err = call("publish", str(workbook), "-o", str(tmp_path / "out.html"))
    assert code == 0, err
    assert "[B1]" in err  # the warning (a blank column) is listed, and does not stop it
    grids = [g for _, g in html_tables((tmp_path / "out.html").read_text(encoding="utf-8"))]
    for table, grid in zip(report.edition.tables, grids, strict=True):
        for code_, (r, c) in expected_positions(table, grid).items():
            value = report.figures.get(code_)
            assert grid.texts[r][c] == ("" if value is None else str(value)), code_


def test_errors_stop_publishing_unless_forced(tmp_path):
    source = broken_json(tmp_path)
    target = tmp_path / "out.docx"
    code, out, err = call("publish", str(source), "-o", str(target))
    assert code == 1 and out == ""
    assert "[R1]" in err and "[R3]" in err and "E_REPORT_HAS_ERRORS" in err
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["broken.json"]

    code, out, err = call("publish", str(source), "-o", str(target), "--force")
    assert code == 1 and target.is_file() and str(target) in out
    assert "[R1]" in err and "[R3]" in err and "E_REPORT_HAS_ERRORS" not in err


def test_python_guard_is_the_same():
    report = load_case("huaian-2024")
    report.figures["s4.review.total"] = 1
    with pytest.raises(ReportHasErrors) as raised:
        gaip_xl.publish(report, "/nonexistent/never-written.html")
    assert {f.rule for f in raised.value.result.errors} == {"R4"}


@pytest.mark.parametrize("argv", [
    ("missing.json",),
    ("{source}", "-o", "{tmp}/out.doc"),
    ("{source}", "-o", "{tmp}/out.html", "--format", "docx"),
    ("{tmp}/notjson.json",),
    ("{tmp}/notjson.json", "-o", "{tmp}/notjson.json"),
])
def test_bad_input_says_why_in_chinese_and_writes_nothing(tmp_path, argv):
    (tmp_path / "notjson.json").write_text("{这不是 JSON", encoding="utf-8")
    values = {"source": str(CASES / "huaian-2024.json"), "tmp": str(tmp_path)}
    code, out, err = call("publish", *(a.format(**values) for a in argv))
    assert code == 2 and out == ""
    assert err.startswith("错误 [E_") and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notjson.json"]


def test_pdf_without_libreoffice_is_a_clear_error(tmp_path, monkeypatch):
    from gaip_xl.publish import pdf

    monkeypatch.setattr(pdf, "soffice", lambda: None)
    code, out, err = call("publish", str(CASES / "huaian-2024.json"), "-o", str(tmp_path / "out.pdf"))
    assert code == 2 and f"[{NeedsLibreOffice.code}]" in err and "LibreOffice" in err
    assert list(tmp_path.iterdir()) == []


def test_publish_is_listed_among_the_commands():
    from gaip_xl.cli import build_parser

    assert "publish" in build_parser().format_help()


# ---------------------------------------------------------------------------- the add-in's 「生成年报」
def test_button_writes_the_word_file_and_the_page_beside_the_workbook(xw_remote, tmp_path, monkeypatch):  # noqa: F811
    report = load_case("xian-2021")
    path = filled_template(report, tmp_path)
    book = remote_book(xw_remote, path)
    monkeypatch.setattr(type(book), "fullname", property(lambda self: str(path)))
    written = buttons.publish_book(book)
    assert written == [path.with_suffix(".docx"), path.with_suffix(".html")]
    page = path.with_suffix(".html").read_text(encoding="utf-8")
    assert page == render(report, "html").decode("utf-8")  # what the CLI writes for the same report
    assert docx_tables(path.with_suffix(".docx").read_bytes())[4].texts == docx_tables(render(report, "docx"))[4].texts
    (alert,) = [a for a in actions(book) if a["func"] == "alert"]
    warnings = len(validate(report).warnings)  # 西安镇: B1 for its blank applicant columns, T2 for its section 六
    assert warnings >= 1 and "已生成年报" in alert["args"][0] and f"{warnings} 个警告" in alert["args"][0]


def test_button_refuses_a_report_with_errors(xw_remote, tmp_path, monkeypatch):  # noqa: F811
    report = load_case("huaian-2024")
    path = filled_template(report, tmp_path, {"s3.new.total": 1})
    book = remote_book(xw_remote, path)
    monkeypatch.setattr(type(book), "fullname", property(lambda self: str(path)))
    assert buttons.publish_book(book) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    (alert,) = [a for a in actions(book) if a["func"] == "alert"]
    assert alert["args"][0].startswith("未生成年报") and "2 个错误" in alert["args"][0]


def test_ribbon_button_runs_publish_through_its_vba_callback():
    from xml.etree import ElementTree

    from test_addin_macros import CUSTOM_UI_NS, MACROS, run_python_targets

    root = ElementTree.parse(MACROS / "customUI.xml").getroot()
    actions_by_label = {b.get("label"): b.get("onAction") for b in root.iter(f"{CUSTOM_UI_NS}button")}
    callback = actions_by_label["生成年报"]
    assert (callback, "gaip_xl.addin.buttons", "publish_caller") in run_python_targets()


def test_top_level_publish_is_lazy_and_callable():
    import subprocess
    import sys

    code = ("import sys, gaip_xl; assert 'gaip_xl.publish' not in sys.modules; "
            "from gaip_xl import publish; assert callable(publish) and publish.publish is gaip_xl.publish.publish; "
            "assert 'docx' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
