"""What every tf-migrate transform shares.

A transform is a libcst `VisitorBasedCodemodCommand`: it runs in our pipeline and equally under
`python -m libcst.tool codemod`. It declares one rule code (`CODE`), a one-line `DESCRIPTION`,
the finding codes it may report (`FINDINGS`) and its own before/after `EXAMPLES`, which the test
suite runs and `tf-migrate rules --examples` prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider, QualifiedNameProvider

from migrate.analysis import tf_names
from migrate.findings import Finding, RunSite, Severity

FINDINGS_KEY = "tf_migrate.findings"
RUN_SITES_KEY = "tf_migrate.run_sites"
# The pipeline shares one metadata wrapper between transforms while the tree is unchanged.
SHARED_WRAPPER_KEY = "tf_migrate.wrapper"
# Rule codes that `# tf-migrate: ignore[...]` comments switch off, by line.
SUPPRESSIONS_KEY = "tf_migrate.suppressions"


@dataclass(frozen=True)
class Example:
    """A documented case of a rule: `after` is None when the rule must leave `before` as it is."""

    before: str
    after: str | None = None
    name: str = ""


class MigrationTransform(VisitorBasedCodemodCommand):
    CODE: ClassVar[str]
    # DESCRIPTION is inherited from libcst's CodemodCommand, which declares it per instance.
    FINDINGS: ClassVar[Mapping[str, str]] = {}
    EXAMPLES: ClassVar[Sequence[Example]] = ()
    # Words at least one of which a source must contain for this transform to have work to do.
    TRIGGERS: ClassVar[tuple[str, ...]] = ()

    METADATA_DEPENDENCIES = (PositionProvider, QualifiedNameProvider)

    def __init__(self, context: CodemodContext) -> None:
        super().__init__(context)
        self._tf_alias: str | None = None

    # --- pipeline support -------------------------------------------------------------
    @classmethod
    def has_work(cls, source: str) -> bool:
        return not cls.TRIGGERS or any(word in source for word in cls.TRIGGERS)

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Iterator[cst.Module]:
        # libcst deep-copies the tree for each codemod and recomputes every provider; the
        # pipeline owns its trees, so a wrapper over the same tree is reused without a copy.
        shared = self.context.scratch.get(SHARED_WRAPPER_KEY)
        if isinstance(shared, MetadataWrapper) and shared.module is module:
            wrapper = shared
        else:
            wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
            self.context.scratch[SHARED_WRAPPER_KEY] = wrapper
        old = self.context.wrapper
        with self.resolve(wrapper):
            self.context = replace(self.context, wrapper=wrapper)
            try:
                yield wrapper.module
            finally:
                self.context = replace(self.context, wrapper=old)

    # --- name resolution --------------------------------------------------------------
    def tf_api(self, node: cst.CSTNode) -> str | None:
        """The TF1 API path (`tf.placeholder`) that `node` refers to, or None."""
        names = self.get_metadata(QualifiedNameProvider, node, None)
        return tf_names.resolve(names) if names else None

    def visit_Module(self, node: cst.Module) -> bool:
        self._tf_alias = _root_alias(node)
        return True

    def tf_alias(self) -> str:
        """The name this file binds to the root `tensorflow` package, importing it if needed."""
        if self._tf_alias is None:
            self._tf_alias = "tf"
            AddImportsVisitor.add_needed_import(self.context, "tensorflow", asname="tf")
        return self._tf_alias

    def tf_expr(self, path: str) -> cst.Attribute | cst.Name:
        """An expression for `tf.<path>` in this file, importing TensorFlow if needed.

        `path` is relative to the root package: "random.normal" gives `tf.random.normal`.
        """
        alias = self.tf_alias()
        return tf_names.build_dotted(f"{alias}.{path}" if path else alias)

    # --- reporting --------------------------------------------------------------------
    def report(
        self,
        node: cst.CSTNode,
        message: str,
        *,
        code: str | None = None,
        severity: Severity = Severity.WARNING,
    ) -> None:
        code = code or self.CODE
        position = self.get_metadata(PositionProvider, node, None)
        line, column = (position.start.line, position.start.column) if position else (0, 0)
        suppressed = self.context.scratch.get(SUPPRESSIONS_KEY, {})
        if isinstance(suppressed, dict) and _is_suppressed(suppressed.get(line, ()), code):
            return
        findings = self.context.scratch.setdefault(FINDINGS_KEY, [])
        findings.append(Finding(line, column, code, message, severity, self.context.filename))

    def record_run_site(self, legacy_node: cst.CSTNode, function: str) -> None:
        position = self.get_metadata(PositionProvider, legacy_node, None)
        line = position.start.line if position else 0
        self.context.scratch.setdefault(RUN_SITES_KEY, []).append(RunSite(line, function))

    def is_suppressed_at(self, node: cst.CSTNode) -> bool:
        """True when a comment on the node's first line switches this rule off there."""
        position = self.get_metadata(PositionProvider, node, None)
        if position is None:
            return False
        suppressed = self.context.scratch.get(SUPPRESSIONS_KEY, {})
        return isinstance(suppressed, dict) and _is_suppressed(
            suppressed.get(position.start.line, ()), self.CODE
        )


def _is_suppressed(codes: Sequence[str], code: str) -> bool:
    # An empty tuple on a line means a bare `# tf-migrate: ignore`: everything is off there.
    return "*" in codes or any(code.startswith(prefix) for prefix in codes)


def _root_alias(module: cst.Module) -> str | None:
    """The name bound to the root `tensorflow` package by a top-level import, if any."""
    for statement in module.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if not isinstance(small, cst.Import):
                continue
            for alias in small.names:
                if tf_names.dotted(alias.name) != "tensorflow":
                    continue
                if alias.asname is None:
                    return "tensorflow"
                if isinstance(alias.asname.name, cst.Name):
                    return alias.asname.name.value
    return None
