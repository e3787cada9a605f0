"""The Excel add-in: worksheet functions (``udfs``), the Python behind the 政府信息公开年报 ribbon (``buttons``),
the workbook access they share (``book``, ``marks``, ``protection``) and the ``.xlam`` build (``build``).

Everything here works on an xlwings ``Book``, so the same code serves Excel on Windows and on macOS (and xlwings'
remote engine in the tests). Importing this package never needs Excel, pywin32 or an xlwings licence key.
"""
