"""Every `tests/fixtures/projects/<case>/` that holds `<name>.in.py` files is one directory run:
each file must rewrite to its `<name>.out.py`, with the `line code` pairs of its optional
`<name>.findings` (those the run adds across files included), and a second run over the outputs
must change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from static_checks import new_undefined_names

from migrate.api import rewrite_paths

PROJECTS = Path(__file__).parent / "fixtures" / "projects"
CASES = sorted(path for path in PROJECTS.iterdir() if any(path.glob("*.in.py")))
IN, OUT, FINDINGS = ".in.py", ".out.py", ".findings"


def _tree(directory: Path, files: dict[str, str]) -> Path:
    directory.mkdir(parents=True)
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def _run(source: Path, output: Path) -> dict[str, tuple[str, list[list[str]]]]:
    report = rewrite_paths([source], output=output, jobs=1)
    return {
        Path(result.path).name: (
            (output / Path(result.path).name).read_text(encoding="utf-8"),
            [[str(f.line), f.code] for f in result.findings],
        )
        for result in report.files
    }


def test_project_fixtures_exist() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name)
def test_project_fixture(case: Path, tmp_path: Path) -> None:
    inputs = {path.name.removesuffix(IN) + ".py": path.read_text(encoding="utf-8") for path in case.glob("*" + IN)}
    out = _run(_tree(tmp_path / "in", inputs), tmp_path / "out")
    assert sorted(out) == sorted(inputs)
    for name, (code, findings) in out.items():
        stem = name.removesuffix(".py")
        assert code == (case / (stem + OUT)).read_text(encoding="utf-8"), name
        expected = case / (stem + FINDINGS)
        if expected.exists():
            assert findings == [line.split() for line in expected.read_text().splitlines() if line.strip()], name
    assert not any(new_undefined_names(inputs[name], code) for name, (code, _) in out.items())
    again = _run(_tree(tmp_path / "again", {name: code for name, (code, _) in out.items()}), tmp_path / "again-out")
    assert {name: code for name, (code, _) in again.items()} == {name: code for name, (code, _) in out.items()}
