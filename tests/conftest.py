"""gaip_xl is imported before any test module imports openpyxl: the package sets OPENPYXL_LXML=False before openpyxl
first loads (gaip_xl/__init__.py), and a test module that imports openpyxl first (collected before the others) would
otherwise make every workbook of the run be written through lxml, with character references and other bytes."""

import gaip_xl  # noqa: F401
