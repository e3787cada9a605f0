"""Test-side layouts of sections 三 and 四 as agencies print them other than the notice does (``importer_render``'s
layouts: rows of ``(text, rowspan, colspan)``), and figures written otherwise than as plain numbers.

- Section 三 with its applicant columns in another order (总计 first, shuffled), named in other words ("商业 企业",
  "法律服务\\n机构", "其他组织", "合计"), with or without the 法人或其他组织 group label, with a 备注 column.
- Section 四 down the page: one result a row (vertical, the group labels in merged cells down the side), transposed
  (results down the side, the three groups across, in any order), its header's groups in another order, and its one
  figure row with a label cell ("数量") under an empty corner.
- Figures as published: thousands separators ("1,234", "1，234", "1 234"), full-width digits, a unit after.
Labels come from the format model; the wordings are the drifts published reports show (the design notes).
"""

from __future__ import annotations

from dataclasses import dataclass

from importer_render import Cell, figure_text, s3_rows, sections

from gaip_xl.format import Table
from gaip_xl.report import Report

# Other wordings of section 三's column labels seen in published headers (spaces and line breaks inside, the last
# 法人或其他组织 column named in full, 合计 for 总计).
S3_WORDINGS: dict[str, tuple[str, ...]] = {
    "commercial": ("商业企业", "商业 企业", "商业\n企业"),
    "research": ("科研机构", "科研\n机构"),
    "public_interest": ("社会公益组织", "社会公益\n组织"),
    "legal_services": ("法律服务机构", "法律服务 机构", "法律服务\n机构"),
    "other_org": ("其他", "其他组织"),
    "total": ("总计", "合计"),
    "natural": ("自然人",),
}
REMARKS = ("备注", "说明")


@dataclass(frozen=True)
class S3Shape:
    order: tuple[str, ...]  # column codes left to right
    names: dict[str, str]  # column code → its header text
    grouped: bool  # the five 法人或其他组织 columns under their group label (they must then stand together)
    remark: str | None  # a remarks column's header, after the figures
    remark_text: str = "无"


def s3_shaped(report: Report, table: Table, shape: S3Shape) -> list[list[Cell]]:
    """Section 三 with the header ``shape`` describes; the rows as the notice prints them, figures under their
    columns."""
    columns = [table.column(code) for code in shape.order]
    legal = [c for c in columns if len(c.groups) == 2]
    extra = 1 if shape.remark else 0
    rows: list[list[Cell]] = [[(table.corner, 3, 3), (columns[0].groups[0], 1, len(columns))]]
    if shape.remark:
        rows[0].append((shape.remark, 3, 1))
    if shape.grouped:
        second: list[Cell] = []
        for column in columns:
            if column in legal:
                if column is legal[0]:
                    second.append((legal[0].groups[1], 1, len(legal)))
            else:
                second.append((shape.names[column.code], 2, 1))
        rows += [second, [(shape.names[c.code], 1, 1) for c in legal]]
    else:
        rows += [[(shape.names[c.code], 2, 1) for c in columns], []]
    return rows + s3_rows(report, table, columns, [(shape.remark_text, 1, 1)] * extra)


def s4_vertical(report: Report, table: Table, header: bool = True) -> list[list[Cell]]:
    """One result a row, a figure beside it: 行政复议 over its five rows, 行政诉讼 over its two groups' ten."""
    review = table.rows[0]
    rows: list[list[Cell]] = [[("项目", 1, 3), ("数量", 1, 1)]] if header else []
    for group in table.rows:
        for index, column in enumerate(table.columns):
            out: list[Cell] = []
            if index == 0 and group is review:
                out.append((group.label, len(table.columns), 2))
            elif index == 0:
                if group is table.rows[1]:
                    out.append((group.groups[0], 2 * len(table.columns), 1))
                out.append((group.label, len(table.columns), 1))
            out += [(column.label, 1, 1), (_s4(report, group.code, column.code), 1, 1)]
            rows.append(out)
    return rows


def s4_transposed(report: Report, table: Table, groups: tuple[str, ...]) -> list[list[Cell]]:
    """The results down the side, the groups across in the order ``groups`` (row codes) gives; 行政诉讼 over its two
    groups when they stand together."""
    by_code = {r.code: r for r in table.rows}
    suits = [code for code in groups if by_code[code].groups]
    together = len(suits) == 2 and abs(groups.index(suits[0]) - groups.index(suits[1])) == 1
    top: list[Cell] = [("", 2 if together else 1, 1)]
    second: list[Cell] = []
    for code in groups:
        row = by_code[code]
        if together and row.groups:
            if code == suits[0]:
                top.append((row.groups[0], 1, 2))
            second.append((row.label, 1, 1))
        else:
            top.append((row.label, 2 if together else 1, 1))
    layout = [top] + ([second] if together else [])
    for column in table.columns:
        layout.append([(column.label, 1, 1), *((_s4(report, code, column.code), 1, 1) for code in groups)])
    return layout


def s4_litigation_first(report: Report, table: Table, label: bool = False) -> list[list[Cell]]:
    """The notice's one row of fifteen figures with 行政诉讼 printed before 行政复议 (and, with ``label``, a label
    cell "数量" under an empty corner before the figures)."""
    review, direct, after = table.rows
    n = len(table.columns)
    corner: list[Cell] = [("", 3, 1)] if label else []
    return [
        [*corner, (direct.groups[0], 1, 2 * n), (review.label, 1, n)],
        [(direct.label, 1, n), (after.label, 1, n), *((c.label, 2, 1) for c in table.columns)],
        [(c.label, 1, 1) for c in table.columns] * 2,
        [*([("数量", 1, 1)] if label else []),
         *((_s4(report, r.code, c.code), 1, 1) for r in (direct, after, review) for c in table.columns)],
    ]


def _s4(report: Report, row: str, column: str) -> str:
    return figure_text(report.figures.get(f"s4.{row}.{column}"))


def with_table(report: Report, section: str, layout: list[list[Cell]]) -> list:
    """The report's parts (for ``to_html``/``to_docx``/``to_text``'s ``parts``) with section ``section``'s table
    replaced by ``layout``."""
    return [(heading, prose, [layout] if heading.startswith(section) else lays)
            for heading, prose, lays in sections(report)]


def written(value: int, form: str) -> str:
    """``value`` as published in ``form``: plain, with a thousands separator (",", "，", " "), in full-width
    digits, or with a unit after."""
    plain = str(value)
    if form == "comma":
        return f"{value:,}"
    if form == "fullwidth_comma":
        return f"{value:,}".replace(",", "，")
    if form == "space":
        return f"{value:,}".replace(",", " ")
    if form == "fullwidth":
        return plain.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    if form in ("件", "条", "个"):
        return plain + form
    return plain


FORMS = ("plain", "comma", "fullwidth_comma", "space", "fullwidth", "件", "条", "个")
