"""Details of the gap detector that the recorded gap cases do not reach: whose accountability
counts for another party's Clause 4 work, a plan nobody keeps, and a graph with no provider."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml

import sms_model
from sms_model.errors import ModelValidationError
from sms_model.graph import GapKind, find_gaps

CASES = Path(__file__).with_name("cases")


def _edited(kind: str, edit: Callable[[dict[str, Any]], None]) -> sms_model.ServiceManagementSystem:
    data = yaml.safe_load((CASES / kind / "failing.yaml").read_text(encoding="utf-8"))
    edit(data)
    return sms_model.loads(yaml.safe_dump(data), "yaml")


def _audit_record(data: dict[str, Any]) -> dict[str, Any]:
    (record,) = [r for r in data["other_party_processes"] if r.get("activity") == "internal_audit"]
    return record  # type: ignore[no-any-return]


def _messages(sms: sms_model.ServiceManagementSystem, kind: GapKind) -> list[str]:
    return [gap.message for gap in find_gaps(sms) if gap.kind is kind]


def test_the_accountable_named_on_the_engagement_is_the_one_that_counts() -> None:
    # The audit firm's engagement names the provider's 'cio' as accountable for its audits:
    # the work is under the provider's accountability, even though the duty itself is (wrongly)
    # held by the firm's own auditor, which is a gap of its own.
    def edit(data: dict[str, Any]) -> None:
        _audit_record(data)["accountable"] = "cio"
        for duty in data["duties"]:
            if duty["duty"] == "internal_audit":
                duty["accountable"] = "auditor"

    sms = _edited("clause4_activity_not_accountable", edit)
    assert [] == _messages(sms, GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE)
    assert _messages(sms, GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY)


def test_clause4_work_with_nobody_accountable_says_accountability_is_unset() -> None:
    def edit(data: dict[str, Any]) -> None:
        del _audit_record(data)["accountable"]
        data["duties"] = [d for d in data["duties"] if d["duty"] != "internal_audit"]

    sms = _edited("clause4_activity_not_accountable", edit)
    assert [
        "party 'auditfirm' performs Clause 4 duty 'internal_audit' (4.5.4.2), but "
        "accountability for it is unset; name a person or role of the provider 'acme' as "
        "accountable"
    ] == _messages(sms, GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE)


def test_an_agreed_plan_drafted_elsewhere_with_no_keeper_names_both_problems() -> None:
    def edit(data: dict[str, Any]) -> None:
        del data["plan"]["maintained_by"]
        del data["plan"]["owner"]

    sms = _edited("plan_kept_by_drafting_party", edit)
    assert [
        "the agreed plan 'smp', drafted by 'consultancy', names no maintainer and has no "
        "owner; once agreed the provider 'acme' must own and maintain it"
    ] == _messages(sms, GapKind.PLAN_KEPT_BY_DRAFTING_PARTY)


@pytest.mark.parametrize(
    ("provider", "nodes"),
    [(None, []), ("acme", []), (5, [5])],
    ids=["none", "not-a-node", "not-a-string"],
)
def test_a_graph_without_a_provider_party_is_refused_with_what_was_found(
    provider: object, nodes: list[Any]
) -> None:
    graph: nx.MultiDiGraph[Any] = nx.MultiDiGraph(provider=provider)
    graph.add_nodes_from(nodes)
    with pytest.raises(ModelValidationError) as caught:
        find_gaps(graph)
    (issue,) = caught.value.issues
    assert "the graph names no provider party" in issue.what
    assert "accountability_graph" in issue.what
    assert "$.graph.provider" == issue.path
    assert repr(provider) == issue.found


def test_an_agreed_plan_nobody_else_drafted_is_a_gap_only_when_kept_outside() -> None:
    def kept_outside(data: dict[str, Any]) -> None:
        del data["plan"]["drafted_by"]
        data["plan"]["owner"] = "advisor"

    sms = _edited("plan_kept_by_drafting_party", kept_outside)
    (gap,) = [g for g in find_gaps(sms) if g.kind is GapKind.PLAN_KEPT_BY_DRAFTING_PARTY]
    assert (
        "the agreed plan 'smp' is maintained by 'consultancy' and owned by 'advisor', outside "
        "the provider 'acme', which must own and maintain it"
    ) == gap.message
    assert (("smp",), ("smp",)) == (gap.subjects, gap.path)
    assert "gap.plan_kept_by_drafting_party.maintained-outside-owned-outside-undrafted" == gap.code

    def kept_by_nobody(data: dict[str, Any]) -> None:
        for field in ("drafted_by", "maintained_by", "owner"):
            del data["plan"][field]

    assert [] == _messages(
        _edited("plan_kept_by_drafting_party", kept_by_nobody),
        GapKind.PLAN_KEPT_BY_DRAFTING_PARTY,
    )
