"""The package type-checks under strict mypy (setup.cfg) and lints clean under ruff (pyproject.toml)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [("mypy", []), ("ruff", ["check", "."])],
    ids=["mypy-strict", "ruff"],
)
def test_tool_is_clean(tool: str, arguments: list[str]) -> None:
    if importlib.util.find_spec(tool) is None:
        pytest.skip(f"{tool} is not installed (the test extra installs it)")
    completed = subprocess.run(
        [sys.executable, "-m", tool, *arguments], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
