"""Everything the importer matches against, derived from the format model (``gaip_xl.format``): no label is typed here.

For one edition: the row labels of sections 二 and 三 (keyed by cell prefix "s3.new"), the column labels and header
groups of each family of tables ("s2", "s3", "s4"), section 二's table titles, the section titles, and the labels that
only one edition has (which tell the editions apart).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..format import EDITIONS, Edition, Table
from ..format.drifts import COLUMN_DRIFTS, ROW_DRIFTS
from ..format.editions import SECTION_TITLES
from .matcher import Matcher
from .normalize import normalise

FAMILIES = ("s2", "s3", "s4")


def family_of(table: Table) -> str:
    return "s2" if table.section == "二" else table.code


@dataclass(frozen=True)
class Labels:
    edition: Edition
    rows: Matcher  # "s2_item1.rules", "s3.new" … → row label (sections 二 and 三)
    foreign_rows: Matcher  # rows only the other edition has: a report that mixes the editions
    titles: Matcher  # section 二's table titles (both editions: 第二十条第（九）项 is the 2019 edition's)
    columns: dict[str, Matcher]  # family → column label matcher (keys: the label itself for s2, codes for s3/s4)
    groups: dict[str, Matcher]  # family → header group labels (s4: the row codes of 行政复议 …)
    corner: str  # section 二's top-left header label, normalised

    def table_of_row(self, key: str) -> Table:
        return self.edition.table(key.split(".")[0])


@cache
def labels_for(edition_code: str) -> Labels:
    edition = EDITIONS[edition_code]
    other = next(e for e in EDITIONS.values() if e.code != edition_code)
    tall = [t for t in edition.tables if t.section in ("二", "三")]
    rows = [(f"{t.code}.{r.code}", r.label) for t in tall for r in t.rows]
    own = {normalise(label) for _, label in rows} | {normalise(k) for k in ROW_DRIFTS}
    foreign = [(f"{t.code}.{r.code}", r.label) for t in other.tables if t.section in ("二", "三") for r in t.rows
               if normalise(r.label) not in own]
    s2 = [t for t in edition.tables if t.section == "二"]
    s3, s4 = edition.table("s3"), edition.table("s4")
    titles = [(t.code, t.title) for e in EDITIONS.values() for t in e.tables if t.section == "二"]
    columns = {
        "s2": Matcher([(c.label, c.label) for t in s2 for c in t.columns], COLUMN_DRIFTS),
        "s3": Matcher([(c.code, c.label) for c in s3.columns], COLUMN_DRIFTS),
        "s4": Matcher([(c.code, c.label) for c in s4.columns], COLUMN_DRIFTS),
    }
    groups = {
        "s2": Matcher([("corner", s2[0].corner)]),
        "s3": Matcher([(g, g) for c in s3.columns for g in c.groups] + [("note", s3.corner)]),
        "s4": Matcher([(r.code, r.label) for r in s4.rows] + [(g, g) for r in s4.rows for g in r.groups],
                      ROW_DRIFTS),
    }
    return Labels(edition, Matcher(rows, ROW_DRIFTS), Matcher(foreign, ROW_DRIFTS), Matcher(titles), columns, groups,
                  normalise(s2[0].corner))


@cache
def edition_signals() -> dict[str, frozenset[str]]:
    """Normalised labels of section 二 (table titles, column headers, rows) that only one edition prints; known drifts
    (the 2019 edition's "规范性文件" kept in a 2021 report, say) do not count."""
    def section2(edition: Edition) -> set[str]:
        found = set()
        for table in edition.tables:
            if table.section == "二":
                found.add(normalise(table.title))
                found.update(normalise(c.label) for c in table.columns)
                found.update(normalise(r.label) for r in table.rows)
        return found

    drifts = {normalise(k) for pair in (*ROW_DRIFTS.items(), *COLUMN_DRIFTS.items()) for k in pair}
    own = {code: section2(e) for code, e in EDITIONS.items()}
    return {code: frozenset(labels - set().union(*(v for k, v in own.items() if k != code)) - drifts)
            for code, labels in own.items()}


def section_matcher() -> Matcher:
    """Section headings with or without their numeral ("存在的主要问题及改进情况" with no "五、")."""
    pairs = [(key, title) for key, title in SECTION_TITLES.items()]
    pairs += [(key, title.split("、", 1)[1]) for key, title in SECTION_TITLES.items()]
    return Matcher(pairs)
