"""Damaged and hostile documents: a finding or a clean exit 2 with a coded Chinese message, never a traceback, never
a figure in the wrong cell."""

import io
import random
import shutil

import pytest
from builders import consistent_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_docx, to_html, to_text

from gaip_xl import import_report, validate
from gaip_xl.cli import run
from gaip_xl.errors import GaipError
from gaip_xl.report import Report


def call(*argv):
    out, err = io.StringIO(), io.StringIO()
    code = run([str(a) for a in argv], out, err)
    return code, out.getvalue(), err.getvalue()


def never_wrong(imported: Report, original: Report) -> None:
    """Every figure the import placed is the figure of that cell in the original."""
    wrong = {code: (value, original.figures.get(code)) for code, value in imported.figures.items()
             if original.figures.get(code) != value}
    assert wrong == {}


@pytest.fixture(scope="module")
def report_2019():
    return consistent_report("2019", random.Random(3))


@pytest.fixture(scope="module")
def report_2021():
    report = consistent_report("2021", random.Random(4))
    report.text.update(overview="总体情况。", problems="存在的问题。", other="无。")
    return report


def test_a_table_cut_off_at_a_page_break_is_not_valid(report_2019):
    text = to_text(report_2019)
    cut = text[:text.index("\t3.要求提供公开出版物")]  # seed 002: stops after （五）2.重复申请, nothing says so
    result = import_report(cut.encode())
    codes = [f.code for f in result.findings]
    assert "I_TABLE_TRUNCATED" in codes and "I_TABLE_MISSING" in codes
    truncated = next(f for f in result.findings if f.code == "I_TABLE_TRUNCATED")
    assert "2.重复申请」之后中断" in truncated.message and len(truncated.cells) == 6 * 7
    never_wrong(result.report, report_2019)
    assert result.report.figures["s3.not_processed_repeated.total"] == \
        report_2019.figures["s3.not_processed_repeated.total"]
    validation = validate(result.report)
    assert not validation.valid and "I1" in {f.rule for f in validation.errors}


def test_a_missing_section_is_said_and_not_valid(report_2021):
    result = import_report(to_html(report_2021, skip=frozenset("四")))
    missing = [f for f in result.findings if f.code == "I_TABLE_MISSING"]
    assert [len(f.cells) for f in missing] == [15]
    never_wrong(result.report, report_2021)
    i1 = [f for f in validate(result.report).findings if f.rule == "I1"]
    assert len(i1) == 1 and len(i1[0].cells) == 15 and "文档中没有这张表" in i1[0].message


def test_swapped_columns_follow_their_headers(report_2021):
    result = import_report(to_html(report_2021, swap_s4=True))
    assert {c.code: result.report.figures.get(c.code) for c in report_2021.edition.cells} == \
        {c.code: report_2021.figures.get(c.code) for c in report_2021.edition.cells}


def test_a_row_broken_over_a_page_keeps_no_figure_in_the_wrong_cell(report_2021):
    text = to_text(report_2021)
    row = text.index("\t1.属于国家秘密")
    broken = text[:row] + text[row:].replace("\n", "\n\n", 4)  # the row's figures split over two "rows"
    result = import_report(broken.encode())
    never_wrong(result.report, report_2021)
    assert "I_ROW_CELLS" in {f.code for f in result.findings}
    assert not validate(result.report).valid


def test_a_2021_report_with_the_2019_single_other_row_is_imported_with_a_finding(report_2021):
    text = to_text(report_2021)
    start, end = text.index("\t（六）其他处理"), text.index("\t（七）总计")
    row = "\t（六）其他处理\n" + "".join(f"\t{n}\n" for n in (2, 0, 0, 0, 0, 0, 2)) + "\n"
    result = import_report((text[:start] + row + text[end:]).encode())
    assert result.report.edition.code == "2021"
    codes = {f.code for f in result.findings}
    assert {"I_MIXED_EDITION", "I_ROWS_MISSING"} <= codes
    never_wrong(result.report, report_2021)  # the 2019 row's figures are in no 2021 cell
    assert "I1" in {f.rule for f in validate(result.report).errors}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), cuts=st.lists(st.integers(0, 10**6), min_size=1, max_size=4))
def test_lines_lost_in_copying_never_move_a_figure(seed, cuts):
    report = consistent_report(random.Random(seed).choice(["2019", "2021"]), random.Random(seed))
    lines = to_text(report).split("\n")
    table_lines = [i for i, line in enumerate(lines) if line.startswith("\t")]
    lost = {table_lines[c % len(table_lines)] for c in cuts}
    damaged = "\n".join(line for i, line in enumerate(lines) if i not in lost)
    never_wrong(import_report(damaged.encode()).report, report)


def _blank_pdf() -> bytes:
    import pypdfium2

    pdf = pypdfium2.PdfDocument.new()
    pdf.new_page(595, 842)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _scanned_pdf() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline="black", width=3)
    out = io.BytesIO()
    image.save(out, "PDF", resolution=72)
    return out.getvalue()


@pytest.mark.parametrize("make, code", [
    (_blank_pdf, "E_EMPTY_DOCUMENT"),
    (_scanned_pdf, "E_SCANNED_PDF"),
    (lambda: b"%PDF-1.7\n1 0 obj <<>> broken", "E_DOCUMENT"),
    (lambda: bytes(range(256)) * 10, "E_FILE_TYPE"),
    (lambda: b"", "E_EMPTY_DOCUMENT"),
    (lambda: "菜谱：西红柿炒鸡蛋".encode(), "E_NOT_A_REPORT"),
])
def test_unreadable_documents_exit_2_with_a_code(tmp_path, make, code):
    path = tmp_path / "document.pdf"
    path.write_bytes(make())
    with pytest.raises(GaipError) as info:
        import_report(path)
    assert info.value.code == code
    status, out, err = call("import", path, "-o", tmp_path / "out.json")
    assert status == 2 and f"[{code}]" in err and "Traceback" not in err and out == ""
    assert not (tmp_path / "out.json").exists()


def test_a_50_mb_page_is_refused_before_parsing(tmp_path):
    page = tmp_path / "huge.html"
    with page.open("wb") as stream:
        stream.write(b"<html><body><table>")
        stream.write(b"<tr><td>0</td></tr>" * (50 * 1024 * 1024 // 19))
    status, _, err = call("validate", page)
    assert status == 2 and "[E_DOCUMENT_TOO_LARGE]" in err


def test_entities_and_scripts_are_never_expanded_or_run(report_2021, tmp_path):
    bomb = ('<!DOCTYPE html [<!ENTITY a "AAAAAAAAAA"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>')
    script = ("<script>var report = '<table><tr><td>一、本年新收政府信息公开申请数量</td><td>999</td></tr>"
              "</table>';</script>")
    page = to_html(report_2021).decode().replace("<html>", bomb + "<html>").replace("<body>", "<body>" + script + "&c;")
    result = import_report(page.encode())
    assert "AAAAAAAAAA" not in str(result.report.to_dict())
    never_wrong(result.report, report_2021)
    assert result.report.figures == report_2021.figures
    only_script = import_report(f"<html><body>{script}</body></html>".encode())  # read as text, never run
    assert only_script.report.figures == {} and "I_ROW_CELLS" in {f.code for f in only_script.findings}
    assert not validate(only_script.report).valid


def test_a_word_package_declaring_entities_is_refused(report_2021):
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(to_docx(report_2021)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            target.writestr(item, data)
    with pytest.raises(GaipError) as info:
        import_report(out.getvalue())
    assert info.value.code == "E_XML_ATTACK"


def test_without_libreoffice_a_doc_says_what_to_install(monkeypatch):
    from gaip_xl.template import libreoffice

    monkeypatch.setattr(libreoffice, "soffice", lambda: None)
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 500 + "WordDocument".encode("utf-16-le") + b"\0" * 500
    with pytest.raises(GaipError) as info:
        import_report(ole)
    assert info.value.code == "E_NEEDS_LIBREOFFICE" and "libreoffice-writer-nogui" in info.value.message


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_doc_and_wps_are_converted_with_libreoffice(report_2021, tmp_path):
    from gaip_xl.template.libreoffice import convert

    source = tmp_path / "report.docx"
    source.write_bytes(to_docx(report_2021))
    doc = convert([source], "doc:MS Word 97", tmp_path / "doc")[0]
    result = import_report(doc)
    assert result.block["source"]["converted_from"] == "doc"
    assert result.report.figures == report_2021.figures
    wps = tmp_path / "report.wps"
    shutil.copy(doc, wps)  # a WPS 文字 file is the same OLE Word format; told apart by bytes, not by name
    assert import_report(wps).report.figures == report_2021.figures


def test_figures_run_into_their_label_are_not_split(report_2021):
    value = report_2021.figures["s2_item5.licensing.decisions"]
    text = to_text(report_2021).replace(f"\t行政许可\n\t{value}\n", f"\t行政许可{value}\n")
    result = import_report(text.encode())
    assert [f.code for f in result.findings] == ["I_RUN_TOGETHER"]
    assert "s2_item5.licensing.decisions" not in result.report.figures
    never_wrong(result.report, report_2021)
    assert "I1" in {f.rule for f in validate(result.report).errors}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_pdf_table_without_ruling_lines_is_said_not_guessed(report_2021, tmp_path):
    """Unruled tables come out of a PDF as lines of text whose figures may wrap inside their cells ("17" over "8"):
    they are reported as left-over text and missing tables, never split into figures."""
    import docx

    from gaip_xl.template.libreoffice import convert

    word = docx.Document(io.BytesIO(to_docx(report_2021)))
    for table in word.tables:
        table.style = word.styles["Normal Table"]
    source = tmp_path / "unruled.docx"
    word.save(source)
    result = import_report(convert([source], "pdf", tmp_path / "pdf")[0])
    assert result.report.figures == {}
    assert {"I_TABLE_MISSING", "I_TEXT_LEFT_OVER"} <= {f.code for f in result.findings}
    assert not validate(result.report).valid


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), picks=st.lists(st.integers(0, 10**6), min_size=1, max_size=3),
       add=st.booleans())
def test_cells_lost_or_added_in_the_markup_never_move_a_figure(seed, picks, add):
    """Portal markup with a cell dropped or an extra cell (uneven colspans): the rest of the row shifts, so its
    figures are placed only where that is still certain."""
    report = consistent_report(random.Random(seed).choice(["2019", "2021"]), random.Random(seed))
    parts = to_html(report).decode().split("<td")
    for pick in picks:
        index = 1 + pick % (len(parts) - 1)
        if add:
            parts.insert(index, f"><p>{pick % 50}</p></td>")
        else:
            del parts[index]
    never_wrong(import_report("<td".join(parts).encode()).report, report)


def test_an_unreadable_label_is_placed_by_the_row_order_only_when_one_row_fits(report_2021):
    text = to_text(report_2021)
    one = text.replace("\t6.属于四类过程性信息\n", "\t6.屬於XX\n")
    result = import_report(one.encode())
    assert [f.code for f in result.findings] == ["I_ROW_BY_POSITION"]
    assert result.provenance["s3.withheld_process_info.total"]["row"]["method"] == "position"
    assert result.report.figures == report_2021.figures
    two = one.replace("\t7.属于行政执法案卷\n", "\t7.XXXX\n")
    result = import_report(two.encode())
    assert [f.code for f in result.findings].count("I_ROW_UNMATCHED") == 2
    never_wrong(result.report, report_2021)
    assert "s3.withheld_process_info.total" not in result.report.figures


_FRAGMENTS = ["一、总体情况", "三、收到和处理政府信息公开申请情况", "（六）其他处理", "\t", "\n", "\n\n", "|", "0",
              "17", "—", "第二十条第（九）项", "本年制发件数", "行政复议", "结果维持", "自然人", "总计", "<table>",
              "<td colspan=99>", "<tr>", "2021年政府信息公开工作年度报告", "1、", "发布日期：2022年13月40日"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.binary(max_size=2000), st.lists(st.sampled_from(_FRAGMENTS), max_size=80).map(
    lambda parts: "".join(parts).encode("utf-8"))))
def test_any_bytes_give_a_report_or_a_coded_error(data):
    try:
        result = import_report(data)
    except GaipError as exc:
        assert exc.code.startswith("E_")
        return
    validate(result.report)  # the imported report is one the rules can run on


@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_every_single_cell_lost_or_added_never_moves_a_figure(edition):
    """The class above, walked through rather than sampled: each cell of the page (every third, to stay quick) lost,
    and a cell added before it, including header cells (a group label lost shifts a whole group)."""
    report = consistent_report(edition, random.Random(11))
    parts = to_html(report).decode().split("<td")
    for index in range(1, len(parts), 3):
        lost = parts[:index] + parts[index + 1:]
        added = parts[:index] + [f"><p>{index % 50}</p></td>"] + parts[index:]
        for variant in (lost, added):
            never_wrong(import_report("<td".join(variant).encode()).report, report)
