"""Each gap kind has a case where it occurs (failing) and a near miss where it does not
(passing), under ``cases/<gap kind>/``; the first line of each file says what it shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from sms_model.graph import Gap, GapKind, find_gaps
from sms_model.model import ServiceManagementSystem

CASES = Path(__file__).with_name("cases")

Load = Callable[[str, str], ServiceManagementSystem]
Subjects = tuple[tuple[str, ...], ...]

#: The subjects of every gap of the kind the failing case must show, in order.
EXPECTED: dict[GapKind, Subjects] = {
    GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY: (("duty:scope", "advisor"),),
    GapKind.CLAUSE4_ACTIVITY_NOT_SHORT_TERM: (("duty:internal_audit", "auditfirm"),),
    GapKind.CLAUSE4_ACTIVITY_NOT_ACCOUNTABLE: (("duty:internal_audit", "auditfirm"),),
    GapKind.PLAN_KEPT_BY_DRAFTING_PARTY: (("smp", "consultancy"),),
    GapKind.MAJORITY_OPERATED_BY_OTHERS: (("availability", "capacity", "incident", "problem"),),
    GapKind.OTHER_PARTY_RATIO: (("availability", "capacity"),),
    GapKind.OTHER_PARTY_PROCESS_UNGOVERNED: (("capacity", "globex"),),
    GapKind.NO_ACCOUNTABLE_OWNER: (("change",),),
    GapKind.SEVERAL_ACCOUNTABLE_OWNERS: (("duty:scope", "cio", "smgr"),),
    GapKind.TOP_MANAGEMENT_MISSING: (("top_management",),),
    GapKind.TOP_MANAGEMENT_OUTSIDE_PROVIDER: (("advisor",),),
    GapKind.TOP_MANAGEMENT_NOT_ACCOUNTABLE: (("top_management", "sms"),),
    GapKind.REPORTING_LINE_BROKEN: (("smgr",),),
    GapKind.REPORTING_LINE_CYCLE: (("ceo", "cio", "smgr"),),
    GapKind.MISSING_INTERFACE: (("incident", "problem"),),
    GapKind.SUBCONTRACTOR_NOT_GOVERNED: (("availability", "datacenter", "globex"),),
    GapKind.SUPPLIER_CHAIN_CYCLE: (("datacenter", "globex"),),
}


def _of(kind: GapKind, gaps: tuple[Gap, ...]) -> Subjects:
    return tuple(gap.subjects for gap in gaps if gap.kind is kind)


def _one(kind: GapKind, sms: ServiceManagementSystem) -> Gap:
    (gap,) = [gap for gap in find_gaps(sms) if gap.kind is kind]
    return gap


def _cycle_graph() -> nx.MultiDiGraph[str]:
    from sms_model.graph import accountability_graph
    from sms_model.io import load

    return accountability_graph(load(CASES / "reporting_line_cycle" / "failing.yaml"))


def test_every_gap_kind_has_a_case_folder_and_an_expectation() -> None:
    expected = sorted(kind.value for kind in GapKind)
    assert expected == sorted(path.name for path in CASES.iterdir() if path.is_dir())
    assert expected == sorted(kind.value for kind in EXPECTED)


@pytest.mark.parametrize("kind", list(GapKind), ids=lambda kind: kind.value)
def test_failing_case_shows_exactly_the_planted_gaps(kind: GapKind, case: Load) -> None:
    gaps = find_gaps(case(kind.value, "failing"))
    assert EXPECTED[kind] == _of(kind, gaps)


@pytest.mark.parametrize("kind", list(GapKind), ids=lambda kind: kind.value)
def test_passing_case_shows_no_gap_of_the_kind(kind: GapKind, case: Load) -> None:
    gaps = find_gaps(case(kind.value, "passing"))
    expected: Subjects = ()
    assert expected == _of(kind, gaps)


@pytest.mark.parametrize("kind", list(GapKind), ids=lambda kind: kind.value)
def test_passing_case_has_no_gap_but_information(kind: GapKind, case: Load) -> None:
    gaps = find_gaps(case(kind.value, "passing"))
    expected: list[tuple[GapKind, tuple[str, ...]]] = []
    assert expected == [(gap.kind, gap.subjects) for gap in gaps if not gap.informational]


def test_reporting_cycle_is_a_gap_in_the_system_and_in_its_graph(case: Load) -> None:
    sms = case("reporting_line_cycle", "failing")
    for source in (sms, _cycle_graph()):
        (cycle,) = [gap for gap in find_gaps(source) if gap.kind is GapKind.REPORTING_LINE_CYCLE]
        expected = (("ceo", "cio", "smgr"), ("ceo", "smgr", "cio", "ceo"), "4.1.1")
        assert expected == (cycle.subjects, cycle.path, cycle.clause)
        assert "reporting lines loop: ceo -> smgr -> cio -> ceo" in cycle.message


def test_supplier_chain_cycle_names_the_loop_and_traces_to_7_2(case: Load) -> None:
    gap = _one(GapKind.SUPPLIER_CHAIN_CYCLE, case("supplier_chain_cycle", "failing"))
    expected = (("datacenter", "globex", "datacenter"), "7.2", ("APP-5",))
    assert expected == (gap.path, gap.clause, gap.guidance)
    assert "lead suppliers loop: datacenter -> globex -> datacenter" in gap.message


def test_a_supplier_naming_itself_as_lead_is_a_cycle(case: Load) -> None:
    import attrs

    sms = case("supplier_chain_cycle", "passing")
    globex = sms.get("globex")
    looped = sms.replace(attrs.evolve(globex, lead_supplier="globex"))
    gap = _one(GapKind.SUPPLIER_CHAIN_CYCLE, looped)
    assert (("globex",), ("globex", "globex")) == (gap.subjects, gap.path)


def test_two_person_reporting_loop_is_a_cycle() -> None:
    graph = _cycle_graph()
    graph.remove_edge("ceo", "smgr", key="reports_to")
    graph.add_edge("cio", "smgr", key="reports_to", kind="reports_to", records=())
    expected = (("cio", "smgr"),)
    assert expected == _of(GapKind.REPORTING_LINE_CYCLE, find_gaps(graph))


def test_owner_caught_in_a_reporting_loop_has_a_broken_line() -> None:
    graph = _cycle_graph()
    graph.remove_edge("ceo", "smgr", key="reports_to")
    graph.remove_edge("cio", "ceo", key="reports_to")
    graph.add_edge("cio", "smgr", key="reports_to", kind="reports_to", records=())
    graph.add_edge("smgr", "duty:scope", key="accountable_for", kind="accountable_for")
    broken = {g.subjects: g for g in find_gaps(graph) if g.kind is GapKind.REPORTING_LINE_BROKEN}
    assert ("smgr",) in broken
    assert "runs into a reporting cycle" in broken[("smgr",)].message


def test_majority_gap_reports_the_ratio(case: Load) -> None:
    gap = _one(GapKind.MAJORITY_OPERATED_BY_OTHERS, case("majority_operated_by_others", "failing"))
    expected = (4 / 6, False, "4.2", ("APP-4",))
    assert expected == (gap.ratio, gap.informational, gap.clause, gap.guidance)


def test_ratio_below_the_threshold_is_information(case: Load) -> None:
    gap = _one(GapKind.OTHER_PARTY_RATIO, case("other_party_ratio", "failing"))
    expected = (2 / 6, True)
    assert expected == (gap.ratio, gap.informational)
    assert "2 of 6 Clause 5-9 processes (33%)" in gap.message


def test_exactly_half_operated_by_others_is_not_a_majority(case: Load) -> None:
    gaps = find_gaps(case("majority_operated_by_others", "passing"))
    expected = [(GapKind.OTHER_PARTY_RATIO, 0.5)]
    assert expected == [(g.kind, g.ratio) for g in gaps if g.ratio is not None]


def test_ungoverned_process_message_names_every_problem(case: Load) -> None:
    sms = case("other_party_process_ungoverned", "failing")
    gap = _one(GapKind.OTHER_PARTY_PROCESS_UNGOVERNED, sms)
    expected = (
        "party 'globex' operates process 'capacity' (6.5), but agreement 'globex-contract' "
        "does not define authorities, responsibilities; agreement 'globex-contract' is not "
        "accessible to 'globex'; the provider lacks the 4.2 controls improvement_planning"
    )
    assert expected == gap.message
    expected_trace = (("globex", "capacity"), "4.2", ("APP-5",))
    assert expected_trace == (gap.path, gap.clause, gap.guidance)


def test_clause4_duty_gap_traces_to_app1_and_the_duty_clause(case: Load) -> None:
    sms = case("clause4_duty_held_by_other_party", "failing")
    gap = _one(GapKind.CLAUSE4_DUTY_HELD_BY_OTHER_PARTY, sms)
    expected = ("4.5.1", ("APP-1",), ("advisor", "duty:scope"))
    assert expected == (gap.clause, gap.guidance, gap.path)
    assert "'consultancy'" in gap.message


def test_broken_reporting_line_names_what_the_owner_answers_for(case: Load) -> None:
    gap = _one(GapKind.REPORTING_LINE_BROKEN, case("reporting_line_broken", "failing"))
    expected = (("smgr",), ("TM-f",))
    assert expected == (gap.path, gap.guidance)
    assert "accountable for 'configuration', 'incident', 'problem'" in gap.message
    assert "they report to no one" in gap.message


def test_subcontractor_gap_path_runs_from_provider_to_process(case: Load) -> None:
    gap = _one(GapKind.SUBCONTRACTOR_NOT_GOVERNED, case("subcontractor_not_governed", "failing"))
    expected = ("acme", "globex", "datacenter", "availability")
    assert expected == gap.path


def _plain_gap(gap: Gap) -> dict[str, object]:
    return {
        "kind": gap.kind.value,
        "subjects": list(gap.subjects),
        "message": gap.message,
        "path": list(gap.path),
        "clause": gap.clause,
        "guidance": list(gap.guidance),
        "informational": gap.informational,
        "ratio": gap.ratio,
    }


@pytest.mark.parametrize("kind", list(GapKind), ids=lambda kind: kind.value)
@pytest.mark.parametrize("name", ["failing", "passing"])
def test_every_gap_of_a_case_is_as_recorded(kind: GapKind, name: str, case: Load) -> None:
    # Pins what a reader sees of each gap, its message, path and clause included, for the
    # system and for its graph alike.
    from sms_model.graph import accountability_graph
    from tests import snapshots

    sms = case(kind.value, name)
    gaps = [_plain_gap(gap) for gap in find_gaps(sms)]
    assert gaps == [_plain_gap(gap) for gap in find_gaps(accountability_graph(sms))]
    snapshots.check(CASES / kind.value / "gaps.json", name, gaps)
