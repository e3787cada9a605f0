"""What the import could not do, declared as data: stable codes (I_…), a Chinese title and message template each.

Import findings are warnings about reading the document, not about the report's figures (those are the rules'):
they go into the import block and are shown beside the rules' findings. Cells the import could not find at all
(a missing or cut-off table, a row that is not there, figures that could not be placed) are also listed as
``missing`` in the import block, and the rule I1 makes such a report not valid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATALOG: dict[str, tuple[str, str]] = {
    "I_SECTION_MISSING": ("缺少部分", "文档中找不到「{section}」部分"),
    "I_TABLE_MISSING": ("缺少表格", "文档中找不到{table}的表格，其{count}个数字无法导入"),
    "I_TABLE_TRUNCATED": ("表格不完整", "{table}的表格在「{last}」之后中断，其后{count}行（{rows}）不在文档中"),
    "I_ROWS_MISSING": ("缺少行", "{table}的表格中找不到{count}行：{rows}"),
    "I_ROW_UNMATCHED": ("行对不上",
                        "表格中的一行“{label}”（{place}）对不上{edition}年版格式的任何一行，其数字未导入：{texts}"),
    "I_ROW_CELLS": ("数字个数不符", "{row}一行有{found}个数字单元格，应为{expected}个，无法确定各数字所属的栏目，"
                                "未导入（{place}）：{texts}"),
    "I_RUN_TOGETHER": ("数字与标签相连",
                       "{row}一行的数字与标签连在一起（“{text}”，{place}），无法确定各个数字，未导入"),
    "I_UNDECODABLE": ("无法识别的字符", "{row}一行有{count}个数字在 PDF 中无法识别（字体缺少字符映射，文件可能已损坏；"
                                     "{place}：{texts}），未导入"),
    "I_ROW_UNREAD": ("找到标签却读不出数字", "{row}一行在文档中找到了（{place}：{texts}），但读不出它的数字，未导入"),
    "I_CELL_UNPLACED": ("多余的单元格", "{row}一行中的“{text}”（{place}）不在任何栏目之下，未导入"),
    "I_COLUMNS_MISSING": ("缺少栏目", "{table}的表头中没有“{columns}”栏目，这些栏目的{count}个数字不在文档中，未导入"),
    "I_ROW_DUPLICATE": ("重复的行", "{row}在文档中出现了不止一次（{place}），各处的数字相同，只计一次"),
    "I_FIGURE_CONFLICT": ("同一单元格有不同的数字",
                          "{row}在文档中出现了不止一次，{count}个单元格各处的数字不同，均未导入：{listed}"),
    "I_ROW_BY_POSITION": ("按行序认定", "“{label}”（{place}）对不上格式中的标签，按{edition}年版的行序认定为{row}"),
    "I_MIXED_EDITION": ("混用两个年版",
                        "文档混用了两个年版的格式（{detail}），按{edition}年版导入；另一年版的行未导入"),
    "I_EDITION_YEAR": ("年版与年度不符", "文档的表格为{edition}年版格式，而报告年度为{year}年（应为{expected}年版）"),
    "I_EDITION_GIVEN": ("指定的年版与标签不符",
                        "文档的标签属于{labels}年版，按指定的{edition}年版导入：栏目对不上的数字未导入"),
    "I_EDITION_GUESSED": ("年版为推定", "文档中没有可区分年版的标签，按{basis}推定为{edition}年版"),
    "I_VALUES_CONVERTED": ("数字经换算", "{count}个单元格的原文不是纯数字，已换算：{listed}"),
    "I_NOT_APPLICABLE": ("不适用", "{count}个单元格填写了“/”“—”“无”等（不适用），保留原文、未作为数字：{listed}"),
    "I_TEXT_LEFT_OVER": ("未用的文字", "表格部分有未能对应到任何单元格的文字：{text}"),
    "I_HIDDEN_TABLES": ("网页中隐藏的表格", "网页中有{count}个浏览器不显示的表格（hidden、display:none、注释、"
                                            "<template>、<noscript> 等），按读者看到的网页，未导入"),
    "I_IMAGES_NOT_READ": ("图片未读取", "文档中有{count}张图片{pages}：图片中的文字和数字无法读取，"
                                     "缺少的表格可能是以图片（扫描件或截图）发布的，"
                                     "请提供表格为文字的 PDF、网页或 Word 文件"),
    "I_PDF_REPAIRED": ("PDF 已修复", "PDF 文件的结构已损坏（交叉引用表损坏或文件不完整，例如没有下载完），"
                                     "已按 PDF 阅读器的方式修复后读取，请核对导入的数字；"
                                     "能取得完好的文件时请用完好的文件"),
    "I_NO_YEAR": ("缺少年度", "标题中找不到报告年度，请用 --year 给出"),
    "I_NO_AGENCY": ("缺少机关名称", "标题中找不到发布报告的机关名称"),
    "I_NO_LEVEL": ("缺少行政级别", "无法从“{name}”看出其行政级别，请用 --level 给出（否则校验报告缺少必填的行政级别）"),
}


@dataclass(frozen=True)
class ImportFinding:
    code: str
    message: str
    cells: tuple[str, ...] = ()  # cell codes the finding is about
    where: tuple[dict[str, Any], ...] = field(default_factory=tuple)  # where in the document

    @property
    def title(self) -> str:
        return CATALOG[self.code][0]

    @property
    def severity(self) -> str:
        return "warning"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "title": self.title, "message": self.message,
                "cells": list(self.cells), "where": list(self.where)}


def import_finding(code: str, cells: tuple[str, ...] = (), where: tuple[dict[str, Any], ...] = (),
                   **params: Any) -> ImportFinding:
    return ImportFinding(code, CATALOG[code][1].format(**params), cells, where)


def where_text(where: dict[str, Any]) -> str:
    """A place in the document as a reader finds it: 第4页, 第2个表格第5行第3列, 第87行."""
    if "line" in where:
        return f"第{where['line']}行"
    parts = []
    if "page" in where:
        parts.append(f"第{where['page']}页")
    if "table" in where and "row" in where:
        parts.append(f"第{where['table'] + 1}个表格第{where['row'] + 1}行")
        if "col" in where:
            parts.append(f"第{where['col'] + 1}列")
    return "".join(parts) or "文档中"
