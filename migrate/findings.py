"""What a rewrite tells its caller: findings, run-site records and the result of one source."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

# `# tf-migrate: ignore` or `# tf-migrate: ignore[TFM1,TFM201]` switches rules off on its line.
SUPPRESSION_WORD = "tf-migrate"
_SUPPRESSION = re.compile(r"#\s*tf-migrate:\s*ignore(?:\[([A-Za-z0-9_,\s]*)\])?")


def suppressed_on(line: str) -> tuple[str, ...]:
    """The codes or prefixes a suppression comment on `line` switches off (("*",) for all of
    them); () without such a comment."""
    match = _SUPPRESSION.search(line) if SUPPRESSION_WORD in line else None
    if match is None:
        return ()
    listed = tuple(c.strip().upper() for c in (match.group(1) or "").split(",") if c.strip())
    return listed or ("*",)


class Severity(str, enum.Enum):
    """How much a finding matters to someone reading the migrated code."""

    ERROR = "error"  # the output will not run as the input did; a person must act
    WARNING = "warning"  # converted in a working but not idiomatic form (for example compat.v1)
    INFO = "info"  # a change worth knowing about; nothing to do


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a transform reports about a place in the source."""

    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.WARNING
    path: str | None = None

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
        }

    def format(self) -> str:
        where = f"{self.path}:" if self.path else ""
        return f"{where}{self.line}:{self.column + 1}: {self.code} [{self.severity.value}] {self.message}"


@dataclass(frozen=True)
class RunSite:
    """A legacy `sess.run` / `.eval()` site and the generated function that replaced it.

    The equivalence harness pairs what the two programs compute through these records: the
    values fetched at `legacy_line`, in the order the legacy program fetched them, against the
    values returned by calls of `function`, in the order the migrated program made them.
    """

    legacy_line: int
    function: str


@dataclass(frozen=True, order=True)
class SupportFile:
    """A module the rewritten program imports, to be written next to it under `name`.

    For example the MNIST reader that replaces `tensorflow.examples.tutorials.mnist.input_data`:
    plain TF 2 code that belongs to the user from then on, not a dependency on this tool.
    """

    name: str  # a file name, no directory part
    text: str
    rule: str  # the rule that needs it; without the file, rewrite with this rule off


@dataclass(frozen=True)
class RewriteResult:
    """The outcome of rewriting one source text.

    `requirements` names the packages beyond TensorFlow that the rewritten code (with its
    support files) imports, as pip knows them (`absl-py`, `tf-slim`, `tensorboard`).
    """

    original: str
    code: str
    findings: tuple[Finding, ...] = ()
    run_sites: tuple[RunSite, ...] = ()
    error: str | None = field(default=None)
    support_files: tuple[SupportFile, ...] = ()
    requirements: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return self.error is None and self.code != self.original

    @property
    def failed(self) -> bool:
        return self.error is not None
