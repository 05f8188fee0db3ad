"""tf-migrate: rewrite TensorFlow 1.x programs into TensorFlow 2 and check they compute the same numbers."""

from migrate.api import rewrite_source
from migrate.findings import Finding, RewriteResult, RunSite, Severity

__all__ = ["Finding", "RewriteResult", "RunSite", "Severity", "rewrite_source"]
__version__ = "0.1.0"
