"""Builds examples/submissions/: filled templates of real published reports, as agencies would submit them.

    python examples/make_submissions.py

Each workbook is ``write_workbook`` of a report in tests/cases (2021 edition). Run it again whenever the template
changes (a new template version): the reader refuses workbooks of another template version.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gaip_xl import Report, write_workbook  # noqa: E402

CASES = ROOT / "tests" / "cases"
SUBMISSIONS = {  # file name as an agency would send it → the case it holds
    "淮安市人民政府-2024.xlsx": "huaian-2024",
    "平潭综合实验区管理委员会-2021.xlsx": "pingtan-2021",
    "章古台镇人民政府-2021.xlsx": "zhanggutai-2021",
    "大洼区西安镇人民政府-2021.xlsx": "xian-2021",
    "花石镇人民政府-2021.xlsx": "huashi-2021",
}


def main() -> None:
    folder = Path(__file__).resolve().parent / "submissions"
    folder.mkdir(exist_ok=True)
    for name, case in SUBMISSIONS.items():
        write_workbook(Report.load(CASES / f"{case}.json"), folder / name)
        print(folder / name)


if __name__ == "__main__":
    main()
