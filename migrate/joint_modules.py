"""A module of definitions and the scripts of the tree that import it, rewritten as one.

TF1 projects keep what builds the graph in modules (`model.py` with `class Model`, `layers.py`
with `def dense(x, size, name)`) and build and run it in scripts (`train.py`, `sample.py`).
Neither converts alone: the module opens no session (TFM006), each script runs a graph it cannot
see (TFM007). When a directory run finds such a module (`partners`), the rewrite of each file of
the group makes the same joint rewrites: each importing script with the module's definitions it
reaches (those it imports, and those they read) written in place of its import line, between two
marker comments, rewritten as one file (the one-file conversions: TFM230 for a model class,
TFM331 for layer functions, the sessions). Of each, the text between the markers is the
converted definitions, and the rest, with the import line back in place of them, the converted
script. The group converts only if every joint rewrite leaves graph mode, every definition is
reached by some script and all scripts that reach one convert it to the same text; otherwise
every file is rewritten on its own, as before.

Only the plain shape takes part: a module of a docstring and imports, then only definitions
(functions, classes, assignments of literal constants), whose import statements every importer
has too (so the definitions' names mean the same spliced into the script); each importer one
top-level script (imported by no file of the tree) with one `from module import a, b` line that
names definitions, or one `import module` line and `module.a` its only reads of `module`, which
binds none of the names the definitions it reaches read.
"""
from __future__ import annotations

import ast
import builtins
import re
import symtable
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from migrate.analysis import parsing, syntax
from migrate.analysis.project import ImportSite, JointImporter, JointModule, ModuleLinks, Project
from migrate.analysis.tf_names import mentions_tensorflow
from migrate.findings import Finding, RewriteResult, RunSite, Severity

STILL_GRAPH = "TFM003"
KEPT_AS_COMPAT_V1 = "TFM005"
RUN_ELSEWHERE = "TFM006"
# Warnings of a joint rewrite that do not say why it stays in graph mode.
_NOT_REASONS = frozenset({STILL_GRAPH, KEPT_AS_COMPAT_V1, RUN_ELSEWHERE})
# Each file of a group makes every importer's joint rewrite: the work grows with their square.
MAX_IMPORTERS = 4
BEGIN = "# >>> definitions of the imported module begin here"
END = "# <<< definitions of the imported module end here"
_BUILTINS = frozenset(dir(builtins))


_BLANK_LINES = re.compile(r"(?:[ \t]*\n)*")


@dataclass(frozen=True)
class _Definition:
    """One definition of the module: its name, the blank lines before it, its text (the comment
    lines above it included), the module line that text starts on, and the module-level names
    it reads."""

    name: str
    lead: str
    text: str
    line: int
    reads: frozenset[str]


@dataclass(frozen=True)
class _Library:
    """A module of the plain shape, cut into its definitions."""

    header: str  # the docstring and imports before the definitions
    definitions: tuple[_Definition, ...]
    tail: str  # the blank and comment lines after them
    imports: frozenset[str]  # the import statements, as `ast.unparse` writes them
    imported: frozenset[str]  # the names they bind
    # The file's last line has no line break: the library is cut from the text with one added
    # (spliced into a script, the last definition must end its line), and gives it back without.
    unterminated: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(definition.name for definition in self.definitions)

    def reached(self, names: Iterable[str]) -> tuple[int, ...]:
        """The indices of the definitions `names` name, and of those they read, in order."""
        index = {definition.name: i for i, definition in enumerate(self.definitions)}
        found: set[int] = set()
        pending = [index[name] for name in names if name in index]
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(index[name] for name in self.definitions[current].reads if name in index)
        return tuple(sorted(found))

    def text(self, bodies: Sequence[str]) -> str:
        """The module with these texts in place of its definitions' texts."""
        parts = (d.lead + body for d, body in zip(self.definitions, bodies, strict=True))
        text = self.header + "".join(parts) + self.tail
        return text[:-1] if self.unterminated and text.endswith("\n") else text


@dataclass(frozen=True)
class JointDeclined:
    """A group that does not convert, and why, for the file asked about: the warnings the joint
    rewrites that stayed in graph mode gave at this file's lines (none when the group failed
    for its shape: definitions no script reaches, or scripts converting them differently)."""

    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class _Blocked:
    """One importer's joint rewrite that stays in graph mode: its warnings, each in its own file
    (True: the module's)."""

    findings: tuple[tuple[bool, Finding], ...]


@dataclass(frozen=True)
class _Joint:
    """One importer's joint rewrite, cut back into its two files: the converted texts of the
    definitions it reached, by index, and the module's findings."""

    bodies: Mapping[int, str]
    module_findings: tuple[Finding, ...]
    script: RewriteResult


def partners(graph: Project, sources: Mapping[str, str]) -> dict[str, JointModule]:
    """For each file of `graph` that takes part in a joint rewrite, the group it is part of."""
    found: dict[str, JointModule] = {}
    for module in graph.files:
        group = _group(graph, sources, module)
        if group is None or any(path in found for path in (module, *(i.path for i in group.importers))):
            continue
        for path in (module, *(i.path for i in group.importers)):
            found[path] = group
    return found


def with_partner(links: ModuleLinks, partner: JointModule | None) -> ModuleLinks:
    return replace(links, partner=partner) if partner is not None else links


def _group(graph: Project, sources: Mapping[str, str], module: str) -> JointModule | None:
    sites = graph.importers_of(module)
    text = sources.get(module)
    if not 0 < len(sites) <= MAX_IMPORTERS or text is None:
        return None
    library = _library(text)
    if library is None or not mentions_tensorflow(text):
        return None
    importers: list[JointImporter] = []
    for site in sites:
        script = sources.get(site.importer)
        read = None if script is None or graph.importers_of(site.importer) else _reading(script, site, library)
        if script is None or read is None:
            return None
        importers.append(JointImporter(site.importer, script, site.line, *read))
    if len({importer.path for importer in importers}) != len(importers):
        return None  # a script importing the module twice
    return JointModule(module, text, tuple(importers))


def _reading(script: str, site: ImportSite, library: _Library) -> tuple[str, tuple[str, ...]] | None:
    """How the script reads the definitions when it takes part, and which it names: "" for
    `from module import a`, `module` for `import module` (and `module.a` its only reads of
    `module`); else None."""
    if site.star or not site.names or "\r" in script:
        return None
    lines = script.splitlines()
    if not 0 < site.line <= len(lines):
        return None
    try:
        line = ast.parse(lines[site.line - 1]).body
        tree = ast.parse(script)
    except (SyntaxError, ValueError):
        return None  # indented, or continued on the next lines
    if len(line) != 1:
        return None
    if isinstance(line[0], ast.ImportFrom):
        if any(bound != name or name not in library.names for bound, name in site.names):
            return None
        qualifier, names = "", tuple(name for _, name in site.names)
    elif isinstance(line[0], ast.Import) and len(line[0].names) == 1 and "." not in site.names[0][0]:
        qualifier = site.names[0][0]
        names = tuple(sorted({node.attr for node in _qualified_reads(tree, qualifier, set(library.names))}))
        if not _read_through(tree, qualifier, library.names):
            return None
    else:
        return None
    script_imports = {ast.unparse(s) for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))}
    if not library.imports <= script_imports:
        return None
    # Spliced in, the definitions see the script's names: none they read may be bound otherwise.
    reached = [library.definitions[index] for index in library.reached(names)]
    used = {name for definition in reached for name in (definition.name, *definition.reads)}
    if used & _bindings(tree, skip_line=site.line, same=library.imports):
        return None
    return qualifier, names


def _read_through(tree: ast.Module, qualifier: str, names: Iterable[str]) -> bool:
    """Whether the script reads `qualifier` only as `qualifier.name` of the definitions' names
    (each on one line), and none of those names is a name of its own."""
    defined = set(names)
    reads = {id(node.value) for node in _qualified_reads(tree, qualifier, defined)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and (node.id in defined or (node.id == qualifier and id(node) not in reads)):
            return False
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in defined:
            return False
        if isinstance(node, ast.arg) and node.arg in defined:
            return False
        if isinstance(node, ast.alias) and (node.asname or node.name.split(".")[0]) in defined:
            return False
    return bool(reads)


def _qualified_reads(tree: ast.AST, qualifier: str, names: set[str]) -> list[ast.Attribute]:
    return [
        node for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == qualifier
        and node.attr in names
        and isinstance(node.ctx, ast.Load)
        and node.lineno == node.end_lineno
    ]


def _edited(source: str, edits: Iterable[tuple[int, int, int, str]]) -> str:
    """`source` with the spans (line, start, end, text) replaced; columns count UTF-8 bytes,
    as `ast` gives them."""
    lines = source.splitlines(keepends=True)
    for line, start, end, text in sorted(edits, reverse=True):
        data = lines[line - 1].encode()
        lines[line - 1] = (data[:start] + text.encode() + data[end:]).decode()
    return "".join(lines)


def _unqualified(source: str, qualifier: str, names: Iterable[str]) -> str:
    """The script reading `name` where it read `qualifier.name`."""
    reads = _qualified_reads(ast.parse(source), qualifier, set(names))
    return _edited(source, [(n.lineno, n.col_offset, n.end_col_offset or 0, n.attr) for n in reads])


def _qualified(source: str, qualifier: str, names: Iterable[str]) -> str:
    """The script reading `qualifier.name` where it reads `name` of the definitions."""
    defined = set(names)
    reads = [
        node for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name) and node.id in defined and isinstance(node.ctx, ast.Load)
    ]
    return _edited(source, [(n.lineno, n.col_offset, n.col_offset, qualifier + ".") for n in reads])


def _library(source: str) -> _Library | None:
    """The module cut into its definitions, when it is of the plain shape."""
    if "\r" in source or not source:
        return None
    unterminated = not source.endswith("\n")
    if unterminated:
        source += "\n"
    try:
        module = parsing.parse_module(source)
        tree = ast.parse(source)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return None
    first: int | None = None
    for index, statement in enumerate(module.body):
        if _is_import(statement) or (index == 0 and syntax.is_docstring(statement)):
            if first is not None:
                return None
            continue
        if _defined_name(statement) is None:
            return None
        first = index if first is None else first
    if first is None:
        return None
    header = module.with_changes(body=module.body[:first], footer=()).code
    offset = len(header)
    definitions: list[_Definition] = []
    for statement in module.body[first:]:
        code = module.code_for_node(statement)
        name = _defined_name(statement)
        lead = _BLANK_LINES.match(code)
        reads = _global_names(code)
        if not source.startswith(code, offset) or name is None or lead is None or reads is None:
            return None
        line = source.count("\n", 0, offset) + lead.group().count("\n") + 1
        definitions.append(_Definition(name, lead.group(), code[lead.end():], line, frozenset(reads)))
        offset += len(code)
    imports = [s for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))]
    return _Library(
        header,
        tuple(definitions),
        source[offset:],
        frozenset(ast.unparse(s) for s in imports),
        frozenset(_import_names(imports)),
        unterminated,
    )


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(small, (cst.Import, cst.ImportFrom)) for small in statement.body
    )


def _defined_name(statement: cst.BaseStatement) -> str | None:
    """The name a definition binds: a function, a class, or `NAME = literal`."""
    if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
        return statement.name.value
    assigned = syntax.single_assignment(statement)
    return assigned[0] if assigned is not None and _literal(assigned[1]) else None


def _literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.UnaryOperation):
        return isinstance(node.operator, cst.Minus) and _literal(node.expression)
    if isinstance(node, (cst.Tuple, cst.List)):
        return all(isinstance(e, cst.Element) and _literal(e.value) for e in node.elements)
    return False


def _global_names(code: str) -> set[str] | None:
    """The module-level names `code` reads or binds from inside its definitions, and reads at
    its own level."""
    try:
        table = symtable.symtable(code, "<definitions>", "exec")
    except (SyntaxError, ValueError):
        return None
    names = {symbol.get_name() for symbol in table.get_symbols() if symbol.is_referenced()}
    pending = list(table.get_children())
    while pending:
        scope = pending.pop()
        names.update(symbol.get_name() for symbol in scope.get_symbols() if symbol.is_global())
        pending.extend(scope.get_children())
    return names


def _assigned_globals(code: str) -> frozenset[str]:
    """The names `code` binds by module-level `name = value` statements."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return frozenset()
    return frozenset(
        target.id for statement in tree.body if isinstance(statement, ast.Assign)
        for target in statement.targets if isinstance(target, ast.Name)
    )


def _bindings(tree: ast.Module, *, skip_line: int, same: frozenset[str]) -> set[str]:
    """The names the script binds at module level, or declares global in a function, but for
    its import line `skip_line` and the import statements in `same`. Over-counts (the names
    bound in comprehensions and nested functions of module-level blocks count too)."""
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            if statement.lineno != skip_line and ast.unparse(statement) not in same:
                names.update(_import_names([statement]))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(statement.name)
        else:
            for node in ast.walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                    names.add(node.id)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    names.add(node.name)
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    names.update(_import_names([node]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    return names


def _import_names(statements: Iterable[ast.Import | ast.ImportFrom]) -> Iterable[str]:
    for statement in statements:
        for alias in statement.names:
            yield alias.asname or alias.name.split(".")[0]


def rewrite_joint(
    source: str, path: str | None, links: ModuleLinks, rewrite: Callable[[str], RewriteResult]
) -> RewriteResult | JointDeclined:
    """This file's part of its group's joint rewrites, or why the group does not convert."""
    group = links.partner
    if group is None:
        return JointDeclined()
    own = group.source if links.path == group.path else next(
        (i.source for i in group.importers if i.path == links.path), None
    )
    library = _library(group.source)
    if own != source or library is None:
        return JointDeclined()
    joints: list[_Joint] = []
    blocked: list[tuple[JointImporter, _Blocked]] = []
    for importer in group.importers:
        joint = _joint(importer, library, rewrite)
        if isinstance(joint, _Blocked):
            blocked.append((importer, joint))
        elif joint is None:
            return JointDeclined()
        else:
            joints.append(joint)
    if blocked:
        return JointDeclined(_reasons_here(links.path, group, blocked, path))
    bodies: list[str] = []
    for index in range(len(library.definitions)):
        texts = {joint.bodies[index] for joint in joints if index in joint.bodies}
        if len(texts) != 1:
            return JointDeclined()  # a definition no script reaches, or two scripts convert differently
        bodies.append(texts.pop())
    if links.path == group.path:
        findings = sorted({replace(f, path=path) for joint in joints for f in joint.module_findings})
        requirements = sorted({name for joint in joints for name in joint.script.requirements})
        return RewriteResult(
            original=source, code=library.text(bodies), findings=tuple(findings), requirements=tuple(requirements)
        )
    script = next(joint.script for importer, joint in zip(group.importers, joints) if importer.path == links.path)
    return replace(script, original=source, findings=tuple(replace(f, path=path) for f in script.findings))


def _reasons_here(
    here: str, group: JointModule, blocked: Sequence[tuple[JointImporter, _Blocked]], path: str | None
) -> tuple[Finding, ...]:
    """The warnings of the joint rewrites that stayed in graph mode that lie in file `here`,
    each saying which rewrite gave it: what keeps the group from converting, at its place."""
    found: dict[tuple[int, str], Finding] = {}
    for importer, joint in blocked:
        for in_module, finding in joint.findings:
            if (group.path if in_module else importer.path) != here:
                continue
            partner = f"{importer.path}, which imports it" if in_module else f"{group.path}, which it imports"
            message = f"{finding.message} (rewritten together with {partner})"
            found.setdefault((finding.line, finding.code), replace(finding, message=message, path=path))
    return tuple(found[key] for key in sorted(found))


def _joint(
    importer: JointImporter, library: _Library, rewrite: Callable[[str], RewriteResult]
) -> _Joint | _Blocked | None:
    """The importer rewritten with the definitions it reaches in place of its import line."""
    source = importer.source
    if importer.qualifier:
        source = _unqualified(source, importer.qualifier, library.names)
    lines = source.splitlines(keepends=True)
    at = importer.import_line
    if not 0 < at <= len(lines) or BEGIN in source or END in source:
        return None
    reached = library.reached(importer.names)
    spliced: list[str] = []
    origins: list[int] = []  # the module line of each spliced line
    for count, index in enumerate(reached):
        definition = library.definitions[index]
        lead = definition.lead if count else ""
        spliced.extend((lead + definition.text).splitlines(keepends=True))
        origins.extend(range(definition.line - lead.count("\n"), definition.line + definition.text.count("\n")))
    size = len(spliced)

    def place(line: int) -> tuple[bool, int]:
        """Whether joint line `line` is the module's, and its line in its own file."""
        if at < line <= at + size:
            return True, origins[line - at - 1]
        if line <= at:
            return False, line
        return False, max(at, line - size - 1)

    result = rewrite("".join([*lines[: at - 1], BEGIN + "\n", *spliced, END + "\n", *lines[at:]]))
    if result.error is not None:
        return None
    if any(f.code in (STILL_GRAPH, RUN_ELSEWHERE) for f in result.findings):
        warnings = [f for f in result.findings if f.severity is Severity.WARNING and f.code not in _NOT_REASONS]
        return _Blocked(tuple((where, replace(f, line=line)) for f in warnings for where, line in [place(f.line)]))
    converted = result.code.splitlines(keepends=True)
    begin = [index for index, line in enumerate(converted) if line.rstrip("\n") == BEGIN]
    end = [index for index, line in enumerate(converted) if line.rstrip("\n") == END]
    if len(begin) != 1 or len(end) != 1 or result.code.count(BEGIN) + result.code.count(END) != 2:
        return None
    if begin[0] >= end[0]:
        return None
    expected = [library.definitions[index] for index in reached]
    outside = "".join([*converted[: begin[0]], *converted[end[0] + 1 :]])
    cut = _converted(converted[begin[0] + 1 : end[0]], expected, library, result.code, _assigned_globals(outside))
    if cut is None:
        return None
    found, generated = cut
    if generated:
        # Two blank lines before the script's next statement, as around the generated functions.
        following = converted[end[0] + 1] if end[0] + 1 < len(converted) else "\n"
        generated += "\n" if not following.strip() else "\n\n"
    names = tuple(name for name, _ in found)
    rest = "".join([*converted[: begin[0]], generated, *converted[end[0] + 1 :]])
    import_line = lines[at - 1] if importer.qualifier else _import_line(lines[at - 1], names, rest)
    if import_line is None:
        return None
    script_code = "".join([*converted[: begin[0]], import_line, generated, *converted[end[0] + 1 :]])
    try:
        tree = ast.parse(script_code)
    except (SyntaxError, ValueError):
        return None
    converted_imports = {ast.unparse(s) for s in tree.body if isinstance(s, (ast.Import, ast.ImportFrom))}
    moved = set(names) & _bindings(tree, skip_line=begin[0] + 1, same=frozenset())
    if not library.imports <= converted_imports or moved:
        return None  # a module import the rewrite changed, or a definition it moved out
    if importer.qualifier:
        script_code = _qualified(script_code, importer.qualifier, names)

    placed = [(place(f.line), f) for f in result.findings]
    if any(place(site.legacy_line)[0] for site in result.run_sites):
        return None  # a run the harness would look for in the script
    script = replace(
        result,
        code=script_code,
        findings=tuple(replace(f, line=line) for (in_module, line), f in placed if not in_module),
        run_sites=tuple(RunSite(place(s.legacy_line)[1], s.function) for s in result.run_sites),
    )
    module_findings = tuple(replace(f, line=line) for (in_module, line), f in placed if in_module)
    return _Joint(dict(zip(reached, (body for _, body in found))), module_findings, script)


def _converted(
    region: list[str], expected: list[_Definition], library: _Library, code: str, script_bound: frozenset[str]
) -> tuple[list[tuple[str, str]], str] | None:
    """The name and text of each converted definition, and the text of the statements the
    rewrite wrote after them (functions it generated for the script's runs), when the lines
    between the markers start with definitions of the module's shape, one for each spliced (a
    function may have become a class of another name, when the old name is gone from the code
    or is a global the script binds itself, `encoder = Encoder()`), reading no name of the
    script's."""
    try:
        module = parsing.parse_module("".join(region))
        tree = ast.parse(code)
    except (cst.ParserSyntaxError, SyntaxError, ValueError):
        return None
    # An old name may stay as a local of the script's functions (`generator = Generator()` in
    # `main`) or a global the script binds (its reads are of that binding), never as another
    # global or an attribute (`layers.neuron_layer`) the script reads.
    global_names = _global_names(code)
    if global_names is None:
        return None
    identifiers = global_names - script_bound
    identifiers |= {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    identifiers |= {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    if len(module.body) < len(expected):
        return None
    # The comment lines above the first definition are the region's header.
    above = module.with_changes(body=(), footer=()).code
    found: list[tuple[str, str]] = []
    for count, (statement, definition) in enumerate(zip(module.body, expected)):
        name = _defined_name(statement)
        if name is None or (name != definition.name and definition.name in identifiers):
            return None
        body = ("" if count else above) + module.code_for_node(statement)
        match = _BLANK_LINES.match(body)
        found.append((name, body[match.end() if match else 0 :]))
    used = _global_names("".join(body for _, body in found))
    if used is None or used - _BUILTINS - library.imported - {name for name, _ in found}:
        return None
    extras = module.body[len(expected):]
    return found, module.with_changes(body=extras, header=(), footer=()).code if extras else ""


def _import_line(line: str, names: tuple[str, ...], rest: str) -> str | None:
    """The script's import line for the converted definitions: the old one when it still
    names what the script uses, else one naming those."""
    try:
        rest_tree = ast.parse(rest)
        statement = ast.parse(line.strip()).body[0]
    except (SyntaxError, ValueError, IndexError):
        return None
    if not isinstance(statement, ast.ImportFrom):
        return None
    read = {node.id for node in ast.walk(rest_tree) if isinstance(node, ast.Name)}
    used = [name for name in names if name in read]
    old = [alias.name for alias in statement.names]
    if set(old) <= set(names) and set(used) <= set(old):
        return line if line.endswith("\n") else line + "\n"
    if not used:
        return None
    newline = line[len(line.rstrip("\r\n")):] or "\n"
    return f"from {'.' * statement.level}{statement.module or ''} import {', '.join(used)}{newline}"
