"""One walk of a tree that serves the questions the analyses ask about any of its subtrees.

The analyses ask the same few questions (which names, calls, TensorFlow references or nodes of a
type) of many subtrees of one tree: the module, each statement, each function body; a walk per
question and subtree visits the tree many times over. Instead, the tree a pass reads is walked
once, at the first question about it, into the list of its code nodes in the order
`walk.visit_code` visits them, with each node's span in that list: a subtree's nodes are then a
slice of it, in the order a walk of the subtree would visit them. Nodes are immutable, so a span
holds whichever tree the node is in; a node that a transform built after the walk is walked on
its own at the first question about it. A pass rewrites a few statements of a module, so of the
tree a pass reads only the top-level statements not walked before are walked; the module's own
list is put together from theirs.
"""

from __future__ import annotations

import libcst as cst

from migrate.analysis import walk

# By the node's id: (the node, the walk it was indexed in, its position there). Each entry holds
# its node, so an id is never reused while its entry lives.
_POSITIONS: dict[int, tuple[cst.CSTNode, Walk, int]] = {}
_expected: list[cst.Module] = []  # the tree the next questions are about, until it is walked
_LIMIT = 1_000_000


class Walk:
    """The code nodes of a tree in visiting order, and where each one's subtree ends."""

    __slots__ = ("ends", "nodes")

    def __init__(self, root: cst.CSTNode, lists: tuple[list[cst.CSTNode], list[int]] | None = None) -> None:
        """The walk of `root`; `lists` are its nodes and ends when they are known already."""
        self.nodes, self.ends = lists or walk.code_order(root)  # ends[i]: just past the subtree of nodes[i]


def expect(module: cst.Module) -> None:
    """The tree the questions that follow are about: walked at the first one it can answer."""
    found = _POSITIONS.get(id(module))
    if found is not None and found[0] is module:
        return
    _expected[:] = [module]


def forget() -> None:
    """Drop every index (the pipeline calls this once per file)."""
    _POSITIONS.clear()
    _expected.clear()


def subtree(node: cst.CSTNode) -> tuple[Walk, int]:
    """A walk that holds `node`, and its position there: its subtree is the positions from it
    to `ends` of it. A node in no walked tree is looked for in the expected tree, and failing
    that walked on its own."""
    found = _POSITIONS.get(id(node))
    if found is None or found[0] is not node:
        if _expected:
            _index(_expected.pop())
            found = _POSITIONS.get(id(node))
        if found is None or found[0] is not node:
            _index(node)
            found = _POSITIONS[id(node)]
    return found[1], found[2]


def _index(root: cst.CSTNode) -> None:
    if type(root) is cst.Module:
        _index_module(root)
        return
    done = Walk(root)
    if len(_POSITIONS) + len(done.nodes) > _LIMIT:
        _POSITIONS.clear()  # a caller that never forgets (libcst's codemod runner) stays bounded
    for position, node in enumerate(done.nodes):
        _POSITIONS[id(node)] = (node, done, position)


def _index_module(module: cst.Module) -> None:
    """`_index(module)`, walking only the statements no walk holds yet: the module's list is its
    statements' lists one after the other (the module's only code field is its body)."""
    nodes: list[cst.CSTNode] = [module]
    ends: list[int] = [0]
    for statement in module.body:
        found = _POSITIONS.get(id(statement))
        if found is None or found[0] is not statement:
            _index(statement)
            found = _POSITIONS[id(statement)]
        _, done, start = found
        end = done.ends[start]
        shift = len(nodes) - start
        nodes.extend(done.nodes[start:end])
        ends.extend([position + shift for position in done.ends[start:end]])
    ends[0] = len(nodes)
    _POSITIONS[id(module)] = (module, Walk(module, (nodes, ends)), 0)
