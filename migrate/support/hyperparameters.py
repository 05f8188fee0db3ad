"""TensorFlow 1's `tf.contrib.training.HParams`, on TF 2.

tf-migrate wrote this module next to a program that kept its hyperparameters in contrib's
`HParams`, which TensorFlow 2 no longer has; the program uses `hyperparameters.HParams` in its
place. It is plain Python and yours to keep.

It behaves as TF 1.15's class: values given to the constructor or `add_hparam` become
attributes, and the type of each (or of a list's first element) is kept; `set_hparam`,
`override_from_dict`, `parse_json` and `parse` change values, casting them to that type where
TF1 did (an int to a float; never a float to an int, a string to a number, a number to a string
or a bool);
`values()`, `get`, `in`, `to_json`, `str` and `repr` read them. `parse` takes TF1's
`"name=value,other=[1,2]"` strings (booleans as true / false, True / False or integers); TF1's
`name[index]=value` form and the protocol-buffer forms (`hparam_def=`, `to_proto`) are not kept.
"""

from __future__ import annotations

import json
import numbers
import re
from collections.abc import Callable, Mapping
from typing import Any

_ASSIGNMENT = re.compile(
    r"(?P<name>[a-zA-Z][\w\.]*)\s*=\s*((?P<value>[^,\[]*)|\[(?P<values>[^\]]*)\])($|,\s*)"
)


def _cast(name: str, param_type: type, value: Any) -> Any:
    """`value` as a `param_type`, where TF1 allowed that cast."""
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if type(value) is param_type or issubclass(param_type, type(None)):
        return value
    # TF1 raised ValueError for each of these, and programs catch it.
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)  # noqa: TRY004
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)  # noqa: TRY004
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)  # noqa: TRY004
    convert: Callable[[Any], Any] = param_type
    return convert(value)


def _parser(name: str, param_type: type, text: str) -> Callable[[str], Any]:
    def fail(value: str) -> Any:
        raise ValueError(
            f"Could not parse hparam '{name}' of type '{param_type.__name__}' with value '{value}' in {text}"
        )

    def parse(value: str) -> Any:
        if param_type is bool:
            if value in ("true", "True"):
                return True
            if value in ("false", "False"):
                return False
            try:
                return bool(int(value))
            except ValueError:
                return fail(value)
        try:
            return param_type(value)
        except (ValueError, TypeError):
            return fail(value)

    return parse


def parse_values(values: str, type_map: Mapping[str, type]) -> dict[str, Any]:
    """The `name=value` pairs of `values`, each parsed as the type `type_map` gives its name."""
    parsed: dict[str, Any] = {}
    position = 0
    while position < len(values):
        match = _ASSIGNMENT.match(values, position)
        if not match:
            raise ValueError(f"Malformed hyperparameter value: {values[position:]}")
        position = match.end()
        name = match.group("name")
        if name not in type_map:
            raise ValueError(f"Unknown hyperparameter type for {name}")
        if name in parsed:
            raise ValueError(f"Multiple assignments to variable '{name}' in {values}")
        parse = _parser(name, type_map[name], values)
        if match.group("value") is not None:
            parsed[name] = parse(match.group("value"))
        else:
            parsed[name] = [parse(element) for element in re.split("[ ,]", match.group("values")) if element]
    return parsed


class HParams:
    """Hyperparameters as attributes, each keeping the type of its first value."""

    def __init__(self, hparam_def: Any = None, model_structure: Any = None, **kwargs: Any) -> None:
        if hparam_def is not None:
            raise ValueError("HParams from a HParamDef protocol buffer are not kept: pass the values")
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast(name, param_type, element) for element in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast(name, param_type, value))

    def del_hparam(self, name: str) -> None:
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        return self.override_from_dict(
            parse_values(values, {name: param_type for name, (param_type, _) in self._hparam_types.items()})
        )

    def override_from_dict(self, values_dict: Mapping[str, Any]) -> HParams:
        for name, value in values_dict.items():
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure: Any) -> None:
        self._model_structure = model_structure

    def get_model_structure(self) -> Any:
        return self._model_structure

    def to_json(self, indent: int | None = None, separators: tuple[str, str] | None = None,
                sort_keys: bool = False) -> str:
        def without_callables(value: Any) -> Any:
            if isinstance(value, dict):
                return {key: without_callables(item) for key, item in value.items() if not callable(item)}
            if isinstance(value, list):
                return [without_callables(item) for item in value if not callable(item)]
            return value

        return json.dumps(without_callables(self.values()), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json: str) -> HParams:
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._hparam_types}

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._hparam_types:
            return default
        if default is not None:
            param_type, is_list = self._hparam_types[key]
            kind = f"list<{param_type}>" if is_list else str(param_type)
            fail = f"Hparam '{key}' of type '{kind}' is incompatible with default={default}"
            if is_list != isinstance(default, list):
                raise ValueError(fail)
            try:
                for value in default if is_list else [default]:
                    _cast(key, param_type, value)
            except ValueError as error:
                raise ValueError(f"{fail}. {error}") from error
        return getattr(self, key)

    def __contains__(self, key: str) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return ",".join(f"{key}={value}" for key, value in self.values().items())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({sorted(self.values().items())})"
