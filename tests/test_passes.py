"""Shared traversals give what separate passes give; the dispatcher keeps each rule's semantics."""

from __future__ import annotations

import importlib.util
import random
import subprocess
import sys
from pathlib import Path

import libcst as cst
import pytest
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor, RemoveImportsVisitor

from migrate import passes
from migrate.analysis import walk
from migrate.passes import module_hooks_only, run_pass
from migrate.pipeline import rewrite_code
from migrate.transforms import ALL_TRANSFORMS
from migrate.transforms.api_renames import ApiRenames
from migrate.transforms.base import FINDINGS_KEY, MigrationTransform
from migrate.transforms.sessions import SessionsToFunctions

ROOT = Path(__file__).parent.parent
FIXTURE_INPUTS = sorted((ROOT / "tests" / "fixtures").glob("*/*.in.py"))


def _synthetic_sources(count: int) -> list[str]:
    """Files like the throughput benchmark's (benchmarks/rewrite_throughput.py)."""
    spec = importlib.util.spec_from_file_location("rewrite_throughput", ROOT / "benchmarks" / "rewrite_throughput.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    rng = random.Random(7)
    return [benchmark.make_file(rng, index) for index in range(count)]


CASES = [
    *(pytest.param(path.read_text(encoding="utf-8"), id=f"{path.parent.name}/{path.name}") for path in FIXTURE_INPUTS),
    *(pytest.param(source, id=f"synthetic-{n}") for n, source in enumerate(_synthetic_sources(4))),
]


def test_groups_are_consecutive() -> None:
    # A group split by another transform would silently become two passes.
    seen: set[str] = set()
    previous = ""
    for transform in ALL_TRANSFORMS:
        group = transform.TRAVERSAL_GROUP
        if group and group != previous:
            assert group not in seen, f"{transform.CODE}: group {group} is not consecutive"
            seen.add(group)
        previous = group


@pytest.mark.parametrize("source", CASES)
def test_shared_traversal_equals_separate_passes(source: str) -> None:
    shared = rewrite_code(source, path="case.py")
    separate = rewrite_code(source, path="case.py", share_traversals=False)
    assert shared.code == separate.code
    assert shared.findings == separate.findings
    assert shared.run_sites == separate.run_sites
    assert shared.error == separate.error


@pytest.mark.parametrize("source", CASES)
def test_traversal_equals_libcst_visit(source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = rewrite_code(source, path="case.py")
    monkeypatch.setattr(passes, "traverse", lambda module, transformer, **_: module.visit(transformer))
    reference = rewrite_code(source, path="case.py")
    assert fast.code == reference.code
    assert fast.findings == reference.findings
    assert fast.run_sites == reference.run_sites


def test_module_hooks_only() -> None:
    assert module_hooks_only(SessionsToFunctions)
    assert not module_hooks_only(ApiRenames)


class _Log(MigrationTransform):
    """Records the events it sees; prunes below calls, renames `a` to `b`."""

    CODE = "TFM990"
    DESCRIPTION = "test rule"

    def visit_Call(self, node: cst.Call) -> bool:
        self.context.scratch.setdefault("log", []).append(f"{self.CODE} visit Call")
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.context.scratch.setdefault("log", []).append(f"{self.CODE} visit {node.value}")

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        self.context.scratch.setdefault("log", []).append(f"{self.CODE} leave {updated_node.value}")
        if updated_node.value == "a":
            return updated_node.with_changes(value="b")
        if updated_node.value == "gone":
            return cst.Attribute(value=cst.Name("x"), attr=cst.Name("y"))
        return updated_node


class _Second(_Log):
    CODE = "TFM991"

    def visit_Call(self, node: cst.Call) -> bool:
        return True


def _run(source: str, rules: list[type[MigrationTransform]]) -> tuple[str, list[str]]:
    context = CodemodContext()
    context.scratch[FINDINGS_KEY] = []
    module = cst.parse_module(source)
    log: list[str] = []
    context.scratch["log"] = log
    new = run_pass(rules, module, source, context)
    return new.code, log


def test_dispatcher_threads_updates_and_prunes_per_rule() -> None:
    code, log = _run("a + f(c)\n", [_Log, _Second])
    # The second rule sees the first rule's `b`; only the first rule skips the call's inside.
    assert code == "b + f(c)\n"
    assert log == [
        "TFM990 visit a",
        "TFM991 visit a",
        "TFM990 leave a",
        "TFM991 leave b",
        "TFM990 visit Call",
        "TFM991 visit f",
        "TFM991 leave f",
        "TFM991 visit c",
        "TFM991 leave c",
    ]


def test_dispatcher_stops_leave_after_a_type_change() -> None:
    code, log = _run("gone\n", [_Log, _Second])
    assert code == "x.y\n"
    assert "TFM991 leave gone" not in log


def test_transform_still_runs_as_libcst_codemod(tmp_path: Path) -> None:
    (tmp_path / ".libcst.codemod.yaml").write_text(
        "generated_code_marker: '@generated'\nformatter: []\nblacklist_patterns: []\n"
        "modules:\n- migrate.transforms\nrepo_root: .\n"
    )
    target = tmp_path / "model.py"
    target.write_text("import tensorflow as tf\nw = tf.random_normal([3]) + tf.log(x)\n")
    completed = subprocess.run(
        [sys.executable, "-m", "libcst.tool", "codemod", "--no-format", "api_renames.ApiRenames", str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert target.read_text() == "import tensorflow as tf\nw = tf.random.normal([3]) + tf.math.log(x)\n"


class _CommaRule(MigrationTransform):
    CODE = "TFM991"
    DESCRIPTION = "test rule with a formatting hook"

    def leave_Comma(self, original_node: cst.Comma, updated_node: cst.Comma) -> cst.Comma:
        return updated_node


def test_rules_with_formatting_hooks_see_formatting() -> None:
    assert walk.sees_formatting(_CommaRule)
    assert not any(walk.sees_formatting(rule) for rule in (ApiRenames, SessionsToFunctions))


_IMPORT_HEADS = [
    "x = 1\n",
    '"""Doc."""\n\nx = 1\n',
    '"""Doc."""\nimport os\n# about x\nx = 1\ny = 2\n',
    "__strict__ = True\nimport os\nfrom typing import List\n\n\ndef f():\n    import sys\n    return 1\n",
    "from __future__ import annotations\nimport os\nfrom absl import flags\nif True:\n    pass\nz = 3\n",
    "import os\n",
    "from absl import flags as f\nimport numpy as np\nclass A:\n    from absl import app\n",
    "# a comment\n\ndef main():\n    pass\n\nmain()\n",
    "",
    "def main():\n    from absl import flags\n    import sys\n",
    '"""Doc."""\nclass A:\n    import os\n',
    "import os\n\n\nclass A:\n    pass\n",
    "import os\n# about A\n\nclass A:\n    from absl import flags\n",
    "import os\nfrom absl import flags\n\n# about main\n@decorated\ndef main():\n    pass\n",
    "x = 1\nimport os\nimport numpy as np\nif x:\n    import sys\n",
    "import tensorflow as tf\nimport sys\nz = 3",
]
_IMPORT_REQUESTS = [
    [("tensorflow", None, "tf")],
    [("sys", None, None)],
    [("absl", "flags", None), ("absl", "app", None)],
    [("typing", "List", None), ("os", None, None), ("__future__", "annotations", None)],
    [("numpy", None, "np"), ("absl", "flags", "f")],
]


@pytest.mark.parametrize("source", _IMPORT_HEADS)
@pytest.mark.parametrize("requests", _IMPORT_REQUESTS)
def test_import_additions_on_the_head_equal_libcsts(
    source: str, requests: list[tuple[str, str | None, str | None]]
) -> None:
    module = cst.parse_module(source)
    contexts = [CodemodContext(), CodemodContext()]
    for context in contexts:
        for name, obj, alias in requests:
            AddImportsVisitor.add_needed_import(context, name, obj, alias)
    expected = AddImportsVisitor(contexts[0]).transform_module(module).code
    added = passes.add_imports(contexts[1], module)
    assert added.code == expected
    if expected == source:
        assert added is module  # nothing added: the tree and its analysis carry on
    # The statements after the import block are the same nodes, so their text is not generated
    # again; the first of them too unless a blank line was added before it.
    end = passes._import_block_end(module.body)
    tail = module.body[end + 1 :]
    assert all(new is old for new, old in zip(added.body[len(added.body) - len(tail) :], tail, strict=True))
    if end < len(module.body):
        following = added.body[len(added.body) - len(tail) - 1]
        assert (following is module.body[end]) == following.deep_equals(module.body[end])


_REMOVAL_SOURCES = [
    "import os\nimport sys\n\nx = 1\n",
    "import os\nimport sys\n\nx = os.sep\n",
    "from absl import flags, app\n\napp.run()\n",
    "def f():\n    import os\n    return 1\n",
    "import numpy as np\nfrom tensorflow.python.framework import ops\n",
    "from . import sibling\nfrom .. import parent\nimport tensorflow as tf\n",
    "x = 1\n",
    "import tensorflow as tf\nfrom tensorflow.contrib import rnn, layers\n\ncell = tf.nn.rnn_cell.LSTMCell(3)\n",
    "from tensorflow.contrib import (\n    rnn,  # cells\n    layers,\n)\n\nx = layers.dense\n",
    "import tensorflow as tf\nfrom tensorflow.contrib import rnn\n\ndef f():\n    return rnn.LSTMCell(3)\n",
    "from tensorflow.contrib import rnn\n__all__ = ['rnn']\n",
    "from tensorflow.contrib import rnn\nscope = 'rnnlm'\n",
    "from tensorflow.contrib import rnn\nmodel = 'rnn'\n",
    "from tensorflow.contrib import rnn\ndef f(cell: 'rnn.LSTMCell') -> None:\n    pass\n",
    "import typing\nfrom tensorflow.contrib import rnn\nT = typing.TypeVar('T', bound='rnn.LSTMCell')\n",
    "import tensorflow.contrib.eager as tfe\nimport tensorflow as tf; x = 1\nprint(f'{x} tfe')\n",
    "import tensorflow.contrib.eager as tfe\nimport tensorflow as tf\ntfe.enable_eager_execution()\n",
    "from tensorflow.contrib import rnn\nrnn = 3\n",
]
_REMOVAL_REQUESTS = [
    [("tensorflow.contrib", "rnn", None)],
    [("tensorflow.contrib", "rnn", None), ("tensorflow.contrib", "layers", None)],
    [("tensorflow.contrib.eager", None, "tfe")],
    [("os", None, None)],
    [("sys", None, None), ("absl", "flags", None)],
    [("absl", "app", None)],
    [("numpy", None, "np"), ("tensorflow.python.framework", "ops", None)],
    [("tensorflow", None, "tf")],
    [("unrelated", None, None)],
]


@pytest.mark.parametrize("source", _REMOVAL_SOURCES)
@pytest.mark.parametrize("requests", _REMOVAL_REQUESTS)
def test_import_removals_equal_libcsts(source: str, requests: list[tuple[str, str | None, str | None]]) -> None:
    module = cst.parse_module(source)
    contexts = [CodemodContext(full_module_name="pkg.mod"), CodemodContext(full_module_name="pkg.mod")]
    for context in contexts:
        for name, obj, alias in requests:
            RemoveImportsVisitor.remove_unused_import(context, name, obj, alias)
    expected = RemoveImportsVisitor(contexts[0]).transform_module(module).code
    removed = passes.remove_imports(contexts[1], module)
    assert removed.code == expected
    if not any(name in source for name, _, _ in requests):
        assert removed is module  # no import from a scheduled module: the visitor is not run
