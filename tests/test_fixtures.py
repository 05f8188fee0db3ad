"""Every `tests/fixtures/<rule>/<case>.in.py` must rewrite to its `<case>.out.py`, and the output
must be a fixed point. An optional `<case>.findings` lists the expected `line code` pairs."""

from __future__ import annotations

from pathlib import Path

import pytest
from static_checks import new_missing_tensorflow_names, new_undefined_names

from migrate import rewrite_source

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(FIXTURES.glob("*/*.in.py"))


def _case_id(path: Path) -> str:
    return f"{path.parent.name}/{path.name.removesuffix('.in.py')}"


def test_fixtures_exist() -> None:
    assert CASES, "no fixtures found"


@pytest.mark.parametrize("source", CASES, ids=_case_id)
def test_fixture(source: Path) -> None:
    expected_path = source.with_name(source.name.replace(".in.py", ".out.py"))
    original = source.read_text(encoding="utf-8")
    result = rewrite_source(original, path=str(source))
    assert result.error is None
    assert result.code == expected_path.read_text(encoding="utf-8")
    assert rewrite_source(result.code).code == result.code, "second rewrite changed the output"
    assert not new_undefined_names(original, result.code), "the output reads a name it does not define"
    if "compat.v1" not in result.code:  # compat.v1 layers and cells need tf-keras, as their inputs did
        assert not new_missing_tensorflow_names(original, result.code), "the output reads a name TF 2 lacks"

    findings_path = source.with_name(source.name.replace(".in.py", ".findings"))
    if findings_path.exists():
        expected = [line.split() for line in findings_path.read_text().splitlines() if line.strip()]
        assert [[str(f.line), f.code] for f in result.findings] == expected
