"""Declined: the exception every rule raises for code it cannot convert safely.

The rule catches it, reports `code` and `message` at `node` (or at the scope it was converting
when `node` is None) and leaves that code as working `tf.compat.v1` code.
"""

from __future__ import annotations

import libcst as cst


class Declined(Exception):
    """The code cannot be converted safely; `code` is the reason code reported to the user."""

    def __init__(self, code: str, message: str, node: cst.CSTNode | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node
