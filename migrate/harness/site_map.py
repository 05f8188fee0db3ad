"""Which generated function a legacy run site became, from the rewriter's run-site records.

Legacy run sites are named by the source line of their `sess.run` call (`"line 23"`). The
rewriter records the line where each call starts; a call written over several lines may report a
later line, so a site belongs to the record at or before its line. Both children and the
comparison use this one reading of the records.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping


class SiteMap:
    """`{legacy line: function or None}`, as `RunSite` records give it."""

    def __init__(self, functions: Mapping[int, str | None]) -> None:
        self._lines = sorted(functions)
        self._functions = dict(functions)

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
        position = bisect.bisect_right(self._lines, line)
        if position == 0:
            return None
        return self._functions[self._lines[position - 1]] or None

    def __bool__(self) -> bool:
        return bool(self._functions)
