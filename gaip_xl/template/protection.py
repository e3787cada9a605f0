"""The template's lock: one password and one version, defined here and nowhere else.

The password is not a secret (it is printed in the README): sheet protection only keeps a clerk from overwriting
labels and formulas by accident, and a collecting office that must change the template can still unprotect it.
"""

from __future__ import annotations

from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..format.layout import TEMPLATE_VERSION  # noqa: F401  (re-exported: it versions the layout, defined there)

TEMPLATE_PASSWORD = "gaip2021"


def protect_sheet(sheet: Worksheet) -> None:
    """Locks every locked cell of ``sheet``; a clerk may still select and fill the unlocked input cells."""
    guard = sheet.protection
    guard.sheet = True
    guard.password = TEMPLATE_PASSWORD  # openpyxl stores the legacy hash Excel, WPS and LibreOffice all accept
    # In OOXML a true flag means "forbidden"; openpyxl's defaults forbid every change (formatting, inserting,
    # deleting, sorting) and leave selecting cells allowed, which is what a fill-in form wants.


def protect_workbook(workbook: Workbook) -> None:
    """No sheet can be added, deleted, renamed, moved or unhidden (the hidden _gaip sheet stays hidden)."""
    security = WorkbookProtection(lockStructure=True)
    security.workbookPassword = TEMPLATE_PASSWORD
    workbook.security = security
