"""Properties of gap detection over generated service management systems."""

from __future__ import annotations

import json

import attrs
import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from sms_model.graph import GapKind, accountability_graph, find_gaps, to_node_link_json
from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    Clause4Duty,
    DutyAssignment,
    Engagement,
    GovernanceControl,
    OtherPartyProcess,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Role,
    ServiceManagementSystem,
    TopManagement,
)

OTHER_KINDS = [PartyKind.SUPPLIER, PartyKind.INTERNAL_GROUP, PartyKind.CUSTOMER, PartyKind.OTHER]


@st.composite
def smss(draw: st.DrawFn) -> ServiceManagementSystem:
    """A small SMS with other parties, roles, reporting lines, duties and other-party work.

    ``boss`` is always a provider person in top management, so properties can hand it duties.
    """
    others = [
        Party(
            id=f"party-{i}",
            name=f"Party {i}",
            kind=draw(st.sampled_from(OTHER_KINDS)),
            lead_supplier=draw(st.sampled_from([None, *(f"party-{j}" for j in range(i))])),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    party_ids = ["acme", *(p.id for p in others)]
    people = [Person(id="boss", name="Boss", party="acme")]
    for i in range(draw(st.integers(0, 6))):
        manager = draw(st.sampled_from([None, *(p.id for p in people)]))
        party = draw(st.sampled_from(party_ids))
        people.append(Person(id=f"person-{i}", name=f"P{i}", party=party, reports_to=manager))
    person_ids = [p.id for p in people]
    roles = [
        Role(
            id=f"role-{i}",
            name=f"Role {i}",
            party=draw(st.sampled_from(party_ids)),
            holders=tuple(draw(st.sets(st.sampled_from(person_ids), max_size=2))),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    owners = person_ids + [r.id for r in roles]
    members = ("boss", *sorted(draw(st.sets(st.sampled_from(person_ids[1:] or ["boss"])))))
    processes: list[Process] = []
    for i in range(draw(st.integers(0, 8))):
        processes.append(
            Process(
                id=f"process-{i}",
                kind=draw(st.sampled_from(list(ProcessKind))),
                owner=draw(st.sampled_from([None, *owners])),
                operated_by=draw(st.sampled_from([None, *party_ids])),
                interfaces=tuple(
                    draw(st.sets(st.sampled_from([p.id for p in processes] or ["-"]))) - {"-"}
                ),
            )
        )
    duties = [
        DutyAssignment(
            duty=draw(st.sampled_from(list(Clause4Duty))), accountable=draw(st.sampled_from(owners))
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    agreements = [
        Agreement(
            id=f"agreement-{i}",
            kind=AgreementKind.CONTRACT,
            title=f"Contract {i}",
            parties=tuple(draw(st.sets(st.sampled_from(party_ids), min_size=1))),
            terms=tuple(draw(st.sets(st.sampled_from(list(AgreementTerm))))),
            accessible_to=tuple(draw(st.sets(st.sampled_from(party_ids)))),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    opps = []
    for i in range(draw(st.integers(0, 3) if others else st.just(0))):
        on_process = processes and draw(st.booleans())
        opps.append(
            OtherPartyProcess(
                id=f"opp-{i}",
                party=draw(st.sampled_from([p.id for p in others])),
                process=draw(st.sampled_from([p.id for p in processes])) if on_process else None,
                activity=None if on_process else draw(st.sampled_from(list(Clause4Duty))),
                agreement=draw(st.sampled_from([None, *(a.id for a in agreements)])),
                accountable=draw(st.sampled_from([None, *owners])),
                controls=tuple(draw(st.sets(st.sampled_from(list(GovernanceControl))))),
                engagement=draw(st.sampled_from(list(Engagement))),
                governed_through=draw(st.sampled_from([None, *(p.id for p in others)])),
            )
        )
    return ServiceManagementSystem(
        name="Generated",
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER), *others),
        people=tuple(people),
        roles=tuple(roles),
        top_management=TopManagement(members=members),
        processes=tuple(processes),
        duties=tuple(duties),
        agreements=tuple(agreements),
        other_party_processes=tuple(opps),
    )


@settings(deadline=None)
@given(smss())
def test_provider_accountable_for_every_clause4_duty_removes_every_app1_gap(
    sms: ServiceManagementSystem,
) -> None:
    fixed = attrs.evolve(
        sms,
        duties=tuple(DutyAssignment(duty=duty, accountable="boss") for duty in Clause4Duty),
        other_party_processes=tuple(
            attrs.evolve(o, accountable="boss") if o.activity is not None else o
            for o in sms.other_party_processes
        ),
    )
    gaps = find_gaps(fixed)
    expected: list[GapKind] = []
    assert expected == [g.kind for g in gaps if g.kind is GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY]


@settings(deadline=None)
@given(smss(), st.sampled_from(["acme", "party-0"]))
def test_adding_an_unrelated_person_creates_no_gap(
    sms: ServiceManagementSystem, party: str
) -> None:
    party = party if party in sms else "acme"
    newcomer = Person(id="newcomer", name="New", party=party)
    assert find_gaps(sms) == find_gaps(attrs.evolve(sms, people=(*sms.people, newcomer)))


@settings(deadline=None)
@given(smss())
def test_gaps_of_an_sms_equal_those_of_its_graph_and_of_its_json(
    sms: ServiceManagementSystem,
) -> None:
    graph = accountability_graph(sms)
    back = nx.node_link_graph(json.loads(to_node_link_json(graph)), edges="edges")
    gaps = find_gaps(sms)
    assert gaps == find_gaps(graph)
    assert gaps == find_gaps(back)
    assert sorted(gaps, key=lambda g: (g.kind.value, g.subjects, g.message)) == list(gaps)


@settings(deadline=None)
@given(smss())
def test_share_of_other_party_processes_is_reported_once_with_its_ratio(
    sms: ServiceManagementSystem,
) -> None:
    managed = [p for p in sms.processes if p.kind.is_service_management_process]
    by_others = {p.id for p in managed if p.operated_by not in (None, "acme")}
    by_others |= {
        o.process for o in sms.other_party_processes if o.process in {p.id for p in managed}
    }
    kinds = {GapKind.MAJORITY_OPERATED_BY_OTHERS, GapKind.OTHER_PARTY_RATIO}
    shares = [(g.kind, g.ratio, g.subjects) for g in find_gaps(sms) if g.kind in kinds]
    if not managed:
        expected: list[tuple[GapKind, float | None, tuple[str, ...]]] = []
    else:
        ratio = len(by_others) / len(managed)
        kind = GapKind.MAJORITY_OPERATED_BY_OTHERS if ratio > 0.5 else GapKind.OTHER_PARTY_RATIO
        expected = [(kind, ratio, tuple(sorted(by_others)))]
    assert expected == shares


@settings(deadline=None)
@given(smss())
def test_without_expected_interfaces_no_interface_is_missing(sms: ServiceManagementSystem) -> None:
    expected: list[GapKind] = []
    assert expected == [
        g.kind for g in find_gaps(sms, interfaces=()) if g.kind is GapKind.MISSING_INTERFACE
    ]


@settings(deadline=None)
@given(smss())
def test_every_process_and_duty_has_at_most_one_ownership_gap(sms: ServiceManagementSystem) -> None:
    kinds = {GapKind.NO_ACCOUNTABLE_OWNER, GapKind.SEVERAL_ACCOUNTABLE_OWNERS}
    subjects = [g.subjects[0] for g in find_gaps(sms) if g.kind in kinds]
    assert sorted(set(subjects)) == sorted(subjects)
