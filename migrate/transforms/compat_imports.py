"""TFM001: import the root `tensorflow` package instead of its `compat.v1` module.

`import tensorflow.compat.v1 as tf` makes every `tf.X` a TF1 name. Binding the root package
instead and spelling those references `tf.compat.v1.X` keeps their meaning exactly, and lets
every later transform build TF 2 expressions through one root alias; they resolve
`tf.compat.v1.X` and `tf.X` to the same TF1 path and upgrade them from there.

A `# tf-migrate: ignore[TFM001]` comment on the import leaves that import and all references
through it alone: rewriting the references without the import (or the reverse) would break them.
"""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
from libcst.metadata import QualifiedNameSource

from migrate.analysis import tf_names, walk
from migrate.transforms.base import Example, MigrationTransform

_V1_MODULE = "tensorflow.compat.v1"
# Names a v1 alias may also carry when a fallback import binds it (`except ImportError:
# import tensorflow as tf`); `tf.compat.v1.X` is right for both.
_ROOT_OR_V1 = {"tensorflow", _V1_MODULE}


def binds_v1_module(node: cst.Import | cst.ImportFrom) -> list[str]:
    """The names an import statement binds to `tensorflow.compat.v1` (as a whole statement)."""
    if isinstance(node, cst.Import):
        return [
            alias.asname.name.value
            for alias in node.names
            if tf_names.dotted(alias.name) == _V1_MODULE
            and alias.asname is not None
            and isinstance(alias.asname.name, cst.Name)
        ]
    if (
        node.module is not None
        and node.relative == ()
        and tf_names.dotted(node.module) == "tensorflow.compat"
        and not isinstance(node.names, cst.ImportStar)
        and len(node.names) == 1
        and isinstance(node.names[0].name, cst.Name)
        and node.names[0].name.value == "v1"
    ):
        return [node.names[0].evaluated_alias or "v1"]
    return []


class _ImportCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.imports: list[cst.Import | cst.ImportFrom] = []

    def visit_Import(self, node: cst.Import) -> bool:
        self.imports.append(node)
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.imports.append(node)
        return False


class CompatImports(MigrationTransform):
    CODE = "TFM001"
    DESCRIPTION = (
        "`import tensorflow.compat.v1 as tf` becomes `import tensorflow as tf`; its references become `tf.compat.v1.X`"
    )
    TRIGGERS = ("compat",)
    EXAMPLES = (
        Example(
            "import tensorflow.compat.v1 as tf\n\ntf.disable_v2_behavior()\nx = tf.placeholder(tf.float32)\n",
            "import tensorflow as tf\n\ntf.compat.v1.disable_v2_behavior()\n"
            "x = tf.compat.v1.placeholder(tf.compat.v1.float32)\n",
            "compat-v1-alias",
        ),
        Example(
            "import tensorflow as tf\nimport tensorflow.compat.v1 as tfv1  # graph mode\n\ny = tfv1.layers.dense\n",
            "import tensorflow as tf\n# graph mode\n\ny = tf.compat.v1.layers.dense\n",
            "reuse-root-alias",
        ),
        Example("import tensorflow as tf\n\nx = tf.compat.v1.placeholder(tf.float32)\n", None, "already-root"),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        # v1 alias -> name of the root package its references go through.
        self._targets: dict[str, str] = {}
        self._drop: set[cst.CSTNode] = set()  # v1 imports whose alias is replaced by the root one
        self._rebind: set[cst.CSTNode] = set()  # v1 imports rewritten in place
        self._compat_heads: set[cst.Name] = set()
        self._dropped_lines: list[cst.SimpleStatementLine] = []
        self._in_import = 0

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        collector = _ImportCollector()
        walk.visit(node, collector)
        top_level = _top_level_positions(node)
        root_index = next(
            (i for i, statement in enumerate(node.body) if _imports_root_as(statement, self._tf_alias)),
            None,
        )
        for statement in collector.imports:
            bound = binds_v1_module(statement)
            if not bound or self.is_suppressed_at(statement):
                continue
            index = top_level.get(statement)
            reuse = (
                self._tf_alias is not None
                and root_index is not None
                and index is not None
                and index > root_index
                and self._tf_alias not in bound
            )
            for name in bound:
                if self._targets.get(name, name) != name and not reuse:
                    continue  # the same alias bound two ways: leave references as they are
                self._targets[name] = self._tf_alias if reuse and self._tf_alias else name
            (self._drop if reuse else self._rebind).add(statement)
        return bool(self._targets)

    # --- imports ----------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        self._in_import += 1
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self._in_import += 1
        return False

    def leave_Import(
        self, original_node: cst.Import, updated_node: cst.Import
    ) -> cst.Import | cst.RemovalSentinel:
        self._in_import -= 1
        if original_node in self._rebind:
            return updated_node.with_changes(
                names=[
                    alias.with_changes(name=cst.Name("tensorflow"))
                    if tf_names.dotted(alias.name) == _V1_MODULE and alias.asname is not None
                    else alias
                    for alias in updated_node.names
                ]
            )
        if original_node in self._drop:
            kept = [a for a in updated_node.names if tf_names.dotted(a.name) != _V1_MODULE or a.asname is None]
            if not kept:
                return cst.RemovalSentinel.REMOVE
            return updated_node.with_changes(names=_without_trailing_comma(kept))
        return updated_node

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.Import | cst.ImportFrom | cst.RemovalSentinel:
        self._in_import -= 1
        if original_node in self._drop:
            return cst.RemovalSentinel.REMOVE
        if original_node in self._rebind:
            (bound,) = binds_v1_module(original_node)
            return cst.Import(
                names=[cst.ImportAlias(cst.Name("tensorflow"), cst.AsName(cst.Name(bound)))],
                semicolon=updated_node.semicolon,
            )
        return updated_node

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        if original_node.body and not updated_node.body:
            # Emptied by a dropped import. libcst would delete the line with its comments; a
            # placeholder keeps it until leave_Module moves them to the next statement.
            placeholder = updated_node.with_changes(body=[cst.Pass()])
            self._dropped_lines.append(placeholder)
            return placeholder
        return updated_node

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        if not self._dropped_lines:
            return updated_node
        body: list[cst.BaseStatement] = []
        carried: list[cst.EmptyLine] = []
        for statement in updated_node.body:
            if any(statement is dropped for dropped in self._dropped_lines):
                assert isinstance(statement, cst.SimpleStatementLine)
                carried.extend(line for line in statement.leading_lines if line.comment is not None)
                if statement.trailing_whitespace.comment is not None:
                    carried.append(cst.EmptyLine(comment=statement.trailing_whitespace.comment))
                continue
            if carried:
                statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
                carried = []
            body.append(statement)
        return updated_node.with_changes(body=body, footer=[*carried, *updated_node.footer])

    # --- references -------------------------------------------------------------------
    def visit_Attribute(self, node: cst.Attribute) -> bool:
        if isinstance(node.value, cst.Name) and node.attr.value == "compat":
            # `tfv1.compat.v2` is the root package's `compat.v2`: no extra `compat.v1` hop.
            self._compat_heads.add(node.value)
        return True

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        target = self._targets.get(original_node.value)
        if target is None or self._in_import or not self._is_v1_reference(original_node):
            return updated_node
        if original_node in self._compat_heads:
            return updated_node.with_changes(value=target)
        return tf_names.build_dotted(f"{target}.compat.v1")

    def _is_v1_reference(self, node: cst.Name) -> bool:
        names = self.qualified_names(node)
        qualified = {q.name for q in names if q.source is QualifiedNameSource.IMPORT}
        return len(qualified) == len(names) and _V1_MODULE in qualified and qualified <= _ROOT_OR_V1


def _top_level_positions(module: cst.Module) -> dict[cst.CSTNode, int]:
    positions: dict[cst.CSTNode, int] = {}
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                positions[small] = index
    return positions


def _imports_root_as(statement: cst.BaseStatement, alias: str | None) -> bool:
    if alias is None or not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, cst.Import):
            for name in small.names:
                if tf_names.dotted(name.name) == "tensorflow" and (name.evaluated_alias or "tensorflow") == alias:
                    return True
    return False


def _without_trailing_comma(aliases: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
