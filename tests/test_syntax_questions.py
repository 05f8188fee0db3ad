"""The questions of `migrate.analysis.syntax`, answered from one walk of a tree
(`subtree_index`), against visitors that ask libcst's own traversal the same thing, for every
subtree of the fixtures and examples: whichever tree a subtree was first walked in."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from migrate.analysis import subtree_index, syntax, tf_names

ROOT = Path(__file__).parent.parent
SOURCES = sorted([*(ROOT / "tests" / "fixtures").glob("*/*.in.py"), *(ROOT / "legacy_examples").glob("*.py")])


class _Expected(cst.CSTVisitor):
    """References outside imports, with the ones inside each, by libcst's node.visit."""

    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []
        self.inside: list[list[cst.CSTNode]] = []
        self.lines: list[cst.SimpleStatementLine] = []
        self._open: list[int] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.lines.append(node)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, (cst.Attribute, cst.Name)):
            for index in self._open:
                self.inside[index].append(node)
            self._open.append(len(self.nodes))
            self.nodes.append(node)
            self.inside.append([])
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if isinstance(original_node, (cst.Attribute, cst.Name)):
            self._open.pop()
        super().on_leave(original_node)


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_references_match_libcst(path: Path) -> None:
    module = cst.parse_module(path.read_text())
    expected = _Expected()
    module.visit(expected)
    found = syntax.references_in(module)
    assert [id(n) for n in found.nodes] == [id(n) for n in expected.nodes]
    assert [id(n) for n in found.lines] == [id(n) for n in expected.lines]
    for index, end in enumerate(found.ends):
        assert [id(n) for n in found.nodes[index + 1 : end]] == [id(n) for n in expected.inside[index]]


def test_outermost_skips_inside_chains_and_imports() -> None:
    module = cst.parse_module(
        "import tensorflow as tf\n"
        "from tensorflow.contrib import slim\n"
        "y = tf.contrib.layers.flatten(x).shape[0] + f(tf.nn.relu)\n"
    )
    outer = [cst.Module([]).code_for_node(node) for node in syntax.references_in(module).outermost()]
    assert outer == ["y", "tf.contrib.layers.flatten(x).shape", "f", "tf.nn.relu"]


def test_remembered_for_the_same_tree_only() -> None:
    module = cst.parse_module("a = b.c\n")
    assert syntax.references_in(module) is syntax.references_in(module)
    other = cst.parse_module("a = b.c\n")
    assert syntax.references_in(other) is not syntax.references_in(module)


class _Apis(cst.CSTVisitor):
    """tf_apis_in's definition: outermost resolved chains, and resolved names but `tf`."""

    def __init__(self) -> None:
        self.found: list[tuple[str, int]] = []

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        api = _resolve(node)
        if api is not None:
            self.found.append((api, id(node)))
            return False
        return True

    def visit_Name(self, node: cst.Name) -> None:
        api = _resolve(node)
        if api is not None and api != "tf":
            self.found.append((api, id(node)))


def _resolve(node: cst.CSTNode) -> str | None:
    """A stand-in resolver: chains that start at `tf` or `np`."""
    spelled = tf_names.dotted(node) if isinstance(node, (cst.Name, cst.Attribute)) else None
    return spelled if spelled is not None and spelled.split(".")[0] in {"tf", "np"} else None


class _AllNodes(cst.CSTVisitor):
    def __init__(self) -> None:
        self.nodes: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.nodes.append(node)
        return True


def _subtrees(module: cst.Module) -> list[cst.CSTNode]:
    collector = _AllNodes()
    module.visit(collector)
    return [
        n for n in collector.nodes if not isinstance(n, (cst.BaseParenthesizableWhitespace, cst.Newline, cst.Comment))
    ]


def _in_code_order(node: cst.CSTNode, *types: type[cst.CSTNode]) -> list[int]:
    collector = _AllNodes()
    node.visit(collector)
    return [id(n) for n in collector.nodes if isinstance(n, types)]


@pytest.mark.parametrize("path", SOURCES[::3], ids=lambda path: str(path.relative_to(ROOT)))
@pytest.mark.parametrize("first", ["module", "statements"], ids=["module-first", "statements-first"])
def test_questions_match_visitors(path: Path, first: str) -> None:
    module = cst.parse_module(path.read_text())
    syntax.forget_subtrees()
    if first == "statements":
        # Some subtrees walked on their own before the whole tree is: their nodes then belong
        # to two walks.
        for statement in module.body[::2]:
            syntax.calls_in(statement)
    subtree_index.expect(module)
    for node in _subtrees(module):
        expected_names = syntax.NameCollector()  # names read: not attribute or keyword names
        node.visit(expected_names)
        assert syntax.names_in(node) == frozenset(expected_names.names), node
        assert [id(c) for c in syntax.calls_in(node)] == _in_code_order(node, cst.Call)
        assert [id(c) for c in syntax.nodes_of(node, cst.Assign, cst.Subscript)] == _in_code_order(
            node, cst.Assign, cst.Subscript
        )
        apis = _Apis()
        node.visit(apis)
        assert [(api, id(n)) for api, n in syntax.tf_apis_in(node, _resolve)] == apis.found


def test_index_stays_bounded_and_right(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subtree_index, "_LIMIT", 50)
    syntax.forget_subtrees()
    modules = [cst.parse_module(path.read_text()) for path in SOURCES[:4]]
    for module in modules:
        for statement in module.body:
            assert [id(call) for call in syntax.calls_in(statement)] == _in_code_order(statement, cst.Call)
            assert len(subtree_index._POSITIONS) <= max(50, len(subtree_index.Walk(statement).nodes))



def test_a_rewritten_module_reuses_the_walks_of_its_kept_statements() -> None:
    syntax.forget_subtrees()
    module = cst.parse_module(SOURCES[0].read_text())
    subtree_index.expect(module)
    assert syntax.calls_in(module)  # walks the module
    first, *rest = module.body
    rewritten = module.with_changes(body=[*rest, cst.parse_statement("y = tf.zeros(3)\n"), first])
    subtree_index.expect(rewritten)
    done, start = subtree_index.subtree(rewritten)
    nodes, ends = subtree_index.walk.code_order(rewritten)
    assert [id(node) for node in done.nodes[start : done.ends[start]]] == [id(node) for node in nodes]
    assert [done.ends[start + i] - start for i in range(len(nodes))] == ends
    assert subtree_index.subtree(rest[0])[0] is not done  # kept statements keep their own walk


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("train()\n", 1),
        ("tf.train.Saver(train)\n", 1),
        ("run(train=1, model=train)\n", 1),
        ("x = self.train + train(train)\n", 2),
        ("def train():\n    pass\n", 1),
    ],
    ids=["call", "attribute-not-counted", "keyword-not-counted", "reads", "definition-binds"],
)
def test_name_uses(code: str, expected: int) -> None:
    assert len(syntax.name_uses(cst.parse_module(code)).get("train", [])) == expected


@pytest.mark.parametrize(
    ("code", "kept", "expected"),
    [
        ("f(a, b, c)\n", [0, 1], "f(a, b)\n"),
        ("f(a, b, c)\n", [0, 2], "f(a, c)\n"),
        ("f(a, b,)\n", [0, 1], "f(a, b)\n"),
        ("f(a)\n", [], "f()\n"),
    ],
    ids=["last-dropped", "middle-dropped", "trailing-comma", "none-left"],
)
def test_without_last_comma(code: str, kept: list[int], expected: str) -> None:
    module = cst.parse_module(code)
    call = syntax.calls_in(module)[0]
    args = syntax.without_last_comma([call.args[i] for i in kept])
    assert module.deep_replace(call, call.with_changes(args=args)).code == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("image = f(image)\n", {"f", "image"}),
        ("image = f(x)\ny = g(image)\n", {"f", "g", "x"}),
        ("x[i] = 1\n", {"x", "i"}),
        ("n += 1\n", {"n"}),
        ("if a:\n    loss = f(x)\nelse:\n    pass\nloss += 1\n", {"a", "f", "x"}),
        ("if a:\n    b = 1\nelif c:\n    b = b + 1\n", {"a", "b", "c"}),
        ("for w in ws:\n    total = total + w\n", {"ws", "total"}),
        ("with open(p) as f:\n    text = f.read()\n", {"open", "p"}),
        ("def h():\n    return k\n", {"k"}),
    ],
    ids=["reads-then-binds", "binds-then-reads", "subscript-target", "augmented", "one-branch-binds",
         "elif-reads-the-outer", "loop-target-bound", "with-target-bound", "function-free-names"],
)
def test_reads_before_binding(code: str, expected: set[str]) -> None:
    assert syntax.reads_before_binding(cst.parse_module(code).body) == expected
