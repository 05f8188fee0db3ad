"""tf-migrate: rewrite TensorFlow 1.x programs into TensorFlow 2 and check they compute the same numbers."""

from migrate.api import rewrite_paths, rewrite_source
from migrate.findings import Finding, RewriteResult, RunSite, Severity
from migrate.sources import FileResult, PathsReport, Status

__all__ = [
    "FileResult",
    "Finding",
    "PathsReport",
    "RewriteResult",
    "RunSite",
    "Severity",
    "Status",
    "rewrite_paths",
    "rewrite_source",
]
__version__ = "0.1.0"
