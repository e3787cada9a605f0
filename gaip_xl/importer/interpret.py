"""A read document (paragraphs and grids) → a Report with its import block: sections, edition, figures, prose, facts.

The steps, each on what the format model declares: find the section headings (with or without their numeral), tell
the edition from section 二's labels (checked against the year), walk the tables' rows (``tables.py``), place rows the
labels could not name by the edition's row order when exactly one row fits, list what is missing, and take the prose
of sections 一, 五 and 六, the agency and year from the title, and the publication date.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ..format import EDITIONS, Edition, edition_for_year
from ..report import Report
from .findings import ImportFinding, import_finding, where_text
from .labels import edition_signals, labels_for, section_matcher
from .matcher import Match
from .model import Document, Grid, Paragraph
from .normalize import clean_cell, normalise
from .tables import Placed, TableWalker

MAX_HEADING_CHARS = 40
_TITLE = re.compile(r"^(?P<agency>.*?)(?P<year>(?:19|20)\d{2})\s*年度?(?P<rest>.*)$")
_DATE = re.compile(r"(?:发布|成文|印发)(?:日期|时间)\s*[:：]?\s*(?P<y>\d{4})\s*[-年./]\s*(?P<m>\d{1,2})\s*[-月./]\s*"
                   r"(?P<d>\d{1,2})")
_PROSE_SECTIONS = {"一": "overview", "五": "problems", "六": "other"}
_TABLE_SECTIONS = {"二": "s2", "三": "s3", "四": "s4"}
_SECTION_ORDER = "一二三四五六"


@dataclass
class ImportResult:
    """What ``import_report`` returns: the report (its ``extra["import"]`` is the import block), the provenance of
    every figure (cell code → where it came from and how its label matched) and the import findings."""

    report: Report
    provenance: dict[str, dict[str, Any]] = field(default_factory=dict)
    findings: list[ImportFinding] = field(default_factory=list)

    @property
    def block(self) -> dict[str, Any]:
        return self.report.extra["import"]


def interpret(document: Document, edition: str | None = None, year: int | None = None,
              level: str | None = None) -> ImportResult:
    findings: list[ImportFinding] = []
    headings = _headings(document)
    facts = _facts(document, headings)
    year = year if year is not None else facts.get("year")
    chosen, basis, evidence = _edition(document, edition, year)
    walker = TableWalker(labels_for(chosen.code))
    walker.walk(_grids_with_sections(document, headings))
    _place_by_order(walker, chosen)
    walker.finish()
    findings.extend(walker.findings)
    findings.extend(_edition_findings(chosen, basis, evidence, year, walker.foreign))
    findings.extend(_missing_tables(walker, chosen))
    findings.extend(_columns_missing(walker, chosen))
    findings.extend(_images_not_read(document, walker))
    findings.extend(_value_notes(walker, chosen))
    report = Report.empty(chosen, year)
    report.figures = dict(walker.figures)
    report.agency.name = facts.get("agency")
    report.agency.level = level if level is not None else level_from_name(report.agency.name)
    report.published_on = facts.get("published_on")
    texts, prose_findings = _prose(document, headings)
    report.text.update(texts)
    findings.extend(prose_findings)
    findings.extend(_text_left_over(document, headings))
    if document.repaired:
        findings.append(import_finding("I_PDF_REPAIRED"))
    if document.hidden_tables:
        findings.append(import_finding("I_HIDDEN_TABLES", count=document.hidden_tables))
    if year is None:
        findings.append(import_finding("I_NO_YEAR"))
    if not report.agency.name:
        findings.append(import_finding("I_NO_AGENCY"))
    if report.agency.level is None:
        findings.append(import_finding("I_NO_LEVEL", name=report.agency.name or "发布机关"))
    report.extra["import"] = {
        "source": {"kind": document.kind, "pages": document.pages, "converted_from": document.converted_from,
                   "repaired": document.repaired},
        "edition": {"code": chosen.code, "basis": basis, "evidence": evidence},
        "sections": {key: headings[key][1] if key in headings else None for key in _SECTION_ORDER},
        "figures": walker.provenance,
        "missing": [{"code": code, "reason": reason} for code, reason in walker.missing.items()],
        "conflicts": walker.conflicts,
        "findings": [f.to_dict() for f in findings],
    }
    return ImportResult(report, walker.provenance, findings)


# ---------------------------------------------------------------------- sections
def _headings(document: Document) -> dict[str, tuple[int, dict[str, Any]]]:
    """Section key → (block index, where) of its heading; headings are accepted in the sections' order only."""
    matcher = section_matcher()
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    last = -1
    for index, block in enumerate(document.blocks):
        if not isinstance(block, Paragraph) or len(normalise(block.text)) > MAX_HEADING_CHARS:
            continue
        match = matcher.match(block.text.strip().lstrip("#").strip())
        if match is None or match.method == "fuzzy" and match.score < 90:
            continue
        position = _SECTION_ORDER.index(match.key)
        if position > last:
            found[match.key] = (index, block.where)
            last = position
    return found


def _section_at(index: int, headings: dict[str, tuple[int, dict[str, Any]]]) -> str | None:
    current = None
    for key, (start, _) in sorted(headings.items(), key=lambda item: item[1][0]):
        if start <= index:
            current = key
    return current


def _grids_with_sections(document: Document, headings: dict[str, tuple[int, dict[str, Any]]]
                         ) -> list[tuple[Grid, str | None]]:
    grids = []
    for index, block in enumerate(document.blocks):
        if isinstance(block, Grid):
            grids.append((block, _TABLE_SECTIONS.get(_section_at(index, headings) or "")))
    return grids


def _prose(document: Document, headings: dict[str, tuple[int, dict[str, Any]]]
           ) -> tuple[dict[str, str | None], list[ImportFinding]]:
    texts: dict[str, str | None] = {}
    findings = []
    starts = sorted(start for start, _ in headings.values())
    for key, code in _PROSE_SECTIONS.items():
        if key not in headings:
            texts[code] = None
            from ..format.editions import SECTION_TITLES
            findings.append(import_finding("I_SECTION_MISSING", section=SECTION_TITLES[key]))
            continue
        start = headings[key][0]
        end = next((s for s in starts if s > start), len(document.blocks))
        paragraphs = [b for b in document.blocks[start + 1:end] if isinstance(b, Paragraph)]
        texts[code] = _join(paragraphs, document.kind) or None
    return texts, findings


def _join(paragraphs: list[Paragraph], kind: str) -> str:
    if kind != "pdf":
        return "\n".join(p.text.strip() for p in paragraphs if p.text.strip()).strip()
    out = ""
    for paragraph in paragraphs:  # a PDF's lines are broken by width: join them back into paragraphs
        text = paragraph.text.strip()
        if out and not out.endswith(("。", "！", "？", "；", "：", "\n")):
            out += text
        else:
            out += ("\n" if out else "") + text
    return out.strip()


def _text_left_over(document: Document, headings: dict[str, tuple[int, dict[str, Any]]]) -> list[ImportFinding]:
    """Text with digits inside sections 二–四 that is neither a heading nor a table: figures perhaps, never placed."""
    left = []
    for index, block in enumerate(document.blocks):
        section = _section_at(index, headings)
        if isinstance(block, Paragraph) and section in _TABLE_SECTIONS and re.search(r"\d", block.text) \
                and index not in {start for start, _ in headings.values()}:
            left.append(f"“{block.text.strip()[:40]}”（{where_text(block.where)}）")
    if not left:
        return []
    return [import_finding("I_TEXT_LEFT_OVER", text="、".join(left[:8]) + ("等" if len(left) > 8 else ""))]


# ---------------------------------------------------------------------- facts
def _facts(document: Document, headings: dict[str, tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    first_heading = min((start for start, _ in headings.values()), default=len(document.blocks))
    title_lines = []
    for block in document.blocks[:first_heading]:
        if not isinstance(block, Paragraph):
            break
        text = clean_cell(block.text).lstrip("#").strip()
        if not text:
            continue
        if len(text) > MAX_HEADING_CHARS:
            break
        title_lines.append(text)
        if len(title_lines) == 3:
            break
    facts: dict[str, Any] = {}
    title = "".join(title_lines).replace(" ", "")
    match = _TITLE.match(title)
    if match and ("公开" in match["rest"] or "报告" in match["rest"]):
        facts["year"] = int(match["year"])
        agency = match["agency"].strip("《》 ")
        facts["agency"] = agency or None
    for block in document.blocks:
        if isinstance(block, Paragraph) and (date := _DATE.search(block.text)):
            try:
                facts["published_on"] = dt.date(int(date["y"]), int(date["m"]), int(date["d"])).isoformat()
            except ValueError:
                pass
            break
    return facts


# Government seats whose name alone says their level (a 市 may be 设区的市 or 县级市, a department any level).
_LEVEL_BY_SUFFIX = (("镇人民政府", "乡镇"), ("乡人民政府", "乡镇"), ("街道办事处", "乡镇"), ("镇", "乡镇"),
                    ("乡", "乡镇"),
                    ("县人民政府", "县级"), ("区人民政府", "县级"), ("省人民政府", "省级"), ("自治区人民政府", "省级"))


def level_from_name(name: str | None) -> str | None:
    """The administrative level a government's name states (镇 → 乡镇, 县 → 县级 …); None when it does not."""
    if not name:
        return None
    return next((level for suffix, level in _LEVEL_BY_SUFFIX if name.endswith(suffix)), None)


# ---------------------------------------------------------------------- edition
def _edition(document: Document, given: str | None, year: int | None) -> tuple[Edition, str, dict[str, int]]:
    signals = edition_signals()
    evidence = {code: 0 for code in signals}
    for block in document.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else \
            [c.text for row in block.rows for c in row if c is not None]
        for text in texts:
            norm = normalise(text)
            for code, labels in signals.items():
                if norm in labels:
                    evidence[code] += 1
    if given is not None:
        return EDITIONS[given], "given", evidence
    by_year = edition_for_year(year) if year is not None else None
    ranked = sorted(evidence.items(), key=lambda item: (item[1], by_year is not None and item[0] == by_year.code))
    best, count = ranked[-1]
    if count:
        return EDITIONS[best], "labels", evidence
    if by_year is not None:
        return by_year, "year", evidence
    return EDITIONS["2021"], "default", evidence


def _edition_findings(edition: Edition, basis: str, evidence: dict[str, int], year: int | None,
                      foreign: list[str]) -> list[ImportFinding]:
    found = []
    other = [code for code, count in evidence.items() if code != edition.code and count]
    details = []
    if other and evidence[edition.code]:
        details.append(f"第二部分有{other[0]}年版的标签{evidence[other[0]]}处、{edition.code}年版的标签"
                       f"{evidence[edition.code]}处")
    if foreign:
        details.append(f"第三部分有只属于另一年版的行：{'、'.join(foreign)}")
    if details:
        found.append(import_finding("I_MIXED_EDITION", detail="；".join(details), edition=edition.code))
    if basis == "given" and other and not evidence[edition.code]:
        found.append(import_finding("I_EDITION_GIVEN", edition=edition.code, labels=other[0]))
    if basis in ("year", "default"):
        found.append(import_finding("I_EDITION_GUESSED", basis="报告年度" if basis == "year" else "最新格式",
                                    edition=edition.code))
    if year is not None and basis in ("labels", "given") and edition_for_year(year).code != edition.code:
        found.append(import_finding("I_EDITION_YEAR", edition=edition.code, year=year,
                                    expected=edition_for_year(year).code))
    return found


# ---------------------------------------------------------------------- rows by order, missing tables
def _place_by_order(walker: TableWalker, edition: Edition) -> None:
    """Rows with figures whose labels matched nothing: placed by the edition's row order when exactly one row of the
    table is free between the rows matched before and after them, and no other unmatched row shares that gap; else
    reported (never guessed)."""
    gaps = [_gap(walker, order) for order, _, _ in walker.unmatched]
    for (_, row, label), gap in zip(walker.unmatched, gaps, strict=True):
        candidates = _between(edition, *gap, walker.placed)
        shown = where_text(row.where())
        if len(candidates) == 1 and gaps.count(gap) == 1:
            key = candidates[0]
            table = walker.labels.table_of_row(key)
            walker.findings.append(import_finding(
                "I_ROW_BY_POSITION", cells=tuple(f"{key}.{c.code}" for c in table.columns), where=(row.where(),),
                label=label or "（无标签）", place=shown, edition=edition.code, row=walker.row_name(key)))
            walker.place(key, Match(key, "position", 0.0), label, row)
            continue
        cells = "、".join(f"“{c.text.strip()}”" for c in row.cells if c is not None and c.text.strip())
        walker.findings.append(import_finding("I_ROW_UNMATCHED", where=(row.where(),), label=label or "（无标签）",
                                              place=shown, edition=edition.code, texts=cells))


def _gap(walker: TableWalker, order: int) -> tuple[str | None, str | None]:
    """The rows matched just before and just after an unmatched row (sections 二 and 三)."""
    tall = ("s3.", "s2_")
    previous = next((k for k in reversed(walker.order[:order]) if k.startswith(tall)), None)
    following = next((k for k in walker.order[order:] if k.startswith(tall)), None)
    return previous, following


def _between(edition: Edition, previous: str | None, following: str | None, placed: dict[str, Placed]) -> list[str]:
    """The free rows of one table strictly between two matched rows; none at a table's edge (nothing bounds it)."""
    if previous is None or following is None or previous.split(".")[0] != following.split(".")[0]:
        return []
    table_code = previous.split(".")[0]
    keys = [f"{table_code}.{r.code}" for r in edition.table(table_code).rows]
    return [k for k in keys[keys.index(previous) + 1:keys.index(following)] if k not in placed]


def _missing_tables(walker: TableWalker, edition: Edition) -> list[ImportFinding]:
    found = []
    for table in edition.tables:
        if table.code == "s4":
            rows_found = [r.code for r in table.rows if "s4.figures" in walker.placed]
        else:
            rows_found = [r.code for r in table.rows if f"{table.code}.{r.code}" in walker.placed]
        missing_rows = [r for r in table.rows if r.code not in rows_found]
        if not missing_rows:
            continue
        name = f"第二部分{table.title}" if table.section == "二" else f"第{table.section}部分"
        codes = tuple(f"{table.code}.{r.code}.{c.code}" for r in missing_rows for c in table.columns)
        if not rows_found:
            reason, finding = "table_missing", import_finding("I_TABLE_MISSING", cells=codes, table=name,
                                                              count=len(codes))
        elif all(table.rows.index(r) > max(table.rows.index(table.row(f)) for f in rows_found) for r in missing_rows):
            last = table.rows[max(table.rows.index(table.row(f)) for f in rows_found)]
            reason, finding = "truncated", import_finding(
                "I_TABLE_TRUNCATED", cells=codes, table=name, last=" ".join(last.path[-2:]), count=len(missing_rows),
                rows="、".join(r.label for r in missing_rows[:6]) + ("等" if len(missing_rows) > 6 else ""))
        else:
            reason, finding = "row_missing", import_finding(
                "I_ROWS_MISSING", cells=codes, table=name, count=len(missing_rows),
                rows="、".join(" ".join(r.path[-2:]) for r in missing_rows))
        for code in codes:
            walker.missing.setdefault(code, reason)
        found.append(finding)
    return found


def _columns_missing(walker: TableWalker, edition: Edition) -> list[ImportFinding]:
    """Columns a table's header does not name (a table printed with fewer columns, say 法人或其他组织 as one): their
    cells are not in the document, so they are missing (I1), never left blank (a blank counts as 0)."""
    found = []
    absent = [code for code, why in walker.missing.items() if why == "column_missing"]
    for table in edition.tables:
        codes = tuple(code for code in absent if code.startswith(f"{table.code}."))
        if codes:
            labels = dict.fromkeys(edition.cell(code).column.label for code in codes)
            name = f"第二部分{table.title}" if table.section == "二" else f"第{table.section}部分"
            found.append(import_finding("I_COLUMNS_MISSING", cells=codes, table=name, columns="、".join(labels),
                                        count=len(codes)))
    return found


def _images_not_read(document: Document, walker: TableWalker) -> list[ImportFinding]:
    """Pictures in a document some of whose tables or rows were not found: they may be those tables, as a scan or a
    screenshot, which are never read (a figure in a picture is not a figure in the text)."""
    lost = {"table_missing", "truncated", "row_missing"}
    if not document.images or not lost & set(walker.missing.values()):
        return []
    shown = document.image_pages[:8]
    pages = "、".join(f"第{page}页" for page in shown) + ("等" if len(document.image_pages) > len(shown) else "")
    return [import_finding("I_IMAGES_NOT_READ", count=document.images, pages=f"（{pages}）" if pages else "")]


def _value_notes(walker: TableWalker, edition: Edition) -> list[ImportFinding]:
    converted = [(code, p) for code, p in walker.provenance.items() if p.get("value") == "number" and p.get("note")]
    absent = [(code, p) for code, p in walker.provenance.items() if p.get("value") == "not_applicable"]
    found = []
    for kind, items in (("I_VALUES_CONVERTED", converted), ("I_NOT_APPLICABLE", absent)):
        if items:
            listed = "、".join(f"{edition.cell(code).label}“{p['text'].strip()}”" for code, p in items[:5])
            found.append(import_finding(kind, cells=tuple(code for code, _ in items), count=len(items),
                                        listed=listed + ("等" if len(items) > 5 else "")))
    return found
