"""Faulty rules and plugins: a rule that raises, returns the wrong type or yields malformed
findings, and a plugin that fails to load, are each reported, while every other rule still
runs and gives exactly the result it gives alone. Rules cannot change the model.

Complements ``tests/rules/test_engine.py`` (one case of each) with a systematic sweep.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from sms_model import dumps
from sms_model.io._convert import structure
from sms_model.model import ServiceManagementSystem
from sms_model.rules import (
    Context,
    Finding,
    PluginLoadWarning,
    Registry,
    Severity,
    Status,
    assess,
    input_digest,
)
from tests.robustness.robustness_support import AS_OF, base_data, install_plugin


def _sms() -> ServiceManagementSystem:
    return structure(base_data())


def _healthy(registry: Registry) -> None:
    """Two ordinary rules: one that fails on the base SMS, one that passes."""

    @registry.rule(id="T-fails", clause="4.1.3", severity="minor")
    def people_have_competences(ctx: Context) -> Iterator[Finding]:
        """Every person lists a competence."""
        for person in ctx.sms.people:
            if not person.competences:
                yield ctx.fail("no competence listed", subjects=person.id)

    @registry.rule(id="T-passes", clause="4.1.4")
    def has_representative(ctx: Context) -> Iterator[Finding]:
        """There is a management representative."""
        if ctx.sms.top_management.representative is None:
            yield ctx.fail("no representative")


def _records(registry: Registry, sms: ServiceManagementSystem | None = None) -> list[Any]:
    return assess(sms or _sms(), as_of=AS_OF, registry=registry).to_records()


def _alone() -> list[dict[str, Any]]:
    registry = Registry()
    _healthy(registry)
    return _records(registry)


def _recurse(n: int) -> int:
    return _recurse(n + 1) + 1


_FAULTS: dict[str, Callable[[Context], Any]] = {
    "raises": lambda ctx: 1 / 0,
    "raises a lookup error": lambda ctx: ctx.sms.get("no-such-id"),
    "recurses without end": lambda ctx: _recurse(0),
    "raises after a good finding": lambda ctx: (x for x in (ctx.fail("ok"), ctx.sms.people[99])),
    "returns a number": lambda ctx: 42,
    "returns a string": lambda ctx: "fail",
    "returns one finding, not an iterable": lambda ctx: ctx.fail("x"),
    "yields strings": lambda ctx: ["not a finding"],
    "yields None": lambda ctx: [None],
    "yields a dict": lambda ctx: [{"status": "fail"}],
    "yields a good finding and a bad one": lambda ctx: [ctx.fail("ok"), 3],
    "forges another rule's finding": lambda ctx: [attrs.evolve(ctx.fail("x"), rule="T-passes")],
    "passes bad subjects": lambda ctx: [ctx.fail("x", subjects=object())],  # type: ignore[arg-type]
}


@pytest.mark.parametrize("fault", sorted(_FAULTS))
def test_a_faulty_rule_is_an_error_and_every_other_rule_gives_its_normal_result(
    fault: str,
) -> None:
    registry = Registry()
    _healthy(registry)
    registry.rule(id="T-faulty", clause="4.3.1")(_FAULTS[fault])
    records = _records(registry)
    faulty = [r for r in records if r["rule"] == "T-faulty"]
    assert [(r["status"], r["clause"]) for r in faulty] == [("error", "4.3.1")]
    assert faulty[0]["message"].startswith(("the rule raised ", "the rule yielded "))
    assert _alone() == [r for r in records if r["rule"] != "T-faulty"]


def test_several_faulty_rules_each_become_one_error() -> None:
    registry = Registry()
    _healthy(registry)
    for i, fault in enumerate(sorted(_FAULTS)):
        registry.rule(id=f"T-faulty-{i:02}", clause="4.3.1")(_FAULTS[fault])
    records = _records(registry)
    errors = sorted(r["rule"] for r in records if r["status"] == "error")
    assert [f"T-faulty-{i:02}" for i in range(len(_FAULTS))] == errors
    assert _alone() == [r for r in records if not r["rule"].startswith("T-faulty")]


def _bad_finding(**changes: Any) -> Callable[[Context], Any]:
    def produce(ctx: Context) -> list[Finding]:
        return [attrs.evolve(ctx.fail("x"), **changes)]

    return produce


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "fail"},
        {"severity": "major"},
        {"status": Status.WAIVED, "waiver": "no-such-waiver"},  # a waiver only the engine gives
        {"clause": "99.9"},
        {"message": None},
    ],
    ids=["status-text", "severity-text", "self-waived", "unknown-clause", "no-message"],
)
def test_a_finding_with_malformed_fields_is_an_error(changes: dict[str, Any]) -> None:
    registry = Registry()
    _healthy(registry)
    registry.rule(id="T-faulty", clause="4.3.1")(_bad_finding(**changes))
    records = _records(registry)
    assert [r["status"] for r in records if r["rule"] == "T-faulty"] == ["error"]
    assert _alone() == [r for r in records if r["rule"] != "T-faulty"]


# --- rules cannot change the model -----------------------------------------------------------


def _set_name(ctx: Context) -> None:
    ctx.sms.name = "vandalised"  # type: ignore[misc]


def _set_entity_field(ctx: Context) -> None:
    ctx.sms.people[0].name = "vandalised"  # type: ignore[misc]


def _append_to_collection(ctx: Context) -> None:
    ctx.sms.people.append(ctx.sms.people[0])  # type: ignore[attr-defined]


def _replace_in_collection(ctx: Context) -> None:
    ctx.sms.people[0] = ctx.sms.people[1]  # type: ignore[index]


def _edit_the_index(ctx: Context) -> None:
    ctx.sms._index["ghost"] = ("person", ctx.sms.people[0])  # type: ignore[index]


def _delete_a_field(ctx: Context) -> None:
    del ctx.sms.top_management.members  # type: ignore[misc]


def _add_an_attribute(ctx: Context) -> None:
    ctx.sms.people[0].extra = "x"  # type: ignore[attr-defined]


_VANDALS = {
    f.__name__: f
    for f in (
        _set_name,
        _set_entity_field,
        _append_to_collection,
        _replace_in_collection,
        _edit_the_index,
        _delete_a_field,
        _add_an_attribute,
    )
}


@pytest.mark.parametrize("vandal", sorted(_VANDALS))
def test_an_attempt_to_change_the_model_fails_and_leaves_it_untouched(vandal: str) -> None:
    sms = _sms()
    before = (dumps(sms, "json"), input_digest(sms), sms.find("ghost"))
    registry = Registry()
    _healthy(registry)
    registry.rule(id="T-vandal", clause="4.3.1")(_VANDALS[vandal])
    result = assess(sms, as_of=AS_OF, registry=registry)
    records = result.to_records()
    assert [r["status"] for r in records if r["rule"] == "T-vandal"] == ["error"]
    assert (dumps(sms, "json"), input_digest(sms), None) == before
    assert before[1] == result.input_digest
    assert _alone() == [r for r in records if r["rule"] != "T-vandal"]


# --- faulty plugins --------------------------------------------------------------------------


_BROKEN_PLUGINS = {
    "import_fails": ("raise ImportError('needs a missing package')\n", "", "ImportError"),
    "syntax_error": ("def register(registry:\n", ":register", "SyntaxError"),
    "register_raises": (
        "def register(registry):\n    raise RuntimeError('cannot start')\n",
        ":register",
        "RuntimeError: cannot start",
    ),
    "missing_attribute": ("x = 1\n", ":register", "AttributeError"),
    "bad_rule_definition": (
        "def register(registry):\n    registry.rule(id='', clause='4.1.4')(lambda ctx: iter(()))\n",
        ":register",
        "RuleDefinitionError",
    ),
    "duplicate_rule_id": (
        "def register(registry):\n"
        "    registry.rule(id='T-passes', clause='4.1.4')(lambda ctx: iter(()))\n",
        ":register",
        "RuleDefinitionError",
    ),
}


@pytest.mark.parametrize("plugin", sorted(_BROKEN_PLUGINS))
def test_a_plugin_that_fails_to_load_is_named_and_every_rule_still_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, plugin: str
) -> None:
    module_text, target, cause = _BROKEN_PLUGINS[plugin]
    name = f"broken_{plugin}"
    install_plugin(tmp_path, name, module_text, name + target)
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = Registry()
    _healthy(registry)
    try:
        with pytest.warns(PluginLoadWarning, match=name):
            registry.load_plugins()
    finally:
        sys.modules.pop(name, None)
    records = _records(registry)
    errors = [r for r in records if r["status"] == "error"]
    assert [f"plugin:{name}"] == [r["rule"] for r in errors]
    assert cause in errors[0]["message"]
    assert Severity.MAJOR.value == errors[0]["severity"]
    assert _alone() == [r for r in records if r["status"] != "error"]
