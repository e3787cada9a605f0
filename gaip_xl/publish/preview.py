"""Pictures of published reports for the README: one section's .docx → PDF (LibreOffice) → PNG (pdftoppm), its
pages side by side when the table runs over two (so the repeated header rows show).

``python -m gaip_xl.publish.preview docs examples/huaian-2024.json tests/cases/synthetic-2019.json`` writes
docs/publish-2021-s3.png and docs/publish-2019-s3.png (one picture per edition; the last report of an edition wins).
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from ..report import Report
from ..template.libreoffice import convert, render_png
from .content import document_of
from .word import docx_of

SECTION_SLUGS = {"二": "s2", "三": "s3", "四": "s4"}


def section_docx(report: Report, key: str) -> bytes:
    """The Word file of the report's title and one section alone."""
    content = document_of(report)
    return docx_of(replace(content, sections=tuple(s for s in content.sections if s.key == key)), "")


def side_by_side(pages: Sequence[Path], target: Path) -> Path:
    from PIL import Image  # Pillow comes with pdfplumber

    images = [Image.open(page).convert("RGB") for page in pages]
    sheet = Image.new("RGB", (sum(i.width for i in images), max(i.height for i in images)), "white")
    left = 0
    for image in images:
        sheet.paste(image, (left, 0))
        left += image.width
    sheet.save(target, optimize=True)
    return target


def render_sections(reports: Sequence[Report], outdir: Path, key: str = "三", resolution: int = 70) -> list[Path]:
    """``publish-{edition}-{slug}.png`` in ``outdir`` for each report, converted in one LibreOffice launch."""
    outdir.mkdir(parents=True, exist_ok=True)
    names = [f"publish-{r.edition.code}-{SECTION_SLUGS[key]}" for r in reports]
    with tempfile.TemporaryDirectory(prefix="gaip-publish-preview-") as work:
        folder = Path(work)
        sources = []
        for report, name in zip(reports, names, strict=True):
            sources.append(folder / f"{name}.docx")
            sources[-1].write_bytes(section_docx(report, key))
        pictures = []
        for pdf, name in zip(convert(sources, "pdf", folder / "pdf"), names, strict=True):
            pages = render_png(pdf, folder / name, resolution)
            pictures.append(side_by_side(pages, outdir / f"{name}.png"))
    return pictures


def main(argv: list[str]) -> int:
    outdir, sources = Path(argv[0]), argv[1:]
    for picture in render_sections([Report.load(s) for s in sources], outdir):
        print(picture)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
