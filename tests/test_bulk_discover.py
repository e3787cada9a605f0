"""Walking the input folders: every submission once, in a stable order, with memory bounded however big a folder."""

from __future__ import annotations

import os
from contextlib import contextmanager

from gaip_xl.bulk.discover import Discovery, is_junk
from gaip_xl.bulk.store import RunStore


@contextmanager
def discovered(tmp_path, inputs: list[str], exclude=None):
    """The ids found and the names ignored."""
    with RunStore(tmp_path / "state") as store:
        discovery = Discovery(store, exclude=exclude).run(inputs)
        yield [item[0] for item in store.sources()], discovery.ignored


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


def test_the_walk_gives_what_os_walk_gives(tmp_path):
    _tree(tmp_path / "in")
    with discovered(tmp_path, [str(tmp_path / "in")]) as (found, ignored):
        ids, expected_ignored = _walked(tmp_path / "in")
        assert found == ids
        assert ignored == expected_ignored
        assert "c-link.xlsx" not in ids and "链接到县/甲.xlsx" not in ids  # deduplicated; the folder link not followed
        assert [i for i in found if i.startswith("县/乡/")] == ["县/乡/1.xlsx", "县/乡/10.xlsx", "县/乡/2.xlsx"]


def test_a_flat_folder_is_sorted_by_the_bytes_of_its_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    names = [f"{n}{suffix}.xlsx" for n in ("甲", "a", "B", "_", "0", "é") for suffix in ("", "1", "10", "2")]
    for name in names:
        (folder / name).write_bytes(b"x")
    with discovered(tmp_path, [str(folder)]) as (found, _):
        assert found == sorted(names)


def test_the_output_folder_inside_an_input_is_skipped(tmp_path):
    _tree(tmp_path / "in")
    out = tmp_path / "in" / "县" / "结果"
    out.mkdir()
    (out / "r.json").write_text("{}", encoding="utf-8")
    with discovered(tmp_path, [str(tmp_path / "in")], exclude=out) as (found, ignored):
        assert "县/结果/" in ignored and not any("结果" in i for i in found)
