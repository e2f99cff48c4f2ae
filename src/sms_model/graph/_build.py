"""Build the accountability graph of a service management system.

Who answers for what, who runs what, and on which record each link rests (ISO/IEC 20000-1:2011,
4.1 and 4.2; ISO/IEC 20000-2:2012, 1.2).

The graph is filled in bulk through the dictionaries a networkx ``MultiDiGraph`` keeps (``_node``,
``_succ`` and ``_pred``; ``_adj`` is ``_succ``), in exactly the order and shape that
``add_node`` and ``add_edge`` would give: every node, edge, key and attribute, and the order of
each adjacency dictionary, are those of adding the nodes one by one and then the edges one by one
(``tests/graph/test_graph_bulk.py`` compares both on generated systems). A large SMS has tens of
thousands of edges, and one method call per edge was most of the time spent.

Every edge keeps an attribute dictionary of its own, as networkx does, so a user who changes one
edge's attributes changes no other edge. Only immutable values are shared: the tuples of record
ids (an edge built from one agreement shares its ``records`` tuple with the others built from it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, Protocol

import attrs
import networkx as nx

from sms_model.graph._kinds import SMS_NODE, TOP_MANAGEMENT_NODE, EdgeKind, NodeKind, duty_node
from sms_model.model import (
    Clause4Duty,
    GovernanceControl,
    LifecycleStage,
    ProcessKind,
    ServiceManagementSystem,
)

__all__ = ["GapIndex", "accountability_graph", "gap_index"]

_ALL_CONTROLS = frozenset(control.value for control in GovernanceControl)

# Edge kinds as plain strings: the build reads them tens of thousands of times.
_ACCOUNTABLE_FOR: Final = EdgeKind.ACCOUNTABLE_FOR.value
_RESPONSIBLE_FOR: Final = EdgeKind.RESPONSIBLE_FOR.value
_PERFORMS: Final = EdgeKind.PERFORMS.value
_OPERATES: Final = EdgeKind.OPERATES.value
_APPROVES: Final = EdgeKind.APPROVES.value
_REPORTS_TO: Final = EdgeKind.REPORTS_TO.value
_MEMBER_OF: Final = EdgeKind.MEMBER_OF.value
_HOLDS_ROLE: Final = EdgeKind.HOLDS_ROLE.value
_GOVERNS: Final = EdgeKind.GOVERNS.value
_INTERFACES_WITH: Final = EdgeKind.INTERFACES_WITH.value
_SUPPLIES: Final = EdgeKind.SUPPLIES.value
_SUBCONTRACTS_TO: Final = EdgeKind.SUBCONTRACTS_TO.value
_APPOINTS: Final = EdgeKind.APPOINTS.value
_DRAFTED: Final = EdgeKind.DRAFTED.value
_MAINTAINS: Final = EdgeKind.MAINTAINS.value
_PARTY_TO: Final = EdgeKind.PARTY_TO.value

# Node kinds as plain strings.
_SMS: Final = NodeKind.SMS.value
_TOP_MANAGEMENT: Final = NodeKind.TOP_MANAGEMENT.value
_DUTY: Final = NodeKind.DUTY.value
_PARTY: Final = NodeKind.PARTY.value
_PERSON: Final = NodeKind.PERSON.value
_ROLE: Final = NodeKind.ROLE.value
_POLICY: Final = NodeKind.POLICY.value
_OBJECTIVE: Final = NodeKind.OBJECTIVE.value
_SERVICE: Final = NodeKind.SERVICE.value
_PLAN: Final = NodeKind.PLAN.value
_AGREEMENT: Final = NodeKind.AGREEMENT.value
_PROCESS: Final = NodeKind.PROCESS.value

#: node -> attributes, and node -> neighbour -> edge key -> edge attributes.
_Nodes = dict[str, dict[str, Any]]
_Adjacency = dict[str, dict[str, dict[str, dict[str, Any]]]]


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

    Each node and edge has an attribute dictionary of its own: changing one changes no other.

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
    builder = _GraphBuilder(graph)
    _add_nodes(builder, sms)
    _add_edges(builder, sms)
    builder.finish()
    return graph


class _GraphBuilder:
    """Writes nodes and edges straight into the dictionaries of a fresh ``MultiDiGraph``.

    Nodes come first, all of them, then edges, as ``add_node`` and then ``add_edges_from`` would
    add them. An edge whose key is already there merges into it: its records accumulate (first
    seen first) and its other attributes are filled in. An edge end that is no node yet becomes
    one, with no attributes, after every node added on purpose (as ``add_edge`` would, without
    letting :meth:`has_node` see it before the build ends).
    """

    __slots__ = ("_late", "_nodes", "_one", "_pred", "_succ", "graph")

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self.graph = graph
        # networkx's type stubs do not describe its storage; the layout is that of networkx 2
        # and 3: _node[n] = attrs, _succ[u][v] = _pred[v][u] = {key: attrs}.
        self._nodes: _Nodes = graph._node  # type: ignore[attr-defined]
        self._succ: _Adjacency = graph._succ  # type: ignore[attr-defined]
        self._pred: _Adjacency = graph._pred  # type: ignore[attr-defined]
        self._late: list[str] = []
        self._one: dict[str, tuple[str]] = {}

    def node(self, key: str, attributes: dict[str, Any]) -> None:
        """Add node ``key``; a node already there keeps its place and takes these attributes."""
        data = self._nodes.get(key)
        if data is None:
            self._nodes[key] = attributes
            self._succ[key] = {}
            self._pred[key] = {}
        else:
            data.update(attributes)

    def has_node(self, key: str) -> bool:
        """Whether ``key`` was added as a node (edge ends added on the way do not count)."""
        return key in self._nodes

    def wants(self, kind: str) -> bool:
        """Whether edges of this kind are kept: the graph keeps every kind."""
        return True

    def record(self, record: str | None) -> tuple[str, ...]:
        """The records tuple of one record id, shared by every edge that rests on it alone."""
        if record is None:
            return ()
        records = self._one.get(record)
        if records is None:
            records = self._one[record] = (record,)
        return records

    def _end(self, node: str) -> dict[str, dict[str, dict[str, Any]]]:
        """The successors of an edge end that is no node yet, made a node now."""
        self._late.append(node)
        successors: dict[str, dict[str, dict[str, Any]]] = {}
        self._succ[node] = successors
        self._pred[node] = {}
        return successors

    def edge(self, source: str, target: str, kind: str, records: tuple[str, ...] = ()) -> None:
        """Add the edge ``source -kind-> target`` keyed by its kind, with no other attribute."""
        successors = self._succ.get(source)
        if successors is None:
            successors = self._end(source)
        keyed = successors.get(target)
        if keyed is None:
            if target not in self._succ:
                self._end(target)
            successors[target] = self._pred[target][source] = {
                kind: {"kind": kind, "records": records}
            }
            return
        data = keyed.get(kind)
        if data is None:
            keyed[kind] = {"kind": kind, "records": records}
        elif records:
            data["records"] = tuple(dict.fromkeys((*data["records"], *records)))

    def edge_with(
        self,
        source: str,
        target: str,
        kind: str,
        records: tuple[str, ...],
        key: str,
        attrs: dict[str, Any],
    ) -> None:
        """Add an edge with its own ``key`` and more attributes; ``None`` values of ``attrs`` do
        not overwrite those of an edge already there."""
        successors = self._succ.get(source)
        if successors is None:
            successors = self._end(source)
        keyed = successors.get(target)
        if keyed is None:
            if target not in self._succ:
                self._end(target)
            keyed = successors[target] = self._pred[target][source] = {}
        data = keyed.get(key)
        if data is None:
            keyed[key] = {"kind": kind, "records": records, **attrs}
            return
        if records:
            data["records"] = tuple(dict.fromkeys((*data["records"], *records)))
        for name, value in attrs.items():
            if value is not None:
                data[name] = value

    def finish(self) -> None:
        """Give the edge ends that were no nodes their (empty) attributes, after all others."""
        for node in self._late:
            self._nodes[node] = {}
        # Clear networkx's cache (3.3 and later) as its own methods do after a change.
        cache = getattr(self.graph, "__networkx_cache__", None)
        if cache:
            cache.clear()


class _Sink(Protocol):
    """Where the build writes: a networkx graph, or the index :func:`gap_index` makes."""

    def node(self, key: str, attributes: dict[str, Any]) -> None: ...
    def has_node(self, key: str) -> bool: ...
    def wants(self, kind: str) -> bool: ...
    def record(self, record: str | None) -> tuple[str, ...]: ...
    def edge(self, source: str, target: str, kind: str, records: tuple[str, ...] = ()) -> None: ...
    def edge_with(
        self,
        source: str,
        target: str,
        kind: str,
        records: tuple[str, ...],
        key: str,
        attrs: dict[str, Any],
    ) -> None: ...


@attrs.frozen(kw_only=True)
class GapIndex:
    """What gap detection reads of the accountability graph, built straight from an SMS: the
    provider, every node's attributes (as ``graph.nodes`` has them) and the edges of the given
    kinds, ``(source, target, attributes)``, each edge once with its merged attributes. Edge
    attributes other than those of other-party work are not kept, nor are ``records``."""

    provider: str
    nodes: Mapping[str, Mapping[str, Any]]
    edges: Mapping[str, list[tuple[str, str, Mapping[str, Any]]]]


def gap_index(sms: ServiceManagementSystem, kinds: Iterable[str]) -> GapIndex:
    """The :class:`GapIndex` of ``sms`` for the edge kinds ``kinds``: the facts
    :func:`accountability_graph` would hold, without building the networkx graph (a fraction of
    its memory and time on a large SMS).

    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, ServiceManagementSystem, TopManagement)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ... )
    >>> index = gap_index(sms, ["member_of"])
    >>> [(u, v) for u, v, _ in index.edges["member_of"]], index.nodes["ceo"]["kind"]
    ([('ceo', 'acme'), ('ceo', 'top_management')], 'person')
    """
    builder = _IndexBuilder(sms.provider, kinds)
    _add_nodes(builder, sms)
    _add_edges(builder, sms)
    return builder.finish()


class _IndexBuilder:
    """Keeps the nodes, and the edges of some kinds merged by key as the graph would merge them.

    Plain edges share one read-only attribute mapping per kind: nothing outside gap detection
    sees them, and it reads only their kind."""

    __slots__ = ("_edges", "_late", "_nodes", "_plain", "_provider")

    def __init__(self, provider: str, kinds: Iterable[str]) -> None:
        self._provider = provider
        self._nodes: _Nodes = {}
        self._late: dict[str, None] = {}
        self._edges: dict[str, dict[tuple[str, str, str], Mapping[str, Any]]] = {
            kind: {} for kind in kinds
        }
        self._plain = {
            kind: MappingProxyType({"kind": kind, "records": ()}) for kind in self._edges
        }

    def node(self, key: str, attributes: dict[str, Any]) -> None:
        data = self._nodes.get(key)
        if data is None:
            self._nodes[key] = attributes
        else:
            data.update(attributes)

    def has_node(self, key: str) -> bool:
        return key in self._nodes

    def wants(self, kind: str) -> bool:
        return kind in self._edges

    def record(self, record: str | None) -> tuple[str, ...]:
        return ()

    def _ends(self, source: str, target: str) -> None:
        # An edge end that is no node becomes one, without attributes, once the build ends.
        if source not in self._nodes:
            self._late[source] = None
        if target not in self._nodes:
            self._late[target] = None

    def edge(self, source: str, target: str, kind: str, records: tuple[str, ...] = ()) -> None:
        found = self._edges.get(kind)
        if found is not None and (source, target, kind) not in found:
            self._ends(source, target)
            found[(source, target, kind)] = self._plain[kind]

    def edge_with(
        self,
        source: str,
        target: str,
        kind: str,
        records: tuple[str, ...],
        key: str,
        attrs: dict[str, Any],
    ) -> None:
        found = self._edges.get(kind)
        if found is None:
            return
        self._ends(source, target)
        data = found.get((source, target, key))
        if data is None:
            found[(source, target, key)] = {"kind": kind, "records": (), **attrs}
            return
        merged = dict(data)
        for name, value in attrs.items():
            if value is not None:
                merged[name] = value
        found[(source, target, key)] = merged

    def finish(self) -> GapIndex:
        for node in self._late:
            self._nodes.setdefault(node, {})
        edges = {
            kind: [(u, v, data) for (u, v, _), data in found.items()]
            for kind, found in self._edges.items()
        }
        return GapIndex(provider=self._provider, nodes=self._nodes, edges=edges)


# --- nodes ----------------------------------------------------------------------------------


def _add_nodes(builder: _Sink, sms: ServiceManagementSystem) -> None:
    # Attribute dictionaries are written as literals: kind, id and label first, then the rest.
    put = builder.node
    put(SMS_NODE, {"kind": _SMS, "id": SMS_NODE, "label": sms.name})
    put(
        TOP_MANAGEMENT_NODE,
        {"kind": _TOP_MANAGEMENT, "id": TOP_MANAGEMENT_NODE, "label": "Top management"},
    )
    for duty in Clause4Duty:
        key = duty_node(duty.value)
        label = duty.value.replace("_", " ")
        put(
            key,
            {"kind": _DUTY, "id": key, "label": label, "duty": duty.value, "clause": duty.clause},
        )
    for party in sms.parties:
        put(
            party.id,
            {
                "kind": _PARTY,
                "id": party.id,
                "label": party.name,
                "party_kind": party.kind.value,
                "lead_supplier": party.lead_supplier,
            },
        )
    for person in sms.people:
        put(
            person.id,
            {"kind": _PERSON, "id": person.id, "label": person.name, "party": person.party},
        )
    for role in sms.roles:
        put(role.id, {"kind": _ROLE, "id": role.id, "label": role.name, "party": role.party})
    for policy in sms.policies:
        put(
            policy.id,
            {
                "kind": _POLICY,
                "id": policy.id,
                "label": policy.title,
                "policy_kind": policy.kind.value,
            },
        )
    for objective in sms.objectives:
        put(objective.id, {"kind": _OBJECTIVE, "id": objective.id, "label": objective.statement})
    stages = {stage: stage.value for stage in LifecycleStage}
    for service in sms.services:
        put(
            service.id,
            {
                "kind": _SERVICE,
                "id": service.id,
                "label": service.name,
                "stage": stages[service.stage],
            },
        )
    plan = sms.plan
    if plan is not None:
        put(
            plan.id,
            {"kind": _PLAN, "id": plan.id, "label": plan.title, "status": plan.status.value},
        )
    terms: dict[tuple[Any, ...], tuple[str, ...]] = {}
    for agreement in sms.agreements:
        # Agreements often list the same terms: equal tuples are shared (they are immutable).
        values = terms.get(agreement.terms)
        if values is None:
            values = terms[agreement.terms] = tuple(term.value for term in agreement.terms)
        put(
            agreement.id,
            {
                "kind": _AGREEMENT,
                "id": agreement.id,
                "label": agreement.title,
                "agreement_kind": agreement.kind.value,
                "terms": values,
                "accessible_to": agreement.accessible_to,
            },
        )
    kinds = {kind: (kind.value, kind.clause) for kind in ProcessKind}
    for process in sms.processes:
        process_kind, clause = kinds[process.kind]
        put(
            process.id,
            {
                "kind": _PROCESS,
                "id": process.id,
                "label": process.name or process.id,
                "process_kind": process_kind,
                "clause": clause,
            },
        )


# --- edges, by topic, in a fixed order --------------------------------------------------------


def _add_edges(builder: _Sink, sms: ServiceManagementSystem) -> None:
    _parties_and_people(builder, sms)
    _artefacts(builder, sms)
    _processes(builder, sms)
    _duties(builder, sms)
    _other_party_work(builder, sms)
    _top_management(builder, sms)
    _approvals(builder, sms)


def _parties_and_people(builder: _Sink, sms: ServiceManagementSystem) -> None:
    edge = builder.edge
    for party in sms.parties:
        if party.lead_supplier is not None:
            edge(party.lead_supplier, party.id, _SUBCONTRACTS_TO)
    people = sms.people
    for person in people:
        edge(person.id, person.party, _MEMBER_OF)
    for person in people:
        if person.reports_to is not None:
            edge(person.id, person.reports_to, _REPORTS_TO)
    for role in sms.roles:
        edge(role.id, role.party, _MEMBER_OF)
        for holder in role.holders:
            edge(holder, role.id, _HOLDS_ROLE)


def _artefacts(builder: _Sink, sms: ServiceManagementSystem) -> None:
    edge = builder.edge
    supplies = builder.wants(_SUPPLIES)
    party_to = builder.wants(_PARTY_TO)
    for policy in sms.policies:
        if policy.owner is not None:
            edge(policy.owner, policy.id, _ACCOUNTABLE_FOR)
    for objective in sms.objectives:
        if objective.owner is not None:
            edge(objective.owner, objective.id, _ACCOUNTABLE_FOR)
    for service in sms.services:
        if service.owner is not None:
            edge(service.owner, service.id, _ACCOUNTABLE_FOR)
        if supplies and service.supported_by:
            records = builder.record(service.agreement)
            for party in service.supported_by:
                edge(party, service.id, _SUPPLIES, records)
    plan = sms.plan
    if plan is not None:
        if plan.owner is not None:
            edge(plan.owner, plan.id, _ACCOUNTABLE_FOR)
        if plan.drafted_by is not None:
            edge(plan.drafted_by, plan.id, _DRAFTED)
        if plan.maintained_by is not None:
            edge(plan.maintained_by, plan.id, _MAINTAINS)
    provider = sms.provider
    for agreement in sms.agreements:
        parties = agreement.parties
        if party_to:
            for party in parties:
                edge(party, agreement.id, _PARTY_TO)
        if provider in parties:
            # A documented agreement is how the provider governs a supplier (7.2).
            records = builder.record(agreement.id)
            for party in parties:
                if party != provider:
                    edge(provider, party, _GOVERNS, records)


def _processes(builder: _Sink, sms: ServiceManagementSystem) -> None:
    edge = builder.edge
    responsible = builder.wants(_RESPONSIBLE_FOR)
    provider = sms.provider
    # Work recorded as an other-party process gets its own edge, with the engagement's details
    # (see _other_party_work); a bare edge is drawn only where no such record exists.
    recorded = {(opp.party, opp.process) for opp in sms.other_party_processes if opp.process}
    for process in sms.processes:
        pid = process.id
        if process.owner is not None:
            edge(process.owner, pid, _ACCOUNTABLE_FOR)
        if responsible:
            for who in process.responsible:
                edge(who, pid, _RESPONSIBLE_FOR)
        operator = process.operated_by or provider
        if (operator, pid) not in recorded:
            edge(operator, pid, _OPERATES)
        for other in process.interfaces:
            edge(pid, other, _INTERFACES_WITH)


def _duties(builder: _Sink, sms: ServiceManagementSystem) -> None:
    edge = builder.edge
    responsible = builder.wants(_RESPONSIBLE_FOR)
    for assignment in sms.duties:
        node = duty_node(assignment.duty.value)
        edge(assignment.accountable, node, _ACCOUNTABLE_FOR)
        if responsible:
            for who in assignment.responsible:
                edge(who, node, _RESPONSIBLE_FOR)


def _other_party_work(builder: _Sink, sms: ServiceManagementSystem) -> None:
    edge = builder.edge
    provider = sms.provider
    for opp in sms.other_party_processes:
        if opp.process is not None:
            target, kind = opp.process, _OPERATES
        else:
            assert opp.activity is not None  # the model requires one of process and activity
            target, kind = duty_node(opp.activity.value), _PERFORMS
        records = (opp.id,) if opp.agreement is None else (opp.id, opp.agreement)
        controls = tuple(control.value for control in opp.controls)
        # One edge per engagement, keyed by its record: two engagements of the same party for
        # the same work are judged each on its own terms, whatever their order in the file.
        attrs = {
            "other_party_process": opp.id,
            "agreement": opp.agreement,
            "accountable": opp.accountable,
            "controls": controls,
            "engagement": opp.engagement.value,
            "governed_through": opp.governed_through,
        }
        builder.edge_with(opp.party, target, kind, records, f"{kind}:{opp.id}", attrs)
        if opp.accountable is not None:
            edge(opp.accountable, target, _ACCOUNTABLE_FOR, records)
        if opp.process is not None and _ALL_CONTROLS.issubset(controls):
            edge(provider, opp.process, _GOVERNS, records)
        if opp.governed_through is not None:
            edge(opp.governed_through, opp.party, _GOVERNS, records)


def _approvals(builder: _Sink, sms: ServiceManagementSystem) -> None:
    # After every other node, so an approval of any artefact in the graph finds its subject.
    if not builder.wants(_APPROVES):
        return
    for approval in sms.approvals:
        if builder.has_node(approval.subject):
            builder.edge(
                approval.approver, approval.subject, _APPROVES, builder.record(approval.id)
            )


def _top_management(builder: _Sink, sms: ServiceManagementSystem) -> None:
    top = sms.top_management
    for member in top.members:
        builder.edge(member, TOP_MANAGEMENT_NODE, _MEMBER_OF)
    if top.representative is not None:
        builder.edge(
            TOP_MANAGEMENT_NODE,
            top.representative,
            _APPOINTS,
            builder.record(top.representative_appointment),
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
        builder.edge_with(
            TOP_MANAGEMENT_NODE,
            SMS_NODE,
            _ACCOUNTABLE_FOR,
            (),
            _ACCOUNTABLE_FOR,
            {"via": tuple(reasons)},
        )
