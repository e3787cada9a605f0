Attribute VB_Name = "GaipRibbon"
' Ribbon callbacks of the gaip_xl add-in (tab: government information disclosure annual report).
' Each button runs one function of the Python package gaip_xl through xlwings' RunPython; the Python side
' finds the workbook with xw.Book.caller() and shows any problem as a message box.
' Keep this file ASCII: the VBA project is stored in code page 1252.
Option Explicit

Sub GaipValidate(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.validate_caller()"
End Sub

Sub GaipAutoSum(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.autosum_caller()"
End Sub

Sub GaipClearMarks(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.clear_caller()"
End Sub

Sub GaipExportJson(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.export_json_caller()"
End Sub

Sub GaipImportJson(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.import_json_caller()"
End Sub

Sub GaipPublish(control As IRibbonControl)
    RunPython "import gaip_xl.addin.buttons as b; b.publish_caller()"
End Sub

Sub GaipRegisterFunctions(control As IRibbonControl)
    ' Windows only: writes the VBA wrappers of the worksheet functions (GAIP_CHECK, ...) into this add-in and
    ' keeps them. Needs "Trust access to the VBA project object model" (Trust Center, macro settings).
    ImportPythonUDFsToAddin
    ThisWorkbook.Save
End Sub
