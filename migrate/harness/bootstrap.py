"""Entry point of a harness child: `python .../migrate/harness/bootstrap.py CONFIG.json`.

Applies the memory cap, installs the side's aliasing and recording, runs the program file as
`__main__`, and writes what it recorded to the run directory whatever way the program ends.
Exit codes: 0 finished or stopped at `--steps`, 1 the program raised, 3 out of memory, else the
program's own `sys.exit` code.
"""

from __future__ import annotations

import ast
import json
import os
import random
import resource
import runpy
import sys
import traceback
import types
from pathlib import Path
from typing import Any

EXIT_CRASH = 1
EXIT_MEMORY = 3

_HERE = Path(__file__).resolve().parent


def _light_package() -> None:
    """Make `migrate.harness` importable without running `migrate/__init__.py`.

    The package root imports the rewriter (libcst and every transform); the child needs none of
    it, and a half-edited transform must not stop the harness from running programs. The
    script's own directory is dropped from sys.path so its module names cannot shadow a program's.
    """
    if sys.path and Path(sys.path[0] or ".").resolve() == _HERE:
        del sys.path[0]
    if "migrate" not in sys.modules:
        package = types.ModuleType("migrate")
        package.__path__ = [str(_HERE.parent)]
        package.__file__ = str(_HERE.parent / "__init__.py")
        sys.modules["migrate"] = package


def _limit_memory(megabytes: int | None) -> None:
    # RLIMIT_AS caps the address space; TensorFlow 2.21 starts and trains under 2 GB with it,
    # and an allocation past the cap raises MemoryError or aborts with bad_alloc: a clear end.
    if megabytes:
        limit = megabytes * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _seed_generators(seed: int) -> None:
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)


def _aligned_random(config: dict[str, Any], tf: Any) -> Any:
    """Random ops draw the harness's seeds (`random_ops`); returns the seed source, or None."""
    if not config.get("align_random", True):
        return None
    from migrate.harness import records
    from migrate.harness.random_ops import RandomOps
    from migrate.harness.random_streams import seed_source

    legacy_dir = config.get("legacy_results")
    legacy_log = records.load_random(Path(legacy_dir)) if legacy_dir else None
    streams = seed_source(config["side"], int(config["seed"]), legacy_log, config.get("sites"))
    RandomOps(tf, streams, int(config["seed"])).install()
    return streams


def _switches_eager_on(program: Path) -> bool:
    """Whether a TF1 program calls `enable_eager_execution` (through `tf` or `tf.contrib.eager`)."""
    try:
        tree = ast.parse(program.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return False
    return any(
        isinstance(node, ast.Call)
        and isinstance(node.func, (ast.Attribute, ast.Name))
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "enable_eager_execution"
        for node in ast.walk(tree)
    )


def _setup(config: dict[str, Any]) -> tuple[Any, Any]:
    """Install the side's shim and hooks; returns (capture or None, numpy)."""
    import numpy as np

    from migrate.harness import records, sequential_sessions, shim
    from migrate.harness.site_map import SiteMap

    seed = int(config["seed"])
    program = config["program"]
    steps = config.get("steps")
    sites = SiteMap.from_json(config["sites"]) if config.get("sites") else None
    capture: Any = None
    if config["side"] == "legacy":
        v1 = shim.install_legacy(eager=_switches_eager_on(Path(program)))
        sequential_sessions.install()
        v1.set_random_seed(seed)
        streams = _aligned_random(config, v1)
        if config.get("capture", True):
            from migrate.harness.capture import LegacyCapture

            capture = LegacyCapture(v1, program, steps, sites, streams)
            capture.install()
    else:
        import tensorflow as tf

        sequential_sessions.install()
        shim.install_examples()
        tf.random.set_seed(seed)
        streams = _aligned_random(config, tf)
        if config.get("capture", True):
            from migrate.harness.capture import MigratedCapture
            from migrate.harness.weights import Injector

            legacy_dir = config.get("legacy_results")
            legacy = records.load(Path(legacy_dir)).variables if legacy_dir else []
            counted = sites.functions() if sites else None
            capture = MigratedCapture(tf, program, steps, Injector(tf, legacy), streams, counted)
            capture.install()
    if config.get("view"):
        from migrate.harness import write_guard

        write_guard.install(Path(config["view"]))
    return capture, np


def main(argv: list[str]) -> int:
    _light_package()
    config = json.loads(Path(argv[1]).read_text())
    _limit_memory(config.get("memory_mb"))
    program = config["program"]
    results = Path(config["results"])
    status, error, code = "finished", "", 0
    capture: Any = None
    try:
        capture, _ = _setup(config)
    except MemoryError:
        traceback.print_exc()
        status, error, code = "out_of_memory", "MemoryError while starting TensorFlow", EXIT_MEMORY
    except Exception as exc:  # noqa: BLE001  # any set-up failure is the run's result
        traceback.print_exc()
        status, error, code = "crashed", f"harness set-up failed: {type(exc).__name__}: {exc}", EXIT_CRASH
    if code == 0:
        from migrate.harness.capture import StopProgram

        # Importing TensorFlow and Keras draws from Python's generator (Keras' default seeds), and
        # each side imports differently: the program's own draws start from the seed here.
        _seed_generators(int(config["seed"]))
        sys.argv = [program, *config.get("argv", [])]
        sys.path.insert(0, str(Path(program).parent))
        try:
            runpy.run_path(program, run_name="__main__")
        except StopProgram as stop:
            status = "stopped"
            error = str(stop)
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else EXIT_CRASH)
            status = "finished" if code == 0 else "crashed"
            error = "" if code == 0 else f"sys.exit({exit_.code!r})"
        except MemoryError:
            traceback.print_exc()
            status, error, code = "out_of_memory", "MemoryError", EXIT_MEMORY
        except BaseException as exc:  # noqa: BLE001  # whatever the program raised is its result
            traceback.print_exc()
            status, error, code = "crashed", f"{type(exc).__name__}: {exc}", EXIT_CRASH
    _write(capture, results, status, error)
    sys.stdout.flush()
    return code


def _write(capture: Any, results: Path, status: str, error: str) -> None:
    from migrate.harness import records

    try:
        result = capture.finish() if capture is not None else records.SideResult()
    except Exception as exc:  # noqa: BLE001  # recording must not hide the program's own outcome
        result = records.SideResult(notes=[f"recording failed: {type(exc).__name__}: {exc}"])
    result.status = status
    result.error = error
    records.save(results, result)


if __name__ == "__main__":
    code = main(sys.argv)
    sys.stdout.flush()
    sys.stderr.flush()
    # TensorFlow's atexit handlers can hang or crash after a failed run; the results are written.
    os._exit(code)
