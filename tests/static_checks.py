"""Static checks of a rewrite's output against its input, shared by tests, fuzzer and benchmarks."""

from __future__ import annotations

from pyflakes.api import check as pyflakes_check
from pyflakes.messages import UndefinedName
from pyflakes.reporter import Reporter


class _Collect(Reporter):  # type: ignore[misc]
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.broken = False

    def unexpectedError(self, filename: str, message: str) -> None:
        self.broken = True

    def syntaxError(self, filename: str, message: str, lineno: int, offset: int, text: str) -> None:
        self.broken = True

    def flake(self, message: object) -> None:
        if isinstance(message, UndefinedName):
            self.names.add(str(message.message_args[0]))


def undefined_names(code: str) -> set[str]:
    """The names `code` reads without defining or importing them (pyflakes)."""
    reporter = _Collect()
    pyflakes_check(code, "<code>", reporter)
    return reporter.names


def new_undefined_names(original: str, rewritten: str) -> set[str]:
    """Names the rewritten code reads undefined that the original did not: each would be a
    NameError the rewrite introduced."""
    return undefined_names(rewritten) - undefined_names(original)
