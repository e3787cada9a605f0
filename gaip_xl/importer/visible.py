"""A web page as its reader sees it: what a browser does not show is taken out of the tree before anything is read.

Portals keep old versions, print copies and templates of a report's tables in the page without showing them; a hidden
table (or a hidden digit inside a cell) must not give a figure the reader of the page never saw. Taken out, with the
text after them kept: comments, ``<template>``, ``<noscript>`` (a browser runs scripts), elements with the ``hidden``
attribute or ``display:none`` in their own style (a hidden cell takes no column, as in a browser), and the content of a
closed ``<details>`` other than its summary. Under ``visibility:hidden`` (or ``collapse``) the boxes stay and their
text is blanked, unless a descendant's own style makes it ``visible`` again. ``aria-hidden`` hides nothing from the
eye and is read. Style sheets are not applied (a class hidden by a style sheet is read; a copy with other figures is
then a conflict, never a silent choice: ``tables.py``).
"""

from __future__ import annotations

import re
from typing import Any

_NOT_SHOWN = frozenset({"template", "noscript"})
_DISPLAY_NONE = re.compile(r"(?:^|;)\s*display\s*:\s*none\s*(?:!\s*important\s*)?(?:;|$)", re.I)
_VISIBILITY = re.compile(r"(?:^|;)\s*visibility\s*:\s*(?P<value>[a-z]+)\s*(?:!\s*important\s*)?(?:;|$)", re.I)


def _tag(element: Any) -> str:
    return element.tag.split("}")[-1].lower() if isinstance(element.tag, str) else ""


def _style(element: Any) -> str:
    return re.sub(r"/\*.*?\*/", "", element.get("style") or "", flags=re.S)


def _not_shown(element: Any) -> bool:
    if not isinstance(element.tag, str):  # a comment or a processing instruction
        return True
    return (_tag(element) in _NOT_SHOWN or element.get("hidden") is not None
            or bool(_DISPLAY_NONE.search(_style(element))))


def _visibility(element: Any, inherited: bool) -> bool:
    """Whether the element's text is visible: its own style's visibility, else its parent's (CSS inherits it)."""
    found = _VISIBILITY.search(_style(element)) if isinstance(element.tag, str) else None
    if found is None:
        return inherited
    return found.group("value").lower() not in ("hidden", "collapse")


def _holds_table(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return "<table" in (element.text or "").lower()
    return _tag(element) == "table" or bool(element.xpath(".//table")) or "<table" in (element.text or "").lower()


def _remove(element: Any) -> None:
    """Takes an element out of the tree, keeping the text that follows it (its tail) in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)


def remove_unseen(root: Any) -> int:
    """Takes what a browser does not show out of the page's tree; returns how many hidden tables were taken out."""
    top = root.getroot() if hasattr(root, "getroot") else root
    return _prune(top, visible=_visibility(top, True))


def _prune(element: Any, visible: bool) -> int:
    hidden_tables = 0
    closed_details = _tag(element) == "details" and element.get("open") is None
    summary_seen = False
    for child in list(element):
        shown_in_details = not closed_details or (_tag(child) == "summary" and not summary_seen)
        summary_seen = summary_seen or _tag(child) == "summary"
        if _not_shown(child) or not shown_in_details:
            hidden_tables += _holds_table(child)
            _remove(child)
            continue
        child_visible = _visibility(child, visible)
        if not child_visible:
            child.text = None if child.text is None else ""
        hidden_tables += _prune(child, child_visible)
        if not visible and child.tail:
            child.tail = ""
    return hidden_tables
