"""Rendering an :class:`~sms_model.rules.Assessment` as text, Markdown, JSON, HTML, JUnit XML or
SARIF 2.1.0; and, for notebooks, HTML fragments, a pandas DataFrame and a conformity chart.

>>> from datetime import date
>>> import sms_model
>>> from sms_model.rules import assess
>>> result = assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
>>> render(result, "json") == result.to_json()
True
>>> render(result, "markdown").splitlines()[0]
'# Minimal SMS: conformity to ISO/IEC 20000-1:2011'
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Literal

from sms_model.report._chart import plot_conformity
from sms_model.report._ci import Locator, render_junit, render_sarif
from sms_model.report._html import graph_svg, render_html
from sms_model.report._links import DOCS_URL
from sms_model.report._notebook import assessment_html, findings_html, sms_html, to_dataframe
from sms_model.report._text import render_markdown, render_text

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.rules import Assessment

__all__ = [
    "FORMATS",
    "Locator",
    "ReportFormat",
    "assessment_html",
    "findings_html",
    "graph_svg",
    "plot_conformity",
    "render",
    "render_html",
    "render_junit",
    "render_markdown",
    "render_sarif",
    "render_text",
    "sms_html",
    "to_dataframe",
]

#: The name of a report format, as :func:`render` and the command line take it.
ReportFormat = Literal["text", "markdown", "json", "html", "junit", "sarif"]
#: The report formats, in the order the CLI lists them.
FORMATS: tuple[ReportFormat, ...] = ("text", "markdown", "json", "html", "junit", "sarif")


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
    """Render an assessment in one of :data:`FORMATS`.

    ``docs_url`` is where the rules reference links of the HTML, JUnit and SARIF reports point
    (a team hosting its own build of the documentation names it); ``source_root`` is the
    folder SARIF locations are relative to (default: the current directory).

    >>> from datetime import date
    >>> import sms_model
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> render(result, "junit").startswith("<?xml")
    True
    """
    if format == "text":
        return render_text(assessment, colour=colour)
    if format == "markdown":
        return render_markdown(assessment)
    if format == "json":
        return assessment.to_json()
    if format == "html":
        return render_html(assessment, graph, docs_url=docs_url)
    if format == "junit":
        return render_junit(assessment, docs_url=docs_url)
    if format == "sarif":
        return render_sarif(
            assessment, source=source, locate=locate, docs_url=docs_url, source_root=source_root
        )
    raise ValueError(f"unknown report format {format!r}; use one of {', '.join(FORMATS)}")
