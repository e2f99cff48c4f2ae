"""The 2018 example loads, round-trips, and fails exactly where its comments say it does.

``examples/kestrel-cloud-2018.yaml`` is an SMS written for ISO/IEC 20000-1:2018 (it declares
the edition itself), mostly conforming, with a few deliberate gaps in what the 2018 edition
adds, each marked by a ``# GAP:`` comment naming a 2018 clause or a guidance id right above the
entity it concerns. The built-in rules are expected to find exactly those, so the gaps are
pinned here, as is the example's reach: every leaf clause of the 2018 edition and every
guidance id gets at least one finding.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sms_model
from sms_model.catalog import clauses, guidance, leaf_clauses
from sms_model.cli import main
from sms_model.model import (
    Edition,
    PartyKind,
    ProcessKind,
    ReportKind,
    ReviewInput,
    RiskKind,
    ServiceManagementSystem,
)
from sms_model.rules import Assessment, Status
from tests.test_examples import _CLAUSE_NUMBER, _GUIDANCE_ID, _gap_comments

KESTREL = Path(__file__).resolve().parents[1] / "examples" / "kestrel-cloud-2018.yaml"
AS_OF = date(2026, 11, 27)


@pytest.fixture(scope="module")
def kestrel() -> ServiceManagementSystem:
    return sms_model.load(KESTREL)


@pytest.fixture(scope="module")
def assessment(kestrel: ServiceManagementSystem) -> Assessment:
    return sms_model.assess(kestrel, as_of=AS_OF)


def _references(reference: str) -> set[str]:
    """The guidance ids and clause numbers a GAP comment's reference part names."""
    return {*_GUIDANCE_ID.findall(reference), *_CLAUSE_NUMBER.findall(reference)}


# --- loading ------------------------------------------------------------------------------


def test_kestrel_declares_the_2018_edition(kestrel: ServiceManagementSystem) -> None:
    expected = (Edition.ISO_20000_1_2018, "kestrel", PartyKind.PROVIDER)
    assert expected == (kestrel.edition, kestrel.provider, kestrel.provider_party.kind)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_kestrel_round_trips_through_dumps_and_loads(
    kestrel: ServiceManagementSystem, fmt: Any
) -> None:
    assert kestrel == sms_model.loads(sms_model.dumps(kestrel, fmt), fmt)


def test_kestrel_holds_the_records_the_2018_edition_adds(kestrel: ServiceManagementSystem) -> None:
    kinds = {p.kind for p in kestrel.processes}
    (review,) = (r for r in kestrel.reviews if r.id == "rev-mr-2025")
    actual = {
        "issues external and internal": {i.external for i in kestrel.context_issues},
        "parties with requirements": len({r.party for r in kestrel.party_requirements}),
        "opportunities": sum(r.kind is RiskKind.OPPORTUNITY for r in kestrel.risks),
        "risks without criteria": [r.id for r in kestrel.risks if r.criteria is None],
        "objectives without actions": [o.id for o in kestrel.objectives if not o.actions],
        "knowledge": len(kestrel.knowledge),
        "assets": len(kestrel.assets),
        "services depending on others": sorted(s.id for s in kestrel.services if s.depends_on),
        "components provided by others": sorted(
            o.component for o in kestrel.other_party_processes if o.component is not None
        ),
        # every kind, also those the 2018 edition names on their own (catalogue, asset, ...)
        "process kinds missing": sorted(k.value for k in ProcessKind if k not in kinds),
        "demand reports": sum(r.kind is ReportKind.DEMAND for r in kestrel.reports),
        "2018 review inputs in 2025": sorted(i.value for i in review.inputs if i.edition == "2018"),
    }
    expected = {
        "issues external and internal": {True, False},
        "parties with requirements": 7,
        "opportunities": 2,
        "risks without criteria": [],
        "objectives without actions": [],
        "knowledge": 5,
        "assets": 9,
        "services depending on others": ["svc-backup", "svc-dbaas", "svc-kubernetes"],
        "components provided by others": ["as-colo-space", "as-ip-transit", "as-offsite-vault"],
        "process kinds missing": [],
        "demand reports": 1,
        "2018 review inputs in 2025": sorted(i.value for i in ReviewInput if i.edition == "2018"),
    }
    assert expected == actual


# --- the deliberate gaps ------------------------------------------------------------------


def test_every_gap_comment_names_a_2018_clause_or_guidance_id() -> None:
    known = {g.id for g in guidance()} | {c.number for c in clauses("2018")}
    gaps = _gap_comments(KESTREL)
    assert gaps, "the 2018 example documents no deliberate gap"
    for reference, _ in gaps:
        named = _references(reference)
        assert named, f"GAP comment names neither guidance nor clause: {reference!r}"
        unknown = sorted(named - known)
        assert not unknown, f"GAP comment {reference!r} names unknown ids or clauses {unknown}"


def test_kestrel_gaps_are_the_documented_ones() -> None:
    # Pinned so that an edit cannot silently drop a gap the rules are expected to find.
    expected = [
        ("4.2", "kestrel-group-it"),
        ("8.2.3", "corvid-net"),
        ("8.5.1.1", "pol-change"),
        ("4.1", "ci-energy-prices"),
        ("8.2.5", "as-container-registry"),
        ("APP-5", "opp-nimbus-vault"),
        ("9.3", "rev-mr-2026"),
        ("6.1", "op-reserved-bundles"),
    ]
    assert expected == _gap_comments(KESTREL)


def test_kestrel_gaps_are_present_in_the_data(kestrel: ServiceManagementSystem) -> None:
    (change_policy,) = (p for p in kestrel.policies if p.id == "pol-change")
    (review,) = (r for r in kestrel.reviews if r.id == "rev-mr-2026")
    energy = kestrel.get("ci-energy-prices")
    nimbus = kestrel.get("opp-nimbus-vault")
    actual = {
        "4.2": "kestrel-group-it" in {r.party for r in kestrel.party_requirements},
        "8.2.3": kestrel.get("corvid-net").selection_criteria,
        "8.5.1.1": sorted(c.value for c in change_policy.contents),
        "4.1": (energy.determined.isoformat(), energy.reviewed),
        "8.2.5": kestrel.get("as-container-registry").owner,
        "APP-5": sorted(c.value for c in nimbus.controls),
        "9.3": [i.value for i in ReviewInput.required("2018") if i not in review.inputs],
        "6.1": kestrel.get("op-reserved-bundles").evaluated,
    }
    expected = {
        "4.2": False,
        "8.2.3": None,
        "8.5.1.1": ["change_categories", "controlled_components", "major_impact_criteria"],
        "4.1": ("2025-01-13", None),
        "8.2.5": None,
        "APP-5": [
            "accountability_and_authority",
            "definition_and_interfaces",
            "performance_and_compliance",
        ],
        "9.3": ["forecast_workload"],
        "6.1": None,
    }
    assert expected == actual


# What the 2018 assessment (default registry, as of 2026-11-27) fails, by the GAP comment that
# explains it: (rule id, subjects of the finding). The example is meant to conform apart from
# its gaps, so any other failure means the example (or a rule) is wrong.
_DELIBERATE_FAILURES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "4.2": [("SMS18-4.2-requirements", ("kestrel-group-it",))],
    "8.2.3": [("SMS18-8.2.3-selection", ("corvid-net",))],
    "8.5.1.1": [("SMS18-8.5.1.1-policy", ("pol-change",))],
    "4.1": [("SMS18-4.1-issues", ("ci-energy-prices",))],
    "8.2.5": [("SMS18-8.2.5-assets", ("as-container-registry",))],
    "APP-5": [
        ("SMS18-8.2.3-controls", ("as-offsite-vault", "nimbus-storage", "opp-nimbus-vault")),
    ],
    "9.3": [("SMS-4.5.4.3-inputs", ("rev-mr-2026",))],
    "6.1": [("SMS18-6.1-actions", ("op-reserved-bundles",))],
}


def test_every_documented_gap_has_its_expected_failures() -> None:
    expected = [reference for reference, _ in _gap_comments(KESTREL)]
    assert expected == list(_DELIBERATE_FAILURES)


def test_kestrel_is_assessed_against_2018(assessment: Assessment) -> None:
    assert assessment.edition == "2018"


def test_kestrel_rule_failures_are_exactly_the_documented_gaps(assessment: Assessment) -> None:
    expected = sorted(pair for pairs in _DELIBERATE_FAILURES.values() for pair in pairs)
    actual = sorted((f.rule, f.subjects) for f in assessment.findings if f.failed)
    assert expected == actual


@pytest.mark.parametrize("reference", list(_DELIBERATE_FAILURES))
def test_each_gap_is_found_under_the_clause_or_guidance_it_names(
    assessment: Assessment, reference: str
) -> None:
    expected = _DELIBERATE_FAILURES[reference]
    failures = [
        f for f in assessment.findings if f.failed and (f.rule, f.subjects) in set(expected)
    ]
    named = {f.clause for f in failures} | {g for f in failures for g in f.guidance}
    assert _references(reference) <= named


def test_kestrel_assessment_runs_every_rule_without_error(assessment: Assessment) -> None:
    expected: list[tuple[str, str]] = []
    actual = [(f.rule, f.message) for f in assessment.findings if f.status is Status.ERROR]
    assert expected == actual


# --- reach: every leaf clause and guidance id of the 2018 edition ----------------------------


def test_every_2018_leaf_clause_has_a_finding(assessment: Assessment) -> None:
    found = {f.clause for f in assessment.findings}
    expected: list[str] = []
    assert expected == [c.number for c in leaf_clauses("2018") if c.number not in found]


def test_every_2018_leaf_clause_has_a_finding_that_applies(assessment: Assessment) -> None:
    # Not only "not applicable": each leaf clause is checked against something in the file.
    found = {f.clause for f in assessment.findings if f.status is not Status.NOT_APPLICABLE}
    expected: list[str] = []
    assert expected == [c.number for c in leaf_clauses("2018") if c.number not in found]


def test_every_guidance_id_has_a_finding(assessment: Assessment) -> None:
    found = {g for f in assessment.findings for g in f.guidance}
    expected: list[str] = []
    assert expected == [g.id for g in guidance() if g.id not in found]


# --- the 2011 view and the transition ---------------------------------------------------------


def test_kestrel_conforms_to_2011_its_gaps_are_in_what_2018_asks(
    kestrel: ServiceManagementSystem,
) -> None:
    old = sms_model.assess(kestrel, as_of=AS_OF, edition="2011")
    expected: tuple[str, list[tuple[str, tuple[str, ...]]]] = ("2011", [])
    actual = [(f.rule, f.subjects) for f in old.findings if f.failed or f.status is Status.ERROR]
    assert expected == (old.edition, actual)


def test_transition_report_shows_where_the_gaps_moved(kestrel: ServiceManagementSystem) -> None:
    move = sms_model.transition(kestrel, as_of=AS_OF)
    unmet = {r.clause: r.move.value for r in move.rows if r.failures}
    expected = (
        ("2011", "2018"),
        len(leaf_clauses("2018")),
        {
            "4.1": "new_unmet",
            "4.2": "new_unmet",
            "6.1": "newly_unmet",
            "8.2.3": "newly_unmet",
            "8.2.5": "new_unmet",
            "8.5.1.1": "newly_unmet",
            "9.3": "newly_unmet",
        },
    )
    assert expected == ((move.old.edition, move.new.edition), len(move.rows), unmet)


# --- the command line ---------------------------------------------------------------------------


def test_cli_assess_exits_1_for_the_major_gap(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["assess", str(KESTREL), "--as-of", AS_OF.isoformat()])
    out = capsys.readouterr().out
    assert (1, True) == (code, "SMS18-8.2.3-selection" in out)
