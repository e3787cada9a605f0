"""The report's facts other than figures: who reports, for which year, and the prose sections."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FieldKind(StrEnum):
    TEXT = "text"
    LEVEL = "level"  # one of editions.LEVELS
    YEAR = "year"
    DATE = "date"
    REGION_CODE = "region_code"  # six-digit 行政区划代码
    REPORT_TYPE = "report_type"  # one of REPORT_TYPES


@dataclass(frozen=True)
class InfoField:
    code: str  # dotted path in the JSON document, e.g. "agency.name"
    label: str
    kind: FieldKind
    required: bool
    prompt: str  # the input prompt the template shows
    since: str = "1.0"  # the template version that added it: older templates have no cell for it

    @property
    def json_path(self) -> str:
        return "/" + self.code.replace(".", "/")


INFO_FIELDS = (
    InfoField("agency.name", "机关名称", FieldKind.TEXT, True, "填写发布本报告的行政机关全称"),
    InfoField("agency.level", "行政级别", FieldKind.LEVEL, True, "从下拉列表中选择本机关的行政级别"),
    InfoField("agency.region_code", "行政区划代码", FieldKind.REGION_CODE, False, "六位行政区划代码，可不填"),
    InfoField("year", "报告年度", FieldKind.YEAR, True, "报告所属年度，如 2025"),
    InfoField("published_on", "发布日期", FieldKind.DATE, False, "报告公开发布的日期，应不晚于次年1月31日"),
    InfoField("agency.contact", "联系人及电话", FieldKind.TEXT, False, "负责本报告的联系人及电话，可不填"),
    InfoField("report_type", "报告类型", FieldKind.REPORT_TYPE, False,
              "本机关自己的年度报告选“本机关”；汇总本行政区域各机关年度报告的选“汇总”", since="1.1"),
)
# 报告类型: an agency's own report, or the 汇总 a government office compiles for its region; the latter is due later
# (county 2月20日, city 3月10日, province 3月31日 instead of 1月31日).
REPORT_TYPES = ("本机关", "汇总")
INFO_FIELDS_BY_CODE = {f.code: f for f in INFO_FIELDS}
