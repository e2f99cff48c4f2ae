"""Evidence expectations of the default profile and their default cadences."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from sms_model.catalog import (
    Cadence,
    clause,
    clauses,
    default_cadences,
    expectation_by_id,
    expectations,
    guidance_by_id,
)
from sms_model.errors import UnknownReferenceError
from sms_model.model import AuditKind, MeetingKind, ReportKind, ReviewKind

REQUIRED_IDS = (
    "management-review", "internal-audit", "sms-meeting", "policy-review", "plan-review",
    "performance-report", "sla-review", "customer-service-review", "supplier-review",
    "security-risk-assessment", "continuity-test", "configuration-audit", "external-audit",
    "objective-measurement", "capacity-monitoring", "availability-monitoring",
)  # fmt: skip

KIND_ENUMS = {
    "Review": ReviewKind,
    "Audit": AuditKind,
    "Meeting": MeetingKind,
    "Report": ReportKind,
}


def test_expectation_ids_are_unique_and_include_the_required_ones() -> None:
    ids = [e.id for e in expectations()]
    assert len(set(ids)) == len(ids)
    expected: list[str] = []
    assert expected == [i for i in REQUIRED_IDS if i not in ids]


def test_every_expectation_cites_an_existing_clause_and_existing_guidance() -> None:
    for e in expectations():
        assert e.clause == clause(e.clause).number
        assert e.guidance == tuple(guidance_by_id(g).id for g in e.guidance)


def test_expectations_come_in_clause_order() -> None:
    order = {c.number: i for i, c in enumerate(clauses())}
    positions = [order[e.clause] for e in expectations()]
    assert sorted(positions) == positions


def test_every_expectation_names_evidence_whose_kind_exists_in_the_model() -> None:
    unknown = []
    for e in expectations():
        assert e.evidence, e.id
        for name in e.evidence:
            entity, _, rest = name.partition("[")
            if rest.startswith("kind="):
                kind = rest.removeprefix("kind=").rstrip("]")
                if kind not in {k.value for k in KIND_ENUMS[entity]}:
                    unknown.append(name)
    expected: list[str] = []
    assert expected == unknown


@pytest.mark.parametrize(
    ("id_", "expected"),
    [
        ("management-review", "P1Y"),
        ("internal-audit", "P1Y"),
        ("sms-meeting", "P3M"),
        ("performance-report", "P3M"),
        ("policy-review", "P1Y"),
        ("supplier-review", "P1Y"),
        ("configuration-audit", "P1Y"),
        ("policy-approval", None),
    ],
)
def test_default_profile_sets_the_cadence_of_each_expectation(
    id_: str, expected: str | None
) -> None:
    assert expected == expectation_by_id(id_).cadence


def test_default_cadences_parse_every_recurring_expectation_once() -> None:
    cadences = default_cadences()
    expected = {e.id: Cadence.parse(e.cadence) for e in expectations() if e.cadence}
    assert expected == dict(cadences)
    assert isinstance(cadences, MappingProxyType)
    assert cadences is default_cadences()
    with pytest.raises(TypeError):
        cadences["management-review"] = Cadence.parse("P2Y")  # type: ignore[index]


def test_unknown_expectation_is_an_unknown_reference() -> None:
    with pytest.raises(UnknownReferenceError) as info:
        expectation_by_id("coffee-break")
    expected = "'coffee-break'"
    assert expected == info.value.issues[0].found
