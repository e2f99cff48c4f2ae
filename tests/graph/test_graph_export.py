"""GraphML, node-link JSON, DOT and RACI exports of the accountability graph."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable

import networkx as nx
import pytest

from sms_model.graph import (
    Raci,
    RaciEntry,
    accountability_graph,
    find_gaps,
    raci_dataframe,
    raci_matrix,
    to_dot,
    to_graphml,
    to_node_link_json,
)
from sms_model.model import (
    Clause4Duty,
    DutyAssignment,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Role,
    ServiceManagementSystem,
)

Load = Callable[[str, str], ServiceManagementSystem]


def test_graphml_keeps_every_node_and_edge_and_writes_tuples_as_json(case: Load) -> None:
    graph = accountability_graph(case("no_accountable_owner", "passing"))
    back = nx.parse_graphml(to_graphml(graph), force_multigraph=True)
    expected = (graph.number_of_nodes(), graph.number_of_edges())
    assert expected == (back.number_of_nodes(), back.number_of_edges())
    expected_records = ["globex-contract", "opp-capacity"]  # written sorted
    assert expected_records == json.loads(
        back.edges["globex", "capacity", "operates:opp-capacity"]["records"]
    )
    assert "lead_supplier" not in back.nodes["globex"]  # None is left out


def test_node_link_json_is_deterministic_and_sorted(case: Load) -> None:
    sms = case("no_accountable_owner", "passing")
    text = to_node_link_json(accountability_graph(sms))
    assert text == to_node_link_json(accountability_graph(sms))
    data = json.loads(text)
    ids = [node["id"] for node in data["nodes"]]
    assert sorted(ids) == ids
    ends = [(e["source"], e["target"], e["key"]) for e in data["edges"]]
    assert sorted(ends) == ends


def test_node_link_json_round_trips_to_the_same_gaps(case: Load) -> None:
    graph = accountability_graph(case("majority_operated_by_others", "failing"))
    back = nx.node_link_graph(json.loads(to_node_link_json(graph)), edges="edges")
    assert find_gaps(graph) == find_gaps(back)


def test_dot_without_pydot_asks_for_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[dot\]"):
        to_dot(nx.MultiDiGraph())


def test_dataframe_without_pandas_asks_for_the_extra(
    monkeypatch: pytest.MonkeyPatch, case: Load
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[pandas\]"):
        raci_dataframe(case("no_accountable_owner", "passing"))


def test_dot_quotes_every_id_and_writes_every_edge(case: Load) -> None:
    pytest.importorskip("pydot")
    graph = accountability_graph(case("no_accountable_owner", "passing"))
    text = to_dot(graph)
    expected: list[str] = []
    assert expected == [node for node in graph.nodes if f'"{node}" [' not in text]
    assert graph.number_of_edges() == text.count(" -> ")
    assert '"auditfirm" -> "duty:internal_audit" [kind="performs"' in text


def test_raci_dataframe_has_a_row_per_subject_and_a_column_per_party(case: Load) -> None:
    pytest.importorskip("pandas")
    sms = case("no_accountable_owner", "passing")
    frame = raci_dataframe(sms)
    entries = raci_matrix(sms)
    holders = {e.who for e in entries if e.who is not None}
    expected = (len({e.subject for e in entries}), len(holders))
    assert expected == frame.shape
    expected_cell = "A"
    assert expected_cell == frame.loc["capacity", "cio"]


def _raci_sms() -> ServiceManagementSystem:
    return ServiceManagementSystem(
        name="Acme",
        provider="acme",
        parties=(
            Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),
            Party(id="globex", name="Globex", kind=PartyKind.SUPPLIER),
        ),
        people=(
            Person(id="ceo", name="Ada", party="acme"),
            Person(id="cio", name="Grace", party="acme", reports_to="ceo"),
            Person(id="eng", name="Alan", party="acme", reports_to="cio"),
        ),
        roles=(Role(id="cab", name="Change board", party="acme", holders=("eng",)),),
        processes=(
            Process(id="chg", kind=ProcessKind.CHANGE, owner="cio", responsible=("cab",)),
            Process(
                id="cfg",
                kind=ProcessKind.CONFIGURATION,
                owner="eng",
                operated_by="globex",
                interfaces=("chg",),
            ),
        ),
        duties=(DutyAssignment(duty=Clause4Duty.SCOPE, accountable="ceo", responsible=("cio",)),),
    )


def test_raci_matrix_letters_follow_their_documented_sources() -> None:
    cells = [(e.subject, e.who, e.letter.value) for e in raci_matrix(_raci_sms()) if e.who]
    expected = [
        ("cfg", "globex", "R"),
        ("cfg", "eng", "A"),
        ("cfg", "cio", "C"),
        ("chg", "cab", "R"),
        ("chg", "cio", "A"),
        ("chg", "eng", "C"),
        ("chg", "ceo", "I"),
        ("duty:scope", "cio", "R"),
        ("duty:scope", "ceo", "A"),
    ]
    assert expected == cells


def test_a_process_nobody_owns_is_shown_with_an_empty_a_not_left_out() -> None:
    # It used to be absent from the matrix, the table and the CSV export alike.
    sms = _raci_sms().replace(Process(id="inc", kind=ProcessKind.INCIDENT_AND_REQUEST))
    entries = [e for e in raci_matrix(sms) if e.subject == "inc"]
    assert [("inc", "process", None, None, Raci.ACCOUNTABLE)] == [
        (e.subject, e.subject_kind, e.who, e.who_kind, e.letter) for e in entries
    ]
    unassigned = {e.subject for e in raci_matrix(sms) if e.who is None}
    assert "duty:scope" not in unassigned  # assigned: no empty A
    assert "duty:internal_audit" in unassigned


def test_the_raci_table_has_a_blank_row_for_a_process_nobody_owns() -> None:
    pytest.importorskip("pandas")
    sms = _raci_sms().replace(Process(id="inc", kind=ProcessKind.INCIDENT_AND_REQUEST))
    frame = raci_dataframe(sms)
    assert {""} == set(frame.loc["inc"])
    assert "A" == frame.loc["chg", "cio"]


def test_raci_entries_name_the_kind_of_subject_and_holder() -> None:
    entry = raci_matrix(_raci_sms())[0]
    expected = RaciEntry(
        subject="cfg",
        subject_kind="process",
        who="globex",
        who_kind="party",
        letter=Raci.RESPONSIBLE,
    )
    assert expected == entry


def test_raci_matrix_of_a_graph_equals_that_of_its_sms() -> None:
    sms = _raci_sms()
    assert raci_matrix(sms) == raci_matrix(accountability_graph(sms))
