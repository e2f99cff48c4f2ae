"""Gap detection stays linear: a generated SMS of 10,000 processes and over 50,000 edges.

Linear is checked by counting work, never by timing it (a clock fails on a slow machine): four
times the processes may cost at most five times the function calls. Speed itself is measured
by the benchmarks in ``benchmarks/``.
"""

from __future__ import annotations

from collections.abc import Callable

from sms_model.catalog import DEFAULT_INTERFACES
from sms_model.graph import GapKind, accountability_graph, find_gaps
from sms_model.model import (
    Agreement,
    AgreementKind,
    AgreementTerm,
    Clause4Duty,
    DutyAssignment,
    GovernanceControl,
    OtherPartyProcess,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    ServiceManagementSystem,
    TopManagement,
)
from tests.robustness.robustness_support import assert_linear_work

PROCESSES = 10_000
#: One person for every five processes.
PROCESSES_PER_PERSON = 5
KINDS = [kind for kind in ProcessKind if kind.is_service_management_process]
#: The one expected interface the generated SMS leaves out.
LEFT_OUT = (ProcessKind.CHANGE, ProcessKind.INFORMATION_SECURITY)
TERMS = (AgreementTerm.ACCOUNTABILITIES, AgreementTerm.AUTHORITIES, AgreementTerm.RESPONSIBILITIES)


def _pid(i: int) -> str:
    return f"proc-{i:05d}"


def _large(count: int = PROCESSES) -> ServiceManagementSystem:
    # person-0 is top management; everyone else reports up a tree ten wide. The planted gaps
    # are among the first 2,000 processes.
    assert count >= 2_000
    staff = count // PROCESSES_PER_PERSON
    people = [
        Person(
            id=f"person-{i}",
            name=f"P{i}",
            party="acme",
            reports_to=None if i == 0 else f"person-{(i - 1) // 10}",
        )
        for i in range(staff)
    ]
    people.append(Person(id="orphan", name="Orphan", party="acme"))
    by_kind: dict[ProcessKind, list[int]] = {kind: [] for kind in KINDS}
    for i in range(count):
        by_kind[KINDS[i % len(KINDS)]].append(i)
    interfaces: dict[int, list[str]] = {i: [] for i in range(count)}
    for i in range(count):
        # Same-kind neighbours: plenty of edges, none of them satisfies an expected pair.
        for step in (len(KINDS), 2 * len(KINDS)):
            if i + step < count:
                interfaces[i].append(_pid(i + step))
    for a, b in DEFAULT_INTERFACES:
        if (a, b) != LEFT_OUT:
            interfaces[by_kind[a][0]].append(_pid(by_kind[b][0]))
    operated: dict[int, str] = dict.fromkeys(range(1000, 2000), "globex")
    operated[400] = "globex"  # planted: no agreement, no controls
    operated[500] = "subco"  # planted: sub-contractor not governed through its lead
    processes = [
        Process(
            id=_pid(i),
            kind=KINDS[i % len(KINDS)],
            owner=None if i == 100 else "orphan" if i == 300 else f"person-{i % staff}",
            responsible=(f"person-{(i + 1) % staff}", f"person-{(i + 2) % staff}"),
            operated_by=operated.get(i),
            interfaces=tuple(interfaces[i]),
        )
        for i in range(count)
    ]
    controls = tuple(GovernanceControl)
    opps = [
        OtherPartyProcess(
            id=f"opp-{i}",
            party="globex",
            process=_pid(i),
            agreement="globex-contract",
            accountable=f"person-{i % staff}",
            controls=controls,
        )
        for i in range(1000, 2000)
    ]
    opps.append(
        OtherPartyProcess(
            id="opp-subco",
            party="subco",
            process=_pid(500),
            agreement="subco-contract",
            accountable=f"person-{500 % staff}",
            controls=controls,
        )
    )
    both = ("acme", "globex", "subco")
    return ServiceManagementSystem(
        name="Large",
        provider="acme",
        parties=(
            Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="globex", name="Globex", kind=PartyKind.SUPPLIER),
            Party(id="subco", name="Subco", kind=PartyKind.SUPPLIER, lead_supplier="globex"),
        ),
        people=tuple(people),
        top_management=TopManagement(members=("person-0",)),
        duties=tuple(DutyAssignment(duty=d, accountable="person-0") for d in Clause4Duty),
        processes=tuple(processes),
        other_party_processes=tuple(opps),
        agreements=(
            Agreement(
                id="globex-contract",
                kind=AgreementKind.CONTRACT,
                title="Hosting",
                parties=("acme", "globex"),
                terms=TERMS,
                accessible_to=("acme", "globex"),
            ),
            Agreement(
                id="subco-contract",
                kind=AgreementKind.CONTRACT,
                title="Racks",
                parties=both,
                terms=TERMS,
                accessible_to=both,
            ),
        ),
    )


def test_gaps_of_ten_thousand_processes_are_the_planted_ones() -> None:
    sms = _large()
    graph = accountability_graph(sms)
    gaps = find_gaps(graph)
    assert graph.number_of_edges() >= 50_000
    assert sum(1 for n, k in graph.nodes(data="kind") if k == "process") == PROCESSES
    others = tuple(sorted({_pid(i) for i in range(1000, 2000)} | {_pid(400), _pid(500)}))
    left_out = tuple(sorted(p.id for p in sms.processes if p.kind in LEFT_OUT))
    expected = [
        (GapKind.MISSING_INTERFACE, left_out),
        (GapKind.NO_ACCOUNTABLE_OWNER, (_pid(100),)),
        (GapKind.OTHER_PARTY_PROCESS_UNGOVERNED, (_pid(400), "globex")),
        (GapKind.OTHER_PARTY_RATIO, others),
        (GapKind.REPORTING_LINE_BROKEN, ("orphan",)),
        (GapKind.SUBCONTRACTOR_NOT_GOVERNED, (_pid(500), "subco", "globex")),
    ]
    assert expected == [(g.kind, g.subjects) for g in gaps]
    assert gaps == find_gaps(sms)


def _through_the_graph(count: int) -> Callable[[], object]:
    sms = _large(count)
    return lambda: find_gaps(accountability_graph(sms))


def _without_the_graph(count: int) -> Callable[[], object]:
    sms = _large(count)
    return lambda: find_gaps(sms)


def test_building_the_graph_and_finding_its_gaps_is_linear_work() -> None:
    # 2,500 then 10,000 processes: about 3.5 times the calls today, 16 times if quadratic.
    assert_linear_work(_through_the_graph, 2_500)


def test_finding_the_gaps_without_the_graph_is_linear_work() -> None:
    assert_linear_work(_without_the_graph, 2_500)
