"""Write the accountability graph out: GraphML, node-link JSON, DOT, and a RACI matrix.

pandas and pydot are optional extras, imported only by the functions that need them.
"""

from __future__ import annotations

import enum
import importlib
import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import attrs
import networkx as nx

from sms_model.graph._build import accountability_graph
from sms_model.graph._kinds import EdgeKind, NodeKind
from sms_model.model import ServiceManagementSystem

__all__ = [
    "Raci",
    "RaciEntry",
    "raci_dataframe",
    "raci_matrix",
    "to_dot",
    "to_graphml",
    "to_node_link_json",
]


def _optional(module: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise ModuleNotFoundError(
            f"this needs the optional package {module!r}: install sms-model[{extra}]",
            name=module,
        ) from error


def _scalar(value: Any) -> Any:
    """A value GraphML can hold: tuples become JSON arrays, enums their value."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list | set | frozenset):
        items = sorted(value) if isinstance(value, set | frozenset) else value
        return json.dumps([_scalar(item) for item in items])
    return value


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    return {name: _scalar(value) for name, value in data.items() if value is not None}


def to_graphml(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as GraphML text. Attributes that are ``None`` are left out; tuples are written
    as JSON arrays (``'["a", "b"]'``), since GraphML holds only scalars.

    >>> g = nx.MultiDiGraph(provider="acme")
    >>> g.add_node("p", kind="process", records=("a", "b"), owner=None)
    >>> text = to_graphml(g)
    >>> '>["a", "b"]</data>' in text, "owner" in text
    (True, False)
    """
    plain: nx.MultiDiGraph[str] = nx.MultiDiGraph(**_plain(dict(graph.graph)))
    for node, data in graph.nodes.items():
        plain.add_node(node, **_plain(data))
    for source, target, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(source, target, key=key, **_plain(data))
    return "\n".join(nx.generate_graphml(plain)) + "\n"


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(item) for item in value)
    return value


def to_node_link_json(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as node-link JSON (the layout :func:`networkx.node_link_graph` reads with
    ``edges="edges"``), deterministic: keys sorted, nodes by id, edges by source, target, key.

    >>> g = nx.MultiDiGraph(provider="acme")
    >>> g.add_edge("b", "a", key="reports_to", kind="reports_to")
    'reports_to'
    >>> data = json.loads(to_node_link_json(g))
    >>> [n["id"] for n in data["nodes"]], data["edges"][0]["kind"], data["graph"]["provider"]
    (['a', 'b'], 'reports_to', 'acme')
    """
    nodes = [
        {**{k: _jsonable(v) for k, v in graph.nodes[node].items()}, "id": node}
        for node in sorted(graph.nodes, key=str)
    ]
    edges = [
        {**{k: _jsonable(v) for k, v in data.items()}, "source": u, "target": v, "key": key}
        for u, v, key, data in sorted(
            graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
        )
    ]
    document = {
        "directed": graph.is_directed(),
        "multigraph": graph.is_multigraph(),
        "graph": {k: _jsonable(v) for k, v in graph.graph.items()},
        "nodes": nodes,
        "edges": edges,
    }
    return json.dumps(document, sort_keys=True, indent=2) + "\n"


def _dot_id(value: Any) -> str:
    # Always quote, so ids such as "duty:scope" are not read as node ports.
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def to_dot(graph: nx.MultiDiGraph[str]) -> str:
    """The graph in Graphviz DOT, through the optional ``pydot`` package
    (``pip install sms-model[dot]``). Nodes are labelled; edges carry their kind as label.

    >>> import pytest; _ = pytest.importorskip("pydot")
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("duty:scope", kind="duty", label="scope")
    >>> 'label="scope"' in to_dot(g)
    True
    """
    pydot = _optional("pydot", "dot")
    dot = pydot.Dot(graph_name="accountability", graph_type="digraph")
    for node, data in graph.nodes.items():
        attrs_ = {k: _dot_id(v) for k, v in _plain(data).items() if k not in {"id", "name"}}
        dot.add_node(pydot.Node(_dot_id(node), **attrs_))
    for source, target, key, data in graph.edges(keys=True, data=True):
        attrs_ = {k: _dot_id(v) for k, v in _plain(data).items() if k not in {"key"}}
        attrs_.setdefault("label", _dot_id(data.get("kind", key)))
        dot.add_edge(pydot.Edge(_dot_id(source), _dot_id(target), **attrs_))
    return str(dot.to_string())


# --- RACI -----------------------------------------------------------------------------------


class Raci(enum.Enum):
    """A letter of a RACI matrix."""

    RESPONSIBLE = "R"
    ACCOUNTABLE = "A"
    CONSULTED = "C"
    INFORMED = "I"


_ORDER = {letter: i for i, letter in enumerate(Raci)}


@attrs.frozen(kw_only=True)
class RaciEntry:
    """One cell of a RACI matrix: ``who`` (a person, role or party id) is ``letter`` for
    ``subject`` (a process id or a ``duty:<value>`` Clause 4 duty node). ``who`` and
    ``who_kind`` are ``None`` in the ``A`` entry of a subject nobody is accountable for: the
    empty "A" cell is shown, not left out."""

    subject: str
    subject_kind: str  # "process" or "duty"
    who: str | None
    who_kind: str | None  # "person", "role" or "party"
    letter: Raci


def raci_matrix(
    sms_or_graph: ServiceManagementSystem | nx.MultiDiGraph[str],
) -> tuple[RaciEntry, ...]:
    """The RACI matrix of processes and Clause 4 duties (4.1.3), one record per non-empty cell,
    and an ``A`` record with ``who=None`` for each process or duty nobody is accountable for
    (a governance gap is shown, not hidden).

    - A (accountable): the owner (process owner, duty assignment, other-party accountable);
    - R (responsible): who is named responsible, and another party that operates or performs
      it;
    - C (consulted): the owners of the processes it interfaces with (consulted on changes);
    - I (informed): the line managers of the accountable people, to whom the performance of
      the process is reported up the reporting line (guidance TM-f); nothing more is implied,
      such as a duty to act.

    Each person, role or party gets one letter per subject, the first of A, R, C, I that applies.
    Sorted by subject, then letter in R, A, C, I order, then who (nobody first).

    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),
    ...             Person(id="bo", name="Bo", party="acme", reports_to="ceo")),
    ...     processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="bo"),),
    ... )
    >>> [(e.subject, e.who, e.letter.value) for e in raci_matrix(sms) if e.subject == "chg"]
    [('chg', 'bo', 'A'), ('chg', 'ceo', 'I')]
    >>> orphan = Process(id="inc", kind=ProcessKind.INCIDENT_AND_REQUEST)
    >>> [(e.subject, e.who, e.letter.value) for e in raci_matrix(sms.replace(orphan))
    ...  if e.subject == "inc"]
    [('inc', None, 'A')]
    """
    graph = _graph_of(sms_or_graph)
    provider = graph.graph.get("provider")
    entries: list[RaciEntry] = []
    for subject, data in graph.nodes.items():
        kind = data.get("kind")
        if kind not in (NodeKind.PROCESS.value, NodeKind.DUTY.value):
            continue
        cells: dict[str, Raci] = {}
        for who, letter in _letters(graph, subject, provider):
            cells.setdefault(who, letter)
        if Raci.ACCOUNTABLE not in cells.values():
            entries.append(
                RaciEntry(
                    subject=subject,
                    subject_kind=str(kind),
                    who=None,
                    who_kind=None,
                    letter=Raci.ACCOUNTABLE,
                )
            )
        entries.extend(
            RaciEntry(
                subject=subject,
                subject_kind=str(kind),
                who=who,
                who_kind=str(graph.nodes[who].get("kind")),
                letter=letter,
            )
            for who, letter in cells.items()
        )
    return tuple(sorted(entries, key=lambda e: (e.subject, _ORDER[e.letter], e.who or "")))


def _graph_of(sms_or_graph: ServiceManagementSystem | nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    if isinstance(sms_or_graph, ServiceManagementSystem):
        return accountability_graph(sms_or_graph)
    return sms_or_graph


def _edges_in(graph: nx.MultiDiGraph[str], node: str, kind: EdgeKind) -> list[str]:
    return sorted({u for u, _, d in graph.in_edges(node, data=True) if d.get("kind") == kind.value})


def _edges_out(graph: nx.MultiDiGraph[str], node: str, kind: EdgeKind) -> list[str]:
    return sorted(
        {v for _, v, d in graph.out_edges(node, data=True) if d.get("kind") == kind.value}
    )


def _letters(
    graph: nx.MultiDiGraph[str], subject: str, provider: Any
) -> Iterator[tuple[str, Raci]]:
    accountable = _edges_in(graph, subject, EdgeKind.ACCOUNTABLE_FOR)
    for who in accountable:
        yield who, Raci.ACCOUNTABLE
    for who in _edges_in(graph, subject, EdgeKind.RESPONSIBLE_FOR):
        yield who, Raci.RESPONSIBLE
    for kind in (EdgeKind.OPERATES, EdgeKind.PERFORMS):
        for party in _edges_in(graph, subject, kind):
            if party != provider:
                yield party, Raci.RESPONSIBLE
    neighbours = {
        *_edges_in(graph, subject, EdgeKind.INTERFACES_WITH),
        *_edges_out(graph, subject, EdgeKind.INTERFACES_WITH),
    } - {subject}
    for neighbour in sorted(neighbours):
        for who in _edges_in(graph, neighbour, EdgeKind.ACCOUNTABLE_FOR):
            yield who, Raci.CONSULTED
    for who in accountable:
        for manager in _edges_out(graph, who, EdgeKind.REPORTS_TO):
            yield manager, Raci.INFORMED


def raci_dataframe(sms_or_graph: ServiceManagementSystem | nx.MultiDiGraph[str]) -> Any:
    """The RACI matrix as a :class:`pandas.DataFrame`: one row per subject (a process or duty
    nobody is accountable for too, with no "A" in its row), one column per person, role or
    party, cells ``"R"``, ``"A"``, ``"C"``, ``"I"`` or ``""`` (see :func:`raci_matrix`). Needs
    the optional ``pandas`` package (``pip install sms-model[pandas]``).

    >>> import pytest; _ = pytest.importorskip("pandas")
    >>> from sms_model.model import (
    ...     Party, PartyKind, Person, Process, ProcessKind, ServiceManagementSystem)
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="bo", name="Bo", party="acme"),),
    ...     processes=(Process(id="chg", kind=ProcessKind.CHANGE, owner="bo"),),
    ... )
    >>> raci_dataframe(sms).loc["chg", "bo"]
    'A'
    """
    pandas = _optional("pandas", "pandas")
    entries = raci_matrix(sms_or_graph)
    subjects = sorted({e.subject for e in entries})  # each one, even with nobody accountable
    people = sorted({e.who for e in entries if e.who is not None})
    table = {who: dict.fromkeys(subjects, "") for who in people}
    for entry in entries:
        if entry.who is not None:
            table[entry.who][entry.subject] = entry.letter.value
    frame = pandas.DataFrame(table, index=subjects, columns=people, dtype=object)
    frame.index.name = "subject"
    return frame
