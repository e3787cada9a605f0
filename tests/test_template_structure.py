"""The generated template holds every sheet, label, merged range, defined name and meta value of the layout."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from template_helpers import generated, label_ranges

from gaip_xl.cli import run
from gaip_xl.errors import UnknownEdition
from gaip_xl.format.layout import META_EDITION, META_VERSION, SHEET_META, layout_for
from gaip_xl.template import TEMPLATE_VERSION, build_template
from gaip_xl.template.builder import all_labels

EDITIONS = ("2021", "2019")


@pytest.fixture(scope="module", params=EDITIONS)
def template(request, tmp_path_factory):
    edition = request.param
    return edition, generated(edition, tmp_path_factory.mktemp(f"t{edition}"))


def test_sheets_in_layout_order(template):
    edition, workbook = template
    assert tuple(workbook.sheetnames) == layout_for(edition).sheets
    visible = [ws.title for ws in workbook.worksheets if ws.sheet_state == "visible"]
    assert SHEET_META not in visible and len(visible) == len(workbook.sheetnames) - 1
    assert workbook[SHEET_META].sheet_state == "veryHidden"


def test_every_label_written_and_merged_exactly(template):
    edition, workbook = template
    for label in layout_for(edition).labels:
        assert workbook[label.pos.sheet].cell(label.pos.row, label.pos.col).value == label.text, label
    official = label_ranges(edition)
    own = {(label.pos.sheet, label.range_a1) for label in all_labels(edition)[len(layout_for(edition).labels):]
           if label.merged}
    for sheet in workbook.worksheets:
        merged = {str(r) for r in sheet.merged_cells.ranges}
        assert official.get(sheet.title, set()) <= merged, sheet.title
        # Anything else merged is one of the template's own captions (checks, notes, summary), never a figure.
        assert {(sheet.title, r) for r in merged - official.get(sheet.title, set())} <= own, sheet.title


def test_section_three_note_and_headers(template):
    edition, workbook = template
    sheet = workbook["三、依申请公开"]
    assert sheet["A3"].value == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert "A3:C5" in {str(r) for r in sheet.merged_cells.ranges}
    assert sheet["D3"].value == "申请人情况" and sheet["E4"].value == "法人或其他组织"


def test_every_code_has_a_workbook_scoped_name(template):
    edition, workbook = template
    names = layout_for(edition).names()
    assert set(workbook.defined_names) >= set(names)
    for name, pos in names.items():
        assert workbook.defined_names[name].attr_text == pos.absolute, name
        assert workbook.defined_names[name].localSheetId is None, name
    for sheet in workbook.worksheets:
        assert not sheet.defined_names, f"{sheet.title} has sheet-scoped names"


def test_figure_and_input_cells_are_blank(template):
    edition, workbook = template
    layout = layout_for(edition)
    for code, pos in (*layout.figures.items(), *layout.fields.items()):
        if code.startswith("meta."):
            continue
        assert workbook[pos.sheet].cell(pos.row, pos.col).value is None, code


def test_edition_and_version_in_hidden_sheet(template):
    edition, workbook = template
    layout = layout_for(edition)
    for code, value in ((META_EDITION, edition), (META_VERSION, TEMPLATE_VERSION)):
        pos = layout.fields[code]
        assert pos.sheet == SHEET_META
        assert workbook[pos.sheet].cell(pos.row, pos.col).value == value


def test_unknown_edition_is_a_gaip_error():
    with pytest.raises(UnknownEdition):
        build_template("2017")


def test_cli_writes_the_template(tmp_path, capsys):
    target = tmp_path / "模板.xlsx"
    assert run(["template", "--edition", "2019", "-o", str(target)]) == 0
    workbook = load_workbook(target)
    pos = layout_for("2019").fields[META_EDITION]
    assert workbook[pos.sheet].cell(pos.row, pos.col).value == "2019"
    assert "2019" in capsys.readouterr().out


def test_cli_unwritable_target_leaves_nothing(tmp_path, capsys):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    assert run(["template", "-o", str(blocker / "t.xlsx")]) == 2
    assert "E_OUTPUT" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [blocker]


def test_cli_replaces_a_target_that_is_a_folder_never(tmp_path, capsys):
    folder = tmp_path / "t.xlsx"
    folder.mkdir()
    assert run(["template", "-o", str(folder)]) == 2
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.xlsx"]


def test_cli_rejects_unknown_edition(tmp_path):
    assert run(["template", "--edition", "2018", "-o", str(tmp_path / "t.xlsx")]) == 2
    assert list(tmp_path.iterdir()) == []
