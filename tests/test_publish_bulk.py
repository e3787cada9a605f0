"""gaip-xl bulk --publish: one published report per submission without errors, from its JSON; reruns render only
what changed and remove what no longer belongs."""

from __future__ import annotations

import io
from pathlib import Path

from test_bulk_support import write_case

from gaip_xl.cli import run
from gaip_xl.publish import render
from gaip_xl.report import Report


def bulk(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["bulk", *argv, "--jobs", "1"], out, err)
    return code, out.getvalue(), err.getvalue()


def test_every_report_without_errors_is_published_and_reruns_follow_the_inputs(tmp_path: Path):
    inbox, out = tmp_path / "in", tmp_path / "out"
    write_case(inbox / "a.xlsx", "pingtan-2021")
    write_case(inbox / "b.xlsx", "xian-2021")  # a warning only: published
    write_case(inbox / "c.xlsx", "pingtan-2022", break_total=True)  # errors: not published
    code, stdout, _ = bulk(str(inbox), "-o", str(out), "--publish", "html,docx")
    assert code == 1 and "新生成 4 个文件" in stdout
    published = out / "published"
    reports = {p.stem: p for p in (out / "reports").glob("*.json")}
    stems = {p.stem for p in published.iterdir()}
    assert len(reports) == 3 and len(stems) == 2 and stems < set(reports)
    assert sorted(p.suffix for p in published.iterdir()) == [".docx", ".docx", ".html", ".html"]
    for stem in stems:
        report = Report.load(reports[stem])
        assert report.agency.name in ("平潭综合实验区管理委员会", "大洼区西安镇人民政府")
        assert (published / f"{stem}.html").read_bytes() == render(report, "html")

    before = {p.name: p.stat().st_mtime_ns for p in published.iterdir()}
    (inbox / "b.xlsx").unlink()
    code, stdout, _ = bulk(str(inbox), "-o", str(out), "--publish", "html")
    assert "新生成 0 个文件" in stdout
    after = {p.name: p.stat().st_mtime_ns for p in published.iterdir()}
    (kept,) = after  # b's files and a's .docx (not asked for this time) are gone; a's page was not rewritten
    assert kept.endswith(".html") and after[kept] == before[kept]


def test_publish_takes_only_page_and_word_formats(tmp_path: Path):
    code, _, err = bulk(str(tmp_path), "-o", str(tmp_path / "out"), "--publish", "pdf")
    assert code == 2 and "E_USAGE" in err
    assert not (tmp_path / "out").exists()
