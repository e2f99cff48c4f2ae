"""The shipped examples load, round-trip, and describe what their comments say they do.

``examples/acme-managed-services.yaml`` is mostly conforming with a few deliberate gaps, each
marked by a ``# GAP:`` comment naming a guidance id or a clause; the rules and the graph are
expected to find exactly those, so the gaps are pinned here too.
"""

from __future__ import annotations

import re
import runpy
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import sms_model
from sms_model.catalog import clauses, guidance
from sms_model.graph import find_gaps
from sms_model.model import (
    Clause4Duty,
    GovernanceControl,
    LifecycleStage,
    PartyKind,
    PlanStatus,
    ProcessKind,
    ReviewKind,
    ServiceManagementSystem,
)
from sms_model.rules import Assessment, Status, assess

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACME = EXAMPLES / "acme-managed-services.yaml"
BUILD_IN_CODE = EXAMPLES / "build_in_code.py"
YAML_EXAMPLES = sorted(EXAMPLES.glob("*.yaml"))

_GAP = re.compile(r"^\s*# GAP:(?P<text>.*)$")
_GUIDANCE_ID = re.compile(r"\b(?:APP|TM|EV)-[0-9a-z]+\b")
_CLAUSE_NUMBER = re.compile(r"(?<![\w.-])\d+(?:\.\d+)*(?![\w-])")
_ENTITY_ID = re.compile(r"^\s*- (?:\{\s*)?id: (?P<id>[\w-]+)")


@pytest.fixture(scope="module")
def acme() -> ServiceManagementSystem:
    return sms_model.load(ACME)


@pytest.fixture(scope="module")
def built_in_code_output() -> str:
    completed = subprocess.run(
        [sys.executable, str(BUILD_IN_CODE)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return completed.stdout


def _gap_comments(path: Path) -> list[tuple[str, str | None]]:
    """Each ``# GAP:`` comment's reference part (before " - ") and the id of the next entity."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[tuple[str, str | None]] = []
    for number, line in enumerate(lines):
        match = _GAP.match(line)
        if match is None:
            continue
        reference = match["text"].split(" - ", 1)[0].strip()
        next_id = None
        for later in lines[number + 1 :]:
            entity = _ENTITY_ID.match(later)
            if entity is not None:
                next_id = entity["id"]
                break
        found.append((reference, next_id))
    return found


# --- every example ------------------------------------------------------------------------


def test_examples_folder_has_the_documented_examples() -> None:
    expected = ["acme-managed-services.yaml", "kestrel-cloud-2018.yaml", "minimal.yaml"]
    assert expected == [path.name for path in YAML_EXAMPLES]


@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda path: path.name)
def test_example_loads_as_a_service_management_system(path: Path) -> None:
    expected = PartyKind.PROVIDER
    assert expected == sms_model.load(path).provider_party.kind


@pytest.mark.parametrize("fmt", ["yaml", "json"])
@pytest.mark.parametrize("path", YAML_EXAMPLES, ids=lambda path: path.name)
def test_example_round_trips_through_dumps_and_loads(path: Path, fmt: Any) -> None:
    sms = sms_model.load(path)
    assert sms == sms_model.loads(sms_model.dumps(sms, fmt), fmt)


def test_minimal_example_holds_only_the_provider() -> None:
    expected = ["acme"]
    assert expected == list(sms_model.load(EXAMPLES / "minimal.yaml").ids())


# --- build_in_code.py -------------------------------------------------------------------------


def test_build_in_code_prints_an_sms_that_loads(built_in_code_output: str) -> None:
    expected = "acme"
    assert expected == sms_model.loads(built_in_code_output).provider


def test_build_in_code_output_is_the_sms_it_builds(built_in_code_output: str) -> None:
    namespace = runpy.run_path(str(BUILD_IN_CODE))
    built = namespace["build"]()
    assert built == sms_model.loads(built_in_code_output)


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_build_in_code_sms_round_trips(built_in_code_output: str, fmt: Any) -> None:
    sms = sms_model.loads(built_in_code_output)
    assert sms == sms_model.loads(sms_model.dumps(sms, fmt), fmt)


def test_build_in_code_supplier_process_keeps_accountability_with_the_provider(
    built_in_code_output: str,
) -> None:
    sms = sms_model.loads(built_in_code_output)
    (opp,) = sms.other_party_processes
    assert (True, "globex", set(GovernanceControl)) == (
        sms.is_provider_side(opp.accountable),
        sms.get(opp.process).operated_by,
        set(opp.controls),
    )


# --- the Acme example ---------------------------------------------------------------------------


def test_acme_has_every_clause_5_to_9_process(acme: ServiceManagementSystem) -> None:
    # The 2011 processes: those 2018 names on its own are covered inside them.
    kinds = (k for k in ProcessKind if k.is_service_management_process and k.edition == "2011")
    expected = sorted(k.value for k in kinds)
    actual = sorted({p.kind.value for p in acme.processes if p.kind.is_service_management_process})
    assert expected == actual


def test_acme_assigns_every_clause4_duty_to_the_provider(acme: ServiceManagementSystem) -> None:
    expected = sorted(d.value for d in Clause4Duty)
    assigned = sorted(d.duty.value for d in acme.duties if acme.is_provider_side(d.accountable))
    assert expected == assigned


def test_acme_suppliers_operate_a_minority_of_clause_5_to_9_processes(
    acme: ServiceManagementSystem,
) -> None:
    operated = sorted(
        p.kind.value
        for p in acme.processes
        if p.kind.is_service_management_process and p.operated_by not in (None, acme.provider)
    )
    expected = ["capacity", "configuration", "release_and_deployment"]
    assert expected == operated


def test_acme_plan_drafted_by_consultant_is_owned_by_the_provider(
    acme: ServiceManagementSystem,
) -> None:
    plan = acme.plan
    assert plan is not None
    expected = ("meridian", True, "acme", PlanStatus.IMPLEMENTED)
    assert expected == (
        plan.drafted_by,
        acme.is_provider_side(plan.owner),
        plan.maintained_by,
        plan.status,
    )


def test_acme_short_term_internal_audits_are_accountable_to_the_representative(
    acme: ServiceManagementSystem,
) -> None:
    audits = [
        opp for opp in acme.other_party_processes if opp.activity is Clause4Duty.INTERNAL_AUDIT
    ]
    expected = [(acme.top_management.representative, "short_term")] * 2
    assert expected == [(opp.accountable, opp.engagement.value) for opp in audits]


def test_every_gap_comment_names_a_guidance_id_or_clause() -> None:
    guidance_ids = {g.id for g in guidance()}
    clause_numbers = {c.number for c in clauses()}
    gaps = _gap_comments(ACME)
    assert gaps, "the Acme example documents no deliberate gap"
    for reference, _ in gaps:
        ids = _GUIDANCE_ID.findall(reference)
        numbers = _CLAUSE_NUMBER.findall(reference)
        assert ids or numbers, f"GAP comment names neither guidance nor clause: {reference!r}"
        unknown = [i for i in ids if i not in guidance_ids]
        unknown += [n for n in numbers if n not in clause_numbers]
        assert not unknown, f"GAP comment {reference!r} names unknown ids or clauses {unknown}"


def test_acme_gaps_are_the_documented_ones(acme: ServiceManagementSystem) -> None:
    # Pinned so that an edit cannot silently drop a gap the rules are expected to find.
    expected = [
        ("TM-f", "eng-lead"),
        ("TM-e", "obj-cost-per-ticket"),
        ("7.2 / 4.2", "opp-initech-configuration"),
        ("4.2 d) / APP-5", "opp-umbrella-release"),
        ("TM-c", "ack-ts-scope"),
        ("6.6.1", "rev-sra-2025-10"),
        ("TM-h (9.2)", "chg-2026-014"),
        ("EV-x", "res-training-budget"),
    ]
    assert expected == _gap_comments(ACME)


def test_acme_gaps_are_present_in_the_data(acme: ServiceManagementSystem) -> None:
    problem_owner_line = []
    person: str | None = acme.get("proc-problem").owner
    while person is not None:
        problem_owner_line.append(person)
        person = acme.get(person).reports_to
    tailspin_artefacts = {a.artefact for a in acme.acknowledgements if a.party == "tailspin"}
    live = {s.id for s in acme.services if s.stage is LifecycleStage.LIVE}
    # The yearly security risk assessments of the live services; assessments of single
    # changes name the change only.
    service_assessments = sorted(
        r.date.isoformat()
        for r in acme.reviews
        if r.kind is ReviewKind.SECURITY_RISK_ASSESSMENT and live & set(r.subjects)
    )
    actual = {
        "TM-f": problem_owner_line,
        "TM-e": acme.get("obj-cost-per-ticket").resources,
        "4.2 via lead supplier": acme.get("opp-initech-configuration").governed_through,
        "4.2 d)": GovernanceControl.IMPROVEMENT_PLANNING
        in acme.get("opp-umbrella-release").controls,
        "TM-c": "pol-sm" in tailspin_artefacts,
        "6.6.1": service_assessments[-1],
        "TM-h": acme.get("chg-2026-014").risk_assessment,
        "EV-x": acme.get("res-training-budget").withdrawn.isoformat(),
    }
    expected = {
        "TM-f": ["problem-mgr", "eng-lead"],
        "TM-e": (),
        "4.2 via lead supplier": None,
        "4.2 d)": False,
        "TM-c": False,
        "6.6.1": "2025-10-02",
        "TM-h": None,
        "EV-x": "2026-06-30",
    }
    assert expected == actual


# What the full assessment (default registry, as of 2026-11-27) fails, by the GAP comment
# that explains it: (rule id, subjects of the finding). The example is meant to conform apart
# from its gaps, so any other failure means the example (or a rule) is wrong.
_DELIBERATE_FAILURES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "TM-f": [("SMS-4.1.1-TM-f-line", ("problem-mgr",))],
    "TM-e": [("SMS-4.1.1-TM-e", ("obj-cost-per-ticket",))],
    "7.2 / 4.2": [
        ("SMS-4.2-subcontractors", ("proc-configuration", "initech-net", "globex-dc")),
    ],
    "4.2 d) / APP-5": [
        ("SMS-4.2-controls", ("proc-release", "umbrella-devops", "opp-umbrella-release")),
    ],
    "TM-c": [("SMS-4.1.1-TM-c", ("tailspin", "pol-sm"))],
    # One overdue assessment, reported once for each live service it covers.
    "6.6.1": [
        ("SMS-6.6.1-risk-assessment", ("svc-backup",)),
        ("SMS-6.6.1-risk-assessment", ("svc-hosting",)),
        ("SMS-6.6.1-risk-assessment", ("svc-network",)),
        ("SMS-6.6.1-risk-assessment", ("svc-workplace",)),
    ],
    "TM-h (9.2)": [("SMS-4.1.1-TM-h", ("chg-2026-014",))],
    "EV-x": [("SMS-4.1.1-EV-x", ("res-training-budget",))],
}


@pytest.fixture(scope="module")
def acme_assessment(acme: ServiceManagementSystem) -> Assessment:
    return assess(acme, as_of=date(2026, 11, 27))


def test_every_documented_gap_has_its_expected_failures() -> None:
    expected = [reference for reference, _ in _gap_comments(ACME)]
    assert expected == list(_DELIBERATE_FAILURES)


def test_acme_rule_failures_are_exactly_the_documented_gaps(acme_assessment: Assessment) -> None:
    expected = sorted(pair for pairs in _DELIBERATE_FAILURES.values() for pair in pairs)
    actual = sorted((f.rule, f.subjects) for f in acme_assessment.findings if f.failed)
    assert expected == actual


def test_acme_assessment_runs_every_rule_without_error(acme_assessment: Assessment) -> None:
    expected: list[tuple[str, str]] = []
    actual = [(f.rule, f.message) for f in acme_assessment.findings if f.status is Status.ERROR]
    assert expected == actual


def test_acme_rules_find_the_documented_clause4_gaps(acme_assessment: Assessment) -> None:
    failed = {
        (f.rule, subject) for f in acme_assessment.findings if f.failed for subject in f.subjects
    }
    expected = {
        ("SMS-4.1.1-TM-c", "tailspin"),
        ("SMS-4.1.1-TM-e", "obj-cost-per-ticket"),
        ("SMS-4.1.1-TM-f-line", "problem-mgr"),
        ("SMS-4.1.1-TM-h", "chg-2026-014"),
        ("SMS-4.1.1-EV-x", "res-training-budget"),
    }
    assert expected == expected & failed


def test_acme_graph_finds_the_documented_governance_gaps(acme: ServiceManagementSystem) -> None:
    found = sorted((g.clause, g.subjects) for g in find_gaps(acme) if not g.informational)
    expected = [
        ("4.1.1", ("problem-mgr",)),
        ("4.2", ("proc-release", "umbrella-devops")),
        ("7.2", ("proc-configuration", "initech-net", "globex-dc")),
    ]
    assert expected == found
