"""A model class in one module, built and run by one script of the tree: both rewritten as one.

`model.py` defines `class Model` (its `__init__` builds the graph); `train.py` does
`from model import Model`, builds it once and runs it in a session. Neither file converts alone:
the module has no session (TFM006) and the script runs a graph it cannot see. When a directory
run finds such a pair (`partners`), the rewrite of each of the two files rewrites the script
with the class written in place of its import (the one-file case of TFM230), then keeps its own
part: the script gets its import back, the module gets the converted class in place of the old
one. Both files compute the same joint rewrite, so they convert together or not at all (then
each is rewritten on its own, as before).

Only the plain shape takes part: a module of imports, docstring and the one class, whose
imports the script has too (the class's names then mean the same in both), imported by exactly
one file of the tree, with one `from module import Class` line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

import libcst as cst

from migrate.analysis import parsing, syntax
from migrate.analysis.project import ImportSite, ModelPartner, ModuleLinks, Project
from migrate.findings import Finding, RewriteResult, RunSite

CONVERTED = "TFM230"


def partners(graph: Project, sources: Mapping[str, str]) -> dict[str, ModelPartner]:
    """For each file of `graph` that takes part in a model-module pair, its partner."""
    found: dict[str, ModelPartner] = {}
    for module in graph.files:
        importers = graph.importers_of(module)
        if len(importers) != 1 or module not in sources:
            continue
        site = importers[0]
        script = site.importer
        if script not in sources or script in found or module in found or site.star or len(site.names) != 1:
            continue
        bound, name = site.names[0]
        if bound != name or not name or graph.importers_of(script):
            continue
        if _model_class(sources[module], name) is None or _import_statement(sources[script], site) is None:
            continue
        if not imports_match(sources[script], sources[module]):
            continue
        found[script] = ModelPartner("script", module, sources[module], name, site.line)
        found[module] = ModelPartner("model", script, sources[script], name, site.line)
    return found


def with_partner(links: ModuleLinks, partner: ModelPartner | None) -> ModuleLinks:
    return replace(links, partner=partner) if partner is not None else links


def rewrite_pair(
    source: str, path: str | None, partner: ModelPartner, rewrite: Callable[[str], RewriteResult]
) -> RewriteResult | None:
    """This file's part of the joint rewrite, or None when the pair does not convert together."""
    script, model = (source, partner.source) if partner.role == "script" else (partner.source, source)
    found = _model_class(model, partner.class_name)
    if found is None:
        return None
    model_module, node = found
    lines = script.splitlines(keepends=True)
    import_line = partner.import_line
    class_text = model_module.code_for_node(node).lstrip("\n")
    # The class's own first line, in the module (its leading blank and comment lines left out).
    class_start = _line_of(model, class_text)
    if class_start is None or not 0 < import_line <= len(lines):
        return None
    class_lines = class_text.splitlines(keepends=True)
    if class_lines and not class_lines[-1].endswith("\n"):
        class_lines[-1] += "\n"
    joint = "".join([*lines[: import_line - 1], *class_lines, *lines[import_line:]])
    result = rewrite(joint)
    if result.error is not None or not any(f.code == CONVERTED for f in result.findings):
        return None
    try:
        converted = parsing.parse_module(result.code)
    except cst.ParserSyntaxError:
        return None
    new_class = next(
        (s for s in converted.body if isinstance(s, cst.ClassDef) and s.name.value == partner.class_name), None
    )
    if new_class is None:
        return None
    size = len(class_lines)

    def place(finding: Finding) -> tuple[str, Finding]:
        line = finding.line
        if import_line <= line < import_line + size:
            return "model", replace(finding, line=class_start + line - import_line)
        if line >= import_line + size:
            return "script", replace(finding, line=line - size + 1)
        return "script", finding

    placed = [place(f) for f in result.findings]
    own = [replace(f, path=path) for role, f in placed if role == partner.role]
    if partner.role == "model":
        new_text = converted.code_for_node(new_class).lstrip("\n")
        code = model.replace(class_text.rstrip("\n"), new_text.rstrip("\n"), 1)
        return RewriteResult(original=source, code=code, findings=tuple(own), requirements=result.requirements)
    statement = syntax.with_leading_lines(
        cst.parse_statement(lines[import_line - 1].strip() + "\n"), syntax.leading_lines(new_class)
    )
    body = [statement if s is new_class else s for s in converted.body]
    sites = tuple(
        RunSite(site.legacy_line - size + 1 if site.legacy_line >= import_line + size else site.legacy_line,
                site.function)
        for site in result.run_sites
    )
    return RewriteResult(
        original=source,
        code=converted.with_changes(body=body).code,
        findings=tuple(own),
        run_sites=sites,
        support_files=result.support_files,
        requirements=result.requirements,
    )


def _model_class(source: str, name: str) -> tuple[cst.Module, cst.ClassDef] | None:
    """The module and its class `name`, when the module is only imports, a docstring and it."""
    try:
        module = parsing.parse_module(source)
    except cst.ParserSyntaxError:
        return None
    found: cst.ClassDef | None = None
    for index, statement in enumerate(module.body):
        if isinstance(statement, cst.ClassDef) and statement.name.value == name and found is None:
            found = statement
            continue
        if isinstance(statement, cst.SimpleStatementLine) and all(
            isinstance(small, (cst.Import, cst.ImportFrom))
            or (index == 0 and isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))
            for small in statement.body
        ):
            continue
        return None
    return (module, found) if found is not None else None


def _import_statement(source: str, site: ImportSite) -> str | None:
    """The script's import line, when it is one top-level statement on one line, and every
    import of the model module is an import of the script too."""
    lines = source.splitlines()
    if not 0 < site.line <= len(lines):
        return None
    text = lines[site.line - 1]
    if text != text.lstrip() or not text.startswith("from ") or text.rstrip().endswith(("(", "\\")):
        return None
    return text


def _line_of(source: str, text: str) -> int | None:
    index = source.find(text.rstrip("\n"))
    return None if index < 0 else source.count("\n", 0, index) + 1


def imports_match(script: str, model: str) -> bool:
    """Whether every import statement of the model module is one of the script's too."""
    def imports(text: str) -> set[str]:
        try:
            module = parsing.parse_module(text)
        except cst.ParserSyntaxError:
            return set()
        return {
            syntax.code_of(small).strip()
            for statement in module.body if isinstance(statement, cst.SimpleStatementLine)
            for small in statement.body if isinstance(small, (cst.Import, cst.ImportFrom))
        }

    return imports(model) <= imports(script)
