"""Rendering an :class:`~sms_model.rules.Assessment` as text, Markdown, JSON, HTML, JUnit XML,
SARIF 2.1.0 or OSCAL assessment results, or in a format of your own; the comparison of two
assessments (:func:`render_diff`); and, for notebooks, HTML fragments, a pandas DataFrame and
charts of conformity per clause and over time.

>>> from datetime import date
>>> import sms_model
>>> from sms_model.rules import assess
>>> result = assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
>>> render(result, "json") == result.to_json()
True
>>> render(result, "markdown").splitlines()[0]
'# Minimal SMS: conformity to ISO/IEC 20000-1:2011'

Each format is a renderer plus one registration (:func:`register_format`); :data:`FORMATS`,
:func:`render` and ``sms-model assess --format`` read the same registry. The formats of the
accountability graph (``sms-model graph --format``) work the same way
(:func:`register_graph_format`, :data:`GRAPH_FORMATS`, :func:`render_graph`).

Importing this package is cheap: each renderer is imported on first use. In a running IPython
shell (a Jupyter kernel) importing it, or :mod:`sms_model`, also shows every
:class:`~sms_model.model.ServiceManagementSystem` as an HTML card (:func:`register_display`).
"""

from __future__ import annotations

import importlib
import os
from typing import TYPE_CHECKING, Any, Final

from sms_model.report import _formats
from sms_model.report._formats import (
    GraphFormatSpec,
    RenderOptions,
    ReportFormatSpec,
    graph_format,
    register_format,
    register_graph_format,
    render_graph,
    report_format,
    unregister_format,
    unregister_graph_format,
)
from sms_model.report._ipython import register_display
from sms_model.report._links import DOCS_URL

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.report._chart import plot_conformity, plot_timeline
    from sms_model.report._ci import Locator, render_junit, render_sarif
    from sms_model.report._crosswalk import render_crosswalk
    from sms_model.report._diff import render_diff
    from sms_model.report._html import graph_svg, render_html
    from sms_model.report._notebook import assessment_html, findings_html, sms_html, to_dataframe
    from sms_model.report._obligations import render_obligations
    from sms_model.report._text import render_markdown, render_text
    from sms_model.report._transition import render_transition
    from sms_model.rules import Assessment

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "NEEDS",
    "GraphFormatSpec",
    "GraphRenderer",
    "Locator",
    "RenderOptions",
    "Renderer",
    "ReportFormat",
    "ReportFormatSpec",
    "assessment_html",
    "findings_html",
    "graph_format",
    "graph_svg",
    "plot_conformity",
    "plot_timeline",
    "register_display",
    "register_format",
    "register_graph_format",
    "render",
    "render_crosswalk",
    "render_diff",
    "render_graph",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_obligations",
    "render_sarif",
    "render_text",
    "render_transition",
    "report_format",
    "sms_html",
    "to_dataframe",
    "unregister_format",
    "unregister_graph_format",
]

#: The name of a report format, as :func:`render` and the command line take it: one of
#: :data:`FORMATS`. (Once a fixed list of names; now any registered name.)
ReportFormat = _formats.ReportFormat
#: The names of the report formats, in the order the command line lists them: the built-in
#: ones (``text``, ``markdown``, ``json``, ``html``, ``junit``, ``sarif``, ``oscal``), then those
#: registered with :func:`register_format`. A read-only view that shows formats registered
#: after it was imported; it compares equal to a tuple of the same names.
FORMATS: Final = _formats.FORMATS
#: The names of the graph formats (``graphml``, ``json``, ``dot``, ``raci``, then those
#: registered with :func:`register_graph_format`), a live view as :data:`FORMATS` is.
GRAPH_FORMATS: Final = _formats.GRAPH_FORMATS
#: What a report format may declare it ``needs``: the options that cost something to build,
#: which the command line builds only for a format that needs them: the accountability graph
#: (``"graph"``) and the file positions of entities (``"locate"``).
NEEDS: Final = _formats.NEEDS
#: A report renderer: it takes the assessment and a :class:`RenderOptions`, and returns the
#: report.
Renderer = _formats.Renderer
#: A graph renderer: it takes the accountability graph and returns its text.
GraphRenderer = _formats.GraphRenderer

# Public names served from the renderer modules on first access, so that importing the package
# (as the command line does to list the formats) stays cheap.
_LAZY: dict[str, str] = {
    "Locator": "sms_model.report._ci",
    "assessment_html": "sms_model.report._notebook",
    "findings_html": "sms_model.report._notebook",
    "graph_svg": "sms_model.report._html",
    "plot_conformity": "sms_model.report._chart",
    "plot_timeline": "sms_model.report._chart",
    "render_crosswalk": "sms_model.report._crosswalk",
    "render_diff": "sms_model.report._diff",
    "render_html": "sms_model.report._html",
    "render_junit": "sms_model.report._ci",
    "render_markdown": "sms_model.report._text",
    "render_obligations": "sms_model.report._obligations",
    "render_sarif": "sms_model.report._ci",
    "render_text": "sms_model.report._text",
    "render_transition": "sms_model.report._transition",
    "sms_html": "sms_model.report._notebook",
    "to_dataframe": "sms_model.report._notebook",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sms_model.report' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def render(
    assessment: Assessment,
    format: ReportFormat = "text",
    *,
    colour: bool = False,
    source: str | None = None,
    locate: Locator | None = None,
    graph: nx.MultiDiGraph[str] | None = None,
    docs_url: str = DOCS_URL,
    source_root: str | os.PathLike[str] | None = None,
) -> str:
    """Render an assessment in one of :data:`FORMATS`: the registered format's renderer, given
    these options as a :class:`RenderOptions`.

    ``docs_url`` is where the rules reference links of the HTML, JUnit and SARIF reports point
    (a team hosting its own build of the documentation names it); ``source_root`` is the
    folder SARIF locations are relative to (default: the current directory). An unknown format
    raises :class:`ValueError`.

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> render(result, "junit").startswith("<?xml")
    True
    """
    spec = report_format(format)
    options = RenderOptions(
        colour=colour,
        source=source,
        locate=locate,
        graph=graph,
        docs_url=docs_url,
        source_root=source_root,
    )
    return spec.renderer(assessment, options)


register_display()  # in a running IPython shell; nothing otherwise
