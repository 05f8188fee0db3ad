"""Library entry points. Nothing here prints; every outcome comes back as data."""

from __future__ import annotations

from collections.abc import Iterable

from migrate.findings import RewriteResult
from migrate.pipeline import Selection, rewrite_code


def rewrite_source(
    code: str,
    *,
    path: str | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> RewriteResult:
    """Rewrite one Python source text from TF1 to TF2.

    `select` / `ignore` take rule codes or code prefixes (`"TFM1"`, `"TFM201"`).
    """
    return rewrite_code(code, path=path, selection=Selection.of(select, ignore))
