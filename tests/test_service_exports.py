"""The office's downloads put each agency's submitted report in a file named after the agency: two agencies whose
names are safe alike (``甲/镇`` and ``甲:镇`` are both ``甲_镇``), alike ignoring case, or alike as far as a file name
keeps them must still be two files, or one report silently replaces the other in the summary and the roll-up; and a
name of any length must give a file name the file system takes."""

from __future__ import annotations

import json
import random

from builders import consistent_report
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.files import DERIVED_NAME_BYTES, bounded
from gaip_xl.service.exports import _UNSAFE, bulk_outputs, input_names

NAMES = st.lists(st.text(st.sampled_from("甲乙镇Aa/:*?_ \\\x01"), min_size=0, max_size=6)
                 | st.text(st.sampled_from("县局a"), min_size=118, max_size=124), max_size=12)


@settings(max_examples=200, deadline=None)
@given(NAMES)
def test_every_agency_gets_a_file_of_its_own_named_after_it(agencies):
    names = input_names(agencies)
    assert len({name.casefold() for name in names}) == len(agencies)
    for agency, name in zip(agencies, names, strict=True):
        assert name.endswith(".json") and not _UNSAFE.search(name)
        assert name.startswith(bounded(_UNSAFE.sub("_", agency), DERIVED_NAME_BYTES - 32) or "_")
        assert len(name.encode("utf-8")) <= DERIVED_NAME_BYTES


def test_agencies_named_alike_or_at_length_are_all_in_the_summary_and_the_rollup(tmp_path):
    reports = []
    for seed, name in enumerate(["甲/镇人民政府", "甲:镇人民政府", "某" * 200]):
        report = consistent_report("2021", random.Random(seed), 2024)
        report.agency.name, report.agency.level = name, "乡镇"
        reports.append(report)
    out = bulk_outputs([(r.agency.name, r.to_json()) for r in reports], "测试县人民政府", "县级", tmp_path)
    tidy = (out / "tidy.csv").read_text(encoding="utf-8-sig")
    assert "甲/镇人民政府" in tidy and "甲:镇人民政府" in tidy and "某" * 200 in tidy
    rollup = json.loads(next((out / "rollup").glob("rollup-*.json")).read_text(encoding="utf-8"))
    assert rollup["tables"]["s3"]["total"]["total"] == sum(r.figures["s3.total.total"] for r in reports)
