"""A self-contained HTML report: summary, verdicts per clause, filterable findings and a picture
of the accountability graph with its gaps highlighted. No network assets."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sms_model.report._escape import html_text
from sms_model.report._links import DOCS_URL, rule_url
from sms_model.report._rulehelp import documented, reference_id
from sms_model.report._text import _label, _summary_line
from sms_model.rules import Assessment, Finding, Status, default_registry

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["graph_svg", "render_html", "script_json"]

_MAX_NODES = 300

_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2430;max-width:1200px}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{margin-top:2rem}
table{border-collapse:collapse;width:100%}
td,th{padding:.25rem .5rem;border-bottom:1px solid #e3e6ea;text-align:left;vertical-align:top}
th{background:#f5f6f8}
.conforming{color:#17703a}.minor{color:#a15c00}.major{color:#b3261e;font-weight:600}
.not_assessed,.not_applicable{color:#777}
.badge{display:inline-block;padding:0 .4rem;border-radius:.3rem;
font-size:.8rem;font-weight:600;background:#eee}.b-major{background:#fde0dd;color:#b3261e}
.b-minor{background:#fff0d6;color:#a15c00}.b-observation{background:#e1f1fb;color:#0b5d8c}
.b-waived,.b-n-a{background:#eee;color:#555}.b-error{background:#b3261e;color:#fff}
.b-pass{background:#e3f4e8;color:#17703a}code{font-size:.85em}
#filters{margin:.5rem 0 1rem;display:flex;gap:.5rem;flex-wrap:wrap}
svg{border:1px solid #e3e6ea;background:#fcfcfd;max-width:100%;height:auto}
"""

_SCRIPT = """
(function(){var q=document.getElementById('q'),s=document.getElementById('status');
function apply(){var t=q.value.toLowerCase(),v=s.value;
document.querySelectorAll('#findings tbody tr').forEach(function(r){
var ok=(!v||r.dataset.status===v)&&(!t||r.textContent.toLowerCase().indexOf(t)>=0);
r.style.display=ok?'':'none';});}
q.addEventListener('input',apply);s.addEventListener('change',apply);apply();})();
"""


def _e(text: object) -> str:
    """Text or an attribute value in HTML (see ``html_text`` in the escaping module)."""
    return html_text(str(text))


#: What JSON text inside a ``<script>`` element may not hold as it is: ``<`` (``</script>`` and
#: ``<!--`` change how the HTML parser reads script data), ``>`` and ``&`` (for XHTML readers),
#: and the line separators older JavaScript parsers reject in strings. Each is written as a
#: JSON ``\u`` escape, which is the same string to any JSON reader.
_SCRIPT_DATA = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def script_json(data: Any) -> str:
    """``data`` as JSON text to put inside ``<script type="application/json">``: keys sorted,
    and nothing in it can end the element or be read as markup. The element's text parses
    with any JSON reader (``JSON.parse``, :func:`json.loads`) to ``data``; it is not
    HTML-escaped, since the HTML parser does not decode references in script data.

    >>> text = script_json({"name": "</script><b>&"})
    >>> print(text)
    {"name": "\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}
    >>> json.loads(text)["name"]
    '</script><b>&'
    """
    return json.dumps(data, sort_keys=True, ensure_ascii=False).translate(_SCRIPT_DATA)


def render_html(
    assessment: Assessment,
    graph: nx.MultiDiGraph[str] | None = None,
    *,
    docs_url: str = DOCS_URL,
) -> str:
    """One HTML file with everything inline (styles, script, SVG picture of ``graph``).

    Every value from the SMS file is escaped for where it stands (text, attribute values,
    script data). The rule id of each finding links to its entry in the rules reference of the
    documentation at ``docs_url`` (rules from plugins, which have no entry there, are not
    linked). The report's facts (as-of date, versions, input digest, system name) are also in
    a ``<script type="application/json" id="meta">`` element for programs to read.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> page = render_html(result)
    >>> page.startswith("<!DOCTYPE html>"), "<link" in page
    (True, False)
    """
    counts = assessment.counts
    rows = []
    for v in assessment.verdicts:
        depth = v.clause.count(".")
        rows.append(
            f"<tr><td>{_e(v.clause)}</td><td style='padding-left:{0.5 + depth}rem'>"
            f"{_e(v.title)}</td><td class='{_e(v.verdict.value)}'>"
            f"{_e(v.verdict.value.replace('_', ' '))}</td><td>{v.counts['fail']}</td>"
            f"<td>{v.counts['waived']}</td><td>{v.counts['pass']}</td></tr>"
        )
    findings = [_finding_row(f, docs_url) for f in assessment.findings]
    statuses = "".join(
        f"<option value='{_e(s.value)}'{' selected' if s is Status.FAIL else ''}>"
        f"{_e(s.value.replace('_', ' '))} ({counts[s.value]})</option>"
        for s in Status
    )
    picture = ""
    if graph is not None:
        picture = "<h2>Accountability graph</h2>" + graph_svg(graph, _gap_subjects(assessment))
    meta = script_json(
        {
            "as_of": assessment.as_of.isoformat(),
            "edition": assessment.edition,
            "library_version": assessment.library_version,
            "ruleset_version": assessment.ruleset_version,
            "input_digest": assessment.input_digest,
            "system_name": assessment.system_name,
        }
    )
    standard = _e(f"ISO/IEC 20000-1:{assessment.edition}")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{_e(assessment.system_name)}: ISO/IEC 20000-1 conformity</title>
<style>{_STYLE}</style></head><body>
<h1>{_e(assessment.system_name)}</h1>
<p>Conformity to {standard} as of <strong>{_e(assessment.as_of.isoformat())}</strong>.
{_e(_summary_line(assessment))}.</p>
<script type="application/json" id="meta">{meta}</script>
<h2>Verdict per clause</h2>
<table><thead><tr><th>Clause</th><th>Title</th><th>Verdict</th><th>Failed</th><th>Waived</th>
<th>Passed</th></tr></thead><tbody>{"".join(rows)}</tbody></table>
<h2>Findings</h2>
<div id="filters"><label>Status <select id="status"><option value="">all</option>{statuses}
</select></label><label>Search <input id="q" type="search" placeholder="rule, subject, text">
</label></div>
<table id="findings"><thead><tr><th></th><th>Clause</th><th>Rule</th><th>Finding</th>
<th>Subjects</th><th>Evidence</th></tr></thead><tbody>{"".join(findings)}</tbody></table>
{picture}
<script>{_SCRIPT}</script>
</body></html>
"""


def _finding_row(finding: Finding, docs_url: str) -> str:
    label = _label(finding)
    css = "b-" + label.lower().replace("/", "-")
    rule = f"<code>{_e(finding.rule)}</code>"
    link = _rule_link(finding.rule, docs_url)
    if link is not None:
        rule = f"<a href='{_e(link)}'>{rule}</a>"
    return (
        f"<tr data-status='{_e(finding.status.value)}'><td><span class='badge {_e(css)}'>"
        f"{_e(label)}</span></td><td>{_e(finding.clause)}</td><td>{rule}</td>"
        f"<td>{_e(finding.message)}</td><td>{_e(', '.join(finding.subjects))}</td>"
        f"<td>{_e(', '.join(finding.evidence))}</td></tr>"
    )


def _rule_link(rule_id: str, docs_url: str) -> str | None:
    """The rules-reference link of a rule id, if the reference documents it."""
    registry = default_registry()
    spec = registry.get(rule_id) if rule_id in registry else None
    return rule_url(reference_id(rule_id), docs_url) if documented(rule_id, spec) else None


def _gap_subjects(assessment: Assessment) -> set[str]:
    return {s for f in assessment.findings if f.failed for s in f.subjects}


def graph_svg(
    graph: nx.MultiDiGraph[str], highlight: set[str] | frozenset[str] = frozenset()
) -> str:
    """An SVG picture of the accountability graph, nodes in columns by kind, highlighted nodes
    (e.g. the subjects of gaps) outlined in red. Large graphs show only the highlighted nodes
    and their neighbours.

    Each node is a box labelled with its name, cut at a word boundary with an ellipsis when
    long (as :func:`~sms_model.graph.draw` cuts it); its hover text (``<title>``) is the full
    name on one line and ``kind: id`` on the next. The picture is the same whatever order the
    graph was built in.

    >>> import sms_model
    >>> from sms_model.graph import accountability_graph
    >>> graph = accountability_graph(sms_model.load("examples/minimal.yaml"))
    >>> svg = graph_svg(graph, {"acme"})
    >>> svg.startswith("<svg"), "<title>Acme Managed Services Ltd\\nparty: acme</title>" in svg
    (True, True)
    """
    nodes = list(graph.nodes)
    if len(nodes) > _MAX_NODES:
        keep = {n for n in nodes if str(n) in highlight}
        for node in list(keep):
            keep.update(graph.predecessors(node))
            keep.update(graph.successors(node))
        nodes = sorted(keep, key=str)[:_MAX_NODES]
    # networkx only when a picture is drawn
    from sms_model.graph._layout import column_layout, short_label

    chosen = set(nodes)
    grid = column_layout(graph, nodes)
    width, row, col_width = 190, 26, 200
    positions = {node: (20 + c * col_width, 30 + r * row) for node, (c, r) in grid.items()}
    height = 60 + row * max((r + 1 for _, r in grid.values()), default=1)
    total_width = 40 + col_width * (max((c for c, _ in grid.values()), default=0) + 1)
    parts = [
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {total_width} {height}' "
        f"width='{total_width}' height='{height}' role='img' "
        "aria-label='Accountability graph'>",
        "<g stroke='#c9ced6' stroke-width='1' fill='none'>",
    ]
    for source, target, _, data in sorted(
        graph.edges(keys=True, data=True), key=lambda e: (str(e[0]), str(e[1]), str(e[2]))
    ):
        if source in chosen and target in chosen:
            (x1, y1), (x2, y2) = positions[source], positions[target]
            kind = _e(data.get("kind", ""))
            parts.append(
                f"<line x1='{x1 + width}' y1='{y1}' x2='{x2}' y2='{y2}'>"
                f"<title>{kind}</title></line>"
            )
    parts.append("</g><g font-size='11' font-family='system-ui,sans-serif'>")
    for node, (x, y) in positions.items():
        attrs = graph.nodes[node]
        hot = str(node) in highlight or str(attrs.get("id", "")) in highlight
        stroke = "#b3261e" if hot else "#8a93a0"
        name = str(attrs.get("label") or node)
        parts.append(
            f"<g><rect x='{x}' y='{y - 10}' width='{width}' height='20' rx='4' fill='"
            f"{'#fde0dd' if hot else '#ffffff'}' stroke='{stroke}' "
            f"stroke-width='{2 if hot else 1}'/><text x='{x + 6}' y='{y + 4}'>"
            f"{_e(short_label(name))}</text>"
            f"<title>{_e(name)}\n{_e(attrs.get('kind', ''))}: {_e(node)}</title></g>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
