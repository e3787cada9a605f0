"""gaip-xl bulk on a batch that mixes everything a collecting office receives: expected counts, rows, roll-up."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict

import openpyxl
import pytest
from test_bulk_support import (
    MANIFEST,
    case_figures,
    case_workbook_bytes,
    copy_corpus,
    gbk_member,
    tree_digest,
    write_case,
)

from gaip_xl import Report
from gaip_xl.bulk import run_bulk, tidy_frame
from gaip_xl.cli import run

CORRUPT_AND_TAMPERED = ("truncated.xlsx", "inserted_row.xlsx", "moved_table.xlsx", "legacy.xls", "encrypted.xlsx",
                        "zip_bomb.xlsx")
WITH_ERRORS_IN_CORPUS = ("text_in_figures.xlsx",)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    inbox = root / "收件箱"
    write_case(inbox / "淮安" / "huaian-2024.xlsx", "huaian-2024")
    write_case(inbox / "平潭" / "pingtan-2021.xlsx", "pingtan-2021")
    write_case(inbox / "平潭" / "pingtan-2022.xlsx", "pingtan-2022", break_total=True)
    write_case(inbox / "zhanggutai-2021.xlsx", "zhanggutai-2021")
    copy_corpus(inbox / "坏文件", *CORRUPT_AND_TAMPERED, *WITH_ERRORS_IN_CORPUS)
    (inbox / "说明.txt").write_text("请查收", encoding="utf-8")
    (inbox / "~$huaian-2024.xlsx").write_bytes(b"lock")  # Excel's lock file: not a submission
    (inbox / ".DS_Store").write_bytes(b"junk")
    with zipfile.ZipFile(root / "乡镇.zip", "w") as archive:
        gbk_member(archive, "乡镇/西安镇.xlsx", case_workbook_bytes("xian-2021"))
        archive.writestr("乡镇/huashi-2021.xlsx", case_workbook_bytes("huashi-2021"))
        archive.writestr("重复/huaian-2024.xlsx", case_workbook_bytes("huaian-2024"))  # the same report again
        archive.writestr("../../escape.xlsx", case_workbook_bytes("huaian-2024"))
        archive.writestr("__MACOSX/乡镇/._西安镇.xlsx", b"resource fork")
    inputs = [str(inbox), str(root / "乡镇.zip")]
    before = tree_digest(root)
    out = root / "out"
    result = run_bulk(inputs, out, jobs=2)
    return root, inbox, out, result, before, inputs


def _expected() -> dict[str, str]:
    """Every submission and its status, written out by hand from what each file is."""
    expected = {
        "收件箱/淮安/huaian-2024.xlsx": "ok", "收件箱/平潭/pingtan-2021.xlsx": "ok",
        "收件箱/平潭/pingtan-2022.xlsx": "errors", "收件箱/zhanggutai-2021.xlsx": "ok",
        "收件箱/说明.txt": "unreadable",
        "乡镇.zip!乡镇/西安镇.xlsx": "ok", "乡镇.zip!乡镇/huashi-2021.xlsx": "ok",
        "乡镇.zip!重复/huaian-2024.xlsx": "ok", "乡镇.zip!../../escape.xlsx": "unreadable",
    }
    expected.update({f"收件箱/坏文件/{name}": "unreadable" for name in CORRUPT_AND_TAMPERED})
    expected.update({f"收件箱/坏文件/{name}": "errors" for name in WITH_ERRORS_IN_CORPUS})
    return expected


def test_every_input_file_is_in_the_summary_with_its_status(batch):
    root, _, out, result, _, _ = batch
    statuses = {row["file"]: row["status"] for row in result.files}
    assert statuses == _expected()
    assert result.total == len(_expected()) == result.ok + result.errors + result.unreadable
    assert (result.ok, result.errors, result.unreadable) == (6, 2, 8)
    assert sorted(i for i in result.ignored) == ["乡镇.zip!__MACOSX/乡镇/._西安镇.xlsx",
                                                              "收件箱/.DS_Store", "收件箱/~$huaian-2024.xlsx"]


def test_unreadable_files_carry_the_converters_codes(batch):
    root, _, _, result, _, _ = batch
    codes = {row["file"]: row["code"] for row in result.files if row["status"] == "unreadable"}
    for name in CORRUPT_AND_TAMPERED:
        assert codes[f"收件箱/坏文件/{name}"] == MANIFEST[name]["code"]
    assert codes["收件箱/说明.txt"] == "E_FILE_TYPE"  # read for what its bytes are: a note, not a report
    assert codes["乡镇.zip!../../escape.xlsx"] == "E_ARCHIVE_PATH"
    assert not (root / "escape.xlsx").exists() and not (root.parent / "escape.xlsx").exists()


def test_duplicates_are_both_kept_and_flagged(batch):
    root, _, _, result, _, _ = batch
    # the same huaian report twice; and the corpus's text_in_figures.xlsx is 平潭's 2021 report too
    assert sorted(f for f in result.duplicates) == [
        "乡镇.zip!重复/huaian-2024.xlsx", "收件箱/坏文件/text_in_figures.xlsx", "收件箱/平潭/pingtan-2021.xlsx",
        "收件箱/淮安/huaian-2024.xlsx"]


def test_summary_workbook_lists_files_findings_and_counts(batch):
    root, _, out, result, _, _ = batch
    book = openpyxl.load_workbook(out / "summary.xlsx")
    assert book.sheetnames == ["文件清单", "问题清单", "统计"]
    files = list(book["文件清单"].iter_rows(values_only=True))
    assert files[0][:13] == ("文件", "机关名称", "行政级别", "年度", "格式版本", "状态", "错误数", "未说明警告",
                             "已说明警告", "过期说明", "第一个错误", "重复提交", "名单")
    rows = {r[0]: r for r in files[1:]}
    assert len(rows) == result.total
    broken = rows["收件箱/平潭/pingtan-2022.xlsx"]
    assert broken[1] == "平潭综合实验区管理委员会" and broken[3] == 2022 and broken[5] == "有错误" and broken[6] >= 3
    assert broken[10].startswith("[R1]")
    assert rows["收件箱/淮安/huaian-2024.xlsx"][11] == "是" and rows["收件箱/zhanggutai-2021.xlsx"][11] in (None, "")
    assert rows["收件箱/淮安/huaian-2024.xlsx"][13] == "工作簿" and rows["收件箱/说明.txt"][13] == "文本"
    assert book["文件清单"].auto_filter.ref == f"A1:S{result.total + 1}"
    fills = {r[5]: book["文件清单"].cell(i + 2, 6).fill.fgColor.rgb for i, r in enumerate(files[1:])}
    assert len(set(fills.values())) == 3  # one colour per status
    findings = list(book["问题清单"].iter_rows(values_only=True))[1:]
    rules = {(f[0], f[4]) for f in findings}
    assert {("收件箱/平潭/pingtan-2022.xlsx", rule) for rule in ("R1", "R2", "R3")} <= rules
    assert ("收件箱/坏文件/inserted_row.xlsx", "E_TAMPERED") in rules
    counts = [r for r in book["统计"].iter_rows(values_only=True) if r and r[0]]
    assert counts[1:5] == [("通过", 6), ("有错误", 2), ("无法读取", 8), ("合计", 16)]
    assert any("输入文件 16 个 = 通过 6 + 有错误 2 + 无法读取 8" in str(r[0]) for r in counts)
    assert book["统计"]._charts or _has_chart(out / "summary.xlsx")


def test_summary_workbook_prints_landscape_a4_one_page_wide_with_its_header_on_every_page(batch):
    _, _, out, _, _, _ = batch
    book = openpyxl.load_workbook(out / "summary.xlsx")
    for sheet in book.worksheets:
        setup = sheet.page_setup
        fit_width = 1 if setup.fitToWidth is None else setup.fitToWidth  # absent: the OOXML default, 1
        assert (setup.orientation, str(setup.paperSize), fit_width, setup.fitToHeight) == \
            ("landscape", "9", 1, 0), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    for name, message in (("文件清单", 10), ("问题清单", 6)):
        sheet = book[name]
        assert sheet.print_title_rows == "$1:$1" and sheet.print_options.gridLines
        assert sheet.freeze_panes == "A2"
        widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFG"]
        assert all(4 <= w <= 80 for w in widths) and sum(widths) < 200
        long_rows = [row for row in sheet.iter_rows(min_row=2) if len(str(row[message].value or "")) > 120]
        assert long_rows  # the tampered workbooks' messages name many cells
        # a long message wraps and its row is tall enough for its lines (LibreOffice does not grow it by itself)
        for row in long_rows:
            assert sheet.row_dimensions[row[0].row].height >= 30
    assert book["文件清单"].cell(2, 11).alignment.wrap_text


def _has_chart(path) -> bool:
    with zipfile.ZipFile(path) as archive:
        return any(name.startswith("xl/charts/chart") for name in archive.namelist())


def test_findings_csv_has_a_bom_and_matches_the_json_lines(batch):
    _, _, out, _, _, _ = batch
    raw = (out / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    lines = [json.loads(line) for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(lines) > 0
    assert [(r["file"], r["rule"], r["message"]) for r in rows] == [(j["file"], j["rule"], j["message"]) for j in lines]
    assert {"file", "sheet", "cell", "rule", "severity", "message"} <= set(rows[0])


def test_each_readable_workbook_has_its_json(batch):
    root, _, out, result, _, _ = batch
    for row in result.files:
        if row["status"] == "unreadable":
            assert row["json"] is None
            continue
        document = json.loads((out / row["json"]).read_text(encoding="utf-8"))
        assert document["agency"]["name"] == row["agency"] and "validation" in document
        assert document["validation"]["valid"] == (row["status"] == "ok")
    assert len(list((out / "reports").iterdir())) == result.ok + result.errors


def test_rollup_is_the_sum_of_the_valid_reports(batch):
    _, _, out, result, _, _ = batch
    rollups = {(r.year, r.edition): r for r in result.rollups}
    r2021 = rollups[(2021, "2021")]
    # 平潭 sent two different 2021 reports (one with errors): neither counts until the office picks one
    assert len(r2021.included) == 3
    assert [e["reason"] for e in r2021.excluded if "pingtan-2021" in e["file"]][0].startswith("同一机关同一年度")
    expected: dict[str, float] = defaultdict(float)
    for name in ("zhanggutai-2021", "xian-2021", "huashi-2021"):
        for code, value in case_figures(name).items():  # blank (absent) in every report stays absent
            expected[code] += value
    document = Report.load(out / "rollup" / "rollup-2021-2021.json")
    assert document.figures.keys() == expected.keys()
    for code, value in expected.items():
        assert document.figures[code] == pytest.approx(value, abs=1e-6)
    assert document.agency.name == "汇总"
    assert (out / "rollup" / "rollup-2021-2021.xlsx").exists()
    # 2024: the same report twice counts once; 2022: the only report has errors, so there is no roll-up file
    r2024 = rollups[(2024, "2021")]
    assert len(r2024.included) == 1 and len(r2024.excluded) == 1 and "只计一次" in r2024.excluded[0]["reason"]
    assert Report.load(out / "rollup" / "rollup-2024-2021.json").figures == case_figures("huaian-2024")
    assert not (out / "rollup" / "rollup-2022-2021.json").exists()
    assert rollups[(2022, "2021")].excluded[0]["status"] == "errors"


def test_rollup_equals_the_column_sums_of_the_tidy_table(batch):
    _, _, out, result, _, _ = batch
    frame = tidy_frame(out)
    assert list(frame.columns) == ["file", "agency", "year", "edition", "table", "row", "column", "code", "label",
                                   "value"]
    assert frame.equals(result.frame())
    for rollup in result.rollups:
        if not rollup.included:
            continue
        included = frame[frame["file"].isin([i["file"] for i in rollup.included])]
        sums = included.groupby("code", observed=True)["value"].sum(min_count=1).dropna()
        figures = Report.load(out / "rollup" / f"{rollup.stem}.json").figures
        assert set(sums.index) == set(figures)
        for code, value in sums.items():
            assert figures[code] == pytest.approx(value, abs=1e-6)


def test_inputs_are_never_modified(batch):
    root, _, _, _, before, _ = batch
    assert tree_digest(root, skip="out") == before


def test_cli_exit_code_and_chinese_summary_line(batch, tmp_path):
    root, _, _, _, _, inputs = batch
    out, err = io.StringIO(), io.StringIO()
    code = run(["bulk", *inputs, "-o", str(tmp_path / "o"), "--jobs", "1"], out, err)
    assert code == 1
    assert "共 16 个文件：通过 6 + 有错误 2 + 无法读取 8（一个不少）" in out.getvalue()
    assert "重复提交 4 个" in out.getvalue()
    quiet = io.StringIO()
    assert run(["bulk", *inputs, "-o", str(tmp_path / "o"), "--quiet"], quiet, io.StringIO()) == 1
    assert quiet.getvalue() == ""


def test_exit_0_when_every_file_passes(tmp_path):
    write_case(tmp_path / "in" / "a.xlsx", "pingtan-2021")
    out = io.StringIO()
    assert run(["bulk", str(tmp_path / "in"), "-o", str(tmp_path / "out"), "--jobs", "1"], out, io.StringIO()) == 0
    assert "通过 1 + 有错误 0 + 无法读取 0" in out.getvalue()


def test_exit_2_when_the_command_cannot_run(tmp_path):
    (tmp_path / "file").write_text("x")
    err = io.StringIO()
    assert run(["bulk", str(tmp_path / "missing"), "-o", str(tmp_path / "out")], io.StringIO(), err) == 2
    assert "E_FILE_NOT_FOUND" in err.getvalue()
    err = io.StringIO()
    assert run(["bulk", str(tmp_path), "-o", str(tmp_path / "file")], io.StringIO(), err) == 2
    assert "E_OUTPUT" in err.getvalue()
