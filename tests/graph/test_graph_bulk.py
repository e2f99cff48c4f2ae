"""The bulk build of the accountability graph equals a plain build through networkx's methods.

``accountability_graph`` writes nodes and edges straight into the dictionaries of a
``MultiDiGraph``. The reference below builds the same graph the straightforward way: it collects
the nodes and the merged edges, then calls ``add_nodes_from`` and ``add_edges_from``. Both must
agree on every node, edge, key and attribute, and on the order of every adjacency dictionary.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterable
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given, settings

from sms_model.graph import (
    SMS_NODE,
    TOP_MANAGEMENT_NODE,
    EdgeKind,
    GapKind,
    NodeKind,
    _build,
    accountability_graph,
    duty_node,
    find_gaps,
)
from sms_model.model import (
    Agreement,
    AgreementKind,
    Clause4Duty,
    GovernanceControl,
    Objective,
    Party,
    PartyKind,
    Person,
    Policy,
    Process,
    ProcessKind,
    ServiceManagementSystem,
    TopManagement,
    references,
)
from sms_model.testing import sms_models
from tests.graph.test_graph_scale import _large

# --- the reference build --------------------------------------------------------------------


class _Reference:
    """Nodes and edges gathered in order; edges with the same key merge as documented."""

    def __init__(self) -> None:
        self.nodes: dict[str, dict[str, Any]] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}

    def node(self, key: str, kind: NodeKind, label: str, **attrs: Any) -> None:
        self.nodes.setdefault(key, {}).update(kind=kind.value, id=key, label=label, **attrs)

    def edge(
        self,
        source: str,
        target: str,
        kind: EdgeKind,
        records: Iterable[str | None] = (),
        key: str | None = None,
        **attrs: Any,
    ) -> None:
        new = tuple(r for r in records if r is not None)
        data = self.edges.get((source, target, key or kind.value))
        if data is None:
            self.edges[(source, target, key or kind.value)] = {
                "kind": kind.value,
                "records": new,
                **attrs,
            }
            return
        if new:
            data["records"] = tuple(dict.fromkeys((*data["records"], *new)))
        for name, value in attrs.items():
            if value is not None:
                data[name] = value

    def graph(self, sms: ServiceManagementSystem) -> nx.MultiDiGraph[str]:
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(provider=sms.provider, name=sms.name)
        graph.add_nodes_from(self.nodes.items())
        graph.add_edges_from((u, v, k, d) for (u, v, k), d in self.edges.items())  # type: ignore[misc]
        return graph


def _reference_graph(sms: ServiceManagementSystem) -> nx.MultiDiGraph[str]:
    """The graph built the plain way, topic by topic, in the order of the build."""
    ref = _Reference()
    _reference_nodes(ref, sms)
    _reference_people(ref, sms)
    _reference_artefacts(ref, sms)
    _reference_processes(ref, sms)
    _reference_other_party_work(ref, sms)
    _reference_top_management(ref, sms)
    for approval in sms.approvals:
        if approval.subject in ref.nodes:
            ref.edge(approval.approver, approval.subject, EdgeKind.APPROVES, (approval.id,))
    return ref.graph(sms)


def _reference_nodes(ref: _Reference, sms: ServiceManagementSystem) -> None:
    ref.node(SMS_NODE, NodeKind.SMS, sms.name)
    ref.node(TOP_MANAGEMENT_NODE, NodeKind.TOP_MANAGEMENT, "Top management")
    for duty in Clause4Duty:
        label = duty.value.replace("_", " ")
        ref.node(duty_node(duty.value), NodeKind.DUTY, label, duty=duty.value, clause=duty.clause)
    for party in sms.parties:
        kind = party.kind.value
        ref.node(
            party.id, NodeKind.PARTY, party.name, party_kind=kind, lead_supplier=party.lead_supplier
        )
    for person in sms.people:
        ref.node(person.id, NodeKind.PERSON, person.name, party=person.party)
    for role in sms.roles:
        ref.node(role.id, NodeKind.ROLE, role.name, party=role.party)
    for policy in sms.policies:
        ref.node(policy.id, NodeKind.POLICY, policy.title, policy_kind=policy.kind.value)
    for objective in sms.objectives:
        ref.node(objective.id, NodeKind.OBJECTIVE, objective.statement)
    for service in sms.services:
        ref.node(service.id, NodeKind.SERVICE, service.name, stage=service.stage.value)
    if sms.plan is not None:
        ref.node(sms.plan.id, NodeKind.PLAN, sms.plan.title, status=sms.plan.status.value)
    for agreement in sms.agreements:
        ref.node(
            agreement.id,
            NodeKind.AGREEMENT,
            agreement.title,
            agreement_kind=agreement.kind.value,
            terms=tuple(term.value for term in agreement.terms),
            accessible_to=agreement.accessible_to,
        )
    for process in sms.processes:
        ref.node(
            process.id,
            NodeKind.PROCESS,
            process.name or process.id,
            process_kind=process.kind.value,
            clause=process.kind.clause,
        )


def _reference_people(ref: _Reference, sms: ServiceManagementSystem) -> None:
    for party in sms.parties:
        if party.lead_supplier is not None:
            ref.edge(party.lead_supplier, party.id, EdgeKind.SUBCONTRACTS_TO)
    for person in sms.people:
        ref.edge(person.id, person.party, EdgeKind.MEMBER_OF)
    for person in sms.people:
        if person.reports_to is not None:
            ref.edge(person.id, person.reports_to, EdgeKind.REPORTS_TO)
    for role in sms.roles:
        ref.edge(role.id, role.party, EdgeKind.MEMBER_OF)
        for holder in role.holders:
            ref.edge(holder, role.id, EdgeKind.HOLDS_ROLE)


def _reference_artefacts(ref: _Reference, sms: ServiceManagementSystem) -> None:
    owned: list[Policy | Objective] = [*sms.policies, *sms.objectives]
    for item in owned:
        if item.owner is not None:
            ref.edge(item.owner, item.id, EdgeKind.ACCOUNTABLE_FOR)
    for service in sms.services:
        if service.owner is not None:
            ref.edge(service.owner, service.id, EdgeKind.ACCOUNTABLE_FOR)
        for party_id in service.supported_by:
            ref.edge(party_id, service.id, EdgeKind.SUPPLIES, (service.agreement,))
    plan = sms.plan
    if plan is not None:
        for who, kind in (
            (plan.owner, EdgeKind.ACCOUNTABLE_FOR),
            (plan.drafted_by, EdgeKind.DRAFTED),
            (plan.maintained_by, EdgeKind.MAINTAINS),
        ):
            if who is not None:
                ref.edge(who, plan.id, kind)
    for agreement in sms.agreements:
        for party_id in agreement.parties:
            ref.edge(party_id, agreement.id, EdgeKind.PARTY_TO)
        if sms.provider in agreement.parties:
            for party_id in agreement.parties:
                if party_id != sms.provider:
                    ref.edge(sms.provider, party_id, EdgeKind.GOVERNS, (agreement.id,))


def _reference_processes(ref: _Reference, sms: ServiceManagementSystem) -> None:
    recorded = {(o.party, o.process) for o in sms.other_party_processes if o.process}
    for process in sms.processes:
        if process.owner is not None:
            ref.edge(process.owner, process.id, EdgeKind.ACCOUNTABLE_FOR)
        for who in process.responsible:
            ref.edge(who, process.id, EdgeKind.RESPONSIBLE_FOR)
        operator = process.operated_by or sms.provider
        if (operator, process.id) not in recorded:
            ref.edge(operator, process.id, EdgeKind.OPERATES)
        for other in process.interfaces:
            ref.edge(process.id, other, EdgeKind.INTERFACES_WITH)
    for assignment in sms.duties:
        duty = duty_node(assignment.duty.value)
        ref.edge(assignment.accountable, duty, EdgeKind.ACCOUNTABLE_FOR)
        for who in assignment.responsible:
            ref.edge(who, duty, EdgeKind.RESPONSIBLE_FOR)


def _reference_other_party_work(ref: _Reference, sms: ServiceManagementSystem) -> None:
    for opp in sms.other_party_processes:
        activity = None if opp.activity is None else duty_node(opp.activity.value)
        target = opp.process or activity or opp.service or opp.component
        assert target is not None
        kind = (
            EdgeKind.OPERATES
            if opp.process is not None
            else EdgeKind.PERFORMS
            if activity is not None
            else EdgeKind.PROVIDES
        )
        records = (opp.id, opp.agreement)
        controls = tuple(c.value for c in opp.controls)
        ref.edge(
            opp.party,
            target,
            kind,
            records,
            key=f"{kind.value}:{opp.id}",
            other_party_process=opp.id,
            agreement=opp.agreement,
            accountable=opp.accountable,
            controls=controls,
            engagement=opp.engagement.value,
            governed_through=opp.governed_through,
        )
        if opp.accountable is not None:
            ref.edge(opp.accountable, target, EdgeKind.ACCOUNTABLE_FOR, records)
        if opp.process is not None and {c.value for c in GovernanceControl} <= set(controls):
            ref.edge(sms.provider, opp.process, EdgeKind.GOVERNS, records)
        if opp.governed_through is not None:
            ref.edge(opp.governed_through, opp.party, EdgeKind.GOVERNS, records)


def _reference_top_management(ref: _Reference, sms: ServiceManagementSystem) -> None:
    top = sms.top_management
    for member in top.members:
        ref.edge(member, TOP_MANAGEMENT_NODE, EdgeKind.MEMBER_OF)
    if top.representative is not None:
        ref.edge(
            TOP_MANAGEMENT_NODE,
            top.representative,
            EdgeKind.APPOINTS,
            (top.representative_appointment,),
        )
    members = set(top.members)

    def led_by_top(owner: str | None) -> bool:
        return owner is not None and any(p in members for p in sms.people_of(owner))

    reasons = [p.id for p in sms.processes if p.kind is ProcessKind.SMS and led_by_top(p.owner)]
    commitment = Clause4Duty.MANAGEMENT_COMMITMENT
    if any(d.duty is commitment and led_by_top(d.accountable) for d in sms.duties):
        reasons.append(duty_node(commitment.value))
    if reasons:
        ref.edge(TOP_MANAGEMENT_NODE, SMS_NODE, EdgeKind.ACCOUNTABLE_FOR, via=tuple(reasons))


# --- comparison -----------------------------------------------------------------------------


def _layout(graph: nx.MultiDiGraph[str]) -> list[object]:
    """Everything networkx shows of a graph, in order: graph, node, successor and predecessor
    dictionaries, edge keys and attributes (attribute order included)."""
    return [
        list(graph.graph.items()),
        [(n, list(data.items())) for n, data in graph.nodes(data=True)],
        [
            (
                u,
                [
                    (v, [(k, list(d.items())) for k, d in keyed.items()])
                    for v, keyed in nbrs.items()
                ],
            )
            for u, nbrs in graph.succ.items()
        ],
        [(v, [(u, list(keyed)) for u, keyed in nbrs.items()]) for v, nbrs in graph.pred.items()],
    ]


def _assert_same_as_reference(sms: ServiceManagementSystem) -> nx.MultiDiGraph[str]:
    built = accountability_graph(sms)
    reference = _reference_graph(sms)
    assert _layout(reference) == _layout(built)
    # find_gaps of an SMS reads an index built without the graph: the same gaps.
    gaps = find_gaps(reference)
    assert gaps == find_gaps(built)
    assert gaps == find_gaps(sms)
    return built


@settings(deadline=None, max_examples=100)
@given(sms_models(max_size=8))
def test_bulk_build_equals_a_build_through_networkx_methods(sms: ServiceManagementSystem) -> None:
    _assert_same_as_reference(sms)


@settings(deadline=None, max_examples=30)
@given(sms_models(max_size=8))
def test_each_edge_of_the_bulk_build_owns_its_attribute_dictionary(
    sms: ServiceManagementSystem,
) -> None:
    graph = accountability_graph(sms)
    datas = [data for _, _, data in graph.edges(data=True)]
    assert len(datas) == len({id(data) for data in datas})
    nodes = [data for _, data in graph.nodes(data=True)]
    assert len(nodes) == len({id(data) for data in nodes})
    # The successor and predecessor sides hold the same key dictionary, as add_edge makes them.
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert graph.pred[v][u][key] is data


def _built_through_networkx_methods(sms: ServiceManagementSystem) -> nx.MultiDiGraph[str]:
    """The graph as the build makes it when it cannot write networkx's dictionaries itself."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(provider=sms.provider, name=sms.name)
    builder = _build._GraphBuilder(graph)
    _build._add_nodes(builder, sms)
    _build._add_edges(builder, sms)
    builder._add_through_networkx()
    return graph


@settings(deadline=None, max_examples=30)
@given(sms_models(max_size=8))
def test_writing_the_dictionaries_equals_adding_through_networkx_methods(
    sms: ServiceManagementSystem,
) -> None:
    assert _layout(_built_through_networkx_methods(sms)) == _layout(accountability_graph(sms))


def test_only_an_empty_multidigraph_laid_out_as_networkx_does_is_written_directly() -> None:
    class Graph(nx.MultiDiGraph):  # type: ignore[type-arg]
        pass

    used: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    used.add_node("a")
    assert _build._storage(nx.MultiDiGraph()) is not None
    assert [None, None] == [_build._storage(used), _build._storage(Graph())]


def test_restated_references_name_only_entities_that_are_nodes() -> None:
    # An edge end that is no node would be added without attributes: a restated reference must
    # name only kinds of entity the graph has nodes for.
    node_kinds = {kind.value for kind in NodeKind}
    found = {
        (cls.__name__, ref.field): sorted(ref.kinds - node_kinds) if ref.kinds else ["any"]
        for cls, steps in _build._EDGES
        for ref in references(cls)
        for step in steps
        if isinstance(step, _build._Restates) and step.field == ref.field
    }
    restated = sum(
        isinstance(step, _build._Restates) for _, steps in _build._EDGES for step in steps
    )
    assert restated == len(found)
    assert {} == {field: kinds for field, kinds in found.items() if kinds}


def test_a_restated_field_must_be_a_reference() -> None:
    with pytest.raises(TypeError, match=r"Process\.name is no reference field"):
        _build._holds_many(Process, "name")
    assert (True, False) == (
        _build._holds_many(Process, "interfaces"),
        _build._holds_many(Process, "owner"),
    )


def test_changing_one_edge_leaves_edges_with_the_same_records_alone() -> None:
    sms = _with_shared_agreement()
    graph = accountability_graph(sms)
    graph.edges["acme", "globex", EdgeKind.GOVERNS.value]["records"] += ("extra",)
    graph.edges["acme", "initech", EdgeKind.GOVERNS.value]["note"] = "checked"
    assert ("contract",) == graph.edges["acme", "initech", EdgeKind.GOVERNS.value]["records"]
    assert "note" not in graph.edges["acme", "globex", EdgeKind.GOVERNS.value]
    expected = [(u, v) for u, v, k in graph.edges(keys=True) if k == EdgeKind.GOVERNS.value]
    assert [("acme", "globex"), ("acme", "initech")] == expected


def test_bulk_build_of_a_large_system_equals_the_reference() -> None:
    # Ten thousand processes and over fifty thousand edges, from the scale test.
    graph = _assert_same_as_reference(_large())
    assert graph.number_of_edges() >= 50_000


def test_graph_built_in_bulk_is_freed_without_the_cyclic_collector() -> None:
    sms = _with_shared_agreement()
    graph = accountability_graph(sms)
    find_gaps(graph)
    # networkx keeps its node, adjacency and edge views on the graph; find_gaps must not leave
    # one that points back to the graph, or the graph would wait for the cyclic collector.
    watch = weakref.ref(graph)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del graph
        assert watch() is None
    finally:
        if enabled:
            gc.enable()


def _with_shared_agreement() -> ServiceManagementSystem:
    return ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(
            Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="globex", name="Globex", kind=PartyKind.SUPPLIER),
            Party(id="initech", name="Initech", kind=PartyKind.SUPPLIER),
        ),
        people=(Person(id="ceo", name="Ada", party="acme"),),
        top_management=TopManagement(members=("ceo",)),
        processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="ceo"),),
        agreements=(
            Agreement(
                id="contract",
                kind=AgreementKind.CONTRACT,
                title="Outsourcing",
                parties=("acme", "globex", "initech"),
            ),
        ),
    )


# --- reporting lines edited by hand -----------------------------------------------------------


def _a_with_a_second_manager(
    **reports_to: str,
) -> tuple[ServiceManagementSystem, nx.MultiDiGraph[str]]:
    """People 'a' (reporting to 'b'), 'b' (top management) and the others named, each
    reporting to whom it says; and the graph, with 'c' added by hand as a second manager of
    'a' (the model allows one)."""
    people = [
        Person(id="a", name="A", party="acme", reports_to="b"),
        Person(id="b", name="B", party="acme"),
        *(Person(id=p, name=p.upper(), party="acme", reports_to=m) for p, m in reports_to.items()),
    ]
    sms = ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
        people=tuple(people),
        top_management=TopManagement(members=("b",)),
    )
    graph = accountability_graph(sms)
    graph.add_edge("a", "c", key=EdgeKind.REPORTS_TO.value, kind=EdgeKind.REPORTS_TO.value)
    return sms, graph


def test_loop_through_a_second_manager_of_an_edited_graph_is_a_cycle() -> None:
    # 'a' reports to 'b' and, added by hand, to 'c'; 'c' reports to 'a'. Following the first
    # manager by id ('b') never loops, yet the lines do: a -> c -> a.
    sms, graph = _a_with_a_second_manager(c="a")
    cycles = [g for g in find_gaps(graph) if g.kind is GapKind.REPORTING_LINE_CYCLE]
    assert [(("a", "c"), ("a", "c", "a"))] == [(g.subjects, g.path) for g in cycles]
    assert [] == [g for g in find_gaps(sms) if g.kind is GapKind.REPORTING_LINE_CYCLE]


def test_a_second_manager_that_makes_no_loop_is_no_cycle() -> None:
    # The several-managers path must not see loops where there are none: 'a' reports to 'b'
    # and, added by hand, to 'c'; 'c' reports to 'b'; 'b' is top management.
    _, graph = _a_with_a_second_manager(c="b")
    kinds = {g.kind for g in find_gaps(graph)}
    assert GapKind.REPORTING_LINE_CYCLE not in kinds
    assert GapKind.REPORTING_LINE_BROKEN not in kinds


def test_a_loop_among_people_with_several_managers_names_every_one_in_it() -> None:
    # 'a' -> 'c' -> 'd' -> 'a', with 'a' also reporting to top management ('b').
    _, graph = _a_with_a_second_manager(c="d", d="a")
    cycles = [g for g in find_gaps(graph) if g.kind is GapKind.REPORTING_LINE_CYCLE]
    assert [("a", "c", "d")] == [g.subjects for g in cycles]
    assert "a -> c -> d -> a" in cycles[0].message


def test_edge_kind_stored_as_a_non_string_is_read_as_its_string() -> None:
    sms = attrs.evolve(
        _with_shared_agreement(), processes=(Process(id="chg", kind=ProcessKind.CHANGE),)
    )

    class Kind:
        def __str__(self) -> str:
            return EdgeKind.ACCOUNTABLE_FOR.value

    graph = accountability_graph(sms)
    graph.add_edge("ceo", "chg", key="owner", kind=Kind())
    owners = [g for g in find_gaps(graph) if g.kind is GapKind.NO_ACCOUNTABLE_OWNER]
    assert "chg" not in [g.subjects[0] for g in owners]
