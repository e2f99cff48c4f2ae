"""The HTML report read back by HTML parsers (the standard library's, and lxml's): the JSON
block parses with ``json.loads`` and holds the report's facts, every finding's rule id links
to its entry in the rules reference, the graph's boxes show names cut at a word boundary with
the full name in their hover text, and data from an SMS file (script end tags, markup, quotes,
script URLs, line separators) lands as text, never as an element, an attribute or script.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from typing import Any

import attrs
import lxml.html
import networkx as nx
import pytest

from sms_model.graph import accountability_graph
from sms_model.graph._layout import LABEL_LENGTH, short_label
from sms_model.model import (
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    ServiceManagementSystem,
    TopManagement,
)
from sms_model.report import graph_svg, render_html
from sms_model.report._escape import terminal_text
from sms_model.report._links import rule_url
from sms_model.rules import Assessment, Context, Finding, Registry, assess

AS_OF = date(2026, 11, 27)

#: What an SMS file may hold to attack an HTML page.
PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "a\"b'c",
    "javascript:alert(1)",
    "x\u2028y\u2029z",
    "<!-- <script>",
    "&amp; &lt;",
)
ALL_PAYLOADS = " ".join(PAYLOADS)


# --- a small tree from the standard library's HTML parser -----------------------------------------


@attrs.define
class Element:
    tag: str
    attributes: dict[str, str | None]
    children: list[Element | str] = attrs.field(factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)


_VOID = frozenset({"meta", "input", "br", "img", "link", "hr", "area", "base", "col", "wbr"})


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open[-1].children.append(Element(tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert tag == self.open[-1].tag, f"</{tag}> closes <{self.open[-1].tag}>"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(page: str) -> Element:
    """The page as a tree; fails if any element is left open or closed out of order."""
    builder = _TreeBuilder()
    builder.feed(page)
    builder.close()
    assert [builder.root] == builder.open
    return builder.root


def meta_block(page: str) -> Any:
    (script,) = (s for s in parse(page).iter("script") if s.attributes.get("id") == "meta")
    assert "application/json" == script.attributes.get("type")
    return json.loads(script.text())


# --- assessments to read --------------------------------------------------------------------------


def hostile_sms() -> ServiceManagementSystem:
    """A valid SMS whose name, ids and names carry the payloads."""
    provider = f"acme{PAYLOADS[0]}"
    return ServiceManagementSystem(
        name=f"Acme {ALL_PAYLOADS}",
        provider=provider,
        parties=(Party(id=provider, name=f"Acme {PAYLOADS[1]}", kind=PartyKind.PROVIDER),),
        people=tuple(
            Person(id=f"p{payload}", name=f"Person {payload} " * 3, party=provider)
            for payload in PAYLOADS
        ),
        top_management=TopManagement(members=(f"p{PAYLOADS[0]}",)),
        processes=tuple(
            Process(id=f"proc{payload}", kind=kind, name=f"{payload} process", owner=None)
            for payload, kind in zip(PAYLOADS, ProcessKind, strict=False)
        ),
    )


def hostile_registry() -> Registry:
    rules = Registry()

    @rules.rule(id="T-data", clause="4.1.4", severity="major")
    def data(ctx: Context) -> Iterator[Finding]:
        """Fails, quoting every payload in the message, subjects and evidence."""
        yield ctx.fail(f"found {ALL_PAYLOADS}", subjects=PAYLOADS, evidence=PAYLOADS)

    return rules


@pytest.fixture(scope="module")
def hostile() -> tuple[ServiceManagementSystem, Assessment, str]:
    sms = hostile_sms()
    result = assess(sms, as_of=AS_OF, registry=hostile_registry())
    return sms, result, render_html(result, accountability_graph(sms))


# --- the JSON block -------------------------------------------------------------------------------


def test_the_json_block_parses_and_holds_the_report_facts(acme_assessment: Assessment) -> None:
    page = render_html(acme_assessment)
    expected = {
        "as_of": "2026-11-27",
        "edition": "2011",
        "library_version": acme_assessment.library_version,
        "ruleset_version": acme_assessment.ruleset_version,
        "input_digest": acme_assessment.input_digest,
        "system_name": "Acme Managed Services SMS",
    }
    assert expected == meta_block(page)


def test_the_json_block_keeps_a_hostile_name_exactly_and_inert(
    hostile: tuple[ServiceManagementSystem, Assessment, str],
) -> None:
    sms, _, page = hostile
    assert sms.name == meta_block(page)["system_name"]
    # Two scripts, the JSON block and the filter: "</script><script>" opened no third one.
    scripts = list(parse(page).iter("script"))
    assert [("application/json", "meta"), (None, None)] == [
        (s.attributes.get("type"), s.attributes.get("id")) for s in scripts
    ]
    (block,) = re.findall(r'<script type="application/json" id="meta">(.*?)</script>', page)
    assert [] == [c for c in "<>&\u2028\u2029" if c in block]


def test_a_json_block_that_was_html_escaped_would_not_parse() -> None:
    # What the report wrote before: the test above can fail.
    page = '<script type="application/json" id="meta">{&quot;a&quot;: 1}</script>'
    with pytest.raises(json.JSONDecodeError):
        meta_block(page)


# --- links to the rules reference -----------------------------------------------------------------


def _finding_rows(page: str) -> list[lxml.html.HtmlElement]:
    document = lxml.html.document_fromstring(page)
    rows: list[lxml.html.HtmlElement] = document.xpath("//table[@id='findings']/tbody/tr")
    return rows


def test_each_finding_links_its_rule_id_to_the_rules_reference(
    acme_assessment: Assessment,
) -> None:
    rows = _finding_rows(render_html(acme_assessment))
    assert len(acme_assessment.findings) == len(rows)
    for finding, row in zip(acme_assessment.findings, rows, strict=True):
        cell = row.xpath("td")[2]
        (link,) = cell.xpath("a")
        assert (rule_url(finding.rule), finding.rule) == (link.get("href"), link.text_content())


def test_rules_the_reference_does_not_document_are_not_linked(
    hostile: tuple[ServiceManagementSystem, Assessment, str],
) -> None:
    _, result, page = hostile
    rows = _finding_rows(page)
    plugin_rows = [
        (f, row) for f, row in zip(result.findings, rows, strict=True) if f.rule.startswith("T-")
    ]
    assert plugin_rows
    for finding, row in plugin_rows:
        cell = row.xpath("td")[2]
        assert ([], finding.rule) == (cell.xpath(".//a"), cell.text_content())


def test_the_docs_url_can_point_elsewhere(acme_assessment: Assessment) -> None:
    page = render_html(acme_assessment, docs_url="https://docs.example.org/sms/")
    hrefs = {a.get("href") for row in _finding_rows(page) for a in row.xpath(".//a")}
    assert hrefs
    assert all(h.startswith("https://docs.example.org/sms/reference/rules.html#") for h in hrefs)


# --- hostile values land as text ------------------------------------------------------------------


def test_hostile_values_create_no_element_attribute_or_link(
    hostile: tuple[ServiceManagementSystem, Assessment, str],
) -> None:
    _, _, page = hostile
    root = parse(page)
    tags = {e.tag for e in root.iter()} - {"#document"}
    expected = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "strong"}
    expected |= {"script", "table", "thead", "tbody", "tr", "th", "td", "span", "code", "a"}
    expected |= {"div", "label", "select", "option", "input", "svg", "g", "line", "rect", "text"}
    assert expected >= tags
    assert "img" not in tags
    handlers = [name for e in root.iter() for name in e.attributes if name.startswith("on")]
    assert [] == handlers
    hrefs = [e.attributes["href"] for e in root.iter("a")]
    assert all(href and href.startswith("https://") for href in hrefs)


def test_hostile_values_read_back_as_the_same_text(
    hostile: tuple[ServiceManagementSystem, Assessment, str],
) -> None:
    sms, result, page = hostile
    (finding,) = (f for f in result.findings if f.rule.startswith("T-"))
    rows = [r for r in parse(page).iter("tr") if r.attributes.get("data-status") == "fail"]
    cells = {
        tuple(td.text() for td in row.iter("td")) for row in rows if finding.rule in row.text()
    }
    # Markup arrives as the same text; control and bidi characters (and the Unicode line
    # separators) as visible escapes, as on a terminal.
    shown = functools.partial(terminal_text, multiline=True)
    expected = (
        "MAJOR",
        "4.1.4",
        finding.rule,
        shown(finding.message),
        shown(", ".join(finding.subjects)),
        shown(", ".join(finding.evidence)),
    )
    assert {expected} == cells
    (head,) = parse(page).iter("head")
    (title,) = head.iter("title")
    assert shown(f"{sms.name}: ISO/IEC 20000-1 conformity") == title.text()
    (heading,) = parse(page).iter("h1")
    assert shown(sms.name) == heading.text()


def test_quotes_in_values_do_not_leave_their_attribute() -> None:
    # Values from the file stand in text, and every attribute is quoted and escaped: a quote
    # of either kind in a value cannot end an attribute and start another.
    page = graph_svg(accountability_graph(hostile_sms()))
    root = parse(f"<body>{page}</body>")
    allowed = {"xmlns", "viewBox", "width", "height", "role", "aria-label", "stroke"}
    allowed |= {"stroke-width", "fill", "font-size", "font-family", "x", "y", "x1", "y1"}
    allowed |= {"x2", "y2", "rx"}
    names = {name.lower() for e in root.iter() for name in e.attributes}
    assert {a.lower() for a in allowed} >= names


# --- the graph picture ----------------------------------------------------------------------------


def _boxes(svg: str) -> dict[str, tuple[str, str, str]]:
    """node id -> (label shown, full name in the hover text, kind), read from the picture."""
    boxes = {}
    for group in parse(f"<body>{svg}</body>").iter("g"):
        texts = list(group.iter("text"))
        titles = [t for t in group.children if isinstance(t, Element) and t.tag == "title"]
        if len(texts) == 1 and len(titles) == 1:
            name, _, kind_and_id = titles[0].text().rpartition("\n")
            kind, _, node = kind_and_id.partition(": ")
            boxes[node] = (texts[0].text(), name, kind)
    return boxes


def test_graph_boxes_show_names_cut_at_a_word_and_the_full_name_on_hover(
    acme: ServiceManagementSystem,
) -> None:
    graph = accountability_graph(acme)
    boxes = _boxes(graph_svg(graph))
    assert set(graph) == set(boxes)
    cut = 0
    for node, (shown, name, kind) in boxes.items():
        full = str(graph.nodes[node].get("label") or node)
        assert (full, graph.nodes[node]["kind"]) == (name, kind)
        assert len(shown) <= LABEL_LENGTH
        if shown != full:
            cut += 1
            assert shown.endswith("…")
            kept = shown[:-1]
            assert full.startswith(kept)
            assert full[len(kept)] == " ", f"{shown!r} cuts {full!r} inside a word"
    assert cut > 5  # the example has long objective statements and policy titles


def test_the_hover_shows_the_name_of_a_person_not_only_kind_and_id() -> None:
    graph = nx.MultiDiGraph()
    graph.add_node("ceo", kind="person", id="ceo", label="Ada Lovelace, Countess of Lovelace")
    assert ("Ada Lovelace, Countess of…", "Ada Lovelace, Countess of Lovelace", "person") == (
        _boxes(graph_svg(graph))["ceo"]
    )


def test_the_picture_is_the_same_whatever_order_the_graph_was_built_in(
    acme: ServiceManagementSystem,
) -> None:
    reordered = attrs.evolve(
        acme,
        agreements=acme.agreements[::-1],
        processes=acme.processes[::-1],
        people=acme.people[::-1],
    )
    assert graph_svg(accountability_graph(acme)) == graph_svg(accountability_graph(reordered))


def test_draw_and_the_html_picture_cut_labels_the_same_way(
    acme: ServiceManagementSystem, figure: Any
) -> None:
    pytest.importorskip("matplotlib")
    from sms_model.graph import draw

    graph = accountability_graph(acme)
    ax = draw(graph, ax=figure.subplots())
    drawn = {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid() in graph}
    shown = {node: label for node, (label, _, _) in _boxes(graph_svg(graph)).items()}
    assert shown == drawn
    assert {n: short_label(str(d.get("label") or n)) for n, d in graph.nodes.items()} == drawn


@pytest.fixture
def figure() -> Any:
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    return Figure()
