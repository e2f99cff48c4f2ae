"""The column layout of the accountability graph, shared by the SVG picture and ``draw``."""

from __future__ import annotations

import re

import networkx as nx
import pytest

from sms_model.graph import accountability_graph, column_layout
from sms_model.model import ServiceManagementSystem
from sms_model.report import graph_svg


@pytest.fixture
def graph() -> nx.MultiDiGraph[str]:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for node, kind in (
        ("sms", "sms"),
        ("top_management", "top_management"),
        ("zoe", "person"),
        ("ada", "person"),
        ("role-cab", "role"),
        ("proc-chg", "process"),
        ("duty:internal_audit", "duty"),
        ("acme", "party"),
        ("sla-1", "agreement"),
        ("svc-hosting", "service"),
        ("pol-sm", "policy"),
        ("mystery", "widget"),
    ):
        graph.add_node(node, kind=kind)
    return graph


def test_layout_puts_each_kind_in_its_column(graph: nx.MultiDiGraph[str]) -> None:
    expected = {
        "sms": 0,
        "top_management": 0,
        "ada": 1,
        "zoe": 1,
        "role-cab": 2,
        "duty:internal_audit": 3,
        "proc-chg": 3,
        "acme": 4,
        "sla-1": 4,
        "pol-sm": 5,
        "svc-hosting": 5,
        "mystery": 6,
    }
    assert expected == {node: column for node, (column, _) in column_layout(graph).items()}


def test_layout_orders_a_column_by_kind_then_key_from_the_top(
    graph: nx.MultiDiGraph[str],
) -> None:
    layout = column_layout(graph)
    expected = {
        0: ["sms", "top_management"],
        1: ["ada", "zoe"],
        3: ["duty:internal_audit", "proc-chg"],
        4: ["sla-1", "acme"],  # agreement sorts before party
        5: ["pol-sm", "svc-hosting"],
    }
    for column, nodes in expected.items():
        assert [(column, row) for row in range(len(nodes))] == [layout[n] for n in nodes]


def test_layout_is_ordered_by_column_then_row(graph: nx.MultiDiGraph[str]) -> None:
    positions = list(column_layout(graph).values())
    assert sorted(positions) == positions


def test_layout_of_chosen_nodes_keeps_their_columns_and_closes_up_rows(
    graph: nx.MultiDiGraph[str],
) -> None:
    expected = {"zoe": (1, 0), "proc-chg": (3, 0), "mystery": (6, 0)}
    assert expected == column_layout(graph, ["mystery", "proc-chg", "zoe"])


def test_layout_of_an_empty_graph_is_empty() -> None:
    expected: dict[str, tuple[int, int]] = {}
    assert expected == column_layout(nx.MultiDiGraph())


def test_layout_places_every_node_of_the_acme_graph_once(
    acme: ServiceManagementSystem,
) -> None:
    graph = accountability_graph(acme)
    layout = column_layout(graph)
    assert set(graph) == set(layout)
    assert len(layout) == len(set(layout.values()))


def test_svg_picture_places_boxes_by_the_column_layout(acme: ServiceManagementSystem) -> None:
    graph = accountability_graph(acme)
    svg = graph_svg(graph)
    boxes = re.findall(r"<rect x='(\d+)' y='(-?\d+)'.*?<title>[^:]*: ([^<]+)</title>", svg)
    expected = {
        node: (20 + 200 * column, 20 + 26 * row)
        for node, (column, row) in column_layout(graph).items()
    }
    assert expected == {node: (int(x), int(y)) for x, y, node in boxes}
