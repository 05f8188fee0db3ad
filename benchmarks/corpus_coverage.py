"""The scoreboard on real code: how much of a corpus of real TF1 files tf-migrate converts.

    python benchmarks/corpus_coverage.py [CORPUS] [--json OUT.json] [--worst N] [--jobs N]
                                         [--no-upgrader] [--list-declined]

CORPUS defaults to $DEV_CORPUS, else ~/dev-corpus (built as ../shared/corpus/README.md says).

Which files count. A `.py` file or notebook is a TF1 file when its code (comments, strings and,
in notebooks, IPython magics aside) imports TensorFlow and uses at least one TF1-only name:
`Session`, `InteractiveSession`, `placeholder`, `variable_scope`, `get_variable`,
`global_variables_initializer`, `tf.contrib`, `tf.layers`, `tf.app`, `tf.train.*Optimizer`,
`tensorflow.examples.tutorials` or `compat.v1`. Files with the same code are counted once (the
first path in sorted order). Files that are not Python 3 (Python 2 code, syntax errors) are
listed apart and not counted: no tool can rewrite them as they are.

How a file is classified. The whole corpus is rewritten as one directory run (so modules see
their siblings). An output is **converted** when its code no longer names `compat.v1`,
`Session` / `InteractiveSession`, a placeholder, `tf.contrib` or `tensorflow.examples.tutorials`;
**failed** when the rewrite reported TFM901 / TFM902 or the output does not parse; otherwise
**declined**, and its blocking reasons are the decline codes among its findings, or TFM005
for a file that no longer needs graph mode but keeps a symbol TF 2 has no equivalent for (a
file declined with neither is counted as "no reason": a defect).

Every output is also checked with pyflakes: an undefined name the input did not have is a
broken output (it would die with NameError). So is a TensorFlow name (`tf.a.b`, looked up in the
installed TensorFlow) that a converted output reads, TF 2 lacks and the input did not read: it
would die with AttributeError. (Declined outputs keep `tf.compat.v1.layers` and RNN cells, which
need the tf-keras package as their inputs did.)

For reference, TensorFlow's `tf_upgrade_v2` is run over the same unique files and judged by the
same rule.

Programs spread over modules. A graph module (TFM006: graph code, no session) is grouped with
the files of the corpus that import it, directly or through other modules
(`migrate.api.project_imports`); groups that share a file are one program. The report counts
these programs and how many declined files are parts of them: what converting a project rather
than a file has to win.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stand_in_data import STAND_INS, stand_in_directory
from static_checks import new_missing_tensorflow_names, new_undefined_names

from migrate import rewrite_paths
from migrate.api import project_imports
from migrate.harness import EquivalenceReport, HarnessOptions, compare
from migrate.harness import Outcome as PairOutcome
from migrate.notebook_cells import code_cells
from migrate.sources import FileResult, Status

# Names whose presence in code marks a file as TF1 code (the rule in the module docstring).
TF1_MARKERS = re.compile(
    r"\b(?:Session|InteractiveSession|placeholder|placeholder_with_default|sparse_placeholder|variable_scope"
    r"|get_variable|global_variables_initializer|initialize_all_variables|compat\.v1|examples\.tutorials"
    r"|tf\.contrib|tf\.layers|tf\.app|train\.\w+Optimizer)\b"
)
IMPORTS_TENSORFLOW = re.compile(r"^\s*(?:import|from)\s+tensorflow\b", re.MULTILINE)
# What a converted output no longer names in its code.
LEFT_OVER = {
    "compat.v1": re.compile(r"\bcompat\.v1\b"),
    "Session": re.compile(r"\b(?:Interactive)?Session\b"),
    "placeholder": re.compile(r"\b(?:placeholder|placeholder_with_default|sparse_placeholder)\b"),
    "tf.contrib": re.compile(r"\b(?:tf|tensorflow)\.contrib\b"),
    "examples.tutorials": re.compile(r"\btensorflow\.examples\.tutorials\b"),
}
# Findings that say why a file, or part of it, was left in TF1 form.
DECLINE_BANDS = ("TFM2", "TFM3", "TFM4", "TFM5")
NOT_DECLINES = frozenset({"TFM201", "TFM220", "TFM221", "TFM301", "TFM308", "TFM311", "TFM319", "TFM321",
                          "TFM401", "TFM403", "TFM404", "TFM501", "TFM503"})
EXTRA_DECLINES = frozenset({"TFM006", "TFM104", "TFM112", "TFM141", "TFM161", "TFM801", "TFM903", "TFM904"})
# A file that no longer needs graph mode but keeps a symbol with no TF 2 equivalent says so here.
KEPT_SYMBOL = "TFM005"
FAILURE_CODES = frozenset({"TFM901", "TFM902"})
CONVERTED, DECLINED, FAILED = "converted", "declined", "failed"


@dataclass
class SourceFile:
    path: Path  # relative to the corpus
    kind: str  # "py" or "ipynb"
    code: str  # Python code (notebooks: their code cells, IPython lines removed)
    python3: bool


@dataclass
class Outcome:
    path: str
    kind: str
    status: str
    reasons: list[str] = field(default_factory=list)
    left_over: dict[str, int] = field(default_factory=dict)
    new_undefined: list[str] = field(default_factory=list)
    detail: str = ""
    new_missing_tf: list[str] = field(default_factory=list)


def notebook_code(text: str) -> str | None:
    """The code cells of a notebook, joined, with IPython-only lines and cells dropped."""
    cells = code_cells(text)
    if cells is None:
        return None
    parts = []
    for cell in cells:
        if cell.lstrip().startswith("%%"):
            continue
        lines = [_pass_for_ipython(line) for line in cell.splitlines()]
        cell_code = "\n".join(lines) + "\n"
        if is_python3(cell_code):  # a Python 2 cell is left as it is by any tool: not counted
            parts.append(cell_code)
    return "\n".join(parts)


def _pass_for_ipython(line: str) -> str:
    stripped = line.lstrip()
    if stripped.startswith(("%", "!", "?")):
        return line[: len(line) - len(stripped)] + "pass"
    return line


def code_only(code: str) -> str:
    """`code` with comments and string literals blanked out (as far as it tokenizes)."""
    out: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(code).readline):
            if token.type in (tokenize.COMMENT, tokenize.STRING) or token.type == getattr(tokenize, "FSTRING_MIDDLE", -1):
                continue
            out.append(token.string)
            out.append("" if token.type == tokenize.OP and token.string == "." else " ")
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return code
    return re.sub(r"\s*\.\s*", ".", "".join(out))


def is_python3(code: str) -> bool:
    try:
        compile(code, "<corpus>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def read_code(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None
    return notebook_code(text) if path.suffix == ".ipynb" else text


def discover(corpus: Path) -> tuple[list[SourceFile], int]:
    """The unique TF1 files of the corpus, and how many duplicates were dropped."""
    seen: set[str] = set()
    found: list[SourceFile] = []
    duplicates = 0
    for path in sorted(p for p in corpus.rglob("*") if p.suffix in (".py", ".ipynb") and p.is_file()):
        code = read_code(path)
        if code is None or not IMPORTS_TENSORFLOW.search(code):
            continue
        if not TF1_MARKERS.search(code_only(code)):
            continue
        digest = hashlib.sha256(code.encode()).hexdigest()
        if digest in seen:
            duplicates += 1
            continue
        seen.add(digest)
        kind = path.suffix[1:]
        found.append(SourceFile(path.relative_to(corpus), kind, code, is_python3(code)))
    return found, duplicates


def left_over(code: str) -> dict[str, int]:
    text = code_only(code)
    counts = {name: len(pattern.findall(text)) for name, pattern in LEFT_OVER.items()}
    return {name: n for name, n in counts.items() if n}


def decline_reasons(result: FileResult) -> list[str]:
    codes = {
        f.code
        for f in result.findings
        if f.code in EXTRA_DECLINES
        or (f.code.startswith(DECLINE_BANDS) and f.code not in NOT_DECLINES and f.severity.value != "info")
    }
    graph_mode = any(f.code == "TFM003" for f in result.findings)
    if not codes and not graph_mode and any(f.code == KEPT_SYMBOL for f in result.findings):
        codes.add(KEPT_SYMBOL)
    return sorted(codes)


def classify(source: SourceFile, result: FileResult | None, output: Path) -> Outcome:
    name = str(source.path)
    if result is None:
        return Outcome(name, source.kind, FAILED, detail="no result for the file")
    codes = {f.code for f in result.findings}
    if result.status is Status.FAILED or codes & FAILURE_CODES:
        return Outcome(name, source.kind, FAILED, sorted(codes & FAILURE_CODES), detail="; ".join(result.errors)[:200])
    code = read_code(output)
    if code is None or not is_python3(code):
        return Outcome(name, source.kind, FAILED, detail="the output does not parse")
    remaining = left_over(code)
    undefined = sorted(new_undefined_names(source.code, code))
    status = DECLINED if remaining else CONVERTED
    # A declined output keeps tf.compat.v1.layers and cells, which need tf-keras (as the input did).
    missing = sorted(new_missing_tensorflow_names(source.code, code)) if status == CONVERTED else []
    reasons = decline_reasons(result) if remaining else []
    return Outcome(name, source.kind, status, reasons, remaining, undefined, new_missing_tf=missing)


def rewrite_corpus(corpus: Path, out: Path, jobs: int | None) -> tuple[dict[str, FileResult], float]:
    started = time.perf_counter()
    report = rewrite_paths([corpus], output=out, jobs=jobs)
    elapsed = time.perf_counter() - started
    results = {}
    for result in report.files:
        try:
            results[str(Path(result.path).resolve().relative_to(corpus.resolve()))] = result
        except ValueError:
            continue
    return results, elapsed


RUN_ELSEWHERE = "TFM006"


@dataclass
class Program:
    """Graph modules of the corpus and the files that import them, as paths relative to it."""

    graph_modules: list[str]
    files: list[str]  # every file of the program, graph modules included


def spread_programs(corpus: Path, results: dict[str, FileResult]) -> tuple[list[Program], list[str]]:
    """The programs spread over modules, and the graph modules that no file of the corpus imports."""
    project = project_imports(corpus)
    graph_modules = sorted(Path(path).as_posix() for path, result in results.items()
                           if any(f.code == RUN_ELSEWHERE for f in result.findings))
    groups: list[set[str]] = []
    alone = []
    for module in graph_modules:
        importers = set(project.reached_from(module))
        if not importers:
            alone.append(module)
            continue
        group = {module, *importers}
        for other in [g for g in groups if g & group]:
            groups.remove(other)
            group |= other
        groups.append(group)
    programs = [Program(sorted(g & set(graph_modules)), sorted(g)) for g in groups]
    return sorted(programs, key=lambda p: p.files), alone


def print_programs(outcomes: list[Outcome], programs: list[Program], alone: list[str]) -> None:
    members = {path for program in programs for path in program.files}
    modules = {path for program in programs for path in program.graph_modules}
    declined = [o for o in outcomes if o.status == DECLINED]
    parts = [o for o in declined if Path(o.path).as_posix() in members]
    part_modules = sum(Path(o.path).as_posix() in modules for o in parts)
    print(f"programs spread over modules (graph modules with the files importing them): {len(programs)}, "
          f"{len(members)} files ({len(modules)} graph modules); graph modules no file imports: {len(alone)}")
    print(f"declined files that are parts of such programs: {len(parts)} of {len(declined)} "
          f"({part_modules} graph modules, {len(parts) - part_modules} files importing them)")
    for program in programs:
        importers = [p for p in program.files if p not in program.graph_modules]
        print(f"  {', '.join(program.graph_modules)} <- {', '.join(importers) or '(each other only)'}")


def upgrader_outcomes(corpus: Path, files: list[SourceFile], scratch: Path) -> tuple[Counter[str], float] | None:
    """tf_upgrade_v2 over the same unique files, judged by the same rule (None: not installed)."""
    tool = shutil.which("tf_upgrade_v2")
    if tool is None:
        return None
    tree_in, tree_out = scratch / "upgrader_in", scratch / "upgrader_out"
    for source in files:
        destination = tree_in / source.path
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(corpus / source.path, destination)
    started = time.perf_counter()
    subprocess.run([tool, "--intree", str(tree_in), "--outtree", str(tree_out), "--reportfile",
                    str(scratch / "upgrader_report.txt")], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    counts: Counter[str] = Counter()
    for source in files:
        code = read_code(tree_out / source.path)
        if code is None or not is_python3(code):
            counts[FAILED] += 1
        else:
            counts[DECLINED if left_over(code) else CONVERTED] += 1
    return counts, elapsed


def share(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:5.1f}%" if whole else "   - "


def print_report(outcomes: list[Outcome], not_python3: list[SourceFile], duplicates: int, worst: int,
                 upgrader: tuple[Counter[str], float] | None, elapsed: float, list_declined: bool) -> None:
    print(f"TF1 files: {len(outcomes)} unique ({duplicates} duplicates dropped); "
          f"{len(not_python3)} more are not Python 3 and are not counted")
    print(f"rewrite: {elapsed:.1f} s for the whole corpus")
    print()
    print(f"{'kind':10} {'files':>6} {'converted':>16} {'declined':>16} {'failed':>12}")
    for kind in ("py", "ipynb", "all"):
        group = [o for o in outcomes if kind == "all" or o.kind == kind]
        n = Counter(o.status for o in group)
        print(f"{kind:10} {len(group):6} {n[CONVERTED]:6} {share(n[CONVERTED], len(group))}   "
              f"{n[DECLINED]:6} {share(n[DECLINED], len(group))}   {n[FAILED]:4} {share(n[FAILED], len(group))}")
    if upgrader is not None:
        counts, seconds = upgrader
        total = sum(counts.values())
        print(f"{'upgrade_v2':10} {total:6} {counts[CONVERTED]:6} {share(counts[CONVERTED], total)}   "
              f"{counts[DECLINED]:6} {share(counts[DECLINED], total)}   {counts[FAILED]:4} "
              f"{share(counts[FAILED], total)}   (tf_upgrade_v2, {seconds:.1f} s)")
    print()
    by_repo: dict[str, Counter[str]] = {}
    for outcome in outcomes:
        by_repo.setdefault(outcome.path.split(os.sep)[0], Counter())[outcome.status] += 1
    print(f"{'repository':55} {'files':>5} {'converted':>9}")
    for repo, n in sorted(by_repo.items()):
        total = sum(n.values())
        print(f"{repo:55} {total:5} {n[CONVERTED]:5} {share(n[CONVERTED], total)}")
    print()
    declined = [o for o in outcomes if o.status == DECLINED]
    reasons: Counter[str] = Counter()
    for outcome in declined:
        reasons.update(outcome.reasons or ["no reason"])
    print("blocking reasons (declined files naming each code; a file may name several):")
    for code, n in reasons.most_common():
        print(f"  {code:10} {n:4}")
    broken = [o for o in outcomes if o.new_undefined]
    print()
    print(f"outputs with an undefined name their input did not have: {len(broken)}")
    for outcome in broken:
        print(f"  {outcome.path}: {', '.join(outcome.new_undefined)}")
    lacking = [o for o in outcomes if o.new_missing_tf]
    print(f"outputs reading a TensorFlow name TF 2 lacks that their input did not read: {len(lacking)}")
    for outcome in lacking:
        print(f"  {outcome.path}: {', '.join(outcome.new_missing_tf)}")
    failed = [o for o in outcomes if o.status == FAILED]
    if failed:
        print("failed:")
        for outcome in failed:
            print(f"  {outcome.path}: {' '.join(outcome.reasons)} {outcome.detail}")
    print()
    print(f"worst declined files (most TF1 names left in code), {worst} of {len(declined)}:")
    ranked = sorted(declined, key=lambda o: -sum(o.left_over.values()))
    for outcome in ranked if list_declined else ranked[:worst]:
        left = ", ".join(f"{k} x{v}" for k, v in outcome.left_over.items())
        print(f"  {outcome.path}: {' '.join(outcome.reasons) or 'no reason'} | {left}")


# --- The runnable set: scripts both programs of which are run and compared ---------------------
#
#     python benchmarks/corpus_coverage.py [CORPUS] --runnable benchmarks/corpus/runnable.txt [--json OUT]
#
# The list holds TF1 scripts of the corpus that run offline on today's TensorFlow through
# tf.compat.v1, one per line: the path relative to the corpus root, then how the harness runs it
# (`--steps N`: loops cut after N calls; `--cwd DIR`: working directory, relative to the corpus
# root, default the script's own directory; `--stand-in NAME`: instead, a working directory
# holding data the script would download, from benchmarks/stand_in_data.py; `--timeout S`;
# `--ignore-stdout REGEX`). The corpus is rewritten as one
# directory run, then `tf-migrate diff` compares every script with its output. A converted
# script that does not compute the same numbers is a silent mismatch: the rewriter must decline
# it instead. Declined outputs are compared too (they must still run alike). The scripts import
# matplotlib, scikit-learn, scipy and Pillow: `pip install -e '.[tensorflow,corpus]'`.

RUNNABLE_TIMEOUT = 120.0
PARITY_WORD = "parity"


@dataclass
class RunnableEntry:
    path: str
    steps: int | None = None
    cwd: str | None = None
    timeout: float = RUNNABLE_TIMEOUT
    ignore_stdout: tuple[str, ...] = ()  # printed lines not compared (wall-clock durations)
    stand_in: str | None = None  # data the script downloads, written for it (stand_in_data.py)


@dataclass
class RunnableOutcome:
    path: str
    rewrite: str  # converted | declined | failed
    reasons: list[str]
    outcome: str  # the harness outcome, "" when the pair was not run
    detail: str
    seconds: float


def read_runnable(list_path: Path) -> list[RunnableEntry]:
    """The entries of a runnable list; a malformed line is an error naming it."""
    options = argparse.ArgumentParser(prog=str(list_path), add_help=False, exit_on_error=False)
    options.add_argument("path")
    options.add_argument("--steps", type=int)
    options.add_argument("--cwd")
    options.add_argument("--timeout", type=float, default=RUNNABLE_TIMEOUT)
    options.add_argument("--ignore-stdout", action="append", default=[])
    options.add_argument("--stand-in", choices=sorted(STAND_INS))
    entries = []
    for number, line in enumerate(list_path.read_text(encoding="utf-8").splitlines(), 1):
        words = shlex.split(line, comments=True)
        if not words:
            continue
        try:
            parsed = options.parse_args(words)
        except (argparse.ArgumentError, SystemExit) as error:
            raise ValueError(f"{list_path}:{number}: {line.strip()!r}: {error}") from None
        if parsed.cwd and parsed.stand_in:
            raise ValueError(f"{list_path}:{number}: {line.strip()!r}: --cwd and --stand-in both name the working directory")
        entries.append(
            RunnableEntry(
                parsed.path, parsed.steps, parsed.cwd, parsed.timeout, tuple(parsed.ignore_stdout), parsed.stand_in
            )
        )
    return entries


def _mismatch_detail(report: EquivalenceReport) -> str:
    if report.outcome is PairOutcome.MIGRATED_FAILS:
        return f"migrated {report.migrated.status}: {report.migrated.error}"[:300]
    failing = [o for o in report.failures if o.kind != "program"]
    parts = [f"{o.name}: {o.detail or 'values differ'} (max abs {o.max_abs:.3g})" if o.max_abs is not None
             else f"{o.name}: {o.detail}" for o in failing[:4]]
    parts.extend(report.random.reasons)
    return "; ".join(parts)[:400]


def compare_runnable(corpus: Path, out: Path, entry: RunnableEntry, result: FileResult | None,
                     scratch: Path) -> RunnableOutcome:
    legacy = corpus / entry.path
    code = read_code(legacy) or ""
    kind = "ipynb" if entry.path.endswith(".ipynb") else "py"
    rewrite = classify(SourceFile(Path(entry.path), kind, code, is_python3(code)), result, out / entry.path)
    started = time.perf_counter()
    if rewrite.status == FAILED:
        return RunnableOutcome(entry.path, FAILED, rewrite.reasons, "", rewrite.detail, 0.0)
    if entry.stand_in:
        cwd = stand_in_directory(entry.stand_in, scratch)
    else:
        cwd = corpus / entry.cwd if entry.cwd else legacy.parent
    options = HarnessOptions(
        timeout=entry.timeout,
        steps=entry.steps,
        cwd=cwd,
        ignore_stdout=entry.ignore_stdout,
    )
    report = compare(legacy, out / entry.path, options=options, workdir=scratch / "harness" / entry.path)
    outcome = report.outcome
    if outcome is PairOutcome.LEGACY_FAILS:
        detail = f"{report.legacy.status}: {report.legacy.error}"[:300]
    elif outcome is PairOutcome.PARITY:
        detail = report.legacy.status
    else:
        detail = _mismatch_detail(report)
    return RunnableOutcome(entry.path, rewrite.status, rewrite.reasons, outcome.value, detail,
                           time.perf_counter() - started)


def print_runnable(outcomes: list[RunnableOutcome], list_path: Path, elapsed: float) -> None:
    total = len(outcomes)
    legacy_fails = [o for o in outcomes if o.outcome == PairOutcome.LEGACY_FAILS.value]
    ran = [o for o in outcomes if o not in legacy_fails]
    converted = [o for o in ran if o.rewrite == CONVERTED]
    groups = [
        ("converted with parity", [o for o in converted if o.outcome == PARITY_WORD]),
        ("converted but different (silent mismatch)",
         [o for o in converted if o.outcome in (PairOutcome.DIFFERENT.value, PairOutcome.MIGRATED_FAILS.value)]),
        ("converted, not proven (random draws or nothing compared)",
         [o for o in converted if o.outcome in (PairOutcome.RANDOM_NOT_ALIGNED.value, PairOutcome.NOTHING_COMPARED.value)]),
        ("declined", [o for o in ran if o.rewrite == DECLINED]),
        ("rewrite failed", [o for o in ran if o.rewrite == FAILED]),
        ("legacy does not run", legacy_fails),
    ]
    print(f"runnable set: {total} scripts ({list_path}); rewrite of the whole corpus: {elapsed:.1f} s")
    print()
    for label, group in groups:
        print(f"  {label:58} {len(group):4}  {share(len(group), total)}")
    declined = groups[3][1]
    declined_parity = sum(o.outcome == PARITY_WORD for o in declined)
    print(f"  (declined outputs that still compute the same numbers: {declined_parity} of {len(declined)})")
    reasons: Counter[str] = Counter()
    for outcome in declined:
        reasons.update(outcome.reasons or ["no reason"])
    print()
    print("declined, by reason: " + (", ".join(f"{code} x{n}" for code, n in reasons.most_common()) or "-"))
    print()
    print(f"{'script':100} {'rewrite':9} {'outcome':24} {'s':>5}")
    for outcome in outcomes:
        print(f"{outcome.path:100} {outcome.rewrite:9} {outcome.outcome or '-':24} {outcome.seconds:5.1f}")
    problems = [o for o in outcomes if o.outcome not in (PARITY_WORD, "")]
    if problems:
        print()
        print("what did not end in parity:")
        for outcome in problems:
            why = f" ({' '.join(outcome.reasons)})" if outcome.rewrite == DECLINED else ""
            print(f"  {outcome.path} [{outcome.rewrite}{why}, {outcome.outcome}]: {outcome.detail}")


def runnable_main(corpus: Path, list_path: Path, jobs: int | None, json_out: Path | None) -> int:
    try:
        entries = read_runnable(list_path)
    except (OSError, ValueError) as error:
        print(f"runnable list: {error}", file=sys.stderr)
        return 2
    missing = [e.path for e in entries if not (corpus / e.path).is_file()]
    if missing:
        print(f"not in the corpus: {', '.join(missing)}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="corpus-runnable-") as scratch_name:
        scratch = Path(scratch_name)
        out = scratch / "migrated"
        results, elapsed = rewrite_corpus(corpus, out, jobs)
        outcomes = []
        for number, entry in enumerate(entries, 1):
            outcome = compare_runnable(corpus, out, entry, results.get(entry.path), scratch)
            print(f"[{number}/{len(entries)}] {outcome.rewrite:9} {outcome.outcome or '-':24} {entry.path}",
                  file=sys.stderr, flush=True)
            outcomes.append(outcome)
    print_runnable(outcomes, list_path, elapsed)
    if json_out:
        json_out.write_text(json.dumps({"corpus": str(corpus), "list": str(list_path),
                                        "scripts": [o.__dict__ for o in outcomes]}, indent=1) + "\n",
                            encoding="utf-8")
    silent = [o for o in outcomes if o.rewrite == CONVERTED
              and o.outcome in (PairOutcome.DIFFERENT.value, PairOutcome.MIGRATED_FAILS.value)]
    return 1 if silent else 0



def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", nargs="?", default=os.environ.get("DEV_CORPUS", str(Path.home() / "dev-corpus")))
    parser.add_argument("--json", type=Path, help="write every file's outcome here")
    parser.add_argument("--worst", type=int, default=15)
    parser.add_argument("--list-declined", action="store_true", help="list every declined file")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--no-upgrader", action="store_true", help="do not run tf_upgrade_v2 for reference")
    parser.add_argument("--runnable", type=Path, metavar="LIST",
                        help="instead: rewrite, run and compare the scripts of LIST (benchmarks/corpus/runnable.txt)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}: build it as ../shared/corpus/README.md says", file=sys.stderr)
        return 2
    if args.runnable:
        return runnable_main(corpus, args.runnable, args.jobs, args.json)
    files, duplicates = discover(corpus)
    counted = [f for f in files if f.python3]
    not_python3 = [f for f in files if not f.python3]
    with tempfile.TemporaryDirectory(prefix="corpus-coverage-") as scratch_name:
        scratch = Path(scratch_name)
        out = scratch / "migrated"
        results, elapsed = rewrite_corpus(corpus, out, args.jobs)
        outcomes = [classify(f, results.get(str(f.path)), out / f.path) for f in counted]
        upgrader = None if args.no_upgrader else upgrader_outcomes(corpus, counted, scratch)
    programs, alone = spread_programs(corpus, results)
    print_report(outcomes, not_python3, duplicates, args.worst, upgrader, elapsed, args.list_declined)
    print()
    print_programs(outcomes, programs, alone)
    if args.json:
        args.json.write_text(json.dumps({
            "corpus": str(corpus),
            "duplicates": duplicates,
            "not_python3": [str(f.path) for f in not_python3],
            "files": [o.__dict__ for o in outcomes],
            "programs": [p.__dict__ for p in programs],
            "graph_modules_not_imported": alone,
        }, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
