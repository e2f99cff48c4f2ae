"""Gaps in accountability: structural findings read off the accountability graph.

Each detector makes one pass over an index of the graph built in one pass, so finding every gap
takes time linear in the size of the graph; none searches a path per node. Detectors read only
the graph, so a graph built by :func:`~sms_model.graph.accountability_graph` and then edited by
hand is honoured. Given an SMS rather than a graph, the index is built straight from the SMS,
with the same facts the graph would hold, in a fraction of the graph's time and memory (at
100,000 evidence records, a third of the time of building the graph and reading it: the engine
finds its gaps this way). The gaps are the same, every field of every gap:
``tests/graph/test_gaps_equivalence.py`` compares both ways on generated systems, the examples
and the recorded gap cases.

Length: one detector per gap kind, each a short pass over the shared index; they are kept
together with the index they read (its two builders, from the graph and from the system),
which would otherwise have to be shared across modules as private API.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs
import networkx as nx

from sms_model.catalog import DEFAULT_INTERFACES
from sms_model.errors import Issue, ModelValidationError
from sms_model.graph._build import gap_index
from sms_model.graph._kinds import SMS_NODE, TOP_MANAGEMENT_NODE, EdgeKind, NodeKind
from sms_model.model import (
    AgreementTerm,
    Engagement,
    GovernanceControl,
    PlanStatus,
    ProcessKind,
    ServiceManagementSystem,
)

__all__ = ["Gap", "GapKind", "find_gaps"]


class GapKind(enum.Enum):
    """The kinds of gap :func:`find_gaps` reports. Values are stable public identifiers."""

    #: APP-1: a person or role of another party is accountable for a Clause 4 duty.
    CLAUSE4_DUTY_HELD_BY_OTHER_PARTY = "clause4_duty_held_by_other_party"
    #: APP-2: another party performs a Clause 4 activity as ongoing operation.
    CLAUSE4_ACTIVITY_NOT_SHORT_TERM = "clause4_activity_not_short_term"
    #: APP-2: another party performs a Clause 4 activity the provider is not accountable for.
    CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE = "clause4_activity_not_accountable"
    #: APP-3: an agreed plan drafted by another party is still owned or maintained outside.
    PLAN_KEPT_BY_DRAFTING_PARTY = "plan_kept_by_drafting_party"
    #: APP-4: other parties operate more than half of the Clause 5 to 9 processes.
    MAJORITY_OPERATED_BY_OTHERS = "majority_operated_by_others"
    #: APP-4, information only: the share of Clause 5 to 9 processes other parties operate.
    OTHER_PARTY_RATIO = "other_party_ratio"
    #: APP-5 and 4.2 a-d: another party's process lacks an adequate agreement or controls.
    OTHER_PARTY_PROCESS_UNGOVERNED = "other_party_process_ungoverned"
    #: A process or Clause 4 duty nobody is accountable for.
    NO_ACCOUNTABLE_OWNER = "no_accountable_owner"
    #: A process or Clause 4 duty with more than one accountable owner.
    SEVERAL_ACCOUNTABLE_OWNERS = "several_accountable_owners"
    #: TM-0: top management has no members.
    TOP_MANAGEMENT_MISSING = "top_management_missing"
    #: TM-0: a member of top management belongs to another party.
    TOP_MANAGEMENT_OUTSIDE_PROVIDER = "top_management_outside_provider"
    #: TM-b: nothing shows top management accountable for the SMS.
    TOP_MANAGEMENT_NOT_ACCOUNTABLE = "top_management_not_accountable"
    #: TM-f: an owner's reporting line does not reach top management.
    REPORTING_LINE_BROKEN = "reporting_line_broken"
    #: TM-f: reporting lines loop back on themselves.
    REPORTING_LINE_CYCLE = "reporting_line_cycle"
    #: An expected interface between two processes is not recorded.
    MISSING_INTERFACE = "missing_interface"
    #: 7.2: a sub-contractor's process is not governed through its lead supplier by the provider.
    SUBCONTRACTOR_NOT_GOVERNED = "subcontractor_not_governed"
    #: 7.2: lead suppliers loop (a supplier is, through its leads, its own lead supplier).
    SUPPLIER_CHAIN_CYCLE = "supplier_chain_cycle"

    @property
    def guidance(self) -> tuple[str, ...]:
        """The guidance ids of ISO/IEC 20000-2:2012 this kind of gap traces to."""
        return _GUIDANCE[self]


_GUIDANCE: Final[Mapping[GapKind, tuple[str, ...]]] = {
    GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY: ("APP-1",),
    GapKind.CLAUSE4_ACTIVITY_NOT_SHORT_TERM: ("APP-2",),
    GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE: ("APP-1", "APP-2"),
    GapKind.PLAN_KEPT_BY_DRAFTING_PARTY: ("APP-3",),
    GapKind.MAJORITY_OPERATED_BY_OTHERS: ("APP-4",),
    GapKind.OTHER_PARTY_RATIO: ("APP-4",),
    GapKind.OTHER_PARTY_PROCESS_UNGOVERNED: ("APP-5",),
    GapKind.NO_ACCOUNTABLE_OWNER: ("APP-5",),
    GapKind.SEVERAL_ACCOUNTABLE_OWNERS: ("APP-5",),
    GapKind.TOP_MANAGEMENT_MISSING: ("TM-0",),
    GapKind.TOP_MANAGEMENT_OUTSIDE_PROVIDER: ("TM-0", "APP-1"),
    GapKind.TOP_MANAGEMENT_NOT_ACCOUNTABLE: ("TM-b",),
    GapKind.REPORTING_LINE_BROKEN: ("TM-f",),
    GapKind.REPORTING_LINE_CYCLE: ("TM-f",),
    GapKind.MISSING_INTERFACE: (),
    GapKind.SUBCONTRACTOR_NOT_GOVERNED: ("APP-5",),
    GapKind.SUPPLIER_CHAIN_CYCLE: ("APP-5",),
}


def _frozen_params(value: Mapping[str, Any]) -> Mapping[str, Any]:
    # Imported here: importing the rules package when the graph package is imported would
    # import the whole engine; the module itself needs nothing but the standard library.
    from sms_model.rules._messages import plain_params

    return MappingProxyType(plain_params(value))


@attrs.frozen(kw_only=True)
class Gap:
    """A gap in accountability found in the graph: what kind, which subjects, what a person can
    follow to see it (``path``, node keys of the graph), and the clause and guidance it traces
    to. ``informational`` gaps report a fact (a ratio) rather than a problem.

    ``message`` is the English text. :func:`find_gaps` also gives it as data, as findings carry
    theirs: ``template`` is the English template the message is rendered from (fields are plain
    parameter names, converted by ``!r``, ``!s`` or ``!d`` at most; a list renders as its items
    joined by ``", "``), ``params`` the plain values it refers to (text, numbers, ``None``, or
    lists of those), and ``variant`` names the wording when one kind of gap has several (e.g.
    ``unset`` or ``outside``). :attr:`code` names the message for programs and translators:
    ``gap.<kind>``, or ``gap.<kind>.<variant>``; one code always comes with the same template.
    A gap made by hand may give only ``message``: ``template`` is then empty and ``params`` too.

    >>> gap = Gap(kind=GapKind.NO_ACCOUNTABLE_OWNER, subjects=("chg",), clause="9.2",
    ...           message="process 'chg' has no accountable owner")
    >>> gap.kind.value, gap.guidance, gap.informational
    ('no_accountable_owner', ('APP-5',), False)
    >>> gap.code, gap.template, dict(gap.params)
    ('gap.no_accountable_owner', '', {})
    """

    kind: GapKind
    subjects: tuple[str, ...]
    message: str
    clause: str
    path: tuple[str, ...] = ()
    guidance: tuple[str, ...] = attrs.field(
        default=attrs.Factory(lambda self: self.kind.guidance, takes_self=True)
    )
    informational: bool = False
    ratio: float | None = None
    template: str = ""
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_params, hash=False)
    variant: str = ""

    @property
    def code(self) -> str:
        """The message's code: ``gap.<kind>``, or ``gap.<kind>.<variant>`` for a variant.

        >>> Gap(kind=GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE, subjects=(), clause="4.1",
        ...     message="...", variant="unset").code
        'gap.clause4_activity_not_accountable.unset'
        """
        code = "gap." + self.kind.value
        return f"{code}.{self.variant}" if self.variant else code


def _gap(
    kind: GapKind,
    template: str,
    /,
    *,
    subjects: tuple[str, ...],
    clause: str,
    path: tuple[str, ...] = (),
    variant: str = "",
    informational: bool = False,
    ratio: float | None = None,
    **params: Any,
) -> Gap:
    """A gap whose message is ``template`` rendered with ``params`` (see :class:`Gap`)."""
    from sms_model.rules._messages import plain_params, render  # lazily: see _frozen_params

    plain = plain_params(params)
    return Gap(
        kind=kind,
        subjects=subjects,
        message=render(template, plain),
        clause=clause,
        path=path,
        informational=informational,
        ratio=ratio,
        template=template,
        params=plain,
        variant=variant,
    )


def find_gaps(
    sms_or_graph: ServiceManagementSystem | nx.MultiDiGraph[str],
    *,
    interfaces: Iterable[tuple[ProcessKind, ProcessKind]] | None = None,
) -> tuple[Gap, ...]:
    """Every accountability gap in an SMS or in its accountability graph, sorted by kind value
    and then by subjects (ISO/IEC 20000-1:2011, 4.1 and 4.2; ISO/IEC 20000-2:2012, 1.2).

    ``interfaces`` replaces :data:`~sms_model.catalog.DEFAULT_INTERFACES`: unordered pairs of
    process kinds expected to exchange information when the SMS has processes of both kinds.

    ``find_gaps(sms)`` equals ``find_gaps(accountability_graph(sms))`` but does not build the
    graph: prefer it when only the gaps are wanted.

    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem, TopManagement)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ...     processes=(Process(id="sms-process", kind=ProcessKind.SMS, owner="ceo"),
    ...                Process(id="chg", kind=ProcessKind.CHANGE)),
    ... )
    >>> gaps = find_gaps(sms)
    >>> [(g.kind.value, g.subjects) for g in gaps if g.kind is GapKind.NO_ACCOUNTABLE_OWNER][-1]
    ('no_accountable_owner', ('duty:sms_planning',))
    >>> [g.message for g in gaps if g.subjects == ("chg",)]
    ["process 'chg' (9.2) has no accountable owner; name one person or role of the provider as its owner"]
    >>> [(g.code, dict(g.params)) for g in gaps if g.subjects == ("chg",)]
    [('gap.no_accountable_owner.unnamed', {'what': "process 'chg' (9.2)"})]
    """  # noqa: E501
    if isinstance(sms_or_graph, ServiceManagementSystem):
        # The same facts as the graph's, without building the graph.
        view = _View.of_sms(sms_or_graph)
    elif isinstance(sms_or_graph, nx.MultiDiGraph):
        view = _View.of_graph(sms_or_graph)
    else:
        raise TypeError(
            "find_gaps expects a ServiceManagementSystem or the networkx.MultiDiGraph built by "
            f"accountability_graph, got {type(sms_or_graph).__name__}"
        )
    pairs = DEFAULT_INTERFACES if interfaces is None else tuple(interfaces)
    gaps: list[Gap] = []
    for detector in (
        _clause4_duties_held_outside,
        _clause4_activities,
        _plan_kept_by_drafter,
        _share_operated_by_others,
        _other_party_governance,
        _accountable_owners,
        _top_management,
        _reporting_lines,
        _subcontractors,
    ):
        gaps.extend(detector(view))
    gaps.extend(_missing_interfaces(view, pairs))
    # The same gap found twice (two records of the same work, say) is one gap.
    return tuple(sorted(dict.fromkeys(gaps), key=lambda g: (g.kind.value, g.subjects, g.message)))


# --- the index every detector reads ---------------------------------------------------------

_CLAUSE4_KINDS: Final = frozenset(k.value for k in ProcessKind if k.is_clause4)
_SMP_KINDS: Final = frozenset(k.value for k in ProcessKind if k.is_service_management_process)
_AGREED: Final = frozenset({PlanStatus.AGREED.value, PlanStatus.IMPLEMENTED.value})
_REQUIRED_TERMS: Final = (
    AgreementTerm.ACCOUNTABILITIES.value,
    AgreementTerm.AUTHORITIES.value,
    AgreementTerm.RESPONSIBILITIES.value,
)
_CONTROLS: Final = tuple(control.value for control in GovernanceControl)


#: The edge kinds some detector reads; the others (most edges of a large SMS) are not indexed.
_READ: Final = tuple(
    kind.value
    for kind in (
        EdgeKind.ACCOUNTABLE_FOR,
        EdgeKind.OPERATES,
        EdgeKind.PERFORMS,
        EdgeKind.REPORTS_TO,
        EdgeKind.MEMBER_OF,
        EdgeKind.HOLDS_ROLE,
        EdgeKind.GOVERNS,
        EdgeKind.INTERFACES_WITH,
        EdgeKind.SUBCONTRACTS_TO,
        EdgeKind.DRAFTED,
        EdgeKind.MAINTAINS,
    )
)


class _View:
    """The graph indexed once: nodes by kind, and the edges of the kinds detectors read, in the
    graph's order; edges into a target or out of a source are indexed per kind on first use.
    :meth:`of_sms` makes the same index from an SMS, without the graph.

    :meth:`of_graph` reads the graph's dictionaries (``_node`` and ``_succ``, which every networkx
    graph and graph view has) rather than ``graph.edges``: the edge view would be cached on the
    graph and hold it in a reference cycle, so a large graph would wait for the cyclic garbage
    collector instead of being freed as soon as it is no longer used.
    """

    def __init__(
        self,
        provider: str,
        nodes: Mapping[str, Mapping[str, Any]],
        edges: dict[str, list[tuple[str, str, Mapping[str, Any]]]],
    ) -> None:
        self.provider = provider
        self._node = nodes
        self.edges = edges
        self.nodes: dict[str, list[str]] = defaultdict(list)
        #: node -> its kind as a string, or None when it has none: looked up all the time.
        self._kinds: dict[str, str | None] = {}
        for node, attributes in nodes.items():
            kind = attributes.get("kind")
            if kind is not None and kind.__class__ is not str:
                kind = str(kind)
            self._kinds[node] = kind
            self.nodes[str(kind)].append(node)
        self._into: dict[str, dict[str, list[str]]] = {}
        self._out: dict[str, dict[str, list[str]]] = {}
        self._work: list[tuple[str, str, str, Mapping[str, Any]]] | None = None

    @classmethod
    def of_graph(cls, graph: nx.MultiDiGraph[str]) -> _View:
        provider = graph.graph.get("provider")
        if not isinstance(provider, str) or provider not in graph:
            issue = Issue(
                what="the graph names no provider party: build it with accountability_graph",
                path="$.graph.provider",
                found=repr(provider),
            )
            raise ModelValidationError([issue])
        # networkx's type stubs do not describe its storage: _node[n] = attributes and
        # _succ[u][v] = {key: attributes}, in networkx 2 and 3 alike.
        nodes: Mapping[str, Mapping[str, Any]] = graph._node  # type: ignore[attr-defined]
        succ: Mapping[str, Mapping[str, Mapping[str, Mapping[str, Any]]]]
        succ = graph._succ  # type: ignore[attr-defined]
        edges: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {k: [] for k in _READ}
        for source, successors in succ.items():
            for target, keyed in successors.items():
                for data in keyed.values():
                    kind = data.get("kind")
                    if kind.__class__ is not str:
                        kind = str(kind)
                    found = edges.get(kind)
                    if found is not None:
                        found.append((source, target, data))
        return cls(provider, nodes, edges)

    @classmethod
    def of_sms(cls, sms: ServiceManagementSystem) -> _View:
        index = gap_index(sms, _READ)
        return cls(index.provider, index.nodes, dict(index.edges))

    def has(self, node: object) -> bool:
        try:
            return node in self._node
        except TypeError:  # an unhashable value is no node, as networkx answers
            return False

    def kind(self, node: str) -> str | None:
        return self._kinds[node]

    def attr(self, node: str, name: str) -> Any:
        return self._node[node].get(name)

    def sources(self, kind: EdgeKind, target: str) -> list[str]:
        into = self._into.get(kind.value)
        if into is None:
            into = self._into[kind.value] = defaultdict(list)
            for source, end, _ in self.edges[kind.value]:
                into[end].append(source)
        return into.get(target, [])

    def targets(self, kind: EdgeKind, source: str) -> list[str]:
        out = self._out.get(kind.value)
        if out is None:
            out = self._out[kind.value] = defaultdict(list)
            for start, target, _ in self.edges[kind.value]:
                out[start].append(target)
        return out.get(source, [])

    def holders(self, role: str) -> list[str]:
        return self.sources(EdgeKind.HOLDS_ROLE, role)

    def party_of(self, node: str) -> str | None:
        if self.kind(node) == NodeKind.PARTY.value:
            return node
        party = self.attr(node, "party")
        return None if party is None else str(party)

    def people_of(self, node: str) -> list[str]:
        """The people behind an owner: the person, a role's holders, nobody for anything else."""
        kind = self.kind(node)
        if kind == NodeKind.PERSON.value:
            return [node]
        if kind == NodeKind.ROLE.value:
            return self.holders(node)
        return []

    def outsiders(self, node: str) -> list[str]:
        """Who makes this owner another party's: itself, or the holders of a provider role."""
        if self.party_of(node) != self.provider:
            return [node]
        if self.kind(node) == NodeKind.ROLE.value:
            return [p for p in self.holders(node) if self.party_of(p) != self.provider]
        return []

    def accountable(self, target: str) -> list[str]:
        return sorted(set(self.sources(EdgeKind.ACCOUNTABLE_FOR, target)))

    def work_of_others(self) -> list[tuple[str, str, str, Mapping[str, Any]]]:
        """(edge kind, party, target, data) for every process or activity another party runs."""
        if self._work is None:
            self._work = [
                (kind.value, party, target, data)
                for kind in (EdgeKind.OPERATES, EdgeKind.PERFORMS)
                for party, target, data in self.edges[kind.value]
                if party != self.provider
            ]
        return self._work

    def clause(self, node: str) -> str:
        return str(self.attr(node, "clause") or "4.2")

    def describe(self, node: str) -> str:
        """What a node is, for a message (its ``what`` parameter): ``process 'chg' (9.2)``."""
        kind = self.kind(node)
        clause = self.attr(node, "clause")
        tail = f" ({clause})" if clause else ""
        if kind == NodeKind.DUTY.value:
            return f"Clause 4 duty '{self.attr(node, 'duty') or node}'{tail}"
        return f"{kind or 'node'} '{node}'{tail}"


# --- detectors ------------------------------------------------------------------------------


def _clause4_duties_held_outside(view: _View) -> Iterator[Gap]:
    """APP-1: no other party can be made accountable for a Clause 4 requirement."""
    for duty in view.nodes[NodeKind.DUTY.value]:
        for owner in view.accountable(duty):
            outside = view.outsiders(owner)
            if outside:
                yield _gap(
                    GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY,
                    "{what} is held by '{owner}' of another party ({parties!r}); make a person "
                    "or role of the provider '{provider}' accountable for it instead",
                    subjects=(duty, owner),
                    path=(owner, duty),
                    clause=view.clause(duty),
                    what=view.describe(duty),
                    owner=owner,
                    parties=sorted({str(view.party_of(p)) for p in outside}),
                    provider=view.provider,
                )


def _clause4_activities(view: _View) -> Iterator[Gap]:
    """APP-2: another party may perform Clause 4 work only as specific short-term work, under the
    provider's accountability."""
    for edge_kind, party, target, data in view.work_of_others():
        if edge_kind == EdgeKind.OPERATES.value and view.attr(target, "process_kind") not in (
            _CLAUSE4_KINDS
        ):
            continue
        what = view.describe(target)
        engagement = data.get("engagement") or Engagement.ONGOING.value
        if engagement != Engagement.SHORT_TERM.value:
            yield _gap(
                GapKind.CLAUSE4_ACTIVITY_NOT_SHORT_TERM,
                "party '{party}' {verb} {what} as {engagement} work; another party may only "
                "perform specific, short-term Clause 4 work, so bring it back to the provider "
                "or limit the engagement",
                subjects=(target, party),
                path=(party, target),
                clause=view.clause(target),
                party=party,
                verb=edge_kind.replace("_", " "),
                what=what,
                engagement=str(engagement),
            )
        named = data.get("accountable")
        owners = [str(named)] if named is not None else view.accountable(target)
        outside = sorted({p for owner in owners for p in view.outsiders(owner)})
        if outside or not owners:
            variant = "outside" if outside else "unset"
            holders: dict[str, Any] = {"holders": outside} if outside else {}
            yield _gap(
                GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE,
                _UNACCOUNTABLE[variant],
                variant=variant,
                subjects=(target, party),
                path=(party, target),
                clause=view.clause(target),
                party=party,
                what=what,
                provider=view.provider,
                **holders,
            )


#: The wordings of Clause 4 work of another party without the provider's accountability, by
#: variant: held by people outside the provider, or by nobody.
_UNACCOUNTABLE: Final = {
    "outside": "party '{party}' performs {what}, but accountability for it is held outside the "
    "provider by {holders!r}; name a person or role of the provider '{provider}' as accountable",
    "unset": "party '{party}' performs {what}, but accountability for it is unset; name a person "
    "or role of the provider '{provider}' as accountable",
}


#: The wordings of a plan kept by its drafting party, by variant: what is wrong with who
#: maintains the plan (``unmaintained``, ``maintained-outside``), who owns it (``unowned``,
#: ``owned-outside``), or both.
_PLAN_KEPT: Final[Mapping[str, str]] = {
    "unmaintained": "the {status} plan '{plan}', drafted by {drafters!r}, names no maintainer; "
    "once agreed the provider '{provider}' must own and maintain it",
    "maintained-outside": "the {status} plan '{plan}', drafted by {drafters!r}, is maintained "
    "by {maintainers!r}; once agreed the provider '{provider}' must own and maintain it",
    "unowned": "the {status} plan '{plan}', drafted by {drafters!r}, has no owner; once agreed "
    "the provider '{provider}' must own and maintain it",
    "owned-outside": "the {status} plan '{plan}', drafted by {drafters!r}, is owned by "
    "{owners!r}, not all of the provider; once agreed the provider '{provider}' must own and "
    "maintain it",
    "unmaintained-unowned": "the {status} plan '{plan}', drafted by {drafters!r}, names no "
    "maintainer and has no owner; once agreed the provider '{provider}' must own and maintain "
    "it",
    "unmaintained-owned-outside": "the {status} plan '{plan}', drafted by {drafters!r}, names "
    "no maintainer and is owned by {owners!r}, not all of the provider; once agreed the "
    "provider '{provider}' must own and maintain it",
    "maintained-outside-unowned": "the {status} plan '{plan}', drafted by {drafters!r}, is "
    "maintained by {maintainers!r} and has no owner; once agreed the provider '{provider}' "
    "must own and maintain it",
    "maintained-outside-owned-outside": "the {status} plan '{plan}', drafted by {drafters!r}, "
    "is maintained by {maintainers!r} and is owned by {owners!r}, not all of the provider; "
    "once agreed the provider '{provider}' must own and maintain it",
}
#: The same for a plan no other party drafted: only keepers outside the provider are a gap here
#: (a plan with no owner or maintainer at all is the provider's own omission, not another
#: party's hold on it).
_PLAN_KEPT_OUTSIDE: Final[Mapping[str, str]] = {
    "maintained-outside": "the {status} plan '{plan}' is maintained by {maintainers!r}, outside "
    "the provider '{provider}', which must own and maintain it",
    "owned-outside": "the {status} plan '{plan}' is owned by {owners!r}, not all of the "
    "provider '{provider}', which must own and maintain it",
    "maintained-outside-owned-outside": "the {status} plan '{plan}' is maintained by "
    "{maintainers!r} and owned by {owners!r}, outside the provider '{provider}', which must "
    "own and maintain it",
}


def _plan_kept_by_drafter(view: _View) -> Iterator[Gap]:
    """APP-3: once agreed, the plan is the provider's own to keep: owned and maintained within
    the provider, whether another party drafted it (then a missing owner or maintainer is a gap
    too) or not."""
    for plan in view.nodes[NodeKind.PLAN.value]:
        status = view.attr(plan, "status")
        if status not in _AGREED:
            continue
        drafters = sorted({d for d in view.sources(EdgeKind.DRAFTED, plan) if d != view.provider})
        problems, params = _plan_keepers(view, plan)
        if not drafters:
            problems = [p for p in problems if p.endswith("outside")]
        if not problems:
            continue
        variant = "-".join(problems)
        template = _PLAN_KEPT[variant] if drafters else _PLAN_KEPT_OUTSIDE[variant]
        yield _gap(
            GapKind.PLAN_KEPT_BY_DRAFTING_PARTY,
            template,
            variant=variant if drafters else f"{variant}-undrafted",
            subjects=(plan, *drafters),
            path=(drafters[0], plan) if drafters else (plan,),
            clause="4.5.2",
            status=str(status),
            plan=plan,
            drafters=drafters,
            provider=view.provider,
            **params,
        )


def _plan_keepers(view: _View, plan: str) -> tuple[list[str], dict[str, Any]]:
    """What is wrong with who keeps the plan (in message order), and the keepers named."""
    problems: list[str] = []
    params: dict[str, Any] = {}
    maintainers = sorted(set(view.sources(EdgeKind.MAINTAINS, plan)))
    if not maintainers:
        problems.append("unmaintained")
    elif any(m != view.provider for m in maintainers):
        problems.append("maintained-outside")
        params["maintainers"] = maintainers
    owners = view.accountable(plan)
    if not owners:
        problems.append("unowned")
    elif any(view.outsiders(o) for o in owners):
        problems.append("owned-outside")
        params["owners"] = owners
    return problems, params


def _share_operated_by_others(view: _View) -> Iterator[Gap]:
    """APP-4: the share of Clause 5 to 9 processes that other parties operate."""
    processes = [
        p for p in view.nodes[NodeKind.PROCESS.value] if view.attr(p, "process_kind") in _SMP_KINDS
    ]
    if not processes:
        return
    operated = {t for kind, _, t, _ in view.work_of_others() if kind == EdgeKind.OPERATES.value}
    others = sorted(p for p in processes if p in operated)
    ratio = len(others) / len(processes)
    # As ``f"{ratio:.0%}"`` rounds: the ratio times 100, to a whole number.
    percent = int(format(ratio * 100, ".0f"))
    if len(others) * 2 > len(processes):
        yield _gap(
            GapKind.MAJORITY_OPERATED_BY_OTHERS,
            "other parties operate {operated} of {total} Clause 5-9 processes ({percent}%), "
            "more than half; the provider is unlikely to show governance of its SMS, so take "
            "back enough processes to operate most of them",
            subjects=tuple(others),
            clause="4.2",
            ratio=ratio,
            operated=len(others),
            total=len(processes),
            percent=percent,
        )
    else:
        yield _gap(
            GapKind.OTHER_PARTY_RATIO,
            "other parties operate {operated} of {total} Clause 5-9 processes ({percent}%), "
            "not more than half",
            subjects=tuple(others),
            clause="4.2",
            informational=True,
            ratio=ratio,
            operated=len(others),
            total=len(processes),
            percent=percent,
        )


#: The wordings of another party's ungoverned process, by variant: what is wrong with the
#: agreement (``no-agreement``, ``unknown-agreement``, ``undefined-terms``, ``inaccessible``,
#: or the last two), then ``no-controls`` when the provider lacks some of the 4.2 controls.
_UNGOVERNED: Final[Mapping[str, str]] = {
    "no-agreement": "party '{party}' {verb} {what}, but no documented agreement covers it",
    "no-agreement-no-controls": "party '{party}' {verb} {what}, but no documented agreement "
    "covers it; the provider lacks the 4.2 controls {controls}",
    "unknown-agreement": "party '{party}' {verb} {what}, but its agreement '{agreement}' is "
    "not in the SMS",
    "unknown-agreement-no-controls": "party '{party}' {verb} {what}, but its agreement "
    "'{agreement}' is not in the SMS; the provider lacks the 4.2 controls {controls}",
    "undefined-terms": "party '{party}' {verb} {what}, but agreement '{agreement}' does not "
    "define {terms}",
    "undefined-terms-no-controls": "party '{party}' {verb} {what}, but agreement '{agreement}' "
    "does not define {terms}; the provider lacks the 4.2 controls {controls}",
    "inaccessible": "party '{party}' {verb} {what}, but agreement '{agreement}' is not "
    "accessible to {excluded!r}",
    "inaccessible-no-controls": "party '{party}' {verb} {what}, but agreement '{agreement}' is "
    "not accessible to {excluded!r}; the provider lacks the 4.2 controls {controls}",
    "undefined-terms-inaccessible": "party '{party}' {verb} {what}, but agreement "
    "'{agreement}' does not define {terms}; agreement '{agreement}' is not accessible to "
    "{excluded!r}",
    "undefined-terms-inaccessible-no-controls": "party '{party}' {verb} {what}, but agreement "
    "'{agreement}' does not define {terms}; agreement '{agreement}' is not accessible to "
    "{excluded!r}; the provider lacks the 4.2 controls {controls}",
    "no-controls": "party '{party}' {verb} {what}, but the provider lacks the 4.2 controls "
    "{controls}",
}


def _other_party_governance(view: _View) -> Iterator[Gap]:
    """APP-5 and 4.2 a-d: a documented agreement both sides can read defines accountabilities,
    authorities and responsibilities, and the provider exercises the four controls."""
    for edge_kind, party, target, data in view.work_of_others():
        problems: list[str] = []
        params: dict[str, Any] = {}
        agreement = data.get("agreement")
        if agreement is None:
            problems.append("no-agreement")
        elif not view.has(agreement) or view.kind(agreement) != NodeKind.AGREEMENT.value:
            problems.append("unknown-agreement")
            params["agreement"] = str(agreement)
        else:
            terms = view.attr(agreement, "terms") or ()
            missing = [t for t in _REQUIRED_TERMS if t not in terms]
            if missing:
                problems.append("undefined-terms")
                params.update(agreement=str(agreement), terms=missing)
            readers = view.attr(agreement, "accessible_to") or ()
            blind = [p for p in (view.provider, party) if p not in readers]
            if blind:
                problems.append("inaccessible")
                params.update(agreement=str(agreement), excluded=blind)
        if edge_kind == EdgeKind.OPERATES.value:
            controls = data.get("controls") or ()
            lacking = [c for c in _CONTROLS if c not in controls]
            if lacking:
                problems.append("no-controls")
                params["controls"] = lacking
        if problems:
            variant = "-".join(problems)
            yield _gap(
                GapKind.OTHER_PARTY_PROCESS_UNGOVERNED,
                _UNGOVERNED[variant],
                variant=variant,
                subjects=(target, party),
                path=(party, target),
                clause="4.2",
                party=party,
                verb=edge_kind,
                what=view.describe(target),
                **params,
            )


def _accountable_owners(view: _View) -> Iterator[Gap]:
    """Exactly one owner answers for each process and each Clause 4 duty. A person who holds a
    role that is itself an owner is the same owner, not a second one."""
    for node_kind in (NodeKind.PROCESS, NodeKind.DUTY):
        for subject in view.nodes[node_kind.value]:
            named = view.accountable(subject)
            owners = {o for o in named if view.people_of(o) or view.kind(o) == NodeKind.PARTY.value}
            owners = {
                o
                for o in owners
                if not any(r in owners for r in view.targets(EdgeKind.HOLDS_ROLE, o))
            }
            what = view.describe(subject)
            if not owners and named:
                yield _gap(
                    GapKind.NO_ACCOUNTABLE_OWNER,
                    "{what} has no accountable owner (role {roles!r} has no holders); name one "
                    "person or role of the provider as its owner",
                    variant="no-holders",
                    subjects=(subject,),
                    path=(subject,),
                    clause=view.clause(subject),
                    what=what,
                    roles=named,
                )
            elif not owners:
                yield _gap(
                    GapKind.NO_ACCOUNTABLE_OWNER,
                    "{what} has no accountable owner; name one person or role of the provider "
                    "as its owner",
                    variant="unnamed",
                    subjects=(subject,),
                    path=(subject,),
                    clause=view.clause(subject),
                    what=what,
                )
            elif len(owners) > 1:
                ordered = sorted(owners)
                yield _gap(
                    GapKind.SEVERAL_ACCOUNTABLE_OWNERS,
                    "{what} has {count} accountable owners ({owners!r}); keep exactly one and "
                    "make the others responsible instead",
                    subjects=(subject, *ordered),
                    path=(subject, *ordered),
                    clause=view.clause(subject),
                    what=what,
                    count=len(ordered),
                    owners=ordered,
                )


def _members(view: _View) -> list[str]:
    return [
        m
        for m in view.sources(EdgeKind.MEMBER_OF, TOP_MANAGEMENT_NODE)
        if view.kind(m) == NodeKind.PERSON.value
    ]


def _top_management(view: _View) -> Iterator[Gap]:
    """TM-0: top management is identified and is the provider's; TM-b: it answers for the SMS."""
    members = _members(view)
    if not members:
        yield _gap(
            GapKind.TOP_MANAGEMENT_MISSING,
            "top management has no members; name the provider's people who direct and control "
            "it at the highest level",
            subjects=(TOP_MANAGEMENT_NODE,),
            path=(TOP_MANAGEMENT_NODE,),
            clause="4.1.1",
        )
    for member in sorted(set(members)):
        party = view.party_of(member)
        if party != view.provider:
            yield _gap(
                GapKind.TOP_MANAGEMENT_OUTSIDE_PROVIDER,
                "top management member '{member}' belongs to party '{party}', not to the "
                "provider '{provider}'; another party cannot supply top management",
                subjects=(member,),
                path=(member, TOP_MANAGEMENT_NODE),
                clause="4.1.1",
                member=member,
                party=party,
                provider=view.provider,
            )
    if SMS_NODE not in view.targets(EdgeKind.ACCOUNTABLE_FOR, TOP_MANAGEMENT_NODE):
        yield _gap(
            GapKind.TOP_MANAGEMENT_NOT_ACCOUNTABLE,
            "nothing shows top management accountable for the SMS; have a member own the SMS "
            "process or be accountable for the management commitment duty (4.1.1)",
            subjects=(TOP_MANAGEMENT_NODE, SMS_NODE),
            path=(TOP_MANAGEMENT_NODE, SMS_NODE),
            clause="4.1.1",
        )


def _reporting_lines(view: _View) -> Iterator[Gap]:
    """TM-f: every owner's reporting line reaches top management; reporting lines do not loop.

    Reachability is computed once, from top management down the reversed reporting edges; when
    top management is empty there is nothing to reach and ``top_management_missing`` says so.
    """
    # person -> their managers, nodes and managers in the order a DiGraph would keep them.
    lines: dict[str, dict[str, None]] = {}
    for person, manager, _ in view.edges[EdgeKind.REPORTS_TO.value]:
        managers = lines.get(person)
        if managers is None:
            managers = lines[person] = {}
        managers[manager] = None
        if manager not in lines:
            lines[manager] = {}
    ends: dict[str, str | None] = {}
    if all(len(managers) <= 1 for managers in lines.values()):
        # One manager each, as the model allows: lines loop exactly where a walk up them does.
        _line_ends(lines, lines, ends)
        looping = None in ends.values()
    else:
        looping = _has_cycle(lines)
    if looping:
        yield from _reporting_cycles(lines)
    members = _members(view)
    if not members:
        return
    reached = set(members)
    frontier = list(reached)
    while frontier:
        manager = frontier.pop()
        for person in view.sources(EdgeKind.REPORTS_TO, manager):
            if person not in reached:
                reached.add(person)
                frontier.append(person)
    owned: dict[str, list[str]] = defaultdict(list)
    subjects_kinds = (NodeKind.PROCESS.value, NodeKind.DUTY.value)
    for owner, target, _ in view.edges[EdgeKind.ACCOUNTABLE_FOR.value]:
        if view.kind(target) in subjects_kinds:
            for person in view.people_of(owner):
                if person not in reached and view.party_of(person) == view.provider:
                    owned[person].append(target)
    _line_ends(lines, owned, ends)
    for person in sorted(owned):
        subjects = sorted(set(owned[person]))
        end = ends.get(person, person)
        if end is None:
            yield _gap(
                GapKind.REPORTING_LINE_BROKEN,
                "'{person}' is accountable for {owned!r}, but their reporting line runs into a "
                "reporting cycle, so SMS performance cannot be reported to top management; "
                "connect it",
                variant="cycle",
                subjects=(person,),
                path=(person,),
                clause="4.1.1",
                person=person,
                owned=subjects,
            )
        elif end == person:
            yield _gap(
                GapKind.REPORTING_LINE_BROKEN,
                "'{person}' is accountable for {owned!r}, but their reporting line stops at "
                "them: they report to no one and are not in top management, so SMS performance "
                "cannot be reported to top management; connect it",
                variant="no-manager",
                subjects=(person,),
                path=(person,),
                clause="4.1.1",
                person=person,
                owned=subjects,
            )
        else:
            yield _gap(
                GapKind.REPORTING_LINE_BROKEN,
                "'{person}' is accountable for {owned!r}, but their reporting line ends at "
                "'{end}', who reports to no one and is not in top management, so SMS "
                "performance cannot be reported to top management; connect it",
                variant="dead-end",
                subjects=(person,),
                path=(person, end),
                clause="4.1.1",
                person=person,
                owned=subjects,
                end=end,
            )


def _line_ends(
    lines: Mapping[str, Mapping[str, None]], starts: Iterable[str], ends: dict[str, str | None]
) -> None:
    """Add to ``ends`` where the reporting line of each of ``starts`` ends (``None`` when it
    runs into a cycle), following the first manager by id; each person is walked once, so the
    whole computation is linear."""
    for start in starts:
        if start in ends:
            continue
        walk: list[str] = []
        on_walk: set[str] = set()
        node = start
        end: str | None
        while True:
            if node in ends:
                end = ends[node]
                break
            if node in on_walk:
                end = None
                break
            walk.append(node)
            on_walk.add(node)
            managers = lines.get(node)
            if not managers:
                end = node
                break
            node = min(managers)
        for visited in walk:
            ends[visited] = end


def _has_cycle(lines: Mapping[str, Mapping[str, None]]) -> bool:
    """Whether some reporting lines loop: peel off, again and again, the people whose managers
    are all peeled off already (those who report to no one first); a loop is never peeled."""
    reports: dict[str, list[str]] = defaultdict(list)
    waiting: dict[str, int] = {}
    for person, managers in lines.items():
        waiting[person] = len(managers)
        for manager in managers:
            reports[manager].append(person)
    free = [person for person, count in waiting.items() if count == 0]
    peeled = 0
    while free:
        manager = free.pop()
        peeled += 1
        for person in reports.get(manager, ()):
            waiting[person] -= 1
            if waiting[person] == 0:
                free.append(person)
    return peeled < len(lines)


def _reporting_cycles(lines: Mapping[str, Mapping[str, None]]) -> Iterator[Gap]:
    for component, path in _cycles(lines):
        yield _gap(
            GapKind.REPORTING_LINE_CYCLE,
            "reporting lines loop: {loop}; a loop never reaches top management, so give one of "
            "these people a manager outside the loop",
            subjects=component,
            path=path,
            clause="4.1.1",
            loop=" -> ".join(path),
        )


def _cycles(
    links: Mapping[str, Iterable[str]],
) -> Iterator[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Each loop of ``links`` (node -> the nodes it points to): the nodes of its strongly
    connected component, sorted, and one cycle through them from the smallest, closed."""
    # Rare: only now build a networkx graph, of the same nodes and edges in the same order.
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(links)
    graph.add_edges_from((node, target) for node, targets in links.items() for target in targets)
    for component in sorted(map(sorted, nx.strongly_connected_components(graph))):
        first = component[0]
        if len(component) == 1 and not graph.has_edge(first, first):
            continue
        cycle = nx.find_cycle(graph.subgraph(component), source=first)
        yield tuple(component), (*(edge[0] for edge in cycle), cycle[-1][1])


def _missing_interfaces(
    view: _View, pairs: Iterable[tuple[ProcessKind, ProcessKind]]
) -> Iterator[Gap]:
    """Processes of kinds expected to exchange information record an interface with each other
    (in either direction) when the SMS has processes of both kinds."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for process in view.nodes[NodeKind.PROCESS.value]:
        by_kind[str(view.attr(process, "process_kind"))].append(process)
    linked: set[frozenset[str]] = set()
    for source, target, _ in view.edges[EdgeKind.INTERFACES_WITH.value]:
        linked.add(
            frozenset({view.attr(source, "process_kind"), view.attr(target, "process_kind")})
        )
    seen: set[frozenset[str]] = set()
    for first, second in pairs:
        a, b = ProcessKind(first).value, ProcessKind(second).value
        pair = frozenset({a, b})
        if pair in seen or pair in linked or a not in by_kind or b not in by_kind:
            continue
        seen.add(pair)
        yield _gap(
            GapKind.MISSING_INTERFACE,
            "no {first} process records an interface with a {second} process; list it in the "
            "interfaces of one of them",
            subjects=tuple(sorted({*by_kind[a], *by_kind[b]})),
            clause="4.5.2",
            first=a.replace("_", " "),
            second=b.replace("_", " "),
        )


def _subcontractors(view: _View) -> Iterator[Gap]:
    """7.2: a sub-contractor's process is governed through its lead supplier, and the lead
    supplier is governed by the provider."""
    leads: dict[str, list[str]] = defaultdict(list)
    for lead, sub, _ in view.edges[EdgeKind.SUBCONTRACTS_TO.value]:
        leads[sub].append(lead)
    if _has_cycle({sub: dict.fromkeys(own) for sub, own in leads.items()} | _tops(leads)):
        yield from _supplier_cycles(leads)
    governed = set(view.targets(EdgeKind.GOVERNS, view.provider))
    for _, party, target, data in view.work_of_others():
        if party not in leads:
            continue
        through = data.get("governed_through")
        own_leads = sorted(leads[party])
        if through in own_leads and through in governed:
            continue
        lead = own_leads[0] if through not in own_leads else str(through)
        subjects = (target, party, lead)
        path = (view.provider, lead, party, target)
        what = view.describe(target)
        if through is None:
            yield _gap(
                GapKind.SUBCONTRACTOR_NOT_GOVERNED,
                "sub-contracted supplier '{party}' runs {what}, but it is not governed through "
                "its lead supplier {leads!r}: its record names no lead supplier to govern it "
                "through; the provider governs it through the lead supplier",
                variant="no-lead",
                subjects=subjects,
                path=path,
                clause="7.2",
                party=party,
                what=what,
                leads=own_leads,
            )
        elif through not in own_leads:
            yield _gap(
                GapKind.SUBCONTRACTOR_NOT_GOVERNED,
                "sub-contracted supplier '{party}' runs {what}, but it is not governed through "
                "its lead supplier {leads!r}: its record names '{through}' instead; the "
                "provider governs it through the lead supplier",
                variant="other-lead",
                subjects=subjects,
                path=path,
                clause="7.2",
                party=party,
                what=what,
                leads=own_leads,
                through=str(through),
            )
        else:
            yield _gap(
                GapKind.SUBCONTRACTOR_NOT_GOVERNED,
                "sub-contracted supplier '{party}' runs {what}, but its lead supplier '{lead}' "
                "has no agreement through which the provider governs it; the provider governs "
                "it through the lead supplier",
                variant="lead-ungoverned",
                subjects=subjects,
                path=path,
                clause="7.2",
                party=party,
                what=what,
                lead=lead,
            )


def _tops(leads: Mapping[str, list[str]]) -> dict[str, dict[str, None]]:
    """The lead suppliers that have no lead of their own (the ends of the chains)."""
    return {lead: {} for own in leads.values() for lead in own if lead not in leads}


def _supplier_cycles(leads: Mapping[str, list[str]]) -> Iterator[Gap]:
    for component, path in _cycles(leads):
        yield _gap(
            GapKind.SUPPLIER_CHAIN_CYCLE,
            "lead suppliers loop: {loop} (each names the next as its lead supplier), so no "
            "chain leads back to a supplier the provider contracts directly; give one of them "
            "no lead supplier, or the right one",
            subjects=component,
            path=path,
            clause="7.2",
            loop=" -> ".join(path),
        )
