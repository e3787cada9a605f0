"""Matching the filer's written explanations (说明) to the findings they explain.

An explanation names a rule and some cells (codes); it explains every finding of that rule whose cells include all
of them (so one naming no cell explains every finding of its rule, as for a rule about the whole document). On a
warning it is attached and the warning counts as explained (已说明); on an error it changes nothing, since an error
must be fixed. An explanation that matches no finding at all is stale and is listed as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..report import Explanation
from .findings import Finding, Severity, StaleExplanation

SEPARATOR = "；"  # between the texts of several explanations of one warning


def matches(explanation: Explanation, finding: Finding) -> bool:
    if explanation.rule != finding.rule:
        return False
    codes = {cell.code for cell in finding.cells}
    return all(code in codes for code in explanation.cells)


def apply_explanations(findings: Sequence[Finding], explanations: Sequence[Explanation]
                       ) -> tuple[list[Finding], list[StaleExplanation]]:
    """The findings with the 说明 of each warning attached, and the explanations that match no finding."""
    given = [e for e in explanations if e.text.strip()]
    if not given:
        return list(findings), []
    used: set[int] = set()
    result = []
    for finding in findings:
        texts = []
        for index, explanation in enumerate(given):
            if matches(explanation, finding):
                used.add(index)
                if explanation.text not in texts:
                    texts.append(explanation.text)
        if texts and finding.severity is Severity.WARNING:
            finding = replace(finding, explanation=SEPARATOR.join(texts))
        result.append(finding)
    stale = [StaleExplanation(e.rule, e.cells, e.text) for i, e in enumerate(given) if i not in used]
    return result, stale
