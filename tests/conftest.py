from __future__ import annotations

import importlib.util

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if importlib.util.find_spec("tensorflow") is not None:
        return
    skip = pytest.mark.skip(reason="TensorFlow is not installed (the tensorflow extra installs it)")
    for item in items:
        if "tensorflow" in item.keywords:
            item.add_marker(skip)
