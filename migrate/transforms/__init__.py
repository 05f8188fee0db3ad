"""The transforms, in the order the pipeline runs them.

Order matters: imports are normalised first so every later transform can spell TensorFlow
through one root alias; structural transforms (sessions, variables) run before the
table-driven renames, which then tidy whatever graph code remains; the v1-behaviour
clean-up runs last, when it is known whether the file still needs graph mode.
"""

from __future__ import annotations

from migrate.transforms.base import MigrationTransform
from migrate.transforms.compat_imports import CompatImports
from migrate.transforms.native_equivalents import NativeEquivalents

ALL_TRANSFORMS: tuple[type[MigrationTransform], ...] = (
    CompatImports,
    NativeEquivalents,
)


def by_code() -> dict[str, type[MigrationTransform]]:
    return {transform.CODE: transform for transform in ALL_TRANSFORMS}
