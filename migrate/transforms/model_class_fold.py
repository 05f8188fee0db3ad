"""TFM233: the second pass of the model-class rule puts the models TFM230 flattened back as classes.

Where the program it flattened a model into was converted, the class becomes a `tf.Module`
subclass: its `__init__` keeps what the converted program kept out of its functions (variables
with their TF1 names, Keras layers, optimizers) and its methods are the generated `tf.function`s
that read them, which the script now calls (`model.train_step(xb, yb)`). Where the program stays
a session program, the class and its construction come back as they were written. The markers
the first pass left (migrate.analysis.model_markers) never reach the output.
"""

from __future__ import annotations

import keyword
from collections.abc import Collection, Mapping, Sequence

import libcst as cst

from migrate.analysis import syntax
from migrate.analysis.declined import Declined
from migrate.analysis.model_markers import (
    MARKER,
    RECORDS,
    ModelRecord,
    first_with_lines,
    marker_of,
    model_tokens,
    region_of,
    twin_note,
    without_twin_note,
)
from migrate.analysis.session_methods import ServedMethod
from migrate.analysis.session_openers import OpenedMethod
from migrate.findings import Severity
from migrate.transforms.base import Example, MigrationTransform
from migrate.transforms.model_classes import CONVERTED, DECLINED, EXAMPLE_BEFORE, SESSION_APIS, ModelClasses


class ModelClassesFold(MigrationTransform):
    CODE = "TFM233"
    DESCRIPTION = "the model classes TFM230 read as graph code are put back as classes (TFM230's second pass)"
    TRIGGERS = (MARKER,)
    EXAMPLES = (
        Example(name="fold", select=("TFM201", "TFM230"), before=EXAMPLE_BEFORE,
                after=ModelClasses.EXAMPLES[0].after),
        Example(name="nothing-to-fold", before="import tensorflow as tf\n"),
    )

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        module = updated_node
        for token, where in model_tokens(module).items():
            record = RECORDS.get(token)
            if record is None:
                raise RuntimeError(f"model class marker {token} without its record")
            still_session = any(self.tf_api(call.func) in SESSION_APIS for call in syntax.calls_in(module))
            if still_session:
                module = _restore(module, token, record)
                self.report(
                    where,
                    f"model class {record.class_node.name.value}: the program it builds stays a session "
                    "program (see the other findings); left as it is",
                    code=DECLINED,
                )
                continue
            try:
                module = _Fold(self, module, token, record).fold()
            except Declined as declined:
                module = _strip_markers(module, token)
                self.report(
                    where,
                    f"model class {record.class_node.name.value}: {declined.message}; its graph code "
                    "is left as the converted module-level code",
                    code=DECLINED,
                )
            else:
                self.report(where, "model class converted to a tf.Module", code=CONVERTED,
                            severity=Severity.INFO)
        return module


def _with_session(args: Sequence[cst.Arg], method: ServedMethod, session: str) -> list[cst.Arg]:
    """The arguments `_without_session` left, with the session passed again as it was."""
    out = list(args)
    given = cst.Arg(cst.Name(session))
    if method.form == "keyword":
        given = given.with_changes(
            keyword=cst.Name(method.function.params.params[method.index + 1].name.value),
            equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
        )
        at = len(out)
    elif method.form == "position":
        at = method.index
    else:
        return out
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if at < len(out):
        given = given.with_changes(comma=comma)
    elif out and out[-1].comma is cst.MaybeSentinel.DEFAULT:
        out[-1] = out[-1].with_changes(comma=comma)
    out.insert(at, given)
    return out


class _Regions(cst.CSTTransformer):
    """Replaces the class marker and the region of one token."""

    def __init__(
        self, token: str, class_node: Sequence[cst.BaseStatement], region: Sequence[cst.BaseStatement],
        drop: set[int] | None = None,
        replaced: dict[int, cst.FunctionDef] | None = None,
        instance: Sequence[cst.BaseStatement] = (),
        keep_lines: bool = False,
        opened: Sequence[OpenedMethod] | None = None,
        twins: Sequence[cst.BaseStatement] = (),
    ) -> None:
        """`keep_lines`: the statements after the functions dropped are the input's, with their
        own blank lines (the model's program given back as it was). `opened`: the methods and
        functions whose bodies were read in place of the script's calls, for those calls to take
        the bodies' places again and the functions theirs; without it the bodies stay and the
        functions go. `twins`: what stands for each later construction over the model's
        variables (none: they go)."""
        self.twins = twins
        self.keep_lines = keep_lines
        self.opened = opened
        self.token = token
        self.class_node = class_node
        self.region = region
        self.drop = drop or set()
        self.replaced = replaced or {}
        self.instance = instance

    def _replace(
        self, original: Sequence[cst.BaseStatement], body: Sequence[cst.BaseStatement], blank: int = 2
    ) -> tuple[list[cst.BaseStatement], Sequence[cst.EmptyLine]]:
        """The block's statements with the markers replaced, and the comment lines left after its
        last statement (for its footer)."""
        out: list[cst.BaseStatement] = []
        inside = False
        dropped = False
        pending: Sequence[cst.EmptyLine] = ()  # those of an opened method's marker, for the body it leaves
        for before, statement in zip(original, body):
            if id(before) in self.drop:
                dropped = True
                continue
            statement = self.replaced.get(id(before), statement)
            definitions = (cst.FunctionDef, cst.ClassDef)
            dropped = dropped and not self.keep_lines
            if dropped and not isinstance(statement, definitions) and not (out and isinstance(out[-1], definitions)):
                # The blank lines that separated the removed functions from the script go too.
                lines = list(syntax.leading_lines(statement))
                while lines and lines[0].comment is None:
                    lines.pop(0)
                statement = syntax.with_leading_lines(statement, lines)
                dropped = False
            elif dropped and not isinstance(statement, definitions) and marker_of(statement) is None:
                # A function kept after removed ones: the script goes on after the usual blank lines.
                lines = list(syntax.leading_lines(statement))
                missing = blank - sum(1 for line in lines[:blank] if line.comment is None)
                statement = syntax.with_leading_lines(statement, [cst.EmptyLine(indent=False)] * missing + lines)
                dropped = False
            marker = marker_of(statement)
            if marker is None or marker[0] != self.token:
                if not inside:
                    out.append(syntax.with_leading_lines(statement, [*pending, *syntax.leading_lines(statement)])
                               if pending else statement)
                    pending = ()
                continue
            role = marker[1]
            if role.startswith("open ") and self.opened is None:
                pending = syntax.leading_lines(statement)
            elif role.startswith("open ") and self.opened is not None:
                inside = True
                out.extend(first_with_lines([self.opened[int(role.removeprefix("open "))].line],
                                             syntax.leading_lines(statement)))
            elif role.startswith("def ") and self.opened is not None:
                out.extend(first_with_lines([self.opened[int(role.removeprefix("def "))].function],
                                             syntax.leading_lines(statement)))
            elif role == "class":
                out.extend(first_with_lines(self.class_node, syntax.leading_lines(statement)))
            elif role == "begin":
                inside = True
                out.extend(first_with_lines(self.region, syntax.leading_lines(statement)))
            elif role == "instance":
                out.extend(self.instance)
            elif role.startswith("twin ") and self.twins:
                out.extend(first_with_lines([self.twins[int(role.removeprefix("twin "))]],
                                            syntax.leading_lines(statement)))
            elif role.startswith("twin "):
                pending = syntax.leading_lines(statement)
            elif role == "closed" and self.opened is None:
                # The comments that ended the opened method's body: they end the code it left.
                inside = False
                pending = [*pending, *syntax.leading_lines(statement)]
            else:
                inside = False
        return out, pending if any(line.comment is not None for line in pending) else ()

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        body, trailing = self._replace(original_node.body, updated_node.body)
        return updated_node.with_changes(body=body, footer=[*trailing, *updated_node.footer])

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body, trailing = self._replace(original_node.body, updated_node.body, blank=1)
        return updated_node.with_changes(body=body, footer=[*trailing, *updated_node.footer])


def _restore(module: cst.Module, token: str, record: ModelRecord) -> cst.Module:
    """The class and its construction as they were, and the script reading `model.a` again."""
    if record.twins and record.source is not None:
        return record.source  # the twins' reads are the model's names now: only the input has them
    served = {id(f) for f in syntax.nodes_of(module, cst.FunctionDef)
              if isinstance(f, cst.FunctionDef) and f.name.value in record.served}
    result = module.visit(_Regions(
        token, [record.class_node], [record.construction, *record.script_calls], served, keep_lines=True,
        opened=record.opened,
    ))
    assert isinstance(result, cst.Module)
    result = result.visit(_ServedCalls(record))
    assert isinstance(result, cst.Module)
    reads = {flat: cst.Attribute(cst.Name(record.instance), cst.Name(attribute))
             for flat, attribute in record.attributes.items()}
    restored = result.visit(_ScriptRenamer(reads, record.class_node, record))
    assert isinstance(restored, cst.Module)
    return restored


class _FeedKeys(cst.CSTTransformer):
    """A feed dict the converted runs key by placeholder names (`{"policy_state": state}`,
    `feed_dict["policy_state"]`) keyed by the attributes' names, as the method reads them."""

    def __init__(self, attributes: Mapping[str, str]) -> None:
        self.attributes = attributes

    def _key(self, node: cst.BaseExpression) -> cst.BaseExpression:
        value = syntax.string_literal(node)
        attribute = self.attributes.get(value) if value is not None else None
        if value is None or attribute is None or attribute == value:
            return node
        assert isinstance(node, cst.SimpleString)
        return node.with_changes(value=node.value.replace(value, attribute))

    def leave_DictElement(self, original_node: cst.DictElement, updated_node: cst.DictElement) -> cst.DictElement:
        return updated_node.with_changes(key=self._key(updated_node.key))

    def leave_Index(self, original_node: cst.Index, updated_node: cst.Index) -> cst.Index:
        return updated_node.with_changes(value=self._key(updated_node.value))


class _Receiving(cst.CSTTransformer):
    """Knows, in the functions the model is passed to, the parameter that holds it."""

    def __init__(self, record: ModelRecord) -> None:
        self.record = record
        self.receivers: list[str] = [record.instance]

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.receivers.append(self.record.receivers.get(node.name.value, self.receivers[-1]))
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.receivers.pop()
        return updated_node


class _ServedCalls(_Receiving):
    """`predict(s)` is `model.predict(s, sess)` again, the method that runs the session."""

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = original_node.func
        method = self.record.served.get(func.value) if isinstance(func, cst.Name) else None
        if method is None:
            return updated_node
        return updated_node.with_changes(
            func=cst.Attribute(cst.Name(self.receivers[-1]), cst.Name(method.name)),
            args=_with_session(updated_node.args, method, self.record.session),
        )


def _strip_markers(module: cst.Module, token: str) -> cst.Module:
    """The converted flat program kept as it is, without the markers and the graph class."""
    record = RECORDS[token]
    # The functions the model was passed to read its state by the module's names now.
    unused = cst.parse_statement(f"{record.instance} = None")
    result = module.visit(_Regions(token, [], region_of(module, token), instance=[unused]))
    assert isinstance(result, cst.Module)
    stripped = result.visit(_TwinNames(record, rename=False))
    assert isinstance(stripped, cst.Module)
    return stripped


class _Fold:
    """The converted flat program of one model put back into its class."""

    def __init__(self, transform: ModelClassesFold, module: cst.Module, token: str, record: ModelRecord) -> None:
        self.t = transform
        self.module = module
        self.token = token
        self.record = record

    def fold(self) -> cst.Module:
        record = self.record
        region = region_of(self.module, self.token)
        kept = self._kept_params(region)
        statements = region[len(kept) :]
        moved = tuple(p for p in record.params if p not in kept)
        generated = self._generated_functions()
        bound = set(kept) | set().union(*(syntax.assigned_names(s) for s in statements))
        methods = self._methods(generated, bound)
        own_name = self._method_names(methods)
        # What the script reads once the model's statements and methods are gone from it.
        skeleton = self.module.visit(_Regions(self.token, [], [record.construction], {id(f) for f in methods.values()}))
        assert isinstance(skeleton, cst.Module)
        reads_outside = set().union(*(syntax.free_reads(s) for s in skeleton.body))
        # A decorator that reads more than TensorFlow is evaluated in __init__ (see _init_body).
        reads_in_methods = set().union(*(syntax.free_reads(f.body) - syntax.local_names(f) for f in methods.values()))
        members = (_member_names(record.class_node) - record.inlined) | set(own_name.values())
        attribute_of: dict[str, str] = {}
        for flat in sorted((reads_in_methods | reads_outside) & bound):
            if flat in record.attributes:
                attribute_of[flat] = record.attributes[flat]
                continue
            clash = members | set(record.attributes.values()) | set(attribute_of.values())
            name = _unprefixed(record, record.locals.get(flat, flat), clash)
            attribute_of[flat] = syntax.unique_name(name, clash) if name in clash else name
        for flat, attribute in record.attributes.items():
            attribute_of.setdefault(flat, attribute)
        if set(attribute_of.values()) & set(own_name.values()):
            raise Declined(DECLINED, "a generated method would shadow an attribute of the same name")

        init_body, wrapped = self._init_body(statements, attribute_of, methods, own_name)
        # A parameter the converted class no longer reads (`reuse`, a flag whose branch the
        # construction decided) leaves its signature and the construction.
        read = set().union(*(syntax.names_in(s) for s in init_body))
        moved += tuple(p for p in kept if record.locals.get(p, p) not in read)
        method_nodes = {name: self._method(f, attribute_of, own_name, wrapped) for name, f in methods.items()}
        new_class = self._class(init_body, method_nodes, moved)
        script_names: dict[str, cst.BaseExpression] = {
            flat: cst.Attribute(cst.Name(record.instance), cst.Name(attribute))
            for flat, attribute in attribute_of.items()
        }
        script_names.update(
            {name: cst.Attribute(cst.Name(record.instance), cst.Name(own_name[name])) for name in methods}
        )
        drop = {id(f) for f in methods.values()}
        renamed_here = {id(f): _own_names(f, record) for name, f in generated.items() if name not in methods}
        construction = _without_arguments(record, moved)
        twins = [cst.parse_statement(f"{twin.instance} = {record.instance}") for twin in record.twins]
        module = self.module.visit(_Regions(self.token, [new_class], [construction], drop, renamed_here, twins=twins))
        assert isinstance(module, cst.Module)
        renamed = module.visit(_ScriptRenamer(script_names, new_class, record))
        assert isinstance(renamed, cst.Module)
        named = renamed.visit(_TwinNames(record, rename=True))
        assert isinstance(named, cst.Module)
        return named

    def _kept_params(self, region: Sequence[cst.BaseStatement]) -> tuple[str, ...]:
        """The parameters still bound where the flattened constructor began. The others' values
        were graph inputs (`Model(x, y)` with `x` a placeholder): the bindings went into the
        generated functions, which take those inputs as parameters, and leave `__init__` with
        the construction's arguments (`Model()`). A binding moved anywhere else declines."""
        record = self.record
        kept: list[str] = []
        for param in record.params:
            if len(kept) < len(region) and syntax.defined_names(region[len(kept)]) == (param,):
                kept.append(param)
        moved = set(record.params) - set(kept)
        outside = {
            name for statement in self.module.body if not isinstance(statement, (cst.FunctionDef, cst.ClassDef))
            for name in syntax.assigned_names(statement)
        }
        if moved & outside:
            raise Declined(DECLINED, "the constructor's arguments became graph code")
        return tuple(kept)

    def _method_names(self, methods: Mapping[str, cst.FunctionDef]) -> dict[str, str]:
        """The name of each method: a method that ran the session takes its own name back, a
        generated one is named apart from the class's members and, in a class whose methods
        run the session, after the model's attributes (`compute_action_probs`, not after the
        flat name `compute_policy_action_probs`)."""
        record = self.record
        own_name = {flat: method.name for flat, method in record.served.items() if flat in methods}
        members = _member_names(record.class_node) - record.inlined
        used = members | set(methods)
        for name, function in methods.items():
            if name in own_name:
                continue
            for flat, attribute in record.attributes.items():
                renamed = name.replace(flat, attribute)
                if flat != attribute and renamed != name and renamed not in used | {attribute}:
                    name = renamed
            name = _unprefixed(record, name, used | set(record.attributes.values()))
            if name in members:
                assert isinstance(function.body, cst.IndentedBlock)
                last = syntax.final_return(function.body.body[-1]) if function.body.body else None
                returned = last.value.value if last is not None and isinstance(last.value, cst.Name) else None
                name = syntax.unique_name(f"compute_{returned}" if returned else name, used)
            own_name[function.name.value] = name
            used.add(name)
        return own_name

    def _generated_functions(self) -> dict[str, cst.FunctionDef]:
        found: dict[str, cst.FunctionDef] = {}
        # The scopes the session rule converts: the module, its functions and its
        # `if __name__ == "__main__":` block.
        bodies: list[Sequence[cst.BaseStatement]] = [self.module.body]
        bodies.extend(
            s.body.body for s in self.module.body
            if (isinstance(s, cst.FunctionDef) or syntax.is_script_block(s, self.module.body))
            and isinstance(s.body, cst.IndentedBlock)
        )
        for body in bodies:
            for statement in body:
                if not isinstance(statement, cst.FunctionDef):
                    continue
                if statement.name.value not in self.record.functions or statement.name.value in self.record.served:
                    if statement.name.value in found and statement.name.value in self.record.served:
                        raise Declined(DECLINED, f"a generated function takes the name {statement.name.value} of "
                                       "the method that runs the session")
                    found[statement.name.value] = statement
        missing = sorted(set(self.record.served) - set(found))
        if missing:
            raise Declined(DECLINED, f"the method {self.record.served[missing[0]].name} that runs the session "
                           "was not converted as a function of the script")
        return found

    def _methods(self, generated: dict[str, cst.FunctionDef], bound: set[str]) -> dict[str, cst.FunctionDef]:
        """The generated functions that become the model's methods: those that read its state
        and nothing of the script's own (a run that steps the script's optimizer or global step
        stays a function of the script, which reads `model.a`), with the generated helpers they
        call. The methods that ran the session are methods again, whatever Python names they
        read; one that calls a function of the script calls it at module level."""
        served = set(self.record.served)
        script_state = self._script_state(generated)
        scripted = {name for name, f in generated.items() if name not in served and syntax.free_reads(f) & script_state}
        grown = True
        while grown:
            grown = False
            for name, function in generated.items():
                if name not in scripted and name not in served and syntax.free_reads(function) & scripted:
                    scripted.add(name)
                    grown = True
        methods = {name for name, f in generated.items() if name not in scripted and syntax.free_reads(f) & bound}
        methods |= served
        grown = True
        while grown:
            grown = False
            for name in list(methods):
                for callee in syntax.free_reads(generated[name]) & set(generated):
                    if callee in scripted and not any(s is generated[callee] for s in self.module.body):
                        method = self.record.served[name].name if name in self.record.served else name
                        raise Declined(DECLINED, f"method {method} runs {callee}, which steps the script's own "
                                       "state inside a function of the script")
                    if callee not in methods and callee not in scripted:
                        methods.add(callee)
                        grown = True
        return {name: f for name, f in generated.items() if name in methods}  # in the module's order

    def _script_state(self, generated: dict[str, cst.FunctionDef]) -> set[str]:
        """The names the script binds itself (outside the model's statements and the generated
        functions), imports left out."""
        kinds = (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.For, cst.WithItem, cst.FunctionDef, cst.ClassDef)
        inside = {id(node) for s in [*region_of(self.module, self.token), *generated.values()]
                  for node in syntax.nodes_of(s, *kinds)}
        names: set[str] = set()
        for node in syntax.nodes_of(self.module, *kinds):
            if id(node) in inside:
                continue
            if isinstance(node, cst.Assign):
                names.update(n for target in node.targets for n in syntax.bound_names(target.target))
            elif isinstance(node, (cst.AugAssign, cst.AnnAssign, cst.For)):
                names.update(syntax.bound_names(node.target))
            elif isinstance(node, cst.WithItem) and node.asname is not None:
                names.update(syntax.bound_names(node.asname.name))
            elif isinstance(node, (cst.FunctionDef, cst.ClassDef)):
                names.add(node.name.value)
        # The module's names __init__ itself read are the class's to read too.
        return names - {MARKER} - syntax.free_reads(self.record.expanded)

    def _init_body(
        self, statements: list[cst.BaseStatement], attribute_of: dict[str, str], methods: dict[str, cst.FunctionDef],
        own_name: Mapping[str, str],
    ) -> tuple[list[cst.BaseStatement], set[str]]:
        """`__init__`'s new body, and the methods it wraps in a `tf.function` per instance: those
        whose input signature reads what only `__init__` knows (its arguments, for shapes)."""
        record = self.record
        once = _assigned_once(statements)
        assigned = set().union(*(syntax.assigned_names(s) for s in statements))
        mapping: dict[str, cst.BaseExpression] = {flat: cst.Name(local) for flat, local in record.locals.items()}
        head: list[cst.BaseStatement] = []
        tail: list[cst.BaseStatement] = []
        for flat, attribute in attribute_of.items():
            self_attribute = cst.Attribute(cst.Name("self"), cst.Name(attribute))
            if flat in record.attributes or (flat in once and flat not in record.params):
                mapping[flat] = self_attribute
                continue
            local = record.locals.get(flat, flat)
            mapping[flat] = cst.Name(local)
            line = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(self_attribute)], cst.Name(local))])
            (tail if flat in assigned else head).append(line)
        renamer = syntax.SelfNameSubstitution(mapping)
        body = [syntax.visit_statement(s, renamer) for s in statements]
        wraps: list[cst.BaseStatement] = []
        wrapped: set[str] = set()
        for name, function in methods.items():
            decorator = _signature_decorator(function, self.t)
            if decorator is None or not (syntax.names_in(decorator) - {self.t.tf_alias(), "None", "True", "False"}):
                continue
            assert isinstance(decorator.decorator, cst.Call)
            call = decorator.decorator.with_changes(
                args=[cst.Arg(cst.parse_expression(f"self.{own_name[name]}")), *decorator.decorator.args]
            )
            target = cst.Attribute(cst.Name("self"), cst.Name(own_name[name]))
            line = cst.SimpleStatementLine([cst.Assign([cst.AssignTarget(target)], call)])
            wraps.append(syntax.visit_statement(line, renamer))
            wrapped.add(name)
        super_init = cst.parse_statement("super().__init__()")
        return [super_init, *head, *body, *tail, *wraps], wrapped

    def _method(
        self, function: cst.FunctionDef, attribute_of: dict[str, str], own_name: dict[str, str], wrapped: set[str],
    ) -> cst.FunctionDef:
        """A generated function as a method; `own_name` names each method by its function's name."""
        local = syntax.local_names(function)
        if function.name.value in self.record.served:
            # Its `self.a = value` lines were flattened to `a = value` with the model's names,
            # which no local of its own takes: they set the attribute again.
            local = local - set(attribute_of)
        mapping: dict[str, cst.BaseExpression] = {
            flat: cst.Attribute(cst.Name("self"), cst.Name(attribute))
            for flat, attribute in attribute_of.items() if flat not in local
        }
        mapping.update({name: cst.Attribute(cst.Name("self"), cst.Name(method))
                        for name, method in own_name.items() if name not in local})
        body = function.body.visit(syntax.SelfNameSubstitution(mapping))
        assert isinstance(body, cst.BaseSuite)
        if function.name.value in self.record.served:
            body = body.visit(_FeedKeys(self.record.attributes))
            assert isinstance(body, cst.BaseSuite)
        params = function.params.with_changes(params=[cst.Param(cst.Name("self")), *function.params.params])
        decorators = list(function.decorators)
        if function.name.value in wrapped:
            decorators = [d for d in decorators if _signature_call(d, self.t) is None]
        served = self.record.served.get(function.name.value)
        leading = served.function.leading_lines if served is not None else [cst.EmptyLine(indent=False)]
        method = function.with_changes(
            name=cst.Name(own_name[function.name.value]), body=body, params=params, decorators=decorators,
            leading_lines=leading,
        )
        return _own_names(method, self.record)

    def _class(
        self, init_body: list[cst.BaseStatement], methods: dict[str, cst.FunctionDef], moved: Collection[str]
    ) -> cst.ClassDef:
        """The class with its new `__init__` (without the parameters `moved` into the methods),
        the methods that ran the session in their places and the generated methods after them."""
        node = self.record.class_node
        assert isinstance(node.body, cst.IndentedBlock)
        init = self.record.init
        assert isinstance(init.body, cst.IndentedBlock)
        docstrings = [s for s in init.body.body[:1] if syntax.is_docstring(s)]
        gone = {self.record.locals.get(flat, flat) for flat in moved}
        params = [p for p in init.params.params if p.name.value not in gone]
        if params and len(params) < len(init.params.params):
            params[-1] = params[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        new_init = init.with_changes(
            params=init.params.with_changes(params=params),
            body=init.body.with_changes(body=[*docstrings, *init_body]),
        )
        served = {method.function.name.value: methods.pop(flat) for flat, method in self.record.served.items()}
        body = [new_init if s is init else served.get(s.name.value, s) if isinstance(s, cst.FunctionDef) else s
                for s in node.body.body
                if not (isinstance(s, cst.FunctionDef) and s.name.value in self.record.inlined)]
        base = cst.Arg(self.t.tf_expr("Module"))
        return node.with_changes(
            bases=[base], lpar=cst.LeftParen(), rpar=cst.RightParen(),
            body=node.body.with_changes(body=[*body, *methods.values()]),
        )


def _without_arguments(record: ModelRecord, moved: Collection[str]) -> cst.SimpleStatementLine:
    """The construction without the arguments of the parameters `moved` into the methods; an
    argument given by position after one of them is given by keyword."""
    construction = record.construction
    if not moved:
        return construction
    gone = {record.locals.get(flat, flat) for flat in moved}
    names = [p.name.value for p in record.init.params.params[1:]]
    calls = [c for c in syntax.nodes_of(construction, cst.Call) if isinstance(c, cst.Call)]
    call = calls[0]
    args: list[cst.Arg] = []
    shifted = False
    for position, arg in enumerate(call.args):
        name = arg.keyword.value if arg.keyword is not None else names[position]
        if name in gone:
            shifted = shifted or arg.keyword is None
            continue
        if shifted and arg.keyword is None:
            arg = arg.with_changes(keyword=cst.Name(name), equal=cst.AssignEqual(
                cst.SimpleWhitespace(""), cst.SimpleWhitespace("")))
        args.append(arg)
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    replaced = construction.deep_replace(call, call.with_changes(args=args))
    assert isinstance(replaced, cst.SimpleStatementLine)
    return replaced


def _unprefixed(record: ModelRecord, name: str, taken: Collection[str]) -> str:
    """A name the flattened program prefixed with the instance (`value_estimator_train_step`,
    apart from the model flattened before it) without it: a member of its own class."""
    prefix = f"{record.instance}_"
    if not record.shared or not name.startswith(prefix) or name[len(prefix):] in taken:
        return name
    bare = name[len(prefix):]
    return bare if bare.isidentifier() and not keyword.iskeyword(bare) else name


def _own_names(function: cst.FunctionDef, record: ModelRecord) -> cst.FunctionDef:
    """`function` with the names the flattened program took for the model's attributes
    (`model_loss`) back to the attributes' names (`loss`) where they are its own locals."""
    local = syntax.local_names(function)
    own = {flat: attribute for flat, attribute in record.attributes.items()
           if flat in local and flat != attribute and attribute not in syntax.names_in(function)}
    if not own:
        return function
    renamer = syntax.SelfNameSubstitution({flat: cst.Name(attribute) for flat, attribute in own.items()})
    body = function.body.visit(renamer)
    assert isinstance(body, cst.BaseSuite)
    params = [p.with_changes(name=cst.Name(own[p.name.value])) if p.name.value in own else p
              for p in function.params.params]
    return function.with_changes(body=body, params=function.params.with_changes(params=params))


def _signature_call(decorator: cst.Decorator, transform: MigrationTransform) -> cst.Call | None:
    call = decorator.decorator
    if isinstance(call, cst.Call) and transform.tf_api(call.func) == "tf.function":
        return call
    return None


def _signature_decorator(function: cst.FunctionDef, transform: MigrationTransform) -> cst.Decorator | None:
    return next((d for d in function.decorators if _signature_call(d, transform) is not None), None)


def _assigned_once(statements: list[cst.BaseStatement]) -> set[str]:
    """Names bound exactly once in `statements`, by a top-level `name = value` line."""
    counts: dict[str, int] = {}
    for statement in statements:
        for name in syntax.assigned_names(statement):
            counts[name] = counts.get(name, 0) + 1
    simple = {
        s.body[0].targets[0].target.value
        for s in statements
        if isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1 and isinstance(s.body[0], cst.Assign)
        and len(s.body[0].targets) == 1 and isinstance(s.body[0].targets[0].target, cst.Name)
    }
    return {name for name in simple if counts.get(name) == 1}


def _member_names(node: cst.ClassDef) -> set[str]:
    assert isinstance(node.body, cst.IndentedBlock)
    return {name for s in node.body.body for name in syntax.defined_names(s)}


class _TwinNames(cst.CSTTransformer):
    """A line noted as reading only a twin of `record`'s model reads the model by the twin's
    name again (`eval_model.compute_loss(...)`, the same object as `train_model`), unless
    `rename` is off; the notes of its twins go (those of other models' twins stay theirs)."""

    def __init__(self, record: ModelRecord, rename: bool) -> None:
        super().__init__()
        self.instance = record.instance
        self.twins = {twin.instance for twin in record.twins}
        self.rename = rename

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine:
        twin = twin_note(updated_node)
        if twin is None or twin not in self.twins:
            return updated_node
        line = without_twin_note(updated_node)
        if not self.rename:
            return line
        renamed = line.visit(syntax.SelfNameSubstitution({self.instance: cst.Name(twin)}))
        assert isinstance(renamed, cst.SimpleStatementLine)
        return renamed


class _ScriptRenamer(syntax.SelfNameSubstitution):
    """Renames in the script, not inside the model class; in a function the model is passed
    to, `model.a` reads it through the parameter that takes it."""

    def __init__(
        self, mapping: Mapping[str, cst.BaseExpression], model_class: cst.ClassDef, record: ModelRecord
    ) -> None:
        super().__init__(mapping)
        self.model_class = model_class
        self.record = record
        self.mappings = [mapping]

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return node is not self.model_class

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        parameter = self.record.receivers.get(node.name.value)
        mapping = self.mappings[-1]
        if parameter is not None:
            mapping = {name: _through(value, self.record.instance, parameter) for name, value in mapping.items()}
        self.mappings.append(mapping)
        self.mapping = mapping
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef) -> cst.FunctionDef:
        self.mappings.pop()
        self.mapping = self.mappings[-1]
        return super().leave_FunctionDef(original_node, updated_node)


def _through(value: cst.BaseExpression, instance: str, parameter: str) -> cst.BaseExpression:
    """`model.a` read as `parameter.a`."""
    if isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name) and value.value.value == instance:
        return value.with_changes(value=cst.Name(parameter))
    return value
