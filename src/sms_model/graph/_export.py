"""Write the accountability graph out: GraphML, node-link JSON, DOT, and a RACI matrix.

pandas and pydot are optional extras, imported only by the functions that need them.
"""

from __future__ import annotations

import enum
import importlib
import json
import re
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


def _sort_key(value: Any) -> tuple[str, str]:
    return type(value).__name__, str(value)


def _jsonable(value: Any) -> Any:
    """A value JSON can hold: enums become their value, and every collection a sorted list.

    A collection in the graph (the records behind an edge, the terms of an agreement) is a set
    of ids in the order of the file the system came from, or of the merging of several edges:
    sorting it makes an export the same whatever that order was.
    """
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple | list | set | frozenset):
        return sorted((_jsonable(item) for item in value), key=_sort_key)
    return value


def _scalar(value: Any) -> Any:
    """A value GraphML and DOT can hold: enums become their value and collections a JSON array
    of their sorted items; ``str``, ``bool``, ``int`` and ``float`` stay as they are."""
    value = _jsonable(value)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str | bool | int | float):
        return value
    return str(value)


def _plain(data: dict[str, Any]) -> dict[str, Any]:
    """The attributes that are not ``None``, by name, as :func:`_scalar` values."""
    return {
        str(name): _scalar(data[name]) for name in sorted(data, key=str) if data[name] is not None
    }


# --- GraphML ----------------------------------------------------------------------------------

_GRAPHML_OPEN = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)
#: Characters XML 1.0 cannot hold at all, not even as character references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_XML_ATTRIBUTE = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#9;",
    }
)
#: Characters written as they are in a GraphML node id (an XML NMTOKEN); others are encoded.
_NMTOKEN_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_:")
_GRAPHML_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
_SCOPES = ("graph", "node", "edge")


def _xml(value: Any, table: dict[int, str]) -> str:
    # A control character shows as an escape such as "\u001b", since XML cannot carry it.
    text = value if isinstance(value, str) else str(value)
    if isinstance(value, bool):
        text = "true" if value else "false"
    return _NOT_XML.sub(lambda found: f"\\u{ord(found.group()):04x}", text).translate(table)


def _nmtoken(key: str) -> str:
    """The GraphML id of a node: its key, with each character an XML name token cannot hold
    (and the ``_`` of a ``_x`` already there) written ``_xHHHH_``, as XML name encodings do.

    >>> _nmtoken("duty:internal_audit"), _nmtoken("c*st <x>"), _nmtoken("_x")
    ('duty:internal_audit', 'c_x002A_st_x0020__x003C_x_x003E_', '_x005F_x')
    """
    return "".join(
        char
        if char in _NMTOKEN_SAFE and not (char == "_" and key[i + 1 : i + 2] == "x")
        else f"_x{ord(char):04X}_"
        for i, char in enumerate(key)
    )


def _graphml_type(values: list[Any]) -> str:
    types = {_GRAPHML_TYPES.get(type(value), "string") for value in values}
    if len(types) == 1:
        return types.pop()
    return "double" if types == {"long", "double"} else "string"


def _graphml_parts(
    graph: nx.MultiDiGraph[str],
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]], list[tuple[str, str, dict[str, Any]]]]:
    """The graph's attributes, its nodes ``(GraphML id, attributes)`` and edges ``(source id,
    target id, attributes)``, in the order they are written."""
    ids = {node: _nmtoken(str(node)) for node in graph.nodes}
    nodes = []
    for node in sorted(graph.nodes, key=str):
        data = _plain({k: v for k, v in graph.nodes[node].items() if k != "id"})
        if ids[node] != str(node):
            data["key"] = str(node)  # the key itself, where the id had to encode it
        nodes.append((ids[node], data))
    edges = [
        (ids[source], ids[target], {**_plain(data), "key": _scalar(key)})
        for source, target, key, data in sorted(
            graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
        )
    ]
    return _plain(dict(graph.graph)), nodes, edges


def _graphml_keys(
    attributes: dict[str, Any],
    nodes: list[tuple[str, dict[str, Any]]],
    edges: list[tuple[str, str, dict[str, Any]]],
) -> tuple[dict[tuple[str, str], str], list[str]]:
    """The id of each (scope, attribute name), ``d0``, ``d1``, ... in sorted order, and the
    ``<key>`` lines that declare them with the type of their values."""
    values: dict[tuple[str, str], list[Any]] = {}
    for scope, items in (
        ("graph", [attributes]),
        ("node", [data for _, data in nodes]),
        ("edge", [data for _, _, data in edges]),
    ):
        for data in items:
            for name, value in data.items():
                values.setdefault((scope, name), []).append(value)
    order = sorted(values, key=lambda key: (_SCOPES.index(key[0]), key[1]))
    keys = {key: f"d{i}" for i, key in enumerate(order)}
    lines = [
        f'  <key id="{keys[scope, name]}" for="{scope}" attr.name="{_xml(name, _XML_ATTRIBUTE)}"'
        f' attr.type="{_graphml_type(values[scope, name])}" />'
        for scope, name in order
    ]
    return keys, lines


def _data_lines(
    data: dict[str, Any], scope: str, keys: dict[tuple[str, str], str], indent: str
) -> list[str]:
    return [
        f'{indent}<data key="{keys[scope, name]}">{_xml(value, _XML_TEXT)}</data>'
        for name, value in sorted(data.items())
    ]


def to_graphml(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as GraphML text, valid against the GraphML 1.0 schema and the same whatever
    order the graph was built in (nodes sorted by key, edges by source, target and key,
    attributes by name).

    - Each node's GraphML id is its key; characters an XML name token cannot hold are written
      ``_xHHHH_`` (``"a b"`` has the id ``a_x0020_b``), and such a node keeps its key in a
      ``key`` attribute. The node attribute ``id``, which repeats the key, is not written
      (igraph reads the GraphML id into its vertex attribute ``id``).
    - Edges have no id: an id is unique in its graph, and a multigraph's edge keys repeat
      (every ``member_of`` edge has the key ``member_of``). Each edge's key is in its ``key``
      attribute, which networkx reads back as the edge key.
    - Attributes that are ``None`` are left out; collections are written as JSON arrays of
      their sorted items (``'["a", "b"]'``), since GraphML holds only scalars; characters XML
      cannot hold (control characters) are written as ``\\u001b`` escapes.

    >>> g = nx.MultiDiGraph(provider="acme")
    >>> g.add_node("p", kind="process", id="p", records=("b", "a"), owner=None)
    >>> g.add_edge("p", "p", key="interfaces_with", kind="interfaces_with")
    'interfaces_with'
    >>> text = to_graphml(g)
    >>> '>["a", "b"]</data>' in text, "owner" in text, 'attr.name="id"' in text
    (True, False, False)
    >>> back = nx.parse_graphml(text, force_multigraph=True)
    >>> list(back.edges(keys=True))
    [('p', 'p', 'interfaces_with')]
    """
    attributes, nodes, edges = _graphml_parts(graph)
    keys, lines = _graphml_keys(attributes, nodes, edges)
    lines.insert(0, _GRAPHML_OPEN)
    lines.append('  <graph edgedefault="directed">')
    lines += _data_lines(attributes, "graph", keys, "    ")
    for node_id, data in nodes:
        if not data:
            lines.append(f'    <node id="{node_id}" />')
            continue
        lines.append(f'    <node id="{node_id}">')
        lines += _data_lines(data, "node", keys, "      ")
        lines.append("    </node>")
    for source, target, data in edges:
        lines.append(f'    <edge source="{source}" target="{target}">')
        lines += _data_lines(data, "edge", keys, "      ")
        lines.append("    </edge>")
    lines += ["  </graph>", "</graphml>", ""]
    return "\n".join(lines)


# --- node-link JSON and DOT ---------------------------------------------------------------------


def to_node_link_json(graph: nx.MultiDiGraph[str]) -> str:
    """The graph as node-link JSON (the layout :func:`networkx.node_link_graph` reads with
    ``edges="edges"``), the same whatever order the graph was built in: keys sorted, nodes by
    id, edges by source, target and key, the items of each collection sorted. Text is ASCII:
    every other character is a ``\\u`` escape.

    >>> g = nx.MultiDiGraph(provider="acme")
    >>> g.add_edge("b", "a", key="reports_to", kind="reports_to", records=("y", "x"))
    'reports_to'
    >>> data = json.loads(to_node_link_json(g))
    >>> [n["id"] for n in data["nodes"]], data["edges"][0]["records"], data["graph"]["provider"]
    (['a', 'b'], ['x', 'y'], 'acme')
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


_DOT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def _dot_id(value: Any) -> str:
    """A DOT double-quoted string: always quoted, so ids such as ``duty:scope`` are not read as
    node ports and no value is read as a keyword or an HTML label; quotes and backslashes are
    escaped, line breaks become ``\\n`` and ``\\r`` (Graphviz's own escapes), and control
    characters a ``\\u001b``-style escape.

    >>> print(_dot_id('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    text = _NOT_XML.sub(lambda found: f"\\u{ord(found.group()):04x}", str(value))
    return f'"{text.translate(_DOT_ESCAPES)}"'


def _dot_attributes(data: dict[str, Any], leave_out: frozenset[str]) -> dict[str, str]:
    """Quoted attributes: ``kind`` and ``label`` first, then the others by name."""
    plain = {name: value for name, value in _plain(data).items() if name not in leave_out}
    first = [name for name in ("kind", "label") if name in plain]
    names = first + [name for name in plain if name not in first]
    return {name: _dot_id(plain[name]) for name in names}


def to_dot(graph: nx.MultiDiGraph[str]) -> str:
    """The graph in Graphviz DOT, through the optional ``pydot`` package
    (``pip install sms-model[dot]``). Nodes are labelled; edges carry their kind as label.
    Nodes, edges and attributes are written in sorted order, so the text is the same whatever
    order the graph was built in; every id and value is a quoted, escaped string.

    >>> import pytest; _ = pytest.importorskip("pydot")
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("duty:scope", kind="duty", label="scope")
    >>> 'label="scope"' in to_dot(g)
    True
    """
    pydot = _optional("pydot", "dot")
    dot = pydot.Dot(graph_name="accountability", graph_type="digraph")
    for node in sorted(graph.nodes, key=str):
        attrs_ = _dot_attributes(graph.nodes[node], frozenset({"id", "name"}))
        dot.add_node(pydot.Node(_dot_id(node), **attrs_))
    for source, target, key, data in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
    ):
        attrs_ = _dot_attributes(data, frozenset({"key"}))
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
    links = _links(graph)
    entries: list[RaciEntry] = []
    for subject, data in graph.nodes.items():
        kind = data.get("kind")
        if kind not in (NodeKind.PROCESS.value, NodeKind.DUTY.value):
            continue
        cells: dict[str, Raci] = {}
        for who, letter in _letters(links, subject, provider):
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


#: The kinds of edge a RACI matrix reads.
_RACI_EDGES = frozenset(
    kind.value
    for kind in (
        EdgeKind.ACCOUNTABLE_FOR,
        EdgeKind.RESPONSIBLE_FOR,
        EdgeKind.OPERATES,
        EdgeKind.PERFORMS,
        EdgeKind.INTERFACES_WITH,
        EdgeKind.REPORTS_TO,
    )
)


@attrs.frozen
class _Links:
    """The other ends of the edges a RACI matrix reads, by (node, edge kind), each sorted and
    without repeats. Found in one pass over the edges: reading a node's edges once per subject
    instead made the matrix quadratic when one person owns many processes (each process read
    all of its owner's edges to find the owner's line manager)."""

    into: dict[tuple[str, str], tuple[str, ...]]
    out_of: dict[tuple[str, str], tuple[str, ...]]


def _links(graph: nx.MultiDiGraph[str]) -> _Links:
    into: dict[tuple[str, str], set[str]] = {}
    out_of: dict[tuple[str, str], set[str]] = {}
    for source, target, data in graph.edges(data=True):
        kind = data.get("kind")
        if isinstance(kind, str) and kind in _RACI_EDGES:
            into.setdefault((target, kind), set()).add(source)
            out_of.setdefault((source, kind), set()).add(target)
    return _Links(
        into={key: tuple(sorted(ends)) for key, ends in into.items()},
        out_of={key: tuple(sorted(ends)) for key, ends in out_of.items()},
    )


def _edges_in(links: _Links, node: str, kind: EdgeKind) -> tuple[str, ...]:
    return links.into.get((node, kind.value), ())


def _edges_out(links: _Links, node: str, kind: EdgeKind) -> tuple[str, ...]:
    return links.out_of.get((node, kind.value), ())


def _letters(links: _Links, subject: str, provider: Any) -> Iterator[tuple[str, Raci]]:
    accountable = _edges_in(links, subject, EdgeKind.ACCOUNTABLE_FOR)
    for who in accountable:
        yield who, Raci.ACCOUNTABLE
    for who in _edges_in(links, subject, EdgeKind.RESPONSIBLE_FOR):
        yield who, Raci.RESPONSIBLE
    for kind in (EdgeKind.OPERATES, EdgeKind.PERFORMS):
        for party in _edges_in(links, subject, kind):
            if party != provider:
                yield party, Raci.RESPONSIBLE
    neighbours = {
        *_edges_in(links, subject, EdgeKind.INTERFACES_WITH),
        *_edges_out(links, subject, EdgeKind.INTERFACES_WITH),
    } - {subject}
    for neighbour in sorted(neighbours):
        for who in _edges_in(links, neighbour, EdgeKind.ACCOUNTABLE_FOR):
            yield who, Raci.CONSULTED
    for who in accountable:
        for manager in _edges_out(links, who, EdgeKind.REPORTS_TO):
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
