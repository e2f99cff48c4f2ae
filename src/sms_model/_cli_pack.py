"""The evidence pack on the command line (see :mod:`sms_model.pack`):

- ``sms-model pack FILE -o PACK.zip [--as-of DATE] [--edition E] [--config F] [--waivers F]
  [--fail-on S] [--evidence-root DIR ...]`` assesses the system and writes its evidence pack,
  then prints a one-paragraph summary of it;
- ``sms-model pack --verify PACK.zip`` checks an archive against its manifest and prints what
  differs.

Exit codes are the command's: 0; 1 when an unwaived failure reaches ``--fail-on`` or an
evidence file does not match its declared digest (whatever ``--fail-on`` says: the pack's own
check), or when ``--verify`` finds the archive is not as its manifest says; 2 for bad usage or
input, with a one-line reason.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sms_model._cli_options import add_as_of, add_edition, add_fail_on, add_settings

__all__ = ["add_pack_command", "pack_command"]


def add_pack_command(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``sms-model pack`` to the command's subparsers (the result of
    ``parser.add_subparsers()``); its handler is :func:`pack_command`."""

    p: argparse.ArgumentParser = subparsers.add_parser(
        "pack",
        help="write an evidence pack for an auditor: one ZIP with pages, reports, the input, "
        "evidence files and a manifest of digests",
        description="Assess FILE and write its evidence pack to --output, or check a pack "
        "with --verify. Exits 1 when a failure reaches --fail-on or an evidence file does not "
        "match its declared digest (or, with --verify, when the pack is not as its manifest "
        "says), 2 on a usage error or invalid input.",
    )
    p.add_argument("file", nargs="?", help="the SMS file (YAML or JSON)")
    p.add_argument("--output", "-o", metavar="PACK.zip", help="the archive to write")
    add_as_of(p)
    add_edition(p)
    add_settings(p)
    add_fail_on(p, "an unwaived failure (a digest mismatch always does)")
    p.add_argument(
        "--evidence-root",
        action="append",
        metavar="DIR",
        help="a folder evidence files may be copied from (repeat for more; default: the "
        "folder of FILE); files elsewhere are not read",
    )
    p.add_argument(
        "--verify",
        metavar="PACK.zip",
        help="check this pack against its manifest instead of writing one",
    )
    return p


def pack_command(args: argparse.Namespace) -> int:
    """Run ``sms-model pack``: write the pack (or verify one); returns the exit code."""
    if args.verify is not None:
        return _verify(args)
    return _pack(args)


def _verify(args: argparse.Namespace) -> int:
    from sms_model.cli import EXIT_FINDINGS, EXIT_OK, _UsageError
    from sms_model.pack import verify_pack
    from sms_model.report._escape import terminal_text

    if args.file is not None or args.output is not None:
        raise _UsageError("--verify checks a pack; give it no FILE and no --output")
    path = Path(args.verify)
    if not path.is_file():
        raise _UsageError(f"--verify {args.verify}: no such file")
    checked = verify_pack(path)
    name = terminal_text(str(path))
    for problem in checked.problems:
        print(f"{name}: {terminal_text(problem)}")
    mismatched = ", ".join(checked.mismatched)
    note = f"; evidence recorded as mismatched: {terminal_text(mismatched)}" if mismatched else ""
    verdict = "as its manifest says" if checked.ok else f"{len(checked.problems)} problems"
    print(f"{name}: {checked.checked} files checked, {verdict}{note}")
    return EXIT_OK if checked.ok and not checked.mismatched else EXIT_FINDINGS


def _pack(args: argparse.Namespace) -> int:
    from sms_model.cli import (
        EXIT_FINDINGS,
        EXIT_OK,
        _load,
        _parse_date,
        _settings_files,
        _signals_stop,
        _UsageError,
    )
    from sms_model.pack import write_pack
    from sms_model.report._escape import terminal_text
    from sms_model.rules import Severity

    if args.file is None:
        raise _UsageError("pack needs the SMS file (or --verify PACK.zip)")
    target = _checked_output(args)
    sms = _load(args.file)
    config, waivers = _settings_files(args)
    try:
        with _signals_stop():
            result = write_pack(
                sms,
                target,
                source=args.file,
                as_of=_parse_date(args.as_of),
                edition=args.edition,
                config=config,
                waivers=waivers,
                evidence_roots=args.evidence_root,
            )
    except OSError as exc:
        raise _UsageError(f"--output {args.output}: cannot write it ({exc.strerror})") from None
    print(terminal_text(result.summary()))
    failed = args.fail_on != "never" and result.assessment.failed_at(Severity(args.fail_on))
    return EXIT_FINDINGS if failed or result.findings else EXIT_OK


def _checked_output(args: argparse.Namespace) -> Path:
    """The archive to write: required, not a folder, in a folder that exists, and none of the
    files the command reads."""
    from sms_model.cli import _no_empty_paths, _output_target, _UsageError

    if not args.output:
        raise _UsageError("pack needs --output PACK.zip, the archive to write")
    _no_empty_paths(args)
    inputs = [args.file, *(x for x in (args.config, args.waivers) if x)]
    target = _output_target(args.output, inputs)
    for root in args.evidence_root or ():
        if not Path(root).is_dir():
            raise _UsageError(f"--evidence-root {root} is not a folder")
    return target
