"""Parsing a source file into a libcst tree, without checking again what the parser built.

Every libcst node checks its own fields when it is constructed (`CSTNode.__post_init__` calls
`_validate`): a whitespace node matches its text against a pattern, a name checks that it is an
identifier, and so on. That guards trees that code builds by hand; a tree from libcst's own
parser is valid by construction, and the checks cost about a seventh of the parse (libcst notes
the same in `__post_init__`). So the parse runs with them switched off. Nodes that transforms
build afterwards are checked as usual.
"""

from __future__ import annotations

import threading

import libcst as cst
from libcst._nodes.base import CSTNode

_LOCK = threading.Lock()
_VALIDATING_POST_INIT = CSTNode.__post_init__


def _trusted(self: CSTNode) -> None:
    """A node built by libcst's parser: nothing to check."""


def parse_module(source: str) -> cst.Module:
    """`libcst.parse_module(source)`, the same tree, built without the per-node checks."""
    if CSTNode.__dict__.get("__post_init__") is not _VALIDATING_POST_INIT:
        return cst.parse_module(source)  # another libcst, or a parse already running
    with _LOCK:
        CSTNode.__post_init__ = _trusted  # type: ignore[method-assign]
        try:
            return cst.parse_module(source)
        finally:
            CSTNode.__post_init__ = _VALIDATING_POST_INIT  # type: ignore[method-assign]
