"""Written explanations (说明) and the 报告类型 fact through every form of a report: the JSON document and its
schema, the template's 说明 sheet and drop-down, the reader and writer (both template versions), the CLI, and a
LibreOffice re-save."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from builders import load_case
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from gaip_xl import read_workbook, validate, write_workbook
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.excel import read_source
from gaip_xl.format.layout import SHEET_EXPLANATIONS, TEMPLATE_VERSION, column_letter, layout_for
from gaip_xl.report import Explanation, Report
from gaip_xl.template import save_template
from gaip_xl.template.libreoffice import convert, soffice

OLD = Path(__file__).parent / "template_1_0"  # filled templates of version 1.0, as clerks received them
EXPLANATIONS = [Explanation("T2", ("text.other",), "本镇未收取信息处理费，报告中漏写了"),
                Explanation("B1", ("s3.new.natural", "s3.new.commercial"), "各类申请人未分列统计，只有总计\n第二行"),
                Explanation("R9", (), "=以表格为准")]


def explained(name: str = "xian-2021") -> Report:
    report = load_case(name)
    report.report_type = "本机关"
    report.explanations = list(EXPLANATIONS)
    return report


def cli(*argv: str) -> int:
    return run(list(argv), io.StringIO(), io.StringIO())


# ---------------------------------------------------------------------------- the JSON document
def test_json_carries_report_type_and_explanations_and_reads_them_back():
    report = explained()
    document = json.loads(report.to_json())
    assert document["report_type"] == "本机关"
    assert document["explanations"][1] == {"rule": "B1", "cells": ["s3.new.natural", "s3.new.commercial"],
                                           "text": "各类申请人未分列统计，只有总计\n第二行"}
    again = Report.from_json(report.to_json())
    assert again.explanations == report.explanations and again.report_type == "本机关"
    assert [f.rule for f in validate(again).findings if f.rule == "J1"] == []


@pytest.mark.parametrize("bad", [
    [{"rule": "B1", "cells": "s3.new.natural", "text": "x"}],  # cells not a list
    [{"rule": "", "cells": [], "text": "x"}],  # no rule
    [{"rule": "B1", "cells": [], "text": "x", "by": "me"}],  # an unknown key
    {"rule": "B1"},  # not a list
])
def test_malformed_explanations_are_named_by_j1(bad):
    document = json.loads(load_case("huaian-2024").to_json())
    document["explanations"] = bad
    j1 = [f for f in validate(Report.from_json(document)).findings if f.rule == "J1"]
    assert j1 and all("说明" in f.message for f in j1)


def test_a_document_without_the_new_keys_is_still_read():
    document = json.loads(load_case("huaian-2024").to_json())
    del document["report_type"], document["explanations"]
    report = Report.from_json(document)
    assert report.report_type is None and report.explanations == [] and validate(report).findings == []


# ---------------------------------------------------------------------------- the template
def test_template_has_a_report_type_drop_down_and_an_unlocked_explanations_sheet(tmp_path):
    save_template("2021", tmp_path / "t.xlsx")
    workbook = load_workbook(tmp_path / "t.xlsx")
    layout = layout_for("2021")
    pos = layout.fields["report_type"]
    lists = [v for v in workbook[pos.sheet].data_validations.dataValidation if v.type == "list"]
    assert any(pos.a1 in str(v.sqref) and v.formula1 == '"本机关,汇总"' for v in lists)
    block = layout.explanations
    sheet = workbook[SHEET_EXPLANATIONS]
    assert [sheet.cell(block.header_row, c).value for c in sorted(block.columns.values())] == \
        ["规则", "单元格（代码）", "问题（校验时写入，仅供参考）", "说明"]
    columns = {key: sheet.column_dimensions[column_letter(col)] for key, col in block.columns.items()}
    assert [columns[k].protection.locked for k in ("rule", "cells", "finding", "text")] == [False, False, True, False]
    assert sheet.protection.sheet  # the sheet itself stays protected


# ---------------------------------------------------------------------------- workbook ⇄ JSON
def test_workbook_json_workbook_json_is_byte_identical(tmp_path):
    first = tmp_path / "first.xlsx"
    write_workbook(explained(), first)
    assert cli("to-json", str(first), "-o", str(tmp_path / "first.json")) == 0
    assert cli("to-xlsx", str(tmp_path / "first.json"), "-o", str(tmp_path / "second.xlsx")) == 0
    assert cli("to-json", str(tmp_path / "second.xlsx"), "-o", str(tmp_path / "second.json")) == 0
    one, two = (tmp_path / "first.json").read_bytes(), (tmp_path / "second.json").read_bytes()
    assert one == two
    document = json.loads(one)
    assert [Explanation.from_json(e) for e in document["explanations"]] == EXPLANATIONS
    # the warning explained, the other listed as open, the explanation of a finding that does not occur as stale
    validation = document["validation"]
    assert (validation["explained_warnings"], validation["open_warnings"]) == (2, 0)
    assert validation["stale_explanations"] == [{"rule": "R9", "cells": [], "text": "=以表格为准"}]
    assert all(f["explained"] for f in validation["findings"])


printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=60)


@settings(max_examples=12, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["B1", "R8", "T2", "Y1", "X9"]),
                          st.lists(st.sampled_from(["s3.new.natural", "text.other", "s2_item1.rules.in_force"]),
                                   max_size=3, unique=True),
                          printable.map(str.strip).filter(bool)), max_size=4))
def test_any_explanation_survives_the_workbook(tmp_path_factory, items):
    report = load_case("huaian-2024")
    report.explanations = [Explanation(rule, tuple(cells), text) for rule, cells, text in items]
    path = tmp_path_factory.mktemp("any") / "r.xlsx"
    write_workbook(report, path)
    assert read_workbook(path).explanations == report.explanations


def test_more_explanations_than_rows_are_refused_not_cut():
    report = load_case("huaian-2024")
    report.explanations = [Explanation("B1", (), f"说明{i}") for i in range(layout_for("2021").explanations.rows + 1)]
    with pytest.raises(GaipError) as info:
        write_workbook(report, Path("/nonexistent/never.xlsx"))
    assert info.value.code == "E_UNWRITABLE_VALUE"


# ---------------------------------------------------------------------------- template version 1.0
@pytest.mark.parametrize("name", ["huashi-2021", "huaian-2024"])
def test_a_filled_template_of_version_1_0_is_read_against_its_own_layout(name):
    report, source = read_source(OLD / f"{name}.xlsx")
    assert source.template_version == "1.0" != TEMPLATE_VERSION
    case = load_case(name)
    assert report.figures == case.figures and report.text == case.text and report.agency == case.agency
    assert report.report_type is None and report.explanations == []
    assert [f.rule for f in validate(report).findings] == [f.rule for f in validate(case).findings]


def _edited(path: Path, target: Path, edit) -> Path:
    workbook = load_workbook(path)
    edit(workbook)
    workbook.save(target)
    return target


def test_a_version_1_0_workbook_is_still_checked_for_tampering(tmp_path):
    layout = layout_for("2021", "1.0")
    label = next(found for found in layout.labels if found.text == "联系人及电话")

    def retype(workbook):
        workbook[label.pos.sheet].cell(label.pos.row, label.pos.col).value = "联系人"
    with pytest.raises(GaipError) as info:
        read_workbook(_edited(OLD / "huashi-2021.xlsx", tmp_path / "t.xlsx", retype))
    assert info.value.code == "E_TAMPERED"


def test_a_version_1_0_workbook_claiming_1_1_is_checked_as_1_1(tmp_path):
    meta = layout_for("2021").fields["meta.template_version"]

    def claim(workbook):
        workbook[meta.sheet].cell(meta.row, meta.col).value = TEMPLATE_VERSION
    with pytest.raises(GaipError) as info:
        read_workbook(_edited(OLD / "huashi-2021.xlsx", tmp_path / "t.xlsx", claim))
    assert info.value.code in ("E_TAMPERED", "E_MISSING_SHEET")


def test_to_xlsx_always_writes_the_current_version(tmp_path):
    assert cli("to-json", str(OLD / "huashi-2021.xlsx"), "-o", str(tmp_path / "old.json")) in (0, 1)
    assert cli("to-xlsx", str(tmp_path / "old.json"), "-o", str(tmp_path / "new.xlsx")) == 0
    report, source = read_source(tmp_path / "new.xlsx")
    assert source.template_version == TEMPLATE_VERSION and report.figures == load_case("huashi-2021").figures


# ---------------------------------------------------------------------------- LibreOffice
@pytest.mark.skipif(soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_explanations_survive_a_libreoffice_re_save_and_stay_editable(tmp_path):
    path = tmp_path / "e.xlsx"
    write_workbook(explained(), path)
    [saved] = convert([path], "xlsx", tmp_path / "lo")
    with zipfile.ZipFile(saved) as package:
        assert "xl/sharedStrings.xml" in package.namelist()  # written by LibreOffice
    back = read_workbook(saved)
    assert back.explanations == EXPLANATIONS and back.report_type == "本机关"
    workbook = load_workbook(saved)
    block = layout_for("2021").explanations
    sheet = workbook[SHEET_EXPLANATIONS]
    written = sheet.cell(block.first_row, block.columns["text"])
    assert written.protection.locked is False  # a clerk can still change the 说明 LibreOffice saved
    assert sheet.protection.sheet


def test_validate_cli_shows_explained_warnings_and_stale_explanations(tmp_path):
    path = tmp_path / "r.json"
    explained().save(path)
    out, err = io.StringIO(), io.StringIO()
    assert run(["validate", str(path)], out, err) == 0
    text = out.getvalue()
    assert "警告（已说明）" in text and "本镇未收取信息处理费" in text
    assert "过期的说明 [R9]" in text and "=以表格为准" in text
    assert "2 个警告（其中 2 个已说明）；1 条说明已过期" in text
    out = io.StringIO()
    assert run(["validate", str(path), "--format", "json"], out, err) == 0
    data = json.loads(out.getvalue())
    assert (data["open_warnings"], data["explained_warnings"], data["stale_explanations"][0]["rule"]) == (0, 2, "R9")
