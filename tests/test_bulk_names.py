"""How submissions are named in every output: relative to the input they were found under, never an absolute path."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from test_bulk_support import case_workbook_bytes, write_case

from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.discover import input_labels


def _names_everywhere(out) -> dict[str, set[str]]:
    """The file names each output shows."""
    def csv_files(name: str) -> set[str]:
        text = (out / name).read_text(encoding="utf-8-sig")
        return {row["file"] for row in csv.DictReader(io.StringIO(text))}

    jsonl = {json.loads(line)["file"] for line in (out / "findings.jsonl").read_text(encoding="utf-8").splitlines()}
    return {"findings.csv": csv_files("findings.csv"), "findings.jsonl": jsonl, "tidy.csv": csv_files("tidy.csv"),
            "rollup": csv_files("rollup/rollup-2021-2021-reports.csv")}


def test_a_single_folder_shows_paths_inside_it_in_every_output(tmp_path):
    inbox = tmp_path / "收件箱"
    write_case(inbox / "县" / "a.xlsx", "pingtan-2021")
    write_case(inbox / "b.xlsx", "zhanggutai-2021")
    write_case(inbox / "县" / "c.xlsx", "pingtan-2022", break_total=True)
    out = tmp_path / "out"
    result = run_bulk([inbox], out, jobs=1)
    assert [row["file"] for row in result.files] == ["b.xlsx", "县/a.xlsx", "县/c.xlsx"]
    names = _names_everywhere(out)
    assert names["tidy.csv"] == {"b.xlsx", "县/a.xlsx", "县/c.xlsx"}
    # c's broken total, and b's section 六 that says nothing of the 信息处理费 (T2, a warning)
    assert names["findings.csv"] == names["findings.jsonl"] == {"b.xlsx", "县/c.xlsx"}
    assert names["rollup"] == {"b.xlsx", "县/a.xlsx"}  # 县/c.xlsx is a 2022 report: another roll-up
    import openpyxl

    sheet = openpyxl.load_workbook(out / "summary.xlsx")["文件清单"]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["b.xlsx", "县/a.xlsx", "县/c.xlsx"]
    # the JSON file names: the path inside the input with "/" made "__", and 12 hex digits
    jsons = sorted(row["json"].split("/", 1)[1].rsplit("-", 1)[0] for row in result.files)
    assert jsons == ["b", "县__a", "县__c"]


def test_several_inputs_are_prefixed_with_their_names_and_archive_members_with_the_archive(tmp_path):
    first, second = tmp_path / "2023" / "收件箱", tmp_path / "2024" / "收件箱"  # the same name twice
    write_case(first / "a.xlsx", "pingtan-2021")
    write_case(second / "a.xlsx", "zhanggutai-2021")
    single = write_case(tmp_path / "单个.xlsx", "huaian-2024")
    with zipfile.ZipFile(tmp_path / "乡镇.zip", "w") as archive:
        archive.writestr("西安镇/年报.xlsx", case_workbook_bytes("xian-2021"))
    inputs = [str(first), str(second), str(tmp_path / "乡镇.zip"), str(single)]
    result = run_bulk(inputs, tmp_path / "out", jobs=1)
    assert [row["file"] for row in result.files] == [
        f"{first.as_posix()}/a.xlsx", f"{second.as_posix()}/a.xlsx", "乡镇.zip!西安镇/年报.xlsx", "单个.xlsx"]
    jsons = [row["json"] for row in result.files]
    assert len(set(jsons)) == 4  # the two a.xlsx keep their own JSON


def test_labels():
    assert input_labels(["."]) == [""]
    assert input_labels(["in/batch.zip"]) == ["batch.zip"]
    assert input_labels(["a/x", "b/y/", "c.zip"]) == ["x", "y", "c.zip"]
    assert input_labels(["a/x", "b/x"]) == ["a/x", "b/x"]
