"""TFM120: `tf.app.flags`, `tf.logging` and `tf.app.run` become the absl modules they wrapped.

TF1's `tf.flags` / `tf.app.flags` re-exported `absl.flags`, and `tf.app.run` called
`absl.app.run`; `tf.logging` logged through absl's logger with the same levels. TF 2 dropped all
three, so the absl modules are imported instead. When the file already binds `logging` (or
`flags`, `app`) to something else, typically the standard library, the absl module is imported
under an `absl_` alias.

`tf.app.run` differed from `absl.app.run` in two ways that are written out: it found `main` in
the `__main__` module when none was passed, and it parsed the command line with
`known_only=True`, passing flags it did not know on to `main`'s argv where absl stops with an
error. TF1's flag definitions also took the old keyword names `flag_name`, `default_value` and
`docstring`, which absl calls `name`, `default` and `help`. (TF1's parse of `sys.argv` at the
first read of a flag is TFM121's.)
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import tf_names
from migrate.analysis.call_arguments import keyword_arg
from migrate.analysis.imports import module_bindings
from migrate.transforms.base import Example, MigrationTransform

_FLAGS_MODULES: Final = frozenset({"tf.app.flags", "tf.flags"})
# tf.logging members and their absl.logging names (TF1's `warn` was an alias of `warning`).
LOGGING_NAMES: Final = MappingProxyType(
    {
        **{
            name: name
            for name in (
                "debug", "info", "warning", "error", "fatal", "log", "vlog", "log_every_n",
                "log_first_n", "log_if", "flush", "set_verbosity", "get_verbosity",
                "DEBUG", "INFO", "WARN", "ERROR", "FATAL",
            )
        },
        "warn": "warning",
    }
)
_APP_RUN: Final = "tf.app.run"
# TF1's flag definitions renamed these keywords to absl's before calling it.
_OLD_KEYWORDS: Final = MappingProxyType({"flag_name": "name", "default_value": "default", "docstring": "help"})
_DROPPED_FLAGS: Final = "<flags = ...>"  # removed when the value is tf.app.flags


class AbslFlags(MigrationTransform):
    CODE = "TFM120"
    DESCRIPTION = "`tf.app.flags`, `tf.logging` and `tf.app.run` become `absl.flags`, `absl.logging` and `absl.app.run`"
    TRAVERSAL_GROUP = "modules"
    TRIGGERS = ("flags", "logging", "app")
    EXAMPLES = (
        Example(
            "import tensorflow as tf\n\nflags = tf.app.flags\nflags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = flags.FLAGS\ntf.logging.set_verbosity(tf.logging.INFO)\n\n"
            "def main(_):\n    tf.logging.info('%d', FLAGS.steps)\n\ntf.app.run(main)\n",
            "import tensorflow as tf\nfrom absl import app, flags, logging\n\n"
            "flags.DEFINE_integer('steps', 10, 'how many')\n"
            "FLAGS = flags.FLAGS\nlogging.set_verbosity(logging.INFO)\n\n"
            "def main(_):\n    logging.info('%d', FLAGS.steps)\n\n"
            "app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))\n",
            "flags-logging-run",
        ),
        Example(
            "import tensorflow as tf\n\n"
            "tf.flags.DEFINE_string(flag_name='data', default_value='/tmp', docstring='in')\n\n"
            "def main(argv):\n    print(argv)\n\nif __name__ == '__main__':\n    tf.app.run()\n",
            "import tensorflow as tf\nfrom absl import app, flags\n\n"
            "flags.DEFINE_string(name='data', default='/tmp', help='in')\n\n"
            "def main(argv):\n    print(argv)\n\nif __name__ == '__main__':\n"
            "    app.run(main, flags_parser=lambda argv: flags.FLAGS(argv, known_only=True))\n",
            "main-found-and-old-keywords",
        ),
        Example(
            "import logging\nimport tensorflow as tf\n\ntf.logging.warn('x')\nlogging.info('y')\n",
            "import logging\nimport tensorflow as tf\nfrom absl import logging as absl_logging\n\n"
            "absl_logging.warning('x')\nlogging.info('y')\n",
            "stdlib-logging-collision",
        ),
        Example("from absl import flags\n\nimport tensorflow as tf\n\nFLAGS = flags.FLAGS\n", None, "already-absl"),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._aliases: dict[str, str] = {}
        self._bindings: dict[str, set[str]] = {}
        self._dropped: set[cst.CSTNode] = set()

    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        self._bindings = module_bindings(node, marked={"flags": _DROPPED_FLAGS})
        return True

    def _alias(self, module: str) -> str:
        """The name the absl module goes by in this file, importing it on first use."""
        if module not in self._aliases:
            alias = module if self._name_is_free(module) else f"absl_{module}"
            AddImportsVisitor.add_needed_import(
                self.context, "absl", module, asname=None if alias == module else alias
            )
            self._aliases[module] = alias
        return self._aliases[module]

    def _name_is_free(self, name: str) -> bool:
        # Free when unbound, bound by `from absl import <name>`, or by the `flags = tf.app.flags`
        # line this transform removes.
        allowed = {f"absl.{name}", _DROPPED_FLAGS} if self._dropped else {f"absl.{name}"}
        return self._bindings.get(name, set()) <= allowed

    # `flags = tf.app.flags` (module level): absl's import binds `flags` itself.
    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        if len(node.body) == 1 and isinstance(node.body[0], cst.Assign):
            assign = node.body[0]
            if (
                len(assign.targets) == 1
                and isinstance(assign.targets[0].target, cst.Name)
                and assign.targets[0].target.value == "flags"
                and self.tf_api(assign.value) in _FLAGS_MODULES
                and not self.is_suppressed_at(node)
            ):
                self._dropped.add(node)
        return True

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        if original_node in self._dropped and self._name_is_free("flags"):
            self._alias("flags")
            return cst.RemovalSentinel.REMOVE
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if self.is_suppressed_at(original_node):
            return updated_node
        func = original_node.func
        if self.tf_api(func) == _APP_RUN:
            return self._app_run(updated_node)
        defines = isinstance(func, cst.Attribute) and func.attr.value.startswith("DEFINE")
        if defines and isinstance(func, cst.Attribute) and self._is_flags_module(func.value):
            return updated_node.with_changes(args=[_renamed_keyword(arg) for arg in updated_node.args])
        return updated_node

    def _is_flags_module(self, node: cst.BaseExpression) -> bool:
        if self.tf_api(node) in _FLAGS_MODULES:
            return True
        # `flags = tf.app.flags` at module level (the line this transform drops)
        return isinstance(node, cst.Name) and node.value == "flags" and _DROPPED_FLAGS in self._bindings.get(
            "flags", ()
        )

    def _app_run(self, call: cst.Call) -> cst.Call:
        """`app.run(main, flags_parser=...)` as TF1's `tf.app.run(main=None, argv=None)` ran it."""
        if any(arg.star for arg in call.args):
            return call
        args = list(call.args)
        has_main = any(arg.keyword is None or arg.keyword.value == "main" for arg in args)
        if not has_main:
            # TF1: `main = main or sys.modules['__main__'].main`.
            if "main" in self._bindings:
                main: cst.BaseExpression = cst.Name("main")
            else:
                AddImportsVisitor.add_needed_import(self.context, "sys")
                main = cst.parse_expression("sys.modules['__main__'].main")
            args.insert(0, cst.Arg(main))
        parser = cst.parse_expression(f"lambda argv: {self._alias('flags')}.FLAGS(argv, known_only=True)")
        args.append(keyword_arg("flags_parser", parser))
        for index in range(len(args) - 1):
            if args[index].comma == cst.MaybeSentinel.DEFAULT:
                args[index] = args[index].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        return call.with_changes(args=args)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute) -> cst.BaseExpression:
        name = self.tf_api(original_node)
        if name is None or self.is_suppressed_at(original_node):
            return updated_node
        if name in _FLAGS_MODULES:
            return cst.Name(self._alias("flags"))
        if name == _APP_RUN:
            return tf_names.build_dotted(f"{self._alias('app')}.run")
        module, _, member = name.rpartition(".")
        if module == "tf.logging" and member in LOGGING_NAMES:
            return tf_names.build_dotted(f"{self._alias('logging')}.{LOGGING_NAMES[member]}")
        return updated_node


def _renamed_keyword(arg: cst.Arg) -> cst.Arg:
    if arg.keyword is None or arg.keyword.value not in _OLD_KEYWORDS:
        return arg
    return arg.with_changes(keyword=cst.Name(_OLD_KEYWORDS[arg.keyword.value]))
