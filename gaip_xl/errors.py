"""Errors for input that cannot be read at all, each with a stable code and a Chinese message.

Findings (``gaip_xl.rules``) describe a report that was read; these describe input that could not be. As in
frictionless, code and message template are class attributes: the code is what machines count and what a
translation keys on, the message is what a clerk reads.
"""

from __future__ import annotations

from typing import Any, ClassVar


class GaipError(Exception):
    """Base of every error gaip_xl reports to a user instead of a traceback."""

    code: ClassVar[str] = "E_GAIP"
    title: ClassVar[str] = "无法处理"
    template: ClassVar[str] = "{detail}"

    def __init__(self, path: str | None = None, **params: Any) -> None:
        self.path = path
        self.params = params
        super().__init__(self.message)

    @property
    def text(self) -> str:
        """The message without the file's name (for a table that has its own column for that)."""
        return self.template.format(**{"detail": "", **self.params})

    @property
    def message(self) -> str:
        return f"{self.path}：{self.text}" if self.path else self.text

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its class, path and parameters (as pandera's errors are): it crosses to and from worker
        processes as itself, message and all (Exception's own pickling would pass the message as the path)."""
        return _rebuild, (type(self), self.path, self.params)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "message": self.message, "path": self.path}

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


def _rebuild(kind: type[GaipError], path: str | None, params: dict[str, Any]) -> GaipError:
    return kind(path, **params)


class FileMissing(GaipError):
    code = "E_FILE_NOT_FOUND"
    title = "找不到文件"
    template = "找不到该文件，或无权读取"


class JsonSyntax(GaipError):
    code = "E_JSON_SYNTAX"
    title = "不是有效的JSON"
    template = "不是有效的 JSON 文件（第{line}行第{column}列：{detail}）"


class JsonStructure(GaipError):
    code = "E_JSON_STRUCTURE"
    title = "不是年报JSON"
    template = "不是政府信息公开年报的 JSON 文档：{detail}"


class UnknownEdition(GaipError):
    code = "E_EDITION"
    title = "无法确定格式版本"
    template = "无法确定格式版本：{detail}（应为 2019 或 2021，或给出报告年度以推定）"


class UnsupportedFile(GaipError):
    code = "E_FILE_TYPE"
    title = "文件类型不支持"
    template = "不支持此类文件：{detail}"


class OutputFailed(GaipError):
    code = "E_OUTPUT"
    title = "无法写出结果"
    template = "无法写出结果文件：{detail}"


# ---------------------------------------------------------------------------- workbooks (gaip_xl.excel)
class NotXlsx(GaipError):
    code = "E_NOT_XLSX"
    title = "不是xlsx工作簿"
    template = "不是 Excel 工作簿（.xlsx）：{detail}"


class LegacyXls(GaipError):
    code = "E_LEGACY_XLS"
    title = "旧版xls文件"
    template = "这是旧版 Excel 97-2003 工作簿（.xls），请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再提交"


class Encrypted(GaipError):
    code = "E_ENCRYPTED"
    title = "工作簿有打开密码"
    template = "工作簿设置了打开密码（已加密），无法读取：请在 Excel 或 WPS 中取消“用密码进行加密”后重新保存再提交"


class ZipBomb(GaipError):
    code = "E_ZIP_BOMB"
    title = "压缩内容异常"
    template = "文件的压缩内容异常（疑似压缩炸弹或已损坏），拒绝读取：{detail}"


class XmlAttack(GaipError):
    code = "E_XML_ATTACK"
    title = "XML内容不安全"
    template = "文件中的内部文件“{part}”含有不允许的 XML 声明（DOCTYPE/ENTITY），拒绝读取"


class TooLarge(GaipError):
    code = "E_TOO_LARGE"
    title = "工作簿过大"
    template = "工作簿过大，超出年报模板的合理范围，拒绝读取：{detail}"


class NotTemplate(GaipError):
    code = "E_NOT_TEMPLATE"
    title = "不是年报模板"
    template = "不是 gaip-xl 生成的政府信息公开年报模板：{detail}。请下载官方模板（gaip-xl template）填写"


class TemplateVersion(GaipError):
    code = "E_TEMPLATE_VERSION"
    title = "模板版本不支持"
    template = "模板版本为“{found}”，本程序只能读取版本 {supported} 的模板：请用最新模板重新填写，或升级 gaip-xl"


class MissingSheet(GaipError):
    code = "E_MISSING_SHEET"
    title = "缺少工作表"
    template = "缺少工作表“{sheet}”（可能被删除或改名），请使用原模板填写"


class MissingName(GaipError):
    code = "E_MISSING_NAME"
    title = "缺少定义名称"
    template = "模板的定义名称“{name}”缺失或已失效（{detail}），无法确定“{code}”所在单元格，请使用原模板填写"


class Tampered(GaipError):
    code = "E_TAMPERED"
    title = "模板结构被改动"
    template = "模板结构被改动（可能插入或删除了行列、移动了表格或改写了标题），为免读错数据已停止读取：{detail}"


class NoCachedValue(GaipError):
    code = "E_NO_CACHED_VALUE"
    title = "公式没有计算结果"
    template = ("单元格 {cells} 是公式但文件中没有保存计算结果（文件不是由 Excel/WPS 保存的？）："
                "请在 Excel 或 WPS 中打开、确认数字显示正确后保存，再提交")


class UnwritableValue(GaipError):
    code = "E_UNWRITABLE_VALUE"
    title = "数据无法写入工作簿"
    template = "“{code}”的值无法写入 Excel 单元格：{detail}"


# ---------------------------------------------------------------------------- the Excel add-in (gaip_xl.addin)
class SheetProtected(GaipError):
    code = "E_PROTECTED"
    title = "无法取消工作表保护"
    template = "无法取消或恢复工作表保护（密码不是模板密码？）：{detail}"


class EditionMismatch(GaipError):
    code = "E_EDITION_MISMATCH"
    title = "格式版本不一致"
    template = "年报为{found}年版格式，当前模板为{expected}年版格式：请打开{found}年版模板（gaip-xl template）再导入"


class UnsavedWorkbook(GaipError):
    code = "E_UNSAVED"
    title = "工作簿尚未保存"
    template = "工作簿尚未保存到磁盘，不知道把 JSON 写在哪里：请先保存工作簿"


class NeedsExcel(GaipError):
    code = "E_NEEDS_EXCEL"
    title = "需要Excel"
    template = "安装加载项需要 Windows 或 macOS 上的 Microsoft Excel，本机（{platform}）没有 Excel：{detail}"


# ---------------------------------------------------------------------------- bulk conversion (gaip_xl.bulk)
class ArchiveUnreadable(GaipError):
    code = "E_ARCHIVE"
    title = "压缩包无法读取"
    template = "压缩包或其中的文件无法读取：{detail}"


class ArchiveUnsafeName(GaipError):
    code = "E_ARCHIVE_PATH"
    title = "压缩包内文件名不安全"
    template = "压缩包内的文件名“{name}”含有“..”或绝对路径（解压时可能覆盖别处的文件），已拒绝读取：请重新打包后提交"


class ContainerFile(GaipError):
    code = "E_ARCHIVE_FORMAT"
    title = "压缩包或邮件无法直接读取"
    template = "这是{form}，{advice}"


class InternalError(GaipError):
    code = "E_INTERNAL"
    title = "程序内部错误"
    template = "处理该文件时程序出错（{detail}），已跳过该文件继续处理其余文件：请把该文件发给维护人员"


class OutputInUse(GaipError):
    code = "E_OUTPUT_IN_USE"
    title = "输出目录正被使用"
    template = "另一个 gaip-xl bulk 正在向该目录写出结果，请等它结束后再运行"


# ---------------------------------------------------------------------------- JSON input and the command line
class JsonEncoding(GaipError):
    code = "E_JSON_ENCODING"
    title = "JSON文件编码不对"
    template = "JSON 文件的文字编码不对（{detail}），应为 UTF-8：请用记事本等工具“另存为”UTF-8 编码后再提交"


class JsonDuplicateKey(GaipError):
    code = "E_JSON_DUPLICATE_KEY"
    title = "JSON中有重复的键"
    template = ("JSON 文件中 {where} 的键“{key}”出现了 {times} 次（{values}），无法确定以哪一个为准："
                "请只保留一个后再提交")


class JsonTooLarge(GaipError):
    code = "E_JSON_TOO_LARGE"
    title = "JSON文件过大"
    template = "JSON 文件有 {size} 字节，超过年报文档的合理大小（最多 {limit} 字节），拒绝读取"


class ProgramError(GaipError):
    """A bug, not bad input: what the command line says instead of a traceback (``--debug`` shows it)."""

    code = "E_INTERNAL"
    title = "程序内部错误"
    template = "程序内部错误（{detail}）：请把所用的文件和这条信息发给维护人员；加 --debug 可显示详细的出错位置"

# ---------------------------------------------------------------------------- publishing (gaip_xl.publish)
class ReportHasErrors(GaipError):
    code = "E_REPORT_HAS_ERRORS"
    title = "年报有错误，未生成"
    template = ("年报有 {errors} 个错误，为免发布错误的数字，未生成年报：请先改正"
                "（确认无误仍要生成时，命令行加 --force）")

# ---------------------------------------------------------------------------- published documents (gaip_xl.importer)
class DocumentTooLarge(GaipError):
    code = "E_DOCUMENT_TOO_LARGE"
    title = "文档过大"
    template = "文档过大，超出年报的合理范围，拒绝读取：{detail}"


class EmptyDocument(GaipError):
    code = "E_EMPTY_DOCUMENT"
    title = "文档是空的"
    template = "文档中没有任何文字：{detail}"


class ScannedPdf(GaipError):
    code = "E_SCANNED_PDF"
    title = "PDF没有文字层"
    template = ("PDF 只有图片、没有文字层（可能是扫描件），无法读出其中的数字：请提供可复制文字的 PDF、网页或 Word 文件"
                "（共 {pages} 页，{images} 张图片）")


class DocumentUnreadable(GaipError):
    code = "E_DOCUMENT"
    title = "文档无法解析"
    template = "文档已损坏或无法解析：{detail}"


class NeedsLibreOffice(GaipError):
    """Raised with ``task`` (what needed LibreOffice) and ``instead`` (what the user can do without it)."""

    code = "E_NEEDS_LIBREOFFICE"
    title = "需要LibreOffice"
    template = ("{task}需要 LibreOffice（soffice），本机未找到：请安装 LibreOffice（Debian/Ubuntu：apt install "
                "libreoffice-writer-nogui；Windows/macOS：libreoffice.org），或{instead}")


class NotAReport(GaipError):
    code = "E_NOT_A_REPORT"
    title = "不是政府信息公开年报"
    template = "文档中找不到政府信息公开工作年度报告的章节或表格：{detail}"


# ---------------------------------------------------------------------------- rosters (gaip_xl.roster)
class RosterUnreadable(GaipError):
    code = "E_ROSTER_FORMAT"
    title = "名单无法读取"
    template = "名单无法读取：{detail}（应为 .xlsx，或 UTF-8、GBK 编码的 .csv）"


class RosterHeader(GaipError):
    code = "E_ROSTER_HEADER"
    title = "名单缺少表头"
    template = "名单应有一行表头（在前 10 行内，上方可有标题），且含“{required}”一列（可另有：{optional}）；{detail}"


class RosterDuplicate(GaipError):
    code = "E_ROSTER_DUPLICATE"
    title = "名单有重复机关"
    template = "名单中机关“{name}”出现了不止一次（第 {rows} 行），请只保留一行"


class RosterEmpty(GaipError):
    code = "E_ROSTER_EMPTY"
    title = "名单为空"
    template = "名单中没有任何机关名称"


# ---------------------------------------------------------------------------- the web service (gaip_xl.service)
class UploadTooLarge(GaipError):
    code = "E_UPLOAD_TOO_LARGE"
    title = "上传文件过大"
    template = "上传的文件超过 {limit_mb} MB，已停止接收（填好的模板通常不到 100 KB）"


class UploadMissing(GaipError):
    code = "E_UPLOAD_MISSING"
    title = "没有选择文件"
    template = "没有收到文件，请先选择要上传的工作簿"


class CsrfFailed(GaipError):
    code = "E_CSRF"
    title = "页面已过期"
    template = "页面已过期或不是从本系统提交的，请刷新页面后重试"


class LoginLocked(GaipError):
    code = "E_LOGIN_LOCKED"
    title = "登录失败次数过多"
    template = "登录失败次数过多，已暂停登录，请 {minutes} 分钟后再试"


class NotSubmittable(GaipError):
    code = "E_NOT_SUBMITTABLE"
    title = "不能提交"
    template = "不能提交：{detail}"


class FieldRepeated(GaipError):
    code = "E_FIELD_REPEATED"
    title = "同一项出现了多次"
    template = "请求中的“{names}”出现了不止一次，无法确定该用哪一个（一次只能上传一个文件）：请只保留一个"


class PageNotFound(GaipError):
    code = "E_NOT_FOUND"
    title = "找不到"
    template = "{detail}"


class MethodNotAllowed(GaipError):
    code = "E_METHOD_NOT_ALLOWED"
    title = "不支持的请求方式"
    template = "该网址不接受 {method} 请求（只接受：{allowed}）"

# ---------------------------------------------------------------------------- what a workbook package may contain
class DuplicateSheet(GaipError):
    code = "E_DUPLICATE_SHEET"
    title = "工作表重名"
    template = ("工作簿中有两个名为“{sheet}”的工作表（名称不区分大小写），无法确定应读取哪一个："
                "Excel 不会保存这样的文件，请用原模板重新填写")


class DuplicatePart(GaipError):
    code = "E_DUPLICATE_PART"
    title = "内部文件重名"
    template = ("工作簿的压缩包中有两个名为“{part}”的内部文件（名称不区分大小写），无法确定应读取哪一个："
                "文件可能被改写，请用 Excel 或 WPS 重新保存后提交")


class EncryptedEntry(GaipError):
    code = "E_ENCRYPTED_PART"
    title = "内部文件被加密"
    template = ("工作簿的内部文件“{part}”用压缩包密码加密，无法读取（Excel 和 WPS 不会这样保存）："
                "请用 Excel 或 WPS 打开原文件另存为 .xlsx 后提交")

class NotRegularFile(GaipError):
    code = "E_NOT_FILE"
    title = "不是普通文件"
    template = "这不是普通文件（{detail}），未读取：请给出文件本身，而不是文件夹、管道或设备"


class FileTimeLimit(GaipError):
    code = "E_TIMEOUT"
    title = "处理超时"
    template = "处理该文件超过 {seconds} 秒仍未完成，已停止处理该文件并继续处理其余文件：请把该文件发给维护人员"


class WorkerCrashed(GaipError):
    code = "E_CRASHED"
    title = "处理进程意外退出"
    template = ("处理该文件时处理进程意外退出（可能内存不足或文件触发了程序缺陷），已跳过该文件继续处理其余文件："
                "请把该文件发给维护人员")


class OutputHoldsWork(GaipError):
    code = "E_OUTPUT_HOLDS_WORK"
    title = "输出文件里有别的内容"
    template = ("{detail}，写出会把它覆盖掉，为免丢失，未写出：请换一个输出文件名；"
                "确认不再需要它时，命令行加 --overwrite")


class OutputOverlapsInput(GaipError):
    code = "E_OUTPUT_IS_INPUT"
    title = "输出文件夹与输入重叠"
    template = ("输出文件夹不能是输入本身，输入也不能在输出文件夹里面（否则上次的结果会被当作报送文件再读一遍）："
                "请另选输出文件夹")


class OutputFolderNotOurs(GaipError):
    code = "E_OUTPUT_NOT_EMPTY"
    title = "输出文件夹里已有别的文件"
    template = ("输出文件夹里已有别的文件（{names}），它不是空文件夹，也不是批量转换以前的结果文件夹；"
                "批量转换会在结果文件夹里写入、替换和清理自己的文件，为免覆盖或删除这些文件，未做任何改动："
                "请指定一个新的或空的文件夹")


class BadRequest(GaipError):
    code = "E_BAD_REQUEST"
    title = "请求内容不对"
    template = "{detail}"

class EncryptedDocument(GaipError):
    """A published document (PDF, Word package or compound file) that needs a password: the workbook's E_ENCRYPTED,
    worded for documents."""

    code = "E_ENCRYPTED"
    title = "文档有打开密码"
    template = ("文档设置了打开密码（已加密），无法读取：请在 WPS、Word 或 PDF 阅读器中用密码打开，"
                "取消密码后另存，再导入")
