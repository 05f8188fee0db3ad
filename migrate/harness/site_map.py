"""Which generated function a legacy run site became, from the rewriter's run-site records.

Legacy run sites are named by the source line Python reports for their `sess.run` call
(`"line 23"`). The rewriter records the line where each call starts. Python reports the start
line too, except for a receiver written on lines of its own (`sess\n    .run(...)`), where it
reports the line of `.run`: a site belongs to the record on its line or, failing that, up to
`RECEIVER_LINES` lines above. A run the rewriter did not record (an initializer it removed)
belongs to no function. Both children and the comparison use this one reading of the records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

RECEIVER_LINES = 2


class SiteMap:
    """`{legacy line: function or None}`, as `RunSite` records give it."""

    def __init__(self, functions: Mapping[int, str | None]) -> None:
        self._functions = dict(functions)

    @classmethod
    def from_records(cls, records: Iterable[tuple[int, str]]) -> SiteMap:
        """From (legacy line, function) records. A line recorded for several functions is left
        out: no single run of the legacy program is there (the rewriter moved the code the runs
        were in, and placed them all on one line)."""
        functions: dict[int, set[str]] = {}
        for line, function in records:
            functions.setdefault(line, set()).add(function)
        return cls({line: next(iter(names)) or None for line, names in functions.items() if len(names) == 1})

    @classmethod
    def from_json(cls, payload: Mapping[str, str | None]) -> SiteMap:
        return cls({int(line): function for line, function in payload.items()})

    def to_json(self) -> dict[str, str | None]:
        return {str(line): function for line, function in sorted(self._functions.items())}

    def function(self, site: str) -> str | None:
        """The function of a legacy site such as `"line 23"`; None when it has none."""
        try:
            line = int(site.split()[-1])
        except (ValueError, IndexError):
            return None
        for start in range(line, line - RECEIVER_LINES - 1, -1):
            if start in self._functions:
                return self._functions[start] or None
        return None

    def functions(self) -> frozenset[str]:
        """The generated functions some legacy run site became."""
        return frozenset(function for function in self._functions.values() if function)

    def __bool__(self) -> bool:
        return bool(self._functions)
