"""The report and graph format registries: the built-in formats, formats a program registers,
the names and records refused, and the command line's ``--format`` read from the registries."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sms_model.cli import main
from sms_model.errors import ArgumentError
from sms_model.graph import accountability_graph, to_graphml, to_node_link_json
from sms_model.model import ServiceManagementSystem
from sms_model.report import (
    FORMATS,
    GRAPH_FORMATS,
    NEEDS,
    RenderOptions,
    graph_format,
    register_format,
    register_graph_format,
    render,
    render_graph,
    render_junit,
    render_markdown,
    render_sarif,
    render_text,
    report_format,
    unregister_format,
    unregister_graph_format,
)
from sms_model.report._raci import raci_csv
from sms_model.rules import Assessment

ROOT = Path(__file__).resolve().parents[2]
ACME = str(ROOT / "examples" / "acme-managed-services.yaml")
AS_OF = ["--as-of", "2026-11-27"]

BUILTIN_REPORTS = ("text", "markdown", "json", "html", "junit", "sarif", "oscal")
BUILTIN_GRAPHS = ("graphml", "json", "dot", "raci")


@pytest.fixture
def registered() -> Iterator[list[str]]:
    """Names of report formats a test registers; removed after it, whatever happened."""
    names: list[str] = []
    yield names
    for name in names:
        if name in FORMATS:
            unregister_format(name)


@pytest.fixture
def registered_graphs() -> Iterator[list[str]]:
    names: list[str] = []
    yield names
    for name in names:
        if name in GRAPH_FORMATS:
            unregister_graph_format(name)


class Recorder:
    """A renderer that records the options it was given and renders the rule ids of the
    failures."""

    def __init__(self) -> None:
        self.options: list[RenderOptions] = []

    def __call__(self, assessment: Assessment, options: RenderOptions) -> str:
        self.options.append(options)
        return "".join(f"{f.rule}\n" for f in assessment.failures)


def _register(registered: list[str], name: str, renderer: Any, **fields: Any) -> Any:
    fields.setdefault("media_type", "text/plain")
    fields.setdefault("suffix", ".txt")
    spec = register_format(name, renderer, **fields)
    registered.append(name)
    return spec


# --- the built-in formats --------------------------------------------------------------------


def test_the_built_in_formats_come_first_in_their_order() -> None:
    assert BUILTIN_REPORTS == tuple(FORMATS)[: len(BUILTIN_REPORTS)]
    assert BUILTIN_GRAPHS == tuple(GRAPH_FORMATS)[: len(BUILTIN_GRAPHS)]


def test_the_names_are_a_sequence_that_equals_a_tuple_of_them() -> None:
    names = tuple(FORMATS)
    for same in (names, list(names)):
        assert same == FORMATS
        assert FORMATS == same
    assert FORMATS[0] == names[0]
    assert len(names) == len(FORMATS)
    assert "json" in FORMATS
    assert "nope" not in FORMATS
    assert repr(names) == repr(FORMATS)


@pytest.mark.parametrize("name", tuple(FORMATS))
def test_every_built_in_format_passes_the_checks_a_registration_gets(name: str) -> None:
    spec = report_format(name)
    assert name == spec.name
    assert callable(spec.renderer)
    assert spec.needs <= NEEDS
    assert spec.media_type.count("/") == 1
    assert spec.suffix.startswith(".")


def test_only_text_is_for_the_console() -> None:
    assert ["text"] == [name for name in BUILTIN_REPORTS if report_format(name).console]


def test_render_gives_each_format_what_its_renderer_makes(acme_assessment: Assessment) -> None:
    result = acme_assessment
    assert render_text(result) == render(result)
    assert render_text(result, colour=True) == render(result, "text", colour=True)
    assert render_markdown(result) == render(result, "markdown")
    assert result.to_json() == render(result, "json")
    assert render_junit(result, docs_url="https://x.example/") == render(
        result, "junit", docs_url="https://x.example/"
    )
    expected = render_sarif(result, source="sms.yaml", locate=lambda _: (3, 4))
    assert expected == render(result, "sarif", source="sms.yaml", locate=lambda _: (3, 4))


def test_the_html_report_draws_the_graph_it_is_given(
    acme: ServiceManagementSystem, acme_assessment: Assessment
) -> None:
    pytest.importorskip("matplotlib")
    without = render(acme_assessment, "html")
    with_graph = render(acme_assessment, "html", graph=accountability_graph(acme))
    assert "<svg" not in without
    assert "<svg" in with_graph


def test_an_unknown_format_names_the_formats_there_are(acme_assessment: Assessment) -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'pdf'; use one of text, mark"):
        render(acme_assessment, "pdf")
    with pytest.raises(ValueError, match=r"unknown graph format 'png'; use one of graphml, "):
        graph_format("png")


def test_render_graph_gives_each_format_what_the_graph_package_makes(
    acme: ServiceManagementSystem,
) -> None:
    from sms_model.graph import raci_matrix

    graph = accountability_graph(acme)
    assert to_graphml(graph) == render_graph(graph, "graphml")
    assert to_node_link_json(graph) == render_graph(graph)
    assert raci_csv(raci_matrix(graph)) == render_graph(graph, "raci")


# --- registering formats ---------------------------------------------------------------------


def test_a_registered_format_renders_and_is_listed_until_removed(
    registered: list[str], acme_assessment: Assessment
) -> None:
    recorder = Recorder()
    spec = _register(registered, "rule-ids", recorder, media_type="text/csv", suffix=".csv")
    assert ("rule-ids", "text/csv", ".csv") == (spec.name, spec.media_type, spec.suffix)
    assert report_format("rule-ids") is spec
    assert "rule-ids" == FORMATS[-1]
    rendered = render(acme_assessment, "rule-ids", docs_url="https://x.example/")
    assert [f.rule for f in acme_assessment.failures] == rendered.splitlines()
    assert "https://x.example/" == recorder.options[0].docs_url
    assert spec is unregister_format("rule-ids")
    assert "rule-ids" not in FORMATS
    with pytest.raises(ValueError, match="no report format named 'rule-ids'"):
        unregister_format("rule-ids")


@pytest.mark.parametrize("name", [*BUILTIN_REPORTS])
def test_a_built_in_name_is_refused_even_to_replace(name: str) -> None:
    before = report_format(name)
    for replace in (False, True):
        with pytest.raises(ValueError, match=f"'{name}' is a built-in report format"):
            register_format(
                name, Recorder(), media_type="text/plain", suffix=".txt", replace=replace
            )
    with pytest.raises(ValueError, match=f"'{name}' is a built-in report format"):
        unregister_format(name)
    assert before is report_format(name)


def test_a_duplicate_name_is_refused_unless_replacing(registered: list[str]) -> None:
    first = _register(registered, "mine", Recorder())
    with pytest.raises(ValueError, match="'mine' is registered already; pass replace=True"):
        register_format("mine", Recorder(), media_type="text/plain", suffix=".txt")
    assert first is report_format("mine")
    second = register_format(
        "mine", Recorder(), media_type="text/html", suffix=".htm", replace=True
    )
    assert second is report_format("mine")
    assert 1 == list(FORMATS).count("mine")


@pytest.mark.parametrize(
    "name",
    ["", "Text", "my format", "a/b", "-x", "x-", "x--y", "2x", "x.y", "é", "x" * 33, "text\n"],
)
def test_a_bad_name_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="must be lower-case letters and digits"):
        register_format(name, Recorder(), media_type="text/plain", suffix=".txt")
    assert name not in FORMATS


@pytest.mark.parametrize("name", ["x", "x2", "my-format", "my_format", "a-b_c", "x" * 32])
def test_a_good_name_is_taken(registered: list[str], name: str) -> None:
    _register(registered, name, Recorder())
    assert name in FORMATS


@pytest.mark.parametrize(
    ("fields", "error", "match"),
    [
        ({"name": 3}, ArgumentError, "must be a str, not int"),
        ({"renderer": "render"}, ArgumentError, "must be callable"),
        ({"media_type": "text"}, ValueError, "is not type/subtype"),
        ({"media_type": "text/plain; charset=utf-8"}, ValueError, "is not type/subtype"),
        ({"suffix": "txt"}, ValueError, "is not like '.json'"),
        ({"suffix": "."}, ValueError, "is not like '.json'"),
        ({"needs": ["graph", "sms"]}, ValueError, r"needs sms: not one of \['graph', 'locate'\]"),
    ],
)
def test_a_bad_registration_is_refused(fields: dict[str, Any], error: type, match: str) -> None:
    arguments: dict[str, Any] = {
        "name": "mine",
        "renderer": Recorder(),
        "media_type": "text/plain",
        "suffix": ".txt",
        **fields,
    }
    with pytest.raises(error, match=match):
        register_format(arguments.pop("name"), arguments.pop("renderer"), **arguments)
    assert "mine" not in FORMATS


def test_a_graph_format_registers_renders_and_is_removed(
    registered_graphs: list[str], acme: ServiceManagementSystem
) -> None:
    spec = register_graph_format(
        "edges", lambda g: f"{g.number_of_edges()}\n", media_type="text/plain", suffix=".txt"
    )
    registered_graphs.append("edges")
    graph = accountability_graph(acme)
    assert f"{graph.number_of_edges()}\n" == render_graph(graph, "edges")
    with pytest.raises(ValueError, match="'edges' is registered already"):
        register_graph_format("edges", str, media_type="text/plain", suffix=".txt")
    with pytest.raises(ValueError, match="'raci' is a built-in graph format"):
        register_graph_format("raci", str, media_type="text/plain", suffix=".txt", replace=True)
    with pytest.raises(ValueError, match="must be lower-case letters"):
        register_graph_format("Edges", str, media_type="text/plain", suffix=".txt")
    assert spec is unregister_graph_format("edges")
    assert "edges" not in GRAPH_FORMATS


# --- the command line reads the registries ---------------------------------------------------


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", tuple(FORMATS))
def test_the_command_line_writes_every_built_in_format_to_a_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    target = tmp_path / f"report{report_format(name).suffix}"
    code, out, err = _cli(capsys, "assess", ACME, *AS_OF, "--format", name, "-o", str(target))
    assert (1, "", "") == (code, out, err)
    assert target.read_text(encoding="utf-8").strip()
    with pytest.raises(SystemExit):
        main(["assess", "--help"])
    words = " ".join(capsys.readouterr().out.split())  # as the help wraps them
    assert f"{name} ({report_format(name).description})" in words


def test_a_registered_format_is_a_choice_of_the_command_line(
    registered: list[str], capsys: pytest.CaptureFixture[str], acme_assessment: Assessment
) -> None:
    with pytest.raises(SystemExit) as refused:
        main(["assess", ACME, *AS_OF, "--format", "rule-ids"])
    assert 2 == refused.value.code
    assert "invalid choice: 'rule-ids'" in capsys.readouterr().err
    _register(registered, "rule-ids", Recorder())
    code, out, _ = _cli(capsys, "assess", ACME, *AS_OF, "--format", "rule-ids")
    assert 1 == code
    assert [f.rule for f in acme_assessment.failures] == out.splitlines()
    with pytest.raises(SystemExit):
        main(["assess", "--help"])
    assert "rule-ids" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("needs", "built"),
    [((), (False, False)), (("graph",), (True, False)), (("locate", "graph"), (True, True))],
)
def test_the_command_line_builds_only_what_a_format_needs(
    registered: list[str],
    capsys: pytest.CaptureFixture[str],
    needs: tuple[str, ...],
    built: tuple[bool, bool],
) -> None:
    recorder = Recorder()
    _register(registered, "probe", recorder, needs=needs)
    _cli(capsys, "assess", ACME, *AS_OF, "--format", "probe", "--passed", "--docs-url", "u")
    [options] = recorder.options
    assert built == (options.graph is not None, options.locate is not None)
    assert (True, "u", ACME) == (options.passed, options.docs_url, options.source)
    if options.locate is not None:
        assert options.locate("acme") is not None  # a real locator of the SMS file


def test_the_command_line_colours_only_a_console_format_on_a_terminal(
    registered: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    plain, console = Recorder(), Recorder()
    _register(registered, "plain", plain)
    _register(registered, "console", console, console=True)
    _cli(capsys, "assess", ACME, *AS_OF, "--format", "plain")
    _cli(capsys, "assess", ACME, *AS_OF, "--format", "console")
    assert (False, True) == (plain.options[0].colour, console.options[0].colour)


def test_a_registered_graph_format_is_a_choice_of_the_graph_command(
    registered_graphs: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    register_graph_format(
        "nodes",
        lambda g: json.dumps(sorted(g.nodes)),
        media_type="application/json",
        suffix=".json",
    )
    registered_graphs.append("nodes")
    code, out, _ = _cli(capsys, "graph", ACME, "--format", "nodes")
    assert 0 == code
    assert "acme" in json.loads(out)
