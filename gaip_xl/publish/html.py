"""The report as one self-contained web page, to paste into a portal's editor or publish as it is.

No script, no style sheet, no image, no external file: what styling there is stands on each element (editors keep
inline styles and drop <style> blocks), and each table also has ``border="1"`` for editors that drop styles too.
Tables are regular: column headers in <thead> (<th scope="col">), row labels as <th scope="row">, figures as <td>
carrying their cell code in ``data-code``; merges are rowspan/colspan exactly as the template's. Every text is
escaped, so a clerk's "<b>" or "=cmd|…" is printed as typed.
"""

from __future__ import annotations

from .. import __version__
from ..inert import html_text as escape
from ..report import Report
from .content import GENERATOR, Document, PrintedCell, PrintedTable, Section, column_widths_mm, document_of

FONT = "font-family:FangSong,仿宋,STFangsong,serif;"
TABLE_FONT = "font-family:SimSun,宋体,STSong,serif;font-size:10.5pt;"
STYLE_TITLE = "text-align:center;font-size:22pt;font-weight:bold;margin:0.8em 0;"
STYLE_DATELINE = "text-align:center;font-size:14pt;margin:0 0 1em 0;"
STYLE_HEADING = "font-family:SimHei,黑体,sans-serif;font-size:16pt;font-weight:bold;margin:1em 0 0.5em 0;"
STYLE_PARAGRAPH = "font-size:16pt;line-height:1.6;margin:0;"
STYLE_TABLE = "border-collapse:collapse;table-layout:fixed;width:100%;margin:0.5em 0 1em 0;" + TABLE_FONT
STYLE_CELL = "border:1px solid #000;padding:2px 4px;vertical-align:middle;"
ALIGN = {True: "text-align:center;", False: "text-align:left;"}


def _attrs(**attributes: str | int | None) -> str:
    """Attributes in a stable order; spans of 1 and empty values are left out."""
    parts = []
    for name, value in attributes.items():
        if value is None or value == "" or (name in ("rowspan", "colspan") and value == 1):
            continue
        parts.append(f' {name.replace("_", "-")}="{escape(str(value))}"')
    return "".join(parts)


def _cell(cell: PrintedCell, in_header: bool) -> str:
    grid = cell.grid
    if grid.is_label:
        if in_header:
            scope = "colgroup" if grid.colspan > 1 else "col"
        else:
            scope = "rowgroup" if grid.rowspan > 1 else "row"
        centred = in_header or grid.rowspan > 1
        return (f"<th{_attrs(scope=scope, rowspan=grid.rowspan, colspan=grid.colspan)}"
                f' style="{STYLE_CELL}{ALIGN[centred]}font-weight:normal;">{escape(cell.text)}</th>')
    return (f"<td{_attrs(rowspan=grid.rowspan, colspan=grid.colspan, data_code=grid.code)}"
            f' style="{STYLE_CELL}{ALIGN[True]}">{escape(cell.text)}</td>')


def _table(table: PrintedTable) -> list[str]:
    lines = [f'<table border="1" cellspacing="0" cellpadding="4"'
             f'{_attrs(data_table=table.grid.table.code)} style="{STYLE_TABLE}">', "<colgroup>"]
    widths = column_widths_mm(table.grid)
    lines += [f'<col style="width:{100 * w / sum(widths):.2f}%">' for w in widths] + ["</colgroup>"]
    for index, row in enumerate(table.rows):
        in_header = index < table.header_rows
        if index == 0:
            lines.append("<thead>")
        elif index == table.header_rows:
            lines.append("<tbody>")
        lines.append("<tr>" + "".join(_cell(cell, in_header) for cell in row) + "</tr>")
        if index == table.header_rows - 1:
            lines.append("</thead>")
    lines += ["</tbody>", "</table>"]
    return lines


def _paragraph(text: str) -> str:
    # The notices' prose is indented two characters; a clerk who indented a line already keeps exactly that.
    indent = "" if text[:1].isspace() else "text-indent:2em;"
    return f'<p style="{STYLE_PARAGRAPH}{indent}">{escape(text)}</p>'


def _section(section: Section) -> list[str]:
    lines = [f'<h2 style="{STYLE_HEADING}">{escape(section.heading)}</h2>']
    lines += [_paragraph(text) for text in section.paragraphs]
    for table in section.tables:
        lines += _table(table)
    return lines


def html_of(document: Document, edition: str) -> str:
    title = escape(document.title)
    lines = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
             f'<meta name="generator" content="{GENERATOR} {escape(__version__)}">', f"<title>{title}</title>",
             "</head>",
             "<body>", f'<div class="gaip-report" data-edition="{escape(edition)}" style="{FONT}">',
             f'<h1 style="{STYLE_TITLE}">{title}</h1>']
    if document.dateline:
        lines.append(f'<p style="{STYLE_DATELINE}">{escape(document.dateline)}</p>')
    for section in document.sections:
        lines += _section(section)
    lines += ["</div>", "</body>", "</html>"]
    return "\n".join(lines) + "\n"


def render_html(report: Report) -> str:
    """The whole page, as text (write it as UTF-8: the page says so)."""
    return html_of(document_of(report), report.edition.code)
