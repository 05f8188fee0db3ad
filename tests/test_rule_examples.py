"""Each transform's own EXAMPLES run as tests: they document the rule and prove it."""

from __future__ import annotations

import pytest

from migrate import rewrite_source
from migrate.api import all_rules
from migrate.transforms import ALL_TRANSFORMS
from migrate.transforms.base import Example, MigrationTransform

CASES = [
    pytest.param(transform, example, id=f"{transform.CODE}-{example.name or index}")
    for transform in ALL_TRANSFORMS
    for index, example in enumerate(transform.EXAMPLES)
]


@pytest.mark.parametrize(("transform", "example"), CASES)
def test_example(transform: type[MigrationTransform], example: Example) -> None:
    result = rewrite_source(example.before, select=[transform.CODE, *example.select])
    assert result.error is None
    expected = example.before if example.after is None else example.after
    assert result.code == expected


@pytest.mark.parametrize("transform", ALL_TRANSFORMS, ids=lambda t: t.CODE)
def test_every_rule_documents_itself(transform: type[MigrationTransform]) -> None:
    assert transform.DESCRIPTION and "\n" not in transform.DESCRIPTION
    assert any(e.after is not None for e in transform.EXAMPLES), "needs a before/after example"
    assert any(e.after is None for e in transform.EXAMPLES), "needs an example it leaves alone"


def test_codes_are_unique_and_banded() -> None:
    seen: list[str] = []
    for transform in ALL_TRANSFORMS:
        seen.append(transform.CODE)
        seen.extend(transform.FINDINGS)
    assert len(seen) == len(set(seen)), "a rule code is used twice"
    for code in all_rules():
        assert code.startswith("TFM") and len(code) == 6 and code[3:].isdigit(), code


@pytest.mark.parametrize("transform", ALL_TRANSFORMS, ids=lambda t: t.CODE)
def test_pipeline_roles_name_codes_the_rule_reports(transform: type[MigrationTransform]) -> None:
    # The pipeline acts on these codes without knowing the rule: a misspelt one would silently
    # switch the graph-mode rewrite off.
    reported = {transform.CODE, *transform.FINDINGS}
    assert transform.GRAPH_MODE_FINDINGS <= reported
    assert transform.UNPORTED_FINDINGS <= reported
    assert transform.DECLINE_FINDINGS <= reported


def test_some_rule_says_when_a_file_stays_in_graph_mode() -> None:
    assert any(transform.GRAPH_MODE_FINDINGS for transform in ALL_TRANSFORMS)
    assert any(transform.UNPORTED_FINDINGS for transform in ALL_TRANSFORMS)
