"""The public API is exactly what ``__all__`` lists, kept in order, and importing the package
stays cheap."""

from __future__ import annotations
import __future__

import collections.abc
import importlib
import subprocess
import sys
import types
import typing

import pytest

#: Names a module may hold that are imported tools rather than its own API.
_TOOLS = (typing, collections.abc, __future__)


def _isort_key(name: str) -> tuple[int, str]:
    # The order ruff's RUF022 calls "isort-style": CONSTANTS, then Classes, then the rest.
    if name.isupper() and len(name) > 1:
        group = 0
    elif name[:1].isupper():
        group = 1
    else:
        group = 2
    return group, name


def _is_tool(name: str, value: object) -> bool:
    return any(getattr(module, name, _MISSING) is value for module in _TOOLS)


_MISSING = object()


def _public_names(module: types.ModuleType) -> set[str]:
    for name in getattr(module, "_LAZY", {}):
        getattr(module, name)  # serve lazy names, so they count as defined
    names = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and not _is_tool(name, value)
    }
    if "__version__" in vars(module):
        names.add("__version__")
    return names


MODULES = ["sms_model", "sms_model.model", "sms_model.io", "sms_model.errors"]


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    expected = sorted(_public_names(module))
    assert expected == sorted(module.__all__)


@pytest.mark.parametrize("name", MODULES)
def test_all_is_in_isort_order_without_repeats(name: str) -> None:
    listed = list(importlib.import_module(name).__all__)
    expected = sorted(set(listed), key=_isort_key)
    assert expected == listed


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_all_exists(name: str) -> None:
    module = importlib.import_module(name)
    expected: list[str] = []
    assert expected == [n for n in module.__all__ if not hasattr(module, n)]


def test_dir_of_the_package_shows_lazy_names_before_first_use() -> None:
    code = "import sms_model; print(sorted({'dump', 'load', 'json_schema'} - set(dir(sms_model))))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = "[]\n"
    assert expected == result.stdout


def test_unknown_attribute_of_the_package_raises_attribute_error() -> None:
    import sms_model

    with pytest.raises(AttributeError, match="module 'sms_model' has no attribute 'nothing'"):
        sms_model.nothing  # noqa: B018


def test_importing_the_package_loads_no_heavy_dependency() -> None:
    heavy = ["yaml", "networkx", "pandas", "matplotlib", "cattrs", "hypothesis", "jsonschema"]
    code = (
        "import sys, sms_model\n"
        f"heavy = {heavy!r}\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = "[]\n"
    assert expected == result.stdout


def test_first_use_of_a_lazy_name_imports_its_module() -> None:
    code = (
        "import sys, sms_model\n"
        "before = 'yaml' in sys.modules\n"
        "sms_model.loads\n"
        "print(before, 'yaml' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    expected = "False True\n"
    assert expected == result.stdout
