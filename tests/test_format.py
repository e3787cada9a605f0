"""The format model: both editions as the notices print them, and a layout derived from it."""

from gaip_xl.format import EDITION_2019, EDITION_2021, EDITIONS, edition_for_year, layout_for
from gaip_xl.format.layout import code_of_name, defined_name


def test_edition_follows_the_report_year():
    assert edition_for_year(2019) is EDITION_2019
    assert edition_for_year(2020) is EDITION_2019
    assert edition_for_year(2021) is EDITION_2021
    assert edition_for_year(2030) is EDITION_2021


def test_other_handling_is_one_row_in_2019_and_three_in_2021():
    def other(ed):
        return [r for r in ed.table("s3").rows if r.label.startswith("（六）") or "（六）其他处理" in r.groups]

    assert [r.label for r in other(EDITION_2019)] == ["（六）其他处理"]
    assert [r.label for r in other(EDITION_2021)] == [
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "3.其他",
    ]


def test_section_three_has_the_official_rows_and_columns():
    s3 = EDITION_2021.table("s3")
    assert [c.label for c in s3.columns] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    assert s3.rows[0].label == "一、本年新收政府信息公开申请数量"
    assert s3.rows[-1].label == "四、结转下年度继续办理"
    assert s3.row("partly_disclosed").label == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert s3.corner == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert len(s3.rows) == 25 and len(EDITION_2019.table("s3").rows) == 23


def test_section_two_differs_by_edition():
    assert [c.label for c in EDITION_2021.table("s2_item1").columns] == ["本年制发件数", "本年废止件数", "现行有效件数"]
    assert [c.label for c in EDITION_2019.table("s2_item1").columns] == [
        "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert EDITION_2021.table("s2_item1").row("normative").label == "行政规范性文件"
    assert EDITION_2019.table("s2_item1").row("normative").label == "规范性文件"
    assert "s2_item9" in {t.code for t in EDITION_2019.tables}
    assert "s2_item9" not in {t.code for t in EDITION_2021.tables}
    assert EDITION_2019.cell("s2_item5.licensing.change").type.value == "change"
    assert EDITION_2021.cell("s2_item8.fees.amount").type.value == "amount"


def test_section_four_is_fifteen_figures():
    s4 = EDITION_2021.table("s4")
    assert len(s4.cells()) == 15
    assert [c.label for c in s4.columns] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def test_codes_and_defined_names_are_unique_and_reversible():
    for edition in EDITIONS.values():
        layout = layout_for(edition.code)
        names = layout.names()
        assert len(names) == len(layout.figures) + len(layout.fields)
        for code in layout.figures:
            assert code_of_name(defined_name(code)) == code
        positions = [(p.sheet, p.row, p.col) for p in names.values()]
        assert len(set(positions)) == len(positions), "two names on one cell"


def test_layout_merges_the_section_three_header_as_the_notice_prints_it():
    layout = layout_for("2021")
    merged = {(lab.pos.sheet, lab.text): lab.range_a1 for lab in layout.labels}
    sheet = "三、依申请公开"
    assert merged[(sheet, "申请人情况")] == "D3:J3"
    assert merged[(sheet, "法人或其他组织")] == "E4:I4"
    assert merged[(sheet, "自然人")] == "D4:D5"
    assert merged[(sheet, "三、本年度办理结果")] == "A8:A29"
    assert merged[(sheet, "（三）不予公开")] == "B10:B17"
    assert layout.figures["s3.new.natural"].a1 == "D6"
    assert layout.figures["s3.carried_out.total"].a1 == "J30"


def test_no_label_overlaps_a_figure():
    for edition in EDITIONS:
        layout = layout_for(edition)
        covered = {(lab.pos.sheet, r, c) for lab in layout.labels
                   for r in range(lab.pos.row, lab.last_row + 1) for c in range(lab.pos.col, lab.last_col + 1)}
        for pos in (*layout.figures.values(), *layout.fields.values()):
            assert (pos.sheet, pos.row, pos.col) not in covered
