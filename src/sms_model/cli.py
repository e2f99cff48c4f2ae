"""The ``sms-model`` command: a thin layer over the public API.

Exit codes: 0 when no unwaived failure reaches ``--fail-on``, 1 when one does, 2 for invalid
input or usage, or output that cannot be written (a full disk, a closed standard output, a
reader that closed the pipe), each with a one-line reason on stderr; 130 after Ctrl-C, and
128 + N when signal N (SIGTERM, SIGHUP) stops the command while it writes ``--output``.

Length: the argument parser of every subcommand, and the handling of streams, signals and exit
codes they share, in one place; each subcommand's body is a few lines calling the public API.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import io
import os
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, NoReturn, TextIO, cast

from sms_model._cli_batch import add_assess_many_command, assess_many_command
from sms_model._cli_history import (
    add_history_command,
    add_record_option,
    history_command,
    record_files,
    record_from_args,
)
from sms_model._cli_options import (
    add_as_of,
    add_edition,
    add_fail_on,
    add_selection,
    add_settings,
)
from sms_model._cli_pack import add_pack_command, pack_command
from sms_model.errors import ModelValidationError, SMSModelError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from sms_model.model import ServiceManagementSystem

__all__ = ["main"]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
#: The exit code after Ctrl-C: 128 + SIGINT, as a shell reports a command that signal ended.
EXIT_INTERRUPTED = 130


class _UsageError(Exception):
    """Bad use of the command line: exit code 2."""


class _Parser(argparse.ArgumentParser):
    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse ignores a failed write (so `--help > /dev/full` would exit 0): let it reach
        # main, which reports it and exits 2.
        if message:
            (file or sys.stderr).write(message)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    # The formats are those registered in the report package (which imports no renderer yet).
    from sms_model.catalog import EDITIONS
    from sms_model.report import FORMATS, GRAPH_FORMATS, graph_format, report_format

    parser = _Parser(
        prog="sms-model",
        description="Model an ISO/IEC 20000-1 service management system and assess conformity.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    a = sub.add_parser("assess", help="assess an SMS file and report findings")
    a.add_argument("file", help="the SMS file (YAML or JSON)")
    add_as_of(a)
    add_edition(a)
    a.add_argument(
        "--format",
        choices=FORMATS,
        default="text",
        help=_described(report_format(name) for name in FORMATS),
    )
    a.add_argument(
        "--output",
        "-o",
        help="write the report to this file instead of stdout: atomically, only over a regular "
        "file (a symbolic link is followed to the file it names), as UTF-8",
    )
    add_fail_on(a)
    add_selection(a)
    add_settings(a)
    a.add_argument("--passed", action="store_true", help="list passing findings too (text)")
    a.add_argument(
        "--docs-url",
        metavar="URL",
        help="where rule links in html, junit and sarif reports point (default: the docs)",
    )
    a.add_argument(
        "--source-root",
        metavar="DIR",
        help="folder the file locations of a sarif report are relative to (default: here)",
    )
    a.add_argument(
        "--rule-timeout",
        type=float,
        metavar="SECONDS",
        help="abandon a rule that runs longer and report it as an error",
    )
    add_record_option(a)

    d = sub.add_parser(
        "diff",
        help="compare two JSON reports: new, resolved and changed findings",
        description="Compare two JSON assessment reports (sms-model assess --format json) "
        "finding by finding. Exits 1 when a failure at or above --fail-on is new or got worse "
        "in NEW, 0 otherwise, 2 on a usage error or an unreadable report.",
    )
    d.add_argument("old", metavar="OLD.json", help="the earlier report")
    d.add_argument("new", metavar="NEW.json", help="the later report")
    d.add_argument(
        "--format",
        choices=("text", "markdown", "json", "html", "junit", "sarif"),
        default="text",
        help="how to write the comparison (default: text)",
    )
    d.add_argument("--output", "-o", help="write the comparison to this file (as for assess)")
    add_fail_on(d, "a new or worse failure")

    v = sub.add_parser("validate", help="check an SMS file and summarise it")
    v.add_argument("file")

    g = sub.add_parser("graph", help="write the accountability graph")
    g.add_argument("file")
    g.add_argument(
        "--format",
        choices=GRAPH_FORMATS,
        default="json",
        help=_described(graph_format(name) for name in GRAPH_FORMATS),
    )
    g.add_argument("--output", "-o", help="write the graph to this file (as for assess)")

    r = sub.add_parser("rules", help="list the rules, or the traceability matrix")
    r.add_argument("--clause", help="only rules of this clause (and its sub-clauses)")
    r.add_argument(
        "--edition",
        choices=EDITIONS,
        default="2011",
        help="the edition whose rules and clause numbers to list (default: %(default)s)",
    )
    r.add_argument(
        "--matrix",
        action="store_true",
        help="clause and guidance ids against the rules that check them",
    )

    sub.add_parser("schema", help="print the JSON Schema of SMS files")

    c = sub.add_parser(
        "crosswalk", help="the clauses of one edition of ISO/IEC 20000-1 against the other's"
    )
    c.add_argument("--from", dest="source", choices=EDITIONS, default="2011")
    c.add_argument("--to", dest="target", choices=EDITIONS, help="default: the other edition")
    c.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    c.add_argument("--output", "-o", help="write the table to this file (as for assess)")

    t = sub.add_parser(
        "transition",
        help="assess an SMS against both editions and show, clause by clause, what moving "
        "from 2011 to 2018 changes",
    )
    t.add_argument("file", help="the SMS file (YAML or JSON)")
    add_as_of(t)
    t.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    t.add_argument("--output", "-o", help="write the report to this file (as for assess)")
    add_settings(t)
    add_fail_on(t, "an unwaived 2018 failure")

    u = sub.add_parser(
        "due",
        help="what is due when: the recurring obligations of an SMS file, overdue first",
    )
    u.add_argument("file", help="the SMS file (YAML or JSON)")
    add_as_of(u, "the date to look from")
    u.add_argument(
        "--until",
        help="due soon up to this date, YYYY-MM-DD (default: 30 days after --as-of); later "
        "obligations are listed as planned",
    )
    add_edition(u, "whose clauses are named")
    u.add_argument(
        "--format",
        choices=("text", "markdown", "json", "ics"),
        default="text",
        help="text, markdown, json, or ics: an iCalendar file to import into a calendar "
        "(needs the calendar extra) (default: %(default)s)",
    )
    u.add_argument("--output", "-o", help="write the list to this file (as for assess)")
    add_settings(u, waivers=False)
    u.add_argument(
        "--fail-on-overdue",
        action="store_true",
        help="exit 1 when an obligation is overdue (default: exit 0 whatever is due)",
    )

    i = sub.add_parser("init", help="write a commented starter SMS file that validates")
    i.add_argument("path")
    i.add_argument(
        "--edition",
        choices=EDITIONS,
        default="2018",
        help="the edition the starter is written for (default: %(default)s)",
    )
    add_history_command(sub)
    add_pack_command(sub)
    add_assess_many_command(sub)
    return parser


def _described(specs: Iterable[Any]) -> str:
    """The help of a ``--format`` option: each format with its description (default: the
    first)."""
    parts = [f"{s.name} ({s.description})" if s.description else s.name for s in specs]
    return "; ".join(parts).replace("%", "%%") + " (default: %(default)s)"


def _version() -> str:
    from sms_model import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    The command owns its process's standard streams while it runs, and gives them back as
    they were when it returns (for callers that run it in-process):

    - the ``text`` report, ``validate``, ``rules`` and messages are written in the console's
      encoding, and a character it cannot show is written as a visible escape (``\\xe9``,
      ``\\u202e``) rather than failing (``errors="backslashreplace"``, set here and only
      here: library functions never reconfigure the process's streams);
    - every other format goes to stdout as the UTF-8 bytes ``--output`` would write, so that
      JSON, XML and CSV readers get what the format declares whatever the console's encoding;
    - a standard output that cannot be written (a full disk, closed, a reader that closed the
      pipe) ends the command with exit code 2 and one line on stderr, never a traceback, and
      never the 0 or 1 of a complete run;
    - Ctrl-C stops the command with exit code 130 and one line, wherever it arrives (a rule
      or a plugin that raises ``KeyboardInterrupt`` cannot be told from Ctrl-C, and stops it
      too).
    """
    with _Console() as console:
        try:
            code = _dispatch(argv, console)
            console.flush()
        except KeyboardInterrupt:
            console.say("sms-model: interrupted")
            return EXIT_INTERRUPTED
        except _Stopped as exc:
            console.say(f"sms-model: stopped by {exc}; the output was left as it was")
            return 128 + exc.signum
        except OSError as exc:
            console.say(f"sms-model: error: {_os_error(exc)}")
            if exc.filename is None:
                console.abandon()
            return EXIT_USAGE
        return code


def _dispatch(argv: Sequence[str] | None, console: _Console) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit:  # after --help or --version, or a usage error: make sure it was printed
        console.flush()
        raise
    try:
        handler = _HANDLERS[args.command]
        return handler(args)
    except _UsageError as exc:
        _print_error(exc)
        return EXIT_USAGE
    except SMSModelError as exc:
        _print_error(exc)
        return EXIT_USAGE
    except SystemExit as exc:  # rules and plugins cannot, but nothing else may end a run early
        print(
            f"sms-model: error: the run was ended early by sys.exit({exc.code!r}); "
            "it is incomplete",
            file=sys.stderr,
        )
        return EXIT_USAGE


def _os_error(exc: OSError) -> str:
    """The reason an ``OSError`` that reached :func:`main` gives, in one line. Every file the
    command reads or writes reports its own errors; one that names no file is a failed write
    to standard output (a full disk, a closed stream, a reader that closed the pipe)."""
    reason = exc.strerror or type(exc).__name__
    if exc.filename is not None:
        return f"{exc.filename}: {reason}"
    if isinstance(exc, BrokenPipeError):
        reason = "the program reading it closed the pipe"
    return f"cannot write to standard output ({reason}); the output is incomplete"


class _Console:
    """The standard streams while :func:`main` runs (see there), put back as they were after.

    A stream closed when the process started (``sys.stdout is None``) is replaced by one whose
    writes fail as a closed file's do; a stream whose encoding errors are strict is switched
    to ``backslashreplace``.
    """

    _LENIENT = frozenset({"backslashreplace", "namereplace", "replace", "xmlcharrefreplace"})

    def __enter__(self) -> _Console:
        self._closed = (sys.stdout is None, sys.stderr is None)
        if sys.stdout is None:
            sys.stdout = cast(TextIO, _ClosedOutput())
        if sys.stderr is None:
            sys.stderr = io.StringIO()  # nowhere to say anything: say it to nobody
        self._strict: list[tuple[io.TextIOWrapper[Any], str | None]] = []
        for stream in (sys.stdout, sys.stderr):
            if isinstance(stream, io.TextIOWrapper) and stream.errors not in self._LENIENT:
                self._strict.append((stream, stream.errors))
                stream.reconfigure(errors="backslashreplace")
        return self

    def __exit__(self, *exc: object) -> None:
        for stream, errors in self._strict:
            with contextlib.suppress(OSError, ValueError):
                stream.reconfigure(errors=errors)
        if self._closed[0]:
            sys.stdout = None
        if self._closed[1]:
            sys.stderr = None

    @staticmethod
    def flush() -> None:
        """Flush stdout now, so that a write that fails fails here, not at exit."""
        sys.stdout.flush()

    @staticmethod
    def abandon() -> None:
        """Give up on stdout, which failed: what is still buffered for it is sent nowhere, so
        that Python does not fail flushing it again at exit."""
        _silence(sys.stdout)

    @staticmethod
    def say(line: str) -> None:
        """One line on stderr, if stderr can still be written."""
        try:
            print(line, file=sys.stderr, flush=True)
        except (OSError, ValueError):
            _silence(sys.stderr)


def _silence(stream: TextIO) -> None:
    """Point the process's own stdout or stderr at the null device (any other stream, such as
    a test's capture, is left alone)."""
    if stream is not sys.__stdout__ and stream is not sys.__stderr__:
        return
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, stream.fileno())
        finally:
            os.close(null)


class _ClosedOutput(io.TextIOBase):
    """Stands for a standard output that was closed when the process started."""

    def __init__(self) -> None:
        self._used = False

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self._used = True
        self.flush()
        return len(text)

    def flush(self) -> None:
        if self._used:
            raise OSError(errno.EBADF, "it is closed")


class _Stopped(Exception):
    """A signal asked the command to stop while it wrote its output."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def _signals_stop() -> Iterator[None]:
    """While the output is written, SIGTERM and SIGHUP raise :class:`_Stopped` instead of
    ending the process at once, so that the temporary file is removed on the way out. Only
    the main thread can set handlers; a signal the process ignores stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: FrameType | None) -> None:
        raise _Stopped(signum)

    saved: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
            saved[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        for number, handler in saved.items():
            signal.signal(number, signal.SIG_DFL if handler is None else handler)


def _print_error(exc: Exception) -> None:
    """Print ``exc`` on stderr as the reason the command failed. Control and bidi characters
    in it (it may quote values of the input) are shown escaped, here where it reaches the
    terminal: the exception itself keeps the values as they were, for programs that catch it.
    Each issue of a :class:`ModelValidationError` gets a line of its own, and a value cannot
    start another."""
    from sms_model.report._escape import terminal_text

    if isinstance(exc, ModelValidationError) and exc.issues:
        count = len(exc.issues)
        where = f"{exc.source}: " if exc.source else ""
        noun = "problem" if count == 1 else "problems"
        first = terminal_text(str(exc.issues[0]))
        print(
            f"sms-model: error: {terminal_text(where)}{count} {noun}; the first: {first}",
            file=sys.stderr,
        )
        for issue in exc.issues:
            print(f"  - {terminal_text(str(issue))}", file=sys.stderr)
    else:
        print(f"sms-model: error: {terminal_text(str(exc))}", file=sys.stderr)


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


def _write(text: str, output: str | None, inputs: Sequence[str], *, console: bool = False) -> None:
    """Write ``text`` to ``output``, or to stdout: in the console's encoding when it is for a
    person (``console``), otherwise as UTF-8 bytes, as ``--output`` writes every format."""
    if output is None:
        stream = sys.stdout
        buffer = None if console else getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text)
        else:
            stream.flush()  # what was written as text goes first
            buffer.write(text.encode("utf-8", "backslashreplace"))
        return
    target = _output_target(output, inputs)
    from sms_model.io import write_atomically

    # "backslashreplace" only changes lone surrogates (from \ud800 escapes in a JSON input),
    # which UTF-8 cannot encode; JSON readers read the escape back as the same value.
    data = text.encode("utf-8", "backslashreplace")
    try:
        with _signals_stop():
            write_atomically(target, data)
    except OSError as exc:
        raise _UsageError(f"--output {output}: cannot write it ({exc.strerror})") from None


def _output_target(output: str, inputs: Sequence[str]) -> Path:
    """The file ``--output`` names, refused when it is a folder, in a folder that does not
    exist, or one of the ``inputs`` the command reads."""
    target = Path(output)
    for given in inputs:
        if target.exists() and Path(given).exists() and target.resolve() == Path(given).resolve():
            raise _UsageError(f"--output {output} would overwrite the input file; choose another")
    if target.is_dir():
        raise _UsageError(f"--output {output} is a folder; name a file")
    if target.parent and not target.parent.exists():
        raise _UsageError(f"--output {output}: the folder {target.parent} does not exist")
    return target


def _parse_date(text: str | None, option: str = "--as-of") -> date | None:
    if text is None:
        return None
    from sms_model.io._internal import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise _UsageError(f"{option} {text!r} is not a date as YYYY-MM-DD") from None


# --- commands --------------------------------------------------------------------------------


def _assess(args: argparse.Namespace) -> int:
    import attrs

    from sms_model.rules import Severity, assess
    from sms_model.rules._findings import timeout_problem

    _no_empty_paths(args)
    sms = _load(args.file)
    config, waivers = _settings_files(args)
    if args.rule_timeout is not None:
        problem = timeout_problem(args.rule_timeout)
        if problem is not None:
            raise _UsageError(f"--rule-timeout {problem}")
        config = attrs.evolve(config, rule_timeout=args.rule_timeout)
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
            edition=args.edition,
        )
    text, console = _render(result, args, sms)
    inputs = [args.file, *(x for x in (args.config, args.waivers) if x)]
    inputs += record_files(args, args.file)  # --output never overwrites the history
    _write(text, args.output, inputs, console=console)
    record_from_args(args, result, args.file)
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if result.failed_at(Severity(args.fail_on)) else EXIT_OK


def _no_empty_paths(args: argparse.Namespace) -> None:
    for option in ("config", "waivers"):
        if getattr(args, option) == "":
            raise _UsageError(f"--{option} needs the path of a file; an empty path names none")


def _settings_files(args: argparse.Namespace) -> tuple[Any, tuple[Any, ...]]:
    """The configuration and the waivers the ``--config`` and ``--waivers`` files hold (the
    defaults without them)."""
    from sms_model.rules import Config, load_config, load_waivers

    _no_empty_paths(args)
    config = load_config(Path(args.config)) if args.config is not None else Config()
    waivers = load_waivers(Path(args.waivers)) if args.waivers is not None else ()
    return config, waivers


def _render(
    result: Any, args: argparse.Namespace, sms: ServiceManagementSystem
) -> tuple[str, bool]:
    """The report in the chosen format, and whether it is text for the console. Only what the
    format needs of the costly options (the graph, file positions) is built."""
    from sms_model.report import RenderOptions, report_format
    from sms_model.report._links import DOCS_URL

    spec = report_format(args.format)
    locate = graph = None
    if "locate" in spec.needs:
        from sms_model.io import locator

        locate = locator(args.file, sms)
    if "graph" in spec.needs:
        from sms_model.graph import accountability_graph

        graph = accountability_graph(sms)
    options = RenderOptions(
        colour=spec.console and args.output is None and _colour(sys.stdout),
        passed=args.passed,
        source=args.file,
        locate=locate,
        graph=graph,
        docs_url=args.docs_url or DOCS_URL,
        source_root=args.source_root,
    )
    try:
        return spec.renderer(result, options), spec.console
    except ModuleNotFoundError as exc:  # an optional package the format needs (oscal, ...)
        raise _UsageError(str(exc)) from None


def _diff(args: argparse.Namespace) -> int:
    from sms_model.report import render_diff
    from sms_model.rules import Severity, diff, load_assessment

    old, new = load_assessment(Path(args.old)), load_assessment(Path(args.new))
    change = diff(old, new)
    threshold = Severity.OBSERVATION if args.fail_on == "never" else Severity(args.fail_on)
    text = render_diff(change, args.format, threshold=threshold, new=new)
    _write(text, args.output, [args.old, args.new], console=args.format == "text")
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if change.regressions(threshold) else EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    sms = _load(args.file)
    sys.stdout.write(summarise(sms))
    return EXIT_OK


def summarise(sms: ServiceManagementSystem) -> str:
    """A readable summary of a loaded SMS (what ``sms-model validate`` prints), one line for
    each fact. Control and bidi characters in names and ids are shown escaped (``\\x1b``,
    ``\\u202e``), so the summary is safe to print and no value starts a line of its own."""
    from sms_model.report._escape import terminal_text

    lines = [f"{sms.name}: a valid service management system", ""]
    provider = sms.provider_party
    lines.append(f"Provider:        {provider.name} ({provider.id})")
    edition = "2011 (none declared)" if sms.edition is None else f"{sms.edition.value} (declared)"
    lines.append(f"Edition:         ISO/IEC 20000-1:{edition}")
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
    edition = sms.edition.value if sms.edition is not None else "2011"
    ordered = sorted(sms.processes, key=lambda p: _clause_key(p.kind.clause_in(edition)))
    for process in ordered[:_LISTED]:
        operator = process.operated_by or sms.provider
        who = "provider" if operator == sms.provider else f"operated by {operator}"
        owner = process.owner or "no owner"
        lines.append(
            f"  - {process.kind.clause_in(edition):<8} {process.name or process.kind.value} "
            f"(owner {owner}; {who})"
        )
    lines.extend(_more(len(ordered)))
    if sms.other_party_processes:
        count = len(sms.other_party_processes)
        lines.append(f"Other parties:   {count} processes, activities, services or components")
        for opp in sms.other_party_processes[:_LISTED]:
            activity = opp.activity.value if opp.activity is not None else None
            what = opp.process or activity or opp.service or opp.component
            lines.append(f"  - {what} by {opp.party} ({opp.engagement.value})")
        lines.extend(_more(len(sms.other_party_processes)))
    lines.extend(_counts(sms))
    dated = [e.effective for e in sms.evidence]
    if dated:
        lines.append(f"Evidence dates:  {min(dated).isoformat()} to {max(dated).isoformat()}")
    return "".join(terminal_text(line) + "\n" for line in lines)


#: How many services, processes and other-party engagements the summary lists by name.
_LISTED = 25
#: The width the summary's lists of counts are wrapped to.
_WIDTH = 100
_INDENT = " " * 17


def _counts(sms: ServiceManagementSystem) -> list[str]:
    """How many entities each collection of the model holds, in file order: the records
    (what was documented, decided or done) on their own lines, every other collection before
    them. Derived from the model, so a collection added to it is counted here too."""
    from sms_model.model import COLLECTIONS, RECORD_COLLECTIONS

    def counted(names: Sequence[str]) -> list[str]:
        return [f"{len(getattr(sms, name))} {name.replace('_', ' ')}" for name in names]

    entities = [name for name in COLLECTIONS if name not in RECORD_COLLECTIONS]
    records = [name for name in COLLECTIONS if name in RECORD_COLLECTIONS]
    return [
        *_wrapped("Entities:", counted(entities)),
        *_wrapped("Records:", counted(records)),
    ]


def _wrapped(label: str, items: Sequence[str]) -> list[str]:
    """``label`` (as wide as :data:`_INDENT`) and the items, comma-separated and wrapped to
    :data:`_WIDTH` columns between items, never inside one."""
    lines = [label.ljust(len(_INDENT))]
    for i, item in enumerate(items):
        text = item + ("," if i < len(items) - 1 else "")
        if i == 0:
            lines[-1] += text
        elif len(lines[-1]) + 1 + len(text) > _WIDTH:
            lines.append(_INDENT + text)
        else:
            lines[-1] += " " + text
    return lines


def _more(count: int) -> list[str]:
    return [f"  ... and {count - _LISTED} more"] if count > _LISTED else []


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(p) for p in clause.split("."))


def _graph(args: argparse.Namespace) -> int:
    from sms_model.graph import accountability_graph
    from sms_model.report import graph_format

    spec = graph_format(args.format)
    built = accountability_graph(_load(args.file))
    try:
        text = spec.renderer(built)
    except ModuleNotFoundError as exc:  # an optional package the format needs (pydot for dot)
        raise _UsageError(str(exc)) from None
    _write(text, args.output, [args.file])
    return EXIT_OK


def _rules(args: argparse.Namespace) -> int:
    from sms_model.rules import default_registry, traceability

    registry = default_registry()
    if args.matrix:
        for key, rule_ids in traceability(registry, args.edition).items():
            sys.stdout.write(f"{key:<10} {', '.join(rule_ids) if rule_ids else '(none)'}\n")
        return EXIT_OK
    specs = registry.select([args.clause] if args.clause else None, edition=args.edition)
    for spec in specs:
        guidance = f" [{', '.join(spec.guidance)}]" if spec.guidance else ""
        sys.stdout.write(
            f"{spec.id:<34} {spec.clause:<9} {spec.severity.value:<12} {spec.title}{guidance}\n"
        )
    return EXIT_OK


def _crosswalk(args: argparse.Namespace) -> int:
    from sms_model.report import render_crosswalk

    target = args.target or ("2018" if args.source == "2011" else "2011")
    if args.source == target:
        raise _UsageError("--from and --to name the same edition; a crosswalk needs two")
    text = render_crosswalk(args.source, target, args.format)
    _write(text, args.output, [], console=args.format == "text")
    return EXIT_OK


def _transition(args: argparse.Namespace) -> int:
    from sms_model.report import render_transition
    from sms_model.rules import Severity, transition

    _no_empty_paths(args)
    sms = _load(args.file)
    config, waivers = _settings_files(args)
    move = transition(sms, as_of=_parse_date(args.as_of), config=config, waivers=waivers)
    inputs = [args.file, *(x for x in (args.config, args.waivers) if x)]
    _write(render_transition(move, args.format), args.output, inputs, console=args.format == "text")
    if args.fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if move.new.failed_at(Severity(args.fail_on)) else EXIT_OK


def _due(args: argparse.Namespace) -> int:
    from sms_model.report import render_obligations
    from sms_model.rules import Config, ObligationStatus, load_config, obligations

    if args.config == "":
        raise _UsageError("--config needs the path of a file; an empty path names none")
    sms = _load(args.file)
    config = load_config(Path(args.config)) if args.config is not None else Config()
    as_of = _parse_date(args.as_of)
    until = _parse_date(args.until, "--until")
    calendar = obligations(sms, as_of=as_of, until=until, edition=args.edition, config=config)
    try:
        text = render_obligations(calendar, args.format)
    except ModuleNotFoundError as exc:  # the ics format without the icalendar package
        raise _UsageError(str(exc)) from None
    inputs = [args.file, *([args.config] if args.config else [])]
    _write(text, args.output, inputs, console=args.format == "text")
    overdue = calendar.with_status(ObligationStatus.OVERDUE)
    return EXIT_FINDINGS if args.fail_on_overdue and overdue else EXIT_OK


def _schema(_args: argparse.Namespace) -> int:
    import json

    from sms_model.io import json_schema

    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
    return EXIT_OK


def _init(args: argparse.Namespace) -> int:
    from sms_model.io import STARTER, STARTER_2018, loads

    target = Path(args.path)
    if target.exists():
        raise _UsageError(f"{args.path} exists already; init never overwrites a file")
    starter = STARTER_2018 if args.edition == "2018" else STARTER
    loads(starter, source="starter")  # the template must always validate
    _write(starter, args.path, [])
    print(f"wrote {args.path}; edit it, then run: sms-model assess {args.path}", file=sys.stderr)
    return EXIT_OK


_HANDLERS = {
    "assess": _assess,
    "diff": _diff,
    "history": history_command,
    "validate": _validate,
    "graph": _graph,
    "rules": _rules,
    "schema": _schema,
    "crosswalk": _crosswalk,
    "transition": _transition,
    "due": _due,
    "pack": pack_command,
    "assess-many": assess_many_command,
    "init": _init,
}
