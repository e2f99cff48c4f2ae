"""A history of assessments in a database: record each assessment of a system, then see what got
better, what got worse, and since when.

:func:`record` stores an :class:`~sms_model.rules.Assessment` (its whole JSON report, plus
indexed columns and one row per finding); :func:`runs` lists the recorded runs with their
failures by severity and what is new or resolved since the run before; :func:`first_seen`,
:func:`open_since` and :func:`open_for` tell since when a failure has been open;
:func:`timeline` gives a pandas DataFrame and :func:`render_timeline` a report as text, JSON,
Markdown or HTML; :func:`load` reads a run back as the assessment it was, and :func:`changes`
compares it with the run before.

A database is named by a SQLAlchemy URL: a SQLite file by default (:func:`default_url`, beside
the assessed file), or a server such as PostgreSQL
(``postgresql+psycopg://user@host/dbname``). SQLAlchemy is an optional extra
(``sms-model[history]``, and ``sms-model[postgresql]`` for the PostgreSQL driver), imported
only when a database is used; :func:`timeline` needs pandas (``sms-model[pandas]``).

>>> import pytest; _ = pytest.importorskip("sqlalchemy")
>>> import tempfile
>>> from datetime import date
>>> from pathlib import Path
>>> import sms_model
>>> from sms_model import history
>>> folder = tempfile.TemporaryDirectory()
>>> url = history.default_url(Path(folder.name) / "sms.yaml")
>>> sms = sms_model.load("examples/acme-managed-services.yaml")
>>> for day in (date(2026, 6, 1), date(2026, 11, 27)):
...     _ = history.record(sms_model.assess(sms, as_of=day), url)
>>> first, second = history.runs(url)
>>> first.as_of.isoformat(), first.failures["major"], first.new, first.resolved
('2026-06-01', 9, None, None)
>>> second.as_of.isoformat(), second.failures["major"], second.previous == first.id
('2026-11-27', 2, True)
>>> second.new >= 0 and second.resolved > 0  # failure ids outstanding in one and not the other
True
>>> folder.cleanup()

The schema is versioned (:data:`SCHEMA_VERSION`, in the table ``sms_model_schema``): opening a
database applies the migrations it lacks, in place and in one transaction, and never drops or
recreates a table. A database written by a newer version of the library, or one holding other
tables and not ours, is refused (:class:`HistorySchemaError`) and left as it is.

Length: one public module for the whole feature (schema and migrations, queries, the timeline
and its four renderings), so that the optional SQLAlchemy import stays in one place.
"""

from __future__ import annotations

import datetime
import functools
import importlib
import json
import re
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

import attrs

from sms_model.errors import ArgumentError, SMSModelError

if TYPE_CHECKING:
    import sqlalchemy as sa

    from sms_model.rules import Assessment, Diff

__all__ = [
    "DEFAULT_FILE_NAME",
    "EDITION",
    "HISTORY_FORMAT",
    "SCHEMA_VERSION",
    "TIMELINE_FORMATS",
    "HistoryConnectionError",
    "HistoryError",
    "HistorySchemaError",
    "MissingExtraError",
    "Run",
    "UnknownRunError",
    "changes",
    "default_url",
    "first_seen",
    "load",
    "open_for",
    "open_since",
    "record",
    "render_timeline",
    "runs",
    "timeline",
]

#: The file :func:`default_url` names, beside the assessed SMS file.
DEFAULT_FILE_NAME: Final = "sms-history.db"
#: The edition of ISO/IEC 20000-1 the built-in rules assess; recorded with every run.
EDITION: Final = "2011"
#: Version of the JSON document :func:`render_timeline` writes.
HISTORY_FORMAT: Final = 1
#: The formats :func:`render_timeline` writes.
TIMELINE_FORMATS: Final = ("text", "json", "markdown", "html")

# The severities and verdicts counted in columns of their own (a new one needs a migration).
_SEVERITIES: Final = ("major", "minor", "observation")
_VERDICTS: Final = ("conforming", "minor", "major", "not_assessed", "not_applicable")
_OUTSTANDING: Final = ("fail", "error")
_RUNS, _FINDINGS, _SCHEMA = "sms_model_runs", "sms_model_findings", "sms_model_schema"
_OWN_TABLES: Final = (_RUNS, _FINDINGS, _SCHEMA)
# Serialises migrations on PostgreSQL (pg_advisory_xact_lock): any constant, ours alone.
_LOCK_KEY: Final = 0x534D535F48495354  # "SMS_HIST"
_CHUNK: Final = 500  # ids per IN (...) list


# --- errors ----------------------------------------------------------------------------------


class HistoryError(SMSModelError):
    """The history database could not be used; the message names it by its URL, with any
    password masked."""


class HistoryConnectionError(HistoryError):
    """The database cannot be opened: a URL SQLAlchemy cannot read, a database kind or driver
    that is not installed, a server that cannot be reached or refuses the login, or a SQLite
    file that does not exist (when reading)."""


class HistorySchemaError(HistoryError):
    """The database is not one this library may use: written by a newer version of it, or
    holding tables that are not a history's. It is left untouched."""


class UnknownRunError(HistoryError, LookupError):
    """No run has that id."""


class MissingExtraError(HistoryError, ModuleNotFoundError):
    """An optional package the history needs is not installed (SQLAlchemy, or pandas for
    :func:`timeline`); the message names the extra that installs it."""


# --- the runs --------------------------------------------------------------------------------


def _frozen(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


@attrs.frozen(kw_only=True)
class Run:
    """One recorded assessment, as :func:`runs` lists it.

    ``failures`` counts what stood against conformity by severity (unwaived failures and rules
    that could not run, as :attr:`Assessment.failure_counts
    <sms_model.rules.Assessment.failure_counts>`); ``clauses`` counts the clause verdicts by
    verdict (``conforming``, ``minor``, ...). ``previous`` is the id of the run before it of the
    same system and edition (in the order of :func:`runs`), and ``new`` and ``resolved`` count
    the finding ids outstanding in this run and not in that one, and the reverse; all three are
    ``None`` for a system's first run. ``run_at`` is when it was recorded, in UTC; ``source``
    is where the SMS was read from, when the recorder said.
    """

    id: int
    system: str
    edition: str
    as_of: datetime.date
    run_at: datetime.datetime
    library_version: str
    ruleset_version: str
    input_digest: str
    source: str | None
    failures: Mapping[str, int] = attrs.field(converter=_frozen, hash=False)
    clauses: Mapping[str, int] = attrs.field(converter=_frozen, hash=False)
    previous: int | None
    new: int | None
    resolved: int | None

    def to_record(self) -> dict[str, Any]:
        """The run as plain data (an item of the JSON timeline)."""
        return {
            "id": self.id,
            "system": self.system,
            "edition": self.edition,
            "as_of": self.as_of.isoformat(),
            "run_at": self.run_at.isoformat(),
            "library_version": self.library_version,
            "ruleset_version": self.ruleset_version,
            "input_digest": self.input_digest,
            "source": self.source,
            "failures": dict(self.failures),
            "clauses": dict(self.clauses),
            "previous": self.previous,
            "new": self.new,
            "resolved": self.resolved,
        }


# --- URLs and engines ------------------------------------------------------------------------


def default_url(sms_file: str | PathLike[str]) -> str:
    """The SQLite database :data:`DEFAULT_FILE_NAME` in the folder of ``sms_file`` (the SMS file
    assessed), as a SQLAlchemy URL with an absolute path.

    >>> default_url("examples/minimal.yaml")
    'sqlite:///.../examples/sms-history.db'
    """
    return _sqlite_url(Path(sms_file).resolve().parent / DEFAULT_FILE_NAME)


def _sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of a SQLite file (``?``, ``#``, ``%`` and the like percent-encoded)."""
    return "sqlite:///" + urllib.parse.quote(str(path.resolve()), safe="/\\:")


# The password of a URL, also in one SQLAlchemy cannot read ("postgres:/user:secret@host").
_PASSWORD = re.compile(r"(:/{0,3}[^/:@]*:)[^@/]*@")


def _masked(url: str) -> str:
    """``url`` with its password, if any, shown as ``***``.

    >>> _masked("postgres:/alice:s3cret@db/history")
    'postgres:/alice:***@db/history'
    """
    try:
        import sqlalchemy as sa

        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL SQLAlchemy reads (or no SQLAlchemy): mask it by pattern
        return _PASSWORD.sub(r"\1***@", url)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite history URL, ``None`` for any other database (or one in memory).

    >>> sqlite_file("sqlite:////tmp/h.db"), sqlite_file("postgresql://h/db")
    (PosixPath('/tmp/h.db'), None)
    """
    if not url.startswith("sqlite:"):
        return None
    _sqlalchemy_present()
    import sqlalchemy as sa

    try:
        database = sa.make_url(url).database or ""
    except (sa.exc.ArgumentError, ValueError):
        return None
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def _sqlalchemy_present() -> None:
    try:
        importlib.import_module("sqlalchemy")
    except ImportError:
        raise MissingExtraError(
            "the assessment history needs the optional package 'sqlalchemy': "
            "install sms-model[history]",
            name="sqlalchemy",
        ) from None


def _engine(url: str, *, create: bool) -> sa.Engine:
    """An engine for ``url`` that holds no connection between uses. A SQLite database is
    created only when ``create``; its transactions take the write lock when they begin, so that
    two writers wait for each other rather than fail."""
    if not isinstance(url, str):
        raise ArgumentError(f"a database URL must be text, not {type(url).__name__}")
    _sqlalchemy_present()
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    shown = _masked(url)
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise HistoryConnectionError(f"{shown} is not a database URL ({exc})") from None
    connect_args: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = 10
    if parsed.get_backend_name() == "sqlite" and not create:
        _sqlite_exists(parsed, shown)
    try:
        engine = sa.create_engine(parsed, poolclass=NullPool, connect_args=connect_args)
    except sa.exc.NoSuchModuleError:
        what = parsed.drivername
        raise HistoryConnectionError(f"cannot open {shown}: no database kind {what!r}") from None
    except ImportError as exc:
        raise HistoryConnectionError(
            f"cannot open {shown}: its driver {exc.name or parsed.drivername!r} is not installed "
            "(for PostgreSQL, install sms-model[postgresql] and write postgresql+psycopg://)"
        ) from None
    except (sa.exc.ArgumentError, TypeError, ValueError) as exc:
        raise HistoryConnectionError(f"cannot open {shown}: {exc}") from None
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_connect)
        sa.event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_exists(parsed: sa.URL, shown: str) -> None:
    database = parsed.database or ""
    in_memory = database in ("", ":memory:") or database.startswith("file:")
    if not in_memory and not Path(database).is_file():
        raise HistoryConnectionError(
            f"no history at {shown}: {database} does not exist; record an assessment first"
        )


def _sqlite_connect(connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would commit before DDL: SQLAlchemy begins instead.
    connection.isolation_level = None
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_begin(connection: sa.Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _reason(exc: BaseException, url: str) -> str:
    """The first line of what the driver said, without the password should it quote it."""
    cause = getattr(exc, "orig", None) or exc
    text = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    try:
        import sqlalchemy as sa

        password = sa.make_url(url).password
    except Exception:
        password = None
    if password:
        text = text.replace(str(password), "***")
    return text[:500]


@contextmanager
def _connected(url: str, *, create: bool) -> Iterator[sa.Connection]:
    """A connection to the history at ``url`` in a transaction, committed at the end, after
    the database was brought up to :data:`SCHEMA_VERSION` (in a transaction of its own). The
    database's errors become :class:`HistoryConnectionError` (connecting) or
    :class:`HistoryError` (using it)."""
    engine = _engine(url, create=create)  # first: it says when SQLAlchemy is missing
    import sqlalchemy as sa

    try:
        try:
            connection = engine.connect()
        except sa.exc.SQLAlchemyError as exc:
            reason = _reason(exc, url)
            raise HistoryConnectionError(f"cannot connect to {_masked(url)}: {reason}") from None
        with connection:
            try:
                with connection.begin():
                    _migrate(connection, url)
                with connection.begin():
                    yield connection
            except sa.exc.SQLAlchemyError as exc:
                reason = _reason(exc, url)
                raise HistoryError(f"the database {_masked(url)} failed: {reason}") from None
            except UnicodeEncodeError:  # raised by the driver, so not wrapped by SQLAlchemy
                raise HistoryError(
                    f"nothing was stored in {_masked(url)}: the assessment holds text that is "
                    "not valid Unicode (a lone surrogate, as a \\ud800 escape in a JSON file "
                    "makes), which a database cannot hold"
                ) from None
    finally:
        engine.dispose()


# --- schema and migrations -------------------------------------------------------------------


def _v1(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table]:
    """The tables as version 1 created them (never change this: add a migration)."""
    import sqlalchemy as sa

    severities = ("major", "minor", "observation")  # as they were then, like all of this
    verdicts = ("conforming", "minor", "major", "not_assessed", "not_applicable")
    counts = [sa.Column(f"failures_{s}", sa.Integer, nullable=False) for s in severities]
    counts += [sa.Column(f"clauses_{v}", sa.Integer, nullable=False) for v in verdicts]
    runs = sa.Table(
        _RUNS,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("system", sa.Text, nullable=False),
        sa.Column("edition", sa.Text, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("run_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("library_version", sa.Text, nullable=False),
        sa.Column("ruleset_version", sa.Text, nullable=False),
        sa.Column("input_digest", sa.Text, nullable=False),
        *counts,
        sa.Column("report", sa.Text, nullable=False),
        sa.Index("ix_sms_model_runs_system_as_of", "system", "as_of"),
        sa.Index("ix_sms_model_runs_system_run_at", "system", "run_at"),
    )
    findings = sa.Table(
        _FINDINGS,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "run_id", sa.Integer, sa.ForeignKey(f"{_RUNS}.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("finding_id", sa.Text, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("clause", sa.Text, nullable=False),
        sa.Column("guidance", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("severity", sa.Text, nullable=False),
        sa.Column("code", sa.Text, nullable=False),
        sa.Index("ix_sms_model_findings_run_id", "run_id"),
        sa.Index("ix_sms_model_findings_finding_id", "finding_id"),
    )
    return runs, findings


def _version_table(metadata: sa.MetaData) -> sa.Table:
    """The table of applied migrations: its shape is fixed for good, so that every version of
    the library can read which version a database is at."""
    import sqlalchemy as sa

    return sa.Table(
        _SCHEMA,
        metadata,
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("library_version", sa.Text, nullable=False),
    )


def _create_v1(connection: sa.Connection) -> None:
    import sqlalchemy as sa

    metadata = sa.MetaData()
    _v1(metadata)
    metadata.create_all(connection, checkfirst=False)


def _add_source(connection: sa.Connection) -> None:
    import sqlalchemy as sa

    connection.execute(sa.text(f"ALTER TABLE {_RUNS} ADD COLUMN source TEXT"))


@attrs.frozen
class _Migration:
    version: int
    description: str
    apply: Callable[[sa.Connection], None]


#: Every migration, in order; a database at version N has had the first N applied.
_MIGRATIONS: Final = (
    _Migration(1, "runs and findings tables", _create_v1),
    _Migration(2, "runs.source: where the assessed SMS was read from", _add_source),
)
#: The schema version this library writes; it reads and upgrades every older one.
SCHEMA_VERSION: Final = len(_MIGRATIONS)


@attrs.frozen
class _Tables:
    runs: sa.Table
    findings: sa.Table
    schema: sa.Table


@functools.cache
def _tables() -> _Tables:
    """The tables as they are at :data:`SCHEMA_VERSION`: version 1 and the changes since."""
    import sqlalchemy as sa

    metadata = sa.MetaData()
    runs, findings = _v1(metadata)
    runs.append_column(sa.Column("source", sa.Text, nullable=True))  # version 2
    return _Tables(runs, findings, _version_table(metadata))


def _version(connection: sa.Connection, url: str) -> int:
    """The schema version of the database, 0 for an empty one; a database with tables but no
    version table is not ours."""
    import sqlalchemy as sa

    inspector = sa.inspect(connection)
    if not inspector.has_table(_SCHEMA):
        names = sorted(inspector.get_table_names())
        # Our own tables without the version table: another process is creating the history
        # right now (seen between two catalogue reads); the migration decides under its lock.
        if names and not set(names) <= set(_OWN_TABLES):
            shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
            raise HistorySchemaError(
                f"{_masked(url)} holds tables that are not an assessment history ({shown}) "
                f"and no {_SCHEMA} table; it was left untouched: name an empty database"
            )
        return 0
    table = _tables().schema
    found = connection.execute(sa.select(sa.func.max(table.c.version))).scalar()
    return int(found or 0)


def _migrate(connection: sa.Connection, url: str, upto: int = SCHEMA_VERSION) -> None:
    """Bring the database to version ``upto`` in the caller's transaction: apply the
    migrations it lacks and note each in the version table. Two processes never migrate at
    once: SQLite's transactions take the write lock when they begin, and on PostgreSQL the
    version is read again under a lock of our own."""
    import sqlalchemy as sa

    current = _version(connection, url)
    if current == upto:
        return
    if connection.dialect.name == "postgresql":  # SQLite's transaction holds the lock already
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
        current = _version(connection, url)
    if current > SCHEMA_VERSION:
        from sms_model import __version__

        raise HistorySchemaError(
            f"{_masked(url)} has history schema version {current}, written by a newer "
            f"sms_model than this one ({__version__}, which knows versions up to "
            f"{SCHEMA_VERSION}); upgrade sms_model to use it"
        )
    table = _tables().schema
    if current == 0:
        table.create(connection, checkfirst=False)
    for migration in _MIGRATIONS[current:upto]:
        migration.apply(connection)
        connection.execute(
            table.insert().values(
                version=migration.version,
                description=migration.description,
                applied_at=_now(),
                library_version=_library_version(),
            )
        )


def _library_version() -> str:
    from sms_model import __version__

    return __version__


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


def _utc(value: datetime.datetime) -> datetime.datetime:
    """A stored time as an aware UTC datetime (SQLite returns it naive, in UTC as stored)."""
    return (
        value.replace(tzinfo=datetime.UTC)
        if value.tzinfo is None
        else value.astimezone(datetime.UTC)
    )


# --- recording -------------------------------------------------------------------------------


def record(
    assessment: Assessment,
    url: str,
    *,
    source: str | None = None,
    run_at: datetime.datetime | None = None,
) -> int:
    """Store ``assessment`` in the history at ``url`` and return the id of the new run.

    The run holds the whole JSON report (:func:`load` reads it back) and, for queries, the
    system's name, the edition, the as-of date, ``run_at`` (an aware datetime, stored in UTC;
    now by default), the library and rule-set versions, the input digest, the failures by
    severity and the clause verdicts by verdict, and one row per finding (its id, rule, clause,
    guidance, status, severity and code). ``source`` says where the SMS was read from. The
    database and its tables are created when missing, and brought up to date.

    >>> import pytest; _ = pytest.importorskip("sqlalchemy")
    >>> import tempfile
    >>> from datetime import date
    >>> import sms_model
    >>> folder = tempfile.TemporaryDirectory()
    >>> url = f"sqlite:///{folder.name}/history.db"
    >>> result = sms_model.assess(sms_model.load("examples/minimal.yaml"), as_of=date(2026, 11, 27))
    >>> run_id = record(result, url, source="examples/minimal.yaml")
    >>> load(url, run_id) == result
    True
    >>> folder.cleanup()
    """
    from sms_model.rules import Assessment

    if not isinstance(assessment, Assessment):
        raise ArgumentError(f"record: expected an Assessment, not {type(assessment).__name__}")
    if source is not None and not isinstance(source, str):
        raise ArgumentError(f"record: source must be text, not {type(source).__name__}")
    when = _now() if run_at is None else _aware(run_at, "run_at")
    report = assessment.to_json()
    if isinstance(url, str) and url.startswith("sqlite:") and sqlite_file(url) is None:
        raise HistoryConnectionError(
            f"{_masked(url)} is a SQLite database in memory, which keeps nothing once closed: "
            "name a file (sqlite:///path/sms-history.db)"
        )
    with _connected(url, create=True) as connection:
        return _insert(connection, assessment, report, when, source)


def _aware(value: object, name: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ArgumentError(f"{name} must be a datetime, not {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ArgumentError(f"{name} must be timezone-aware (such as datetime.now(UTC))")
    return value.astimezone(datetime.UTC)


def _insert(
    connection: sa.Connection,
    assessment: Assessment,
    report: str,
    run_at: datetime.datetime,
    source: str | None,
) -> int:
    tables = _tables()
    failures = assessment.failure_counts
    verdicts = Counter(v.verdict.value for v in assessment.verdicts)
    values: dict[str, Any] = {
        "system": assessment.system_name,
        "edition": str(getattr(assessment, "edition", EDITION)),
        "as_of": assessment.as_of,
        "run_at": run_at,
        "library_version": assessment.library_version,
        "ruleset_version": assessment.ruleset_version,
        "input_digest": assessment.input_digest,
        "report": report,
        **{f"failures_{s}": failures.get(s, 0) for s in _SEVERITIES},
        **{f"clauses_{v}": verdicts.get(v, 0) for v in _VERDICTS},
    }
    if source is not None:  # left out otherwise, so that a version-1 table takes the row too
        values["source"] = source
    result = connection.execute(tables.runs.insert().values(values))
    key = result.inserted_primary_key
    if key is None:  # pragma: no cover - every database SQLAlchemy supports reports it
        raise HistoryError("the database did not report the id of the new run")
    run_id = int(key[0])
    rows = [
        {
            "run_id": run_id,
            "finding_id": f.id,
            "rule": f.rule,
            "clause": f.clause,
            "guidance": ", ".join(f.guidance),
            "status": f.status.value,
            "severity": f.severity.value,
            "code": f.code,
        }
        for f in assessment.findings
    ]
    if rows:
        connection.execute(tables.findings.insert(), rows)
    return run_id


# --- reading ---------------------------------------------------------------------------------


def _checked_dates(**dates: object) -> None:
    for name, value in dates.items():
        if value is not None and (
            not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
        ):
            raise ArgumentError(f"{name} must be a datetime.date, not {type(value).__name__}")


def _run_columns(runs: sa.Table) -> list[sa.ColumnElement[Any]]:
    """Every column of a run but the report."""
    return [c for c in runs.columns if c.name != "report"]


def _ordered(runs: sa.Table) -> tuple[sa.ColumnElement[Any], ...]:
    return (runs.c.as_of, runs.c.run_at, runs.c.id)


def runs(
    url: str,
    *,
    system: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> list[Run]:
    """The runs recorded at ``url``, in chronological order (as-of date, then the time each was
    recorded, then id): of one ``system`` when given, with an as-of date from ``since`` to
    ``until`` (both included) when given. ``new`` and ``resolved`` compare each run with the
    run before it of the same system, edition and rule set (``ruleset_version``: a run of
    selected rules is compared only with runs of the same selection, never with a whole run),
    even when that one is before ``since``.

    >>> import pytest; _ = pytest.importorskip("sqlalchemy")
    >>> runs("sqlite:///no/such/history.db")
    Traceback (most recent call last):
    ...
    sms_model.history.HistoryConnectionError: no history at sqlite:///no/such/history.db: \
no/such/history.db does not exist; record an assessment first
    """
    _sqlalchemy_present()
    import sqlalchemy as sa

    _checked_dates(since=since, until=until)
    table = _tables().runs
    query = sa.select(*_run_columns(table)).order_by(*_ordered(table))
    if system is not None:
        query = query.where(table.c.system == system)
    if until is not None:
        query = query.where(table.c.as_of <= until)
    with _connected(url, create=False) as connection:
        rows = connection.execute(query).mappings().all()
        previous: dict[int, int] = {}
        last: dict[tuple[str, str, str], int] = {}
        for row in rows:
            series = (row["system"], row["edition"], row["ruleset_version"])
            if series in last:
                previous[row["id"]] = last[series]
            last[series] = row["id"]
        window = [r for r in rows if since is None or r["as_of"] >= since]
        wanted = {r["id"] for r in window} | {
            previous[r["id"]] for r in window if r["id"] in previous
        }
        outstanding = _outstanding(connection, wanted)
    return [_run(row, previous.get(row["id"]), outstanding) for row in window]


def _outstanding(
    connection: sa.Connection, run_ids: Iterable[int], only: str | None = None
) -> dict[int, set[str]]:
    """The ids of the outstanding findings (failures, errors) of each run (``only`` that
    one, when given)."""
    import sqlalchemy as sa

    findings = _tables().findings
    found: dict[int, set[str]] = {}
    ids = sorted(run_ids)
    for start in range(0, len(ids), _CHUNK):
        query = sa.select(findings.c.run_id, findings.c.finding_id).where(
            findings.c.run_id.in_(ids[start : start + _CHUNK]),
            findings.c.status.in_(_OUTSTANDING),
        )
        if only is not None:
            query = query.where(findings.c.finding_id == only)
        for run_id, finding_id in connection.execute(query):
            found.setdefault(run_id, set()).add(finding_id)
    return found


def _run(row: sa.RowMapping, previous: int | None, outstanding: dict[int, set[str]]) -> Run:
    new = resolved = None
    if previous is not None:
        now, before = outstanding.get(row["id"], set()), outstanding.get(previous, set())
        new, resolved = len(now - before), len(before - now)
    return Run(
        id=row["id"],
        system=row["system"],
        edition=row["edition"],
        as_of=row["as_of"],
        run_at=_utc(row["run_at"]),
        library_version=row["library_version"],
        ruleset_version=row["ruleset_version"],
        input_digest=row["input_digest"],
        source=row["source"],
        failures={s: row[f"failures_{s}"] for s in _SEVERITIES},
        clauses={v: row[f"clauses_{v}"] for v in _VERDICTS},
        previous=previous,
        new=new,
        resolved=resolved,
    )


def load(url: str, run_id: int) -> Assessment:
    """The assessment run ``run_id`` recorded, read back from its JSON report: equal to the
    one recorded (:class:`UnknownRunError` when there is no such run)."""
    _sqlalchemy_present()
    import sqlalchemy as sa

    from sms_model.rules import Assessment

    if isinstance(run_id, bool) or not isinstance(run_id, int):
        raise ArgumentError(f"load: a run id is a number, not {type(run_id).__name__}")
    table = _tables().runs
    with _connected(url, create=False) as connection:
        report = connection.execute(sa.select(table.c.report).where(table.c.id == run_id)).scalar()
    if report is None:
        raise UnknownRunError(f"{_masked(url)} has no run {run_id}")
    return Assessment.from_json(report)


def _previous_id(connection: sa.Connection, run_id: int, url: str) -> int | None:
    import sqlalchemy as sa

    runs = _tables().runs
    this = connection.execute(
        sa.select(
            runs.c.system, runs.c.edition, runs.c.ruleset_version, runs.c.as_of, runs.c.run_at
        ).where(runs.c.id == run_id)
    ).first()
    if this is None:
        raise UnknownRunError(f"{_masked(url)} has no run {run_id}")
    system, edition, ruleset, as_of, run_at = this
    earlier = sa.or_(
        runs.c.as_of < as_of,
        sa.and_(runs.c.as_of == as_of, runs.c.run_at < run_at),
        sa.and_(runs.c.as_of == as_of, runs.c.run_at == run_at, runs.c.id < run_id),
    )
    query = (
        sa.select(runs.c.id)
        .where(
            runs.c.system == system,
            runs.c.edition == edition,
            runs.c.ruleset_version == ruleset,
            earlier,
        )
        .order_by(*(c.desc() for c in _ordered(runs)))
        .limit(1)
    )
    found = connection.execute(query).scalar()
    return None if found is None else int(found)


def changes(url: str, run_id: int) -> Diff | None:
    """What changed, finding by finding, between run ``run_id`` and the run before it of the
    same system (:func:`sms_model.diff` of the two recorded assessments); ``None`` for a
    system's first run."""
    if isinstance(run_id, bool) or not isinstance(run_id, int):
        raise ArgumentError(f"changes: a run id is a number, not {type(run_id).__name__}")
    with _connected(url, create=False) as connection:
        previous = _previous_id(connection, run_id, url)
    if previous is None:
        return None
    from sms_model.rules import diff

    return diff(load(url, previous), load(url, run_id))


def first_seen(url: str, system: str) -> dict[str, tuple[datetime.date, datetime.date]]:
    """For each finding id ever outstanding (a failure or an error) in a run of ``system``:
    the first and the last as-of date at which it was, in order of the first, then id. The
    finding may have been resolved in between: :func:`open_since` gives the start of the
    current stretch."""
    _sqlalchemy_present()
    import sqlalchemy as sa

    tables = _tables()
    runs, findings = tables.runs, tables.findings
    query = (
        sa.select(findings.c.finding_id, sa.func.min(runs.c.as_of), sa.func.max(runs.c.as_of))
        .select_from(findings.join(runs, findings.c.run_id == runs.c.id))
        .where(runs.c.system == system, findings.c.status.in_(_OUTSTANDING))
        .group_by(findings.c.finding_id)
    )
    with _connected(url, create=False) as connection:
        rows = connection.execute(query).all()
    ordered = sorted(rows, key=lambda row: (row[1], row[0]))
    return {finding_id: (first, last) for finding_id, first, last in ordered}


def open_since(url: str, system: str, as_of: datetime.date) -> dict[str, datetime.date]:
    """For each finding outstanding (a failure or an error) in the latest run of ``system`` at
    or before ``as_of``: the as-of date of the first run of the unbroken series of runs, up to
    that one, in which it was outstanding. A finding resolved for a while and found again is
    open since it came back; the day it was first seen is in :func:`first_seen`."""
    _checked_dates(as_of=as_of)
    with _connected(url, create=False) as connection:
        return _open_since(connection, system, as_of, None)


def open_for(url: str, system: str, finding_id: str, as_of: datetime.date) -> int | None:
    """How many days finding ``finding_id`` has been open at ``as_of``: ``as_of`` less its
    date in :func:`open_since`, so that a report can say "open for 43 days" (0 for a failure
    first found that day). ``None`` when it is not outstanding in the latest run of
    ``system`` at or before ``as_of``, or there is no such run."""
    _checked_dates(as_of=as_of)
    with _connected(url, create=False) as connection:
        since = _open_since(connection, system, as_of, finding_id).get(finding_id)
    return None if since is None else (as_of - since).days


def _open_since(
    connection: sa.Connection, system: str, as_of: datetime.date, only: str | None
) -> dict[str, datetime.date]:
    """:func:`open_since` (of finding ``only`` alone, when given): walks the runs back from
    ``as_of``, a batch at a time, until every finding open in the latest has a gap. Only the
    runs of the latest run's rule set count: a run of other rules says nothing of these."""
    import sqlalchemy as sa

    runs = _tables().runs
    ordered = (c.desc() for c in _ordered(runs))
    mine = sa.and_(runs.c.system == system, runs.c.as_of <= as_of)
    latest = connection.execute(
        sa.select(runs.c.ruleset_version).where(mine).order_by(*ordered).limit(1)
    ).scalar()
    series = connection.execute(
        sa.select(runs.c.id, runs.c.as_of)
        .where(mine, runs.c.ruleset_version == latest)
        .order_by(*(c.desc() for c in _ordered(runs)))
    ).all()
    since: dict[str, datetime.date] = {}
    alive: set[str] | None = None  # still open in every run walked back so far
    for start in range(0, len(series), _CHUNK):
        batch = series[start : start + _CHUNK]
        open_in = _outstanding(connection, (run_id for run_id, _ in batch), only)
        for run_id, day in batch:
            found = open_in.get(run_id, set())
            alive = found if alive is None else alive & found
            if not alive:
                return since
            since.update(dict.fromkeys(alive, day))
    return since


# --- the timeline ----------------------------------------------------------------------------

_COLUMNS: Final = (
    "id",
    "system",
    "edition",
    "as_of",
    "run_at",
    *_SEVERITIES,
    "failures",
    "new",
    "resolved",
    "conforming",
    "clauses",
    "previous",
    "library_version",
    "ruleset_version",
    "input_digest",
    "source",
)


def timeline(
    url: str,
    *,
    system: str | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> Any:
    """The runs of :func:`runs` as a pandas DataFrame, one row per run: id, system, edition,
    as_of and run_at (UTC) as timestamps, the failures by severity (``major``, ``minor``,
    ``observation``) and their total (``failures``), ``new`` and ``resolved`` (empty for a
    system's first run), ``conforming`` clauses of ``clauses`` with a verdict, the previous
    run's id, the versions, the input digest and the source. Needs pandas
    (``sms-model[pandas]``).

    >>> import pytest; _ = pytest.importorskip("sqlalchemy"); _ = pytest.importorskip("pandas")
    >>> import tempfile
    >>> from datetime import date
    >>> import sms_model
    >>> folder = tempfile.TemporaryDirectory()
    >>> url = f"sqlite:///{folder.name}/history.db"
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> for day in (date(2026, 6, 1), date(2026, 11, 27)):
    ...     _ = record(sms_model.assess(sms, as_of=day), url)
    >>> frame = timeline(url)
    >>> print(frame[["as_of", "major", "minor"]].to_string(index=False))
         as_of  major  minor
    2026-06-01      9     34
    2026-11-27      2      8
    >>> frame["new"].isna().tolist()  # nothing to compare the first run with
    [True, False]
    >>> folder.cleanup()
    """
    try:
        pandas = importlib.import_module("pandas")
    except ImportError:
        raise MissingExtraError(
            "timeline needs the optional package 'pandas': install sms-model[pandas]",
            name="pandas",
        ) from None
    found = runs(url, system=system, since=since, until=until)
    records = [_row(run) for run in found]
    frame = pandas.DataFrame.from_records(records, columns=list(_COLUMNS))
    frame["as_of"] = pandas.to_datetime(frame["as_of"])
    frame["run_at"] = pandas.to_datetime(frame["run_at"], utc=True)
    counts = [*_SEVERITIES, "failures", "conforming", "clauses", "id"]
    frame[counts] = frame[counts].astype("int64")
    for column in ("new", "resolved", "previous"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _row(run: Run) -> dict[str, Any]:
    return {
        "id": run.id,
        "system": run.system,
        "edition": run.edition,
        "as_of": run.as_of.isoformat(),
        "run_at": run.run_at,
        **dict(run.failures),
        "failures": sum(run.failures.values()),
        "new": run.new,
        "resolved": run.resolved,
        "conforming": run.clauses.get("conforming", 0),
        "clauses": sum(run.clauses.values()),
        "previous": run.previous,
        "library_version": run.library_version,
        "ruleset_version": run.ruleset_version,
        "input_digest": run.input_digest,
        "source": run.source,
    }


def render_timeline(runs: Sequence[Run], format: str = "text") -> str:
    """The runs as a report in ``format`` (one of :data:`TIMELINE_FORMATS`): a table of one
    row per run with its as-of date, system, failures by severity, new and resolved since the
    run before, conforming clauses and when it was recorded. Every value is escaped for its
    medium (a terminal, Markdown, HTML); JSON holds the runs' records
    (:meth:`Run.to_record`) as they are.

    >>> from datetime import date, datetime, UTC
    >>> run = Run(id=1, system="Acme | <b>", edition="2011", as_of=date(2026, 11, 27),
    ...           run_at=datetime(2026, 11, 27, 6, 0, tzinfo=UTC), library_version="1.0",
    ...           ruleset_version="1", input_digest="ab12", source=None,
    ...           failures={"major": 2, "minor": 8, "observation": 1},
    ...           clauses={"conforming": 40, "minor": 2, "major": 1}, previous=None,
    ...           new=None, resolved=None)
    >>> print(render_timeline([run]))
    As of       System      Major  Minor  Obs.  New  Resolved  Conforming  Run at (UTC)
    2026-11-27  Acme | <b>      2      8     1    -         -       40/43  2026-11-27 06:00:00
    >>> print(render_timeline([run], "markdown").splitlines()[4])
    | 2026-11-27 | Acme \\| \\<b\\> | 2011 | 2 | 8 | 1 | - | - | 40/43 | 2026-11-27 06\\:00\\:00 |
    """
    renderers: dict[str, Callable[[Sequence[Run]], str]] = {
        "text": _render_text,
        "json": _render_json,
        "markdown": _render_markdown,
        "html": _render_html,
    }
    renderer = renderers.get(format) if isinstance(format, str) else None
    if renderer is None:
        known = ", ".join(TIMELINE_FORMATS)
        raise ArgumentError(f"render_timeline: unknown format {format!r} (known: {known})")
    listed = list(runs)
    for item in listed:
        if not isinstance(item, Run):
            raise ArgumentError(f"render_timeline: expected Run records, not {type(item).__name__}")
    return renderer(listed)


def _cells(run: Run) -> dict[str, str]:
    """The values of a run's row, as text not yet escaped."""

    def count(value: int | None) -> str:
        return "-" if value is None else str(value)

    return {
        "as_of": run.as_of.isoformat(),
        "system": run.system,
        "edition": run.edition,
        **{s: str(run.failures.get(s, 0)) for s in _SEVERITIES},
        "new": count(run.new),
        "resolved": count(run.resolved),
        "conforming": f"{run.clauses.get('conforming', 0)}/{sum(run.clauses.values())}",
        "run_at": run.run_at.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "library": run.library_version,
        "ruleset": run.ruleset_version,
    }


def _render_text(runs: Sequence[Run]) -> str:
    from sms_model.report._escape import terminal_text

    if not runs:
        return "No runs recorded.\n"
    heads = {
        "as_of": "As of",
        "system": "System",
        "major": "Major",
        "minor": "Minor",
        "observation": "Obs.",
        "new": "New",
        "resolved": "Resolved",
        "conforming": "Conforming",
        "run_at": "Run at (UTC)",
    }
    left = {"as_of", "system", "run_at"}
    rows = [heads] + [{k: terminal_text(v) for k, v in _cells(r).items()} for r in runs]
    widths = {k: max(len(row[k]) for row in rows) for k in heads}
    lines = []
    for row in rows:
        cells = [row[k].ljust(widths[k]) if k in left else row[k].rjust(widths[k]) for k in heads]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def _render_json(runs: Sequence[Run]) -> str:
    document = {"history_format": HISTORY_FORMAT, "runs": [r.to_record() for r in runs]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


_HEADS: Final = (
    ("as_of", "As of"),
    ("system", "System"),
    ("edition", "Edition"),
    ("major", "Major"),
    ("minor", "Minor"),
    ("observation", "Observation"),
    ("new", "New"),
    ("resolved", "Resolved"),
    ("conforming", "Conforming clauses"),
    ("run_at", "Run at (UTC)"),
)


def _render_markdown(runs: Sequence[Run]) -> str:
    from sms_model.report._escape import markdown_text

    lines = ["# Assessment history", ""]
    if not runs:
        return "\n".join([*lines, "No runs recorded.", ""])
    lines.append("| " + " | ".join(head for _, head in _HEADS) + " |")
    lines.append("|---|---|---|" + "---:|" * (len(_HEADS) - 4) + "---|")
    for run in runs:
        cells = _cells(run)
        lines.append("| " + " | ".join(markdown_text(cells[k]) for k, _ in _HEADS) + " |")
    return "\n".join([*lines, ""])


_STYLE: Final = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2430}"
    "table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #e3e6ea;"
    "text-align:left}td.n{text-align:right}th{background:#f5f6f8}"
)


def _render_html(runs: Sequence[Run]) -> str:
    from sms_model.report._escape import html_text

    numeric = {"major", "minor", "observation", "new", "resolved", "conforming"}
    head = "".join(f"<th>{html_text(text)}</th>" for _, text in _HEADS)
    body = []
    for run in runs:
        cells = _cells(run)
        row = "".join(
            f'<td class="n">{html_text(cells[k])}</td>'
            if k in numeric
            else f"<td>{html_text(cells[k])}</td>"
            for k, _ in _HEADS
        )
        body.append(f"<tr>{row}</tr>")
    table = (
        f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        if runs
        else "<p>No runs recorded.</p>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>Assessment history</title>"
        f"<style>{_STYLE}</style></head>\n<body><h1>Assessment history</h1>\n{table}\n"
        "</body></html>\n"
    )
