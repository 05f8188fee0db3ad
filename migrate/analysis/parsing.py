"""Parsing a source file into a libcst tree, without checking again what the parser built.

Every libcst node checks its own fields when it is constructed: a whitespace node matches its
text against a pattern, a name checks that it is an identifier, and so on. That guards trees that
code builds by hand; a tree from libcst's own parser is valid by construction, and the checks cost
about a seventh of the parse (libcst notes the same). So the parse runs with them switched off
(migrate.analysis.libcst_internals.parse_without_checks). Nodes that transforms build afterwards
are checked as usual.
"""

from __future__ import annotations

import libcst as cst

from migrate.analysis.libcst_internals import parse_without_checks


def parse_module(source: str) -> cst.Module:
    """`libcst.parse_module(source)`, the same tree, built without the per-node checks."""
    return parse_without_checks(source)
