"""Static checks of a rewrite's output against its input, shared by tests, fuzzer and benchmarks."""

from __future__ import annotations

from migrate.analysis.undefined_names import introduced_undefined_names


def new_undefined_names(original: str, rewritten: str) -> set[str]:
    """Names the rewritten code reads undefined that the original did not: each would be a
    NameError the rewrite introduced."""
    return set(introduced_undefined_names(original, rewritten))
