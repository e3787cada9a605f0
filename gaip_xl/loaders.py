"""Reading a report from whatever file a user names: JSON here; workbooks register themselves from ``excel``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import FileMissing, UnsupportedFile
from .report import Report

Loader = Callable[[Path], Report]
LOADERS: dict[str, Loader] = {".json": Report.load}


def register(suffix: str, loader: Loader) -> None:
    LOADERS[suffix.lower()] = loader


def _load_workbook(path: Path) -> Report:
    from .excel import read_workbook  # lazily: JSON users never load the workbook reader

    return read_workbook(path)


for _suffix in (".xlsx", ".xlsm", ".xls"):  # .xls only to say clearly that the legacy format cannot be read
    register(_suffix, _load_workbook)


def load_report(path: str | Path) -> Report:
    """The report in a file, whatever its kind: a report's JSON or a filled template (.xlsx, .xlsm).

    Args:
        path: the file; its extension decides how it is read.

    Returns:
        The report.

    Raises:
        GaipError: ``E_FILE_NOT_FOUND``, ``E_FILE_TYPE`` (an extension gaip-xl does not read), or what the JSON
            loader (``Report.load``) or the workbook reader (``read_workbook``) raises; never another exception
            for bad input.

    Example:
        >>> load_report("examples/huaian-2024.json").agency.name
        '淮安市人民政府'
        >>> from gaip_xl.errors import GaipError
        >>> try:
        ...     load_report("README.md")
        ... except GaipError as error:
        ...     print(error.code, error.message)
        E_FILE_TYPE README.md：不支持此类文件：扩展名“.md”，应为 .json、.xls、.xlsm、.xlsx 之一
    """
    path = Path(path)
    if not path.is_file():
        raise FileMissing(str(path))
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise UnsupportedFile(str(path), detail=f"扩展名“{path.suffix or '（无）'}”，应为 "
                                               f"{'、'.join(sorted(LOADERS))} 之一")
    return loader(path)
