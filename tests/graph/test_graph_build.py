"""The accountability graph: its nodes, edges and the records behind them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date

import attrs
import networkx as nx
import pytest

from sms_model.errors import ModelValidationError
from sms_model.graph import (
    SMS_NODE,
    TOP_MANAGEMENT_NODE,
    EdgeKind,
    Gap,
    GapKind,
    NodeKind,
    accountability_graph,
    duty_node,
    find_gaps,
)
from sms_model.model import (
    Approval,
    Clause4Duty,
    DutyAssignment,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Role,
    ServiceManagementSystem,
    TopManagement,
)

Load = Callable[[str, str], ServiceManagementSystem]


def _small(**changes: object) -> ServiceManagementSystem:
    base = ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
        people=(
            Person(id="ceo", name="Ada", party="acme"),
            Person(id="cio", name="Grace", party="acme", reports_to="ceo"),
        ),
        top_management=TopManagement(members=("ceo",)),
        processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="cio"),),
    )
    return attrs.evolve(base, **changes)


def _edges(graph: nx.MultiDiGraph[str], kind: EdgeKind) -> list[tuple[str, str]]:
    return sorted((u, v) for u, v, k in graph.edges(data="kind") if k == kind.value)


def test_import_sms_model_does_not_import_networkx() -> None:
    code = "import sys, sms_model; print('networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = "False"
    assert expected == out.stdout.strip()


def test_every_node_has_kind_id_and_label(case: Load) -> None:
    graph = accountability_graph(case("no_accountable_owner", "passing"))
    expected: list[str] = []
    assert expected == [
        n for n, d in graph.nodes(data=True) if not {"kind", "id", "label"} <= d.keys()
    ]
    assert expected == [n for n, d in graph.nodes(data=True) if d["id"] != n]


def test_graph_has_the_node_and_edge_kinds_of_the_issue(case: Load) -> None:
    sms = case("no_accountable_owner", "passing")
    approval = Approval(id="ap-1", subject="smp", approver="ceo", date=date(2024, 2, 1))
    graph = accountability_graph(attrs.evolve(sms, approvals=(approval,)))
    node_kinds = {kind for _, kind in graph.nodes(data="kind")}
    edge_kinds = {kind for _, _, kind in graph.edges(data="kind")}
    absent_from_case = {"service", "policy", "objective"}
    expected_nodes = {k.value for k in NodeKind} - absent_from_case
    assert expected_nodes == node_kinds
    required = {
        "accountable_for", "responsible_for", "performs", "operates", "approves", "reports_to",
        "member_of", "holds_role", "governs", "interfaces_with", "subcontracts_to",
    }  # fmt: skip
    expected: set[str] = set()
    assert expected == required - edge_kinds


def test_other_party_edges_carry_the_agreement_and_record(case: Load) -> None:
    graph = accountability_graph(case("no_accountable_owner", "passing"))
    operates = graph.edges["globex", "capacity", "operates:opp-capacity"]
    expected = (("opp-capacity", "globex-contract"), "globex-contract")
    assert expected == (operates["records"], operates["agreement"])
    performs = graph.edges["auditfirm", duty_node("internal_audit"), "performs:opp-audit"]
    expected = ("short_term", ("opp-audit", "audit-letter"))
    assert expected == (performs["engagement"], performs["records"])


def test_governs_edges_carry_the_agreements_and_records_behind_them(case: Load) -> None:
    graph = accountability_graph(case("no_accountable_owner", "passing"))
    expected = (
        ("globex-contract", "datacenter-contract"),
        ("opp-availability", "datacenter-contract"),
        ("opp-capacity", "globex-contract"),
    )
    assert expected == (
        graph.edges["acme", "globex", "governs"]["records"],
        graph.edges["globex", "datacenter", "governs"]["records"],
        graph.edges["acme", "capacity", "governs"]["records"],
    )


def test_approval_and_appointment_records_are_on_their_edges() -> None:
    sms = _small(
        approvals=(
            Approval(id="ap-chg", subject="chg", approver="ceo", date=date(2024, 1, 5)),
            Approval(id="ap-rep", subject="cio", approver="ceo", date=date(2024, 1, 6)),
        ),
        top_management=TopManagement(
            members=("ceo",), representative="cio", representative_appointment="ap-rep"
        ),
    )
    graph = accountability_graph(sms)
    expected = (("ap-chg",), ("ap-rep",))
    assert expected == (
        graph.edges["ceo", "chg", "approves"]["records"],
        graph.edges[TOP_MANAGEMENT_NODE, "cio", "appoints"]["records"],
    )


def test_top_management_is_accountable_for_the_sms_through_management_commitment() -> None:
    duty = DutyAssignment(duty=Clause4Duty.MANAGEMENT_COMMITMENT, accountable="ceo")
    graph = accountability_graph(_small(duties=(duty,)))
    expected = ("duty:management_commitment",)
    assert expected == graph.edges[TOP_MANAGEMENT_NODE, SMS_NODE, "accountable_for"]["via"]


def test_top_management_is_accountable_for_the_sms_through_the_sms_process() -> None:
    sms = _small(processes=(Process(id="sms-process", kind=ProcessKind.SMS, owner="ceo"),))
    graph = accountability_graph(sms)
    expected = ("sms-process",)
    assert expected == graph.edges[TOP_MANAGEMENT_NODE, SMS_NODE, "accountable_for"]["via"]


def test_commitment_held_below_top_management_does_not_make_it_accountable() -> None:
    duty = DutyAssignment(duty=Clause4Duty.MANAGEMENT_COMMITMENT, accountable="cio")
    graph = accountability_graph(_small(duties=(duty,)))
    assert not graph.has_edge(TOP_MANAGEMENT_NODE, SMS_NODE)


def test_repeated_assignment_merges_into_one_edge() -> None:
    duty = DutyAssignment(duty=Clause4Duty.SCOPE, accountable="cio")
    graph = accountability_graph(_small(duties=(duty, duty)))
    expected = 1
    assert expected == graph.number_of_edges("cio", duty_node("scope"))


def test_process_run_by_the_provider_is_operated_by_it() -> None:
    graph = accountability_graph(_small())
    expected = [("acme", "chg")]
    assert expected == _edges(graph, EdgeKind.OPERATES)
    node = graph.nodes["chg"]
    expected_attrs = ("process", "change", "9.2")
    assert expected_attrs == (node["kind"], node["process_kind"], node["clause"])


def test_entity_named_like_a_reserved_node_is_rejected_by_the_model() -> None:
    with pytest.raises(ModelValidationError, match="accountability graph") as info:
        _small(processes=(Process(id="sms", kind=ProcessKind.SMS, owner="ceo"),))
    expected = [("reserved-id", "$.processes[0].id")]
    assert expected == [(issue.code, issue.path) for issue in info.value.issues]


def test_find_gaps_rejects_what_is_not_an_sms_or_a_multidigraph() -> None:
    with pytest.raises(TypeError, match="got dict"):
        find_gaps({})  # type: ignore[arg-type]


def test_find_gaps_needs_the_provider_of_the_graph() -> None:
    graph = accountability_graph(_small())
    del graph.graph["provider"]
    with pytest.raises(ModelValidationError, match=r"\$\.graph\.provider"):
        find_gaps(graph)


def test_find_gaps_honours_an_edited_graph() -> None:
    graph = accountability_graph(_small())
    before = [g.kind for g in find_gaps(graph) if g.subjects == ("chg",)]
    graph.remove_edge("cio", "chg", key="accountable_for")
    after = [g.kind for g in find_gaps(graph) if g.subjects == ("chg",)]
    expected = ([], [GapKind.NO_ACCOUNTABLE_OWNER])
    assert expected == (before, after)


def test_user_interfaces_replace_the_default_set(case: Load) -> None:
    sms = case("missing_interface", "failing")
    none = [g for g in find_gaps(sms, interfaces=()) if g.kind is GapKind.MISSING_INTERFACE]
    custom = [
        (ProcessKind.CAPACITY, ProcessKind.CHANGE),
        (ProcessKind.CHANGE, ProcessKind.CAPACITY),
    ]
    gaps = [g for g in find_gaps(sms, interfaces=custom) if g.kind is GapKind.MISSING_INTERFACE]
    expected = ([], [("capacity", "change")])
    assert expected == (none, [g.subjects for g in gaps])


def test_interface_pair_with_an_absent_kind_is_not_expected() -> None:
    pair = [(ProcessKind.CHANGE, ProcessKind.CONFIGURATION)]
    gaps = find_gaps(_small(), interfaces=pair)
    expected: list[Gap] = []
    assert expected == [g for g in gaps if g.kind is GapKind.MISSING_INTERFACE]


def test_gaps_are_sorted_by_kind_then_subjects(case: Load) -> None:
    gaps = find_gaps(case("majority_operated_by_others", "failing"))
    expected = sorted(gaps, key=lambda g: (g.kind.value, g.subjects))
    assert expected == list(gaps)


def test_empty_top_management_is_missing_and_not_accountable_but_breaks_no_line() -> None:
    kinds = {g.kind for g in find_gaps(_small(top_management=TopManagement()))}
    assert {GapKind.TOP_MANAGEMENT_MISSING, GapKind.TOP_MANAGEMENT_NOT_ACCOUNTABLE} <= kinds
    assert GapKind.REPORTING_LINE_BROKEN not in kinds


def test_role_without_holders_is_no_owner() -> None:
    sms = _small(
        roles=(Role(id="chg-owner", name="Change owner", party="acme"),),
        processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="chg-owner"),),
    )
    (gap,) = [g for g in find_gaps(sms) if g.subjects == ("chg",)]
    expected = GapKind.NO_ACCOUNTABLE_OWNER
    assert expected == gap.kind
    assert "role 'chg-owner' has no holders" in gap.message


def test_provider_role_held_by_an_outsider_holds_a_duty_outside() -> None:
    sms = _small(
        parties=(
            Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="temp", name="Temp Agency", kind=PartyKind.SUPPLIER),
        ),
        people=(
            Person(id="ceo", name="Ada", party="acme"),
            Person(id="cio", name="Grace", party="acme", reports_to="ceo"),
            Person(id="contractor", name="Kim", party="temp"),
        ),
        roles=(Role(id="scope-owner", name="Scope owner", party="acme", holders=("contractor",)),),
        duties=(DutyAssignment(duty=Clause4Duty.SCOPE, accountable="scope-owner"),),
    )
    gaps = [g for g in find_gaps(sms) if g.kind is GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY]
    expected = [("duty:scope", "scope-owner")]
    assert expected == [g.subjects for g in gaps]
