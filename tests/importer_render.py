"""Test-side renderers: a Report → a published-looking document (HTML with merged headers, Word, copied text).

Labels and layout come from the format model, as the notices print the tables: section 三's three header rows with the
note in a merged corner, row groups in merged cells down the side, section 四's two-level header over one row of
fifteen figures. A layout is a list of rows of ``(text, rowspan, colspan)``; each renderer writes it its own way.
"""

from __future__ import annotations

import html
import io
import math

from gaip_xl.format import Edition, Table
from gaip_xl.format.editions import SECTION_TITLES
from gaip_xl.report import Report

Cell = tuple[str, int, int]  # text, rowspan, colspan


def figure_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def s2_layout(report: Report, table: Table) -> list[list[Cell]]:
    width = len(table.columns) + 1
    rows = [[(table.title, 1, width)], [(table.corner, 1, 1), *((c.label, 1, 1) for c in table.columns)]]
    for row in table.rows:
        rows.append([(row.label, 1, 1), *((figure_text(report.figures.get(f"{table.code}.{row.code}.{c.code}")), 1, 1)
                                          for c in table.columns)])
    return rows


def s2_as_one_layout(report: Report, label_span: int = 1) -> list[list[Cell]]:
    """Section 二 printed as one table, as the notices' template and many agencies print it: each item's title row
    across the table, its header and its rows, the figures of items with fewer columns in wider merged cells (the
    table's figure columns are a common multiple of every item's count)."""
    tables = [t for t in report.edition.tables if t.section == "二"]
    figures = math.lcm(*(len(t.columns) for t in tables))
    width = label_span + figures
    rows: list[list[Cell]] = []
    for table in tables:
        span = figures // len(table.columns)
        rows.append([(table.title, 1, width)])
        rows.append([(table.corner, 1, label_span), *((c.label, 1, span) for c in table.columns)])
        for row in table.rows:
            rows.append([(row.label, 1, label_span), *(
                (figure_text(report.figures.get(f"{table.code}.{row.code}.{c.code}")), 1, span)
                for c in table.columns)])
    return rows


def s3_rows(report: Report, table: Table, columns: list, after: list[Cell] | None = None) -> list[list[Cell]]:
    """Section 三's rows under its header: row groups in merged cells down the side, the figures of ``columns`` in
    that order, then the cells ``after``."""
    rows: list[list[Cell]] = []
    seen: set[tuple[int, str]] = set()
    for row in table.rows:
        out: list[Cell] = []
        for depth, group in enumerate(row.groups):
            if (depth, group) not in seen:
                seen.add((depth, group))
                span = sum(1 for r in table.rows if len(r.groups) > depth and r.groups[depth] == group)
                out.append((group, span, 1))
        out.append((row.label, 1, 3 - len(row.groups)))
        out.extend((figure_text(report.figures.get(f"s3.{row.code}.{c.code}")), 1, 1) for c in columns)
        rows.append(out + list(after or []))
    return rows


def s3_layout(report: Report, table: Table) -> list[list[Cell]]:
    legal = [c for c in table.columns if len(c.groups) == 2]
    natural, total = table.column("natural"), table.column("total")
    rows: list[list[Cell]] = [
        [(table.corner, 3, 3), (natural.groups[0], 1, len(table.columns))],
        [(natural.label, 2, 1), (legal[0].groups[1], 1, len(legal)), (total.label, 2, 1)],
        [(c.label, 1, 1) for c in legal],
    ]
    return rows + s3_rows(report, table, list(table.columns))



def s4_layout(report: Report, table: Table, swap: bool = False) -> list[list[Cell]]:
    columns = list(table.columns)
    if swap:  # the first two result columns printed the other way round, figures with them
        columns[0], columns[1] = columns[1], columns[0]
    review, direct, after = table.rows
    n = len(columns)
    return [
        [(review.label, 1, n), (direct.groups[0], 1, 2 * n)],
        [*((c.label, 2, 1) for c in columns), (direct.label, 1, n), (after.label, 1, n)],
        [(c.label, 1, 1) for c in columns] * 2,
        [(figure_text(report.figures.get(f"s4.{r.code}.{c.code}")), 1, 1) for r in table.rows for c in columns],
    ]


def layouts(report: Report, swap_s4: bool = False) -> list[tuple[str, list[list[Cell]]]]:
    """(section, layout) of every table in the order a report prints them."""
    out = []
    for table in report.edition.tables:
        if table.section == "二":
            out.append(("二", s2_layout(report, table)))
        elif table.code == "s3":
            out.append(("三", s3_layout(report, table)))
        else:
            out.append(("四", s4_layout(report, table, swap_s4)))
    return out


def title(report: Report) -> str:
    return f"{report.agency.name}{report.year}年政府信息公开工作年度报告"


def dateline(report: Report) -> list[str]:
    """"发布日期：2022年1月20日" under the title, as portals print it, when the report has a date."""
    if not report.published_on:
        return []
    year, month, day = (int(part) for part in report.published_on.split("-"))
    return [f"发布日期：{year}年{month}月{day}日"]


def sections(report: Report, skip: frozenset[str] = frozenset()) -> list[tuple[str, str | None, list]]:
    """(heading, prose, layouts) for the six sections; a renderer given ``parts`` prints those instead (a document
    that quotes a table twice, or repeats a row)."""
    prose = {"一": report.text.get("overview"), "五": report.text.get("problems"), "六": report.text.get("other")}
    tables = layouts(report)
    return [(SECTION_TITLES[key], prose.get(key), [lay for sec, lay in tables if sec == key])
            for key in "一二三四五六" if key not in skip]


def _grid_positions(layout: list[list[Cell]]) -> list[list[tuple[int, Cell]]]:
    """Each cell with its grid column, spans taken into account."""
    covered: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(layout):
        c = 0
        placed = []
        for cell in row:
            while (r, c) in covered:
                c += 1
            placed.append((c, cell))
            for dr in range(cell[1]):
                for dc in range(cell[2]):
                    covered.add((r + dr, c + dc))
            c += cell[2]
        out.append(placed)
    return out


def to_html(report: Report, skip: frozenset[str] = frozenset(), swap_s4: bool = False,
            encoding: str = "utf-8", parts: list | None = None) -> bytes:
    out = [f'<html><head><meta charset="{encoding}"><title>{html.escape(title(report))}</title></head><body>',
           f"<h1>{html.escape(title(report))}</h1>", *(f"<p>{line}</p>" for line in dateline(report))]
    tables = dict.fromkeys("二三四")
    for heading, prose, lays in parts if parts is not None else sections(report, skip):
        out.append(f"<p class=MsoNormal><b>{html.escape(heading)}<o:p></o:p></b></p>")
        if prose:
            out.extend(f"<p style='text-indent:2em'>{html.escape(line)}</p>" for line in prose.split("\n"))
        for lay in lays:
            if heading.startswith("四") and swap_s4:
                lay = s4_layout(report, report.edition.table("s4"), swap=True)
            out.append("<table border=1 cellspacing=0>")
            for row in lay:
                cells = []
                for text, rowspan, colspan in row:
                    body = html.escape(text).replace("\n", "<br />") or "&nbsp;"
                    spans = f" rowspan={rowspan}" if rowspan > 1 else ""
                    spans += f" colspan={colspan}" if colspan > 1 else ""
                    cells.append(f"<td{spans} style='border:solid windowtext 1.0pt'><p align=center>{body}</p></td>")
                out.append("<tr>" + "".join(cells) + "</tr>")
            out.append("</table>")
    del tables
    out.append("</body></html>")
    return "\n".join(out).encode(encoding)


def to_text(report: Report, skip: frozenset[str] = frozenset(), parts: list | None = None) -> str:
    """Text as copied off a portal page: one cell per line after a tab, a blank line between rows (seed-000)."""
    lines = [title(report), *dateline(report), ""]
    for heading, prose, lays in parts if parts is not None else sections(report, skip):
        lines += [heading, ""]
        if prose:
            lines += [*prose.split("\n"), ""]
        for lay in lays:
            for row in lay:
                lines += [f"\t{text}" for text, _, _ in row]
                lines.append("")
            lines.append("")
    return "\n".join(lines) + "\n"


def to_markdown(report: Report) -> str:
    """Markdown as converters write it: headings with "#", pipe tables with every merged cell left empty."""
    lines = [f"# {title(report)}", *dateline(report), ""]
    for heading, prose, lays in sections(report):
        lines += [f"## {heading}", ""]
        if prose:
            lines += [*prose.split("\n"), ""]
        for lay in lays:
            positions = _grid_positions(lay)
            width = max(c + cell[2] for row in positions for c, cell in row)
            for r, row in enumerate(positions):
                cells = [""] * width
                for c, (text, _, _) in row:
                    cells[c] = text.replace("\n", " ")
                lines.append("| " + " | ".join(cells) + " |")
                if r == 0:
                    lines.append("|" + "---|" * width)
            lines.append("")
    return "\n".join(lines) + "\n"


def to_docx(report: Report, skip: frozenset[str] = frozenset(), parts: list | None = None) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(title(report))
    for line in dateline(report):
        document.add_paragraph(line)
    for heading, prose, lays in parts if parts is not None else sections(report, skip):
        document.add_paragraph(heading)
        if prose:
            for line in prose.split("\n"):
                document.add_paragraph(line)
        for lay in lays:
            positions = _grid_positions(lay)
            width = max(c + cell[2] for row in positions for c, cell in row)
            table = document.add_table(rows=len(lay), cols=width)
            table.style = "Table Grid"  # ruled, as published tables are
            for r, row in enumerate(positions):
                for c, (text, rowspan, colspan) in row:
                    anchor = table.cell(r, c)
                    if rowspan > 1 or colspan > 1:
                        anchor = anchor.merge(table.cell(r + rowspan - 1, c + colspan - 1))
                    anchor.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def edition_of(report: Report) -> Edition:
    return report.edition
