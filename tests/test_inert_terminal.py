"""Hostile text through what the commands print for people. A figure cell, an agency name or a file name may hold an
escape sequence (``\\x1b[2J`` clears the screen, ``\\x1b]0;…\\x07`` sets the window title), a direction override
that reorders a figure as shown, or rich's markup (``[/]`` made ``validate`` fail with E_INTERNAL, ``[bold]12[/bold]``
was shown as 12). Whatever it holds, the terminal receives no control or format character, the command ends with its
own exit code, and markup is shown as typed."""

from __future__ import annotations

import io
import json
import unicodedata

from builders import load_case
from hostile_text import hostile_texts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gaip_xl.cli import run

TERMINAL_PAYLOADS = ["\x1b[2J", "\x1b]0;标题\x07", "\x9b31m", "\x1bP+q\x1b\\", "[/]", "[bold]12[/bold]",
                     "[link=http://x.example]12[/link]", "\u202e12", "\u2028", "\r"]
TEXTS = st.one_of(hostile_texts(), st.lists(st.sampled_from(TERMINAL_PAYLOADS), min_size=1, max_size=3).map("".join))
CASE = "pingtan-2021"


def hidden(text: str) -> set[str]:
    """Characters a terminal would act on rather than show."""
    return {ch for ch in text if ch not in "\n" and unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs")}


def validate_output(*argv: str) -> tuple[int, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(["validate", *argv], stdout, stderr)
    return code, stdout.getvalue() + stderr.getvalue()


def write_report(path, figure: object = None, agency: str | None = None, year: int | None = None) -> str:
    document = json.loads(load_case(CASE).to_json())
    if figure is not None:
        document["tables"]["s3"]["new"]["natural"] = figure
    if agency is not None:
        document["agency"]["name"] = agency
    if year is not None:
        document["year"] = year
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    return str(path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXTS)
def test_text_in_a_figure_cell_or_an_agency_name_never_acts_on_the_terminal(tmp_path, text):
    report = write_report(tmp_path / "r.json", figure=text)
    previous = write_report(tmp_path / "p.json", agency=text, year=load_case(CASE).year - 1)  # X2 quotes the name
    for argv in ((report,), (write_report(tmp_path / "q.json"), "--previous", previous)):
        code, shown = validate_output(*argv)
        assert code in (0, 1, 2) and "E_INTERNAL" not in shown
        assert not hidden(shown), sorted(hidden(shown))


def test_markup_is_shown_as_typed_and_an_escape_as_its_code(tmp_path):
    code, shown = validate_output(write_report(tmp_path / "r.json", figure="[bold]12[/bold]"))
    assert code == 1 and "“[bold]12[/bold]”" in shown
    code, shown = validate_output(write_report(tmp_path / "r.json", figure="[/]"))
    assert code == 1 and "“[/]”" in shown
    code, shown = validate_output(write_report(tmp_path / "r.json", figure="\x1b[2J12"))
    assert code == 1 and "“\\u001b[2J12”" in shown


def test_a_file_name_in_an_error_never_acts_on_the_terminal(tmp_path):
    path = tmp_path / "\x1b]0;标题\x07\u202e.xlsx"
    path.write_bytes(b"not a workbook")
    code, shown = validate_output(str(path))
    assert code == 2 and not hidden(shown) and "\\u001b]0;标题\\u0007\\u202e.xlsx" in shown
