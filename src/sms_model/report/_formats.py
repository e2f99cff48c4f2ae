"""The report and graph formats: each is a renderer plus one registration here.

A report format turns an :class:`~sms_model.rules.Assessment` into text with a renderer that
takes the assessment and a :class:`RenderOptions`; a graph format turns the accountability
graph into text. :func:`~sms_model.report.render`, :func:`render_graph` and the ``--format``
choices of ``sms-model assess`` and ``sms-model graph`` are all read from these registries, so a
format registered here (built in, or by a program with :func:`register_format`) is offered
everywhere at once.

This module imports no renderer: each built-in renderer is imported when it first renders, so
that listing the formats (as the command line does to parse its arguments) stays cheap.

Length: the two registries, their public functions and one registration per built-in format,
kept together so that the formats the command line offers are read in one place.
"""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar, overload

import attrs

from sms_model.errors import ArgumentError
from sms_model.report._links import DOCS_URL

if TYPE_CHECKING:
    import networkx as nx

    from sms_model.report._ci import Locator
    from sms_model.rules import Assessment

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "NEEDS",
    "GraphFormatSpec",
    "GraphRenderer",
    "RenderOptions",
    "Renderer",
    "ReportFormat",
    "ReportFormatSpec",
    "graph_format",
    "register_format",
    "register_graph_format",
    "render_graph",
    "report_format",
    "unregister_format",
    "unregister_graph_format",
]

#: The name of a report format, as :func:`~sms_model.report.render` and the command line take
#: it: one of :data:`FORMATS`. (Once a fixed list of names; now any registered name.)
ReportFormat = str

#: The options a renderer may need that cost something to build, which a caller such as the
#: command line builds only for a format that declares it needs them: the accountability graph
#: (``"graph"``) and the file positions of entities (``"locate"``).
NEEDS: Final = frozenset({"graph", "locate"})

# A format name is a command-line value and part of file names: lower-case words of letters and
# digits, joined by "-" or "_".
_NAME: Final = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_NAME_LENGTH: Final = 32
_MEDIA_TYPE: Final = re.compile(r"[a-z]+/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*")
_SUFFIX: Final = re.compile(r"(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)+")


@attrs.frozen(kw_only=True)
class RenderOptions:
    """What a report renderer may use besides the assessment; each renderer reads what it
    needs and ignores the rest.

    - ``colour``: ANSI colours, for a format shown on a terminal;
    - ``passed``: list passing findings too, where a format leaves them out by default;
    - ``source``: the SMS file the assessment was made from (SARIF locations name it);
    - ``locate``: finds the line and column of an entity id in ``source`` (a
      :data:`~sms_model.report.Locator`, such as :func:`sms_model.io.locator` makes);
    - ``graph``: the accountability graph of the system (the HTML report draws it);
    - ``docs_url``: where links to the rules reference point;
    - ``source_root``: the folder the file locations are relative to (default: the current
      directory).

    >>> RenderOptions(colour=True).docs_url == RenderOptions().docs_url
    True
    """

    colour: bool = False
    passed: bool = False
    source: str | os.PathLike[str] | None = None
    locate: Locator | None = attrs.field(default=None, eq=False, repr=False)
    graph: nx.MultiDiGraph[str] | None = attrs.field(default=None, eq=False, repr=False)
    docs_url: str = DOCS_URL
    source_root: str | os.PathLike[str] | None = None


#: A report renderer: the assessment and the options in, the report out.
Renderer = Callable[["Assessment", RenderOptions], str]

#: A graph renderer: the accountability graph in, its text out.
GraphRenderer = Callable[["nx.MultiDiGraph[str]"], str]


@attrs.frozen(kw_only=True)
class ReportFormatSpec:
    """A registered report format.

    ``media_type`` and ``suffix`` say what the output is (for a web server, an upload, a file
    name); ``console`` is true for text meant to be read on a console, which the command line
    writes in the console's own encoding (and colours on a terminal), whereas every other
    format reaches standard output as the UTF-8 bytes a file of it holds. ``needs`` lists the
    options of :data:`NEEDS` the renderer reads.

    >>> spec = report_format("sarif")
    >>> spec.media_type, spec.suffix, spec.console, sorted(spec.needs)
    ('application/sarif+json', '.sarif', False, ['locate'])
    """

    name: str
    renderer: Renderer = attrs.field(eq=False, repr=False)
    media_type: str
    suffix: str
    console: bool = False
    needs: frozenset[str] = frozenset()
    description: str = ""


@attrs.frozen(kw_only=True)
class GraphFormatSpec:
    """A registered format of the accountability graph (``sms-model graph --format``).

    >>> graph_format("graphml").suffix
    '.graphml'
    """

    name: str
    renderer: GraphRenderer = attrs.field(eq=False, repr=False)
    media_type: str
    suffix: str
    description: str = ""


_Spec = TypeVar("_Spec", ReportFormatSpec, GraphFormatSpec)


class _Registry(Generic[_Spec]):
    """Formats by name, in the order they were registered. Built-in formats can be neither
    replaced nor removed: the command line and the documentation promise them."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._specs: dict[str, _Spec] = {}
        self._builtin: set[str] = set()
        self._lock = threading.Lock()

    def add(self, spec: _Spec, *, replace: bool = False, builtin: bool = False) -> _Spec:
        with self._lock:
            if spec.name in self._builtin:
                raise ValueError(f"{spec.name!r} is a built-in {self.what}; choose another name")
            if spec.name in self._specs and not replace:
                raise ValueError(
                    f"a {self.what} named {spec.name!r} is registered already; pass "
                    "replace=True to replace it"
                )
            self._specs[spec.name] = spec
            if builtin:
                self._builtin.add(spec.name)
        return spec

    def remove(self, name: str) -> _Spec:
        with self._lock:
            if name in self._builtin:
                raise ValueError(f"{name!r} is a built-in {self.what}; it cannot be removed")
            spec = self._specs.pop(name, None)
        if spec is None:
            raise ValueError(f"no {self.what} named {name!r} is registered")
        return spec

    def get(self, name: str) -> _Spec:
        spec = self._specs.get(name) if isinstance(name, str) else None
        if spec is None:
            raise ValueError(f"unknown {self.what} {name!r}; use one of {', '.join(self._specs)}")
        return spec

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def names(self) -> tuple[str, ...]:
        return tuple(self._specs)

    def builtin_names(self) -> tuple[str, ...]:
        """The built-in formats' names, in registration order."""
        return tuple(name for name in self._specs if name in self._builtin)


class _Names(Sequence[str]):
    """The names of a registry's formats in registration order: a read-only view that follows
    later registrations. It compares equal to a tuple or list of the same names."""

    def __init__(self, registry: _Registry[Any]) -> None:
        self._registry = registry

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...

    def __getitem__(self, index: int | slice) -> str | tuple[str, ...]:
        return self._registry.names()[index]

    def __len__(self) -> int:
        return len(self._registry.names())

    def __iter__(self) -> Iterator[str]:
        return iter(self._registry.names())

    def __contains__(self, name: object) -> bool:
        return name in self._registry

    def __eq__(self, other: object) -> bool:
        if isinstance(other, _Names | tuple | list):
            return self._registry.names() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # it changes as formats are registered

    def __repr__(self) -> str:
        return repr(self._registry.names())


_REPORTS: Final[_Registry[ReportFormatSpec]] = _Registry("report format")
_GRAPHS: Final[_Registry[GraphFormatSpec]] = _Registry("graph format")

#: The names of the report formats, in the order the command line lists them: the built-in
#: ones, then those registered with :func:`register_format`. A live view: it shows formats
#: registered after it was imported.
FORMATS: Final[Sequence[ReportFormat]] = _Names(_REPORTS)
#: The names of the graph formats, in the order the command line lists them (a live view, as
#: :data:`FORMATS`).
GRAPH_FORMATS: Final[Sequence[str]] = _Names(_GRAPHS)


def _checked(what: str, name: object, renderer: object, media_type: object, suffix: object) -> str:
    if not isinstance(name, str):
        raise ArgumentError(f"a {what} name must be a str, not {type(name).__name__}")
    if len(name) > _NAME_LENGTH or not _NAME.fullmatch(name):
        raise ValueError(
            f"{what} name {name!r} must be lower-case letters and digits, words joined by '-' or "
            f"'_', at most {_NAME_LENGTH} characters (it is a command-line value)"
        )
    if not callable(renderer):
        raise ArgumentError(f"the renderer of {what} {name!r} must be callable")
    if not isinstance(media_type, str) or not _MEDIA_TYPE.fullmatch(media_type):
        raise ValueError(f"{what} {name!r}: media type {media_type!r} is not type/subtype")
    if not isinstance(suffix, str) or not _SUFFIX.fullmatch(suffix):
        raise ValueError(f"{what} {name!r}: file suffix {suffix!r} is not like '.json'")
    return name


def register_format(
    name: str,
    renderer: Renderer,
    *,
    media_type: str,
    suffix: str,
    console: bool = False,
    needs: Iterable[str] = (),
    description: str = "",
    replace: bool = False,
) -> ReportFormatSpec:
    """Register a report format: from then on :func:`~sms_model.report.render` renders it,
    :data:`FORMATS` lists it and ``sms-model assess --format`` offers it (in the same
    process). Returns the registration.

    ``renderer`` takes the assessment and a :class:`RenderOptions`. ``name`` must be
    lower-case letters and digits, words joined by ``-`` or ``_``. A name already registered is
    refused unless ``replace`` is true; a built-in format's name is always refused. See
    :class:`ReportFormatSpec` for the other fields.

    >>> from datetime import date
    >>> import sms_model
    >>> from sms_model.report import render
    >>> def failures_only(assessment, options):
    ...     return "".join(f"{f.rule}\\n" for f in assessment.failures)
    >>> spec = register_format("failures", failures_only, media_type="text/plain", suffix=".txt")
    >>> "failures" in FORMATS
    True
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> render(result, "failures").splitlines() == [f.rule for f in result.failures]
    True
    >>> register_format("failures", failures_only, media_type="text/plain", suffix=".txt")
    Traceback (most recent call last):
    ...
    ValueError: a report format named 'failures' is registered already; ...
    >>> unregister_format("failures") is spec
    True
    """
    spec = _report_spec(
        name,
        renderer,
        media_type=media_type,
        suffix=suffix,
        console=console,
        needs=needs,
        description=description,
    )
    return _REPORTS.add(spec, replace=replace)


def _report_spec(
    name: str,
    renderer: Renderer,
    *,
    media_type: str,
    suffix: str,
    console: bool = False,
    needs: Iterable[str] = (),
    description: str = "",
) -> ReportFormatSpec:
    _checked("report format", name, renderer, media_type, suffix)
    wanted = frozenset(needs)
    if not wanted <= NEEDS:
        unknown = ", ".join(sorted(wanted - NEEDS))
        raise ValueError(f"report format {name!r} needs {unknown}: not one of {sorted(NEEDS)}")
    return ReportFormatSpec(
        name=name,
        renderer=renderer,
        media_type=media_type,
        suffix=suffix,
        console=bool(console),
        needs=wanted,
        description=str(description),
    )


def unregister_format(name: str) -> ReportFormatSpec:
    """Remove a report format registered with :func:`register_format` and return it; a
    built-in format cannot be removed.

    >>> unregister_format("html")
    Traceback (most recent call last):
    ...
    ValueError: 'html' is a built-in report format; it cannot be removed
    """
    return _REPORTS.remove(name)


def report_format(name: ReportFormat) -> ReportFormatSpec:
    """The registered report format ``name``; :class:`ValueError` names the formats there are
    when there is none of that name.

    >>> report_format("text").console
    True
    """
    return _REPORTS.get(name)


def register_graph_format(
    name: str,
    renderer: GraphRenderer,
    *,
    media_type: str,
    suffix: str,
    description: str = "",
    replace: bool = False,
) -> GraphFormatSpec:
    """Register a format of the accountability graph, as :func:`register_format` registers a
    report format: :func:`render_graph` renders it, :data:`GRAPH_FORMATS` lists it and
    ``sms-model graph --format`` offers it (in the same process).

    >>> import sms_model
    >>> from sms_model.graph import accountability_graph
    >>> spec = register_graph_format(
    ...     "size", lambda g: f"{len(g)} nodes\\n", media_type="text/plain", suffix=".txt")
    >>> graph = accountability_graph(sms_model.load("examples/minimal.yaml"))
    >>> render_graph(graph, "size") == f"{len(graph)} nodes\\n"
    True
    >>> unregister_graph_format("size") is spec
    True
    """
    spec = _graph_spec(
        name, renderer, media_type=media_type, suffix=suffix, description=description
    )
    return _GRAPHS.add(spec, replace=replace)


def _graph_spec(
    name: str, renderer: GraphRenderer, *, media_type: str, suffix: str, description: str = ""
) -> GraphFormatSpec:
    _checked("graph format", name, renderer, media_type, suffix)
    return GraphFormatSpec(
        name=name,
        renderer=renderer,
        media_type=media_type,
        suffix=suffix,
        description=str(description),
    )


def unregister_graph_format(name: str) -> GraphFormatSpec:
    """Remove a graph format registered with :func:`register_graph_format` and return it; a
    built-in format cannot be removed."""
    return _GRAPHS.remove(name)


def graph_format(name: str) -> GraphFormatSpec:
    """The registered graph format ``name``; :class:`ValueError` names the formats there are
    when there is none of that name.

    >>> graph_format("raci").media_type
    'text/csv'
    """
    return _GRAPHS.get(name)


def render_graph(graph: nx.MultiDiGraph[str], format: str = "json") -> str:
    """The accountability graph in one of :data:`GRAPH_FORMATS` (``dot`` needs the optional
    ``pydot`` package).

    >>> import json, sms_model
    >>> from sms_model.graph import accountability_graph
    >>> graph = accountability_graph(sms_model.load("examples/minimal.yaml"))
    >>> len(json.loads(render_graph(graph))["nodes"]) == len(graph)
    True
    """
    return graph_format(format).renderer(graph)


# --- built-in formats ------------------------------------------------------------------------
#
# One registration each. A renderer module written for the registry has a function that takes
# (assessment, options); it is named here by module and function, and imported when it first
# renders. The adapters below fit the renderers that have signatures of their own.


def _lazy(module: str, function: str) -> Callable[..., str]:
    """The function ``function`` of ``module``, imported on the first call."""

    def call(*args: Any) -> str:
        found: Callable[..., str] = getattr(importlib.import_module(module), function)
        return found(*args)

    call.__qualname__ = call.__name__ = function
    call.__doc__ = f"{module}.{function}, imported on first use."
    return call


def _text(assessment: Assessment, options: RenderOptions) -> str:
    from sms_model.report._text import render_text

    return render_text(assessment, colour=options.colour, passed=options.passed)


def _markdown(assessment: Assessment, _options: RenderOptions) -> str:
    from sms_model.report._text import render_markdown

    return render_markdown(assessment)


def _json(assessment: Assessment, _options: RenderOptions) -> str:
    return assessment.to_json()


def _html(assessment: Assessment, options: RenderOptions) -> str:
    from sms_model.report._html import render_html

    return render_html(assessment, options.graph, docs_url=options.docs_url)


def _junit(assessment: Assessment, options: RenderOptions) -> str:
    from sms_model.report._ci import render_junit

    return render_junit(assessment, docs_url=options.docs_url)


def _sarif(assessment: Assessment, options: RenderOptions) -> str:
    from sms_model.report._ci import render_sarif

    return render_sarif(
        assessment,
        source=options.source,
        locate=options.locate,
        docs_url=options.docs_url,
        source_root=options.source_root,
    )


def _oscal(assessment: Assessment, options: RenderOptions) -> str:
    from sms_model.oscal import assessment_results

    return assessment_results(assessment, docs_url=options.docs_url)


_GRAPH: Final = "sms_model.graph"

_REPORTS.add(
    _report_spec(
        "text",
        _text,
        media_type="text/plain",
        suffix=".txt",
        console=True,
        description="for a terminal: verdicts per clause, then findings worst first",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "markdown",
        _markdown,
        media_type="text/markdown",
        suffix=".md",
        description="for a pull request or a wiki",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "json",
        _json,
        media_type="application/json",
        suffix=".json",
        description="the assessment report schema, for programs",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "html",
        _html,
        media_type="text/html",
        suffix=".html",
        needs=["graph"],
        description="one self-contained page, with a picture of the graph",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "junit",
        _junit,
        media_type="application/xml",
        suffix=".xml",
        description="JUnit XML for CI test reports",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "sarif",
        _sarif,
        media_type="application/sarif+json",
        suffix=".sarif",
        needs=["locate"],
        description="SARIF 2.1.0 for code scanning",
    ),
    builtin=True,
)
_REPORTS.add(
    _report_spec(
        "oscal",
        _oscal,
        media_type="application/oscal.assessment-results+json",
        suffix=".json",
        description="OSCAL assessment results, for GRC tools (needs the oscal extra)",
    ),
    builtin=True,
)

_GRAPHS.add(
    _graph_spec(
        "graphml",
        _lazy(_GRAPH, "to_graphml"),
        media_type="application/graphml+xml",
        suffix=".graphml",
        description="GraphML 1.0",
    ),
    builtin=True,
)
_GRAPHS.add(
    _graph_spec(
        "json",
        _lazy(_GRAPH, "to_node_link_json"),
        media_type="application/json",
        suffix=".json",
        description="node-link JSON",
    ),
    builtin=True,
)
_GRAPHS.add(
    _graph_spec(
        "dot",
        _lazy(_GRAPH, "to_dot"),
        media_type="text/vnd.graphviz",
        suffix=".dot",
        description="Graphviz DOT, with the optional pydot package",
    ),
    builtin=True,
)
_GRAPHS.add(
    _graph_spec(
        "raci",
        _lazy("sms_model.report._raci", "render_raci"),
        media_type="text/csv",
        suffix=".csv",
        description="the RACI matrix, as CSV for spreadsheets",
    ),
    builtin=True,
)
