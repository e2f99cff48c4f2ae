"""The ``sms-model`` command: a thin layer over the public API.

Exit codes: 0 when no unwaived failure reaches ``--fail-on``, 1 when one does, 2 for invalid
input or usage (with a one-line reason on stderr).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from sms_model.errors import ModelValidationError, SMSModelError

if TYPE_CHECKING:
    from sms_model.model import ServiceManagementSystem

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
_FAIL_ON = ("major", "minor", "observation", "never")
_REPORT_FORMATS = ("text", "markdown", "json", "html", "junit", "sarif")
_GRAPH_FORMATS = ("graphml", "json", "dot", "raci")


class _UsageError(Exception):
    """Bad use of the command line: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sms-model",
        description="Model an ISO/IEC 20000-1 service management system and assess conformity.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("assess", help="assess an SMS file and report findings")
    a.add_argument("file", help="the SMS file (YAML or JSON)")
    a.add_argument("--as-of", help="assessment date, YYYY-MM-DD (default: today)")
    a.add_argument("--format", choices=_REPORT_FORMATS, default="text")
    a.add_argument("--output", "-o", help="write the report here (atomically) instead of stdout")
    a.add_argument(
        "--fail-on",
        choices=_FAIL_ON,
        default="major",
        help="lowest severity of an unwaived failure that exits 1 (default: major)",
    )
    a.add_argument(
        "--select",
        nargs="+",
        metavar="SEL",
        help="rule ids, clause numbers, tags or guidance ids to run",
    )
    a.add_argument("--ignore", nargs="+", metavar="SEL", help="rules to leave out")
    a.add_argument("--waivers", help="YAML or JSON file with a list of waivers")
    a.add_argument("--config", help="YAML or JSON configuration (cadences, interfaces, ...)")
    a.add_argument("--passed", action="store_true", help="list passing findings too (text)")
    a.add_argument(
        "--rule-timeout",
        type=float,
        metavar="SECONDS",
        help="abandon a rule that runs longer and report it as an error",
    )

    v = sub.add_parser("validate", help="check an SMS file and summarise it")
    v.add_argument("file")

    g = sub.add_parser("graph", help="write the accountability graph")
    g.add_argument("file")
    g.add_argument("--format", choices=_GRAPH_FORMATS, default="json")
    g.add_argument("--output", "-o")

    r = sub.add_parser("rules", help="list the rules, or the traceability matrix")
    r.add_argument("--clause", help="only rules of this clause (and its sub-clauses)")
    r.add_argument(
        "--matrix",
        action="store_true",
        help="clause and guidance ids against the rules that check them",
    )

    sub.add_parser("schema", help="print the JSON Schema of SMS files")

    i = sub.add_parser("init", help="write a commented starter SMS file that validates")
    i.add_argument("path")
    return parser


def _version() -> str:
    from sms_model import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        handler = _HANDLERS[args.command]
        return handler(args)
    except _UsageError as exc:
        print(f"sms-model: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except SMSModelError as exc:
        _print_error(exc)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into `head`
        return EXIT_OK


def _print_error(exc: SMSModelError) -> None:
    if isinstance(exc, ModelValidationError) and exc.issues:
        count = len(exc.issues)
        where = f"{exc.source}: " if exc.source else ""
        noun = "problem" if count == 1 else "problems"
        print(
            f"sms-model: error: {where}{count} {noun}; the first: {exc.issues[0]}", file=sys.stderr
        )
        for issue in exc.issues:
            print(f"  - {issue}", file=sys.stderr)
    else:
        print(f"sms-model: error: {exc}", file=sys.stderr)


# --- helpers ---------------------------------------------------------------------------------


def _load(file: str) -> ServiceManagementSystem:
    from sms_model.io import load

    path = Path(file)
    if not path.is_file():
        raise _UsageError(f"{file}: no such file")
    with _Progress(f"loading {path.name}", path.stat().st_size):
        return load(path)


class _Progress:
    """Progress on stderr for large inputs, when stderr is a terminal: a note while loading and
    a bar while the rules run."""

    _THRESHOLD = 5 * 1024 * 1024
    _WIDTH = 30

    def __init__(self, what: str, size: int) -> None:
        self.show = size >= self._THRESHOLD and sys.stderr.isatty()
        self.what = what

    def __enter__(self) -> _Progress:
        if self.show:
            print(f"\r{self.what} ...", end="", file=sys.stderr, flush=True)
        return self

    def update(self, done: int, total: int) -> None:
        """Draw the bar: ``done`` of ``total`` steps."""
        if self.show and total:
            filled = self._WIDTH * done // total
            bar = "#" * filled + "-" * (self._WIDTH - filled)
            print(f"\r{self.what} [{bar}] {done}/{total}", end="", file=sys.stderr, flush=True)

    def __exit__(self, *exc: object) -> None:
        if self.show:
            print(f"\r{self.what} done.{' ' * (self._WIDTH + 12)}", file=sys.stderr, flush=True)


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _write(text: str, output: str | None, inputs: Sequence[str]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    target = Path(output)
    for given in inputs:
        if target.exists() and Path(given).exists() and target.resolve() == Path(given).resolve():
            raise _UsageError(f"--output {output} would overwrite the input file; choose another")
    if target.is_dir():
        raise _UsageError(f"--output {output} is a folder; name a file")
    if target.parent and not target.parent.exists():
        raise _UsageError(f"--output {output}: the folder {target.parent} does not exist")
    from sms_model.io import write_atomically

    try:
        write_atomically(target, text)
    except OSError as exc:
        raise _UsageError(f"--output {output}: cannot write it ({exc.strerror})") from None


def _parse_date(text: str | None) -> date | None:
    if text is None:
        return None
    from sms_model.io._fast import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise _UsageError(f"--as-of {text!r} is not a date as YYYY-MM-DD") from None


# --- commands --------------------------------------------------------------------------------


def _assess(args: argparse.Namespace) -> int:
    import attrs

    from sms_model.rules import Config, Severity, assess, load_config, load_waivers
    from sms_model.rules._findings import timeout_problem

    for option in ("config", "waivers"):
        if getattr(args, option) == "":
            raise _UsageError(f"--{option} needs the path of a file; an empty path names none")
    sms = _load(args.file)
    config = load_config(Path(args.config)) if args.config is not None else Config()
    if args.rule_timeout is not None:
        problem = timeout_problem(args.rule_timeout)
        if problem is not None:
            raise _UsageError(f"--rule-timeout {problem}")
        config = attrs.evolve(config, rule_timeout=args.rule_timeout)
    waivers = load_waivers(Path(args.waivers)) if args.waivers is not None else ()
    large = len(sms.evidence) >= 20_000 or len(sms.processes) >= 2_000
    with _Progress("assessing", _Progress._THRESHOLD if large else 0) as bar:
        result = assess(
            sms,
            as_of=_parse_date(args.as_of),
            select=args.select,
            ignore=args.ignore,
            config=config,
            waivers=waivers,
            progress=bar.update,
        )
    text = _render(result, args, sms)
    _write(text, args.output, [args.file, *(x for x in (args.config, args.waivers) if x)])
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if result.failed_at(Severity(args.fail_on)) else EXIT_OK


def _render(result: Any, args: argparse.Namespace, sms: ServiceManagementSystem) -> str:
    from sms_model import report

    fmt = args.format
    if fmt == "text":
        colour = args.output is None and _colour(sys.stdout)
        return report.render_text(result, colour=colour, passed=args.passed)
    if fmt == "html":
        from sms_model.graph import accountability_graph

        return report.render_html(result, accountability_graph(sms))
    if fmt == "sarif":
        from sms_model.io import locator

        return report.render_sarif(result, source=args.file, locate=locator(args.file, sms))
    rendered: str = report.render(result, fmt)
    return rendered


def _validate(args: argparse.Namespace) -> int:
    sms = _load(args.file)
    sys.stdout.write(summarise(sms))
    return EXIT_OK


def summarise(sms: ServiceManagementSystem) -> str:
    """A readable summary of a loaded SMS (what ``sms-model validate`` prints)."""
    lines = [f"{sms.name}: a valid service management system", ""]
    provider = sms.provider_party
    lines.append(f"Provider:        {provider.name} ({provider.id})")
    if sms.scope is not None:
        units = ", ".join(sms.scope.organisational_units) or "none named"
        lines.append(f"Scope:           {sms.scope.statement}")
        lines.append(f"                 units: {units}; services: {len(sms.scope.services)}")
    else:
        lines.append("Scope:           not defined")
    tm = sms.top_management
    names = ", ".join(sms.get(p).name for p in tm.members) or "none named"
    lines.append(f"Top management:  {names}")
    rep = sms.get(tm.representative).name if tm.representative else "none named"
    lines.append(f"Representative:  {rep}")
    lines.append(f"Services:        {len(sms.services)}")
    for service in sms.services[:_LISTED]:
        customers = ", ".join(service.customers) or "no customers"
        lines.append(f"  - {service.name} [{service.stage.value}] for {customers}")
    lines.extend(_more(len(sms.services)))
    lines.append(f"Processes:       {len(sms.processes)}")
    ordered = sorted(sms.processes, key=lambda p: _clause_key(p.kind.clause))
    for process in ordered[:_LISTED]:
        operator = process.operated_by or sms.provider
        who = "provider" if operator == sms.provider else f"operated by {operator}"
        owner = process.owner or "no owner"
        lines.append(
            f"  - {process.kind.clause:<8} {process.name or process.kind.value} "
            f"(owner {owner}; {who})"
        )
    lines.extend(_more(len(ordered)))
    if sms.other_party_processes:
        lines.append(f"Other parties:   {len(sms.other_party_processes)} processes or activities")
        for opp in sms.other_party_processes[:_LISTED]:
            what = opp.process or (opp.activity.value if opp.activity else "?")
            lines.append(f"  - {what} by {opp.party} ({opp.engagement.value})")
        lines.extend(_more(len(sms.other_party_processes)))
    records = {
        "meetings": len(sms.meetings),
        "approvals": len(sms.approvals),
        "acknowledgements": len(sms.acknowledgements),
        "reviews": len(sms.reviews),
        "audits": len(sms.audits),
        "reports": len(sms.reports),
        "risks": len(sms.risks),
        "changes": len(sms.changes),
        "evidence": len(sms.evidence),
    }
    lines.append("Records:         " + ", ".join(f"{n} {k}" for k, n in records.items()))
    dated = [e.effective for e in sms.evidence]
    if dated:
        lines.append(f"Evidence dates:  {min(dated).isoformat()} to {max(dated).isoformat()}")
    return "\n".join(lines) + "\n"


#: How many services, processes and other-party engagements the summary lists by name.
_LISTED = 25


def _more(count: int) -> list[str]:
    return [f"  ... and {count - _LISTED} more"] if count > _LISTED else []


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split("."))


def _graph(args: argparse.Namespace) -> int:
    from sms_model import graph as g

    sms = _load(args.file)
    built = g.accountability_graph(sms)
    if args.format == "graphml":
        text = g.to_graphml(built)
    elif args.format == "dot":
        try:
            text = g.to_dot(built)
        except ModuleNotFoundError as exc:
            raise _UsageError(str(exc)) from None
    elif args.format == "raci":
        text = _raci_table(g.raci_matrix(sms))
    else:
        text = g.to_node_link_json(built)
    _write(text, args.output, [args.file])
    return EXIT_OK


def _raci_table(entries: Sequence[Any]) -> str:
    import csv
    import io

    import attrs

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["subject", "subject_kind", "who", "who_kind", "letter"])
    for entry in entries:
        row = attrs.asdict(entry)
        writer.writerow(
            [_cell(row[k]) for k in ("subject", "subject_kind", "who", "who_kind", "letter")]
        )
    return buffer.getvalue()


def _cell(value: Any) -> str:
    # An empty cell for nobody (the "A" of a subject nobody is accountable for).
    return "" if value is None else str(getattr(value, "value", value))


def _rules(args: argparse.Namespace) -> int:
    from sms_model.rules import default_registry, traceability

    registry = default_registry()
    if args.matrix:
        for key, rule_ids in traceability(registry).items():
            sys.stdout.write(f"{key:<10} {', '.join(rule_ids) if rule_ids else '(none)'}\n")
        return EXIT_OK
    specs = registry.select([args.clause] if args.clause else None)
    for spec in specs:
        guidance = f" [{', '.join(spec.guidance)}]" if spec.guidance else ""
        sys.stdout.write(
            f"{spec.id:<34} {spec.clause:<9} {spec.severity.value:<12} {spec.title}{guidance}\n"
        )
    return EXIT_OK


def _schema(_args: argparse.Namespace) -> int:
    import json

    from sms_model.io import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from sms_model.io import STARTER, loads

    target = Path(args.path)
    if target.exists():
        raise _UsageError(f"{args.path} exists already; init never overwrites a file")
    loads(STARTER, source="starter")  # the template must always validate
    _write(STARTER, args.path, [])
    print(f"wrote {args.path}; edit it, then run: sms-model assess {args.path}", file=sys.stderr)
    return EXIT_OK


_HANDLERS = {
    "assess": _assess,
    "validate": _validate,
    "graph": _graph,
    "rules": _rules,
    "schema": _schema,
    "init": _init,
}
