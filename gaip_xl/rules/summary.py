"""How a set of findings reads in one line and where a finding stands: shared by every skin (the CLI, the add-in's
校验 and its 校验结果 sheet, the web service), so a clerk reads the same words wherever the report was checked."""

from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding, ValidationReport

MAX_LISTED = 10  # names on one line: a finding about 150 blank cells lists ten, then "等150处"


def summary_line(result: ValidationReport) -> str:
    """The verdict: “校验结果：全部通过”, or “不通过”/“通过（有警告）” with the counts, how many warnings carry a 说明
    and how many 说明 no longer match a finding (stale)."""
    count = len(result.stale_explanations)
    stale = f"；{count} 条说明已过期（所说明的问题已不存在）" if count else ""
    if not result.findings:
        return f"校验结果：全部通过{stale}"
    verdict = "不通过" if result.errors else "通过（有警告）"
    explained = len(result.explained_warnings)
    of_which = f"（其中 {explained} 个已说明）" if explained else ""
    return f"校验结果：{verdict}，{len(result.errors)} 个错误，{len(result.warnings)} 个警告{of_which}{stale}"


def where(finding: Finding, limit: int = 6) -> str:
    """The cells of a finding, grouped by sheet: '三、依申请公开'!D6、D7、D29."""
    by_sheet: dict[str, list[str]] = {}
    for cell in finding.cells:
        label = f"{'上年' if cell.report == 'previous' else ''}'{cell.sheet}'" if cell.sheet else cell.json_path
        by_sheet.setdefault(label, []).append(cell.address)
    parts = []
    for sheet, addresses in by_sheet.items():
        shown = "、".join(a for a in addresses[:limit] if a)
        parts.append(f"{sheet}!{shown}{'…' if len(addresses) > limit else ''}" if shown else sheet)
    return "；".join(parts)


def listed(items: Iterable[str], separator: str = "、", counted: bool = True) -> str:
    """The first ``MAX_LISTED`` of ``items`` (each once), then “等N处” for all N of them (only “等” where the line
    says N itself)."""
    unique = list(dict.fromkeys(items))
    text = separator.join(unique[:MAX_LISTED])
    if len(unique) <= MAX_LISTED:
        return text
    return f"{text}等{len(unique)}处" if counted else f"{text}等"


__all__ = ["listed", "summary_line", "where"]
