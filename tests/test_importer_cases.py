"""Real published reports imported to exactly their transcribed figures: the 淮安 2024 PDF and the three seed texts;
and the import reached through gaip-xl import / validate / to-xlsx."""

import io
import json
import shutil

import pytest
from builders import CASES, load_case

from gaip_xl import import_report, validate
from gaip_xl.cli import run
from gaip_xl.report import Report

PDF = CASES / "huaian-2024.pdf"
SEEDS = {"seed-000-huashi-2021": "huashi-2021", "seed-001-zhanggutai-2021": "zhanggutai-2021",
         "seed-004-xian-2021": "xian-2021"}
DOCUMENTS = [(PDF, "huaian-2024"), *((CASES / "source" / f"{seed}.txt", case) for seed, case in SEEDS.items())]


def call(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def every_cell(report: Report) -> dict:
    """Every figure cell, blanks as None, so a blank imported as 0 (or 0 as blank) fails."""
    return {c.code: report.figures.get(c.code) for c in report.edition.cells}


@pytest.fixture(scope="module")
def imported():
    return {case: import_report(path) for path, case in DOCUMENTS}


@pytest.mark.parametrize("case", [case for _, case in DOCUMENTS])
def test_real_documents_import_to_exactly_their_figures(imported, case):
    result, expected = imported[case], load_case(case)
    assert result.report.edition.code == expected.edition.code == "2021"
    assert result.report.year == expected.year
    assert every_cell(result.report) == every_cell(expected)


def test_the_pdf_needs_nothing_guessed(imported):
    result = imported["huaian-2024"]
    assert [f.code for f in result.findings] == ["I_NO_LEVEL"]  # 淮安市: 设区的市 or 县级市, the name cannot say
    assert result.report.agency.name == "淮安市人民政府"
    provenance = result.provenance["s3.other_no_correction.natural"]
    assert provenance["where"]["page"] == 5 and provenance["text"] == "67"
    assert provenance["row"]["method"] == "exact"  # "1、申请人无正当理由逾期不补\n正、…" normalised
    assert result.provenance["s4.direct_suit.total"]["column"]["method"] == "header"
    figures = {c.code for c in result.report.edition.cells}
    assert set(result.provenance) == figures  # every figure says where it came from


def test_the_pdf_prose_feeds_r9(imported):
    report = imported["huaian-2024"].report
    report.agency.level = "设区的市"
    assert "受理政府信息公开申请 3119 件" in report.text["overview"]
    assert "信息处理费 3940 元" in report.text["other"]
    assert report.text["problems"].startswith("对照上级新要求")
    assert {f.rule for f in validate(report).findings} == {"S2"}  # R9 judged the quoted figures and they agree
    report.figures["s3.new.total"] = 3118
    assert "R9" in {f.rule for f in validate(report).findings}


def test_a_broken_row_and_an_extra_column_are_said_not_guessed(imported):
    result = imported["zhanggutai-2021"]
    assert [f.code for f in result.findings] == ["I_CELL_UNPLACED", "I_CELL_UNPLACED"]
    assert result.provenance["s3.other_no_correction.natural"]["row"]["method"] == "fuzzy"  # "…逾期不补" + page break


def test_blank_columns_stay_blank(imported):
    result = imported["xian-2021"]
    assert result.report.figures.get("s3.new.natural") is None and result.report.figures["s3.new.total"] == 0
    assert result.provenance["s3.new.natural"]["value"] == "blank"
    assert result.provenance["s2_item1.normative.issued"]["row"]["method"] == "drift"  # "规范性文件"
    assert "B1" in {f.rule for f in validate(result.report).findings}


def test_import_command_writes_report_validation_and_import_block(tmp_path):
    target = tmp_path / "huaian.json"
    code, out, err = call("import", PDF, "-o", target, "--level", "设区的市")
    assert code == 0 and "已写出" in out and "Traceback" not in err
    document = json.loads(target.read_text(encoding="utf-8"))
    assert list(document)[-2:] == ["validation", "import"]
    assert document["import"]["source"] == {"kind": "pdf", "pages": 6, "converted_from": None, "repaired": False}
    assert document["import"]["figures"]["s2_item8.fees.amount"]["text"] == "96171.6"
    assert every_cell(Report.load(target)) == every_cell(load_case("huaian-2024"))
    assert call("validate", target)[0] == 0  # the schema allows the "import" key


def test_validate_and_to_xlsx_take_documents_by_their_bytes(tmp_path):
    renamed = tmp_path / "report.dat"
    shutil.copy(PDF, renamed)
    code, out, err = call("validate", renamed)
    assert code == 1 and "J1" in out and "I_NO_LEVEL" in err  # only the 行政级别 the name cannot tell is missing
    text = tmp_path / "copied.txt"
    shutil.copy(CASES / "source" / "seed-000-huashi-2021.txt", text)
    code, out, _ = call("validate", text)
    assert code == 0 and "S2" in out  # 花石镇: the level (乡镇) comes from the name
    code, out, _ = call("to-xlsx", text, "-o", tmp_path / "huashi.xlsx")
    assert code == 0 and (tmp_path / "huashi.xlsx").exists()
    from gaip_xl import read_workbook
    assert every_cell(read_workbook(tmp_path / "huashi.xlsx")) == every_cell(load_case("huashi-2021"))


def test_json_and_workbooks_keep_their_readers(tmp_path):
    assert call("validate", CASES / "huaian-2024.json")[0] == 0
    other = tmp_path / "notes.txt"
    other.write_text("购物清单：苹果、梨", encoding="utf-8")
    code, _, err = call("validate", other)
    assert code == 2 and "E_FILE_TYPE" in err


def test_validate_json_lists_the_import_findings(tmp_path):
    code, out, _ = call("validate", CASES / "source" / "seed-001-zhanggutai-2021.txt", "--format", "json")
    document = json.loads(out)
    assert code == 0 and [f["code"] for f in document["import_findings"]] == ["I_CELL_UNPLACED"] * 2


def test_charsets_declared_undeclared_or_wrong():
    """Windows Notepad saves GB18030 text; portals serve GBK pages with or without a declaration, or one that lies."""
    from importer_render import to_html

    seed = (CASES / "source" / "seed-000-huashi-2021.txt").read_text(encoding="utf-8")
    assert every_cell(import_report(seed.encode("gb18030")).report) == every_cell(load_case("huashi-2021"))
    report = load_case("huashi-2021")
    page = to_html(report).decode()
    undeclared = page.replace('<meta charset="utf-8">', "").encode("gb18030")
    lying = page.replace('charset="utf-8"', 'charset="gb2312"').encode("utf-8")
    for data in (undeclared, lying):
        result = import_report(data)
        assert every_cell(result.report) == every_cell(report) and result.report.agency.name == "花石镇人民政府"
