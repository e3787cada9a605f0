"""Every rule, declared as data: id, severity, a short Chinese title and the Chinese message template.

The check that finds a rule's cases lives in ``checks.py`` under the same id; the message template's placeholders
are the keys that check fills. Ids are stable: they are what bulk summaries count and what translations key on.
"""

from __future__ import annotations

from dataclasses import dataclass

from .findings import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class RuleSpec:
    id: str
    severity: Severity
    title: str
    message: str
    relates: str  # which cells the rule relates, in words (documentation and the CLI's rule list)


BLANK_NOTE = "（其中{count}个空白单元格按0计算）"

CATALOG: tuple[RuleSpec, ...] = (
    # ------------------------------------------------------------------ 勾稽关系 within one report
    RuleSpec("R1", E, "第三部分收支平衡",
             "第三部分「{column}」列：（七）总计与四、结转下年度继续办理之和为{actual}，比一、本年新收与二、上年结转之和"
             "（{expected}）{more_or_less}，两者应相等{blank_note}",
             "第三部分每一列：一 + 二 = 三（七）总计 + 四"),
    RuleSpec("R2", E, "第三部分办理结果合计",
             "第三部分「{column}」列：（七）总计{comparison}{blank_note}",
             "第三部分每一列：（七）总计 = （一）+（二）+（三）1–8 +（四）1–3 +（五）1–5 +（六）"),
    RuleSpec("R3", E, "第三部分申请人合计",
             "第三部分「{row}」行：总计{comparison}{blank_note}",
             "第三部分每一行：总计 = 自然人 + 法人或其他组织五类"),
    RuleSpec("R4", E, "第四部分合计",
             "第四部分「{row}」：总计{comparison}{blank_note}",
             "第四部分行政复议、未经复议直接起诉、复议后起诉各自：总计 = 维持 + 纠正 + 其他 + 尚未审结"),
    # ------------------------------------------------------------------ 勾稽关系 across two years
    RuleSpec("R5", E, "上年结转与上年报告一致",
             "第三部分「{column}」列：本年二、上年结转为{actual}，但上年报告四、结转下年度继续办理为{expected}{blank_note}",
             "本年 三.二、上年结转 = 上年 三.四、结转下年度继续办理（每一列）"),
    RuleSpec("R6", W, "上一年项目数量与上年报告一致",
             "第二部分{caption}「{row}」：上一年项目数量填了{actual}，比上年报告的上一年项目数量与本年增/减之和"
             "（{expected}）{more_or_less}",
             "2019年版第二部分：本年上一年项目数量 = 上年上一年项目数量 + 上年本年增/减"),
    RuleSpec("R7", W, "对外公开总数量与上年报告衔接",
             "第二部分第二十条第（一）项「{row}」：对外公开总数量填了{actual_target}，按上年对外公开总数量加本年新公开"
             "数量应为{should}，{more_or_less}",
             "2019年版第二部分：对外公开总数量 = 上年对外公开总数量 + 本年新公开数量"),
    RuleSpec("R8", W, "现行有效件数与上年报告衔接",
             "第二部分第二十条第（一）项「{row}」：现行有效件数填了{actual_target}，按上年现行有效件数加本年制发件数、"
             "减本年废止件数应为{should}，{more_or_less}；文件到期失效等情况也会造成差异，请核实",
             "2021年版第二部分：上年现行有效件数 + 本年制发件数 − 本年废止件数 = 本年现行有效件数"),
    RuleSpec("R9", W, "文字部分数字与表格不符",
             "{part}中写有“{phrase}”，但表格中的{what}为{expected}{alternative}",
             "文字部分引用的受理（“收到…申请”也可指新收加上年结转）、结转、办结、复议、诉讼数字，以及第二部分的"
             "制定规章、规范性文件、行政许可件数"),
    # ------------------------------------------------------------------ what a figure cell holds
    RuleSpec("V1", E, "应填数字", "{label}填写了“{value}”，此处应填写数字{hint}", "每个数字单元格"),
    RuleSpec("V2", E, "应为整数", "{label}为{value}，件数应为整数", "件数与本年增/减"),
    RuleSpec("V3", E, "不能为负数", "{label}为{value}，不能为负数（只有2019年版的“本年增/减”可以为负）",
             "除本年增/减外的每个数字单元格"),
    RuleSpec("V4", E, "小数位过多", "{label}为{value}，金额最多保留6位小数（以万元为单位）", "金额"),
    RuleSpec("B1", W, "空白单元格",
             "{table}有{count}个空白单元格（{listed}），校验时按0计算；如确为0，请填写0", "每个数字单元格"),
    # ------------------------------------------------------------------ sense checks
    RuleSpec("S1", W, "规章与行政级别不符",
             "本机关行政级别为“{level}”，通常无权制定规章，但第二部分「规章」填写了{value}；请核实是否应填入"
             "「{normative}」",
             "第二部分规章一行与机关行政级别"),
    RuleSpec("S2", W, "总体情况篇幅过长",
             "一、总体情况共{length}字，超过2021年版格式要求的约{limit}字", "一、总体情况"),
    RuleSpec("S3", W, "发布日期晚于规定",
             "发布日期为{date}，晚于规定的{deadline}（{basis}）",
             "发布日期、报告年度、报告类型（本机关次年1月31日前；县级汇总2月20日前，设区的市3月10日前，省级3月31日前）"),
    RuleSpec("S4", W, "格式版本与年度不符",
             "{year}年度报告应使用{expected}年版格式（{notice}），但本报告使用{edition}年版格式", "格式版本与报告年度"),
    RuleSpec("X1", W, "上年报告年度不符",
             "所附上年报告为{previous_year}年度，不是本报告的上一年度（{expected_year}年度），跨年度校验未进行",
             "上年报告的年度"),
    RuleSpec("X2", W, "上年报告机关不同",
             "所附上年报告的机关为“{previous_name}”，与本报告的“{name}”不同，请确认是同一机关", "上年报告的机关名称"),
    # ------------------------------------------------------------------ the document itself
    RuleSpec("J1", E, "文档结构不符", "{message}", "JSON Schema 规定的文档结构与基本情况"),
    # ------------------------------------------------------------------ what Excel can hold (gaip_xl/report/limits.py)
    RuleSpec("V5", E, "数字超出Excel精度",
             "{label}为{value}，{reason}：写入 Excel 后会变成别的数，请核实", "每个数字单元格"),

    # ------------------------------------------------------------------ a report imported from a published document
    RuleSpec("I1", E, "导入的表格不完整",
             "{table}有{count}个单元格（{listed}）未能从所导入的文档中读出：{reason}；这些数字无法校验",
             "从已发布文档导入时缺失、被截断或无法定位的表格单元格"),
    # ------------------------------------------------------------------ what reviewers check in the prose
    RuleSpec("T1", W, "存在的主要问题及改进情况缺失或过于简单",
             "{part}{state}；年报格式要求如实说明存在的主要问题及改进情况，不能省略",
             "五、存在的主要问题及改进情况：未填写、只写“无”或少于50字"),
    RuleSpec("T2", W, "未说明信息处理费",
             "{part}没有说明本年度收取信息处理费的情况；按国办函〔2020〕109号，应写明收取的金额，未收取的写明“未收取”",
             "六、其他需要报告的事项：应提到信息处理费（“未收取”也算）"),
    RuleSpec("T3", W, "文字部分缺失", "{part}{state}",
             "一、总体情况和六、其他需要报告的事项未填写，或导入时未找到其标题"),
    RuleSpec("T4", W, "统计表缺失", "{table}{state}", "第二、三、四部分的每张表：全部数字为空，或导入时未找到该表"),
    # ------------------------------------------------------------------ compared with last year's report
    RuleSpec("Y1", W, "数字与上年相比变化过大",
             "{label}本年为{actual}，上年为{expected}，{change}；请核实是否填错",
             "第二部分各数字、第三部分和第四部分的总计：本年是上年的5倍以上或不到五分之一（两者中较大的不小于20）"),
    RuleSpec("Y2", W, "统计表与上年完全相同",
             "{table}的全部数字与上年报告完全相同，请核实是否照抄了上年的表格",
             "第二、三、四部分的每张表与上年报告逐格比较（只比较有非0数字的表）"),
    RuleSpec("Y3", W, "文字与上年大部分相同",
             "{part}有{share}的内容与上年报告相同或几乎相同，年报内容不应与上年雷同",
             "文字部分逐句与上年报告比较：相同或几乎相同的句子占一半以上"),
)

SPECS: dict[str, RuleSpec] = {spec.id: spec for spec in CATALOG}
