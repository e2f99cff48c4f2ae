"""Drawing the accountability graph with matplotlib (``sms_model.graph.draw``)."""

from __future__ import annotations

import sys
from typing import Any

import networkx as nx
import pytest

from sms_model.graph import Gap, GapKind, accountability_graph, column_layout, draw, find_gaps
from sms_model.graph._layout import short_label
from sms_model.model import ServiceManagementSystem

RED = "#b3261e"
BLUE = "#0b5d8c"


@pytest.fixture
def figure() -> Any:
    """A figure of its own (no pyplot state); matplotlib is a dev dependency."""
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    return Figure()


def _outlined(ax: Any, colour: str) -> set[str]:
    from matplotlib.colors import to_hex

    return {p.get_gid() for p in ax.patches if to_hex(p.get_edgecolor()) == colour}


def _problems(gaps: tuple[Gap, ...], graph: nx.MultiDiGraph[str]) -> set[str]:
    return {s for g in gaps if not g.informational for s in g.subjects if s in graph}


def test_draw_returns_the_axes_it_drew_on(small_sms: ServiceManagementSystem, figure: Any) -> None:
    ax = figure.subplots()
    assert ax is draw(small_sms, ax=ax)


def test_draw_has_one_box_and_one_label_per_node(
    small_sms: ServiceManagementSystem, figure: Any
) -> None:
    graph = accountability_graph(small_sms)
    ax = draw(graph, ax=figure.subplots())
    assert sorted(graph) == sorted(p.get_gid() for p in ax.patches)
    labels = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid() in graph}
    expected = {node: short_label(str(graph.nodes[node].get("label") or node)) for node in graph}
    assert expected == labels


def test_draw_places_boxes_by_the_column_layout(
    small_sms: ServiceManagementSystem, figure: Any
) -> None:
    graph = accountability_graph(small_sms)
    ax = draw(graph, ax=figure.subplots())
    expected = {node: (column, -row) for node, (column, row) in column_layout(graph).items()}
    actual = {
        p.get_gid(): (round(p.get_x()), round(p.get_y() + p.get_height() / 2)) for p in ax.patches
    }
    assert expected == actual


def test_draw_outlines_gap_subjects_in_red(acme: ServiceManagementSystem, figure: Any) -> None:
    graph = accountability_graph(acme)
    gaps = find_gaps(graph)
    ax = draw(graph, ax=figure.subplots())
    expected = _problems(gaps, graph)
    assert expected  # the example has deliberate gaps
    assert expected == _outlined(ax, RED)


def test_draw_does_not_outline_subjects_of_informational_gaps(
    small_sms: ServiceManagementSystem, figure: Any
) -> None:
    ratio = Gap(
        kind=GapKind.OTHER_PARTY_RATIO,
        subjects=("cap",),
        message="other parties operate 1 of 2 processes",
        clause="4.2",
        informational=True,
        ratio=0.5,
    )
    ax = draw(small_sms, gaps=[ratio], ax=figure.subplots())
    assert set() == _outlined(ax, RED)


def test_draw_shows_the_gaps_it_is_given(small_sms: ServiceManagementSystem, figure: Any) -> None:
    gap = Gap(
        kind=GapKind.NO_ACCOUNTABLE_OWNER,
        subjects=("cap", "not-a-node"),
        message="process 'cap' has no accountable owner",
        clause="6.5",
    )
    ax = draw(small_sms, gaps=[gap], ax=figure.subplots())
    assert {"cap"} == _outlined(ax, RED)


def test_draw_with_no_gaps_outlines_nothing_in_red(
    small_sms: ServiceManagementSystem, figure: Any
) -> None:
    ax = draw(small_sms, gaps=(), ax=figure.subplots())
    assert set() == _outlined(ax, RED)
    assert ax.get_legend() is None


def test_draw_outlines_highlighted_nodes_in_blue_unless_they_are_gaps(
    small_sms: ServiceManagementSystem, figure: Any
) -> None:
    graph = accountability_graph(small_sms)
    hot = _problems(find_gaps(graph), graph)
    assert "cap" in hot
    ax = draw(graph, highlight=["ceo", "cap", "nowhere"], ax=figure.subplots())
    assert {"ceo"} == _outlined(ax, BLUE)
    assert hot == _outlined(ax, RED)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    expected = ["subject of a gap", "highlighted"]
    assert expected == legend


def test_draw_a_system_or_its_graph_alike(small_sms: ServiceManagementSystem, figure: Any) -> None:
    left, right = figure.subplots(1, 2)
    draw(small_sms, ax=left)
    draw(accountability_graph(small_sms), ax=right)

    def boxes(ax: Any) -> list[tuple[Any, ...]]:
        return [(p.get_gid(), p.get_x(), p.get_y(), tuple(p.get_edgecolor())) for p in ax.patches]

    assert boxes(left) == boxes(right)


def test_draw_cuts_a_large_graph_down_to_outlined_nodes_and_neighbours(figure: Any) -> None:
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for i in range(20):
        graph.add_node(f"p{i:02}", kind="person")
    for i in range(19):
        graph.add_edge(f"p{i:02}", f"p{i + 1:02}", kind="reports_to")
    ax = draw(graph, gaps=(), highlight=["p05"], max_nodes=10, ax=figure.subplots())
    expected = ["p04", "p05", "p06"]
    assert expected == sorted(p.get_gid() for p in ax.patches)


def test_draw_rejects_what_is_not_a_system_or_a_graph(figure: Any) -> None:
    with pytest.raises(TypeError, match="got dict"):
        draw({}, ax=figure.subplots())  # type: ignore[arg-type]


def test_draw_without_axes_opens_a_pyplot_figure(small_sms: ServiceManagementSystem) -> None:
    pyplot = pytest.importorskip("matplotlib.pyplot")
    before = len(pyplot.get_fignums())
    ax = draw(small_sms)
    assert before + 1 == len(pyplot.get_fignums())
    assert ax.figure is pyplot.gcf()


def test_draw_without_matplotlib_asks_for_the_extra(
    small_sms: ServiceManagementSystem, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ModuleNotFoundError, match=r"sms-model\[plot\]"):
        draw(small_sms)
