"""TFM121: flags read before anything parses the command line get an explicit parse.

TF1's `tf.app.flags.FLAGS` parsed `sys.argv` the first time a flag was read; `absl.flags.FLAGS`,
which TFM120 puts in its place, raises `UnparsedFlagAccessError` until `app.run` or `FLAGS(argv)`
has parsed. Where the program reads a flag while its module runs (a statement, a class body, a
default argument value, or a call of a function of the file that reads one), this rule inserts
`FLAGS(sys.argv)` right before that statement, where TF1 parsed, with TF1's strictness (an
unknown flag on the command line stops the program there, as it did); TFM120 then spells
`FLAGS` through absl. A program that reads flags only in functions and runs them from its
`if __name__ == "__main__":` block without `tf.app.run` gets the parse as the block's first
statement.

Only a file that defines flags itself is changed: a parse in a module that others import could
come before the importing program defines its own flags. A file that reads flags at import time
without defining any is reported (TFM122).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Final

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import syntax, tf_names, walk
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform

NEVER_PARSED = "TFM122"
_FLAGS_MODULES: Final = frozenset({"tf.app.flags", "tf.flags"})
_FLAGS_OBJECTS: Final = frozenset({"tf.app.flags.FLAGS", "tf.flags.FLAGS"})
_APP_RUN: Final = "tf.app.run"
# FlagValues members that do not read a flag's value (and so never made TF1 parse).
_NOT_READS: Final = frozenset({"is_parsed", "mark_as_parsed", "unparse_flags", "set_default", "__call__"})


@dataclass
class _Events:
    """What one module-level statement does with flags while the module runs, in order."""

    defines: bool = False
    parses: bool = False
    reads: bool = False
    runs_app: bool = False
    calls: set[str] = field(default_factory=set)  # names of module-level functions it calls


class _FlagUses(cst.CSTVisitor):
    """Flag events of the code visited, leaving out code that runs later (function bodies,
    lambdas); default values and decorators of a function run when it is defined."""

    def __init__(self, rule: FlagsParse, in_function: bool = False) -> None:
        super().__init__()
        self.rule = rule
        self.in_function = in_function
        self.events = _Events()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if self.in_function:
            return True  # a nested function: its reads happen when the outer one runs
        for decorator in node.decorators:
            walk.visit_code(decorator, self)
        walk.visit_code(node.params, self)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return self.in_function

    def visit_Call(self, node: cst.Call) -> None:
        kind = self.rule.flags_expression(node.func)
        if kind == "object":
            self.events.parses = True
        elif isinstance(node.func, cst.Attribute) and node.func.attr.value.startswith("DEFINE"):
            if self.rule.flags_expression(node.func.value) == "module":
                self.events.defines = True
        elif self.rule.tf_api(node.func) == _APP_RUN:
            self.events.runs_app = True
        elif isinstance(node.func, cst.Name):
            self.events.calls.add(node.func.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        # `FLAGS.steps = 3` sets a value; neither TF1 nor absl parses for it.
        target = node.target
        return not (isinstance(target, cst.Attribute) and self.rule.flags_expression(target.value) == "object")

    def visit_Attribute(self, node: cst.Attribute) -> None:
        if node.attr.value in _NOT_READS or node.attr.value.startswith("DEFINE"):
            return
        if self.rule.flags_expression(node.value) == "object":
            self.events.reads = True


class FlagsParse(MigrationTransform):
    CODE = "TFM121"
    DESCRIPTION = "flags read before `app.run` parses them get the explicit `FLAGS(sys.argv)` TF1 did implicitly"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        NEVER_PARSED: "flags are read while the module runs, but the file defines none: absl raises "
        "UnparsedFlagAccessError unless the program parses them before importing it",
    }
    TRIGGERS = ("flags",)
    EXAMPLES = (
        Example(
            "import tensorflow as tf\n\ntf.app.flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = tf.app.flags.FLAGS\n\nprint(FLAGS.steps)\n",
            "import tensorflow as tf\nimport sys\n\ntf.app.flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = tf.app.flags.FLAGS\n\nFLAGS(sys.argv)\n\nprint(FLAGS.steps)\n",
            "module-level-read",
        ),
        Example(
            "import tensorflow as tf\n\ntf.app.flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = tf.app.flags.FLAGS\n\n\ndef main():\n    print(FLAGS.steps)\n\n\n"
            "if __name__ == '__main__':\n    main()\n",
            "import tensorflow as tf\nimport sys\n\ntf.app.flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = tf.app.flags.FLAGS\n\n\ndef main():\n    print(FLAGS.steps)\n\n\n"
            "if __name__ == '__main__':\n    FLAGS(sys.argv)\n    main()\n",
            "main-guard-without-app-run",
        ),
        Example(
            "import tensorflow as tf\n\ntf.app.flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = tf.app.flags.FLAGS\n\n\ndef main(_):\n    print(FLAGS.steps)\n\n\n"
            "if __name__ == '__main__':\n    tf.app.run()\n",
            None,
            "app-run-parses",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._module_names: dict[str, str] = {}  # module-level name -> "module" or "object"

    def flags_expression(self, node: cst.BaseExpression) -> str | None:
        """"module" for an expression naming tf.app.flags, "object" for tf.app.flags.FLAGS."""
        api = self.tf_api(node)
        if api in _FLAGS_MODULES:
            return "module"
        if api in _FLAGS_OBJECTS:
            return "object"
        if isinstance(node, cst.Name):
            return self._module_names.get(node.value)
        if isinstance(node, cst.Attribute) and node.attr.value == "FLAGS":
            return "object" if self.flags_expression(node.value) == "module" else None
        return None

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body = list(original_node.body)
        self._module_names = self._flag_aliases(body)
        events = [self._events(statement) for statement in body]
        if not any(event.defines for event in events):
            self._report_unparsed(body, events)
            return updated_node
        reading_functions = self._reading_functions(body)
        parsed = False
        for index, event in enumerate(events):
            reads = event.reads or bool(event.calls & reading_functions)
            if reads and not parsed:
                return self._parse_before(updated_node, index)
            parsed = parsed or event.parses or event.runs_app
        if parsed or not reading_functions:
            return updated_node
        guard = next((i for i, statement in enumerate(body) if syntax.is_main_guard(statement)), None)
        return updated_node if guard is None else self._parse_in_guard(updated_node, guard)

    def _flag_aliases(self, body: Sequence[cst.BaseStatement]) -> dict[str, str]:
        """Module-level names bound to tf.app.flags or its FLAGS, as the statements leave them."""
        outer = self._module_names
        names: dict[str, str] = {}
        self._module_names = names  # `FLAGS = flags.FLAGS` resolves through `flags = tf.app.flags`
        for statement in body:
            if not isinstance(statement, cst.SimpleStatementLine):
                continue
            for small in statement.body:
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                    if isinstance(target, cst.Name):
                        kind = self.flags_expression(small.value)
                        if kind is not None:
                            names[target.value] = kind
                        else:
                            names.pop(target.value, None)
        self._module_names = outer
        return names

    def _events(self, statement: cst.CSTNode, in_function: bool = False) -> _Events:
        uses = _FlagUses(self, in_function)
        walk.visit_code(statement, uses)
        return uses.events

    def _reading_functions(self, body: Sequence[cst.BaseStatement]) -> set[str]:
        """Module-level functions whose call reads a flag, directly or through another one."""
        direct: dict[str, _Events] = {
            statement.name.value: self._events(statement.body, in_function=True)
            for statement in body
            if isinstance(statement, cst.FunctionDef)
        }
        reading = {name for name, event in direct.items() if event.reads}
        grown = True
        while grown:
            grown = False
            for name, event in direct.items():
                if name not in reading and event.calls & reading:
                    reading.add(name)
                    grown = True
        return reading

    def _parse_statement(self, before: int, body: Sequence[cst.BaseStatement]) -> cst.SimpleStatementLine:
        AddImportsVisitor.add_needed_import(self.context, "sys")
        bound = self._flag_aliases(body[:before])
        alias = next((name for name, kind in bound.items() if kind == "object"), None)
        target = cst.Name(alias) if alias is not None else self.tf_expr("app.flags.FLAGS")
        call = cst.Call(
            func=target,
            args=[cst.Arg(tf_names.build_dotted("sys.argv"))],
        )
        return cst.SimpleStatementLine([cst.Expr(call)])

    def _parse_before(self, module: cst.Module, index: int) -> cst.Module:
        statement = module.body[index]
        if self.is_suppressed_at(statement):
            return module
        if syntax.is_main_guard(statement):
            return self._parse_in_guard(module, index)
        # The parse takes the blank lines that separate the statement from the one before it;
        # comments stay with the statement they describe.
        lines = syntax.leading_lines(statement)
        blank = next((i for i, line in enumerate(lines) if line.comment is not None), len(lines))
        parse = self._parse_statement(index, module.body).with_changes(leading_lines=lines[:blank])
        self.report(statement, "TF1 parsed the command line at this first read of a flag; absl needs it parsed",
                    severity=Severity.INFO)
        return module.with_changes(body=[*module.body[:index], parse, *module.body[index:]])

    def _parse_in_guard(self, module: cst.Module, index: int) -> cst.Module:
        guard = module.body[index]
        if not isinstance(guard, cst.If) or not isinstance(guard.body, cst.IndentedBlock):
            return module
        if self.is_suppressed_at(guard):
            return module
        parse = self._parse_statement(index, module.body)
        self.report(guard, "TF1 parsed the command line at the first read of a flag; absl needs it parsed",
                    severity=Severity.INFO)
        block = guard.body.with_changes(body=[parse, *guard.body.body])
        body = [*module.body[:index], guard.with_changes(body=block), *module.body[index + 1 :]]
        return module.with_changes(body=body)

    def _report_unparsed(self, body: Sequence[cst.BaseStatement], events: Sequence[_Events]) -> None:
        reading = self._reading_functions(body)
        for statement, event in zip(body, events):
            if event.parses or event.runs_app:
                return
            if event.reads or event.calls & reading:
                self.report(statement, self.FINDINGS[NEVER_PARSED], code=NEVER_PARSED, severity=Severity.WARNING)
                return
