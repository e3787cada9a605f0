"""Every input kind gaip-xl accepts, made hostile by rule (``hostile_documents.py``, ``json_hostile.py``,
``hostile.py``), through every command that accepts it, in process (``gaip_xl.cli.run``).

The three properties of issue 11, for each variant and command: the exit code is 0, 1 or 2 and nothing else; no
traceback and no ``E_INTERNAL`` (a program error is a bug); no output file, not even a temporary one, when the exit is
2. And for a document that still shows the known report's figures where the report has them (``faithful``), an
import places no number in a cell the known report does not hold it in; where the variant changes nothing a reader
sees (``complete``: a charset label, a span a browser ignores, a layout wrapper), every figure comes back.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest
from builders import CASES, consistent_report, load_case
from hostile import hostile_cells
from hostile_documents import Variant, docx_variants, html_variants, ole_variants, pdf_variants, text_variants
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from importer_render import to_text
from json_hostile import document_bytes, documents

from gaip_xl.cli import run
from gaip_xl.publish import render
from gaip_xl.report import Report

SETTINGS = settings(max_examples=1, deadline=None, derandomize=False, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
OUTPUTS = {"to-json": "out.json", "import": "out.json", "to-xlsx": "out.xlsx", "publish": "out.html"}
DOCUMENT_COMMANDS = ("validate", "to-json", "to-xlsx", "publish")  # each variant: import, and one of these


def known_report() -> Report:
    report = consistent_report("2021", random.Random(4))
    report.text.update(overview="总体情况。", problems="存在的问题。", other="无。")
    return report


KNOWN = known_report()
HTML = render(KNOWN, "html")
DOCX = render(KNOWN, "docx")
TEXT = to_text(KNOWN)
PDF = (CASES / "huaian-2024.pdf").read_bytes()  # a real PDF whose figures are known (a LibreOffice one costs 10 s)
PDF_KNOWN = load_case("huaian-2024")


def names(builder, *base) -> list[str]:
    return [v.kind for v in builder(*base, random.Random(0))]


def run_command(command: str, source: Path, *extra: str) -> tuple[int, str, Path | None]:
    """Run one command on ``source`` in its own folder; (exit, stderr, output path or None)."""
    output = source.parent / OUTPUTS[command] if command in OUTPUTS else None
    argv = [command, str(source), *(["-o", str(output)] if output else []), *extra]
    out, err = io.StringIO(), io.StringIO()
    code = run(argv, out, err)
    assert code in (0, 1, 2), (argv, code)
    for stream in (out.getvalue(), err.getvalue()):
        assert "Traceback" not in stream and "E_INTERNAL" not in stream, (argv, stream[-2000:])
    if code == 2:
        assert sorted(p.name for p in source.parent.iterdir()) == [source.name], "output left after exit 2"
        assert "[E_" in err.getvalue(), err.getvalue()  # a coded message says why
    return code, err.getvalue(), output


def never_misplaced(imported: Report, known: Report, complete: bool) -> None:
    """No number in a cell the known report does not have it in (text placed stays visible to V1); with
    ``complete``, every figure of the known report comes back."""
    wrong = {code: (value, known.figures.get(code)) for code, value in imported.figures.items()
             if isinstance(value, (int, float)) and known.figures.get(code) != value}
    assert wrong == {}
    if complete:
        lost = {code: value for code, value in known.figures.items() if imported.figures.get(code) != value}
        assert lost == {}


def sweep(variant: Variant, folder: Path, command: str, known: Report) -> None:
    work = folder / f"case-{len(list(folder.iterdir()))}"
    work.mkdir()
    source = work / variant.name
    source.write_bytes(variant.data)
    code, err, output = run_command("import", source)
    if code != 2 and output is not None:
        if variant.faithful:
            never_misplaced(Report.load(output), known, variant.complete)
        output.unlink()
    elif variant.complete:
        pytest.fail(f"{variant.kind}: a complete variant was refused: {err}")
    code, _, output = run_command(command, source)
    if output is not None and output.exists():
        output.unlink()


def _document_test(builder, base: bytes | str, known: Report):
    @pytest.mark.parametrize("kind", names(builder, base))
    @SETTINGS
    @given(seed=st.integers(0, 2**32 - 1), command=st.sampled_from(DOCUMENT_COMMANDS))
    def test(kind: str, seed: int, command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
        variant = next(v for v in builder(base, random.Random(seed)) if v.kind == kind)
        sweep(variant, tmp_path_factory.mktemp("sweep"), command, known)

    return test


test_html = _document_test(html_variants, HTML, KNOWN)
test_docx = _document_test(docx_variants, DOCX, KNOWN)
test_pdf = _document_test(pdf_variants, PDF, PDF_KNOWN)
test_text = _document_test(text_variants, TEXT, KNOWN)


@pytest.mark.parametrize("kind", [v.kind for v in ole_variants(random.Random(0))])
@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), command=st.sampled_from(DOCUMENT_COMMANDS))
def test_ole(kind: str, seed: int, command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Garbage compound files; those that reach LibreOffice (a few seconds each) through import alone."""
    variant = next(v for v in ole_variants(random.Random(seed)) if v.kind == kind)
    folder = tmp_path_factory.mktemp("sweep")
    source = folder / variant.name
    source.write_bytes(variant.data)
    run_command("import", source)
    if "garbage" not in kind:
        run_command(command, source)


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=documents(), ensure_ascii=st.booleans(), command=st.sampled_from(("validate", "to-xlsx", "publish")))
def test_json(drawn, ensure_ascii: bool, command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    encoding, document = drawn
    source = tmp_path_factory.mktemp("sweep") / "年报.json"
    source.write_bytes(document_bytes(encoding, document, ensure_ascii))
    run_command(command, source)


@settings(max_examples=6, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hostile=hostile_cells(), command=st.sampled_from(("validate", "to-json", "publish")))
def test_workbook(hostile, command: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    source = tmp_path_factory.mktemp("sweep") / "年报.xlsx"
    source.write_bytes(hostile.data)
    run_command(command, source)


def test_a_rowspan_of_zero_is_read_as_a_browser_shows_it() -> None:
    """rowspan="0" reaches to the end of its table: the cells below stand one column further right."""
    from gaip_xl.importer.html import read_html

    page = (b"<html><body><table><tr><td rowspan='0'>a</td><td>1</td></tr><tr><td>2</td></tr>"
            b"<tr><td>3</td></tr></table></body></html>")
    grid = read_html(page).blocks[0]
    assert [[c.text if c else None for c in row] for row in grid.rows] == [["a", "1"], [None, "2"], [None, "3"]]
