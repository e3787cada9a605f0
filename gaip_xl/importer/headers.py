"""What a table's header says about its columns: their order, whether its geometry can be trusted, where each sits.

Copied text has no columns, only cells in reading order, and a merged header cell is printed once where it starts: the
official section 三 header reads 申请人情况 / 自然人 法人或其他组织 总计 / 商业企业 … 其他, so counting cells in the
notice's order is right only when the header says that order. ``reading_order`` rebuilds the left-to-right order of
the columns from the header's rows and the format's header tree (each group label stands over its members, printed in
the next rows); a header it cannot rebuild is never guessed at. A ruled grid gives positions instead; columns in
another order than the notice's are trusted only when every header row is as wide as the row below (a cell lost or
added in the markup shifts the rest and changes a row's width) and each group label spans exactly its members.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence

from ..format import Table
from ..format.drifts import REMARK_HEADERS
from .labels import Labels
from .model import SourceCell
from .normalize import normalise
from .rows import Header

REMARK = "remark"  # a column the header names as remarks (备注): never a figure
_SKIPPED = ("note", "corner")  # the corner cell's label: over the row labels, not a column

Path = tuple[str, ...]
Slot = tuple[str, ...]  # what a column holds: (column code,), or (row code, column code) in section 四


def header_tree(paths: Iterable[Path]) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    """The top-level names and each group's members, in the notice's order, from the columns' paths (outermost group
    first, the column last)."""
    top: list[str] = []
    children: dict[str, list[str]] = {}
    for path in paths:
        if path[0] not in top:
            top.append(path[0])
        for parent, child in zip(path, path[1:], strict=False):
            members = children.setdefault(parent, [])
            if child not in members:
                members.append(child)
    return top, {name: tuple(members) for name, members in children.items()}


def column_paths(family: str, table: Table) -> list[Path]:
    """Every figure column of ``table`` as the header names it: its groups, then its label's key. Section 四's one row
    of fifteen figures is named by (group …, row code, result column)."""
    if family == "s4":
        return [(*r.groups, r.code, c.code) for r in table.rows for c in table.columns]
    if family == "s2":
        return [(c.label,) for c in table.columns]
    return [(*c.groups, c.code) for c in table.columns]


def is_remark(text: str) -> bool:
    return normalise(text) in {normalise(label) for label in REMARK_HEADERS}


def reading_order(rows: Sequence[Sequence[str | None]], children: Mapping[str, tuple[str, ...]]) -> list[Path] | None:
    """The columns' paths left to right, from header rows read as copied text (names of labels, None for a text that
    names nothing): the first row gives the top level; each group printed in it is replaced by its members, which
    stand in a later row, in the order of the groups. None when any text names nothing, or the rows do not spell out
    exactly the members of each group (a label lost in copying): the order is then not known."""
    found: list[Path] = []
    for names in rows:
        if any(name is None for name in names):
            return None
        items = [name for name in names if name is not None and name not in _SKIPPED]
        if not items:
            continue
        if not found:
            found = [(name,) for name in items]
            continue
        found, used = _expand(found, items, children)
        if used != len(items):
            return None
    if not found or any(path[-1] in children for path in found):
        return None
    return found


def _expand(found: list[Path], items: list[str], children: Mapping[str, tuple[str, ...]]) -> tuple[list[Path], int]:
    """Each open group, left to right, takes its members from the row when they come next (in any order); a group
    whose members do not come next waits for a later row (its label spans rows)."""
    out: list[Path] = []
    used = 0
    for path in found:
        members = children.get(path[-1], ())
        for run in (members, _leaves_under(path, children)):  # its members, or all its columns with no sub-group
            taken = items[used:used + len(run)] if run else []
            if run and sorted(taken) == sorted(run):
                out.extend(_path_to(path, name, children) for name in taken)
                used += len(run)
                break
        else:
            out.append(path)
    return out, used


def _leaves_under(path: Path, children: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The columns under a group, at any depth (a header that prints 法人或其他组织's members without that label)."""
    found: list[str] = []
    for child in children.get(path[-1], ()):
        found.extend(_leaves_under((child,), children) if child in children else (child,))
    return tuple(found)


def _path_to(path: Path, name: str, children: Mapping[str, tuple[str, ...]]) -> Path:
    """``path`` extended down to ``name``, through the sub-group that holds it when it is not a direct member."""
    if name in children.get(path[-1], ()):
        return (*path, name)
    group = next(g for g in children.get(path[-1], ()) if name in _leaves_under((g,), children))
    return _path_to((*path, group), name, children)


def contrary(rows: Sequence[Sequence[str | None]], paths: Sequence[Path]) -> bool:
    """Whether some header row names columns or groups in another order than the notice prints them (its names, each
    at its first place in the row): then counting cells in the notice's order would move figures."""
    rank: dict[str, int] = {}
    for index, path in enumerate(paths):
        for name in path:
            rank.setdefault(name, index)
    for names in rows:
        seen = list(dict.fromkeys(n for n in names if n is not None and n in rank))
        ranks = [rank[n] for n in seen]
        if any(a > b for a, b in zip(ranks, ranks[1:], strict=False)):
            return True
    return False


def in_official_order(positions: Mapping[int, str], table: Table) -> bool:
    """Whether the header's columns, left to right, come in the order the notice prints them."""
    rank = {c.code: i for i, c in enumerate(table.columns)}
    found = [rank.get(positions[i], -1) for i in sorted(positions)]
    return all(a < b for a, b in zip(found, found[1:], strict=False))


def whole(header_rows: Sequence[Sequence[SourceCell | None]], width: int, positions: Mapping[int, str],
          table: Table, spans: Mapping[int, tuple[str, int]]) -> bool:
    """Whether a header's own geometry can place columns in another order than the notice's: it names every column
    once, each header row is exactly as wide as the row it stands over, and each group label printed in it spans the
    positions of its members and no other column."""
    codes = [c.code for c in table.columns]
    if sorted(positions.values()) != sorted(codes) or any(len(cells) != width for cells in header_rows):
        return False
    members: dict[str, set[str]] = {}
    for column in table.columns:
        for group in column.groups:
            members.setdefault(group, set()).add(column.code)
    for start, (group, end) in spans.items():
        if group not in members:
            continue
        covered = {code for i, code in positions.items() if start <= i < end}
        if covered != members[group]:
            return False
    return True


def group_spans(header_rows: Sequence[Sequence[SourceCell | None]],
                name_of: Callable[[str], str | None]) -> dict[int, tuple[str, int]]:
    """Group labels of a ruled header: start column → (group, end column), a label's span being the covered cells
    after it in its row."""
    spans: dict[int, tuple[str, int]] = {}
    for cells in header_rows:
        for i, cell in enumerate(cells):
            if cell is None or not cell.text.strip():
                continue
            group = name_of(cell.text)
            if group is None:
                continue
            end = i + 1
            while end < len(cells) and cells[end] is None:
                end += 1
            spans[i] = (group, end)
    return spans


def fits(positions: Mapping[int, object], stray: Iterable[int]) -> bool:
    """Whether a row whose written cells at ``stray`` fall under no header column still fits the header: only when
    each lies strictly between header columns (a column the header leaves unnamed). A cell left or right of every
    header column means the row is shifted (a cell lost or added in the markup, a rowspan thrown off, two rows run
    together), and placing its figures by the header would move them."""
    return all(min(positions) < i < max(positions) for i in stray)


def trim(cells: list[tuple[int, SourceCell]], wanted: int) -> list[tuple[int, SourceCell]]:
    """Drops the extra empty cells at the ends of a row that has more cells than columns, when which ones are extra is
    certain: all the extras at one end, or every empty cell at both ends. Otherwise the row is left as it is (and
    will not be placed by counting)."""
    extra = len(cells) - wanted
    if extra <= 0:
        return cells
    lead = next((i for i, (_, c) in enumerate(cells) if c.text.strip()), len(cells))
    trail = next((i for i, (_, c) in enumerate(reversed(cells)) if c.text.strip()), len(cells))
    if lead == len(cells):  # nothing but empty cells
        return cells[:wanted]
    if lead == 0 and trail >= extra:
        return cells[:wanted]
    if trail == 0 and lead >= extra:
        return cells[extra:]
    if lead + trail == extra:
        return cells[lead:len(cells) - trail]
    return cells


def spanning_text(cells: Sequence[SourceCell | None], index: int) -> str:
    """The text over column ``index`` in a header row: its own cell, or the merged cell that covers it."""
    for i in range(min(index, len(cells) - 1), -1, -1):
        cell = cells[i]
        if cell is not None:
            return cell.text if (i == index or cell.text.strip()) else ""
    return ""


def names_of(labels: Labels, family: str, cells: Sequence[SourceCell | None]) -> list[str | None]:
    """A header row's written cells as names: a column's key, a group's key, REMARK, or None for a text that names
    nothing of this family (a shredded or unknown label)."""
    out: list[str | None] = []
    for cell in cells:
        if cell is None or not cell.text.strip():
            continue
        found = labels.columns[family].match(cell.text) or labels.groups[family].match(cell.text)
        out.append(found.key if found is not None else (REMARK if is_remark(cell.text) else None))
    return out


def header_order(labels: Labels, family: str, table: Table,
                 header_rows: Sequence[Sequence[SourceCell | None]]) -> tuple[list[Slot] | None, bool]:
    """The header's columns left to right as read (``reading_order``), each as the slot it names — (column code,) or,
    in section 四, (row code, column code); (REMARK,) for a remarks column — when they are exactly the table's
    columns; and whether the header contradicts the notice's order (a header that cannot be read is then no licence
    to count cells in the notice's order)."""
    rows = [names_of(labels, family, cells) for cells in header_rows]
    paths = column_paths(family, table)
    against = contrary(rows, paths)
    orders = {tuple(slots) for filled in _fillings(rows, paths)
              if (slots := _slots_of(family, table, paths, filled)) is not None}
    official = tuple(official_slots(family, table))
    if len(orders) != 1:  # not readable, or readable more ways than one (a text naming nothing taken for a label)
        return None, against or any(order != official for order in orders)
    return list(orders.pop()), against


MAX_UNKNOWN = 2  # texts naming nothing in a header that are each tried as every label the header lacks


def _fillings(rows: list[list[str | None]], paths: Sequence[Path]) -> list[list[list[str | None]]]:
    """The header's rows as read, and, when a few of its texts name nothing (a label broken over two lines, "商业"
    and "企业"), each way of taking them for a label the header lacks, or for nothing."""
    unknown = [(r, i) for r, names in enumerate(rows) for i, name in enumerate(names) if name is None]
    if not unknown:
        return [rows]
    if len(unknown) > MAX_UNKNOWN:
        return []
    named = {name for names in rows for name in names}
    lacking = list(dict.fromkeys(name for path in paths for name in path if name not in named))
    out: list[list[list[str | None]]] = []
    for choice in itertools.product([*lacking, ""], repeat=len(unknown)):
        picked = [c for c in choice if c]
        if len(picked) != len(set(picked)):
            continue
        filled = [list(names) for names in rows]
        for (r, i), name in zip(unknown, choice, strict=True):
            filled[r][i] = name
        out.append([[n for n in names if n != ""] for names in filled])
    return out


def _slots_of(family: str, table: Table, paths: Sequence[Path], rows: list[list[str | None]]) -> list[Slot] | None:
    order = reading_order(rows, header_tree(paths)[1])
    if order is None:
        return None
    slots = [_slot(family, table, path) for path in order]
    wanted = sorted(_slot(family, table, path) for path in paths)
    return slots if sorted(s for s in slots if s != (REMARK,)) == wanted else None


def official_slots(family: str, table: Table) -> list[Slot]:
    return [_slot(family, table, path) for path in column_paths(family, table)]


def _slot(family: str, table: Table, path: Path) -> Slot:
    if path == (REMARK,):
        return path
    if family == "s4":
        return tuple(path[-2:])
    if family == "s2":
        return next(((c.code,) for c in table.columns if normalise(c.label) == normalise(path[-1])), path[-1:])
    return path[-1:]


def remark_columns(header: Header | None) -> set[int]:
    """Columns a ruled header names as remarks (备注): what stands under them is no figure."""
    if header is None or not header.aligned:
        return set()
    found: set[int] = set()
    for head in header.rows:
        for i, cell in enumerate(head.cells):
            if cell is not None and cell.text.strip() and is_remark(cell.text):
                end = i + 1
                while end < len(head.cells) and head.cells[end] is None:
                    end += 1
                found.update(range(i, end))
    return found
