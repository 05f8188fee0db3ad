"""Run the ordered transforms over one source text.

The source is parsed once. Consecutive transforms of the same `TRAVERSAL_GROUP` run in one
traversal of the tree (migrate.passes); name bindings and positions are computed once per pass.
A transform runs only when its trigger words are in the code. Findings carry line numbers of the
*input* text, whatever earlier transforms inserted or removed. The text of a pass's tree is
generated only when something asks for it (a later transform's trigger words, a finding's
position, the result), so a tree that the next pass rewrites again may never be written out.
When the file ends up still in graph mode (a rule reports one of its GRAPH_MODE_FINDINGS), the
transforms from the first EAGER_ONLY one on run again without the eager-only ones, from the tree
the transforms before them left (or, when the rewrite holds code that a transform before them
writes otherwise in graph mode, its GRAPH_MODE_TRIGGERS, from a rewrite of those transforms in
their graph-mode form). Two outcomes are never given: an eager conversion that reads a name
it never binds where the input bound it (pyflakes; TFM903), and session code converted beside
code that keeps the file in graph mode (TFM904). Either way the file is rewritten whole by the
rules that neither take session code out of graph mode (LEAVES_GRAPH_MODE) nor need eager code
(EAGER_ONLY). A file declined because a name was bound again after graph code read it (a rule's
REBOUND_FINDINGS) is rewritten once more with the name's later bindings renamed
(migrate.rebound_names), and that rewrite is taken if it leaves graph mode; so is a rewrite of a
file left in graph mode with its module-level helpers moved into the one scope calling each
(migrate.moved_helpers), when a rule converts such helpers (its MOVED_HELPERS_NOTE), and the
functions building its training state written in place of their one call (migrate.inlined_calls,
INLINED_CALLS_NOTE). Rules
declare these roles on their class (transforms.base); the pipeline names no rule.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import libcst as cst
from libcst.codemod import CodemodContext, SkipFile

from migrate.analysis import parsing, syntax
from migrate.analysis.module_text import forget_statements, text_of
from migrate.analysis.project import PROJECT_KEY, ModuleLinks
from migrate.analysis.requirements import merged, requirements_of
from migrate.analysis.tf_names import mentions_tensorflow
from migrate.analysis.undefined_names import introduced_undefined_names
from migrate.collector import fewer_collections
from migrate.findings import SUPPRESSION_WORD, Finding, RewriteResult, RunSite, Severity, SupportFile, suppressed_on
from migrate.inlined_calls import inline_calls
from migrate.joint_modules import rewrite_joint
from migrate.moved_helpers import move_helpers
from migrate.passes import run_pass
from migrate.rebound_names import rename_later_bindings
from migrate.transforms import ALL_TRANSFORMS
from migrate.transforms.base import (
    FINDINGS_KEY,
    GRAPH_MODE_KEY,
    PASS_ANALYSIS_KEY,
    RUN_SITES_KEY,
    SUPPORT_FILES_KEY,
    SUPPRESSIONS_KEY,
    MigrationTransform,
    PassAnalysis,
)

PARSE_ERROR = "TFM901"
TRANSFORM_ERROR = "TFM902"
UNDEFINED_NAME = "TFM903"
MIXED_MODES = "TFM904"
# A rewrite with a name's later bindings renamed may stop at another name bound again.
_RENAMING_ROUNDS = 4


@dataclass(frozen=True)
class Selection:
    """Which rules run: codes or code prefixes, as `--select` / `--ignore` take them."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None) -> Selection:
        return cls(tuple(_codes(select)), tuple(_codes(ignore)))

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def transforms(self) -> list[type[MigrationTransform]]:
        return [
            transform for transform in ALL_TRANSFORMS
            if self.enabled(transform.CODE) and all(self.enabled(code) for code in transform.REQUIRES)
        ]


def _codes(values: Iterable[str] | None) -> Iterable[str]:
    for value in values or ():
        yield from (part.strip().upper() for part in value.split(",") if part.strip())


def rewrite_code(
    source: str,
    *,
    path: str | None = None,
    selection: Selection = Selection(),
    share_traversals: bool = True,
    project: ModuleLinks | None = None,
) -> RewriteResult:
    """Rewrite one Python source text. Never raises for bad input: errors come back as data.

    `share_traversals=False` runs every transform in its own pass (the reference the shared
    traversals are tested against). `project`: how the file is linked to the other modules of
    its directory run (migrate.analysis.project); None for a file rewritten on its own.
    """
    if not mentions_tensorflow(source):
        return RewriteResult(original=source, code=source)
    if project is not None and project.partner is not None:
        # A module of definitions and its importing scripts (migrate.joint_modules): rewritten together.
        joint = rewrite_joint(
            source, path, project,
            lambda text: rewrite_code(text, path=path, selection=selection, share_traversals=share_traversals),
        )
        if isinstance(joint, RewriteResult):
            return joint
        with fewer_collections():
            alone = _rewrite(source, path, selection, share_traversals, replace(project, partner=None))
        # Why the group stays in graph mode, where the file's own rewrite does not say it.
        said = {(f.line, f.code) for f in alone.findings}
        extra = tuple(f for f in joint.findings if (f.line, f.code) not in said)
        return replace(alone, findings=tuple(sorted({*alone.findings, *extra}))) if extra else alone
    with fewer_collections():  # many short-lived objects, few cycles: see migrate.collector
        return _rewrite(source, path, selection, share_traversals, project)


def _rewrite(
    source: str, path: str | None, selection: Selection, share_traversals: bool, project: ModuleLinks | None
) -> RewriteResult:
    result = _rewrite_renaming(source, path, selection, share_traversals, project)
    transforms = selection.transforms()
    note = next((t.MOVED_HELPERS_NOTE for t in transforms if t.MOVED_HELPERS_NOTE is not None), None)
    graph_mode_codes = {code for transform in transforms for code in transform.GRAPH_MODE_FINDINGS}
    if note is None or result.error is not None or not any(f.code in graph_mode_codes for f in result.findings):
        return result
    if project is not None and project.imported_by:
        return result  # a module of the tree imports this one, maybe the helpers
    inlining = next((t.INLINED_CALLS_NOTE for t in transforms if t.INLINED_CALLS_NOTE is not None), None)
    try:
        tree = parsing.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError):
        return result
    moved = move_helpers(tree)
    scopes: dict[str, str] = {}
    if moved is not None:
        tree, scopes = moved
    inlined = inline_calls(tree) if inlining is not None else None
    calls: dict[str, str] = {}
    if inlined is not None:
        tree, calls = inlined
    if moved is None and inlined is None:
        return result
    attempt = _rewrite_renaming(tree.code, path, selection, share_traversals, project)
    if attempt.error is not None or any(f.code in graph_mode_codes for f in attempt.findings):
        return result
    lines = _line_map(tree.code, source)
    moves = [
        Finding(
            _definition_line(source, name), 0, note,
            f"`{name}` is called only from {_scope_words(scope)}: it is moved there and converted with it",
            Severity.INFO, path,
        )
        for name, scope in scopes.items()
    ]
    moves += [
        Finding(
            _definition_line(source, name), 0, inlining,
            f"`{name}` makes training state and is called once, from {_scope_words(scope)}: "
            "its body is written in place of the call",
            Severity.INFO, path,
        )
        for name, scope in calls.items()
        if inlining is not None
    ]
    findings = [replace(f, line=lines.get(f.line, f.line)) for f in attempt.findings]
    sites = tuple(
        replace(site, legacy_line=lines.get(site.legacy_line, site.legacy_line)) for site in attempt.run_sites
    )
    return replace(attempt, original=source, findings=tuple(sorted({*findings, *moves})), run_sites=sites)


def _scope_words(scope: str) -> str:
    return {"__main__": "the main block", "<module>": "module-level code"}.get(scope, f"`{scope}`")


def _definition_line(source: str, name: str) -> int:
    found = re.search(rf"^def {re.escape(name)}\b", source, re.MULTILINE)
    return source.count("\n", 0, found.start()) + 1 if found else 0


def _rewrite_renaming(
    source: str, path: str | None, selection: Selection, share_traversals: bool, project: ModuleLinks | None
) -> RewriteResult:
    result = _rewrite_once(source, path, selection, share_traversals, project)
    transforms = selection.transforms()
    notes = {decline: note for transform in transforms for decline, note in transform.REBOUND_FINDINGS.items()}
    graph_mode_codes = {code for transform in transforms for code in transform.GRAPH_MODE_FINDINGS}
    names: set[str] = set()
    said: list[Finding] = []  # the declines that named them, from each attempt
    attempt = result
    for _ in range(_RENAMING_ROUNDS):
        declines = [f for f in attempt.findings if f.code in notes and _named(f) not in names]
        found = {name for f in declines if (name := _named(f)) is not None}
        if not found:
            break
        names |= found
        said.extend(declines)
        renamed = rename_later_bindings(parsing.parse_module(source), names)
        if renamed is None:
            break
        tree, fresh = renamed
        attempt = _rewrite_once(tree.code, path, selection, share_traversals, project)
        if attempt.error is not None:
            break
        if not any(f.code in graph_mode_codes for f in attempt.findings):
            first = {name: f for f in reversed(said) if (name := _named(f)) in fresh}
            renaming = [
                Finding(
                    f.line, f.column, notes[f.code],
                    f"`{name}` is bound again after graph code reads it: its later bindings are renamed "
                    + ", ".join(f"`{new}`" for new in fresh[name]),
                    Severity.INFO, path,
                )
                for name, f in first.items()
            ]
            return replace(attempt, original=source, findings=tuple(sorted({*attempt.findings, *renaming})))
        # What else keeps the file in graph mode once the names are renamed: reported beside the
        # decline the renaming answers (the lines are the same; a message naming a new name is not).
        reasons = {code for transform in transforms for code in transform.DECLINE_FINDINGS} - set(notes)
        said_here = {(f.line, f.code) for f in result.findings}
        new_names = {new for names_of in fresh.values() for new in names_of}
        further = [
            f for f in attempt.findings
            if f.code in reasons and f.severity is Severity.WARNING and (f.line, f.code) not in said_here
            and not new_names & set(re.findall(r"`(\w+)`", f.message))
        ]
        if further:
            result = replace(result, findings=tuple(sorted({*result.findings, *further})))
    return result


def _named(finding: Finding) -> str | None:
    """The name a finding's message puts first in backticks."""
    found = re.match(r"`([A-Za-z_]\w*)`", finding.message)
    return found.group(1) if found else None


def _rewrite_once(
    source: str, path: str | None, selection: Selection, share_traversals: bool, project: ModuleLinks | None
) -> RewriteResult:
    try:
        module = parsing.parse_module(source)
    except (cst.ParserSyntaxError, RecursionError) as error:
        message = _describe_parse_error(error)
        finding = Finding(_error_line(error), 0, PARSE_ERROR, message, Severity.ERROR, path)
        return RewriteResult(original=source, code=source, findings=(finding,), error=message)

    syntax.forget_subtrees()
    forget_statements()
    transforms = selection.transforms()
    # Everything before the first eager-only transform is shared by both outcomes below.
    split = next((i for i, t in enumerate(transforms) if t.EAGER_ONLY), len(transforms))
    shared = _apply(transforms[:split], _Progress.start(module, source), source, path, share_traversals, project)
    if isinstance(shared, RewriteResult):
        return shared
    outcome = _apply(transforms[split:], shared.copy(), source, path, share_traversals, project)
    if isinstance(outcome, RewriteResult):
        return outcome
    graph_mode_codes = {code for transform in transforms for code in transform.GRAPH_MODE_FINDINGS}
    in_graph_mode = outcome.count(graph_mode_codes) > 0
    undefined = None if in_graph_mode else _undefined_read(outcome, source, path)
    if undefined is not None:
        # A rule's defect must not cost the user a working program: the file stays in graph
        # mode, as the rules that keep it there write it.
        fallback = _kept_whole(transforms, module, source, path, share_traversals, project)
        if isinstance(fallback, RewriteResult):
            return fallback
        fallback.findings.append(undefined)
        return fallback.result(source)
    variant = in_graph_mode and any(
        word in outcome.text() for transform in transforms[:split] for word in transform.GRAPH_MODE_TRIGGERS
    )
    if (outcome.eager_only_changed or variant) and in_graph_mode:
        # Keras 3 layers and tf.train.Checkpoint are meant for eager code: in a file that stays in
        # graph mode, Keras 3 draws its own unseeded initial weights and a Checkpoint restores
        # nothing. Keep what those transforms replaced in its tf.compat.v1 form instead, unless
        # that form does not exist in TF 2 at all (tf.contrib.layers); the transforms before them
        # that write graph-mode code differently (GRAPH_MODE_TRIGGERS) run again.
        base: _Progress | RewriteResult = shared
        if variant:
            start = _Progress.start(module, source)
            base = _apply(transforms[:split], start, source, path, share_traversals, project, graph_mode=True)
        if isinstance(base, RewriteResult):
            return base
        graph_mode = [transform for transform in transforms[split:] if not transform.EAGER_ONLY]
        kept = _apply(graph_mode, base.copy(), source, path, share_traversals, project, graph_mode=True)
        if isinstance(kept, RewriteResult):
            return kept
        unported = {code for transform in transforms for code in transform.UNPORTED_FINDINGS}
        if kept.count(graph_mode_codes) and kept.count(unported) <= outcome.count(unported):
            # Its warnings, not its errors: those are about the eager code, which is not kept.
            reasons = {code for transform in transforms for code in transform.DECLINE_FINDINGS}
            kept.findings.extend(
                f
                for f in outcome.findings
                if f.code in reasons and f.severity is Severity.WARNING and f not in kept.findings
            )
            outcome = kept
    if in_graph_mode and outcome.left_graph_mode:
        # Session code converted beside code that keeps the file in graph mode would run as
        # neither: the file stays a session program whole.
        whole = _kept_whole(transforms, module, source, path, share_traversals, project)
        if isinstance(whole, RewriteResult) or whole.text() == outcome.text():
            return whole if isinstance(whole, RewriteResult) else outcome.result(source)
        whole.findings.append(_mixed(outcome, graph_mode_codes, path))
        reasons = {code for transform in transforms for code in transform.DECLINE_FINDINGS}
        whole.findings.extend(
            f for f in outcome.findings
            if f.code in reasons and f.severity is Severity.WARNING and f not in whole.findings
        )
        return whole.result(source)
    return outcome.result(source)


def _kept_whole(
    transforms: Sequence[type[MigrationTransform]],
    module: cst.Module,
    source: str,
    path: str | None,
    share_traversals: bool,
    project: ModuleLinks | None,
) -> _Progress | RewriteResult:
    """The file rewritten by the rules that keep it in graph mode: neither those that take
    session code out of it (LEAVES_GRAPH_MODE) nor those that need eager code (EAGER_ONLY)."""
    kept = [t for t in transforms if not t.EAGER_ONLY and not t.LEAVES_GRAPH_MODE]
    return _apply(kept, _Progress.start(module, source), source, path, share_traversals, project, graph_mode=True)


def _mixed(outcome: _Progress, graph_mode_codes: Collection[str], path: str | None) -> Finding:
    """TFM904 for a conversion that took session code out of graph mode while other code the
    file keeps needs it (the first graph-mode finding names it)."""
    still = min((f for f in outcome.findings if f.code in graph_mode_codes), key=lambda f: (f.line, f.column))
    message = (
        f"the session code would convert, but {still.message.split(': ', 1)[-1]} needs graph mode: "
        "the file stays a session program"
    )
    return Finding(still.line, still.column, MIXED_MODES, message, Severity.WARNING, path)


def _undefined_read(outcome: _Progress, source: str, path: str | None) -> Finding | None:
    """TFM903 when the conversion reads a name it never binds that the input bound."""
    introduced = introduced_undefined_names(source, outcome.text())
    if not introduced:
        return None
    name, line = min(introduced.items(), key=lambda item: (item[1], item[0]))
    message = (
        f"the conversion would read `{name}`, which it does not define: left in graph mode "
        "(a defect of this tool's rules)"
    )
    return Finding(outcome.to_original.get(line, line), 0, UNDEFINED_NAME, message, Severity.WARNING, path)


@dataclass
class _Progress:
    """The state of a rewrite between passes."""

    module: cst.Module
    written: cst.Module  # the last tree whose text was generated: `module` or one before it
    code: str  # the text of `written`
    findings: list[Finding]
    run_sites: list[RunSite]
    to_original: dict[int, int]  # line of `code` -> line of the input
    support_files: list[SupportFile] = field(default_factory=list)
    eager_only_changed: bool = False
    left_graph_mode: bool = False  # a LEAVES_GRAPH_MODE transform changed the text
    analysis: PassAnalysis | None = None  # of `module`, or of the tree before it

    @classmethod
    def start(cls, module: cst.Module, source: str) -> _Progress:
        return cls(module, module, source, [], [], _identity_lines(source))

    def copy(self) -> _Progress:
        return replace(
            self, findings=list(self.findings), run_sites=list(self.run_sites), support_files=list(self.support_files)
        )

    def count(self, codes: Collection[str]) -> int:
        return sum(finding.code in codes for finding in self.findings)

    def text(self) -> str:
        """The text of `module`, generated now if it was not yet; the line map follows it."""
        if self.written is not self.module:
            new_code = text_of(self.module).code
            if new_code != self.code:
                self.to_original = _compose(_line_map(new_code, self.code), self.to_original)
                self.code = new_code
            self.written = self.module
        return self.code

    def known_text(self) -> str | None:
        return self.code if self.written is self.module else None

    def result(self, source: str) -> RewriteResult:
        code = self.text()
        support_files = tuple(sorted(set(self.support_files)))
        return RewriteResult(
            original=source,
            code=code,
            findings=tuple(sorted(set(self.findings))),
            run_sites=tuple(self.run_sites),
            support_files=support_files,
            requirements=merged(requirements_of(text) for text in (code, *(f.text for f in support_files))),
        )


def _apply(
    transforms: Sequence[type[MigrationTransform]],
    progress: _Progress,
    source: str,
    path: str | None,
    share_traversals: bool,
    project: ModuleLinks | None,
    *,
    graph_mode: bool = False,
) -> _Progress | RewriteResult:
    """`progress` after running `transforms` in order, or, when one raised, the result that
    leaves `source` untouched and says why. `graph_mode`: the file stays in TF1 graph mode."""
    context = CodemodContext(filename=path)
    if graph_mode:
        context.scratch[GRAPH_MODE_KEY] = True
    if project is not None:
        context.scratch[PROJECT_KEY] = project
    if progress.analysis is not None:
        context.scratch[PASS_ANALYSIS_KEY] = progress.analysis  # names and positions carry on
    index = 0
    while index < len(transforms):
        group, index = _next_pass(transforms, index, progress, share_traversals)
        if not group:
            continue
        # Transforms keep comments and write none of their own: without one in the input, no
        # tree of the file has a suppression comment.
        context.scratch[SUPPRESSIONS_KEY] = _suppressions(progress.text()) if SUPPRESSION_WORD in source else {}
        context.scratch[FINDINGS_KEY] = []
        context.scratch[RUN_SITES_KEY] = []
        context.scratch[SUPPORT_FILES_KEY] = []
        try:
            new_module = run_pass(group, progress.module, progress.known_text(), context)
        except SkipFile:
            continue
        except Exception as error:  # noqa: BLE001  # a transform bug must not cost the user the file
            codes = "+".join(transform_type.CODE for transform_type in group)
            message = f"{codes} failed: {type(error).__name__}: {error}"
            finding = Finding(0, 0, TRANSFORM_ERROR, message, Severity.ERROR, path)
            return RewriteResult(original=source, code=source, findings=(finding,), error=message)
        if context.scratch[FINDINGS_KEY] or context.scratch[RUN_SITES_KEY]:
            progress.text()  # their lines are lines of this tree's text
            progress.findings.extend(_relocate(context.scratch[FINDINGS_KEY], progress, source))
            progress.run_sites.extend(
                RunSite(progress.to_original.get(site.legacy_line, site.legacy_line), site.function)
                for site in context.scratch[RUN_SITES_KEY]
            )
        progress.support_files.extend(context.scratch[SUPPORT_FILES_KEY])
        if new_module is progress.module:
            continue  # nothing rebuilt, so nothing changed
        if any(transform.EAGER_ONLY or transform.LEAVES_GRAPH_MODE for transform in group):
            before = progress.text()
            progress.module = new_module
            changed = progress.text() != before
            progress.eager_only_changed |= changed and any(transform.EAGER_ONLY for transform in group)
            progress.left_graph_mode |= changed and any(transform.LEAVES_GRAPH_MODE for transform in group)
        else:
            progress.module = new_module
    analysis = context.scratch.get(PASS_ANALYSIS_KEY)
    progress.analysis = analysis if isinstance(analysis, PassAnalysis) else None
    return progress


def _next_pass(
    transforms: Sequence[type[MigrationTransform]], index: int, progress: _Progress, share: bool
) -> tuple[list[type[MigrationTransform]], int]:
    """The transforms of the pass starting at `index` that have work in the current tree, and
    the index after them: a run of transforms that share a traversal, or one transform."""
    end = index + 1
    group = transforms[index].TRAVERSAL_GROUP
    if share and group:
        while end < len(transforms) and transforms[end].TRAVERSAL_GROUP == group:
            end += 1
    candidates = [t for t in transforms[index:end] if t.runnable()]
    if any(t.TRIGGERS for t in candidates):  # else the text is not needed
        code = progress.text()
        candidates = [t for t in candidates if t.has_work(code)]
    return candidates, end


def _suppressions(code: str) -> dict[int, tuple[str, ...]]:
    lines: dict[int, tuple[str, ...]] = {}
    if SUPPRESSION_WORD not in code:
        return lines
    for number, text in enumerate(code.splitlines(), start=1):
        listed = suppressed_on(text)
        if listed:
            lines[number] = listed
    return lines


def _identity_lines(code: str) -> dict[int, int]:
    return {n: n for n in range(1, code.count("\n") + 2)}


def _line_map(new: str, old: str) -> dict[int, int]:
    """For each line of `new`, the line of `old` it came from (or the nearest one before)."""
    mapping: dict[int, int] = {}
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    opcodes = matcher.get_opcodes()
    moved = _moved_lines(old_lines, new_lines, opcodes)
    for tag, old_start, old_end, new_start, new_end in opcodes:
        old_size, new_size = old_end - old_start, new_end - new_start
        # A line a pass moved unchanged (indentation aside) from a part of the file it replaced
        # or removed is placed at that line; where it removed, added or split lines, a line it
        # kept or edited, at the replaced line most like it; otherwise lines are placed by their
        # position.
        by_likeness = tag == "replace" and old_size != new_size and old_size * new_size <= _MOST_ALIKE_PAIRS
        for offset in range(new_size):
            if tag == "equal":
                source_line = old_start + offset
            elif new_start + offset in moved:
                source_line = moved[new_start + offset]
            elif by_likeness and new_lines[new_start + offset].strip():
                source_line = _most_like(new_lines[new_start + offset], old_lines[old_start:old_end]) + old_start
            else:
                source_line = min(old_start + offset, max(old_end - 1, old_start))
            mapping[new_start + offset + 1] = source_line + 1
    mapping.setdefault(len(new_lines) + 1, len(old_lines) + 1)
    return mapping


def _moved_lines(
    old_lines: list[str], new_lines: list[str], opcodes: Sequence[tuple[str, int, int, int, int]]
) -> dict[int, int]:
    """The added lines that are old lines the pass removed or replaced, indentation aside (a
    model class's method body written into the script): the k-th copy of a text among the added
    lines is placed at its k-th copy among the removed ones (or the last). A method's line that
    read the model's attributes (`self.accuracy`) is matched with them read as the script's
    names (`accuracy`) where no line matches it whole."""
    places: dict[str, list[int]] = {}
    unqualified: dict[str, list[int]] = {}
    for tag, old_start, old_end, _, _ in opcodes:
        if tag in ("delete", "replace"):
            for index in range(old_start, old_end):
                text = old_lines[index].strip()
                if text and not text.startswith("#"):
                    places.setdefault(text, []).append(index)
                    unqualified.setdefault(_SELF.sub("", text), []).append(index)
    seen: dict[str, int] = {}
    moved: dict[int, int] = {}
    for tag, _, _, new_start, new_end in opcodes:
        if tag not in ("insert", "replace"):
            continue
        for index in range(new_start, new_end):
            text = new_lines[index].strip()
            found, key = (places, text) if text in places else (unqualified, f"\0{text}")
            candidates = found.get(text)
            if candidates:
                copy = seen.get(key, 0)
                seen[key] = copy + 1
                moved[index] = candidates[min(copy, len(candidates) - 1)]
    return moved


_SELF = re.compile(r"\bself\.")


# Line pairs compared in one replaced block at most: a larger block is a rewrite of a whole
# region (a session loop made a function), where lines are placed by their position.
_MOST_ALIKE_PAIRS = 400


def _most_like(line: str, candidates: list[str]) -> int:
    """The index of the candidate most like `line`, indentation aside (the first of equals)."""
    best, best_ratio = 0, 0.0
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(line.strip())
    for index, candidate in enumerate(candidates):
        matcher.set_seq1(candidate.strip())
        if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
            ratio = matcher.ratio()
            if ratio > best_ratio:
                best, best_ratio = index, ratio
    return best


def _compose(new_to_old: dict[int, int], old_to_original: dict[int, int]) -> dict[int, int]:
    return {new: old_to_original.get(old, old) for new, old in new_to_old.items()}


def _relocate(found: Sequence[Finding], progress: _Progress, source: str) -> list[Finding]:
    """Findings placed in the text of `progress.code`, placed in `source` instead: the line
    through the line map, the column through the difference between the two lines."""
    if not found:
        return []
    now_lines = progress.code.splitlines()
    source_lines = source.splitlines() if progress.code != source else now_lines
    relocated = []
    for f in found:
        line = progress.to_original.get(f.line, f.line)
        column = f.column
        if 0 < f.line <= len(now_lines) and 0 < line <= len(source_lines):
            column = _original_column(now_lines[f.line - 1], source_lines[line - 1], column)
        relocated.append(Finding(line, column, f.code, f.message, f.severity, f.path))
    return relocated


def _original_column(now: str, then: str, column: int) -> int:
    """The column of `then` that column `column` of `now` came from: the same character where
    the lines agree there, else the start of what that part of the line replaced."""
    if now[: column + 1] == then[: column + 1]:
        return column  # nothing changed up to it
    for tag, then_start, _, now_start, now_end in _character_opcodes(then, now):
        if now_start <= column < now_end:
            return then_start + (column - now_start) if tag == "equal" else then_start
    return len(then)


@lru_cache(maxsize=1024)
def _character_opcodes(then: str, now: str) -> Sequence[tuple[str, int, int, int, int]]:
    # Files repeat their lines (`sess.run(...)`), and a line often carries several findings.
    return difflib.SequenceMatcher(None, then, now, autojunk=False).get_opcodes()


def _describe_parse_error(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "cannot parse: nesting too deep"
    text = str(error).strip().splitlines()
    first = text[0] if text else "syntax error"
    return f"cannot parse as Python 3 (Python 2 code or a syntax error): {first}"


def _error_line(error: Exception) -> int:
    line = getattr(error, "raw_line", None)
    return line if isinstance(line, int) else 0
