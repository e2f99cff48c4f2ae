"""Drawing the accountability graph with matplotlib, gaps outlined in red.

matplotlib is an optional extra (``pip install sms-model[plot]``), imported only when a picture
is drawn.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import TYPE_CHECKING, Final

import networkx as nx

from sms_model.graph._build import accountability_graph
from sms_model.graph._gaps import Gap, find_gaps
from sms_model.graph._layout import COLUMNS, column_layout, short_label
from sms_model.model import ServiceManagementSystem

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["draw"]

#: Colours shared with the SVG picture of the HTML report.
GAP_EDGE: Final = "#b3261e"
GAP_FACE: Final = "#fde0dd"
HIGHLIGHT_EDGE: Final = "#0b5d8c"
HIGHLIGHT_FACE: Final = "#e1f1fb"
PLAIN_EDGE: Final = "#8a93a0"
PLAIN_FACE: Final = "#ffffff"
LINE: Final = "#c9ced6"

_HEADINGS: Final = (
    "SMS and top management",
    "People",
    "Roles",
    "Duties and processes",
    "Parties and agreements",
    "Services, policies, plans",
    "Other",
)
_BOX_WIDTH: Final = 0.9  # of a column
_BOX_HEIGHT: Final = 0.7  # of a row


def _pyplot() -> ModuleType:
    try:
        return importlib.import_module("matplotlib.pyplot")
    except ImportError as error:
        raise ModuleNotFoundError(
            "drawing needs the optional package 'matplotlib': install sms-model[plot]",
            name="matplotlib",
        ) from error


def draw(
    sms_or_graph: ServiceManagementSystem | nx.MultiDiGraph[str],
    *,
    gaps: Iterable[Gap] | None = None,
    ax: Axes | None = None,
    highlight: Iterable[str] | None = None,
    max_nodes: int = 300,
) -> Axes:
    """Draw the accountability graph of an SMS: nodes in columns by kind (as
    :func:`column_layout` places them), edges as thin grey lines, and the subjects of gaps in
    accountability (ISO/IEC 20000-1:2011, 4.1 and 4.2) outlined in red.

    ``gaps`` are the gaps to show (by default every gap :func:`find_gaps` reports; pass ``()``
    for none); informational gaps, which report a ratio rather than a problem, are not
    outlined. ``highlight`` names further nodes to outline in blue, e.g. the subjects of an
    assessment's failures. ``ax`` is the matplotlib Axes to draw on; when it is not given a
    new pyplot figure sized to the graph is made. A graph of more than ``max_nodes`` nodes is
    cut down to the outlined nodes and their neighbours.

    Each node is one box patch and one label, both with the node key as their ``gid``; a long
    label is cut at a word boundary with an ellipsis (as the SVG picture of the HTML report
    cuts it).
    Returns the Axes. Needs the optional ``matplotlib`` package (``sms-model[plot]``).

    >>> import pytest; _ = pytest.importorskip("matplotlib")
    >>> from matplotlib.figure import Figure
    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem, TopManagement)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ...     processes=(Process(id="chg", kind=ProcessKind.CHANGE),),
    ... )
    >>> from matplotlib.colors import to_hex
    >>> ax = draw(sms, ax=Figure().subplots())
    >>> red = {p.get_gid() for p in ax.patches if to_hex(p.get_edgecolor()) == "#b3261e"}
    >>> "chg" in red, "ceo" in red
    (True, False)
    """
    if isinstance(sms_or_graph, ServiceManagementSystem):
        graph = accountability_graph(sms_or_graph)
    elif isinstance(sms_or_graph, nx.MultiDiGraph):
        graph = sms_or_graph
    else:
        raise TypeError(
            "draw expects a ServiceManagementSystem or the networkx.MultiDiGraph built by "
            f"accountability_graph, got {type(sms_or_graph).__name__}"
        )
    shown_gaps = find_gaps(graph) if gaps is None else tuple(gaps)
    hot = {s for gap in shown_gaps if not gap.informational for s in gap.subjects} & set(graph)
    marked = set(highlight or ()) & set(graph)
    nodes = sorted(graph, key=str)
    if len(nodes) > max_nodes:
        keep = hot | marked
        for node in list(keep):
            keep.update(graph.predecessors(node))
            keep.update(graph.successors(node))
        nodes = sorted(keep, key=str)[:max_nodes]
    grid = column_layout(graph, nodes)
    columns = max((c for c, _ in grid.values()), default=0) + 1
    rows = max((r for _, r in grid.values()), default=0) + 1

    if ax is None:
        _, ax = _pyplot().subplots(figsize=(2.8 * columns, 0.8 + 0.3 * rows))
    _draw_on(ax, graph, grid, hot, marked)
    ax.set_xlim(-0.05, columns)
    ax.set_ylim(-rows + 0.2, 1.0)
    ax.set_axis_off()
    ax.set_title(
        f"{graph.graph.get('name', 'SMS')}: accountability graph", loc="left", parse_math=False
    )
    return ax


def _draw_on(
    ax: Axes,
    graph: nx.MultiDiGraph[str],
    grid: dict[str, tuple[int, int]],
    hot: set[str],
    marked: set[str],
) -> None:
    from matplotlib.collections import LineCollection
    from matplotlib.patches import FancyBboxPatch, Patch

    def centre(node: str) -> tuple[float, float]:
        column, row = grid[node]
        return column + _BOX_WIDTH / 2, -float(row)

    segments = []
    for source, target in sorted({(str(s), str(t)) for s, t in graph.edges() if s != t}):
        if source in grid and target in grid:
            (x1, y1), (x2, y2) = centre(source), centre(target)
            segments.append([(x1 + _BOX_WIDTH / 2, y1), (x2 - _BOX_WIDTH / 2, y2)])
    ax.add_collection(LineCollection(segments, colors=LINE, linewidths=0.6, zorder=1))

    for column in sorted({c for c, _ in grid.values()}):
        heading = _HEADINGS[min(column, len(COLUMNS))]
        ax.text(column, 0.75, heading, fontsize=8, fontweight="bold", gid=f"column:{column}")
    for node, (column, row) in grid.items():
        if node in hot:
            edge, face, width = GAP_EDGE, GAP_FACE, 2.0
        elif node in marked:
            edge, face, width = HIGHLIGHT_EDGE, HIGHLIGHT_FACE, 2.0
        else:
            edge, face, width = PLAIN_EDGE, PLAIN_FACE, 0.8
        box = FancyBboxPatch(
            (column, -row - _BOX_HEIGHT / 2),
            _BOX_WIDTH,
            _BOX_HEIGHT,
            boxstyle="round,pad=0,rounding_size=0.08",
            facecolor=face,
            edgecolor=edge,
            linewidth=width,
            zorder=2,
            gid=node,
        )
        ax.add_patch(box)
        label = short_label(str(graph.nodes[node].get("label") or node))
        ax.text(
            column + 0.04,
            -row,
            label,
            fontsize=7,
            va="center",
            zorder=3,
            gid=node,
            clip_on=True,
            parse_math=False,  # a name is text: "$" in it starts no formula
        )
    legend = []
    if hot:
        legend.append(Patch(facecolor=GAP_FACE, edgecolor=GAP_EDGE, label="subject of a gap"))
    if marked - hot:
        legend.append(
            Patch(facecolor=HIGHLIGHT_FACE, edgecolor=HIGHLIGHT_EDGE, label="highlighted")
        )
    if legend:
        ax.legend(handles=legend, loc="lower right", fontsize=7, frameon=False)
