"""Assessing a portfolio on the command line (see :mod:`sms_model.batch`):

``sms-model assess-many DIR_OR_GLOB [DIR_OR_GLOB ...] --out DIR [--scheduler local|ADDRESS]
[--workers N] [--as-of DATE] [--edition E] [--select SEL ...] [--ignore SEL ...] [--config FILE]
[--waivers FILE] [--fail-on SEVERITY]``

- Each argument is a folder (its ``*.yaml``, ``*.yml`` and ``*.json`` files, sorted, not
  those of its subfolders nor hidden ones), a glob (the files it matches, sorted; ``**`` spans
  folders; quote it so that the shell leaves it alone) or a file. An argument that matches
  nothing is a usage error; a file matched twice is assessed once.
- ``--out DIR`` receives one JSON file per system (see :func:`sms_model.batch.output_names`):
  its report, or a record of why it could not be assessed.
- Without ``--scheduler``, a local process pool of ``--workers`` processes (default: one per
  CPU) does the work; ``--workers 0`` or ``1`` assesses the files one after the other.
  ``--scheduler local`` starts a Dask ``LocalCluster`` of ``--workers`` processes (default 2)
  for the run; ``--scheduler tcp://HOST:8786`` sends the work to a running Dask scheduler.
  Both need the ``dask`` extra.
- The summary goes to stdout: how many systems conform, have failures at ``--fail-on`` or
  worse, or could not be assessed, then one line per system that did not conform. A progress
  bar goes to stderr when it is a terminal.

Exit codes: 0 when every system was assessed and none has an unwaived failure at
``--fail-on`` or worse; 1 otherwise (with ``--fail-on never``, only when a system could not be
assessed); 2 for bad usage, with a one-line reason.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sms_model._cli_options import (
    add_as_of,
    add_edition,
    add_fail_on,
    add_selection,
    add_settings,
)

if TYPE_CHECKING:
    from sms_model.batch import BatchResult, BatchSummary

__all__ = [
    "SUFFIXES",
    "add_assess_many_command",
    "assess_many_command",
    "expand_inputs",
    "summary_text",
]

#: The files of a folder given to ``assess-many`` that it assesses.
SUFFIXES: Final = (".yaml", ".yml", ".json")

_LOCAL_WORKERS: Final = 2
#: How long to try to reach a running scheduler before giving up.
_CONNECT_TIMEOUT = "10s"
_DASK_MISSING: Final = (
    "--scheduler needs Dask, which is not installed: pip install 'sms-model[dask]'"
)


def add_assess_many_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sms-model assess-many`` to the command's subparsers (the result of
    ``parser.add_subparsers()``); its handler is :func:`assess_many_command`."""

    m: argparse.ArgumentParser = subparsers.add_parser(
        "assess-many",
        help="assess many SMS files: one JSON report each, and a summary",
        description="Assess every SMS file the arguments name with the same options, in "
        "parallel, writing one JSON report per system into --out. Exits 1 when a system has a "
        "failure at --fail-on or worse or could not be assessed, 0 otherwise, 2 on a usage "
        "error.",
    )
    m.add_argument(
        "inputs",
        nargs="+",
        metavar="DIR_OR_GLOB",
        help="a folder (its *.yaml, *.yml and *.json files), a quoted glob, or a file",
    )
    m.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="folder for the reports, one <name>.json per system (created if missing)",
    )
    m.add_argument(
        "--scheduler",
        metavar="local|ADDRESS",
        help="run on Dask: 'local' starts a LocalCluster for the run, an address such as "
        "tcp://host:8786 uses a running scheduler (needs the dask extra; default: a local "
        "process pool)",
    )
    m.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="processes of the local pool (default: one per CPU; 0 or 1: one file after the "
        f"other) or of --scheduler local (default: {_LOCAL_WORKERS})",
    )
    add_as_of(m)
    add_edition(m)
    add_selection(m)
    add_settings(m)
    add_fail_on(m, "an unwaived failure that makes a system count as failing and")
    return m


def assess_many_command(args: argparse.Namespace) -> int:
    """Run ``sms-model assess-many``: assess the files, write the reports, print the summary;
    returns the exit code (see the module's description)."""
    from sms_model.batch import assess_many, summarise
    from sms_model.cli import EXIT_FINDINGS, EXIT_OK, _parse_date, _settings_files

    files = expand_inputs(args.inputs)
    _check_out(args.out, args.inputs)
    as_of = _parse_date(args.as_of) or date.today()
    config, waivers = _settings_files(args)
    with _runner(args.scheduler, args.workers) as where, _bar(len(files)) as bar:
        results = assess_many(
            files,
            as_of=as_of,
            select=args.select,
            ignore=args.ignore,
            config=config,
            waivers=waivers,
            edition=args.edition,
            out=args.out,
            progress=bar.update,
            **where,
        )
    summary = summarise(results, fail_on=args.fail_on)
    sys.stdout.write(summary_text(results, summary, as_of=as_of, out=args.out))
    return EXIT_OK if summary.ok else EXIT_FINDINGS


def expand_inputs(inputs: Sequence[str]) -> list[str]:
    """The SMS files the arguments of ``assess-many`` name, in the order given, each once
    (see the module's description); an argument that names none is a usage error.

    >>> expand_inputs(["examples/*-2018.yaml", "examples"])[:3]
    ['examples/kestrel-cloud-2018.yaml', 'examples/acme-managed-services.yaml', \
'examples/minimal.yaml']
    """
    from sms_model.cli import _UsageError

    files: dict[str, str] = {}
    for given in inputs:
        found = _matches(given)
        if not found:
            raise _UsageError(f"{given}: {_nothing(given)}")
        for file in found:
            files.setdefault(os.path.normcase(os.path.abspath(file)), file)
    return list(files.values())


def _matches(given: str) -> list[str]:
    if not given:
        return []
    path = Path(given)
    if path.is_dir():
        return sorted(
            os.path.join(given, entry.name)
            for entry in path.iterdir()
            if entry.suffix.lower() in SUFFIXES
            and not entry.name.startswith(".")
            and entry.is_file()
        )
    if glob.has_magic(given):
        return sorted(p for p in glob.glob(given, recursive=True) if os.path.isfile(p))
    return [given] if path.is_file() else []


def _nothing(given: str) -> str:
    if Path(given).is_dir():
        return f"the folder holds no {', '.join('*' + s for s in SUFFIXES)} file"
    if glob.has_magic(given):
        return "the pattern matches no file"
    return "no such file or folder"


def _check_out(out: str, inputs: Sequence[str]) -> None:
    """``--out`` must be a folder, or nothing yet, and not one of the folders assessed: its
    reports would be taken for systems in the next run."""
    from sms_model.cli import _UsageError

    target = Path(out)
    if not out:
        raise _UsageError("--out needs the path of a folder; an empty path names none")
    if target.exists() and not target.is_dir():
        raise _UsageError(f"--out {out} is not a folder")
    for given in inputs:
        if given and Path(given).is_dir() and target.exists() and target.samefile(given):
            raise _UsageError(
                f"--out {out} is a folder being assessed; write the reports to another folder"
            )


@contextlib.contextmanager
def _runner(scheduler: str | None, workers: int | None) -> Iterator[dict[str, Any]]:
    """Where the work runs, as arguments of :func:`~sms_model.batch.assess_many`: a local
    process pool; a Dask ``LocalCluster`` started here and closed after; or a client of a
    running scheduler, closed after."""
    from sms_model.cli import _UsageError

    if workers is not None and workers < 0:
        raise _UsageError(f"--workers must be 0 or more, not {workers}")
    if scheduler is None:
        yield {"workers": workers}
        return
    try:
        import distributed
    except ImportError:
        raise _UsageError(_DASK_MISSING) from None
    if scheduler == "local":
        with _local_cluster(workers) as client:
            yield {"client": client}
        return
    if workers is not None:
        raise _UsageError(
            "--workers applies to the local pool and to --scheduler local; a running "
            "scheduler has its own workers"
        )
    with _connected(distributed, scheduler) as client:
        yield {"client": client}


@contextlib.contextmanager
def _local_cluster(workers: int | None) -> Iterator[Any]:
    from sms_model.batch import local_cluster
    from sms_model.cli import _UsageError

    count = _LOCAL_WORKERS if workers is None else workers
    if count < 1:
        raise _UsageError("--scheduler local needs at least one worker (--workers 1 or more)")
    with contextlib.ExitStack() as stack:
        try:
            client = stack.enter_context(local_cluster(count))
        except (OSError, RuntimeError, TimeoutError) as exc:
            raise _UsageError(f"--scheduler local: the cluster did not start ({exc})") from None
        yield client


@contextlib.contextmanager
def _connected(distributed: Any, address: str) -> Iterator[Any]:
    from sms_model.cli import _UsageError

    try:
        client = distributed.Client(address, timeout=_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        raise _UsageError(f"--scheduler {address}: cannot connect ({reason})") from None
    with client:
        yield client


@contextlib.contextmanager
def _bar(systems: int) -> Iterator[Any]:
    """A progress bar on stderr, when it is a terminal (as ``assess`` draws one)."""
    from sms_model.cli import _Progress

    noun = "system" if systems == 1 else "systems"
    with _Progress(f"assessing {systems} {noun}", _Progress._THRESHOLD) as bar:
        yield bar


def summary_text(
    results: Sequence[BatchResult], summary: BatchSummary, *, as_of: date, out: str
) -> str:
    """The summary ``assess-many`` prints: the counts, then one line per system that did not
    conform (its file, its name and its failures, or why it could not be assessed). Values
    from the files are escaped for the terminal.

    >>> from sms_model.batch import BatchResult, summarise
    >>> results = [
    ...     BatchResult(source="a.yaml", report="{}", system="A", failures={"major": 2}),
    ...     BatchResult(source="b.yaml", error="b.yaml:1:1: $: not valid YAML"),
    ... ]
    >>> print(summary_text(results, summarise(results), as_of=date(2026, 11, 27), out="out"))
    2 systems assessed as of 2026-11-27; results in out
      conforming                     0
      with failures (major or worse) 1
      failed to load                 1
    <BLANKLINE>
    not conforming:
      a.yaml (A): 2 major
      b.yaml: failed to load: b.yaml:1:1: $: not valid YAML
    <BLANKLINE>
    """
    from sms_model.report._escape import terminal_text

    level = (
        "not counted: --fail-on never"
        if summary.fail_on == "never"
        else f"{summary.fail_on} or worse"
    )
    rows = (
        ("conforming", summary.conforming),
        (f"with failures ({level})", summary.with_failures),
        ("failed to load", summary.failed_to_load),
    )
    width = max(len(label) for label, _ in rows)
    noun = "system" if summary.systems == 1 else "systems"
    lines = [f"{summary.systems} {noun} assessed as of {as_of}; results in {terminal_text(out)}"]
    lines += [f"  {label:<{width}} {count}" for label, count in rows]
    failed = [_reason(r, summary.fail_on) for r in results]
    listed = [line for line in failed if line is not None]
    if listed:
        lines += ["", "not conforming:"]
        lines += [f"  {terminal_text(line)}" for line in listed]
    return "\n".join(lines) + "\n"


def _reason(result: BatchResult, fail_on: str) -> str | None:
    """One line about a system that did not conform; ``None`` for one that did."""
    if result.error is not None:
        return f"{result.source}: failed to load: {result.error}"
    if fail_on == "never" or not result.failed_at(fail_on):
        return None
    counts = ", ".join(f"{n} {severity}" for severity, n in result.failures.items() if n)
    return f"{result.source} ({result.system}): {counts}"
