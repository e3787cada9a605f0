"""gaip-xl bulk over a folder (and a zip) that mixes workbooks, report JSON and published documents: each input is
read for what its bytes are, by the same decision as ``gaip-xl validate``, and the summary says which kind it was
and how well it imported. The documents are real (淮安 2024's PDF, the seed texts) or rendered by the product's own
publisher (HTML, .docx)."""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
import zipfile

import openpyxl
import pytest
from builders import consistent_report, load_case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_markdown, to_text
from test_bulk_support import ROOT, tree_digest, write_case

from gaip_xl import Report
from gaip_xl.bulk import run_bulk
from gaip_xl.bulk.store import STATE_DIR
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.format import EDITIONS
from gaip_xl.importer import import_report
from gaip_xl.loaders import load_report
from gaip_xl.publish import render
from gaip_xl.rules import validate

CASES = ROOT / "tests" / "cases"
SEEDS = CASES / "source"
TRUNCATED_AFTER = "2. 重复申请"  # seed 001 cut after this row of section 三 (as the real seed 002 is cut)


def _truncated_seed() -> bytes:
    lines = (SEEDS / "seed-001-zhanggutai-2021.txt").read_text(encoding="utf-8").splitlines()
    cut = next(i for i, line in enumerate(lines) if TRUNCATED_AFTER in line)
    return "\n".join(lines[: cut + 1]).encode("utf-8")


# name in the inbox → (how it is made, the kind the summary must name)
KINDS = {
    "淮安.pdf": "PDF", "章古台.txt": "文本", "华市.md": "文本", "平潭.html": "网页", "平潭2022.docx": "Word",
    "截断.txt": "文本", "西安镇.xlsx": "工作簿", "县局.json": "JSON", "图片.png": "其他", "报送函.txt": "文本",
    "乡镇.zip!县局.docx": "Word", "乡镇.zip!平潭.htm": "网页",
}
DOCUMENTS = ("淮安.pdf", "章古台.txt", "华市.md", "平潭.html", "平潭2022.docx", "截断.txt")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("mixed")
    inbox = root / "收件箱"
    inbox.mkdir()
    (inbox / "淮安.pdf").write_bytes((CASES / "huaian-2024.pdf").read_bytes())
    (inbox / "章古台.txt").write_bytes((SEEDS / "seed-001-zhanggutai-2021.txt").read_bytes())
    (inbox / "华市.md").write_bytes((SEEDS / "seed-000-huashi-2021.txt").read_bytes())
    (inbox / "平潭.html").write_bytes(render(load_case("pingtan-2021"), "html"))
    (inbox / "平潭2022.docx").write_bytes(render(load_case("pingtan-2022"), "docx"))
    (inbox / "截断.txt").write_bytes(_truncated_seed())
    write_case(inbox / "西安镇.xlsx", "xian-2021")
    (inbox / "县局.json").write_text(load_case("synthetic-2019").to_json(), encoding="utf-8")
    (inbox / "图片.png").write_bytes((ROOT / "docs" / "template-s3.png").read_bytes())
    (inbox / "报送函.txt").write_text("请查收附件中的年报。", encoding="utf-8")
    (inbox / ".~lock.淮安.pdf#").write_bytes(b"lock")  # hidden: not a submission
    with zipfile.ZipFile(inbox / "乡镇.zip", "w") as archive:  # documents inside an archive: read from their bytes
        archive.writestr("县局.docx", render(load_case("synthetic-2019"), "docx"))
        archive.writestr("平潭.htm", render(load_case("pingtan-2021"), "html"))
    out = root / "out"
    result = run_bulk(inbox, out, jobs=2)
    return inbox, out, result


def _rows(result) -> dict[str, dict]:
    return {row["file"]: row for row in result.files}


def test_every_input_is_a_row_named_by_what_its_bytes_are(mixed):
    _, _, result = mixed
    rows = _rows(result)
    assert {name: row["kind"] for name, row in rows.items()} == KINDS
    assert result.total == len(KINDS) == result.ok + result.errors + result.unreadable
    assert result.ignored == [".~lock.淮安.pdf#"]
    assert rows["图片.png"]["code"] == rows["报送函.txt"]["code"] == "E_FILE_TYPE"


def test_each_document_gets_the_verdict_validate_gives_it(mixed):
    inbox, _, result = mixed
    rows = _rows(result)
    for name in (*DOCUMENTS, "西安镇.xlsx", "县局.json"):
        verdict = validate(load_report(inbox / name))
        row = rows[name]
        assert row["status"] == ("ok" if verdict.valid else "errors"), name
        assert (row["errors"], row["warnings"]) == (len(verdict.errors), len(verdict.warnings)), name


def test_import_quality_is_counted_and_a_truncated_table_does_not_pass(mixed):
    inbox, _, result = mixed
    rows = _rows(result)
    cells = len(EDITIONS["2021"].cell_codes)
    for name in DOCUMENTS:
        block = import_report(inbox / name).block
        row = rows[name]
        assert (row["imported"], row["missing"], row["import_notes"]) == \
            (len(block["figures"]), len(block["missing"]), len(block["findings"])), name
        assert row["imported"] + row["missing"] == cells, name
    assert rows["淮安.pdf"]["missing"] == 0
    truncated = rows["截断.txt"]
    assert truncated["status"] == "errors" and truncated["missing"] > 0  # rule I1 (listed: see the findings test)
    assert rows["西安镇.xlsx"]["imported"] is None and rows["县局.json"]["import_notes"] is None


def test_a_documents_json_is_what_gaip_xl_import_writes(mixed):
    inbox, out, result = mixed
    rows = _rows(result)
    for name in ("淮安.pdf", "平潭2022.docx", "截断.txt"):
        stdout = io.StringIO()
        run(["import", str(inbox / name), "-o", "-"], stdout, io.StringIO())
        assert (out / rows[name]["json"]).read_text(encoding="utf-8") == stdout.getvalue(), name
    huaian = json.loads((out / rows["淮安.pdf"]["json"]).read_text(encoding="utf-8"))
    assert huaian["tables"] == json.loads((CASES / "huaian-2024.json").read_text(encoding="utf-8"))["tables"]


def test_import_notes_are_findings_rows_and_named_so_in_the_summary(mixed):
    _, out, result = mixed
    rows = _rows(result)
    with open(out / "findings.csv", encoding="utf-8-sig", newline="") as stream:
        findings = list(csv.DictReader(stream))
    assert {(f["file"], f["kind"]) for f in findings} <= set(KINDS.items())  # each finding says what its file was
    assert {f["kind"] for f in findings} >= {"PDF", "文本", "工作簿", "其他"}
    notes = [f for f in findings if f["severity"] == "import"]
    for name in DOCUMENTS:
        assert len([f for f in notes if f["file"] == name]) == rows[name]["import_notes"], name
    assert {f["rule"] for f in notes if f["file"] == "截断.txt"} >= {"I_TABLE_TRUNCATED"}
    assert all(f["rule"].startswith("I_") for f in notes)
    book = openpyxl.load_workbook(out / "summary.xlsx")
    listed = {(r[0], r[4], r[5]) for r in book["问题清单"].iter_rows(min_row=2, values_only=True)}
    assert ("截断.txt", "I_TABLE_TRUNCATED", "导入提示") in listed and ("截断.txt", "I1", "错误") in listed
    header = next(book["文件清单"].iter_rows(values_only=True))
    column = {name: header.index(name) for name in ("类型", "导入数字", "缺失数字", "导入提示")}
    sheet_rows = {r[0]: r for r in book["文件清单"].iter_rows(min_row=2, values_only=True)}
    truncated = sheet_rows["截断.txt"]
    assert (truncated[column["类型"]], truncated[column["缺失数字"]]) == ("文本", rows["截断.txt"]["missing"])
    assert sheet_rows["淮安.pdf"][column["导入数字"]] == len(EDITIONS["2021"].cell_codes)
    totals = {r[0]: r[1] for r in book["统计"].iter_rows(values_only=True) if r and r[0]}
    assert totals["导入的已发布文档（PDF、网页、Word、文本）（个）"] == sum(
        1 for row in rows.values() if row["kind"] in ("PDF", "网页", "Word", "文本") and row["status"] != "unreadable")


def test_a_rerun_skips_every_document_and_writes_the_same_bytes(mixed, tmp_path):
    inbox, out, result = mixed
    before = tree_digest(out, skip=STATE_DIR)
    again = run_bulk(inbox, out, jobs=1)
    assert again.skipped == result.total
    assert tree_digest(out, skip=STATE_DIR) == before


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_and_wps_in_a_batch_are_converted_and_named(tmp_path):
    from gaip_xl.template.libreoffice import convert

    source = tmp_path / "source" / "report.docx"
    source.parent.mkdir()
    source.write_bytes(render(load_case("pingtan-2021"), "docx"))
    doc = convert([source], "doc:MS Word 97", tmp_path / "doc")[0]
    inbox = tmp_path / "in"
    inbox.mkdir()
    shutil.copy(doc, inbox / "平潭.doc")
    shutil.copy(doc, inbox / "平潭.wps")  # a WPS 文字 file is the same OLE Word format
    result = run_bulk(inbox, tmp_path / "out", jobs=1)
    rows = _rows(result)
    assert (rows["平潭.doc"]["kind"], rows["平潭.wps"]["kind"]) == ("Word", "WPS")
    figures = load_case("pingtan-2021").figures
    for name in ("平潭.doc", "平潭.wps"):
        document = json.loads((tmp_path / "out" / rows[name]["json"]).read_text(encoding="utf-8"))
        assert document["import"]["source"]["converted_from"] == "doc"
        assert {k: v for k, v in Report.from_json(json.dumps(document)).figures.items() if v is not None} == \
            {k: v for k, v in figures.items() if v is not None}


# ---------------------------------------------------------------------------- the generator
RENDERERS = {
    "html": (lambda r: render(r, "html"), "网页"),
    "docx": (lambda r: render(r, "docx"), "Word"),
    "txt": (lambda r: to_text(r).encode("utf-8"), "文本"),
    "md": (lambda r: to_markdown(r).encode("utf-8"), "文本"),
    "json": (lambda r: r.to_json().encode("utf-8"), "JSON"),
}


@st.composite
def batches(draw):
    """A few submissions: random reports of both editions, each published in a random form, some text copies cut
    off at a random line (as seed 002 is) or inside a character, some named with a wrong or no extension, and
    random bytes."""
    items = []
    for index in range(draw(st.integers(1, 4))):
        form = draw(st.sampled_from(sorted(RENDERERS)))
        report = consistent_report(draw(st.sampled_from(["2019", "2021"])), random.Random(draw(st.integers(0, 999))))
        report.agency.name = f"测试{index}县人民政府"
        data = RENDERERS[form][0](report)
        if form in ("txt", "md") and draw(st.booleans()):
            lines = data.decode("utf-8").splitlines()
            data = "\n".join(lines[: draw(st.integers(len(lines) // 3, len(lines) - 1))]).encode("utf-8")
            data = data[: len(data) - draw(st.integers(0, 2))]  # maybe inside its last (three-byte) character
        suffix = draw(st.sampled_from([f".{form}", f".{form}", ".dat", ""]))
        items.append((f"{index}{suffix}", data, RENDERERS[form][1]))
    junk = draw(st.binary(min_size=1, max_size=200))
    items.append(("junk.bin", junk, None))
    return items


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=batches())
def test_any_mix_of_forms_gets_the_validate_verdict_and_never_passes_with_cells_missing(tmp_path_factory, items):
    root = tmp_path_factory.mktemp("gen")
    inbox = root / "in"
    inbox.mkdir()
    for name, data, _ in items:
        (inbox / name).write_bytes(data)
    result = run_bulk(inbox, root / "out", jobs=1)
    rows = _rows(result)
    assert sorted(rows) == sorted(name for name, _, _ in items)  # every input a row, whatever its name
    for name, _, kind in items:
        row = rows[name]
        if kind is None:  # random bytes: never a report
            assert row["status"] == "unreadable"
            continue
        assert row["kind"] == kind, name
        if row["status"] == "unreadable":  # as validate refuses it, with the same code
            with pytest.raises(GaipError) as refused:
                load_report(inbox / name)
            assert refused.value.code == row["code"], name
            continue
        verdict = validate(load_report(inbox / name))
        assert row["status"] == ("ok" if verdict.valid else "errors"), name
        if row["missing"]:
            assert row["status"] != "ok", name  # a document with cells not found never passes


@pytest.mark.parametrize("cut", [1, 2])
def test_a_text_copy_cut_inside_a_character_is_still_read_as_utf8(tmp_path, cut):
    """A UTF-8 copy cut short in transfer may end inside a three-byte character: it is UTF-8 still (not mojibake
    from another charset, which would make it "not a report"), and its cut table makes it fail, not pass."""
    data = _truncated_seed()
    text_end = data.rindex("重".encode())  # cut inside the last 重 of "2. 重复申请"
    data = data[: text_end + cut]
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "截断.txt").write_bytes(data)
    row = _rows(run_bulk(inbox, tmp_path / "out", jobs=1))["截断.txt"]
    assert (row["kind"], row["agency"], row["status"]) == ("文本", "章古台镇", "errors")
    assert row["missing"] > 0
