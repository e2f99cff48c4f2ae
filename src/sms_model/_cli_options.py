"""The options several ``sms-model`` commands share, each declared once: the as-of date, the
edition, the configuration and waiver files, the rule selection and ``--fail-on``."""

from __future__ import annotations

import argparse
from typing import Final

__all__ = [
    "FAIL_ON",
    "add_as_of",
    "add_edition",
    "add_fail_on",
    "add_selection",
    "add_settings",
]

#: The thresholds of ``--fail-on``: the severities, and ``never``.
FAIL_ON: Final = ("major", "minor", "observation", "never")


def add_as_of(parser: argparse.ArgumentParser, what: str = "assessment date") -> None:
    """``--as-of DATE`` (default: today)."""
    parser.add_argument("--as-of", metavar="DATE", help=f"{what}, YYYY-MM-DD (default: today)")


def add_edition(parser: argparse.ArgumentParser, purpose: str = "to assess against") -> None:
    """``--edition`` of ISO/IEC 20000-1 (default: the one the file declares, else 2011)."""
    from sms_model.catalog import EDITIONS

    parser.add_argument(
        "--edition",
        choices=EDITIONS,
        help=f"the edition of ISO/IEC 20000-1 {purpose} (default: the one the file declares, "
        "else 2011)",
    )


def add_settings(parser: argparse.ArgumentParser, *, waivers: bool = True) -> None:
    """``--config FILE`` and (unless ``waivers`` is false) ``--waivers FILE``."""
    parser.add_argument(
        "--config", metavar="FILE", help="YAML or JSON configuration (cadences, interfaces, ...)"
    )
    if waivers:
        parser.add_argument(
            "--waivers", metavar="FILE", help="YAML or JSON file with a list of waivers"
        )


def add_selection(parser: argparse.ArgumentParser) -> None:
    """``--select SEL ...`` and ``--ignore SEL ...``."""
    parser.add_argument(
        "--select",
        nargs="+",
        metavar="SEL",
        help="rule ids, clause numbers, tags or guidance ids to run",
    )
    parser.add_argument("--ignore", nargs="+", metavar="SEL", help="rules to leave out")


def add_fail_on(parser: argparse.ArgumentParser, failing: str = "an unwaived failure") -> None:
    """``--fail-on`` (default: major): the lowest severity of ``failing`` that exits 1."""
    parser.add_argument(
        "--fail-on",
        choices=FAIL_ON,
        default="major",
        help=f"lowest severity of {failing} that exits 1 (default: major)",
    )
