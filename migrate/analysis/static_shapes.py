"""Static shapes read outside the runs (`print(t.shape.as_list())`): what TF 2 reads them from.

TF1 infers a tensor's static shape while it builds the graph; a `tf.function` traced for the
same input signature builds the same ops with the same shape functions, so its concrete
function's output shape is the shape TF1 printed. A placeholder's static shape is the shape it
was declared with. Only the reads TF1 and TF 2 answer alike are taken (see
`run_sites.StaticShape`): `as_list()` (ints, None for an unknown dimension), `len(...)`,
`.ndims` / `.rank`, one dimension's `.value` or `int(...)`, and the shape written out as text,
where TF 2 writes an unknown dimension `None` and TF1 wrote `?` (reported). A bare `Dimension`
(`t.shape[0]`) is not: TF1's `?` is not None, and TF 2's int has no `.value`.

A read may size the variables of the next layer (`dim = reshape.get_shape()[1].value`): the
value stays where it is, computed from the shape alone, and the function traced for it goes
before it (graph_program places it). A function taking a dataset iterator's element has no
input signature: it is traced for the dataset's `element_spec`, TF1's `output_shapes`."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from collections.abc import Set as AbstractSet

import libcst as cst

from migrate.analysis.declined import Declined
from migrate.analysis.graph_model import (
    TENSOR_OUTSIDE_RUN,
    UNSUPPORTED_RUN,
    Function,
    Kind,
    Placeholder,
    RunSite,
    ShapeSource,
    Statement,
)
from migrate.analysis.run_sites import StaticShape
from migrate.analysis.syntax import assigned_names, name_uses, names_in, nodes_of, read_names


def static_shape_sources(
    reads: Sequence[StaticShape],
    sites: Sequence[RunSite],
    site_index: Mapping[int, int],
    placeholders: Mapping[str, Placeholder],
    statements: Sequence[Statement],
    reaching: Callable[[int], Mapping[str, Statement]],
    ops: AbstractSet[str],
    probe: Callable[[StaticShape], Function],
    iterators: Mapping[str, cst.BaseExpression | None],
) -> dict[int, ShapeSource]:
    """For each read, by its shape expression: the placeholder whose declared shape it is, or
    the generated function that returns that tensor, as the read saw it, alone or in a
    structure of values; for a tensor no run returns, the function `probe` makes to return it
    alone (`n_in = int(h.shape[1])` read to size the next layer's weights)."""
    found: dict[int, ShapeSource] = {}
    for read in reads:
        placeholder = placeholders.get(read.tensor)
        if placeholder is not None:
            _check_shape_unchanged(placeholder, statements, read)
            found[id(read.shape)] = ShapeSource(placeholder, as_text=read.as_text)
            continue
        meant = reaching(read.index).get(read.tensor)
        returning = [
            (path, site.function)
            for site in sites
            if site.function is not None
            and (path := _path_to(read.tensor, site.function.fetches, ops)) is not None
            and reaching(site_index[id(site.call)]).get(read.tensor) is meant
            and _built_before(site.function, statements, read.index)
        ]
        if not returning:
            returning = [("", probe(read))]
        path, function = min(returning, key=lambda found: len(found[0]))  # fetched alone first
        _check_traceable(read, function, statements, iterators)
        found[id(read.shape)] = ShapeSource(function, path, read.as_text)
    return found


def _built_before(function: Function, statements: Sequence[Statement], index: int) -> bool:
    """Whether all the graph code `function` runs (its training op too) was built before the
    statement `index`, and nothing it reads is bound from there on: traced there, it reads only
    variables and values made by then (a run may fetch the tensor beside a loss of layers made
    after the read, or beside a variable made after it, `global_step`)."""
    needed = {id(s) for s in function.statements}
    trained = {function.train.name} if function.train is not None else set()
    reads = names_in(function.fetches).union(*(read_names(s.node) for s in function.statements))
    return not any(
        id(s) in needed or (s.kind is Kind.TRAIN and trained & set(s.defines)) or reads & set(s.defines)
        for s in statements[index:]
    )


def _check_traceable(
    read: StaticShape,
    function: Function,
    statements: Sequence[Statement],
    iterators: Mapping[str, cst.BaseExpression | None],
) -> None:
    """The function can be traced where the shape is read: each placeholder it takes has its
    declared dtype and shape, and each iterator element the element spec of the dataset the
    iterator was made from (`dataset.element_spec`, TF1's `output_shapes`), a name that holds
    that dataset still."""
    for p in function.params:
        if p.iterator:
            dataset = iterators.get(p.name)
            made = max(
                (i for i, s in enumerate(statements[: read.index]) if s.kind is Kind.ITERATOR and p.name in s.defines),
                default=-1,
            )
            rebound = any(
                isinstance(dataset, cst.Name) and dataset.value in assigned_names(s.node)
                for s in statements[made + 1 : read.index]
            )
            if isinstance(dataset, cst.Name) and made >= 0 and not rebound:
                continue
            why = f"the iterator `{p.name}` is not made from a dataset bound to a name that holds it still"
        elif p.python_value or p.default is not None or p.sparse or p.dtype is None:
            why = "a parameter with no dtype and shape of its own"
        else:
            continue
        raise Declined(
            TENSOR_OUTSIDE_RUN,
            f"the static shape of `{read.tensor}`, whose function has no input signature to trace it for: {why}",
            read.shape,
        )


def read_for_shape_only(node: cst.CSTNode) -> frozenset[str]:
    """The names `node` reads only as the tensor of `t.shape` / `t.get_shape()`: a Python value
    computed from a static shape (`n_in = int(h.shape[1])`) needs no value of `t`, only its
    shape, which TF 2 reads without running anything (whether the read as a whole is one TF1
    and TF 2 agree on, the run-site finder decides)."""
    owners: dict[str, int] = {}
    for inner in nodes_of(node, cst.Attribute):
        assert isinstance(inner, cst.Attribute)
        if inner.attr.value in ("shape", "get_shape") and isinstance(inner.value, cst.Name):
            owners[inner.value.value] = owners.get(inner.value.value, 0) + 1
    uses = name_uses(node)
    return frozenset(name for name, count in owners.items() if len(uses.get(name, ())) == count)


def _path_to(tensor: str, fetches: cst.BaseExpression, ops: AbstractSet[str]) -> str | None:
    """Where a function generated for `fetches` returns `tensor` (as the sessions transform's
    `_returned` writes it): `""` alone, `"[i]"` or `'["key"]'` in a structure of values; None
    elsewhere. A run's training ops are not returned: the values after them in a list move up,
    one value fetched with them is returned alone, and a dict keeps the other keys."""
    if isinstance(fetches, cst.Name):
        return "" if fetches.value == tensor else None
    if isinstance(fetches, (cst.List, cst.Tuple)):
        values = [e.value for e in fetches.elements if not (isinstance(e.value, cst.Name) and e.value.value in ops)]
        position = next((i for i, v in enumerate(values) if isinstance(v, cst.Name) and v.value == tensor), None)
        if position is None:
            return None
        return "" if len(values) == 1 and len(fetches.elements) > 1 else f"[{position}]"
    if isinstance(fetches, cst.Dict):
        for item in fetches.elements:
            if not isinstance(item, cst.DictElement):
                return None
            value, key = item.value, item.key
            if isinstance(value, cst.Name) and value.value == tensor and isinstance(key, cst.SimpleString):
                return f"[{key.value}]"
    return None


def _check_shape_unchanged(placeholder: Placeholder, statements: Sequence[Statement], read: StaticShape) -> None:
    """The declared shape is written out again where it is read: between the placeholder and
    the read, nothing may bind the names it reads anew or change them in place."""
    changed = _shape_changes(placeholder, statements, _made_at(placeholder, statements, read.index), read.index)
    if changed is not None:
        raise Declined(
            TENSOR_OUTSIDE_RUN,
            f"the static shape of `{placeholder.name}`: `{changed}`, which its declared shape reads, changes"
            " before it is read",
            read.shape,
        )


def check_signatures(functions: Sequence[Function], statements: Sequence[Statement], functions_at: int) -> None:
    """A generated function's input signature is written where the functions go (before the
    statement `functions_at`), from the shapes the placeholders were declared with: the names
    those shapes read must hold there what they held where each placeholder was made."""
    for function in functions:
        for placeholder in function.params:
            made = _made_at(placeholder, statements, len(statements))
            if made < 0:
                continue
            start, end = sorted((made, functions_at))
            changed = _shape_changes(placeholder, statements, start, end)
            if changed is not None:
                raise Declined(
                    UNSUPPORTED_RUN,
                    f"`{changed}`, which the shape of the placeholder `{placeholder.name}` reads, changes between"
                    f" the placeholder and the generated function `{function.name}` whose input signature it gives",
                    statements[made].node,
                )


def _made_at(placeholder: Placeholder, statements: Sequence[Statement], before: int) -> int:
    """The index of the statement that made the placeholder (the last one before `before`), -1 if none."""
    return max(
        (
            index
            for index, statement in enumerate(statements[:before])
            if statement.kind is Kind.PLACEHOLDER and placeholder.name in statement.defines
        ),
        default=-1,
    )


def _shape_changes(placeholder: Placeholder, statements: Sequence[Statement], start: int, end: int) -> str | None:
    """A name the placeholder's declared shape reads that a statement after `start` and
    before `end` binds anew or may change in place, None if none."""
    if placeholder.shape is None:
        return None
    shape_names = names_in(placeholder.shape)
    # `[n]` reads n's value, `[FLAGS.n]` only an attribute of FLAGS, which a method call on it would not change.
    values = shape_names - _receivers(placeholder.shape)
    for statement in statements[start + 1 : end]:
        node = statement.node
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            # A definition binds its own name only; its body runs where it is called.
            changed = frozenset({node.name.value}) & shape_names
        else:
            changed = (assigned_names(node) & shape_names) | (_receivers(node) & values)
        if changed:
            return min(changed)
    return None


def _receivers(node: cst.CSTNode) -> set[str]:
    """Names code may change in place: owners of attributes it reads (`shape.append(1)`) and
    of items or attributes it assigns (`shape[0] = 2`)."""
    found: set[str] = set()
    for inner in nodes_of(node, cst.Attribute, cst.AssignTarget):
        owner = inner.value if isinstance(inner, cst.Attribute) else getattr(inner, "target", None)
        if isinstance(owner, cst.Subscript):
            owner = owner.value
        if isinstance(owner, cst.Name):
            found.add(owner.value)
    return found
