"""Modules that rewritten programs import, written next to them: plain TF 2 code that belongs
to the user once written, not a dependency on this tool. Each is a module of this package, so
it is tested as the code it is; `text_of` gives the text that is written."""

from __future__ import annotations

from importlib import resources


def text_of(name: str) -> str:
    """The text of the support module `name` (a file name such as "mnist_input_data.py")."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
