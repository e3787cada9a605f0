"""The 勾稽关系 (R1–R8) as data: each identity says which cells must add up to which, derived from the format model.

An identity reads ``sum(lhs) == sum(rhs)``; ``target`` is the total whose correct value a check shows (the value
``target`` should have is its own value minus the difference). The rule engine, the template's native formulas and
the Excel UDFs all evaluate these same objects, so no identity is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ..format import EDITIONS, Edition
from ..format.editions import S3_APPLICANT_COLUMNS

RESULT_GROUP = "三、本年度办理结果"


@dataclass(frozen=True)
class Term:
    code: str
    previous: bool = False  # taken from last year's report


@dataclass(frozen=True)
class Identity:
    rule: str
    key: str  # what distinguishes it among the rule's identities (a column or row code)
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    target: Term

    @property
    def terms(self) -> tuple[Term, ...]:
        return (*self.lhs, *self.rhs)

    @property
    def cross_year(self) -> bool:
        return any(t.previous for t in self.terms)


def _terms(*codes: str, previous: bool = False) -> tuple[Term, ...]:
    return tuple(Term(c, previous) for c in codes)


def _s3_result_rows(edition: Edition) -> list[str]:
    """（一）…（六） of section 三: every row under 三、本年度办理结果 except （七）总计."""
    table = edition.table("s3")
    return [r.code for r in table.rows if r.groups[:1] == (RESULT_GROUP,) and r.code != "total"]


def _r1(edition: Edition) -> list[Identity]:
    return [Identity("R1", col.code, _terms(f"s3.new.{col.code}", f"s3.carried_in.{col.code}"),
                     _terms(f"s3.total.{col.code}", f"s3.carried_out.{col.code}"),
                     Term(f"s3.carried_out.{col.code}"))
            for col in edition.table("s3").columns]


def _r2(edition: Edition) -> list[Identity]:
    parts = _s3_result_rows(edition)
    return [Identity("R2", col.code, _terms(*(f"s3.{row}.{col.code}" for row in parts)),
                     _terms(f"s3.total.{col.code}"), Term(f"s3.total.{col.code}"))
            for col in edition.table("s3").columns]


def _r3(edition: Edition) -> list[Identity]:
    return [Identity("R3", row.code, _terms(*(f"s3.{row.code}.{c}" for c in S3_APPLICANT_COLUMNS)),
                     _terms(f"s3.{row.code}.total"), Term(f"s3.{row.code}.total"))
            for row in edition.table("s3").rows]


def _r4(edition: Edition) -> list[Identity]:
    table = edition.table("s4")
    parts = [c.code for c in table.columns if c.code != "total"]
    return [Identity("R4", row.code, _terms(*(f"s4.{row.code}.{c}" for c in parts)),
                     _terms(f"s4.{row.code}.total"), Term(f"s4.{row.code}.total"))
            for row in table.rows]


@cache
def identities(edition_code: str) -> tuple[Identity, ...]:
    """The identities within one report (R1–R4)."""
    edition = EDITIONS[edition_code]
    return (*_r1(edition), *_r2(edition), *_r3(edition), *_r4(edition))


@cache
def cross_year_identities(edition_code: str, previous_code: str) -> tuple[Identity, ...]:
    """The identities between last year's report and this one (R5–R8), for the editions the two use."""
    edition, previous = EDITIONS[edition_code], EDITIONS[previous_code]
    found = [Identity("R5", col.code, _terms(f"s3.carried_out.{col.code}", previous=True),
                      _terms(f"s3.carried_in.{col.code}"), Term(f"s3.carried_in.{col.code}"))
             for col in edition.table("s3").columns]
    if edition.code == previous.code == "2019":
        for table in ("s2_item5", "s2_item6", "s2_item8"):
            for row in edition.table(table).rows:
                this = f"{table}.{row.code}"
                found.append(Identity("R6", this, _terms(f"{this}.previous_count", f"{this}.change", previous=True),
                                      _terms(f"{this}.previous_count"), Term(f"{this}.previous_count")))
        for row in edition.table("s2_item1").rows:
            this = f"s2_item1.{row.code}"
            found.append(Identity("R7", this, (Term(f"{this}.total_published", True), Term(f"{this}.published")),
                                  _terms(f"{this}.total_published"), Term(f"{this}.total_published")))
    if edition.code == previous.code == "2021":
        for row in edition.table("s2_item1").rows:
            this = f"s2_item1.{row.code}"
            # 上年现行有效 + 本年制发 − 本年废止 = 本年现行有效, with the subtraction moved across.
            found.append(Identity("R8", this, (Term(f"{this}.in_force", True), Term(f"{this}.issued")),
                                  _terms(f"{this}.in_force", f"{this}.repealed"), Term(f"{this}.in_force")))
    return tuple(found)
