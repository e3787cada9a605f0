"""Importing published reports: speed of ``import_report`` beside a bare parse of the same files.

    python benchmarks/bench_import.py [N]

PDF: the real 淮安 2024 PDF (tests/cases) and, when LibreOffice is installed, the case reports printed to PDF from
Word; pages per second, against pdfplumber alone opening each file and extracting every page's tables and text.
HTML, text and .docx: N reports (the cases, then random consistent reports of both editions) rendered by the tests'
generators; documents per second, against lxml.html parsing the page / decoding and splitting the text / python-docx
opening the package. One process, CPU time (``time.process_time``); each figure is the best of three rounds.
"""

from __future__ import annotations

import io
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from builders import CASES, consistent_report  # noqa: E402
from importer_render import to_docx, to_html, to_text  # noqa: E402

from gaip_xl.importer import import_report  # noqa: E402
from gaip_xl.report import Report  # noqa: E402


def best_of(rounds: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def bare_pdf(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.extract_text()


def bare_html(data: bytes) -> None:
    import lxml.html

    lxml.html.fromstring(data)


def bare_text(data: bytes) -> None:
    data.decode("utf-8").splitlines()


def bare_docx(data: bytes) -> None:
    import docx

    docx.Document(io.BytesIO(data))


def reports(count: int) -> list[Report]:
    out = [Report.load(p) for p in sorted(CASES.glob("*.json"))]
    rng = random.Random(2024)
    while len(out) < count:
        out.append(consistent_report(rng.choice(["2019", "2021"]), rng, high=3000))
    return out[:count]


def pdf_files(folder: Path) -> list[bytes]:
    files = [(CASES / "huaian-2024.pdf").read_bytes()]
    if shutil.which("soffice"):
        from gaip_xl.template.libreoffice import convert

        sources = []
        for path in sorted(CASES.glob("*.json")):
            source = folder / f"{path.stem}.docx"
            source.write_bytes(to_docx(Report.load(path)))
            sources.append(source)
        files += [p.read_bytes() for p in convert(sources, "pdf", folder / "pdf")]
    return files


def pages(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return len(pdf.pages)


def line(kind: str, items: int, unit: str, ours: float, bare: float) -> str:
    return (f"| {kind} | {items} {unit} | {items / ours:,.1f}/s | {ours / items * 1000:.1f} ms | "
            f"{items / bare:,.1f}/s | {bare / items * 1000:.1f} ms | {ours / bare:.1f}× |")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    print("| input | items | import | CPU per item | bare parse | CPU per item | import ÷ bare (time) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        pdfs = pdf_files(Path(folder))
        total_pages = sum(pages(p) for p in pdfs)
        ours = best_of(3, lambda: [import_report(p) for p in pdfs])
        bare = best_of(3, lambda: [bare_pdf(p) for p in pdfs])
        print(line(f"PDF ({len(pdfs)} files)", total_pages, "pages", ours, bare))
    sample = reports(count)
    for kind, render, bare_parse in (("HTML", to_html, bare_html),
                                     ("text", lambda r: to_text(r).encode("utf-8"), bare_text),
                                     (".docx", to_docx, bare_docx)):
        documents = [render(r) for r in sample]
        ours = best_of(3, lambda docs=documents: [import_report(d) for d in docs])
        bare = best_of(3, lambda docs=documents, parse=bare_parse: [parse(d) for d in docs])
        print(line(kind, len(documents), "documents", ours, bare))


if __name__ == "__main__":
    main()
