"""Matching a published label to an official one: exact → known drift → fuzzy (rapidfuzz) — each match with its method
and score, so the import block can say how every figure's row and column were found.

Both sides are normalised first (``normalise``), so "exact" already forgives width, spaces, quotes and "1、".
Fuzzy matching accepts a score of at least ``FUZZY_THRESHOLD`` that beats the runner-up by ``FUZZY_MARGIN``: a label
that looks equally like two official ones is not guessed. A label cut off by a line or page break ("1.申请人无正当
理由逾期不补") matches the official label it begins (``partial`` scoring, only for texts long enough to mean it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz

from .normalize import normalise

FUZZY_THRESHOLD = 80.0
FUZZY_MARGIN = 5.0
_PARTIAL_MIN_CHARS = 6
_REMEMBERED = 50_000


@dataclass(frozen=True)
class Match:
    key: str  # what the caller registered the label under (a row code, a column code …)
    method: str  # "exact", "drift", "fuzzy"
    score: float  # 100 for exact and drift

    def to_dict(self) -> dict[str, object]:
        return {"method": self.method, "score": round(self.score, 1)}


class Matcher:
    """Official labels (``key → label``) and their known drifts (``published text → label``)."""

    def __init__(self, labels: Iterable[tuple[str, str]], drifts: Mapping[str, str] | None = None) -> None:
        self._exact: dict[str, str] = {}
        for key, label in labels:
            self._exact.setdefault(normalise(label), key)
        self._drift: dict[str, str] = {}
        for published, official in (drifts or {}).items():
            target = self._exact.get(normalise(official))
            if target is not None and normalise(published) not in self._exact:
                self._drift[normalise(published)] = target
        self._choices = list(self._exact)
        self._seen: dict[tuple[str, bool], Match | None] = {}  # labels recur in every report: remember answers

    def match(self, text: str, fuzzy: bool = True) -> Match | None:
        norm = normalise(text)
        key = (norm, fuzzy)
        if key in self._seen:
            return self._seen[key]
        found = self._match(norm, fuzzy)
        if len(self._seen) < _REMEMBERED:
            self._seen[key] = found
        return found

    def _match(self, norm: str, fuzzy: bool) -> Match | None:
        if not norm:
            return None
        if norm in self._exact:
            return Match(self._exact[norm], "exact", 100.0)
        if norm in self._drift:
            return Match(self._drift[norm], "drift", 100.0)
        if not fuzzy or len(norm) < 2:
            return None
        scored = sorted(((self._score(norm, choice), choice) for choice in self._choices), reverse=True)
        if not scored:
            return None
        best, choice = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best >= FUZZY_THRESHOLD and best - runner_up >= FUZZY_MARGIN:
            return Match(self._exact[choice], "fuzzy", best)
        return None

    @staticmethod
    def _score(text: str, choice: str) -> float:
        score = fuzz.ratio(text, choice)
        if len(text) >= _PARTIAL_MIN_CHARS and len(text) < len(choice) and choice.startswith(text[:2]):
            # a label broken off by a line or page break: how well it matches the start of the official label
            score = max(score, fuzz.ratio(text, choice[:len(text)]) * (0.85 + 0.15 * len(text) / len(choice)))
        return score
