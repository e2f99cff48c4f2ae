"""Where to put each node of the accountability graph in a picture: a column per group of node
kinds, read left to right from the SMS and top management, through people and roles, to the
duties and processes they answer for and the parties, services and documents around them.

Shared by the SVG picture of the HTML report and by :func:`~sms_model.graph.draw`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["LABEL_LENGTH", "column_layout", "short_label"]

#: The longest label a node box shows, in characters (its full name is in its hover text).
LABEL_LENGTH: Final = 28

#: Left-to-right columns of the picture, by node kind; other kinds go in a last column.
COLUMNS: Final[tuple[tuple[str, ...], ...]] = (
    ("sms", "top_management"),
    ("person",),
    ("role",),
    ("duty", "process"),
    ("party", "agreement"),
    ("service", "policy", "objective", "plan"),
)


def short_label(text: str, limit: int = LABEL_LENGTH) -> str:
    """``text`` on one line, cut to at most ``limit`` characters at a word boundary, with an
    ellipsis (``…``) when anything was cut. Runs of whitespace (line breaks too) become one
    space. Only a first word longer than the limit is cut inside, since nothing else would
    fit. The full text belongs in the hover text of whatever shows the label.

    >>> short_label("Keep customers satisfied with the services they receive")
    'Keep customers satisfied…'
    >>> short_label("Change management")
    'Change management'
    >>> short_label("Supercalifragilisticexpialidocious", limit=10)
    'Supercali…'
    >>> short_label("two\\nlines")
    'two lines'
    """
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    if limit < 1:
        return ""
    head = flat[: limit - 1]
    if flat[limit - 1] != " " and " " in head:
        # The cut falls inside a word: drop that word's beginning.
        head = head.rpartition(" ")[0]
    return (head.rstrip(" ,;:.-\u2013\u2014") or head) + "…"  # no dash before the ellipsis


def column_of(kind: str) -> int:
    """The column of a node kind (the last column, ``len(COLUMNS)``, for unknown kinds)."""
    return next((i for i, kinds in enumerate(COLUMNS) if kind in kinds), len(COLUMNS))


def column_layout(
    graph: nx.MultiDiGraph[str], nodes: Iterable[str] | None = None
) -> dict[str, tuple[int, int]]:
    """Grid positions ``(column, row)`` of the nodes of an accountability graph.

    Columns group node kinds (SMS and top management; people; roles; duties and processes;
    parties and agreements; services, policies, objectives and the plan; anything else).
    Within a column, nodes are sorted by kind and then by key, and rows count from the top
    (0 is the first row), as on a page. A column keeps its number even when an earlier one is
    empty, so the same kind always lands in the same place. ``nodes`` limits the layout to
    some of the graph's nodes (all of them by default). The result is ordered by column and
    then by row.

    >>> import networkx as nx
    >>> graph = nx.MultiDiGraph()
    >>> graph.add_node("ceo", kind="person")
    >>> graph.add_node("chg", kind="process")
    >>> graph.add_node("duty:internal_audit", kind="duty")
    >>> graph.add_node("cfo", kind="person")
    >>> column_layout(graph)
    {'ceo': (1, 0), 'cfo': (1, 1), 'duty:internal_audit': (3, 0), 'chg': (3, 1)}
    >>> column_layout(graph, nodes=["chg"])
    {'chg': (3, 0)}
    """
    chosen = list(graph.nodes) if nodes is None else list(nodes)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in sorted(chosen, key=lambda n: (str(graph.nodes[n].get("kind", "")), str(n))):
        columns[column_of(str(graph.nodes[node].get("kind", "")))].append(node)
    return {
        node: (column, row)
        for column in sorted(columns)
        for row, node in enumerate(columns[column])
    }
