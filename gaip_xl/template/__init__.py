"""The official Excel template, generated from the format model: locked, addressable by defined names, and
self-checking with native formulas."""

from .builder import build_template, input_codes, save_template
from .protection import TEMPLATE_PASSWORD, TEMPLATE_VERSION

__all__ = ["TEMPLATE_PASSWORD", "TEMPLATE_VERSION", "build_template", "input_codes", "save_template"]
