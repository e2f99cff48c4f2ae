"""The assessment history on the command line (see :mod:`sms_model.history`):

- ``sms-model assess FILE --record [URL]`` also stores the assessment in a history database;
- ``sms-model history [URL] [--system NAME] [--since DATE] [--until DATE] [--format F]`` prints
  the runs recorded: per run, the failures by severity, and what is new and what was resolved
  since the run before of the same system.

The database is the SQLAlchemy URL given; without one, the URL in the environment variable
``SMS_MODEL_HISTORY_URL`` when it is set and not empty; otherwise the SQLite file
``sms-history.db`` beside the assessed file (``assess``) or in the current folder
(``history``). Exit codes are the command's: 0, or 2 with a one-line reason for bad usage and a
database that cannot be used (errors derived from :class:`~sms_model.errors.SMSModelError`).
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sms_model.errors import ArgumentError

if TYPE_CHECKING:
    from sms_model.rules import Assessment

__all__ = [
    "URL_VARIABLE",
    "add_history_command",
    "add_record_option",
    "history_command",
    "record_from_args",
]

#: The environment variable naming the history database when ``--record`` or ``history`` is
#: given no URL.
URL_VARIABLE: Final = "SMS_MODEL_HISTORY_URL"


def add_record_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--record [URL]`` to the parser of ``sms-model assess``."""
    parser.add_argument(
        "--record",
        nargs="?",
        const="",
        default=None,
        metavar="URL",
        help="also store the assessment in a history database: this SQLAlchemy URL, else "
        f"${URL_VARIABLE}, else the SQLite file sms-history.db beside FILE (give --record "
        "after FILE, or as --record=URL)",
    )


def _environment_url() -> str | None:
    return os.environ.get(URL_VARIABLE) or None


def _checked_url(url: str, option: str, hint: str = "") -> str:
    from sms_model.history import _masked

    if "://" not in url:
        raise ArgumentError(
            f"{option} {_masked(url)!r} is not a database URL (such as sqlite:///sms-history.db "
            f"or postgresql+psycopg://user@host/dbname){hint}"
        )
    return url


def _record_url(args: argparse.Namespace, source_path: str | os.PathLike[str]) -> str | None:
    """The database ``--record`` names, ``None`` without ``--record``."""
    from sms_model.history import default_url

    given = getattr(args, "record", None)
    if given is None:
        return None
    if given:
        return _checked_url(given, "--record", _AFTER)
    from_environment = _environment_url()
    if from_environment:
        return _checked_url(from_environment, f"${URL_VARIABLE}")
    return default_url(Path(source_path))


def record_files(args: argparse.Namespace, source_path: str | os.PathLike[str]) -> list[str]:
    """The local file of the database ``--record`` names, if it is one: ``--output`` must not
    overwrite it."""
    from sms_model.history import sqlite_file

    url = _record_url(args, source_path)
    found = sqlite_file(url) if url is not None else None
    return [str(found)] if found is not None else []


_AFTER: Final = "; for the default database, give --record after the file"


def record_from_args(
    args: argparse.Namespace, assessment: Assessment, source_path: str | os.PathLike[str]
) -> None:
    """Store ``assessment`` when ``--record`` was given (nothing otherwise), in the database
    the option names (see the module's description), noting ``source_path`` (the SMS file) as
    its source; says which run it made on stderr."""
    from sms_model.history import _masked, record
    from sms_model.report._escape import terminal_text

    url = _record_url(args, source_path)
    if url is None:
        return
    path = Path(source_path)
    run_id = record(assessment, url, source=str(path.resolve()))
    print(f"recorded run {run_id} in {terminal_text(_masked(url))}", file=sys.stderr)


def add_history_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sms-model history`` to the command's subparsers (the result of
    ``parser.add_subparsers()``); its handler is :func:`history_command`."""
    from sms_model.history import TIMELINE_FORMATS

    h: argparse.ArgumentParser = subparsers.add_parser(
        "history", help="show the assessments recorded with assess --record"
    )
    h.add_argument(
        "url",
        nargs="?",
        metavar="URL",
        help=f"the history database (default: ${URL_VARIABLE}, else sms-history.db here)",
    )
    h.add_argument("--system", metavar="NAME", help="only the runs of this system")
    h.add_argument("--since", metavar="DATE", help="only runs as of this date or later")
    h.add_argument("--until", metavar="DATE", help="only runs as of this date or earlier")
    h.add_argument(
        "--format",
        choices=TIMELINE_FORMATS,
        default="text",
        help="output format (default: %(default)s)",
    )
    h.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to this file instead of stdout (as for assess)",
    )
    return h


def _date(option: str, text: str | None) -> date | None:
    if text is None:
        return None
    from sms_model.io._internal import parse_date

    try:
        return parse_date(text)
    except ValueError:
        raise ArgumentError(f"{option} {text!r} is not a date as YYYY-MM-DD") from None


def history_command(args: argparse.Namespace) -> int:
    """Run ``sms-model history``: print the timeline of the runs recorded; returns 0."""
    from sms_model.cli import EXIT_OK, _write
    from sms_model.history import (
        DEFAULT_FILE_NAME,
        _sqlite_url,
        render_timeline,
        runs,
        sqlite_file,
    )

    since, until = _date("--since", args.since), _date("--until", args.until)
    if since is not None and until is not None and since > until:
        raise ArgumentError(f"--since {args.since} is after --until {args.until}")
    url = args.url or _environment_url() or _sqlite_url(Path(DEFAULT_FILE_NAME))
    found = runs(_checked_url(url, "URL"), system=args.system, since=since, until=until)
    database = sqlite_file(url)
    inputs = [str(database)] if database is not None else []  # never overwritten by --output
    _write(render_timeline(found, args.format), args.output, inputs, console=args.format == "text")
    return EXIT_OK
