"""The official format, declared once, as data: both editions, their tables, rows, columns and cells."""

from .editions import EDITION_2019, EDITION_2021, EDITIONS, LEVELS, LEVELS_THAT_MAKE_RULES, edition_for_year
from .fields import INFO_FIELDS, REPORT_TYPES, FieldKind, InfoField
from .layout import Layout, Pos, defined_name, layout_for
from .model import Cell, Column, Edition, Row, Table, ValueType

__all__ = [
    "EDITION_2019", "EDITION_2021", "EDITIONS", "LEVELS", "LEVELS_THAT_MAKE_RULES", "INFO_FIELDS", "REPORT_TYPES",
    "Cell", "Column",
    "Edition", "FieldKind", "InfoField", "Layout", "Pos", "Row", "Table", "ValueType", "defined_name",
    "edition_for_year", "layout_for",
]
