"""summary.xlsx as its writer makes it: text stays text, and the same content gives the same bytes."""

from __future__ import annotations

from gaip_xl.bulk.summary_book import SHEET_CHART, SHEET_FILES, SHEET_FINDINGS, SummaryBook

HOSTILE = ("=1+1.xlsx", "=HYPERLINK(\"http://example.com\",\"点我\")", "http://example.com/a.xlsx", "007", "1e5")


def _summary(file: str, agency: str | None, status: str = "ok") -> dict:
    return {"file": file, "status": status, "agency": agency, "level": "县级", "year": 2024, "edition": "2021",
            "errors": 0, "warnings": 1, "first_error": "", "code": "", "json": f"reports/{file}.json"}


def _write(path, names: tuple[str, ...]) -> None:
    book = SummaryBook(path)
    book.add_finding({"file": names[0], "sheet": "三、依申请公开", "cell": "D30", "rule": "R1", "severity": "warning",
                      "message": names[1]}, names[1])
    for name in names:
        book.add_file(_summary(name, name), name == names[0])
    book.add_counts({"ok": len(names), "errors": 0, "unreadable": 0}, len(names), 1, 0)
    book.close()


def test_names_that_look_like_formulas_links_or_numbers_stay_text(tmp_path):
    path = tmp_path / "summary.xlsx"
    _write(path, HOSTILE)
    import openpyxl  # after gaip_xl, which sets how openpyxl writes (OPENPYXL_LXML) before it is imported

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [SHEET_FILES, SHEET_FINDINGS, SHEET_CHART]
    rows = list(book[SHEET_FILES].iter_rows(min_row=2))
    assert [(r[0].value, r[0].data_type, r[1].value, r[1].data_type) for r in rows] == \
        [(name, "s", name, "s") for name in HOSTILE]
    assert not any(cell.hyperlink for row in rows for cell in row)
    assert rows[0][11].value == "是" and rows[1][11].value is None  # the duplicate
    finding = next(book[SHEET_FINDINGS].iter_rows(min_row=2))
    assert (finding[0].value, finding[6].value, finding[6].data_type) == (HOSTILE[0], HOSTILE[1], "s")


def test_the_same_content_gives_the_same_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _write(first, HOSTILE)
    _write(second, HOSTILE)
    assert first.read_bytes() == second.read_bytes()
    _write(second, HOSTILE[::-1])
    assert first.read_bytes() != second.read_bytes()
