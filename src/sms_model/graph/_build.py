"""Build the accountability graph of a service management system.

Who answers for what, who runs what, and on which record each link rests (ISO/IEC 20000-1:2011,
4.1 and 4.2; ISO/IEC 20000-2:2012, 1.2).

Most edges restate a reference of the model: a process's owner is accountable for it, a person
is a member of their party. Those are declared in ``_EDGES`` as a reference field and an edge
kind; whether the field holds one id or several is read from the field's reference metadata
(:func:`~sms_model.model.references`). Edges that say more than their reference (the records
behind them, a default, a condition on other fields or entities) are functions, listed in the
same table where they fall in the order of the build. The order matters: it is the order of
every adjacency dictionary of the graph.

Nodes and edges are gathered first (an edge met again merges into the first: its records
accumulate, first seen first, and its other attributes are filled in), then put in the graph in
bulk: written into networkx's dictionaries, exactly as ``add_nodes_from`` and
``add_edges_from`` would fill them but in a fraction of their time, or through those methods
when the graph is not laid out as expected. Every node and edge has an attribute dictionary of
its own, as networkx makes them; only immutable values are shared, such as the tuples of
record ids.

Length: one build feeds two sinks, the networkx graph and the lighter index that gap detection
reads (:func:`gap_index`), through the same node and edge code, so that both always hold the
same facts; splitting them would put the edge table and its two readers in different modules.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Final, Protocol

import attrs
import networkx as nx

from sms_model.graph._kinds import SMS_NODE, TOP_MANAGEMENT_NODE, EdgeKind, NodeKind, duty_node
from sms_model.model import (
    Agreement,
    Approval,
    Clause4Duty,
    DutyAssignment,
    GovernanceControl,
    LifecycleStage,
    Objective,
    OtherPartyProcess,
    Party,
    Person,
    Policy,
    Process,
    ProcessKind,
    Role,
    Service,
    ServiceManagementPlan,
    ServiceManagementSystem,
    TopManagement,
    entity_types,
    references,
)

__all__ = ["GapIndex", "accountability_graph", "gap_index"]

_ALL_CONTROLS = frozenset(control.value for control in GovernanceControl)

# Edge kinds as plain strings: the build reads them tens of thousands of times.
_ACCOUNTABLE_FOR: Final = EdgeKind.ACCOUNTABLE_FOR.value
_RESPONSIBLE_FOR: Final = EdgeKind.RESPONSIBLE_FOR.value
_PERFORMS: Final = EdgeKind.PERFORMS.value
_OPERATES: Final = EdgeKind.OPERATES.value
_PROVIDES: Final = EdgeKind.PROVIDES.value
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
    """Gathers the nodes and the merged edges of the graph, then adds them to it in bulk.

    Nodes come first, all of them, then edges, in the order they were first met: the order
    ``add_node`` and then ``add_edge`` one by one would give. An edge end that is no node
    becomes one, with no attributes, when the edges are added (as ``add_edge`` makes it),
    after every node added on purpose; :meth:`has_node` does not see it before. The graph's
    dictionaries are written directly when networkx lays them out as it has since version 2
    (see :func:`_storage`), else through ``add_nodes_from`` and ``add_edges_from``.
    """

    __slots__ = ("_edges", "_nodes", "_one", "graph")

    def __init__(self, graph: nx.MultiDiGraph[str]) -> None:
        self.graph = graph
        self._nodes: _Nodes = {}
        self._edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._one: dict[str, tuple[str]] = {}

    def node(self, key: str, attributes: dict[str, Any]) -> None:
        """Add node ``key``; a node already there keeps its place and takes these attributes."""
        data = self._nodes.get(key)
        if data is None:
            self._nodes[key] = attributes
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

    def edge(self, source: str, target: str, kind: str, records: tuple[str, ...] = ()) -> None:
        """Add the edge ``source -kind-> target`` keyed by its kind, with no other attribute."""
        key = (source, target, kind)
        data = self._edges.get(key)
        if data is None:
            self._edges[key] = {"kind": kind, "records": records}
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
        data = self._edges.get((source, target, key))
        if data is None:
            self._edges[(source, target, key)] = {"kind": kind, "records": records, **attrs}
            return
        if records:
            data["records"] = tuple(dict.fromkeys((*data["records"], *records)))
        for name, value in attrs.items():
            if value is not None:
                data[name] = value

    def finish(self) -> None:
        """Add the nodes, then the edges, to the graph."""
        storage = _storage(self.graph)
        if storage is None:
            self._add_through_networkx()
        else:
            self._write(*storage)
        # Clear networkx's cache (3.3 and later) as its own methods do after a change.
        cache = getattr(self.graph, "__networkx_cache__", None)
        if cache:
            cache.clear()

    def _add_through_networkx(self) -> None:
        # Each node and edge gets a copy of its attributes.
        self.graph.add_nodes_from(self._nodes.items())
        # networkx's type stubs leave out the (source, target, key, attributes) form.
        self.graph.add_edges_from(
            (source, target, key, data)  # type: ignore[misc]
            for (source, target, key), data in self._edges.items()
        )

    def _write(self, nodes: _Nodes, succ: _Adjacency, pred: _Adjacency) -> None:
        # What _add_through_networkx does, written straight into the graph's dictionaries: the
        # same nodes, edges, keys and attributes, and the same order of every dictionary
        # (tests/graph/test_graph_bulk.py compares both). The attribute dictionaries were made
        # for this graph alone, so they are used as they are.
        for key in self._nodes:
            succ[key] = {}
            pred[key] = {}
        nodes.update(self._nodes)
        late: list[str] = []
        for (source, target, key), data in self._edges.items():
            successors = succ.get(source)
            if successors is None:
                successors = succ[source] = {}
                pred[source] = {}
                late.append(source)
            keyed = successors.get(target)
            if keyed is None:
                if target not in succ:
                    succ[target] = {}
                    pred[target] = {}
                    late.append(target)
                keyed = successors[target] = pred[target][source] = {}
            keyed[key] = data
        for node in late:
            nodes[node] = {}


def _storage(graph: nx.MultiDiGraph[str]) -> tuple[_Nodes, _Adjacency, _Adjacency] | None:
    """The dictionaries an empty ``MultiDiGraph`` keeps its nodes and edges in, when they are
    laid out as in networkx 2 and 3 (``_node[n]``, ``_succ[u][v] = _pred[v][u] = {key: data}``);
    ``None`` for anything else, which then gets its nodes and edges through networkx's methods.

    Why not always the methods: for the 25,237 nodes and 71,387 edges of the benchmark's tier L,
    the whole build takes 0.36 s writing the dictionaries and 0.51 to 0.69 s through
    ``add_nodes_from`` and ``add_edges_from`` (medians of five runs, two rounds): one method call
    per edge would be most of the build's time.
    """
    if type(graph) is not nx.MultiDiGraph:
        return None
    found = [getattr(graph, name, None) for name in ("_node", "_succ", "_pred", "_adj")]
    nodes, succ, pred, adj = found
    shapes = all(type(d) is dict and not d for d in (nodes, succ, pred))
    if not shapes or adj is not succ:
        return None
    # networkx's type stubs do not describe its storage.
    return nodes, succ, pred  # type: ignore[return-value]


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


# --- edges ----------------------------------------------------------------------------------


class _Build:
    """What the edge steps of one build share: where they write, the system, and the work that
    other parties are recorded as doing (a bare ``operates`` edge is drawn only without one)."""

    __slots__ = ("builder", "provider", "recorded", "sms")

    def __init__(self, builder: _Sink, sms: ServiceManagementSystem) -> None:
        self.builder = builder
        self.sms = sms
        self.provider = sms.provider
        self.recorded = {(o.party, o.process) for o in sms.other_party_processes if o.process}


#: An edge step for one entity and its node: it adds the edges that entity makes.
_Step = Callable[[Any, str], None]


@attrs.frozen
class _Restates:
    """Edges that restate a reference: from the entity's node to each id in ``field`` (or, with
    ``into``, from each id to the entity's node), of kind ``kind``."""

    field: str
    kind: str
    into: bool = False

    def step(self, build: _Build, cls: type) -> _Step:
        edge = build.builder.edge
        get = operator.attrgetter(self.field)
        kind, into = self.kind, self.into
        if _MANY[cls, self.field]:

            def many(entity: Any, node: str) -> None:
                for other in get(entity):
                    if into:
                        edge(other, node, kind)
                    else:
                        edge(node, other, kind)

            return many

        def one(entity: Any, node: str) -> None:
            other = get(entity)
            if other is not None:
                if into:
                    edge(other, node, kind)
                else:
                    edge(node, other, kind)

        return one


@attrs.frozen
class _Says:
    """Edges that say more than a reference: ``make(build)`` gives the step; ``kinds`` are the
    kinds of edge it may add (it is left out of a build that wants none of them)."""

    make: Callable[[_Build], _Step]
    kinds: frozenset[str]


def _supplies(build: _Build) -> _Step:
    # The parties that support a service supply it, under the service's agreement.
    edge, record = build.builder.edge, build.builder.record

    def step(service: Service, node: str) -> None:
        if service.supported_by:
            records = record(service.agreement)
            for party in service.supported_by:
                edge(party, node, _SUPPLIES, records)

    return step


def _governs_by_agreement(build: _Build) -> _Step:
    # A documented agreement is how the provider governs a supplier (7.2).
    edge, record, provider = build.builder.edge, build.builder.record, build.provider

    def step(agreement: Agreement, node: str) -> None:
        parties = agreement.parties
        if provider in parties:
            records = record(node)
            for party in parties:
                if party != provider:
                    edge(provider, party, _GOVERNS, records)

    return step


def _operates(build: _Build) -> _Step:
    # The operator, the provider by default; work recorded as an other-party process gets its
    # own edge, with the engagement's details (see _other_party_work).
    edge, provider, recorded = build.builder.edge, build.provider, build.recorded

    def step(process: Process, node: str) -> None:
        operator = process.operated_by or provider
        if (operator, node) not in recorded:
            edge(operator, node, _OPERATES)

    return step


def _other_party_work(build: _Build) -> _Step:
    builder, provider = build.builder, build.provider
    edge = builder.edge

    def step(opp: OtherPartyProcess, node: str) -> None:
        target, kind = _work_of(opp)
        records = (node,) if opp.agreement is None else (node, opp.agreement)
        controls = tuple(control.value for control in opp.controls)
        # One edge per engagement, keyed by its record: two engagements of the same party for
        # the same work are judged each on its own terms, whatever their order in the file.
        attrs = {
            "other_party_process": node,
            "agreement": opp.agreement,
            "accountable": opp.accountable,
            "controls": controls,
            "engagement": opp.engagement.value,
            "governed_through": opp.governed_through,
        }
        builder.edge_with(opp.party, target, kind, records, f"{kind}:{node}", attrs)
        if opp.accountable is not None:
            edge(opp.accountable, target, _ACCOUNTABLE_FOR, records)
        if opp.process is not None and _ALL_CONTROLS.issubset(controls):
            edge(provider, opp.process, _GOVERNS, records)
        if opp.governed_through is not None:
            edge(opp.governed_through, opp.party, _GOVERNS, records)

    return step


def _work_of(opp: OtherPartyProcess) -> tuple[str, str]:
    """The node another party's work is about, and what the party does to it."""
    if opp.process is not None:
        return opp.process, _OPERATES
    if opp.activity is not None:
        return duty_node(opp.activity.value), _PERFORMS
    provided = opp.service or opp.component
    assert provided is not None  # the model requires exactly one of the four
    return provided, _PROVIDES


def _appoints(build: _Build) -> _Step:
    builder = build.builder

    def step(top: TopManagement, node: str) -> None:
        if top.representative is not None:
            records = builder.record(top.representative_appointment)
            builder.edge(node, top.representative, _APPOINTS, records)

    return step


def _answers_for_the_sms(build: _Build) -> _Step:
    sms = build.sms

    def step(top: TopManagement, node: str) -> None:
        members = set(top.members)

        def led_by_top(owner: str | None) -> bool:
            return owner is not None and any(p in members for p in sms.people_of(owner))

        # TM-b: top management answers for the SMS when one of its members owns the SMS
        # process or is accountable for management commitment (4.1.1).
        processes = sms.processes
        reasons = [p.id for p in processes if p.kind is ProcessKind.SMS and led_by_top(p.owner)]
        commitment = Clause4Duty.MANAGEMENT_COMMITMENT
        if any(d.duty is commitment and led_by_top(d.accountable) for d in sms.duties):
            reasons.append(duty_node(commitment.value))
        if reasons:
            attrs = {"via": tuple(reasons)}
            build.builder.edge_with(node, SMS_NODE, _ACCOUNTABLE_FOR, (), _ACCOUNTABLE_FOR, attrs)

    return step


def _approves(build: _Build) -> _Step:
    # Approvals come after every other node, so an approval of any artefact in the graph finds
    # its subject.
    builder = build.builder

    def step(approval: Approval, node: str) -> None:
        if builder.has_node(approval.subject):
            builder.edge(approval.approver, approval.subject, _APPROVES, builder.record(node))

    return step


def _says(make: Callable[[_Build], _Step], *kinds: str) -> _Says:
    return _Says(make, frozenset(kinds))


_OWNER: Final = _Restates("owner", _ACCOUNTABLE_FOR, into=True)
_RESPONSIBLE: Final = _Restates("responsible", _RESPONSIBLE_FOR, into=True)

#: Every edge of the graph, in the order of the build: for each entity class, the steps each of
#: its entities goes through (the entities of one class before those of the next).
_EDGES: Final[tuple[tuple[type, tuple[_Restates | _Says, ...]], ...]] = (
    (Party, (_Restates("lead_supplier", _SUBCONTRACTS_TO, into=True),)),
    (Person, (_Restates("party", _MEMBER_OF), _Restates("reports_to", _REPORTS_TO))),
    (Role, (_Restates("party", _MEMBER_OF), _Restates("holders", _HOLDS_ROLE, into=True))),
    (Policy, (_OWNER,)),
    (Objective, (_OWNER,)),
    (Service, (_OWNER, _says(_supplies, _SUPPLIES))),
    (
        ServiceManagementPlan,
        (
            _OWNER,
            _Restates("drafted_by", _DRAFTED, into=True),
            _Restates("maintained_by", _MAINTAINS, into=True),
        ),
    ),
    (
        Agreement,
        (_Restates("parties", _PARTY_TO, into=True), _says(_governs_by_agreement, _GOVERNS)),
    ),
    (
        Process,
        (
            _OWNER,
            _RESPONSIBLE,
            _says(_operates, _OPERATES),
            _Restates("interfaces", _INTERFACES_WITH),
        ),
    ),
    (DutyAssignment, (_Restates("accountable", _ACCOUNTABLE_FOR, into=True), _RESPONSIBLE)),
    (
        OtherPartyProcess,
        (_says(_other_party_work, _OPERATES, _PERFORMS, _PROVIDES, _ACCOUNTABLE_FOR, _GOVERNS),),
    ),
    (
        TopManagement,
        (
            _Restates("members", _MEMBER_OF, into=True),
            _says(_appoints, _APPOINTS),
            _says(_answers_for_the_sms, _ACCOUNTABLE_FOR),
        ),
    ),
    (Approval, (_says(_approves, _APPROVES),)),
)


def _holds_many(cls: type, field: str) -> bool:
    """Whether the reference field ``field`` of ``cls`` holds several ids, from its metadata."""
    for ref in references(cls):
        if ref.field == field:
            return ref.many
    raise TypeError(f"{cls.__name__}.{field} is no reference field")


#: Whether each restated field holds several ids (a field that is no reference fails on import).
_MANY: Final[Mapping[tuple[type, str], bool]] = {
    (cls, step.field): _holds_many(cls, step.field)
    for cls, steps in _EDGES
    for step in steps
    if isinstance(step, _Restates)
}

#: The field of the system holding each class's entities, and the node each entity stands for.
_HOLDERS: Final[Mapping[type, str]] = {
    **{t.cls: t.field for t in entity_types()},
    DutyAssignment: "duties",
    TopManagement: "top_management",
}
_NODE_OF: Final[Mapping[type, Callable[[Any], str]]] = {
    DutyAssignment: lambda duty: duty_node(duty.duty.value),
    TopManagement: lambda top: TOP_MANAGEMENT_NODE,
}
_BY_ID: Final[Callable[[Any], str]] = operator.attrgetter("id")


def _add_edges(builder: _Sink, sms: ServiceManagementSystem) -> None:
    build = _Build(builder, sms)
    wants = builder.wants
    for cls, declared in _EDGES:
        steps = [
            step.step(build, cls) if isinstance(step, _Restates) else step.make(build)
            for step in declared
            if (any(map(wants, step.kinds)) if isinstance(step, _Says) else wants(step.kind))
        ]
        held = getattr(sms, _HOLDERS[cls])
        if not steps or held is None:
            continue
        node_of = _NODE_OF.get(cls, _BY_ID)
        for entity in held if isinstance(held, tuple) else (held,):
            node = node_of(entity)
            for step in steps:
                step(entity, node)
