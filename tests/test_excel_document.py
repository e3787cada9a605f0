"""The to-json document built by ``report_document`` is byte for byte ``report.to_json(validation=…)`` (the
standard library's json.dumps), for real cases, random reports of both editions and hand-written odd values."""

from __future__ import annotations

import random

import pytest
from builders import consistent_report, load_case
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.excel.document import report_document, report_text
from gaip_xl.report import Explanation
from gaip_xl.rules import validate

SOURCE = {"template_version": "1.0", "warnings": [{"code": "W_MACROS_IGNORED", "message": "宏"}]}
ODD = st.one_of(st.none(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
                st.booleans(), st.text(max_size=12), st.lists(st.integers(), max_size=3),
                st.dictionaries(st.text(max_size=3), st.one_of(st.none(), st.text(max_size=3)), max_size=2))
FACTS = ["text.overview", "text.problems", "text.other", "explanations", "year", "published_on", "report_type",
         "agency.level", "agency.contact", "agency.region_code"]


def _expected(report, result, source=None) -> str:  # type: ignore[no-untyped-def]
    validation = {**result.to_dict(), **({"source": source} if source is not None else {})}
    return report.to_json(validation=validation)


def test_real_cases_with_and_without_a_source():
    for name in ("xian-2021", "huashi-2021", "huaian-2024", "pingtan-2022"):
        report = load_case(name)
        result = validate(report)
        assert report_document(report, result, SOURCE) == _expected(report, result, SOURCE)
        assert report_document(report, result) == _expected(report, result)


@settings(max_examples=40, deadline=None)
@given(edition=st.sampled_from(["2019", "2021"]), seed=st.integers(0, 10**6),
       odd=st.lists(st.tuples(st.integers(0, 400), ODD), max_size=6),
       name=st.one_of(st.none(), st.text(max_size=20)),
       facts=st.lists(st.tuples(st.sampled_from(FACTS), ODD), max_size=4),
       large=st.sampled_from([None, 1e308, 10**400, -0.0, 12.5]))
def test_random_reports_with_odd_values(edition, seed, odd, name, facts, large):
    report = consistent_report(edition, random.Random(seed))
    codes = [cell.code for cell in report.edition.cells]
    for index, value in odd:
        report.figures[codes[index % len(codes)]] = value
    if large is not None:  # a float sum that overflows, an int too large for a float, a signed zero, a fraction
        report.figures[codes[0]] = report.figures[codes[1]] = large
    report.agency.name = name
    result = validate(report)  # before the odd facts: the rules expect a fact's type, the JSON text must not
    for target, value in facts:  # a Python caller may put anything in a fact
        owner, attribute = (report.agency, target[7:]) if target.startswith("agency.") else (report, target)
        if target.startswith("text."):
            report.text[target[5:]] = value
        elif target == "explanations":
            report.explanations = [Explanation("R8", ("s3.new.natural",), str(value))]
        else:
            setattr(owner, attribute, value)
    try:
        expected = _expected(report, result, SOURCE)
    except ValueError:  # a fact JSON cannot hold (inf, nan): refused alike
        with pytest.raises(ValueError):
            report_document(report, result, SOURCE)
        return
    assert report_document(report, result, SOURCE) == expected


def test_report_text_identifies_the_report_not_its_findings():
    report = load_case("huaian-2024")
    before = report_text(report)
    assert report_document(report, validate(report), SOURCE).startswith("{\n" + before + ",\n")
    report.figures[next(iter(report.figures))] += 1
    assert report_text(report) != before
