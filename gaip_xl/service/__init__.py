"""gaip-xl serve: the collecting office's web service, a thin skin over the core.

Clerks upload a filled template and see every finding (the converter's safe reader and the rules, exactly as
``gaip-xl validate``), download the marked workbook (``gaip_xl.excel.marked``) and the JSON, write a 说明 for each
warning and submit through their agency's secret link; the office creates a collection from a roster
(``gaip_xl.roster``), follows who has submitted and downloads what ``gaip-xl bulk`` makes of the submissions.
``create_app(Settings(data=…))`` builds the FastAPI application; see README, “报送与校验服务 (serve)”.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import Settings


def create_app(settings: Settings) -> Any:
    from .app import create_app as create

    return create(settings)


__all__ = ["create_app"]
