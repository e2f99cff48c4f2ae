"""Assessing a portfolio: many SMS files at once, one result per file, in the order given.

:func:`assess_many` loads and assesses each file with the same options, serially, in a local
process pool, or on a Dask cluster, and gives a :class:`BatchResult` per file: the JSON report
of its assessment (:meth:`Assessment.to_json() <sms_model.rules.Assessment.to_json>`, byte
for byte what loading and assessing that file alone gives, whatever runs it), or the reason it
could not be loaded. One bad file never stops the others. :func:`summarise` counts the
systems that conform, that have failures and that could not be assessed.

>>> from datetime import date
>>> from sms_model.batch import assess_many, summarise
>>> files = ["examples/acme-managed-services.yaml", "examples/no-such-file.yaml"]
>>> acme, missing = assess_many(files, as_of=date(2026, 11, 27), workers=0)
>>> acme.ok, acme.system, acme.failures["major"]
(True, 'Acme Managed Services SMS', 2)
>>> missing.ok, missing.assessment
(False, None)
>>> print(missing.error)
/.../examples/no-such-file.yaml: $: cannot read the file: No such file or directory
>>> summarise([acme, missing], fail_on="major")
BatchSummary(systems=2, conforming=0, with_failures=1, failed_to_load=1, fail_on='major')

Each file is read by its absolute path (relative paths are taken from the current folder),
so a message about a file names it in full; a result's ``source`` keeps the path as
given. On a Dask cluster every worker must see the files at those paths (a shared file system
mounted at the same place) and have the same version of ``sms_model`` installed; reports are
written by the calling process, never by the workers.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import functools
import hashlib
import json
import os
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, cast

import attrs

from sms_model.errors import ArgumentError, ModelValidationError, SMSModelError

if TYPE_CHECKING:
    from sms_model.model import Edition
    from sms_model.rules import Assessment, Config, Severity, Waiver

__all__ = [
    "BatchResult",
    "BatchSummary",
    "DaskClient",
    "assess_many",
    "local_cluster",
    "output_names",
    "summarise",
]

#: What a task gives back: the JSON report, or the one-line reason there is none; the
#: failures by severity (empty without a report); the system's name (``None`` without one).
_Outcome = tuple[str | None, str | None, dict[str, int], str | None]

_SEVERITIES: Final = ("major", "minor", "observation")


class DaskClient(Protocol):
    """What :func:`assess_many` uses of a ``distributed.Client`` (a synchronous one, connected
    to a ``LocalCluster`` or to a running scheduler): ``map``. Any such client will do; this
    protocol only names it for type checkers, and nothing here imports Dask."""

    def map(self, func: Callable[..., Any], *iterables: Any, **kwargs: Any) -> Any:
        """Submit ``func`` once per item; returns one future per item."""


def _counts(value: Mapping[str, int]) -> dict[str, int]:
    return dict(value)


@attrs.frozen(kw_only=True)
class BatchResult:
    """The result of one system of a batch: its JSON report, or why there is none.

    - ``source``: the path as given to :func:`assess_many`;
    - ``report``: the JSON report of its assessment, exactly the text of
      :meth:`Assessment.to_json() <sms_model.rules.Assessment.to_json>`, ``None`` when it could
      not be assessed;
    - ``error``: why it could not be (the file is missing, is not YAML or JSON, does not
      validate, ...), as one line of plain text, ``None`` when it was assessed. A rule that
      crashed is not such an error: it is an ``error`` finding in the report;
    - ``system``: the name of the system assessed, ``None`` without a report;
    - ``failures``: the report's unwaived failures (and rules that could not run) by severity,
      ``{}`` without a report;
    - ``output``: the file the result was written to (with ``out=``), else ``None``.

    ``assessment`` reads the report back on first use (and keeps it): an
    :class:`~sms_model.rules.Assessment` read from a report holds the findings, verdicts and
    versions, not the system (load the file for that).

    >>> result = BatchResult(source="a.yaml", error="a.yaml: $: cannot read the file")
    >>> result.ok, result.assessment, result.failed_at("observation")
    (False, None, False)
    """

    source: str
    report: str | None = None
    error: str | None = None
    system: str | None = None
    failures: Mapping[str, int] = attrs.field(factory=dict, converter=_counts, hash=False)
    output: str | None = None

    @property
    def ok(self) -> bool:
        """True when the system was assessed (whatever its findings)."""
        return self.error is None

    @functools.cached_property
    def assessment(self) -> Assessment | None:
        """The assessment the report holds, read on first use; ``None`` without a report."""
        if self.report is None:
            return None
        from sms_model.rules import Assessment

        return Assessment.from_json(self.report)

    def failed_at(self, threshold: Severity | str) -> bool:
        """True when the system was assessed and one of its failures (unwaived, or a rule that
        could not run) reaches ``threshold``, as
        :meth:`Assessment.failed_at <sms_model.rules.Assessment.failed_at>` tells."""
        rank = _severity(threshold).rank
        return any(count and _severity(name).rank >= rank for name, count in self.failures.items())


@attrs.frozen(kw_only=True)
class BatchSummary:
    """How a batch went: ``systems`` in all; ``conforming``, assessed with no failure at
    ``fail_on`` or worse; ``with_failures``, assessed with one; ``failed_to_load``, not
    assessed at all (see ``BatchResult.error``). ``fail_on`` is a severity, or ``"never"``
    (no system counts as having failures). :attr:`ok` when every system conforms."""

    systems: int
    conforming: int
    with_failures: int
    failed_to_load: int
    fail_on: str

    @property
    def ok(self) -> bool:
        """True when every system was assessed and none has failures at ``fail_on``."""
        return self.with_failures == 0 and self.failed_to_load == 0


def summarise(results: Iterable[BatchResult], *, fail_on: Severity | str = "major") -> BatchSummary:
    """Count the results of :func:`assess_many`: see :class:`BatchSummary`. ``fail_on`` is
    the lowest severity of a failure that counts (``"major"``, ``"minor"``,
    ``"observation"``, a :class:`~sms_model.rules.Severity`), or ``"never"``.

    >>> ok = BatchResult(source="a.yaml", report="{}", failures={"minor": 2})
    >>> bad = BatchResult(source="b.yaml", error="b.yaml: not YAML")
    >>> summarise([ok, bad]).conforming, summarise([ok, bad], fail_on="minor").with_failures
    (1, 1)
    """
    level = None if fail_on == "never" else _severity(fail_on)
    systems = failing = not_loaded = 0
    for result in results:
        if not isinstance(result, BatchResult):
            raise ArgumentError(f"results must hold BatchResult, not {type(result).__name__}")
        systems += 1
        if not result.ok:
            not_loaded += 1
        elif level is not None and result.failed_at(level):
            failing += 1
    return BatchSummary(
        systems=systems,
        conforming=systems - failing - not_loaded,
        with_failures=failing,
        failed_to_load=not_loaded,
        fail_on="never" if level is None else level.value,
    )


def _severity(value: object) -> Severity:
    from sms_model.rules import Severity

    if isinstance(value, Severity):
        return value
    if isinstance(value, str) and value in _SEVERITIES:
        return Severity(value)
    raise ArgumentError(f"fail_on must be one of {', '.join(_SEVERITIES)} or never, not {value!r}")


# --- the options every system is assessed with ------------------------------------------------


@attrs.frozen(kw_only=True)
class _Options:
    """The options of :func:`sms_model.assess` shared by every system of a batch, checked
    once. Pickled for worker processes with the configuration as its fields (a
    :class:`~sms_model.rules.Config` holds read-only mappings, which do not pickle)."""

    as_of: datetime.date
    edition: str | None
    config: Config | None
    waivers: tuple[Waiver, ...]
    select: tuple[str, ...] | None
    ignore: tuple[str, ...] | None

    def __reduce__(self) -> tuple[Any, ...]:
        fields = attrs.asdict(self, recurse=False)
        if self.config is not None:
            config = attrs.asdict(self.config, recurse=False)
            fields["config"] = {
                k: dict(v) if isinstance(v, Mapping) else v for k, v in config.items()
            }
        return (_rebuilt_options, (fields,))


def _rebuilt_options(fields: dict[str, Any]) -> _Options:
    from sms_model.rules import Config

    config = fields["config"]
    return _Options(**{**fields, "config": None if config is None else Config(**config)})


def _checked_options(
    as_of: object,
    edition: object,
    config: object,
    waivers: object,
    select: object,
    ignore: object,
    progress: object = None,
) -> _Options:
    """The options, refused with an :class:`ArgumentError` before any system is read when one
    is of the wrong type (as :func:`sms_model.assess` would refuse it for each system)."""
    from sms_model.rules._engine import _selectors, check_options, edition_named

    check_options(as_of, config, waivers, progress=progress)  # as assess does, once for all
    return _Options(
        as_of=as_of if isinstance(as_of, datetime.date) else datetime.date.today(),
        edition=edition_named(edition),
        config=cast("Config | None", config),
        waivers=tuple(cast("Sequence[Waiver]", waivers)),
        select=_selectors("select", select),
        ignore=_selectors("ignore", ignore),
    )


def _kind(value: object) -> str:
    from sms_model.rules._engine import _kind

    return _kind(value)


# --- one system: what a worker runs ---------------------------------------------------------


def _assess_file(path: str, options: _Options) -> _Outcome:
    """Load and assess the file at ``path`` (absolute) with ``options``: the JSON report and
    the failures by severity, or the one-line reason it could not be assessed. Module-level,
    so that worker processes and Dask workers import it by name."""
    from sms_model.io import load
    from sms_model.rules import assess

    try:
        sms = load(path)
        assessment = assess(
            sms,
            as_of=options.as_of,
            edition=options.edition,
            config=options.config,
            waivers=options.waivers,
            select=options.select,
            ignore=options.ignore,
        )
        return assessment.to_json(), None, dict(assessment.failure_counts), sms.name
    except Exception as exc:  # one system's problem never stops the batch
        return None, _one_line(exc), {}, None


def _one_line(exc: BaseException) -> str:
    """The reason ``exc`` gives, in one line of plain text: a validation error's first problem
    (and how many there are), another library error's message, or an unexpected exception's
    type and message."""
    if isinstance(exc, ModelValidationError) and exc.issues:
        first = exc.issues[0]
        text = str(first)
        if first.location is None and exc.source:
            text = f"{exc.source}: {text}"
        count = len(exc.issues)
        if count > 1:
            text = f"{text} (and {count - 1} more problem{'s' if count > 2 else ''})"
    elif isinstance(exc, SMSModelError):
        text = str(exc)
    else:
        text = f"{type(exc).__name__}: {exc}"
    return " ".join(text.split("\n")).replace("\r", " ")


# --- the batch ---------------------------------------------------------------------------------


def assess_many(
    sources: Iterable[str | os.PathLike[str]],
    *,
    as_of: datetime.date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    edition: str | Edition | None = None,
    workers: int | None = None,
    client: DaskClient | None = None,
    executor: concurrent.futures.Executor | None = None,
    out: str | os.PathLike[str] | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> tuple[BatchResult, ...]:
    """Load and assess each SMS file of ``sources`` with the same options; one
    :class:`BatchResult` per source, in the order given.

    Each report is byte for byte the JSON of ``sms_model.assess(sms_model.load(path), ...)``
    with these options (those of :func:`sms_model.assess`, with its default registry),
    whatever runs it. ``as_of`` defaults to today, taken once for the whole batch. A file that
    cannot be loaded or assessed gives a result with its ``error``, and the
    others go on.

    Where the work runs:

    - ``workers=0`` or ``1``: here, one system after the other;
    - otherwise, without ``client`` or ``executor``: a process pool of ``workers`` processes
      (``None``: one per CPU, at most one per system), started and shut down here;
    - ``executor``: a ``concurrent.futures.Executor`` of the caller's (a
      ``ProcessPoolExecutor`` with the start method of its choice, say), left running;
    - ``client``: a ``distributed.Client``; each system is a task of its cluster (``workers``
      does not apply: the cluster has its own).

    ``out`` is a folder (created if missing) that receives one JSON file per system, each
    written atomically as its result arrives: the report for a system assessed (readable with
    :func:`sms_model.load_assessment` and ``sms-model diff``), else a small record
    ``{"source": ..., "error": ...}``. Files are named as :func:`output_names` tells.
    ``progress``, if given, is called as ``progress(done, total)`` after each system.

    Arguments of the wrong type or value raise :class:`~sms_model.errors.ArgumentError` before
    any file is read; so does an ``out`` where a result would overwrite a source. A result
    that cannot be written (a full disk) raises the ``OSError``, and stops the batch.

    >>> from datetime import date
    >>> results = assess_many(["examples/minimal.yaml"], as_of=date(2026, 11, 27), workers=0)
    >>> [(r.source, r.assessment.system_name) for r in results]
    [('examples/minimal.yaml', 'Minimal SMS')]
    >>> assess_many("examples/minimal.yaml")
    Traceback (most recent call last):
    ...
    sms_model.errors.ArgumentError: sources must be an iterable of paths, not one str \
'examples/minimal.yaml'; put it in a list
    """
    paths = _sources(sources)
    options = _checked_options(as_of, edition, config, waivers, select, ignore, progress)
    count = _workers(workers, client, executor, len(paths))
    targets = _targets(paths, out)
    results: list[BatchResult | None] = [None] * len(paths)
    absolute = [os.path.abspath(p) for p in paths]
    with contextlib.closing(_outcomes(absolute, options, count, client, executor)) as outcomes:
        for done, (index, outcome) in enumerate(outcomes, 1):
            target = None if targets is None else targets[index]
            results[index] = _result(paths[index], outcome, target)
            if progress is not None:
                progress(done, len(paths))
    return tuple(r for r in results if r is not None)


def _sources(sources: object) -> list[str]:
    if isinstance(sources, str | bytes | os.PathLike):
        raise ArgumentError(
            f"sources must be an iterable of paths, not one {_kind(sources)}; put it in a list"
        )
    if not isinstance(sources, Iterable):
        raise ArgumentError(f"sources must be an iterable of paths, not {_kind(sources)}")
    paths = []
    for i, source in enumerate(sources):
        if not isinstance(source, str | os.PathLike):
            raise ArgumentError(f"sources[{i}] must be a path (str or Path), not {_kind(source)}")
        path = os.fspath(source)
        if not isinstance(path, str) or not path:
            raise ArgumentError(f"sources[{i}] must name a file, not {_kind(source)}")
        paths.append(path)
    return paths


def _workers(workers: object, client: object, executor: object, systems: int) -> int:
    """How many processes of a local pool to start: 0 to run here, or when ``client`` or
    ``executor`` runs the work."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, int)):
        raise ArgumentError(f"workers must be a whole number or None, not {_kind(workers)}")
    if workers is not None and workers < 0:
        raise ArgumentError(f"workers must be 0 or more, not {workers}")
    if client is not None and executor is not None:
        raise ArgumentError("give a Dask client or an executor, not both")
    if client is not None and not callable(getattr(client, "map", None)):
        raise ArgumentError(f"client must be a distributed.Client, not {_kind(client)}")
    if executor is not None and not isinstance(executor, concurrent.futures.Executor):
        raise ArgumentError(
            f"executor must be a concurrent.futures.Executor, not {_kind(executor)}"
        )
    if (client is not None or executor is not None) and workers is not None:
        raise ArgumentError(
            "workers applies to the local process pool; leave it out with a "
            "client or an executor, which have their own workers"
        )
    if client is not None or executor is not None:
        return 0
    wanted = workers if workers is not None else (os.cpu_count() or 1)
    return min(wanted, systems) if wanted > 1 else 0


def _outcomes(
    paths: Sequence[str],
    options: _Options,
    workers: int,
    client: DaskClient | None,
    executor: concurrent.futures.Executor | None,
) -> Generator[tuple[int, _Outcome], None, None]:
    """Each system's outcome as it arrives, with its index in ``paths``. Closing the generator
    early (an error or Ctrl-C in the caller) cancels what has not started."""
    if client is not None:
        yield from _on_dask(client, paths, options)
    elif executor is not None:
        yield from _on_executor(executor, paths, options)
    elif workers > 1:
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers) as pool:
            try:
                yield from _on_executor(pool, paths, options)
            finally:  # after an error or Ctrl-C, what has not started never starts
                pool.shutdown(wait=True, cancel_futures=True)
    else:
        for i, path in enumerate(paths):
            yield i, _assess_file(path, options)


def _on_executor(
    executor: concurrent.futures.Executor, paths: Sequence[str], options: _Options
) -> Iterator[tuple[int, _Outcome]]:
    pending = {executor.submit(_assess_file, path, options): i for i, path in enumerate(paths)}
    try:
        for future in concurrent.futures.as_completed(pending):
            yield pending.pop(future), _taken(future)
    finally:
        for future in pending:
            future.cancel()


def _on_dask(
    client: DaskClient, paths: Sequence[str], options: _Options
) -> Iterator[tuple[int, _Outcome]]:
    try:
        from distributed import as_completed as untyped
    except ImportError:
        raise ArgumentError(
            "a Dask client needs the distributed package: pip install 'sms-model[dask]'"
        ) from None
    # Unique keys (pure=False): a file may have changed since an earlier batch of this client.
    futures = client.map(_assess_file, list(paths), options=options, pure=False)
    pending = {future.key: (i, future) for i, future in enumerate(futures)}
    # The client's own event loop: it need not be the process's default client.
    as_completed: Callable[..., Iterator[Any]] = untyped
    completed = as_completed(futures, loop=getattr(client, "loop", None))
    del futures  # each result is released on the cluster once taken
    try:
        for future in completed:
            index, _ = pending.pop(future.key)
            yield index, _taken(future)
    finally:
        for _, future in pending.values():
            future.cancel()


def _taken(future: Any) -> _Outcome:
    """The outcome a finished future holds; a task that could not run at all (its worker
    process died, the cluster lost it) gives an error outcome like a file that cannot load."""
    try:
        outcome: _Outcome = future.result()
    except Exception as exc:  # one system's problem never stops the batch
        return None, f"it could not be assessed: {_one_line(exc)}", {}, None
    return outcome


def _result(source: str, outcome: _Outcome, target: Path | None) -> BatchResult:
    report, error, failures, system = outcome
    output = None
    if target is not None:
        from sms_model.io import write_atomically

        text = report if report is not None else _error_record(source, error or "")
        # Lone surrogates (from \\ud800 escapes in a JSON input) are written as escapes.
        output = str(write_atomically(target, text.encode("utf-8", "backslashreplace")))
    return BatchResult(
        source=source, report=report, error=error, system=system, failures=failures, output=output
    )


def _error_record(source: str, error: str) -> str:
    return json.dumps({"source": source, "error": error}, indent=2, ensure_ascii=False) + "\n"


# --- the output folder ----------------------------------------------------------------------


def output_names(sources: Iterable[str | os.PathLike[str]]) -> tuple[str, ...]:
    """The file name each source's result gets in ``out``, in order: ``<stem>.json``, where
    ``<stem>`` is the source's file name without its suffix; sources of the same stem in
    different folders (compared ignoring case, as some file systems do) each get
    ``<stem>-<8 hex digits>.json`` instead, the digits the start of the SHA-256 of the
    source's absolute path. The same sources always give the same names, and the same path
    given twice the same name.

    >>> output_names(["customers/acme.yaml", "customers/kestrel.json"])
    ('acme.json', 'kestrel.json')
    >>> first, second = output_names(["a/acme.yaml", "b/Acme.yml"])
    >>> first[:5], second[:5], len(first) == len("acme-12345678.json"), first != second
    ('acme-', 'Acme-', True, True)
    """
    absolute = [os.path.abspath(p) for p in _sources(sources)]
    stems = [Path(p).stem for p in absolute]
    files: dict[str, set[str]] = {}
    for stem, path in zip(stems, absolute, strict=True):
        files.setdefault(stem.casefold(), set()).add(path)
    names = []
    for stem, path in zip(stems, absolute, strict=True):
        if len(files[stem.casefold()]) > 1:
            stem = f"{stem}-{hashlib.sha256(path.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
        names.append(f"{stem}.json")
    return tuple(names)


def _targets(paths: Sequence[str], out: object) -> list[Path] | None:
    """The file each result is written to under ``out`` (created here if missing); refused
    when one would overwrite a source."""
    if out is None:
        return None
    if not isinstance(out, str | os.PathLike) or not os.fspath(out):
        raise ArgumentError(f"out must be the path of a folder, not {_kind(out)}")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise ArgumentError(f"out {os.fspath(out)!r} is not a folder")
    targets = [folder / name for name in output_names(paths)]
    sources = {Path(p).resolve() for p in paths if Path(p).exists()}
    for target in targets:
        if target.resolve() in sources:
            raise ArgumentError(
                f"out {os.fspath(out)!r}: the result {target.name} would overwrite the source "
                "of that name; write the results to another folder"
            )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArgumentError(f"out {os.fspath(out)!r}: cannot create it ({exc.strerror})") from None
    return targets


@contextlib.contextmanager
def local_cluster(workers: int = 2) -> Iterator[Any]:
    """A Dask ``LocalCluster`` of ``workers`` single-thread worker processes on this machine and
    a ``distributed.Client`` of it, for :func:`assess_many`'s ``client``; both are closed on
    leaving. No dashboard, and Dask's own logging kept to critical errors (workers that stop
    late log errors that mean nothing here). Needs the ``dask`` extra.

    .. code-block:: python

        with local_cluster(2) as client:
            results = assess_many(paths, client=client)
    """
    import importlib
    import logging

    # Untyped package: reached through Any rather than a type: ignore per call.
    distributed: Any = importlib.import_module("distributed")
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ArgumentError(f"workers must be a whole number, 1 or more, not {_kind(workers)}")
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        # The scheduler's HTTP server on any free port, so that no other cluster's is in the way.
        scheduler_kwargs={"dashboard_address": ":0"},
        silence_logs=logging.CRITICAL,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client
