"""One rule cannot change what another rule finds: everything a rule gets is read-only, and a
rule that tries to change it gets an ``error`` finding of its own."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import attrs
import pytest

from sms_model.rules import Context, Finding, Registry, Status, assess, default_registry
from tests.rules.rule_fixtures import AS_OF, build

BASE = build()


def _empty_the_graph(ctx: Context) -> None:
    ctx.graph.remove_edges_from(list(ctx.graph.edges))


def _clear_the_graph_nodes(ctx: Context) -> None:
    ctx.graph.clear()


def _move_the_date(ctx: Context) -> None:
    ctx.facts.as_of = date(2000, 1, 1)  # type: ignore[misc]


def _replace_a_fact(ctx: Context) -> None:
    ctx.facts.top_management = frozenset()  # type: ignore[misc]


def _delete_a_fact(ctx: Context) -> None:
    del ctx.facts.approvals_by_subject  # type: ignore[misc]


def _clear_an_index(ctx: Context) -> None:
    dict.clear(ctx.facts.approvals_by_subject)  # type: ignore[arg-type]


def _fill_an_index(ctx: Context) -> None:
    ctx.facts.processes_by_kind[next(iter(ctx.facts.processes_by_kind))] = ()  # type: ignore[index]


def _swap_the_system(ctx: Context) -> None:
    ctx.facts.sms = None  # type: ignore[misc]


def _edit_the_system(ctx: Context) -> None:
    ctx.sms.processes = ()  # type: ignore[misc]


ATTACKS: dict[str, Callable[[Context], None]] = {
    f.__name__.lstrip("_"): f
    for f in (
        _empty_the_graph,
        _clear_the_graph_nodes,
        _move_the_date,
        _replace_a_fact,
        _delete_a_fact,
        _clear_an_index,
        _fill_an_index,
        _swap_the_system,
        _edit_the_system,
    )
}


def _with_hostile_rule_first(attack: Callable[[Context], None]) -> Registry:
    registry = Registry()

    @registry.rule(id="AAA-hostile", clause="4.1")
    def hostile(ctx: Context) -> Iterator[Finding]:
        ctx.facts.gaps  # noqa: B018 - the shared facts exist before the attack
        ctx.graph  # noqa: B018
        attack(ctx)
        yield ctx.passed("changed what the other rules see")

    for spec in default_registry():
        if spec.origin.startswith("sms_model."):
            registry.add(spec)
    return registry


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_a_hostile_rule_run_first_changes_no_other_rules_findings(name: str) -> None:
    registry = _with_hostile_rule_first(ATTACKS[name])
    assert "AAA-hostile" == next(iter(registry)).id
    result = assess(BASE, as_of=AS_OF, registry=registry)
    alone = assess(BASE, as_of=AS_OF)
    hostile = [f for f in result.findings if f.rule == "AAA-hostile"]
    assert [Status.ERROR] == [f.status for f in hostile]
    others = tuple(f for f in result.findings if f.rule != "AAA-hostile")
    assert alone.findings == others


def test_the_attacks_would_change_findings_if_they_succeeded() -> None:
    # The test above means something only if the attacks, had they worked, mattered: the date,
    # the approvals and the processes decide findings of the built-in rules.
    found = assess(BASE, as_of=AS_OF).findings
    assert found != assess(BASE, as_of=date(2000, 1, 1)).findings
    nobody_on_top = attrs.evolve(BASE, top_management=attrs.evolve(BASE.top_management, members=()))
    assert found != assess(nobody_on_top, as_of=AS_OF).findings


def test_a_rule_reading_the_graph_sees_the_graph_of_the_system() -> None:
    registry = Registry()
    seen: list[Any] = []

    @registry.rule(id="ACME-graph", clause="4.1")
    def reads_graph(ctx: Context) -> Iterator[Finding]:
        seen.append(ctx.graph.number_of_edges())
        yield ctx.passed("read the graph")

    assess(BASE, as_of=AS_OF, registry=registry)
    from sms_model.graph import accountability_graph

    assert [accountability_graph(BASE).number_of_edges()] == seen
