"""Build the accountability graph of a service management system.

Who answers for what, who runs what, and on which record each link rests (ISO/IEC 20000-1:2011,
4.1 and 4.2; ISO/IEC 20000-2:2012, 1.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

import networkx as nx

from sms_model.graph._kinds import SMS_NODE, TOP_MANAGEMENT_NODE, EdgeKind, NodeKind, duty_node
from sms_model.model import (
    Clause4Duty,
    GovernanceControl,
    OtherPartyProcess,
    ProcessKind,
    ServiceManagementSystem,
)

__all__ = ["accountability_graph"]

_ALL_CONTROLS = frozenset(control.value for control in GovernanceControl)


def accountability_graph(sms: ServiceManagementSystem) -> nx.MultiDiGraph[str]:
    """The accountability graph of ``sms``: who is accountable for, responsible for, operates,
    approves and governs what (ISO/IEC 20000-1:2011, 4.1.1, 4.1.3 and 4.2).

    Nodes are keyed by entity id, plus ``"sms"``, ``"top_management"`` and one
    ``"duty:<value>"`` node for each Clause 4 duty. Every node has ``kind``, ``id`` (its key) and
    ``label``; people and roles have ``party``; processes have ``process_kind`` and ``clause``.
    Every edge has ``kind`` (an :class:`EdgeKind` value, also used as the edge key) and
    ``records``: the ids of the agreements, approvals, appointments or other-party records that
    justify it. ``graph.graph["provider"]`` is the provider's party id. An entity whose id is
    ``"sms"``, ``"top_management"`` or starts with ``"duty:"`` would clash with those nodes: it
    raises :class:`~sms_model.errors.ModelValidationError`.

    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem, TopManagement)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ...     processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="ceo"),),
    ... )
    >>> graph = accountability_graph(sms)
    >>> graph.nodes["chg"]["kind"], graph.graph["provider"]
    ('process', 'acme')
    >>> sorted(kind for _, _, kind in graph.out_edges("ceo", keys=True))
    ['accountable_for', 'member_of', 'member_of']
    """
    # Entity ids cannot clash with the reserved node keys: the model refuses them.
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(provider=sms.provider, name=sms.name)
    graph.graph[_PENDING] = {}
    _add_node(graph, SMS_NODE, NodeKind.SMS, sms.name)
    _add_node(graph, TOP_MANAGEMENT_NODE, NodeKind.TOP_MANAGEMENT, "Top management")
    for duty in Clause4Duty:
        _add_node(
            graph,
            duty_node(duty.value),
            NodeKind.DUTY,
            duty.value.replace("_", " "),
            duty=duty.value,
            clause=duty.clause,
        )
    _add_parties_and_people(graph, sms)
    _add_artefacts(graph, sms)
    _add_processes(graph, sms)
    _add_duties(graph, sms)
    _add_other_party_work(graph, sms)
    _add_top_management(graph, sms)
    _add_approvals(graph, sms)
    _flush_edges(graph)
    return graph


# --- helpers ---------------------------------------------------------------------------------


def _add_node(
    graph: nx.MultiDiGraph[str], key: str, kind: NodeKind, label: str, **attrs: Any
) -> None:
    graph.add_node(key, kind=kind.value, id=key, label=label, **attrs)


#: Where edges wait during the build: merged in a dict, then added to the graph in one go.
_PENDING: Final = "__pending_edges__"


def _add_edge(
    graph: nx.MultiDiGraph[str],
    source: str,
    target: str,
    kind: EdgeKind,
    records: Iterable[str | None] = (),
    key: str | None = None,
    **attrs: Any,
) -> None:
    """Add an edge keyed by its kind (or by ``key``); a second edge with the same key merges
    into the first, so its records accumulate (first seen first) and its other attributes are
    filled in."""
    new = tuple(r for r in records if r is not None)
    key = key or kind.value
    pending: dict[tuple[str, str, str], dict[str, Any]] = graph.graph[_PENDING]
    data = pending.get((source, target, key))
    if data is None:
        pending[(source, target, key)] = {"kind": kind.value, "records": new, **attrs}
        return
    if new:
        data["records"] = tuple(dict.fromkeys((*data["records"], *new)))
    for name, value in attrs.items():
        if value is not None:
            data[name] = value


def _flush_edges(graph: nx.MultiDiGraph[str]) -> None:
    pending: dict[tuple[str, str, str], dict[str, Any]] = graph.graph.pop(_PENDING)
    # (u, v, key, data) tuples are how a multigraph takes keyed edges in bulk; the type stubs
    # only describe the 2- and 3-tuples of simple graphs.
    graph.add_edges_from((u, v, k, data) for (u, v, k), data in pending.items())  # type: ignore[misc]


# --- nodes and edges, by topic --------------------------------------------------------------


def _add_parties_and_people(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    for party in sms.parties:
        _add_node(
            graph,
            party.id,
            NodeKind.PARTY,
            party.name,
            party_kind=party.kind.value,
            lead_supplier=party.lead_supplier,
        )
    for party in sms.parties:
        if party.lead_supplier is not None:
            _add_edge(graph, party.lead_supplier, party.id, EdgeKind.SUBCONTRACTS_TO)
    for person in sms.people:
        _add_node(graph, person.id, NodeKind.PERSON, person.name, party=person.party)
        _add_edge(graph, person.id, person.party, EdgeKind.MEMBER_OF)
    for person in sms.people:
        if person.reports_to is not None:
            _add_edge(graph, person.id, person.reports_to, EdgeKind.REPORTS_TO)
    for role in sms.roles:
        _add_node(graph, role.id, NodeKind.ROLE, role.name, party=role.party)
        _add_edge(graph, role.id, role.party, EdgeKind.MEMBER_OF)
        for holder in role.holders:
            _add_edge(graph, holder, role.id, EdgeKind.HOLDS_ROLE)


def _add_artefacts(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    for policy in sms.policies:
        _add_node(graph, policy.id, NodeKind.POLICY, policy.title, policy_kind=policy.kind.value)
        if policy.owner is not None:
            _add_edge(graph, policy.owner, policy.id, EdgeKind.ACCOUNTABLE_FOR)
    for objective in sms.objectives:
        _add_node(graph, objective.id, NodeKind.OBJECTIVE, objective.statement)
        if objective.owner is not None:
            _add_edge(graph, objective.owner, objective.id, EdgeKind.ACCOUNTABLE_FOR)
    for service in sms.services:
        _add_node(graph, service.id, NodeKind.SERVICE, service.name, stage=service.stage.value)
        if service.owner is not None:
            _add_edge(graph, service.owner, service.id, EdgeKind.ACCOUNTABLE_FOR)
        for party in service.supported_by:
            _add_edge(graph, party, service.id, EdgeKind.SUPPLIES, (service.agreement,))
    plan = sms.plan
    if plan is not None:
        _add_node(graph, plan.id, NodeKind.PLAN, plan.title, status=plan.status.value)
        if plan.owner is not None:
            _add_edge(graph, plan.owner, plan.id, EdgeKind.ACCOUNTABLE_FOR)
        if plan.drafted_by is not None:
            _add_edge(graph, plan.drafted_by, plan.id, EdgeKind.DRAFTED)
        if plan.maintained_by is not None:
            _add_edge(graph, plan.maintained_by, plan.id, EdgeKind.MAINTAINS)
    for agreement in sms.agreements:
        _add_node(
            graph,
            agreement.id,
            NodeKind.AGREEMENT,
            agreement.title,
            agreement_kind=agreement.kind.value,
            terms=tuple(term.value for term in agreement.terms),
            accessible_to=agreement.accessible_to,
        )
        for party in agreement.parties:
            _add_edge(graph, party, agreement.id, EdgeKind.PARTY_TO)
        others = [p for p in agreement.parties if p != sms.provider]
        if sms.provider in agreement.parties:
            # A documented agreement is how the provider governs a supplier (7.2).
            for party in others:
                _add_edge(graph, sms.provider, party, EdgeKind.GOVERNS, (agreement.id,))


def _add_processes(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    for process in sms.processes:
        _add_node(
            graph,
            process.id,
            NodeKind.PROCESS,
            process.name or process.id,
            process_kind=process.kind.value,
            clause=process.kind.clause,
        )
    # Work recorded as an other-party process gets its own edge, with the engagement's details
    # (see _add_other_party_work); a bare edge is drawn only where no such record exists.
    recorded = {(opp.party, opp.process) for opp in sms.other_party_processes if opp.process}
    for process in sms.processes:
        if process.owner is not None:
            _add_edge(graph, process.owner, process.id, EdgeKind.ACCOUNTABLE_FOR)
        for who in process.responsible:
            _add_edge(graph, who, process.id, EdgeKind.RESPONSIBLE_FOR)
        operator = process.operated_by or sms.provider
        if (operator, process.id) not in recorded:
            _add_edge(graph, operator, process.id, EdgeKind.OPERATES)
        for other in process.interfaces:
            _add_edge(graph, process.id, other, EdgeKind.INTERFACES_WITH)


def _add_duties(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    for assignment in sms.duties:
        node = duty_node(assignment.duty.value)
        _add_edge(graph, assignment.accountable, node, EdgeKind.ACCOUNTABLE_FOR)
        for who in assignment.responsible:
            _add_edge(graph, who, node, EdgeKind.RESPONSIBLE_FOR)


def _add_other_party_work(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    for opp in sms.other_party_processes:
        target = opp.process if opp.process is not None else _activity_node(opp)
        kind = EdgeKind.OPERATES if opp.process is not None else EdgeKind.PERFORMS
        records = (opp.id, opp.agreement)
        controls = tuple(control.value for control in opp.controls)
        # One edge per engagement, keyed by its record: two engagements of the same party for
        # the same work are judged each on its own terms, whatever their order in the file.
        _add_edge(
            graph,
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
            _add_edge(graph, opp.accountable, target, EdgeKind.ACCOUNTABLE_FOR, records)
        if opp.process is not None and set(controls) >= _ALL_CONTROLS:
            _add_edge(graph, sms.provider, opp.process, EdgeKind.GOVERNS, records)
        if opp.governed_through is not None:
            _add_edge(graph, opp.governed_through, opp.party, EdgeKind.GOVERNS, records)


def _activity_node(opp: OtherPartyProcess) -> str:
    assert opp.activity is not None  # the model requires exactly one of process and activity
    return duty_node(opp.activity.value)


def _add_approvals(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    # After every other node, so an approval of any artefact in the graph finds its subject.
    for approval in sms.approvals:
        if approval.subject in graph:
            _add_edge(graph, approval.approver, approval.subject, EdgeKind.APPROVES, (approval.id,))


def _add_top_management(graph: nx.MultiDiGraph[str], sms: ServiceManagementSystem) -> None:
    top = sms.top_management
    for member in top.members:
        _add_edge(graph, member, TOP_MANAGEMENT_NODE, EdgeKind.MEMBER_OF)
    if top.representative is not None:
        _add_edge(
            graph,
            TOP_MANAGEMENT_NODE,
            top.representative,
            EdgeKind.APPOINTS,
            (top.representative_appointment,),
        )
    members = set(top.members)

    def led_by_top(owner: str | None) -> bool:
        return owner is not None and any(p in members for p in sms.people_of(owner))

    # TM-b: top management answers for the SMS when one of its members owns the SMS process or
    # is accountable for management commitment (4.1.1).
    reasons = [p.id for p in sms.processes if p.kind is ProcessKind.SMS and led_by_top(p.owner)]
    commitment = Clause4Duty.MANAGEMENT_COMMITMENT
    if any(d.duty is commitment and led_by_top(d.accountable) for d in sms.duties):
        reasons.append(duty_node(commitment.value))
    if reasons:
        _add_edge(
            graph, TOP_MANAGEMENT_NODE, SMS_NODE, EdgeKind.ACCOUNTABLE_FOR, via=tuple(reasons)
        )
