"""Incremental re-assessment gives the same result as a full one, and rules declare every part
of the SMS they read (which is what makes skipping them safe)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sms_model
from sms_model.errors import ModelValidationError
from sms_model.model import COLLECTIONS, RECORD_COLLECTIONS, ServiceManagementSystem
from sms_model.rules import Config, Facts, Registry, Waiver, assess, default_registry
from sms_model.rules._engine import PARTS, changed_parts, run_rule
from tests.rules.rule_fixtures import AS_OF, build

BASE = build()
_KIND_TO_PART = {kind: part for part, kind in COLLECTIONS.items()} | {
    "plan": "plan",
    "scope": "scope",
}
_RECORDS = RECORD_COLLECTIONS


class _Recorder:
    """Stands in for an SMS and records which parts a rule reads, directly or by id."""

    def __init__(self, sms: ServiceManagementSystem) -> None:
        self._sms = sms
        self.read: set[str] = set()

    def _by_id(self, entity_id: Any) -> None:
        kind = self._sms.kind_of(entity_id) if isinstance(entity_id, str) else None
        if kind is not None:
            self.read.add(_KIND_TO_PART[kind])

    def __contains__(self, entity_id: object) -> bool:
        self._by_id(entity_id)
        return entity_id in self._sms

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._sms, name)
        if name in PARTS:
            self.read.add(name)
        elif name == "provider_party":
            self.read.add("parties")
        elif name == "ids":
            self.read.add("*")
        elif name in ("get", "find", "kind_of", "party_of", "is_provider_side", "people_of"):

            def looked_up(entity_id: Any, *args: Any) -> Any:
                self._by_id(entity_id)
                if name == "people_of" and self._sms.kind_of(entity_id) == "role":
                    self.read.add("roles")
                return value(entity_id, *args)

            return looked_up
        return value


ACME = sms_model.load("examples/acme-managed-services.yaml")


@pytest.mark.parametrize(
    "spec",
    [s for s in default_registry() if "*" not in s.reads and s.origin.startswith("sms_model.")],
    ids=lambda s: s.id,
)
@pytest.mark.parametrize("system", [BASE, ACME], ids=["base", "acme"])
def test_every_rule_declares_what_it_reads(spec: Any, system: ServiceManagementSystem) -> None:
    recorder = _Recorder(system)
    facts = Facts(recorder, AS_OF, Config())  # type: ignore[arg-type]
    run_rule(spec, facts)
    undeclared = recorder.read - spec.reads - {"provider"}
    assert set() == undeclared


def test_nothing_changed_reuses_every_rule() -> None:
    first = assess(BASE, as_of=AS_OF)
    calls: list[str] = []
    registry = Registry()
    for spec in default_registry():
        if spec.origin.startswith("sms_model."):
            registry.add(attrs.evolve(spec, function=_counting(spec.function, calls, spec.id)))
    first = assess(BASE, as_of=AS_OF, registry=registry)
    calls.clear()
    again = assess(BASE, as_of=AS_OF, registry=registry, previous=first)
    assert calls == []
    assert first.to_json() == again.to_json()


def test_a_changed_evidence_record_reruns_only_the_rules_that_read_evidence() -> None:
    calls: list[str] = []
    registry = Registry()
    for spec in default_registry():
        if spec.origin.startswith("sms_model."):
            registry.add(attrs.evolve(spec, function=_counting(spec.function, calls, spec.id)))
    first = assess(BASE, as_of=AS_OF, registry=registry)
    evidence = list(BASE.evidence)
    evidence[0] = attrs.evolve(evidence[0], effective=date(2026, 11, 1))
    changed = attrs.evolve(BASE, evidence=tuple(evidence))
    calls.clear()
    incremental = assess(changed, as_of=AS_OF, registry=registry, previous=first)
    expected = sorted(s.id for s in registry if "evidence" in s.reads or "*" in s.reads)
    assert expected == sorted(calls)
    assert assess(changed, as_of=AS_OF, registry=registry).to_json() == incremental.to_json()


def _counting(function: Any, calls: list[str], rule_id: str) -> Any:
    def counted(ctx: Any) -> Any:
        calls.append(rule_id)
        return function(ctx)

    return counted


def test_a_different_date_or_configuration_runs_everything_again() -> None:
    first = assess(BASE, as_of=AS_OF)
    later = assess(BASE, as_of=AS_OF + timedelta(days=400), previous=first)
    assert later.to_json() == assess(BASE, as_of=AS_OF + timedelta(days=400)).to_json()
    config = Config(cadences={"management-review": "P1M"})
    stricter = assess(BASE, as_of=AS_OF, config=config, previous=first)
    assert stricter.to_json() == assess(BASE, as_of=AS_OF, config=config).to_json()


def test_changed_parts_uses_identity_then_equality() -> None:
    same = attrs.evolve(BASE)
    assert frozenset() == changed_parts(BASE, same)
    renamed = attrs.evolve(BASE, name="Other")
    assert frozenset({"name"}) == changed_parts(BASE, renamed)


def test_the_input_digest_is_the_same_incrementally() -> None:
    first = assess(BASE, as_of=AS_OF)
    changed = attrs.evolve(BASE, name="Base Services (renamed)")
    incremental = assess(changed, as_of=AS_OF, previous=first)
    assert assess(changed, as_of=AS_OF).input_digest == incremental.input_digest
    assert first.input_digest != incremental.input_digest


@st.composite
def _edited(draw: st.DrawFn) -> ServiceManagementSystem:
    sms = BASE
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(_RECORDS))
        items = list(getattr(sms, part))
        if not items:
            continue
        index = draw(st.integers(0, len(items) - 1))
        action = draw(st.sampled_from(["remove", "shift", "duplicate"]))
        item = items[index]
        if action == "remove":
            del items[index]
        elif action == "duplicate":
            items.append(attrs.evolve(item, id=item.id + "-copy"))
        else:
            field = next(
                (
                    f
                    for f in ("date", "effective", "raised", "assessed", "provided")
                    if getattr(item, f, None) is not None
                ),
                None,
            )
            if field is None:
                continue
            days = draw(st.integers(-500, 500))
            items[index] = attrs.evolve(item, **{field: getattr(item, field) + timedelta(days)})
        try:
            sms = attrs.evolve(sms, **{part: tuple(items)})
        except (ModelValidationError, ValueError):
            continue
    return sms


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edited=_edited())
def test_incremental_results_equal_a_full_run_after_random_edits(
    edited: ServiceManagementSystem,
) -> None:
    waivers = (
        Waiver(id="w1", target="6", justification="j", approver="ceo", expires=date(2027, 6, 1)),
    )
    first = assess(BASE, as_of=AS_OF, waivers=waivers)
    incremental = assess(edited, as_of=AS_OF, waivers=waivers, previous=first)
    full = assess(edited, as_of=AS_OF, waivers=waivers)
    assert full.to_json() == incremental.to_json()
