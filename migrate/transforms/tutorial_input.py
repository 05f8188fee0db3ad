"""TFM140: TF1's MNIST tutorial reader becomes a module written next to the program.

`from tensorflow.examples.tutorials.mnist import input_data` (and the module it re-exported,
`tensorflow.contrib.learn.python.learn.datasets.mnist`) is gone from TF 2. The program now
imports `mnist_input_data`, a small module of plain NumPy and TF 2 code that the rewrite writes
next to it (migrate/support/mnist_input_data.py): the same `read_data_sets` with the same
arguments, arrays, split and `next_batch` epochs and shuffling, reading TF1's files from
`train_dir` when they are there and Keras' copy of MNIST (or Fashion-MNIST) otherwise.

Declined (TFM141, the TF1 import stays and TFM801 reports it): a `source_url` that is not a
literal MNIST or Fashion-MNIST address (the module could only load one of those), arguments the
call cannot be matched with, or a use of the module other than its functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Final

import libcst as cst
from libcst.codemod.visitors import AddImportsVisitor

from migrate.analysis import syntax, tf_names, walk
from migrate.analysis.call_arguments import UnknownKeywords, bind_arguments_or_none
from migrate.findings import Severity
from migrate.support import text_of
from migrate.transforms.base import Example, MigrationTransform

DECLINED = "TFM141"
HELPER = "mnist_input_data"
HELPER_FILE = f"{HELPER}.py"
# The TF1 modules the helper stands in for (the tutorial module re-exported the contrib one).
MODULES: Final = frozenset(
    {"tensorflow.examples.tutorials.mnist.input_data", "tensorflow.contrib.learn.python.learn.datasets.mnist"}
)
# Canonical TF1 paths of calls through the root alias, and the helper function each becomes.
CALLS: Final = MappingProxyType(
    {
        "tf.examples.tutorials.mnist.input_data.read_data_sets": "read_data_sets",
        "tf.contrib.learn.datasets.mnist.read_data_sets": "read_data_sets",
        "tf.contrib.learn.datasets.mnist.load_mnist": "load_mnist",
        "tf.contrib.learn.python.learn.datasets.mnist.read_data_sets": "read_data_sets",
    }
)
_LOAD_DATASET: Final = "tf.contrib.learn.datasets.load_dataset"
# What the helper provides, as the TF1 module did.
API: Final = frozenset({"read_data_sets", "load_mnist", "DataSet", "Datasets", "dense_to_one_hot", "extract_images",
                        "extract_labels"})
READ_PARAMS: Final = (
    "train_dir", "fake_data", "one_hot", "dtype", "reshape", "validation_size", "seed", "source_url",
)
# Addresses TF1 programs gave `source_url` for the two data sets the helper can load.
MNIST_ADDRESSES: Final = ("cvdf-datasets/mnist", "yann.lecun.com/exdb/mnist")
FASHION_ADDRESS: Final = "fashion-mnist"


class TutorialInput(MigrationTransform):
    CODE = "TFM140"
    DESCRIPTION = "TF1's MNIST tutorial reader (`input_data.read_data_sets`) becomes a module written beside it"
    FINDINGS: ClassVar[Mapping[str, str]] = {
        DECLINED: "the MNIST tutorial reader is used in a way the module written for it cannot reproduce; kept",
    }
    TRIGGERS = ("tutorials", "learn.datasets", "learn.python")
    EXAMPLES = (
        Example(
            "from tensorflow.examples.tutorials.mnist import input_data\n\n"
            "mnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n",
            "import mnist_input_data as input_data\n\nmnist = input_data.read_data_sets('MNIST_data', one_hot=True)\n",
            "tutorial-module",
        ),
        Example(
            "import tensorflow as tf\n\ndata = tf.contrib.learn.datasets.load_dataset('mnist')\n",
            "import tensorflow as tf\nimport mnist_input_data\n\ndata = mnist_input_data.load_mnist()\n",
            "contrib-learn-dataset",
        ),
        Example(
            "from tensorflow.examples.tutorials.mnist import input_data\n\n"
            "data = input_data.read_data_sets('data', source_url=MIRROR)\n",
            None,
            "unknown-source-declined",
        ),
    )

    def __init__(self, context: cst.codemod.CodemodContext) -> None:
        super().__init__(context)
        self._converting = False
        self._module_names: set[str] = set()  # names bound to the TF1 module
        self._function_names: set[str] = set()  # names bound to its functions by from-imports

    # --- deciding -------------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> bool:
        super().visit_Module(node)
        for statement in node.body:
            self._collect_imports(statement)
        tf_calls = [call for call in syntax.calls_in(node) if self._tf_call(call) is not None]
        if not self._module_names and not self._function_names and not tf_calls:
            return False
        uses = _Uses(self._module_names, self._function_names)
        walk.visit_code(node, uses)
        reads = uses.calls + [call for call in tf_calls if self._tf_call(call) == "read_data_sets"]
        problem, anchor = (uses.problem, uses.anchor) if uses.problem else self._call_problem(reads)
        if problem is not None:
            message = f"{self.FINDINGS[DECLINED]}: {problem}"
            self.report(anchor or node, message, code=DECLINED, severity=Severity.WARNING)
            return False
        self._converting = True
        self.add_support_file(HELPER_FILE, text_of(HELPER_FILE))
        first = uses.first_use or (tf_calls[0] if tf_calls else node)
        self.report(first, f"MNIST now comes from {HELPER_FILE}, written next to the program", severity=Severity.INFO)
        return True

    def _collect_imports(self, statement: cst.CSTNode) -> None:
        if not isinstance(statement, cst.SimpleStatementLine):
            return
        for small in statement.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if tf_names.dotted(alias.name) in MODULES:
                        # Without `as`, the import binds `tensorflow`: _Uses declines it.
                        self._module_names.add((alias.evaluated_alias or "") if alias.asname else "")
            elif isinstance(small, cst.ImportFrom) and small.module is not None and not small.relative:
                if isinstance(small.names, cst.ImportStar):
                    continue
                module = tf_names.dotted(small.module)
                for alias in small.names:
                    imported = f"{module}.{tf_names.dotted(alias.name)}"
                    local = alias.evaluated_alias or tf_names.dotted(alias.name) or ""
                    if imported in MODULES:
                        self._module_names.add(local)
                    elif module in MODULES:
                        self._function_names.add(local)

    def _tf_call(self, call: cst.Call) -> str | None:
        """The helper function a call through the root alias becomes, or None (also for a call
        through a name the rewritten imports bind)."""
        head = tf_names.dotted(call.func)
        if head is None or head.split(".")[0] in self._module_names | self._function_names:
            return None
        api = self.tf_api(call.func)
        if api is not None and api in CALLS:
            return CALLS[api]
        if api == _LOAD_DATASET and len(call.args) == 1 and syntax.string_literal(call.args[0].value) == "mnist":
            return "load_mnist"
        return None

    def _call_problem(self, calls: list[cst.Call]) -> tuple[str | None, cst.CSTNode | None]:
        """Why one of the `read_data_sets` calls cannot be converted, and that call."""
        for call in calls:
            bound = bind_arguments_or_none(call, READ_PARAMS, unknown_keywords=UnknownKeywords.REFUSE)
            if bound is None:
                return "arguments that cannot be matched with read_data_sets(train_dir, ...)", call
            if "source_url" in bound:
                address = syntax.string_literal(bound["source_url"].value)
                if address is None or not (FASHION_ADDRESS in address or any(a in address for a in MNIST_ADDRESSES)):
                    return "a source_url that is not a literal MNIST or Fashion-MNIST address", call
        return None, None

    # --- rewriting ------------------------------------------------------------------------
    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        if not self._converting:
            return updated_node
        names = [
            alias.with_changes(name=cst.Name(HELPER)) if tf_names.dotted(alias.name) in MODULES else alias
            for alias in updated_node.names
        ]
        return updated_node.with_changes(names=names)

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom | cst.Import:
        if not self._converting or updated_node.module is None or isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        module = tf_names.dotted(updated_node.module)
        if module in MODULES:
            return updated_node.with_changes(module=cst.Name(HELPER), relative=[])
        modules = [alias for alias in updated_node.names if f"{module}.{tf_names.dotted(alias.name)}" in MODULES]
        if not modules:
            return updated_node
        if len(modules) != len(updated_node.names):
            return updated_node  # mixed with other names: _Uses declined it
        local = modules[0].evaluated_alias or tf_names.dotted(modules[0].name) or HELPER
        asname = None if local == HELPER else cst.AsName(name=cst.Name(local))
        return cst.Import(names=[cst.ImportAlias(name=cst.Name(HELPER), asname=asname)])

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if not self._converting:
            return updated_node
        function = self._tf_call(original_node)
        if function is None:
            return updated_node
        AddImportsVisitor.add_needed_import(self.context, HELPER)
        loads_dataset = self.tf_api(original_node.func) == _LOAD_DATASET
        args = () if function == "load_mnist" and loads_dataset else updated_node.args
        return updated_node.with_changes(func=tf_names.build_dotted(f"{HELPER}.{function}"), args=args)


class _Uses(cst.CSTVisitor):
    """How a file uses the names bound to the TF1 module and its functions."""

    def __init__(self, module_names: set[str], function_names: set[str]) -> None:
        super().__init__()
        self.module_names = module_names
        self.function_names = function_names
        self.calls: list[cst.Call] = []  # read_data_sets calls to check
        self.problem: str | None = None
        self.anchor: cst.CSTNode | None = None
        self.first_use: cst.CSTNode | None = None  # the first import of the module or its functions
        self._fine: set[int] = set()  # Name nodes already accounted for

    def _decline(self, node: cst.CSTNode, problem: str) -> None:
        if self.problem is None:
            self.problem, self.anchor = problem, node

    def visit_Import(self, node: cst.Import) -> bool:
        if any(tf_names.dotted(alias.name) in MODULES for alias in node.names):
            self.first_use = self.first_use or node
            if any(tf_names.dotted(alias.name) in MODULES and alias.asname is None for alias in node.names):
                self._decline(node, "the module is imported without a name of its own")
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if node.module is not None and not isinstance(node.names, cst.ImportStar):
            module = tf_names.dotted(node.module)
            binds = [f"{module}.{tf_names.dotted(alias.name)}" in MODULES for alias in node.names]
            if module in MODULES or any(binds):
                self.first_use = self.first_use or node
            if any(binds) and not all(binds):
                self._decline(node, "the module is imported together with other names")
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        # A parameter of the module's name is another object inside the function; its default
        # value and the decorators are read where the function is defined.
        parameters = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
        for decorator in node.decorators:
            walk.visit_code(decorator, self)
        for parameter in parameters:
            if parameter.default is not None:
                walk.visit_code(parameter.default, self)
        names = {parameter.name.value for parameter in parameters}
        for star in (node.params.star_arg, node.params.star_kwarg):
            if isinstance(star, cst.Param):
                names.add(star.name.value)
        outer = self.module_names, self.function_names
        self.module_names, self.function_names = self.module_names - names, self.function_names - names
        walk.visit_code(node.body, self)
        self.module_names, self.function_names = outer
        return False

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._fine.add(id(node.attr))
        if isinstance(node.value, cst.Name) and node.value.value in self.module_names:
            self._fine.add(id(node.value))
            if node.attr.value not in API:
                self._decline(node, f"{node.value.value}.{node.attr.value} has no counterpart in the module")

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            if func.value.value in self.module_names and func.attr.value == "read_data_sets":
                self.calls.append(node)
        elif isinstance(func, cst.Name) and func.value in self.function_names:
            self._fine.add(id(func))
            if func.value == "read_data_sets":
                self.calls.append(node)

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self._fine.add(id(node.keyword))

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) in self._fine:
            return
        if node.value in self.module_names:
            self._decline(node, f"the module {node.value} is used as a value")
        elif node.value in self.function_names:
            self._decline(node, f"{node.value} is used other than in a call")

