"""Parent side: run one program in a child process with a timeout and a memory cap.

A crash, a hang or running out of memory ends the child and comes back as a status; the parent
never waits longer than the timeout (the child's whole process group is killed).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal, TypeGuard, get_args

import migrate
from migrate.analysis import project, tf_names
from migrate.analysis.requirements import TF_KERAS, requirements_of
from migrate.harness import workspace
from migrate.harness.notebook_scripts import script_for
from migrate.harness.options import HarnessOptions
from migrate.harness.records import RESULT_FILE, VALUES_FILE
from migrate.harness.site_map import SiteMap

LEGACY = "legacy"
MIGRATED = "migrated"
# How a run ended; `finished` and `stopped` (at `--steps`) are the runs that went well.
RunStatus = Literal["finished", "stopped", "crashed", "timeout", "out_of_memory", "not_run"]
NOT_RUN: Final = "not_run"
_MEMORY_SIGNS = ("std::bad_alloc", "MemoryError", "Cannot allocate memory", "OOM when allocating", "out of memory")


@dataclass(frozen=True)
class SideRun:
    """How one program's run ended, with its output and wall time."""

    side: str
    program: str
    status: RunStatus
    returncode: int | None
    wall_time: float
    stdout: str
    stderr: str
    results: Path
    error: str = ""
    workdir: Path | None = None  # the view the program ran in (its working directory)
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status in ("finished", "stopped")

    def to_json(self) -> dict[str, object]:
        return {
            "side": self.side,
            "program": self.program,
            "status": self.status,
            "returncode": self.returncode,
            "wall_time": round(self.wall_time, 3),
            "error": self.error,
            "workdir": str(self.workdir) if self.workdir is not None else None,
            "stdout_lines": len(self.stdout.splitlines()),
            "stderr_tail": self.stderr.splitlines()[-15:],
        }


def child_environment(side: str, seed: int, *, legacy_keras: bool = False) -> dict[str, str]:
    """The environment of one side. `legacy_keras` gives a migrated program that kept
    `tf.compat.v1.layers` (a file left in graph mode) the legacy Keras those need."""
    env = dict(os.environ)
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    env["PYTHONHASHSEED"] = str(seed)
    env["PYTHONUNBUFFERED"] = "1"
    # No display in a child: plotting scripts draw to files (or nowhere) instead of failing.
    env.setdefault("MPLBACKEND", "Agg")
    package_root = str(Path(migrate.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    # Legacy Keras backs tf.compat.v1.layers; the migrated side must get Keras 3.
    if side == LEGACY or legacy_keras:
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    return env


def run_side(
    side: str,
    program: Path,
    directory: Path,
    options: HarnessOptions,
    *,
    legacy_results: Path | None = None,
    capture: bool = True,
    sites: SiteMap | None = None,
    fallback_dirs: Sequence[Path] = (),
    invoked_from: Path | None = None,
) -> SideRun:
    """Run `program` as `side` under the bootstrap; results land in `directory / side`.

    The program runs from a view of its files (`workspace`) at `directory / f"{side}-cwd"`;
    `fallback_dirs` are seen after its own directory and the working directory. `sites` are the
    rewriter's run-site records (they decide which legacy runs count towards `--steps` and which
    legacy run each migrated call replays the random draws of).
    """
    results = directory / side
    workspace.mark_harness_directory(results)
    for stale in (RESULT_FILE, VALUES_FILE):
        (results / stale).unlink(missing_ok=True)
    view_root = directory / f"{side}-cwd"
    if view_root.exists():
        shutil.rmtree(view_root)
    layers = workspace.view_layers(program, options.cwd, invoked_from or Path.cwd(), fallback=fallback_dirs)
    # A notebook runs as the script of its code cells, in the view of its own directory.
    view = workspace.build_view(view_root, script_for(program, results / "script"), layers)
    config = {
        "side": side,
        "program": str(view.program),
        "view": str(view.root),
        "results": str(results),
        "steps": options.steps,
        "sites": sites.to_json() if sites else None,
        "seed": options.seed,
        "align_random": options.align_random,
        "memory_mb": options.memory_mb,
        "capture": capture,
        "legacy_results": str(legacy_results) if legacy_results else None,
    }
    config_path = results / "config.json"
    config_path.write_text(json.dumps(config))
    command = [sys.executable, str(Path(__file__).resolve().parent / "bootstrap.py"), str(config_path)]
    env = child_environment(side, options.seed, legacy_keras=side != LEGACY and _needs_legacy_keras(program))
    run = _run(side, str(program), command, view.root, env, options.timeout, results)
    return replace(run, workdir=view.root, notes=tuple(view.notes))


def _needs_legacy_keras(program: Path) -> bool:
    """Whether the program, or a module of its directory it imports (a model module left in
    graph mode), uses an API only `tf_keras` serves (migrate.analysis.requirements)."""
    directory = program.parent
    packages = [child for child in directory.iterdir() if (child / "__init__.py").is_file()]
    siblings = [*directory.glob("*.py"), *(path for package in packages for path in package.rglob("*.py"))]
    modules = project.scan(directory, siblings).imported_from(program.name)
    for path in (program, *(directory / module for module in modules)):
        try:
            source = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        # Spelled `tf.compat.v1.layers.dense`, `tensorflow.compat.v1.layers` or `v1.layers` alike.
        if any(prefix.removeprefix("tf.compat.") in source for prefix in tf_names.NEEDS_LEGACY_KERAS):
            return True
        if TF_KERAS in requirements_of(source):  # a TF1 optimizer handed to Keras' compile, say
            return True
    return False


def _run(side: str, program: str, command: list[str], cwd: Path, env: dict[str, str], timeout: float, results: Path) -> SideRun:
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
        env=env,
        start_new_session=True,
        text=True,
        errors="replace",
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        _kill_group(process)
        stdout, stderr = process.communicate()
        timed_out = True
    wall = time.perf_counter() - start
    status, error = _classify(process.returncode, stderr, timed_out, timeout, results)
    return SideRun(side, program, status, process.returncode, wall, stdout, stderr, results, error)


def _kill_group(process: subprocess.Popen[str]) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _classify(
    returncode: int | None, stderr: str, timed_out: bool, timeout: float, results: Path
) -> tuple[RunStatus, str]:
    if timed_out:
        return "timeout", f"no result within {timeout:g} s; the process was killed"
    recorded, error = _recorded_status(results)
    if returncode == 0 and recorded in ("finished", "stopped"):
        return recorded, error
    if returncode == 3 or any(sign in stderr for sign in _MEMORY_SIGNS):
        return "out_of_memory", error or "ran out of memory under the --memory cap"
    if returncode is not None and returncode < 0:
        return "crashed", f"killed by signal {signal.Signals(-returncode).name}"
    if recorded == "crashed":
        return recorded, error
    last = stderr.strip().splitlines()[-1:] or [f"exit status {returncode}"]
    return "crashed", last[0]


def _recorded_status(results: Path) -> tuple[RunStatus | None, str]:
    """The status and error the child wrote (None: no result, or one not known here)."""
    path = results / "result.json"
    if not path.exists():
        return None, ""
    try:
        payload = json.loads(path.read_text())
    except ValueError:
        return None, ""
    status = payload.get("status")
    return (status if _is_status(status) else None), str(payload.get("error", ""))


def _is_status(value: object) -> TypeGuard[RunStatus]:
    return value in get_args(RunStatus)
