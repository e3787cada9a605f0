"""Bulk conversion for collecting offices: every submission (filled template, report JSON, or published document:
PDF, web page, Word/WPS, text) converted, checked, listed and summed; with a roster, who has not submitted.

    from gaip_xl.bulk import run_bulk
    result = run_bulk(["submissions/", "batch.zip"], "out/", jobs=2)
    result.counts            # {"ok": …, "errors": …, "unreadable": …}
    result.frame()           # the tidy table as a pandas DataFrame

See ``runner`` for the steps and README (“批量转换”) for the files written.
"""

from ..report.tidy import tidy_frame
from .rollup import Rollup, RollupIdentity
from .runner import BulkResult, run_bulk
from .worker import ERRORS, OK, STATUSES, UNREADABLE

__all__ = ["ERRORS", "OK", "STATUSES", "UNREADABLE", "BulkResult", "Rollup", "RollupIdentity", "run_bulk",
           "tidy_frame"]
