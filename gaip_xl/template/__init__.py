"""The official Excel template, generated from the format model: locked, addressable by defined names, and
self-checking with native formulas."""

from .builder import build_template, input_codes, save_template
from .checks import CHECK_OK, check_positions
from .protection import TEMPLATE_PASSWORD, TEMPLATE_VERSION
from .summary import findings_block, total_failures_cell

__all__ = ["CHECK_OK", "TEMPLATE_PASSWORD", "TEMPLATE_VERSION", "build_template", "check_positions", "findings_block",
           "input_codes", "save_template", "total_failures_cell"]
