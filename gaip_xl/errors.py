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
    def message(self) -> str:
        text = self.template.format(**{"detail": "", **self.params})
        return f"{self.path}：{text}" if self.path else text

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "message": self.message, "path": self.path}

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


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
