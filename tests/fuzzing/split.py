"""A generated program split into a project: a model class that builds the graph, and a script.

`split(seed)` takes the single-file program of `generate(seed, BASE)` and moves its graph code
into `class Model(object)`, whose `__init__` builds what the program built at module level: the
names the session code reads become `self.` attributes (the others, by chance, stay locals of
`__init__`), and the script reads them as `model.<name>`. The script keeps the imports, the
seeds, the numpy data (drawn in the same order, so the project prints the numbers the single
file printed), then builds `model = Model(...)` and runs the session code as it was. By chance,
per seed:

* the class lives in `model.py` and the script imports it (`from model import Model`), or it
  stays in `train.py` above the script (a one-file model class);
* `__init__` takes the optimizer's learning rate or an input width as arguments;
* runs with a literal feed dict go through step functions that close over `sess`
  (`def train_step(x_batch): feed_dict = {...}; return sess.run(..., feed_dict)`);
* (drawn from a generator of its own, so other seeds split as before; not where a `tf.layers`
  layer has no name, which TF1 does not reuse) the model is built a second time over the same
  variables, under `with tf.variable_scope(tf.get_variable_scope(),
  reuse=True):` with `is_training=False`, which skips the optimizer's statements (`if
  is_training:` in `__init__`), and some runs that train nothing read that evaluation model.

The transformation is syntactic (libcst) on the generated source, so every base program shape
the split understands is covered without a second generator. The base options leave out the
tutorial shapes (graph code in `if` chains and `for` loops, variables rebound in the session)
and numpy-drawn initial values (their draws would move relative to the data's).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst

from fuzzing.generator import REAL_CODE_SHAPES, Options, generate

# The split moves module-level graph code into a class: the real-code shapes (graph in functions
# and in the session block, datasets, placeholders made by helpers) are not shapes it understands.
BASE = replace(Options(tutorial_shapes=False, numpy_initializers=False), **dict.fromkeys(REAL_CODE_SHAPES, False))
SCRIPT = "train.py"
MODULE = "model.py"
_SESSIONS = ("tf.Session()", "tf.InteractiveSession()")


@dataclass(frozen=True)
class Project:
    """The files of a split program (name -> text); `SCRIPT` is the entry point."""

    seed: int
    files: dict[str, str]
    single: str  # the single-file program it was split from

    @property
    def one_file(self) -> bool:
        return MODULE not in self.files


def split(seed: int, options: Options = BASE) -> Project:
    source = generate(seed, options)
    return Project(seed, split_source(source, split_rng(seed), twin_rng(seed)), source)


def split_rng(seed: int) -> random.Random:
    """The split's own choices, apart from the program's: the same program splits the same way."""
    return random.Random(f"split-{seed}")


def twin_rng(seed: int) -> random.Random:
    """Whether the model is built a second time, and which runs read it."""
    return random.Random(f"twin-{seed}")


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _names(node: cst.CSTNode) -> set[str]:
    return {n.value for n in _nodes(node, cst.Name) if isinstance(n, cst.Name)}


def _nodes(node: cst.CSTNode, kind: type[cst.CSTNode]) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, visited: cst.CSTNode) -> bool:
            if isinstance(visited, kind):
                found.append(visited)
            return True

    node.visit(Collect())
    return found


def _bound(statement: cst.CSTNode) -> list[str]:
    """The names a graph statement binds (its assignments, those in `with` blocks too)."""
    names: list[str] = []
    for target in _nodes(statement, cst.AssignTarget):
        assert isinstance(target, cst.AssignTarget)
        if isinstance(target.target, cst.Name):
            names.append(target.target.value)
    return names


def _fresh(stem: str, taken: set[str]) -> str:
    name, n = stem, 0
    while name in taken:
        n += 1
        name = f"{stem}{n}"
    taken.add(name)
    return name


class _Rename(cst.CSTTransformer):
    """Reads and writes of the graph's names: `self.a` in `__init__`, `model.a` in the script
    (`names` maps each renamed name to its new expression)."""

    def __init__(self, names: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.names = names
        self.skip: set[int] = set()

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.skip.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.skip.add(id(node.keyword))

    def visit_Param(self, node: cst.Param) -> None:
        self.skip.add(id(node.name))

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if id(original_node) in self.skip or original_node.value not in self.names:
            return updated_node
        return self.names[original_node.value]


def _renamed(
    statements: Sequence[_Statement], names: dict[str, cst.BaseExpression], visitor: cst.CSTTransformer | None = None
) -> list[_Statement]:
    out = []
    for statement in statements:
        renamed = statement.visit(visitor or _Rename(names))
        assert isinstance(renamed, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        out.append(renamed)
    return out


def _is_data(statement: cst.BaseStatement) -> bool:
    """`x_data = rng.rand(...)`: the program's numpy data, which stays in the script."""
    return isinstance(statement, cst.SimpleStatementLine) and "rng." in _code(statement)


def _opens_session(statement: cst.BaseStatement) -> bool:
    text = _code(statement).strip()
    if text.startswith(("with ", "sess =")):
        return any(opener in text.splitlines()[0] for opener in _SESSIONS)
    if text.startswith("init = "):
        return True
    # A feed dict built before the session.
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and isinstance(statement.body[0], cst.Assign)
        and isinstance(statement.body[0].value, cst.Dict)
    )


_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement


@dataclass
class _Parts:
    imports: list[_Statement]
    seeds: list[_Statement]  # tf.set_random_seed, rng = ...
    data: list[_Statement]
    graph: list[_Statement]
    session: list[_Statement]


def _parts(module: cst.Module) -> _Parts:
    body = list(module.body)
    imports: list[_Statement] = [
        s
        for s in body
        if isinstance(s, cst.SimpleStatementLine) and isinstance(s.body[0], (cst.Import, cst.ImportFrom))
    ]
    rest = body[len(imports):]
    seeds = rest[:2]
    assert "set_random_seed" in _code(seeds[0]) and "RandomState" in _code(seeds[1]), "unexpected prelude"
    rest = rest[2:]
    end = next((i for i, s in enumerate(rest) if _opens_session(s)), len(rest))
    graph_part, session = rest[:end], rest[end:]
    return _Parts(
        imports,
        seeds,
        [s for s in graph_part if _is_data(s)],
        [s for s in graph_part if not _is_data(s)],
        session,
    )


def _learning_rate(call: cst.Call) -> int | str | None:
    """Where an optimizer constructor's learning rate is: a position, a keyword, or None."""
    if call.args and call.args[0].keyword is None:
        return 0
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "learning_rate":
            return "learning_rate"
    return None


class _Parameterize(cst.CSTTransformer):
    """Replaces one literal of the graph code (an optimizer's learning rate, a placeholder's last
    dimension) by a parameter of `__init__`; `value` is the literal it replaced."""

    def __init__(self, kind: str, parameter: str) -> None:
        super().__init__()
        self.kind = kind
        self.parameter = parameter
        self.value: str | None = None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if self.value is not None:
            return updated_node
        func = _code(updated_node.func)
        if self.kind == "learning_rate" and func.startswith("tf.train.") and func.endswith("Optimizer"):
            where = _learning_rate(updated_node)
            if where is None:
                return updated_node
            args = list(updated_node.args)
            index = where if isinstance(where, int) else next(
                i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == where
            )
            self.value = _code(args[index].value)
            args[index] = args[index].with_changes(value=cst.Name(self.parameter))
            return updated_node.with_changes(args=args)
        if self.kind == "width" and func == "tf.placeholder":
            shape = next((a for a in updated_node.args if a.keyword is not None and a.keyword.value == "shape"), None)
            if shape is None or not isinstance(shape.value, cst.List) or len(shape.value.elements) != 2:
                return updated_node
            elements = list(shape.value.elements)
            last = elements[-1].value
            if not isinstance(last, cst.Integer):
                return updated_node
            self.value = last.value
            elements[-1] = elements[-1].with_changes(value=cst.Name(self.parameter))
            new_shape = shape.with_changes(value=shape.value.with_changes(elements=elements))
            return updated_node.with_changes(args=[new_shape if a is shape else a for a in updated_node.args])
        return updated_node


class _StepFunctions(cst.CSTTransformer):
    """Runs with a literal feed dict become calls of step functions that close over `sess`."""

    def __init__(self, rng: random.Random, taken: set[str], instance: str) -> None:
        super().__init__()
        self.rng = rng
        self.taken = taken
        self.instance = instance
        self.functions: list[cst.FunctionDef] = []

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        small = updated_node.body[0]
        value = small.value if isinstance(small, (cst.Assign, cst.Expr)) else None
        if not (isinstance(value, cst.Call) and _code(value.func) == "sess.run" and len(value.args) == 2):
            return updated_node
        feed = value.args[1]
        if not isinstance(feed.value, cst.Dict) or self.rng.random() < 0.3:
            return updated_node
        stem = "train_step" if "train" in _code(value.args[0]) or not self.functions else "eval_step"
        name = _fresh(stem, self.taken)
        params: list[str] = []
        arguments: list[cst.Arg] = []
        elements: list[cst.BaseDictElement] = []
        local: set[str] = set()
        for element in feed.value.elements:
            assert isinstance(element, cst.DictElement)
            key = element.key
            base = key.attr.value if isinstance(key, cst.Attribute) else _code(key)
            param = _fresh(f"{base}_batch", local)
            params.append(param)
            arguments.append(cst.Arg(element.value))
            elements.append(element.with_changes(value=cst.Name(param)))
        feed_dict = cst.Dict(elements)
        form = self.rng.randrange(3)
        lines: list[str] = []
        if form == 0:
            # The feed dict built in one statement and passed in the next, as TF1 scripts do.
            lines.append(f"feed_dict = {_code(feed_dict)}")
            run = f"sess.run({_code(value.args[0].value)}, feed_dict)"
        elif form == 1:
            run = f"sess.run({_code(value.args[0].value)}, feed_dict={_code(feed_dict)})"
        else:
            lines.append(f"feed = {_code(feed_dict)}")
            run = f"sess.run({_code(value.args[0].value)}, feed_dict=feed)"
        if isinstance(small, cst.Assign) and self.rng.random() < 0.4:
            lines.append(f"result = {run}")
            lines.append("return result")
        else:
            lines.append(f"return {run}")
        text = f"def {name}({', '.join(params)}):\n" + "".join(f"    {line}\n" for line in lines)
        function = cst.parse_statement(text)
        assert isinstance(function, cst.FunctionDef)
        self.functions.append(function)
        call = cst.Call(cst.Name(name), arguments)
        return updated_node.with_changes(body=[small.with_changes(value=call)])


def split_source(source: str, rng: random.Random, twin: random.Random | None = None) -> dict[str, str]:
    """The files of the project `source` splits into (see the module's docstring)."""
    module = cst.parse_module(source)
    parts = _parts(module)
    taken = _names(module)
    graph_names: list[str] = []
    for statement in parts.graph:
        graph_names.extend(n for n in _bound(statement) if n not in graph_names)
    read_by_script = set().union(*(_names(s) for s in parts.session)) if parts.session else set()
    attributes = [n for n in graph_names if n in read_by_script or rng.random() < 0.5]
    script_bound = set().union(*(set(_bound(s)) for s in parts.session)) if parts.session else set()
    assert not script_bound & set(graph_names), "the session code rebinds a graph name"

    instance = _fresh("model", taken)
    self_names: dict[str, cst.BaseExpression] = {n: cst.Attribute(cst.Name("self"), cst.Name(n)) for n in attributes}
    init_body = _renamed(parts.graph, self_names)

    parameters: list[tuple[str, str]] = []  # (parameter, the literal it replaced)
    for kind, stem in (("learning_rate", "learning_rate"), ("width", "n_features")):
        if rng.random() < 0.4:
            parameter = _fresh(stem, taken)
            replacer = _Parameterize(kind, parameter)
            candidate = _renamed(init_body, {}, replacer)
            if replacer.value is not None:
                init_body = candidate
                parameters.append((parameter, replacer.value))

    signature = "self"
    arguments: list[str] = []
    keyword = rng.random() < 0.5
    # A parameter whose default is the value is left out by the script; defaults go last.
    defaulted = [rng.random() < 0.3 for _ in parameters]
    for (parameter, value), default in sorted(zip(parameters, defaulted), key=lambda item: item[1]):
        if default:
            signature += f", {parameter}={value}"
        else:
            signature += f", {parameter}"
            arguments.append(f"{parameter}={value}" if keyword else value)
    docstring = '    """Builds the graph: inputs, weights, loss and training op."""\n' if rng.random() < 0.3 else ""
    header = cst.parse_statement(f"class Model(object):\n{docstring}    def __init__({signature}):\n        pass\n")
    assert isinstance(header, cst.ClassDef)
    init = header.body.body[-1]
    assert isinstance(init, cst.FunctionDef)
    init = init.with_changes(body=init.body.with_changes(body=init_body))
    class_def = header.with_changes(body=header.body.with_changes(body=[*header.body.body[:-1], init]))

    model_names: dict[str, cst.BaseExpression] = {
        n: cst.Attribute(cst.Name(instance), cst.Name(n)) for n in attributes
    }
    session = _renamed(parts.session, model_names)
    # TF1 names a layer without a name apart in each construction: reuse finds no variables for it.
    unnamed = any(
        _code(c.func).startswith("tf.layers.") and not any(a.keyword and a.keyword.value == "name" for a in c.args)
        for statement in init_body for c in _nodes(statement, cst.Call) if isinstance(c, cst.Call)
    )
    drawn = twin is not None and twin.random() < 0.4
    twin_instance = _fresh("eval_model", taken) if drawn and not unnamed else None
    if twin is not None and twin_instance is not None:
        body, training = _guarded_training(list(init.body.body))
        init = init.with_changes(
            params=cst.parse_statement(f"def f({signature}, is_training=True): pass").params,  # type: ignore[attr-defined]
            body=init.body.with_changes(body=body),
        )
        class_def = header.with_changes(body=header.body.with_changes(body=[*header.body.body[:-1], init]))
        session = _renamed(session, {}, _EvaluationReads(instance, twin_instance, training, twin))
    steps = _StepFunctions(rng, taken, instance)
    if rng.random() < 0.5:
        session = _place_functions(_renamed(session, {}, steps), steps.functions, rng)

    construction = cst.parse_statement(f"{instance} = Model({', '.join(arguments)})\n")
    constructions: list[_Statement] = [construction]
    if twin_instance is not None:
        again = ", ".join([*arguments, "is_training=False"])
        constructions.append(cst.parse_statement(
            f"with tf.variable_scope(tf.get_variable_scope(), reuse=True):\n    {twin_instance} = Model({again})\n"
        ))
    one_file = rng.random() < 0.25
    imports = [_code(s) for s in parts.imports]
    files: dict[str, str] = {}
    if one_file:
        head = [*parts.imports, class_def.with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])]
    else:
        model_imports = [line for line in imports if "tensorflow" in line or rng.random() < 0.3]
        files[MODULE] = "".join(model_imports) + "\n\n" + _code(class_def)
        head = [*parts.imports, cst.parse_statement(f"from {MODULE[:-3]} import Model\n")]
    body = [
        *head,
        parts.seeds[0].with_changes(leading_lines=[cst.EmptyLine()] * (2 if one_file else 1)),
        *parts.seeds[1:],
        *parts.data,
        *constructions,
        *session,
    ]
    files[SCRIPT] = cst.Module(body=body).code
    return files


def _place_functions(
    session: list[_Statement], functions: list[cst.FunctionDef], rng: random.Random
) -> list[_Statement]:
    """The step functions go before the session is opened, or first in its `with` block."""
    if not functions:
        return session
    opening = next(i for i, s in enumerate(session) if any(o in _code(s).splitlines()[0] for o in _SESSIONS))
    opener = session[opening]
    if isinstance(opener, cst.With) and rng.random() < 0.5:
        block = opener.body
        assert isinstance(block, cst.IndentedBlock)
        inner = [*block.body[:1], *functions, *block.body[1:]]
        return [*session[:opening], opener.with_changes(body=block.with_changes(body=inner)), *session[opening + 1:]]
    if isinstance(opener, cst.With):
        return [*session[:opening], *functions, *session[opening:]]
    # `sess = tf.Session()`: the functions read the module's `sess` when called.
    return [*session[: opening + 1], *functions, *session[opening + 1:]]


_TRAINING_WORDS = ("Optimizer(", ".minimize(", ".apply_gradients(", ".compute_gradients(")


def _guarded_training(body: list[cst.BaseStatement]) -> tuple[list[cst.BaseStatement], set[str]]:
    """`__init__`'s body with each run of statements that build the optimizer's step (and those
    reading what they bind) under `if is_training:`, and the attributes those statements set."""
    guarded: list[bool] = []
    bound: set[str] = set()
    for statement in body:
        text = _code(statement)
        hit = any(word in text for word in _TRAINING_WORDS) or bool(_names(statement) & bound)
        guarded.append(hit)
        if hit:
            bound.update(_bound(statement))
            bound.update(t.target.attr.value for t in _nodes(statement, cst.AssignTarget)
                         if isinstance(t, cst.AssignTarget) and isinstance(t.target, cst.Attribute)
                         and _code(t.target.value) == "self")
    out: list[cst.BaseStatement] = []
    run: list[cst.BaseStatement] = []
    for statement, hit in [*zip(body, guarded), (None, False)]:
        if hit and statement is not None:
            run.append(statement)
            continue
        if run:
            block = cst.parse_statement("if is_training:\n    pass\n")
            assert isinstance(block, cst.If)
            out.append(block.with_changes(body=block.body.with_changes(body=run)))
            run = []
        if statement is not None:
            out.append(statement)
    return out, bound


class _EvaluationReads(cst.CSTTransformer):
    """Runs that read nothing the training statements set, fed in the same line, read the
    evaluation model (`eval_model.loss`, `eval_model.x`) half the time."""

    def __init__(self, instance: str, twin: str, training: set[str], rng: random.Random) -> None:
        super().__init__()
        self.instance = instance
        self.twin = twin
        self.training = training
        self.rng = rng

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        text = _code(updated_node)
        if ".run(" not in text and ".eval(" not in text:
            return updated_node
        reads = {a.attr.value for a in _nodes(updated_node, cst.Attribute)
                 if isinstance(a, cst.Attribute) and _code(a.value) == self.instance}
        if not reads or reads & self.training or _feeds_by_name(updated_node) or self.rng.random() < 0.5:
            return updated_node
        names = {self.instance: cst.Name(self.twin)}
        renamed = updated_node.visit(_Rename(names))
        assert isinstance(renamed, cst.SimpleStatementLine)
        return renamed


def _feeds_by_name(line: cst.SimpleStatementLine) -> bool:
    """A run in `line` fed a dict built elsewhere (`feed_dict=feed`), keyed by the first model."""
    for call in _nodes(line, cst.Call):
        assert isinstance(call, cst.Call)
        if not (isinstance(call.func, cst.Attribute) and call.func.attr.value in ("run", "eval")):
            continue
        positional = [a for a in call.args if a.keyword is None]
        feeds = [a.value for a in call.args if a.keyword is not None and a.keyword.value == "feed_dict"]
        feeds += [positional[1].value] if call.func.attr.value == "run" and len(positional) > 1 else []
        feeds += [positional[0].value] if call.func.attr.value == "eval" and positional else []
        if any(not isinstance(feed, cst.Dict) for feed in feeds):
            return True
    return False
