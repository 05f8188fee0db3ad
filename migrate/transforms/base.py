"""What every tf-migrate transform shares.

A transform is a libcst `VisitorBasedCodemodCommand`: it runs in our pipeline and equally under
`python -m libcst.tool codemod`. It declares one rule code (`CODE`), a one-line `DESCRIPTION`,
the finding codes it may report (`FINDINGS`) and its own before/after `EXAMPLES`, which the test
suite runs and `tf-migrate rules --examples` prints.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import ClassVar

import libcst as cst
from libcst.codemod import CodemodContext, VisitorBasedCodemodCommand
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, QualifiedName

from migrate.analysis import subtree_index, tf_names
from migrate.analysis.bindings import Bindings, ImportStatement
from migrate.analysis.libcst_internals import init_transformer_without_matcher_set_up, uses_matcher_decorators
from migrate.analysis.module_text import ModuleText, text_of
from migrate.findings import Finding, RunSite, Severity, SupportFile

FINDINGS_KEY = "tf_migrate.findings"
RUN_SITES_KEY = "tf_migrate.run_sites"
# The pipeline shares one metadata wrapper between transforms while the tree is unchanged.
SHARED_WRAPPER_KEY = "tf_migrate.wrapper"
# ... and one PassAnalysis: name bindings and positions of the tree a pass reads.
PASS_ANALYSIS_KEY = "tf_migrate.pass_analysis"
# Rule codes that `# tf-migrate: ignore[...]` comments switch off, by line.
SUPPRESSIONS_KEY = "tf_migrate.suppressions"
# Modules the rewritten program imports, written next to it (findings.SupportFile).
SUPPORT_FILES_KEY = "tf_migrate.support_files"
# Set while the pipeline rewrites a file that stays in TF1 graph mode (GRAPH_MODE_TRIGGERS).
GRAPH_MODE_KEY = "tf_migrate.graph_mode"


class PassAnalysis:
    """What every transform of one pass asks about the tree it reads, computed once for all.

    Name resolution comes from the import table of `migrate.analysis.bindings` (libcst's
    scope metadata only for files it cannot answer); positions only once something is reported.
    """

    def __init__(self, module: cst.Module, code: str | None = None, previous: PassAnalysis | None = None) -> None:
        """`previous` is the analysis of the tree that the pass before rewrote into `module`."""
        self.module = module
        subtree_index.expect(module)
        self.bindings: Bindings = Bindings.after(previous.bindings, module, code) if previous else Bindings(module, code)
        self._text: ModuleText | None = None

    def start(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """Where `node` starts in the module; for a node a rule rebuilt (a statement given the
        comment lines of one it removed), where its first part that is still in the module does."""
        if self._text is None:
            self._text = text_of(self.module)
        found = self._text.start(node)
        if found is None:
            for child in node.children:
                if isinstance(child, cst.EmptyLine):
                    continue  # a comment line it was given: it stood elsewhere
                found = self.start(child)
                if found is not None:
                    break
        return found


@dataclass(frozen=True)
class Example:
    """A documented case of a rule: `after` is None when the rule must leave `before` as it is."""

    before: str
    after: str | None = None
    name: str = ""
    # Other rules selected with this one for the example: those it works together with.
    select: tuple[str, ...] = ()


class MigrationTransform(VisitorBasedCodemodCommand):
    CODE: ClassVar[str]
    # DESCRIPTION is inherited from libcst's CodemodCommand, which declares it per instance.
    FINDINGS: ClassVar[Mapping[str, str]] = {}
    EXAMPLES: ClassVar[Sequence[Example]] = ()
    # Words at least one of which a source must contain for this transform to have work to do.
    TRIGGERS: ClassVar[tuple[str, ...]] = ()
    # Rules without which this one must not run (a pass whose output only a later pass completes).
    REQUIRES: ClassVar[tuple[str, ...]] = ()
    # Consecutive transforms with the same non-empty group share one traversal (migrate.passes).
    # Only for transforms that read names and positions through the methods below, declare no
    # libcst metadata, and whose output does not depend on what the transforms before them in
    # the group changed (tests/test_passes.py checks shared against separate traversals).
    TRAVERSAL_GROUP: ClassVar[str] = ""
    # What this transform writes (Keras 3 layers, `tf.train.Checkpoint`) only works eagerly: in a
    # file that stays in TF1 graph mode the pipeline runs again without it (migrate.pipeline).
    EAGER_ONLY: ClassVar[bool] = False
    # What this transform writes takes the file out of TF1 graph mode (session code becomes
    # functions). When a conversion's output reads a name it never binds (TFM903), the pipeline
    # rewrites the file once more without these transforms and the EAGER_ONLY ones.
    LEAVES_GRAPH_MODE: ClassVar[bool] = False
    # Finding codes by which this transform says the file stays in TF1 graph mode. When one is
    # reported and an EAGER_ONLY transform changed the file, the pipeline rewrites it once more
    # without the EAGER_ONLY transforms (migrate.pipeline).
    GRAPH_MODE_FINDINGS: ClassVar[frozenset[str]] = frozenset()
    # Finding codes by which this transform reports code left with no TF 2 form: the graph-mode
    # rewrite above replaces the eager one only if it reports no more of them.
    UNPORTED_FINDINGS: ClassVar[frozenset[str]] = frozenset()
    # Finding codes by which this transform says why it left code in TF1 form (as warnings). When
    # the pipeline keeps the graph-mode rewrite, the eager attempt's reasons are kept with it: the
    # graph-mode attempt may stop at a construct the eager one converted (a `tf.layers` call
    # the sessions transform cannot take), which is not why the file stays in graph mode.
    DECLINE_FINDINGS: ClassVar[frozenset[str]] = frozenset()
    # Finding codes by which this transform says it declined because a name was bound again
    # after graph code read it (the name in backticks first in the message), each with the code
    # of the note that reports the renaming: the pipeline rewrites the file once more with the
    # name's later bindings renamed (migrate.rebound_names).
    REBOUND_FINDINGS: ClassVar[Mapping[str, str]] = {}
    # The code of the note by which this transform's conversion reports module-level helpers
    # moved into the one scope calling them: the pipeline rewrites a file left in graph mode once
    # more with its helpers moved (migrate.moved_helpers), for this transform to convert them.
    MOVED_HELPERS_NOTE: ClassVar[str | None] = None
    # The code of its note for module functions building training state written in place of
    # their one call, in that same rewrite (migrate.inlined_calls).
    INLINED_CALLS_NOTE: ClassVar[str | None] = None
    # Words of code this transform writes that it writes otherwise in a file that stays in graph
    # mode: when the rewrite of such a file has one, the pipeline runs it again with
    # GRAPH_MODE_KEY set.
    GRAPH_MODE_TRIGGERS: ClassVar[tuple[str, ...]] = ()

    def __init__(self, context: CodemodContext) -> None:
        if uses_matcher_decorators(type(self)):
            super().__init__(context)
        else:
            # libcst's matcher set-up inspects every attribute of the instance (milliseconds, for
            # each transform on each file) to find decorated hooks; without any, it finds none.
            init_transformer_without_matcher_set_up(self, context)
        self._tf_alias: str | None = None

    # --- pipeline support -------------------------------------------------------------
    @classmethod
    def runnable(cls) -> bool:
        """Whether the transform can run here at all, whatever the file says."""
        return True

    @classmethod
    def has_work(cls, source: str) -> bool:
        return cls.runnable() and (not cls.TRIGGERS or any(word in source for word in cls.TRIGGERS))

    @contextmanager
    def _handle_metadata_reference(self, module: cst.Module) -> Iterator[cst.Module]:
        analysis = self.context.scratch.get(PASS_ANALYSIS_KEY)
        if not isinstance(analysis, PassAnalysis) or analysis.module is not module:
            self.context.scratch[PASS_ANALYSIS_KEY] = PassAnalysis(module)
        if not self.get_inherited_dependencies():
            yield module  # nothing declared: no libcst metadata to compute
            return
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
    def pass_analysis(self) -> PassAnalysis:
        analysis = self.context.scratch.get(PASS_ANALYSIS_KEY)
        if isinstance(analysis, PassAnalysis):
            return analysis
        raise RuntimeError("names and positions are only known while the transform runs")

    def tf_api(self, node: cst.CSTNode) -> str | None:
        """The TF1 API path (`tf.placeholder`) that `node` refers to, or None."""
        return self.pass_analysis().bindings.tf_api(node)

    def qualified_names(self, node: cst.CSTNode) -> Collection[QualifiedName]:
        """libcst's qualified names of `node` (QualifiedNameProvider), for TensorFlow names."""
        return self.pass_analysis().bindings.qualified_names(node)

    def import_bindings(self, node: cst.CSTNode, name: str) -> list[ImportStatement | None] | None:
        """The statements binding `name` where `node` is (None for a binding that is not an
        import); None when `node` has no scope. For TensorFlow names and the root alias."""
        return self.pass_analysis().bindings.import_bindings(node, name)

    def is_load(self, node: cst.CSTNode) -> bool:
        """Whether a reference that `tf_api` resolves is read (not assigned or deleted)."""
        return self.pass_analysis().bindings.is_load(node)

    def line_of(self, node: cst.CSTNode) -> int:
        """The line `node` starts on in the tree this pass reads (0 when unknown)."""
        start = self.pass_analysis().start(node)
        return start[0] if start is not None else 0

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
        line, column = self.pass_analysis().start(node) or (0, 0)
        suppressed = self.context.scratch.get(SUPPRESSIONS_KEY, {})
        if isinstance(suppressed, dict) and _is_suppressed(suppressed.get(line, ()), code):
            return
        findings = self.context.scratch.setdefault(FINDINGS_KEY, [])
        findings.append(Finding(line, column, code, message, severity, self.context.filename))

    def add_support_file(self, name: str, text: str) -> None:
        """Ask for a module named `name` with `text` to be written next to the program."""
        self.context.scratch.setdefault(SUPPORT_FILES_KEY, []).append(SupportFile(name, text, self.CODE))

    def record_run_site(self, legacy_node: cst.CSTNode, function: str) -> None:
        line = self.line_of(legacy_node)
        self.context.scratch.setdefault(RUN_SITES_KEY, []).append(RunSite(line, function))

    def is_suppressed_at(self, node: cst.CSTNode) -> bool:
        """True when a comment on the node's first line switches this rule off there."""
        suppressed = self.context.scratch.get(SUPPRESSIONS_KEY, {})
        if not isinstance(suppressed, dict) or not suppressed:
            return False  # no suppression comment in the file: positions are not needed
        start = self.pass_analysis().start(node)
        return start is not None and _is_suppressed(suppressed.get(start[0], ()), self.CODE)


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
