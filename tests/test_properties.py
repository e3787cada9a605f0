"""Property tests: consistency by construction, and every single change caught where it was made."""

import random

from builders import consistent_report
from hypothesis import given, settings
from hypothesis import strategies as st

from gaip_xl.rules import identities, validate

editions = st.sampled_from(["2019", "2021"])
seeds = st.integers(0, 2**32 - 1)


@settings(max_examples=60, deadline=None)
@given(editions, seeds, st.integers(1, 3000))
def test_a_report_built_to_satisfy_every_identity_has_no_error(edition, seed, high):
    assert validate(consistent_report(edition, random.Random(seed), high=high)).errors == []


@settings(max_examples=150, deadline=None)
@given(editions, seeds, st.data())
def test_changing_one_related_figure_breaks_exactly_its_identities(edition, seed, data):
    report = consistent_report(edition, random.Random(seed))
    related = sorted({t.code for i in identities(edition) for t in i.terms})
    code = data.draw(st.sampled_from(related), label="cell")
    delta = data.draw(st.integers(1, 50), label="delta")
    report.figures[code] += delta

    expected = {(i.rule, i.key) for i in identities(edition) if code in {t.code for t in i.terms}}
    findings = [f for f in validate(report).errors if f.rule in ("R1", "R2", "R3", "R4")]
    found = set()
    for f in findings:
        identity = next(i for i in identities(edition)
                        if i.rule == f.rule and [t.code for t in i.terms] == [c.code for c in f.cells])
        found.add((identity.rule, identity.key))
        assert code in {c.code for c in f.cells}
        assert abs(f.difference) == delta
    assert found == expected
    assert expected  # every related cell belongs to at least one identity


@given(st.lists(st.sampled_from([f"D{n}" for n in range(1, 30)]), min_size=1), st.sampled_from(["、", " "]))
def test_a_finding_lists_at_most_ten_cells_each_once_then_how_many_in_all(cells, separator):
    from gaip_xl.rules.summary import MAX_LISTED, listed

    unique = list(dict.fromkeys(cells))
    text = listed(cells, separator)
    shown = text.split("等")[0].split(separator)
    assert shown == unique[:MAX_LISTED]
    assert text.endswith(f"等{len(unique)}处") == (len(unique) > MAX_LISTED)
    assert listed(cells, separator, counted=False) == text.split("等")[0] + ("等" if len(unique) > MAX_LISTED else "")
