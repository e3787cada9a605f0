"""The roster: read from .xlsx and .csv (UTF-8, BOM or not, or GBK) under the template's labels, names matched after
removing whitespace and unifying widths, and the accounting expected / submitted / missing / not on roster."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from gaip_xl.errors import GaipError
from gaip_xl.format.fields import INFO_FIELDS_BY_CODE
from gaip_xl.roster import ROSTER_FIELDS, RosterEntry, name_key, read_roster, reconcile, roster_from_rows

LABELS = [f.label for f in ROSTER_FIELDS]


def test_headers_are_the_templates_labels():
    assert LABELS == [INFO_FIELDS_BY_CODE[c].label for c in ("agency.name", "agency.level", "agency.region_code",
                                                              "agency.contact")]


@pytest.mark.parametrize("bom", [True, False])
def test_csv_with_or_without_bom(tmp_path, bom):
    text = f"{LABELS[2]},{LABELS[0]},{LABELS[1]}\n320800,淮安市人民政府,设区的市\n,,\n320803,淮安区人民政府,县级\n"
    path = tmp_path / "名单.csv"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    entries = read_roster(path)
    assert [(e.name, e.level, e.region_code, e.line) for e in entries] == [
        ("淮安市人民政府", "设区的市", "320800", 2), ("淮安区人民政府", "县级", "320803", 4)]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(st.sampled_from("甲乙丙县镇局人民政府教育体育ＡB 、（）"), min_size=1, max_size=12),
                          st.sampled_from(["乡镇", "县级", ""])), min_size=1, max_size=8,
                unique_by=lambda row: name_key(row[0])).filter(lambda rows: all(name_key(n) for n, _ in rows)),
       st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "gbk"]), st.sampled_from(["\n", "\r\n"]))
def test_csv_as_excel_saves_it_in_utf_8_or_gbk_reads_the_same(tmp_path_factory, rows, encoding, newline):
    """Excel on Chinese Windows saves "CSV (逗号分隔)" in GBK, and "CSV UTF-8" with a BOM: both read alike."""
    text = newline.join([f"{LABELS[0]},{LABELS[1]}", *(f"{name},{level}" for name, level in rows)]) + newline
    path = tmp_path_factory.mktemp("roster") / "名单.csv"
    path.write_bytes(text.encode(encoding))
    entries = read_roster(path)
    assert [(e.name, e.level) for e in entries] == [(name.strip(), level or None) for name, level in rows]


_TITLES = st.sampled_from(["2024年度政府信息公开工作年度报告报送名单", "填报日期：2025年1月5日", "附件1", "单位：个"])


@settings(max_examples=30, deadline=None)
@given(titles=st.lists(_TITLES, max_size=4), names=st.lists(st.sampled_from("甲乙丙丁戊己"), min_size=1, max_size=6,
                                                            unique=True),
       blanks=st.lists(st.integers(0, 12), max_size=4), kind=st.sampled_from(["xlsx", "csv"]), data=st.data())
def test_a_roster_is_read_under_its_title_rows_and_every_entry_says_its_own_row(
        tmp_path_factory, titles, names, blanks, kind, data):
    """An office's list seldom starts with its header: a title, a date or a note above it, blank rows anywhere.
    Every agency under the header is read, and each entry (and a duplicate's error) gives the row the office sees."""
    rows: list[list[str]] = [[t] for t in titles] + [["序号", LABELS[0], LABELS[1]]]
    rows += [[str(i), f"{name}镇人民政府", "乡镇"] for i, name in enumerate(names, start=1)]
    for at in sorted(blanks, reverse=True):
        rows.insert(min(at, len(rows)), [])
    if data.draw(st.booleans(), label="a duplicate"):
        rows.append(["", f" {names[0]}镇人民政府", ""])
    expected = [(number, row[1].strip()) for number, row in enumerate(rows, start=1)
                if len(row) == 3 and row[0] != "序号"]
    path = tmp_path_factory.mktemp("roster") / f"名单.{kind}"
    if kind == "xlsx":
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(path)
    else:
        path.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8-sig")
    if len({name_key(name) for _, name in expected}) < len(expected):
        with pytest.raises(GaipError) as raised:
            read_roster(path)
        first, again = (n for n, name in expected if name_key(name) == name_key(expected[0][1]))
        assert raised.value.code == "E_ROSTER_DUPLICATE" and f"第 {first}、{again} 行" in raised.value.message
        return
    assert [(e.line, e.name) for e in read_roster(path)] == expected


def test_xlsx_roster_with_numbers_as_region_codes(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append([f" {LABELS[0]} ", LABELS[3], LABELS[2]])  # spaces around a header do not matter
    sheet.append(["甲镇人民政府", "李四 123", 320803])
    sheet.append(["乙镇人民政府", None, None])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    entries = read_roster(path)
    assert [(e.name, e.contact, e.region_code) for e in entries] == [("甲镇人民政府", "李四 123", "320803"),
                                                                     ("乙镇人民政府", None, None)]


@pytest.mark.parametrize("content, code", [
    ("名称,级别\n甲,乡镇\n".encode(), "E_ROSTER_HEADER"),
    ("机关名称\n甲镇\n 甲 镇\n".encode(), "E_ROSTER_DUPLICATE"),
    ("机关名称\n\n".encode(), "E_ROSTER_EMPTY"),
    ("名称\n甲镇\n".encode("gbk"), "E_ROSTER_FORMAT"),  # GBK is taken only under the required header
    ("机关名称\n".encode("utf-16"), "E_ROSTER_FORMAT"),
    (b"\xff\xfe\x80\n", "E_ROSTER_FORMAT"),
])
def test_bad_rosters_are_refused_with_a_code(tmp_path, content, code):
    path = tmp_path / "名单.csv"
    path.write_bytes(content)
    with pytest.raises(GaipError) as raised:
        read_roster(path)
    assert raised.value.code == code and any("\u4e00" <= ch <= "\u9fff" for ch in raised.value.message)


def test_a_zip_bomb_roster_is_refused_by_the_converters_checks(tmp_path):
    from pathlib import Path

    path = tmp_path / "名单.xlsx"
    path.write_bytes((Path(__file__).parent / "corpus" / "zip_bomb.xlsx").read_bytes())
    with pytest.raises(GaipError) as raised:
        read_roster(path)
    assert raised.value.code == "E_ZIP_BOMB"


def test_reconcile_expected_submitted_missing_and_strangers():
    entries = roster_from_rows([["机关名称"], ["甲镇人民政府"], ["乙镇人民政府"], ["丙镇人民政府"]])
    submitted = ["甲镇人民政府", "ＡＢ县 人民政府", "甲镇 人民政府", "乙镇人民政府", None, "AB县人民政府"]
    result = reconcile(entries, submitted)
    assert [e.name for e in result.submitted] == ["甲镇人民政府", "乙镇人民政府"]
    assert [e.name for e in result.missing] == ["丙镇人民政府"]
    assert result.not_on_roster == ["ＡＢ县 人民政府", ""]
    assert result.counts == {"expected": 3, "submitted": 2, "missing": 1, "not_on_roster": 2}


_SPACES = st.sampled_from([" ", "\u3000", "\t", "\n", "\u00a0"])


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(categories=("Lo", "Nd", "Lu")), min_size=1, max_size=12), st.data())
def test_any_spacing_or_width_of_a_name_matches_it(name, data):
    """The class of spelling differences: whitespace anywhere and full-width forms never make a name missing."""
    spaced = "".join(ch + data.draw(st.text(alphabet=_SPACES, max_size=2)) for ch in name)
    wide = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in spaced)
    assert name_key(wide) == name_key(name) == name_key(unicodedata.normalize("NFKC", name))
    entries = roster_from_rows([["机关名称"], [name]]) if name_key(name) else []
    if entries:
        assert reconcile(entries, [wide]).missing == []


_INVISIBLE = st.characters(categories=("Cf", "Cc", "Zs", "Zl", "Zp"))  # what a page or Word hides in a name


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.characters(categories=("Lo", "Nd", "Lu", "Mn")), min_size=1, max_size=12), st.data())
def test_characters_nobody_sees_never_make_a_name_another(name, data):
    """The class of invisible differences: zero-width spaces, a BOM, soft hyphens, direction marks or control
    characters anywhere (copied from a web page or Word along with the name) never make a name missing."""
    hidden = "".join(data.draw(st.text(alphabet=_INVISIBLE, max_size=2)) + ch for ch in name)
    hidden += data.draw(st.text(alphabet=_INVISIBLE, max_size=2))
    assert name_key(hidden) == name_key(name)
    if name_key(name):
        assert reconcile(roster_from_rows([["机关名称"], [name]]), [hidden]).missing == []


@pytest.mark.parametrize("shown", ["淮安市\u200b人民政府", "\ufeff淮安市人民政府", "淮安市人民政府\u200e",
                                   "淮安\u00ad市人民政府", "淮安市人民政府\x07", "淮安市\u2060人民政府"])
def test_a_name_copied_with_invisible_characters_is_the_agency(shown):
    assert name_key(shown) == name_key("淮安市人民政府")


def test_names_that_differ_in_what_is_seen_stay_apart():
    assert name_key("淮安市人民政府") != name_key("淮安县人民政府")
    assert name_key("淮安市-人民政府") != name_key("淮安市人民政府")


def test_a_name_typed_differently_is_offered_the_missing_entry_it_resembles():
    names = ("某某县教育体育局", "甲镇人民政府", "某某县卫生健康委员会", "某某县人民政府办公室")
    entries = [RosterEntry(n) for n in names]
    result = reconcile(entries, ["某某县教育局", "甲镇人民政府", "某某县卫健委", "完全无关的名称"])
    assert {name: entry.name for name, entry in result.similar.items()} == {
        "某某县教育局": "某某县教育体育局", "某某县卫健委": "某某县卫生健康委员会"}
    # a hint, never a match: the counts are those of exact matching
    assert result.counts == {"expected": 4, "submitted": 1, "missing": 3, "not_on_roster": 3}


def test_an_entry_already_submitted_is_never_offered():
    entries = [RosterEntry("甲镇人民政府")]
    assert reconcile(entries, ["甲镇人民政府", "甲镇人民政府办"]).similar == {}


def test_each_missing_entry_is_offered_for_the_closest_name_only():
    entries = [RosterEntry("某某县教育体育局")]
    result = reconcile(entries, ["某某县教育局", "某某县教育体育"])
    assert {name: e.name for name, e in result.similar.items()} == {"某某县教育体育": "某某县教育体育局"}


_NAMES = st.text(st.sampled_from("甲乙丙丁某县镇乡人民政府教育局办公室卫生健康委员会"), min_size=1, max_size=12)


@settings(max_examples=200)
@given(st.lists(_NAMES, max_size=8, unique=True), st.lists(_NAMES, max_size=8))
def test_hints_only_pair_strangers_with_missing_entries_one_to_one(roster, submitted):
    entries = [RosterEntry(n) for n in dict.fromkeys(roster, None) if n]
    unique = list({name_key(e.name): e for e in entries}.values())
    result = reconcile(unique, submitted)
    assert set(result.similar) <= set(result.not_on_roster)
    offered = [e.key for e in result.similar.values()]
    assert len(offered) == len(set(offered)) and set(offered) <= {e.key for e in result.missing}
