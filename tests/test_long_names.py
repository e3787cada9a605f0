"""Names at the file system's limit. A file name may use all of its 255 bytes (85 Chinese characters), and a zip
member's path may be longer still; every name we derive from one (a submission's JSON in bulk, a temporary file of an
atomic write) must fit where the name it comes from fits, or one long name stops the whole batch (``E_OUTPUT``)."""

from __future__ import annotations

import io
import json
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_bulk_support import case_workbook_bytes

from gaip_xl import atomic
from gaip_xl.bulk import run_bulk
from gaip_xl.files import DERIVED_NAME_BYTES, NAME_BYTES, bounded

# One to four bytes a character in UTF-8: what decides whether a name fits.
_CHARS = st.sampled_from("aZ9-é镇县局人民政府𠀀😀")


def _fitting(stem: str, suffix: str) -> str:
    """The longest name of ``stem`` repeated that the file system takes: every name drawn is at the limit."""
    return bounded(stem * NAME_BYTES, NAME_BYTES - len(suffix.encode("utf-8"))) + suffix


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(_CHARS, min_size=1, max_size=8))
def test_any_name_that_fits_can_be_written_atomically(tmp_path_factory, stem):
    folder = tmp_path_factory.mktemp("atomic")
    target = folder / _fitting(stem, ".json")
    atomic.write_text(target, "{}")
    atomic.write_new_text(target, "[]")
    assert target.read_text(encoding="utf-8") == "[]"
    assert [p.name for p in folder.iterdir()] == [target.name]  # no temporary file left


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(_CHARS, min_size=1, max_size=8), min_size=1, max_size=3, unique=True),
       st.text(_CHARS, min_size=1, max_size=8))
def test_a_batch_of_long_names_loses_nothing(tmp_path_factory, stems, member):
    """Files whose names use the whole limit, in a folder, and an archive member whose path is longer than any file
    name: each is a row with its JSON, named within ``DERIVED_NAME_BYTES``."""
    root = tmp_path_factory.mktemp("long")
    inbox = root / "inbox"
    inbox.mkdir()
    workbook = case_workbook_bytes("pingtan-2021")
    names = {_fitting(stem, ".xlsx").casefold(): _fitting(stem, ".xlsx") for stem in stems}
    for name in names.values():
        (inbox / name).write_bytes(workbook)
    with zipfile.ZipFile(inbox / "乡镇.zip", "w") as archive:
        archive.writestr(f"{member * 40}/{member * 40}.xlsx", workbook)  # a path longer than any file name
    result = run_bulk([inbox], root / "out", jobs=1)
    assert len(result.files) == len(names) + 1
    for row in result.files:
        assert row["json"], row
        written = root / "out" / row["json"]
        assert len(written.name.encode("utf-8")) <= DERIVED_NAME_BYTES
        assert json.loads(written.read_text(encoding="utf-8"))["agency"]["name"]


def test_the_json_of_a_long_name_keeps_its_end():
    from gaip_xl.bulk.store import json_name

    name = json_name("县/" + "镇" * 70 + "人民政府.xlsx", "0123456789abcdef")
    assert name.endswith("人民政府-0123456789ab.json") and len(name.encode("utf-8")) <= DERIVED_NAME_BYTES


def test_a_commands_default_output_beside_a_long_input_fits(tmp_path):
    """``to-xlsx 年报.xlsx`` writes ``年报（新模板）.xlsx``, longer than its input: the input's name at the limit must
    still give an output."""
    from gaip_xl.cli import run

    workbook = tmp_path / _fitting("淮安市人民政府", ".xlsx")
    workbook.write_bytes(case_workbook_bytes("pingtan-2021"))
    assert run(["to-json", str(workbook)], io.StringIO(), io.StringIO()) == 0
    assert run(["to-xlsx", str(workbook)], io.StringIO(), io.StringIO()) == 0
    fresh = [p.name for p in tmp_path.iterdir() if p.name.endswith("（新模板）.xlsx")]
    assert len(fresh) == 1 and len(fresh[0].encode("utf-8")) <= NAME_BYTES
    assert len(list(tmp_path.glob("*.json"))) == 1
