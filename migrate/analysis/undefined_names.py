"""The names a piece of code reads and never binds (pyflakes): the check that a rewrite's output
defines every name it reads that its input defined."""

from __future__ import annotations

from pyflakes.api import check
from pyflakes.messages import UndefinedName
from pyflakes.reporter import Reporter


class _Collect(Reporter):  # type: ignore[misc]  # pyflakes ships no type hints
    def __init__(self) -> None:
        self.names: dict[str, int] = {}

    def unexpectedError(self, filename: str, message: str) -> None:
        pass

    def syntaxError(self, filename: str, message: str, lineno: int, offset: int, text: str) -> None:
        pass

    def flake(self, message: object) -> None:
        if isinstance(message, UndefinedName):
            self.names.setdefault(str(message.message_args[0]), int(message.lineno))


def undefined_names(code: str) -> dict[str, int]:
    """Each name `code` reads without defining or importing it, with the line of its first such read."""
    reporter = _Collect()
    check(code, "<code>", reporter)
    return reporter.names


def introduced_undefined_names(original: str, rewritten: str) -> dict[str, int]:
    """The names the rewritten code reads undefined that the original did not (each a NameError
    the rewrite would bring), with the rewritten line of the first such read."""
    before = undefined_names(original)
    return {name: line for name, line in undefined_names(rewritten).items() if name not in before}
