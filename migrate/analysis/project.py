"""A directory run as one project: which of the tree's own modules each file imports, and
through which names.

Outside tutorials a TF1 program is a model module (`model.py`, `ops.py`) plus scripts
(`train.py`, `sample.py`) that import it. The rewrite of one file is told, through
`ModuleLinks`, which modules of its tree it imports and which import it.

Module roots. A module's name is its path below an import root: `a/b/c.py` is `a.b.c` and
`a/b/__init__.py` is `a.b`; directories below a root need no `__init__.py` (namespace packages).
For a file, the import roots are searched in the order Python's `sys.path` would have them when
the file's program runs: the file's own directory (a script's directory is `sys.path[0]`, and
TF1 code imports its siblings by name), then the parent of the outermost package the file is in
(a directory with `__init__.py` is a package, imported from the directory above it), then the
run's root. Relative imports count packages up from the file's own directory and never leave
the run's root. An import that names no module of the tree (TensorFlow, NumPy, a file outside
the run) is not recorded. Notebooks import nothing from the tree. Of a file that is not Python 3
(a Python 2 script importing the tree's modules), the lines that start with `import` or `from`
are read one by one.

Only import statements are read, with `ast` (fast, and the rewrite parses each file again with
libcst anyway); imports inside functions and `try` blocks count like the others.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from migrate.findings import SUPPRESSION_WORD, suppressed_on

# Where the pipeline puts a file's ModuleLinks for the transforms (CodemodContext.scratch).
PROJECT_KEY = "tf_migrate.project"
IMPORTABLE_SUFFIX = ".py"
_INIT = "__init__.py"


@dataclass(frozen=True, order=True)
class ImportSite:
    """One import statement of `importer` that reaches `module`, both relative to the run's root
    (POSIX separators). `names` pairs each name the statement binds in the importer with what it
    is in `module`: "" for the module itself (`import ops as o` gives ("o", ""), `import a.b`
    gives ("a.b", "")), else the name in the module (`from model import Model as M` gives
    ("M", "Model")). A star import binds names nobody listed: `star`, and no `names`."""

    importer: str
    line: int
    column: int
    statement: str  # the statement on one line, as `ast.unparse` writes it
    module: str
    names: tuple[tuple[str, str], ...] = ()
    star: bool = False
    ignored: tuple[str, ...] = ()  # codes a `# tf-migrate: ignore` comment on the line switches off

    def switched_off(self, code: str) -> bool:
        return "*" in self.ignored or any(code.startswith(prefix) for prefix in self.ignored)

    def seen_from(self, path: str) -> str:
        """`importer (line N: statement)`, the importer's path relative to `path`'s directory."""
        return f"{relative_to(self.importer, path)} (line {self.line}: {self.statement})"


@dataclass(frozen=True)
class JointImporter:
    """A script rewritten with the module it imports (migrate.joint_modules)."""

    path: str  # relative to the run's root
    source: str
    import_line: int  # its one `from module import ...` or `import module` line
    qualifier: str = ""  # `module` of `import module`, through which it reads the definitions
    names: tuple[str, ...] = ()  # the definitions it imports, or reads through `qualifier`


@dataclass(frozen=True)
class JointModule:
    """A module of definitions and every script of the tree that imports it: rewritten together
    (migrate.joint_modules). Each of the files is given the same record."""

    path: str  # the module, relative to the run's root
    source: str
    importers: tuple[JointImporter, ...]


@dataclass(frozen=True)
class ModuleLinks:
    """What one file's rewrite knows about its project: small, and sent to a worker process
    with the file."""

    path: str  # this file, relative to the run's root
    imports: tuple[ImportSite, ...] = ()  # its imports of the tree's modules
    imported_by: tuple[ImportSite, ...] = ()  # the tree's imports of it
    partner: JointModule | None = None  # the module and importers rewritten with this file
    # The modules of `imports` that make graph state where their code is called (variables,
    # placeholders, layers): see `makes_graph_state`.
    stateful_modules: frozenset[str] = frozenset()

    def stateful_imports(self) -> list[ImportSite]:
        """This file's imports of modules that make graph state where their code is called."""
        return [site for site in self.imports if site.module in self.stateful_modules]

    def stateful_names(self) -> dict[str, str]:
        """The names this file's imports bind to such modules or their members, each with the
        module as this file sees it (`from ops import conv` gives "conv" -> "ops.py")."""
        return {
            local: relative_to(site.module, self.path) for site in self.stateful_imports() for local, _ in site.names
        }


@dataclass(frozen=True)
class Project:
    """The import graph of one directory run."""

    root: Path
    files: tuple[str, ...]  # every Python file of the run, relative to the root
    imports: tuple[ImportSite, ...]
    by_importer: Mapping[str, tuple[ImportSite, ...]] = field(repr=False, compare=False)
    by_module: Mapping[str, tuple[ImportSite, ...]] = field(repr=False, compare=False)
    stateful: frozenset[str] = frozenset()  # imported modules that make graph state

    @classmethod
    def of(
        cls, root: Path, files: Iterable[str], sites: Iterable[ImportSite], stateful: Iterable[str] = ()
    ) -> Project:
        imports = tuple(sorted(set(sites)))
        by_importer: dict[str, list[ImportSite]] = {}
        by_module: dict[str, list[ImportSite]] = {}
        for site in imports:
            by_importer.setdefault(site.importer, []).append(site)
            by_module.setdefault(site.module, []).append(site)
        return cls(
            root,
            tuple(sorted(files)),
            imports,
            {path: tuple(sites) for path, sites in by_importer.items()},
            {path: tuple(sites) for path, sites in by_module.items()},
            frozenset(stateful),
        )

    def imports_of(self, path: str) -> tuple[ImportSite, ...]:
        return self.by_importer.get(path, ())

    def importers_of(self, path: str) -> tuple[ImportSite, ...]:
        return self.by_module.get(path, ())

    def links(self, path: str) -> ModuleLinks:
        imports = self.imports_of(path)
        stateful = frozenset(site.module for site in imports if site.module in self.stateful)
        return ModuleLinks(path, imports, self.importers_of(path), stateful_modules=stateful)

    def imported_from(self, path: str) -> tuple[str, ...]:
        """The tree's modules `path` imports, directly or through others, `path` itself left out."""
        seen: set[str] = set()
        pending = [path]
        while pending:
            for site in self.imports_of(pending.pop()):
                if site.module not in seen and site.module != path:
                    seen.add(site.module)
                    pending.append(site.module)
        return tuple(sorted(seen))

    def reached_from(self, path: str) -> tuple[str, ...]:
        """The files that import `path`, directly or through other modules of the tree, sorted
        (import cycles end where they close; `path` itself only when a cycle comes back to it)."""
        seen: set[str] = set()
        pending = [path]
        while pending:
            for site in self.importers_of(pending.pop()):
                if site.importer not in seen:
                    seen.add(site.importer)
                    pending.append(site.importer)
        return tuple(sorted(seen))


def relative_to(target: str, path: str) -> str:
    """`target` as seen from the directory of `path` (both relative to one root)."""
    return PurePosixPath(os.path.relpath(target, PurePosixPath(path).parent.as_posix() or ".")).as_posix()


def scan(root: str | os.PathLike[str], files: Iterable[str | os.PathLike[str]]) -> Project:
    """The project of the Python files `files` (paths under `root`, or relative to it)."""
    base = Path(root)
    relative = sorted({_relative(Path(file), base) for file in files})
    tree = _Tree(frozenset(path for path in relative if path.endswith(IMPORTABLE_SUFFIX)))
    sites: list[ImportSite] = []
    names = tree.names()
    for path in relative:
        try:
            data = (base / path).read_bytes()
        except OSError:
            continue
        if _may_import(data, names):
            sites.extend(tree.resolve(path, data))
    stateful = [module for module in {site.module for site in sites} if _reads_graph_state(base / module)]
    return Project.of(base, relative, sites, stateful)


_IMPORT_LINE_BYTES = re.compile(rb"^[ \t]*(import|from)[ \t]+([^\n]*)", re.MULTILINE)
_FIRST_NAME = re.compile(rb"[ \t]*(\w*)")


def _may_import(data: bytes, names: frozenset[bytes]) -> bool:
    """Whether an import line of `data` starts from a name that is the name of one of the
    tree's modules or directories, or is relative: most files import only libraries, and are
    not parsed at all. (An import after other statements on its line, `if x: import model`, is
    not seen.)"""
    for match in _IMPORT_LINE_BYTES.finditer(data):
        keyword, rest = match.groups()
        if rest.startswith(b".") or rest.rstrip().endswith((b"(", b"\\")):
            return True  # relative, or continued on the next lines
        modules = [rest] if keyword == b"from" else rest.split(b",")
        for module in modules:
            first = _FIRST_NAME.match(module)
            if first is not None and first.group(1) in names:
                return True
    return False


def scan_sources(sources: Mapping[str, str]) -> Project:
    """The project of source texts by relative path: the import graph without a disk."""
    tree = _Tree(frozenset(path for path in sources if path.endswith(IMPORTABLE_SUFFIX)))
    sites: list[ImportSite] = []
    for path, text in sorted(sources.items()):
        sites.extend(tree.resolve(path, text))
    imported = {site.module for site in sites}
    stateful = [module for module in imported if module in sources and makes_graph_state(sources[module])]
    return Project.of(Path("."), sources, sites, stateful)


# Calls that make graph state where they run: by the last name of the call, or the start of it.
_STATE_MAKERS = frozenset(
    {"Variable", "get_variable", "placeholder", "placeholder_with_default", "sparse_placeholder", "make_template"}
)
_STATE_MAKER_PREFIXES = (
    "tf.layers.", "tf.compat.v1.layers.", "tf.contrib.layers.", "tf.contrib.slim.", "slim.",
    "tf.keras.layers.", "tf.nn.rnn_cell.", "tf.contrib.rnn.", "tf.compat.v1.nn.rnn_cell.",
)


def makes_graph_state(source: str | bytes) -> bool:
    """Whether a module's code makes variables, placeholders or layers: called from another
    module's graph code, it makes them there, at each call."""
    tree = _parse_text(source)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            dotted = _dotted(node.func)
            if dotted is not None and (
                dotted.rpartition(".")[2] in _STATE_MAKERS or dotted.startswith(_STATE_MAKER_PREFIXES)
            ):
                return True
    return False


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _reads_graph_state(path: Path) -> bool:
    try:
        return makes_graph_state(path.read_bytes())
    except OSError:
        return False


def runs_as_script(source: str) -> bool:
    """Whether `source` has a top-level `if __name__ == "__main__":` block: a module that is
    also a program of its own."""
    tree = _parse_text(source)
    return tree is not None and any(
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
        and any(isinstance(side, ast.Constant) and side.value == "__main__" for side in node.test.comparators)
        for node in tree.body
    )


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _parse_text(source: str | bytes) -> ast.Module | None:
    try:
        return ast.parse(source)  # bytes: the BOM and coding cookie are honoured
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    # Not Python 3 (the rewrite reports it), but Python 2 scripts import Python 3 modules with
    # the same statements: those are read one by one.
    try:
        text = source if isinstance(source, str) else decode_source(source)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return None
    return ast.Module(body=list(_import_lines(text)), type_ignores=[])


def _import_lines(text: str) -> Iterator[ast.stmt]:
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if _IMPORT_LINE.match(line) is None:
            continue
        statement, following = line.strip(), number
        while (statement.count("(") > statement.count(")") or statement.endswith("\\")) and following < len(lines):
            statement = statement.rstrip("\\") + " " + lines[following].strip()
            following += 1
        try:
            parsed = ast.parse(statement).body
        except (SyntaxError, ValueError):
            continue  # a line of a docstring, or an import followed by Python 2 code
        for node in parsed:
            ast.increment_lineno(node, number - 1)
            node.col_offset = len(line) - len(line.lstrip())
            yield node


_IMPORT_LINE = re.compile(r"[ \t]*(?:import|from)[ \t]")


@dataclass(frozen=True)
class _Tree:
    """Module lookup in the set of the run's importable files."""

    files: frozenset[str]

    def names(self) -> frozenset[bytes]:
        """Every name an import of one of the files could start with or name: the parts of
        their paths."""
        parts = {part for path in self.files for part in PurePosixPath(path).with_suffix("").parts}
        return frozenset(part.encode() for part in parts)

    def resolve(self, importer: str, source: str | bytes) -> Iterator[ImportSite]:
        """The imports of the tree's modules in `source`, the text of `importer`."""
        module = _parse_text(source)
        if module is None:
            return
        roots = self._roots(importer)
        lines: list[str] | None = None
        for node in _statements(module.body):
            if isinstance(node, ast.Import):
                sites: Iterable[ImportSite] = self._plain(importer, node, roots)
            elif isinstance(node, ast.ImportFrom):
                sites = self._from(importer, node, roots)
            else:
                continue
            for site in sites:
                if site.module == importer:
                    continue  # a module that imports itself by name (a script named like a package)
                if _has_word(source):
                    lines = lines if lines is not None else _lines(source)
                    line = lines[site.line - 1] if site.line <= len(lines) else ""
                    site = replace(site, ignored=suppressed_on(line))
                yield site

    def _plain(self, importer: str, node: ast.Import, roots: tuple[str, ...]) -> Iterator[ImportSite]:
        for alias in node.names:
            target = self._absolute(alias.name, roots)
            if target is not None:
                yield self._site(importer, node, target, ((alias.asname or alias.name, ""),))

    def _from(self, importer: str, node: ast.ImportFrom, roots: tuple[str, ...]) -> Iterator[ImportSite]:
        base = self._relative_base(importer, node.level) if node.level else None
        if node.level and base is None:
            return  # above the run's root
        dotted = node.module or ""
        if base is not None:
            package: str | None = self._module_at(base, dotted) if dotted else self._module_at(base, "", package=True)
            directory = _join(base, dotted.replace(".", "/"))
        else:
            # The first root holding the module, or (a directory without `__init__.py`) one of
            # the submodules the statement names.
            names = [alias.name for alias in node.names]
            found = next((root for root in roots if self._holds(root, dotted, names)), None)
            if found is None:
                return
            package = self._module_at(found, dotted)
            directory = _join(found, dotted.replace(".", "/"))
        if len(node.names) == 1 and node.names[0].name == "*":
            if package is not None:
                yield self._site(importer, node, package, (), star=True)
            return
        from_package: list[tuple[str, str]] = []
        for alias in node.names:
            submodule = self._module_at(directory, alias.name) if directory is not None else None
            if submodule is not None:
                yield self._site(importer, node, submodule, ((alias.asname or alias.name, ""),))
            elif package is not None:
                from_package.append((alias.asname or alias.name, alias.name))
        if from_package and package is not None:
            yield self._site(importer, node, package, tuple(from_package))

    def _site(
        self, importer: str, node: ast.stmt, module: str, names: tuple[tuple[str, str], ...], *, star: bool = False
    ) -> ImportSite:
        return ImportSite(importer, node.lineno, node.col_offset, ast.unparse(node), module, names, star)

    def _roots(self, importer: str) -> tuple[str, ...]:
        own = PurePosixPath(importer).parent
        outermost = own
        while outermost != PurePosixPath(".") and _join(outermost.as_posix(), _INIT) in self.files:
            outermost = outermost.parent
        ordered = [own.as_posix(), outermost.as_posix(), "."]
        return tuple(dict.fromkeys(ordered))

    def _holds(self, root: str, dotted: str, names: list[str]) -> bool:
        if self._module_at(root, dotted) is not None:
            return True
        directory = _join(root, dotted.replace(".", "/"))
        return any(self._module_at(directory, name) is not None for name in names if name != "*")

    def _relative_base(self, importer: str, level: int) -> str | None:
        base = PurePosixPath(importer).parent
        for _ in range(level - 1):
            if base == PurePosixPath("."):
                return None
            base = base.parent
        return base.as_posix()

    def _absolute(self, dotted: str, roots: tuple[str, ...]) -> str | None:
        for root in roots:
            found = self._module_at(root, dotted)
            if found is not None:
                return found
        return None

    def _module_at(self, directory: str, dotted: str, *, package: bool = False) -> str | None:
        """The file of module `dotted` below `directory` (`directory`'s own `__init__.py` when
        `package` and no name is given)."""
        stem = _join(directory, dotted.replace(".", "/")) if dotted else directory
        candidates = [_join(stem, _INIT)] if package or not dotted else [stem + IMPORTABLE_SUFFIX, _join(stem, _INIT)]
        return next((candidate for candidate in candidates if candidate in self.files), None)


def _statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of `body`, nested ones included (expressions hold no imports)."""
    for statement in body:
        yield statement
        for name in ("body", "orelse", "finalbody"):
            nested = getattr(statement, name, None)
            if isinstance(nested, list):
                yield from _statements(nested)
        for handler in getattr(statement, "handlers", ()):
            yield from _statements(handler.body)
        for case in getattr(statement, "cases", ()):
            yield from _statements(case.body)


def decode_source(data: bytes) -> str:
    """Python source bytes as text, by their BOM or coding cookie (UTF-8 without either)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _has_word(source: str | bytes) -> bool:
    if isinstance(source, bytes):
        return SUPPRESSION_WORD.encode() in source
    return SUPPRESSION_WORD in source


def _lines(source: str | bytes) -> list[str]:
    if isinstance(source, str):
        return source.splitlines()
    try:
        return decode_source(source).splitlines()
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return []


def _join(directory: str, name: str) -> str:
    if not name:
        return directory
    return name if directory in ("", ".") else f"{directory}/{name}"
