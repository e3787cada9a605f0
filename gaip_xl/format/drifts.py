"""Known drifts of published reports from the official labels, declared as data.

Published copies of the reports do not always print the notices' labels character for character: a PDF's own text
layer may lack characters, agencies keep a label of the other edition, or shorten one. The importer's matcher tries
these after an exact match (of normalised text) and before fuzzy matching, and records the match as ``drift``. Each
entry maps the text as published to the official label it stands for; both are normalised the same way before they
are compared, so width, spaces and "1、" for "1." need no entry of their own.
"""

from __future__ import annotations

import re

# published text → the official label it stands for (row labels of sections 二 and 三)
ROW_DRIFTS: dict[str, str] = {
    "2.其他法律行政止公开": "2.其他法律行政法规禁止公开",  # "法规禁" missing from a PDF's own text layer
    "2.其他法律行政法规止公开": "2.其他法律行政法规禁止公开",
    "规范性文件": "行政规范性文件",  # the 2019 edition's row label kept in a 2021-edition report
    "（六）其他": "（六）其他处理",  # the group label shortened (a 2019-edition single row, or the 2021 group)
    "行政法复议": "行政复议",
}

# published text → official column or section label
COLUMN_DRIFTS: dict[str, str] = {
    "其他组织": "其他",  # section 三's last 法人或其他组织 column named in full
    "合计": "总计",
    "本年收费金额": "本年收费金额（单位：万元）",
    "本年收费金额（万元）": "本年收费金额（单位：万元）",
    "采购总金额（万元）": "采购总金额",
}

# Item numbers printed as "1、", "1 ." or "1．" for the notices' "1." (applied by the normaliser, as a pattern).
ITEM_NUMBER = re.compile(r"^(\d{1,2})\s*[、.．,，]\s*")
ITEM_NUMBER_OFFICIAL = r"\1."

# Lines that are page numbers, not content: "-3-", "— 5 —", "第 3 页", "3 / 6".
PAGE_NUMBER = re.compile(r"^\s*(?:[-—–－─]+\s*\d{1,4}\s*[-—–－─]+|第\s*\d{1,4}\s*页(?:\s*共\s*\d{1,4}\s*页)?|"
                         r"\d{1,4}\s*/\s*\d{1,4})\s*$")

# What a published figure cell holds instead of a figure when the item does not apply to the agency.
NOT_APPLICABLE = frozenset({"/", "／", "—", "——", "-", "－", "--", "–", "无", "不适用", "\\"})

# Header labels of a column that holds remarks, not figures (a 备注 column added to a table).
REMARK_HEADERS = frozenset({"备注", "说明", "备注说明"})
