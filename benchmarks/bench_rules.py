"""How long the rule engine takes on one whole report, per rule set.

    python benchmarks/bench_rules.py [REPEAT]

Runs on the real reports of tests/cases (and a random consistent report of each edition), in one process, and prints
the median time per report for: every rule (what `validate` does), the 勾稽 identities alone (R1–R4), the value and
blank rules (V1–V4, B1), the document check (J1), the reviewers' prose checks (T1–T4) and the cross-year rules with
last year's report (R5–R8, Y1–Y3; Y3 also on a report whose prose is compared with itself a year earlier).
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from builders import consistent_report, load_case  # noqa: E402

from gaip_xl.rules import validate  # noqa: E402

RULE_SETS = {
    "all rules": None,
    "R1–R4": ["R1", "R2", "R3", "R4"],
    "V1–V4, B1": ["V1", "V2", "V3", "V4", "B1"],
    "J1 (schema)": ["J1"],
    "S1–S4, R9": ["S1", "S2", "S3", "S4", "R9"],
    "T1–T4": ["T1", "T2", "T3", "T4"],
}


def per_call(fn, repeat: int) -> float:
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        samples.append((time.perf_counter() - start) / repeat)
    return statistics.median(samples) * 1e6


def main(repeat: int = 500) -> None:
    reports = {name: load_case(name) for name in ("huaian-2024", "xian-2021", "pingtan-2022")}
    reports["random-2019"] = consistent_report("2019", random.Random(1))
    print(f"{'report':<14}" + "".join(f"{name:>14}" for name in RULE_SETS) + "   (µs per report, median of 5)")
    for name, report in reports.items():
        row = [per_call(lambda r=report, s=rules: validate(r, rules=s), repeat) for rules in RULE_SETS.values()]
        print(f"{name:<14}" + "".join(f"{v:>14.0f}" for v in row))
    current, previous = load_case("pingtan-2022"), load_case("pingtan-2021")
    cross = per_call(lambda: validate(current, previous), repeat)
    print(f"\npingtan 2022 with 2021 (every rule incl. R5–R8, Y1–Y3): {cross:.0f} µs")
    prose, earlier = load_case("huashi-2021"), load_case("huashi-2021")
    earlier.year = 2020
    copied = per_call(lambda: validate(prose, earlier, rules=["Y3"]), max(1, repeat // 10))
    print(f"huashi 2021 with its own prose a year earlier (Y3 alone, 2,300 characters): {copied:.0f} µs")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
