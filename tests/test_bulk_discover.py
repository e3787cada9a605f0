"""Walking the input folders: every submission once, in a stable order, with memory bounded however big a folder."""

from __future__ import annotations

import os

import pytest

from gaip_xl.bulk import discover
from gaip_xl.bulk.discover import Discovery, is_junk


def _tree(root) -> None:
    for name in ["b.xlsx", "a.xlsx", "县/乙.xlsx", "县/甲.xlsx", "县/乡/1.xlsx", "Z/x.xlsx", "~$a.xlsx", ".DS_Store",
                 "__MACOSX/a.xlsx", "readme.txt", "县/乡/10.xlsx", "县/乡/2.xlsx"]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(name.encode())
    (root / "空").mkdir()
    os.symlink(root / "县", root / "链接到县")  # a link to a folder: listed, never followed
    os.symlink(root / "a.xlsx", root / "c-link.xlsx")  # a link to a file already listed: one submission


def _walked(root) -> tuple[list[str], list[str]]:
    """What os.walk, sorted, says the discovery must give (the reference it replaced)."""
    ids, ignored, seen = [], [], set()
    for folder, dirs, files in os.walk(root):
        relative = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        kept = []
        for name in sorted(dirs):  # junk and links to folders (never followed) are counted as ignored
            link = os.path.islink(os.path.join(folder, name))
            (ignored.append(prefix + name + "/") if is_junk(name) or link else kept.append(name))
        dirs[:] = kept
        for name in sorted(files):
            if is_junk(name):
                ignored.append(prefix + name)
            elif os.path.realpath(os.path.join(folder, name)) not in seen:
                seen.add(os.path.realpath(os.path.join(folder, name)))
                ids.append(prefix + name)
            else:  # a second path to a file already listed: accounted for as ignored
                ignored.append(prefix + name)
    return ids, ignored


@pytest.mark.parametrize("in_memory", [4096, 2], ids=["sorted-in-memory", "sorted-on-disk"])
def test_the_walk_gives_what_os_walk_gives(tmp_path, monkeypatch, in_memory):
    _tree(tmp_path / "in")
    monkeypatch.setattr(discover, "SORTED_IN_MEMORY", in_memory)
    inventory = Discovery().run([str(tmp_path / "in")])
    ids, ignored = _walked(tmp_path / "in")
    assert [s.id for s in inventory.sources] == ids
    assert inventory.ignored == ignored
    assert "c-link.xlsx" not in ids and "链接到县/甲.xlsx" not in ids  # deduplicated; the folder link not followed
    assert [s.id for s in inventory.sources if s.id.startswith("县/乡/")] == ["县/乡/1.xlsx", "县/乡/10.xlsx",
                                                                            "县/乡/2.xlsx"]


def test_a_big_flat_folder_is_sorted_on_disk_in_the_same_order(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"{n}{suffix}.xlsx" for n in ("甲", "a", "B", "_", "0", "é") for suffix in ("", "1", "10", "2")]
    for name in names:
        (folder / name).write_bytes(b"x")
    in_memory = [s.id for s in Discovery().run([str(folder)]).sources]
    monkeypatch.setattr(discover, "SORTED_IN_MEMORY", 5)
    on_disk = [s.id for s in Discovery().run([str(folder)]).sources]
    assert in_memory == on_disk == sorted(names)


def test_the_output_folder_inside_an_input_is_skipped(tmp_path):
    _tree(tmp_path / "in")
    out = tmp_path / "in" / "县" / "结果"
    out.mkdir()
    (out / "r.json").write_text("{}", encoding="utf-8")
    inventory = Discovery(exclude=out).run([str(tmp_path / "in")])
    assert "县/结果/" in inventory.ignored and not any("结果" in s.id for s in inventory.sources)
