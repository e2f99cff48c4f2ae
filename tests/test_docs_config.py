"""The documentation is checked nitpicky: ``make docs`` (part of ``make test``) fails on any
cross-reference that does not resolve, and no public name of the project can be silenced."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import shlex
from pathlib import Path

import pytest

import sms_model

ROOT = Path(__file__).resolve().parents[1]


def _recipe(target: str) -> list[list[str]]:
    """The commands of a Makefile target, split into words."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    commands = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        commands.append(shlex.split(line))
    return commands


def _conf_value(name: str) -> object:
    """A literal assigned at the top level of docs/conf.py (read, not run)."""
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise LookupError(name)


def test_make_docs_builds_nitpicky_and_fails_on_warnings() -> None:
    [command] = [words for words in _recipe("docs") if "sphinx-build" in words[0]]
    expected = {"-n", "-W", "--keep-going", "-E"}
    assert expected == expected & set(command)


def test_make_test_runs_the_docs_build() -> None:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    [prerequisites] = re.findall(r"^test:(.*)$", text, flags=re.MULTILINE)
    assert "docs" in prerequisites.split()


def test_no_reference_warning_is_suppressed() -> None:
    suppressed = _conf_value("suppress_warnings")
    assert isinstance(suppressed, list)
    assert [] == [kind for kind in suppressed if kind == "ref" or kind.startswith("ref.")]


def _documented_modules() -> list[str]:
    text = (ROOT / "docs" / "reference" / "api.md").read_text(encoding="utf-8")
    return re.findall(r"^\.\. automodule:: (\S+)$", text, flags=re.MULTILINE)


# Public modules that are not a library API: the command line is documented by its --help.
_NOT_API = {"sms_model.cli"}


def test_the_api_reference_documents_every_public_package_and_module() -> None:
    public = {
        f"sms_model.{info.name}"
        for info in pkgutil.iter_modules(sms_model.__path__)
        if not info.name.startswith("_")
    }
    assert (public - _NOT_API) | {"sms_model"} == set(_documented_modules())


def _public_names() -> list[str]:
    names = []
    for package in _documented_modules():
        module = importlib.import_module(package)
        names += [f"{package}.{name}" for name in module.__all__ if not name.startswith("_")]
    return names


@pytest.mark.parametrize("name", _public_names())
def test_no_public_name_is_ignored_by_the_nitpicky_build(name: str) -> None:
    ignored = _conf_value("nitpick_ignore_regex")
    assert isinstance(ignored, list)
    matching = [pattern for role, pattern in ignored if re.fullmatch(pattern, name)]
    assert [] == matching


def test_references_to_private_names_and_external_types_are_ignored() -> None:
    ignored = _conf_value("nitpick_ignore_regex")
    assert isinstance(ignored, list)
    for name in ("sms_model.rules._engine._State", "datetime.date", "networkx.MultiDiGraph"):
        assert any(re.fullmatch(pattern, name) for _, pattern in ignored), name


def test_the_report_links_point_where_the_package_says_its_documentation_is() -> None:
    import tomllib

    from sms_model.report._links import DOCS_URL

    root = Path(__file__).resolve().parents[1]
    with (root / "pyproject.toml").open("rb") as f:
        urls = tomllib.load(f)["project"]["urls"]
    assert DOCS_URL == urls["Documentation"]
    assert "docs/conf.py" in (root / ".readthedocs.yaml").read_text(encoding="utf-8")
