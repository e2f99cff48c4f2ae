"""Invariants of an assessment, as Hypothesis properties: determinism (whatever the order of
entities in the file and whatever ``PYTHONHASHSEED``) and the monotonicity the standard
implies (a valid top-management approval adds no approval failure; removing all evidence
makes the evidence-based rules fail; waivers never turn a failure into a pass).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import given

from sms_model.io._convert import structure, unstructure
from sms_model.model import COLLECTIONS
from sms_model.rules import Assessment, Status, Waiver, assess, default_registry
from sms_model.testing import sms_models
from tests.robustness.robustness_support import AS_OF, BASE_TEXT, base_data, remove_ids

_SOURCES = st.one_of(
    st.just("base").map(lambda _: base_data()),
    sms_models(max_size=4).map(unstructure),
)


def _assess(data: dict[str, Any], **options: Any) -> Assessment:
    return assess(structure(copy.deepcopy(data)), as_of=AS_OF, **options)


def _without_digest(result: Assessment) -> str:
    report = result.to_dict()
    report["input_digest"] = "-"
    return json.dumps(report, indent=2, ensure_ascii=False)


def _failure_keys(result: Assessment, rules: set[str]) -> set[tuple[str, tuple[str, ...]]]:
    """What failed: rule and subjects (a message may reword the same failure)."""
    return {
        (f.rule, tuple(sorted(f.subjects))) for f in result.findings if f.failed and f.rule in rules
    }


# --- determinism -----------------------------------------------------------------------------


@st.composite
def _shuffled(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = draw(_SOURCES)
    other = copy.deepcopy(data)
    for name in ("duties", *COLLECTIONS):
        if other.get(name):
            other[name] = draw(st.permutations(other[name]))
    keys = draw(st.permutations(list(other)))
    return data, {key: other[key] for key in keys}


_ORDER_DEPENDENT = (
    "rules (issue 7 report): some messages and subjects list ids in file order, and "
    "SMS-4-APP-2's verdict depends on which of two engagements of one party comes last"
)


@given(_shuffled())
def test_reordering_entities_gives_a_byte_identical_report(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data, shuffled = pair
    assert _assess(data).to_json() == _assess(shuffled).to_json()


def _small(**collections: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "name": "Acme",
        "provider": "acme",
        "top_management": {"members": ["ceo"]},
        "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}],
        "people": [{"id": "ceo", "name": "Ada", "party": "acme"}],
        **collections,
    }


def _reversed(data: dict[str, Any], name: str) -> dict[str, Any]:
    return {**data, name: list(reversed(data[name]))}


def test_a_message_naming_several_ids_does_not_depend_on_their_order_in_the_file() -> None:
    data = _small(
        parties=[
            {"id": "acme", "name": "Acme", "kind": "provider"},
            {"id": "globex", "name": "Globex", "kind": "customer"},
            {"id": "initech", "name": "Initech", "kind": "customer"},
        ],
        policies=[{"id": "pol", "kind": "service_management", "title": "SMS policy"}],
    )
    select = {"select": ["SMS-4.1.2-communicated"]}
    before = _assess(data, **select).to_records()
    after = _assess(_reversed(data, "parties"), **select).to_records()
    assert before == after


def test_an_ongoing_clause4_engagement_fails_whatever_comes_after_it() -> None:
    engagements = [
        {"id": "opp-ongoing", "party": "globex", "activity": "service_management_policy"},
        {
            "id": "opp-short",
            "party": "globex",
            "activity": "service_management_policy",
            "engagement": "short_term",
        },
    ]
    data = _small(
        parties=[
            {"id": "acme", "name": "Acme", "kind": "provider"},
            {"id": "globex", "name": "Globex", "kind": "supplier"},
        ],
        other_party_processes=engagements,
    )
    select = {"select": ["SMS-4-APP-2"]}
    verdicts = [
        [f.status.value for f in _assess(d, **select).findings]
        for d in (data, _reversed(data, "other_party_processes"))
    ]
    assert [["fail"], ["fail"]] == verdicts


def _cli_json(file: Path, seed: str) -> str:
    environment = {**os.environ, "PYTHONHASHSEED": seed}
    command = [sys.executable, "-m", "sms_model", "assess", str(file), "--format", "json"]
    command += ["--as-of", AS_OF.isoformat(), "--fail-on", "never"]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=True)
    return done.stdout


def test_the_json_report_is_byte_identical_whatever_the_hash_seed_and_entity_order(
    tmp_path: Path,
) -> None:
    original = tmp_path / "sms.yaml"
    original.write_text(BASE_TEXT, encoding="utf-8")
    data = base_data()
    for name in ("duties", *COLLECTIONS):
        if data.get(name):
            data[name] = list(reversed(data[name]))
    reordered = tmp_path / "reordered.json"
    reordered.write_text(json.dumps(dict(reversed(data.items()))), encoding="utf-8")
    runs = {
        (file.name, seed): _cli_json(file, seed)
        for file in (original, reordered)
        for seed in ("0", "1", "4242")
    }
    assert 1 == len({text for (name, _), text in runs.items() if name == "sms.yaml"})
    assert 1 == len({text for (name, _), text in runs.items() if name == "reordered.json"})
    first, second = runs["sms.yaml", "0"], runs["reordered.json", "0"]
    differing = [a for a, b in zip(first.splitlines(), second.splitlines(), strict=True) if a != b]
    assert [f for f in differing if '"input_digest"' not in f] == []


# --- monotonicity ----------------------------------------------------------------------------

_APPROVAL_RULES = {spec.id for spec in default_registry().select(["approval"])}


@st.composite
def _with_an_approval(draw: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    data = draw(_SOURCES)
    members = data.get("top_management", {}).get("members", [])
    subjects = sorted(
        item["id"]
        for name in ("policies", "objectives", "processes", "documents")
        for item in data.get(name, [])
    )
    subjects += [data["plan"]["id"]] if "plan" in data else []
    if not members or not subjects:
        return data, copy.deepcopy(data)
    approved = copy.deepcopy(data)
    day = AS_OF - timedelta(days=draw(st.integers(min_value=0, max_value=3650)))
    approved.setdefault("approvals", []).append(
        {
            "id": "robustness-approval",
            "subject": draw(st.sampled_from(subjects)),
            "approver": draw(st.sampled_from(members)),
            "date": day.isoformat(),
        }
    )
    return data, approved


@given(_with_an_approval())
def test_adding_a_top_management_approval_never_adds_an_approval_failure(
    pair: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    data, approved = pair
    before = _failure_keys(_assess(data), _APPROVAL_RULES)
    after = _failure_keys(_assess(approved), _APPROVAL_RULES)
    assert set() == after - before


def _without(data: dict[str, Any], *collections: str) -> dict[str, Any]:
    ids = {item["id"] for name in collections for item in data.get(name, [])}
    return remove_ids(copy.deepcopy(data), ids)


def _all_ids(data: dict[str, Any]) -> set[str]:
    return {item["id"] for name in COLLECTIONS for item in data.get(name, [])}


def _without_evidence(data: dict[str, Any]) -> dict[str, Any]:
    return _without(data, "evidence")


def _rules_reading_evidence() -> set[str]:
    """The rules the engine saw read the evidence, in an assessment of the base system."""
    runs = _assess(base_data())._state.runs
    return {rule for rule, run in runs.items() if "evidence" in (run.read or ())}


_EVIDENCE_RULES = _rules_reading_evidence()

#: Evidence-based rules with nothing left to check once every record of what was done
#: (evidence, reports, reviews) is gone, and why.
_NOTHING_LEFT_TO_CHECK = {
    "SMS-4.3.3-storage": "no record is left whose storage could be checked",
    "SMS-4.3.3-future-dated": "no record is left whose date could be after the as-of date",
    "SMS-4.5.5.2-measured": "the closed improvements came from the removed records",
    "SMS-5.4-tested": "the major change went with its removed risk assessment",
    "SMS-8.1-major-incident-reported": "major incidents are known only from evidence records",
}


def test_removing_all_records_makes_every_evidence_based_rule_fail() -> None:
    data = base_data()
    assert set() == {f.rule for f in _assess(data).findings if f.failed} & _EVIDENCE_RULES
    after = _assess(_without(data, "evidence", "reports", "reviews"))
    statuses: dict[str, set[str]] = {}
    for finding in after.findings:
        statuses.setdefault(finding.rule, set()).add(finding.status.value)
    failing = {rule for rule in _EVIDENCE_RULES if "fail" in statuses[rule]}
    assert _EVIDENCE_RULES - set(_NOTHING_LEFT_TO_CHECK) == failing
    assert {rule: {"pass"} for rule in _NOTHING_LEFT_TO_CHECK} | {
        "SMS-5.4-tested": {"not_applicable"}
    } == {rule: statuses[rule] for rule in _NOTHING_LEFT_TO_CHECK}


@given(_SOURCES)
def test_removing_all_evidence_never_resolves_a_failure_about_what_remains(
    data: dict[str, Any],
) -> None:
    stripped = _without_evidence(data)
    removed = _all_ids(data) - _all_ids(stripped)  # the evidence and what hung on it

    def about_what_remains(result: Assessment) -> set[tuple[str, tuple[str, ...]]]:
        keys = _failure_keys(result, _EVIDENCE_RULES)
        return {key for key in keys if not removed & set(key[1])}

    before = about_what_remains(_assess(data))
    after = about_what_remains(_assess(stripped))
    assert set() == before - after


@st.composite
def _waivers(draw: Any) -> tuple[dict[str, Any], list[Waiver]]:
    data = draw(_SOURCES)
    result = _assess(data)
    people = [p["id"] for p in data.get("people", [])]
    targets = sorted({f.rule for f in result.findings} | {f.clause for f in result.findings})
    subjects = sorted({s for f in result.findings for s in f.subjects})
    waivers = [
        Waiver(
            id=f"waiver-{i}",
            target=draw(st.sampled_from(targets)),
            justification="accepted for now",
            approver=draw(st.sampled_from(people)),
            expires=AS_OF + timedelta(days=draw(st.integers(min_value=-30, max_value=365))),
            subject=draw(st.none() | st.sampled_from(subjects)) if subjects else None,
        )
        for i in range(draw(st.integers(min_value=1, max_value=5)))
    ]
    return data, waivers


@given(_waivers())
def test_waivers_never_turn_a_failure_into_a_pass(
    pair: tuple[dict[str, Any], list[Waiver]],
) -> None:
    data, waivers = pair
    plain = _assess(data)
    waived = _assess(data, waivers=waivers)
    status = {(f.rule, f.subjects, f.message): f.status for f in waived.findings}
    for finding in plain.findings:
        now = status[finding.rule, finding.subjects, finding.message]
        if finding.status is Status.FAIL:
            assert now in {Status.FAIL, Status.WAIVED}
        else:
            assert finding.status == now
    assert plain.counts["pass"] == waived.counts["pass"]
    assert all(f.status is Status.FAIL for f in waived.findings if f.rule.startswith("SMS-waiver"))


@pytest.mark.parametrize("days", [-1, 0])
def test_a_waiver_from_outside_top_management_or_expired_waives_nothing(days: int) -> None:
    data = _without_evidence(base_data())
    result = _assess(data)
    failing = next(f for f in result.findings if f.failed)
    approver = "ceo" if days < 0 else "po"  # expired, or approved by a process manager
    waiver = Waiver(
        id="w",
        target=failing.rule,
        justification="x",
        approver=approver,
        expires=AS_OF + timedelta(days=days),
    )
    after = _assess(data, waivers=[waiver])
    assert [] == [f for f in after.findings if f.status is Status.WAIVED]
    assert failing in after.findings
