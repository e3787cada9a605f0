"""The template renders: LibreOffice prints it to PDF (Chinese text intact, one page per sheet in the preview)
and pdftoppm turns the pages into the PNGs the README shows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from template_helpers import needs_libreoffice

from gaip_xl.format.layout import SHEET_EXPLANATIONS, layout_for
from gaip_xl.template import save_template
from gaip_xl.template.libreoffice import convert
from gaip_xl.template.preview import SHEET_SLUGS, render_sheets

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

pytestmark = [needs_libreoffice,
              pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("render") / "template.xlsx"
    save_template("2021", path)
    return path


def test_pdf_holds_the_official_labels(template, tmp_path):
    (pdf,) = convert([template], "pdf", tmp_path)
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    squeezed = "".join(text.split())
    for label in ("三、收到和处理政府信息公开申请情况", "（七）总计", "四、结转下年度继续办理", "复议后起诉",
                  "本年收费金额（单位：万元）"):
        assert label in squeezed, label
    assert "勾稽关系自查" not in squeezed  # the print areas keep the checks off the printed report


def test_every_visible_sheet_renders_to_one_png(template, tmp_path):
    rendered = render_sheets(template, tmp_path, "t", resolution=40)
    assert list(rendered) == list(layout_for("2021").sheets[:-1])
    for sheet, png in rendered.items():
        data = png.read_bytes()
        least = 1_500 if sheet == SHEET_EXPLANATIONS else 5_000  # an empty 说明 sheet: its title and header only
        assert data.startswith(PNG_MAGIC) and len(data) > least, sheet
        assert png.name == f"t-{SHEET_SLUGS[sheet]}.png"

