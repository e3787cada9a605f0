"""Both editions of the official format, declared once, as data.

Sources: 国办公开办函〔2019〕60号 (edition "2019", report years 2019–2020) and 国办公开办函〔2021〕30号
(edition "2021", report years 2021 on). Labels are the notices' own, character for character; codes are ours and
stable: they name JSON properties, defined names in the template and the cells of every finding.
"""

from __future__ import annotations

from .model import Column, Edition, Orientation, Row, Table, TextPart, ValueType

COUNT, AMOUNT, CHANGE = ValueType.COUNT, ValueType.AMOUNT, ValueType.CHANGE

SECTION_TITLES = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}

# The report's own title follows the agency's name and the year: “淮安市人民政府2024年政府信息公开工作年度报告”.
REPORT_TITLE = "政府信息公开工作年度报告"


def report_title(agency: str | None, year: int | None) -> str:
    """The title a published report carries; a missing name or year is left out rather than invented."""
    return f"{agency or ''}{f'{year}年' if year is not None else ''}{REPORT_TITLE}"


TEXT_PARTS = (
    TextPart("overview", SECTION_TITLES["一"]),
    TextPart("problems", SECTION_TITLES["五"]),
    TextPart("other", SECTION_TITLES["六"]),
)

# ---------------------------------------------------------------- section 二, edition 2021
_INFO = "信息内容"
_DECISIONS_2021 = (Column("decisions", "本年处理决定数量"),)

_S2_2021 = (
    Table(
        "s2_item1", "二", "第二十条第（一）项", _INFO,
        rows=(Row("rules", "规章"), Row("normative", "行政规范性文件")),
        columns=(Column("issued", "本年制发件数"), Column("repealed", "本年废止件数"),
                 Column("in_force", "现行有效件数")),
    ),
    Table("s2_item5", "二", "第二十条第（五）项", _INFO,
          rows=(Row("licensing", "行政许可"),), columns=_DECISIONS_2021),
    Table("s2_item6", "二", "第二十条第（六）项", _INFO,
          rows=(Row("penalty", "行政处罚"), Row("coercion", "行政强制")), columns=_DECISIONS_2021),
    Table("s2_item8", "二", "第二十条第（八）项", _INFO,
          rows=(Row("fees", "行政事业性收费"),),
          columns=(Column("amount", "本年收费金额（单位：万元）", AMOUNT),)),
)

# ---------------------------------------------------------------- section 二, edition 2019
_PROJECTS_2019 = (
    Column("previous_count", "上一年项目数量"),
    Column("change", "本年增/减", CHANGE),
    Column("decisions", "处理决定数量"),
)

_S2_2019 = (
    Table(
        "s2_item1", "二", "第二十条第（一）项", _INFO,
        rows=(Row("rules", "规章"), Row("normative", "规范性文件")),
        columns=(Column("made", "本年新制作数量"), Column("published", "本年新公开数量"),
                 Column("total_published", "对外公开总数量")),
    ),
    Table("s2_item5", "二", "第二十条第（五）项", _INFO,
          rows=(Row("licensing", "行政许可"), Row("other_services", "其他对外管理服务事项")),
          columns=_PROJECTS_2019),
    Table("s2_item6", "二", "第二十条第（六）项", _INFO,
          rows=(Row("penalty", "行政处罚"), Row("coercion", "行政强制")), columns=_PROJECTS_2019),
    Table("s2_item8", "二", "第二十条第（八）项", _INFO,
          rows=(Row("fees", "行政事业性收费"),), columns=_PROJECTS_2019[:2]),
    Table("s2_item9", "二", "第二十条第（九）项", _INFO,
          rows=(Row("procurement", "政府集中采购"),),
          # The notice gives no unit for the amount; published reports use both 万元 and 元.
          columns=(Column("count", "采购项目数量"), Column("amount", "采购总金额", AMOUNT))),
)

# ---------------------------------------------------------------- section 三 (both editions)
_APPLICANT = "申请人情况"
_LEGAL = (_APPLICANT, "法人或其他组织")
S3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
S3_COLUMNS = (
    Column("natural", "自然人", groups=(_APPLICANT,)),
    Column("commercial", "商业企业", groups=_LEGAL),
    Column("research", "科研机构", groups=_LEGAL),
    Column("public_interest", "社会公益组织", groups=_LEGAL),
    Column("legal_services", "法律服务机构", groups=_LEGAL),
    Column("other_org", "其他", groups=_LEGAL),
    Column("total", "总计", groups=(_APPLICANT,)),
)
S3_APPLICANT_COLUMNS = tuple(c.code for c in S3_COLUMNS if c.code != "total")

_RESULTS = "三、本年度办理结果"
_WITHHELD = (_RESULTS, "（三）不予公开")
_UNABLE = (_RESULTS, "（四）无法提供")
_NOT_PROCESSED = (_RESULTS, "（五）不予处理")
_OTHER = (_RESULTS, "（六）其他处理")


def _s3_rows(other_handling: tuple[Row, ...]) -> tuple[Row, ...]:
    return (
        Row("new", "一、本年新收政府信息公开申请数量"),
        Row("carried_in", "二、上年结转政府信息公开申请数量"),
        Row("disclosed", "（一）予以公开", (_RESULTS,)),
        Row("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", (_RESULTS,)),
        Row("withheld_state_secret", "1.属于国家秘密", _WITHHELD),
        Row("withheld_prohibited_by_law", "2.其他法律行政法规禁止公开", _WITHHELD),
        Row("withheld_three_safeties", "3.危及“三安全一稳定”", _WITHHELD),
        Row("withheld_third_party", "4.保护第三方合法权益", _WITHHELD),
        Row("withheld_internal_affairs", "5.属于三类内部事务信息", _WITHHELD),
        Row("withheld_process_info", "6.属于四类过程性信息", _WITHHELD),
        Row("withheld_enforcement_files", "7.属于行政执法案卷", _WITHHELD),
        Row("withheld_inquiry", "8.属于行政查询事项", _WITHHELD),
        Row("unable_not_held", "1.本机关不掌握相关政府信息", _UNABLE),
        Row("unable_needs_creation", "2.没有现成信息需要另行制作", _UNABLE),
        Row("unable_still_unclear", "3.补正后申请内容仍不明确", _UNABLE),
        Row("not_processed_petition", "1.信访举报投诉类申请", _NOT_PROCESSED),
        Row("not_processed_repeated", "2.重复申请", _NOT_PROCESSED),
        Row("not_processed_publications", "3.要求提供公开出版物", _NOT_PROCESSED),
        Row("not_processed_mass_repeated", "4.无正当理由大量反复申请", _NOT_PROCESSED),
        Row("not_processed_confirmation", "5.要求行政机关确认或重新出具已获取信息", _NOT_PROCESSED),
        *other_handling,
        Row("total", "（七）总计", (_RESULTS,)),
        Row("carried_out", "四、结转下年度继续办理"),
    )


_S3_OTHER_2019 = (Row("other_handling", "（六）其他处理", (_RESULTS,)),)
_S3_OTHER_2021 = (
    Row("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", _OTHER),
    Row("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", _OTHER),
    Row("other_other", "3.其他", _OTHER),
)


def _s3(other_handling: tuple[Row, ...]) -> Table:
    # The table's own note stands in its top-left header cell, as the notices print it.
    return Table("s3", "三", SECTION_TITLES["三"], S3_NOTE, rows=_s3_rows(other_handling), columns=S3_COLUMNS)


# ---------------------------------------------------------------- section 四 (both editions)
_LITIGATION = "行政诉讼"
S4_COLUMNS = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
_S4 = Table(
    "s4", "四", SECTION_TITLES["四"], "",
    rows=(Row("review", "行政复议"),
          Row("direct_suit", "未经复议直接起诉", (_LITIGATION,)),
          Row("suit_after_review", "复议后起诉", (_LITIGATION,))),
    columns=S4_COLUMNS,
    orientation=Orientation.WIDE,
)

EDITION_2019 = Edition(
    code="2019",
    notice="国办公开办函〔2019〕60号",
    title="中华人民共和国政府信息公开工作年度报告格式（试行）",
    first_year=2019,
    last_year=2020,
    tables=(*_S2_2019, _s3(_S3_OTHER_2019), _S4),
    text_parts=TEXT_PARTS,
)

EDITION_2021 = Edition(
    code="2021",
    notice="国办公开办函〔2021〕30号",
    title="中华人民共和国政府信息公开工作年度报告格式",
    first_year=2021,
    last_year=None,
    tables=(*_S2_2021, _s3(_S3_OTHER_2021), _S4),
    text_parts=TEXT_PARTS,
)

EDITIONS: dict[str, Edition] = {e.code: e for e in (EDITION_2019, EDITION_2021)}

# Administrative levels a clerk picks from; those in LEVELS_THAT_MAKE_RULES can make 规章
# (部门规章: 国务院部门; 地方政府规章: 省级 and 设区的市 governments, whose departments draft them).
LEVELS = ("国务院部门", "省级", "省级部门", "设区的市", "设区的市部门", "县级", "县级部门", "乡镇", "其他")
LEVELS_THAT_MAKE_RULES = frozenset({"国务院部门", "省级", "省级部门", "设区的市", "设区的市部门"})


def edition_for_year(year: int) -> Edition:
    """The edition a report for ``year`` must use (2019 for years up to 2020, 2021 from then on)."""
    return EDITION_2019 if year <= EDITION_2019.last_year else EDITION_2021  # type: ignore[operator]
