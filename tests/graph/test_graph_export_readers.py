"""The graph exports read back by the programs that read them: GraphML validated against the
official GraphML 1.0 schema (vendored in ``tests/schemas/graphml``) and read by networkx and
igraph with the same nodes, edges and attributes; node-link JSON read by networkx; DOT read by
pydot. Each export is byte-identical whatever the order of the system's collections, and data
from an SMS file (ids and names built to attack the format) lands in it as inert text.
"""

from __future__ import annotations

import json
import random
import re
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import sms_model
from sms_model.graph import accountability_graph, to_dot, to_graphml, to_node_link_json
from sms_model.model import (
    COLLECTIONS,
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    Role,
    ServiceManagementSystem,
    TopManagement,
)
from tests.robustness.robustness_support import shuffle_everywhere

ROOT = Path(__file__).resolve().parents[2]
ACME = sms_model.load(ROOT / "examples" / "acme-managed-services.yaml")
SCHEMAS = ROOT / "tests" / "schemas" / "graphml"
GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
XLINK_URL = "http://www.w3.org/1999/xlink"

#: Ids and names built to attack each format: markup, a script end tag, both quotes, a script
#: URL, the JavaScript line separators, a terminal escape with a bell and line breaks, and a
#: string that looks like an encoded GraphML id.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "a\"b'c",
    "javascript:alert(1)",
    "x\u2028y\u2029z",
    "esc\x1b[31mred\x07\r\nline",
    "_x0041_ & é 😀 --> ]]>",
)


# --- the official schema, loaded without the network ------------------------------------------


class _LocalSchemas(etree.Resolver):
    """Resolves every schema the GraphML XSD loads to the vendored copies, and refuses any
    other document, so that loading the schema never reaches the network."""

    def resolve(self, system_url: str, public_id: str, context: Any) -> Any:
        name = system_url.rsplit("/", 1)[-1]
        local = SCHEMAS / name
        if name.endswith(".xsd") and local.is_file():
            return self.resolve_filename(str(local), context)
        raise OSError(f"schema {system_url!r} is not vendored; refusing to fetch it")


def _graphml_schema() -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True, resolve_entities=False)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(SCHEMAS / "graphml.xsd"), parser))


SCHEMA = _graphml_schema()


def _validate(text: str) -> etree._Element:
    document = etree.fromstring(text.encode("utf-8"), etree.XMLParser(resolve_entities=False))
    if not SCHEMA.validate(document):
        pytest.fail(f"GraphML rejected by its schema: {SCHEMA.error_log}")
    return document


def test_the_vendored_schema_is_the_one_that_rejects_duplicate_edge_ids() -> None:
    # The schema can fail: two edges with one id, as multigraph keys written as ids gave.
    broken = (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">'
        '<node id="a"/><node id="b"/><edge id="member_of" source="a" target="b"/>'
        '<edge id="member_of" source="b" target="a"/></graph></graphml>'
    )
    assert not SCHEMA.validate(etree.fromstring(broken))
    assert "edge_id_unique" in str(SCHEMA.error_log)


def test_the_schema_loads_the_xlink_part_from_the_vendored_copy() -> None:
    resolver = _LocalSchemas()
    with pytest.raises(OSError, match="not vendored"):
        resolver.resolve("http://example.invalid/other.xsd", "", None)
    imports = etree.parse(str(SCHEMAS / "graphml-structure.xsd")).findall(
        "{http://www.w3.org/2001/XMLSchema}import"
    )
    assert [(XLINK_URL, "xlink.xsd")] == [
        (i.get("namespace"), i.get("schemaLocation")) for i in imports
    ]


# --- GraphML ------------------------------------------------------------------------------------


def test_graphml_of_the_example_is_valid_against_the_graphml_schema() -> None:
    _validate(to_graphml(accountability_graph(ACME)))


def test_graphml_ids_are_unique_and_no_node_data_is_named_id() -> None:
    document = _validate(to_graphml(accountability_graph(ACME)))
    node_ids = [n.get("id") for n in document.iter(f"{GRAPHML_NS}node")]
    edge_ids = [e.get("id") for e in document.iter(f"{GRAPHML_NS}edge") if e.get("id")]
    repeated = {i: n for i, n in Counter(node_ids + edge_ids).items() if n > 1}
    assert {} == repeated
    key_ids = [k.get("id") for k in document.iter(f"{GRAPHML_NS}key")]
    assert len(key_ids) == len(set(key_ids))
    node_keys = {
        k.get("attr.name") for k in document.iter(f"{GRAPHML_NS}key") if k.get("for") == "node"
    }
    assert "id" not in node_keys
    assert {"kind", "label"} <= node_keys


def _expected_value(value: Any) -> Any:
    """How an attribute reads back from GraphML: collections as a JSON array of their sorted
    items, enums as their value, scalars as they are."""
    if isinstance(value, tuple | list | set | frozenset):
        return json.dumps(sorted(value), ensure_ascii=False)
    return getattr(value, "value", value)


def _expected_attributes(data: dict[str, Any], leave_out: str) -> dict[str, Any]:
    return {
        name: _expected_value(value)
        for name, value in data.items()
        if value is not None and name != leave_out
    }


def test_networkx_reads_graphml_back_with_the_same_nodes_edges_and_attributes() -> None:
    graph = accountability_graph(ACME)
    back = nx.parse_graphml(to_graphml(graph), force_multigraph=True)
    assert set(graph.nodes) == set(back.nodes)
    assert set(graph.edges(keys=True)) == set(back.edges(keys=True))
    for node, data in graph.nodes.items():
        assert _expected_attributes(data, "id") == back.nodes[node], node
    for source, target, key, data in graph.edges(keys=True, data=True):
        expected = {**_expected_attributes(data, ""), "key": key}
        assert expected == back.edges[source, target, key], (source, target, key)
    assert dict(graph.graph) == {k: v for k, v in back.graph.items() if not k.endswith("default")}


def test_igraph_reads_graphml_with_no_warning(tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    graph = accountability_graph(ACME)
    path = tmp_path / "acme.graphml"
    path.write_text(to_graphml(graph), encoding="utf-8")
    with warnings.catch_warnings():
        # igraph reports problems of the file (an "id" attribute that clashes with the
        # vertex ids, for one) as RuntimeWarnings: any warning fails the test.
        warnings.simplefilter("error")
        read = igraph.Graph.Read_GraphML(str(path))
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (read.vcount(), read.ecount())
    assert sorted(graph.nodes) == sorted(read.vs["id"])
    labels = {v["id"]: v["label"] for v in read.vs}
    assert {n: d["label"] for n, d in graph.nodes.items()} == labels
    kinds = Counter((read.vs[e.source]["id"], read.vs[e.target]["id"], e["kind"]) for e in read.es)
    assert Counter((u, v, d["kind"]) for u, v, d in graph.edges(data=True)) == kinds


def test_igraph_warns_about_a_node_attribute_named_id(tmp_path: Path) -> None:
    # The check above can fail: igraph does warn about what the old export wrote.
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "clash.graphml"
    path.write_text(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="d0" for="node" attr.name="id" attr.type="string"/>'
        '<graph edgedefault="directed"><node id="a"><data key="d0">a</data></node></graph>'
        "</graphml>",
        encoding="utf-8",
    )
    with pytest.warns(RuntimeWarning, match="'id' vertex attribute"):
        igraph.Graph.Read_GraphML(str(path))


# --- the same bytes whatever the order of the input ---------------------------------------------


def _shuffled_collections(sms: ServiceManagementSystem, rng: random.Random) -> Any:
    """``sms`` with the entities of each of its collections in a random order."""
    changes = {}
    for name in ("duties", *COLLECTIONS):
        items = list(getattr(sms, name))
        rng.shuffle(items)
        changes[name] = tuple(items)
    return attrs.evolve(sms, **changes)


def _dot_or_skip(graph: nx.MultiDiGraph[str]) -> str:
    pytest.importorskip("pydot")
    return to_dot(graph)


EXPORTS: dict[str, Callable[[nx.MultiDiGraph[str]], str]] = {
    "graphml": to_graphml,
    "node-link": to_node_link_json,
    "dot": _dot_or_skip,
}
_ORIGINAL = {name: export(accountability_graph(ACME)) for name, export in EXPORTS.items()}


@pytest.mark.parametrize("export", sorted(EXPORTS))
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), everywhere=st.booleans())
def test_each_export_is_byte_identical_whatever_the_order_of_the_input(
    export: str, seed: int, everywhere: bool
) -> None:
    rng = random.Random(seed)
    shuffle = shuffle_everywhere if everywhere else _shuffled_collections
    shuffled = shuffle(ACME, rng)
    assert _ORIGINAL[export] == EXPORTS[export](accountability_graph(shuffled))


def test_the_shuffle_does_change_the_order_of_the_graph() -> None:
    # The test above can fail: the graph itself (not its exports) follows the input order.
    reversed_ = attrs.evolve(ACME, agreements=ACME.agreements[::-1])
    before = accountability_graph(ACME).edges(keys=True, data="records")
    after = {
        (u, v, k): r
        for u, v, k, r in accountability_graph(reversed_).edges(keys=True, data="records")
    }
    assert any(after[u, v, k] != records for u, v, k, records in before)


# --- hostile ids and names --------------------------------------------------------------------


def hostile_sms() -> ServiceManagementSystem:
    """A valid SMS whose name, and whose every id and name, carries a payload."""
    provider = f"acme{PAYLOADS[0]}"
    people = tuple(
        Person(id=payload, name=f"{payload} name", party=provider) for payload in PAYLOADS
    )
    return ServiceManagementSystem(
        name=" ".join(PAYLOADS),
        provider=provider,
        parties=(Party(id=provider, name=PAYLOADS[1], kind=PartyKind.PROVIDER),),
        people=people,
        roles=(Role(id=f"role{PAYLOADS[2]}", name=PAYLOADS[4], party=provider),),
        top_management=TopManagement(members=(PAYLOADS[0],), representative=PAYLOADS[2]),
        processes=tuple(
            Process(
                id=f"proc{payload}",
                kind=list(ProcessKind)[i],
                name=f"{payload} process",
                owner=PAYLOADS[(i + 1) % len(PAYLOADS)],
                interfaces=(f"proc{PAYLOADS[(i + 1) % len(PAYLOADS)]}",),
            )
            for i, payload in enumerate(PAYLOADS)
        ),
    )


HOSTILE = accountability_graph(hostile_sms())


def _readable(text: str) -> str:
    """How a value reads back from GraphML: control characters XML cannot hold are escapes."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"\\u{ord(m.group()):04x}", text)


def test_hostile_graphml_is_valid_and_only_graphml_elements() -> None:
    document = _validate(to_graphml(HOSTILE))
    names = {element.tag for element in document.iter()}
    assert {f"{GRAPHML_NS}{n}" for n in ("graphml", "key", "graph", "node", "edge", "data")} == (
        names
    )


def test_hostile_graphml_reads_back_with_every_name_and_key() -> None:
    back = nx.parse_graphml(to_graphml(HOSTILE), force_multigraph=True)
    keys = {node: data.get("key", node) for node, data in back.nodes(data=True)}
    by_key = {key: back.nodes[node] for node, key in keys.items()}
    assert {_readable(node) for node in HOSTILE} == set(by_key)
    for node, data in HOSTILE.nodes.items():
        assert _readable(data["label"]) == by_key[_readable(node)]["label"]
    assert HOSTILE.number_of_edges() == back.number_of_edges()


def test_hostile_graphml_node_ids_are_unique_name_tokens() -> None:
    document = _validate(to_graphml(HOSTILE))
    ids = [n.get("id") for n in document.iter(f"{GRAPHML_NS}node")]
    assert [] == [i for i in ids if not re.fullmatch(r"[A-Za-z0-9._:-]+", i)]
    assert len(HOSTILE) == len(set(ids))
    assert {"duty:internal_audit", "top_management"} <= set(ids)  # plain ids stay as they are


def test_igraph_reads_hostile_graphml_with_no_warning(tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    path = tmp_path / "hostile.graphml"
    path.write_text(to_graphml(HOSTILE), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read = igraph.Graph.Read_GraphML(str(path))
    expected = sorted(_readable(data["label"]) for data in HOSTILE.nodes.values())
    assert expected == sorted(read.vs["label"])


def test_hostile_node_link_json_reads_back_exactly_and_is_ascii() -> None:
    text = to_node_link_json(HOSTILE)
    assert text.isascii()  # U+2028 and U+2029 are escapes, not raw line separators
    back = nx.node_link_graph(json.loads(text), edges="edges")
    assert set(HOSTILE.nodes) == set(back.nodes)
    assert {n: d["label"] for n, d in HOSTILE.nodes.items()} == {
        n: d["label"] for n, d in back.nodes.items()
    }
    assert set(HOSTILE.edges(keys=True)) == set(back.edges(keys=True))
    assert HOSTILE.graph["name"] == back.graph["name"]


def _dot_string(quoted: str) -> str:
    """The value of a DOT double-quoted string as written by the export."""
    assert re.fullmatch(r'".*"', quoted, re.DOTALL), quoted
    escapes = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\r": "\r"}
    return re.sub(r'\\[\\"nr]', lambda m: escapes[m.group()], quoted[1:-1])


# pydot's parser calls pyparsing by names that pyparsing 3.3 deprecates.
@pytest.mark.filterwarnings("ignore:.* deprecated - use:DeprecationWarning")
def test_hostile_dot_parses_with_pydot_to_the_same_nodes_edges_and_labels() -> None:
    pydot = pytest.importorskip("pydot")
    (dot,) = pydot.graph_from_dot_data(to_dot(HOSTILE))
    nodes = {_dot_string(n.get_name()): n for n in dot.get_nodes()}
    assert {_readable(n) for n in HOSTILE} == set(nodes)
    for node, data in HOSTILE.nodes.items():
        assert _readable(data["label"]) == _dot_string(nodes[_readable(node)].get("label"))
    edges = Counter(
        (_dot_string(e.get_source()), _dot_string(e.get_destination())) for e in dot.get_edges()
    )
    assert Counter((_readable(u), _readable(v)) for u, v in HOSTILE.edges()) == edges
    assert [] == dot.get_subgraphs()  # the payloads opened no subgraph


def test_a_service_and_a_component_provided_by_another_party_are_provides_edges() -> None:
    from sms_model.model import Asset, OtherPartyProcess

    supplier = next(p.id for p in ACME.parties if p.kind.value == "supplier")
    service = ACME.services[0].id
    sms = attrs.evolve(
        ACME,
        assets=(Asset(id="as-rack", name="Rack", kind="hardware", services=(service,)),),
        other_party_processes=(
            *ACME.other_party_processes,
            OtherPartyProcess(id="opp-svc", party=supplier, service=service),
            OtherPartyProcess(id="opp-rack", party=supplier, component="as-rack"),
        ),
    )
    graph = accountability_graph(sms)
    provided = sorted((u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "provides")
    assert provided == sorted([(supplier, service), (supplier, "as-rack")])
    root = _validate(to_graphml(graph))
    assert root.tag == f"{GRAPHML_NS}graphml"
