"""The evidence pack: one ZIP archive holding what an auditor reads before an audit, offline.

:func:`write_pack` assesses a system (or takes an assessment made already) and writes one
archive holding:

- ``index.html``: the system, the as-of date, the edition, the input digest, the overall
  verdict, the digest mismatches and a table of clauses, each linking to
  ``clauses/<clause>.html``: the clause's verdict and findings, the records and evidence those
  findings cite and the evidence that names the clause (or one of its sub-clauses). Static
  pages: relative links only, no script, nothing fetched from anywhere; every value from the
  system escaped.
- ``reports/assessment.<suffix>``: the assessment in every built-in report format (the second
  format of a suffix, OSCAL after JSON, is ``assessment.oscal.json``). A format whose optional
  package is missing is left out and listed in the manifest as skipped, with the reason.
- ``input/<file name>``: the system file as given, or ``input/system.json`` (the system as
  JSON) for a system built in code.
- ``evidence/<name>``: a copy of each evidence file the system names by a local location (a
  path, relative to the system file's folder, or a ``file:`` URL), named after the evidence's
  id. Other URLs are not fetched.
- ``manifest.json``: every other file of the archive with its SHA-256 and size, the reports
  written and skipped, and per evidence record what was found at its location: its status
  (:class:`EvidenceStatus`), the SHA-256 computed and the digest the system declares.
- ``SHA256SUMS``: the SHA-256 of every other file, ``manifest.json`` included, in the format
  ``sha256sum -c`` reads, so that an auditor can check the unpacked archive with no Python.

A file whose content does not match the digest its evidence record declares is a finding
(:data:`DIGEST_RULE`, a major failure of the control of records: 4.3.3 in 2011, 7.5.3 in 2018),
listed on the index page, on the page of each clause the evidence supports and in the
manifest; ``sms-model pack`` exits 1 for it. :func:`verify_pack` checks an archive against its
manifest.

Safety, since a system file is untrusted:

- Evidence is read only from within the evidence folders (by default the system file's
  folder; ``evidence_roots`` names others), after following symbolic links: a location such
  as ``../../etc/passwd`` or ``/home/me/.ssh/id_rsa`` is recorded as outside them, not copied.
  Only regular files are read (a FIFO or a device is never opened for reading in a way that
  waits). A file larger than ``max_file_size`` (64 MiB by default), or past the total of
  ``max_total_size`` (512 MiB), is hashed and checked but not copied: the archive is built in
  memory and written in one go.
- Every name in the archive is made here, from ids and clause numbers, never taken from a
  path: ASCII letters, digits, ``.``, ``_`` and ``-``, no name a Windows system reserves
  (``CON``, ``NUL``, ...), no two names equal but for case.

Determinism: the same system, files and options give a byte-identical archive (with the same
library and zlib): entries sorted by name, each dated the as-of date at midnight (1980-01-01
for an earlier date, which a ZIP cannot hold), mode ``0o644``, deflated at level 6; nothing
depends on the clock, the folder the files are in or the machine's user.

>>> import tempfile, zipfile
>>> from datetime import date
>>> from pathlib import Path
>>> import sms_model
>>> sms = sms_model.load("examples/minimal.yaml")
>>> with tempfile.TemporaryDirectory() as folder:
...     result = write_pack(sms, Path(folder, "pack.zip"), source="examples/minimal.yaml",
...                         as_of=date(2026, 11, 27))
...     names = zipfile.ZipFile(result.path).namelist()
...     verify_pack(result.path).ok
True
>>> names[:3], "reports/assessment.json" in names
(['SHA256SUMS', 'clauses/4.1.1.html', 'clauses/4.1.2.html'], True)

Length: the archive's parts (evidence checks, pages, manifest, ZIP) are each a few small
functions, kept in one module so that what a pack holds and how it is verified read together.
"""

from __future__ import annotations

import datetime
import enum
import hashlib
import io
import json
import os
import pathlib
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit
from urllib.request import url2pathname

import attrs

from sms_model.errors import ArgumentError, FileFormatError, Issue

if TYPE_CHECKING:
    from sms_model.model import Evidence, ServiceManagementSystem
    from sms_model.rules import Assessment, ClauseVerdict, Config, Finding, Waiver

__all__ = [
    "DIGEST_RULE",
    "MAX_FILE_SIZE",
    "MAX_TOTAL_SIZE",
    "PACK_FORMAT",
    "EvidenceCheck",
    "EvidenceStatus",
    "PackResult",
    "PackVerification",
    "PackedFile",
    "safe_name",
    "verify_pack",
    "write_pack",
]

#: The version of the manifest's layout.
PACK_FORMAT: Final = 1
#: The rule id of the finding a digest mismatch makes (it is no rule of the registry).
DIGEST_RULE: Final = "PACK-evidence-digest"
#: The largest evidence file copied into a pack (larger ones are checked, not copied).
MAX_FILE_SIZE: Final = 64 * 1024 * 1024
#: The most evidence copied into one pack in all (files past it are checked, not copied).
MAX_TOTAL_SIZE: Final = 512 * 1024 * 1024

_MANIFEST: Final = "manifest.json"
_SUMS: Final = "SHA256SUMS"
_RECORDS_CLAUSE: Final = {"2011": "4.3.3", "2018": "7.5.3"}  # control of records
_CHUNK: Final = 1024 * 1024
_LEVEL: Final = 6
_STATUS_COUNTS: Final = ("fail", "waived", "pass", "error", "not_applicable")
_STATUS_HEADS: Final = ("Failed", "Waived", "Passed", "Errors", "Not applicable")


class EvidenceStatus(enum.Enum):
    """What was found at an evidence record's location."""

    MATCH = "match"  # the file's digest is the one declared
    MISMATCH = "mismatch"  # it is not: a finding
    NO_DIGEST = "no digest declared"
    UNSUPPORTED = "unsupported algorithm"  # the declared digest names no algorithm we know
    NOT_REACHABLE = "not reachable"  # a local location with no regular file to read
    OUTSIDE = "outside the evidence folders"  # a local file that is not read (see the module)
    NOT_LOCAL = "not local"  # a URL of another kind: not fetched
    NO_LOCATION = "no location"


@attrs.frozen(kw_only=True)
class PackedFile:
    """A file of the archive: its name, SHA-256 (hexadecimal) and size in bytes."""

    name: str
    sha256: str
    size: int


@attrs.frozen(kw_only=True)
class EvidenceCheck:
    """What the pack found for one evidence record: ``local`` (its location names a file on
    this machine), ``reachable`` (that file was read), the SHA-256 computed, the digest
    declared, the ``status``, the archive name of the copy (``None`` when not copied) and,
    when something was not done, the ``reason``."""

    id: str
    location: str | None
    clauses: tuple[str, ...]
    status: EvidenceStatus
    local: bool = False
    reachable: bool = False
    sha256: str | None = None
    size: int | None = None
    declared: str | None = None
    copy: str | None = None
    reason: str = ""

    def to_record(self) -> dict[str, Any]:
        """Plain data for the manifest."""
        return {
            "id": self.id,
            "location": self.location,
            "clauses": list(self.clauses),
            "local": self.local,
            "reachable": self.reachable,
            "sha256": self.sha256,
            "size": self.size,
            "declared": self.declared,
            "status": self.status.value,
            "copy": self.copy,
            "reason": self.reason,
        }


@attrs.frozen(kw_only=True, eq=False)
class PackResult:
    """What :func:`write_pack` wrote: the archive's ``path``, SHA-256 and size, the
    ``assessment``, the ``files`` of the archive (all but ``manifest.json`` and
    ``SHA256SUMS``), the ``evidence`` checks, the report ``formats`` written (format to archive
    name) and ``skipped`` (format to reason), and the ``findings`` of the pack itself (digest
    mismatches, as :class:`~sms_model.rules.Finding`)."""

    path: pathlib.Path
    sha256: str
    size: int
    assessment: Assessment
    files: tuple[PackedFile, ...]
    evidence: tuple[EvidenceCheck, ...]
    findings: tuple[Finding, ...]
    formats: Mapping[str, str]
    skipped: Mapping[str, str]

    @property
    def mismatched(self) -> tuple[EvidenceCheck, ...]:
        """The evidence whose file does not match its declared digest."""
        return tuple(e for e in self.evidence if e.status is EvidenceStatus.MISMATCH)

    def summary(self) -> str:
        """One paragraph: what the pack holds and what its checks found."""
        statuses = Counter(e.status for e in self.evidence)
        copied = sum(1 for e in self.evidence if e.copy is not None)
        unreachable = statuses[EvidenceStatus.NOT_REACHABLE] + statuses[EvidenceStatus.OUTSIDE]
        failures = self.assessment.failure_counts
        reports = ", ".join(self.formats) or "none"
        skipped = "".join(f"; {name} skipped ({why})" for name, why in self.skipped.items())
        return (
            f"{self.path.name}: {len(self.files) + 2} files, {self.size} bytes; the assessment "
            f"as of {self.assessment.as_of.isoformat()} against ISO/IEC 20000-1:"
            f"{self.assessment.edition} ({failures['major']} major, {failures['minor']} minor "
            f"outstanding); {len(self.evidence)} evidence records: {copied} copied, "
            f"{len(self.mismatched)} mismatched, {unreachable} not reachable, "
            f"{statuses[EvidenceStatus.NOT_LOCAL]} not local, "
            f"{statuses[EvidenceStatus.NO_LOCATION]} without a location; reports: "
            f"{reports}{skipped}."
        )


@attrs.frozen(kw_only=True)
class PackVerification:
    """What :func:`verify_pack` found: ``checked`` files, the ``problems`` (none when the
    archive is as its manifest says) and the evidence the manifest records as ``mismatched``
    (a finding of the pack, not a problem of the archive)."""

    path: pathlib.Path
    checked: int
    problems: tuple[str, ...]
    mismatched: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when every file is present, listed and has the digest and size listed."""
        return not self.problems


# --- names -----------------------------------------------------------------------------------

_UNSAFE_RUN: Final = re.compile(r"[^A-Za-z0-9._-]+")
_SUFFIX: Final = re.compile(r"\.[A-Za-z0-9]{1,10}")
_RESERVED: Final = frozenset(
    ["con", "prn", "aux", "nul", "conin$", "conout$"]
    + [f"{stem}{n}" for stem in ("com", "lpt") for n in "0123456789"]
)
_NAME_LENGTH: Final = 80


def safe_name(text: str, taken: set[str] | None = None, suffix: str = "") -> str:
    """``text`` as one safe name of a file in a pack, followed by ``suffix`` (a safe one,
    such as ``.pdf``): ASCII letters, digits, ``.``, ``_`` and ``-`` (each run of anything
    else becomes ``_``), no leading dot, at most 80 characters, never a name Windows reserves.
    With ``taken`` (the lower-case names already used, which the name is added to), ``-2``,
    ``-3``, ... is put before the suffix of a name that equals one of them but for case.

    >>> safe_name("../../etc/passwd"), safe_name("CON", suffix=".pdf"), safe_name("ev\\x1b[2J")
    ('etc_passwd', '_CON.pdf', 'ev_2J')
    >>> taken = set()
    >>> [safe_name(text, taken, ".pdf") for text in ("Ev-1", "ev/1", "ev:1", "EV_1")]
    ['Ev-1.pdf', 'ev_1.pdf', 'ev_1-2.pdf', 'EV_1-3.pdf']
    """
    name = _UNSAFE_RUN.sub("_", text).strip("._")[:_NAME_LENGTH].rstrip("._") or "item"
    if name.split(".")[0].lower() in _RESERVED:
        name = "_" + name
    found, n = name + suffix, 1
    if taken is None:
        return found
    while found.lower() in taken:
        n += 1
        found = f"{name}-{n}{suffix}"
    taken.add(found.lower())
    return found


def _name_problem(name: str) -> str | None:
    """Why ``name`` is not a safe member name of a pack, or ``None``."""
    parts = name.split("/")
    if any(not p or p in (".", "..") or _UNSAFE_RUN.search(p) for p in parts):
        return f"{name!r} is not a safe name (a relative path of letters, digits, . _ -)"
    if any(p.split(".")[0].lower() in _RESERVED for p in parts):
        return f"{name!r} is a name Windows reserves"
    return None


# --- evidence --------------------------------------------------------------------------------


@attrs.define
class _Budget:
    """How much evidence may still be copied: per file and in all."""

    file: int
    total: int


def _algorithm(declared: str | None) -> tuple[str | None, str | None]:
    """The hashlib algorithm a declared digest names (``sha256:<hex>``, ``SHA-256:<hex>``),
    and its hexadecimal value; ``(None, None)`` when it names none hashlib always has."""
    if declared is None or ":" not in declared:
        return None, None
    algorithm, _, value = declared.partition(":")
    name = algorithm.strip().lower().replace("-", "_")
    known = hashlib.algorithms_guaranteed - {"shake_128", "shake_256"}
    if name not in known:
        name = name.replace("_", "")
    return (name, value.strip().lower()) if name in known else (None, None)


def _local_path(location: str, base: pathlib.Path) -> pathlib.Path | None:
    """The file a location names on this machine, or ``None`` for a URL of another kind."""
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None
        path = pathlib.Path(url2pathname(parts.path))
    elif len(scheme) > 1:  # one letter is a Windows drive
        return None
    else:
        path = pathlib.Path(location)
    return path if path.is_absolute() else base / path


def _within(path: str, roots: Sequence[str]) -> bool:
    for root in roots:
        try:
            if os.path.commonpath([path, root]) == root:
                return True
        except ValueError:  # another drive
            continue
    return False


def _read(path: str, algorithm: str | None, budget: _Budget) -> tuple[dict[str, Any], bytes | None]:
    """The digests and size of the regular file ``path`` and its content when it may be
    copied; :class:`OSError` when it cannot be read or is not a regular file."""
    # The path is resolved already: a link put in its place since is not followed.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    flags |= getattr(os, "O_BINARY", 0)
    descriptor = os.open(path, flags | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    with os.fdopen(descriptor, "rb", buffering=0) as file:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise OSError("not a regular file")
        sha256 = hashlib.sha256()
        other = hashlib.new(algorithm) if algorithm not in (None, "sha256") else None
        kept: list[bytes] = []
        size, room = 0, min(budget.file, budget.total)
        while chunk := file.read(_CHUNK):
            size += len(chunk)
            sha256.update(chunk)
            if other is not None:
                other.update(chunk)
            if size <= room:
                kept.append(chunk)
    found = {"sha256": sha256.hexdigest(), "size": size}
    found["other"] = other.hexdigest() if other is not None else found["sha256"]
    return found, b"".join(kept) if size <= room else None


def _check(
    record: Evidence, base: pathlib.Path, roots: Sequence[str], budget: _Budget
) -> tuple[EvidenceCheck, bytes | None]:
    """The check of one evidence record, and the content to copy (``None`` for none)."""
    check = EvidenceCheck(
        id=record.id,
        location=record.location,
        clauses=record.clauses,
        declared=record.digest,
        status=EvidenceStatus.NO_LOCATION,
    )
    if not record.location:
        return check, None
    path = _local_path(record.location, base)
    if path is None:
        reason = f"{urlsplit(record.location).scheme}: URLs are not fetched"
        return attrs.evolve(check, status=EvidenceStatus.NOT_LOCAL, reason=reason), None
    check = attrs.evolve(check, local=True, status=EvidenceStatus.NOT_REACHABLE)
    try:
        real = os.path.realpath(path)
        if not _within(real, roots):
            return attrs.evolve(check, status=EvidenceStatus.OUTSIDE, reason="not read"), None
        algorithm, value = _algorithm(record.digest)
        found, content = _read(real, algorithm, budget)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return attrs.evolve(check, reason=reason or type(exc).__name__), None
    check = attrs.evolve(
        check,
        reachable=True,
        sha256=found["sha256"],
        size=found["size"],
        status=_compared(record.digest, algorithm, value, found["other"]),
    )
    if content is None:
        limit = "the limit per file" if found["size"] > budget.file else "the pack's limit"
        return attrs.evolve(check, reason=f"not copied: larger than {limit}"), None
    budget.total -= len(content)
    return check, content


def _compared(
    declared: str | None, algorithm: str | None, value: str | None, found: str
) -> EvidenceStatus:
    if declared is None:
        return EvidenceStatus.NO_DIGEST
    if algorithm is None:
        return EvidenceStatus.UNSUPPORTED
    return EvidenceStatus.MATCH if value == found else EvidenceStatus.MISMATCH


def _evidence(
    sms: ServiceManagementSystem, base: pathlib.Path, roots: Sequence[str], budget: _Budget
) -> tuple[list[EvidenceCheck], dict[str, bytes]]:
    """The checks of every evidence record (by id) and the copies, by archive name."""
    checks, copies = [], {}
    taken: set[str] = set()
    for record in sorted(sms.evidence, key=lambda e: e.id):
        check, content = _check(record, base, roots, budget)
        if content is not None:
            suffix = pathlib.Path(record.location or "").suffix
            suffix = suffix.lower() if _SUFFIX.fullmatch(suffix) else ""
            name = f"evidence/{safe_name(record.id, taken, suffix)}"
            check = attrs.evolve(check, copy=name)
            copies[name] = content
        checks.append(check)
    return checks, copies


def _mismatch_finding(check: EvidenceCheck, edition: str) -> Finding:
    from sms_model.rules import Finding, Severity, Status

    found = f"sha256:{check.sha256}"
    return Finding(
        rule=DIGEST_RULE,
        clause=_RECORDS_CLAUSE.get(edition, "4.3.3"),
        status=Status.FAIL,
        severity=Severity.MAJOR,
        message=f"the file of evidence {check.id!r} does not match the digest its record "
        f"declares ({check.declared}): it changed since, or the digest is wrong (the file's "
        f"SHA-256 is {check.sha256})",
        subjects=(check.id,),
        evidence=(check.id,),
        code="digest-mismatch",
        params={"evidence": check.id, "declared": check.declared or "", "found": found},
    )


# --- reports and input -----------------------------------------------------------------------


def _builtin_formats() -> list[str]:
    from sms_model.report._formats import _REPORTS

    return list(_REPORTS.builtin_names())


def _reports(
    assessment: Assessment,
    sms: ServiceManagementSystem,
    formats: Sequence[str],
    input_name: str,
    source: pathlib.Path | None,
) -> tuple[dict[str, bytes], dict[str, str], dict[str, str]]:
    """The reports by archive name, the formats written (to names) and skipped (to reasons)."""
    from sms_model.report import RenderOptions, report_format

    files: dict[str, bytes] = {}
    written: dict[str, str] = {}
    skipped: dict[str, str] = {}
    for name in formats:
        try:
            spec = report_format(name)
        except ValueError as exc:
            raise ArgumentError(str(exc)) from None
        options = RenderOptions(
            source=os.path.join(os.curdir, *input_name.split("/")),
            source_root=os.curdir,
            locate=_locator(source, sms) if "locate" in spec.needs else None,
            graph=_graph(sms) if "graph" in spec.needs else None,
        )
        try:
            text = spec.renderer(assessment, options)
        except ModuleNotFoundError as exc:
            skipped[name] = str(exc)
            continue
        member = f"reports/assessment{spec.suffix}"
        if member.lower() in {m.lower() for m in files}:
            member = f"reports/assessment.{name}{spec.suffix}"
        files[member] = text.encode("utf-8", "backslashreplace")
        written[name] = member
    return files, written, skipped


def _locator(source: pathlib.Path | None, sms: ServiceManagementSystem) -> Any:
    from sms_model.io import locator

    return locator(source, sms) if source is not None else None


def _graph(sms: ServiceManagementSystem) -> Any:
    from sms_model.graph import accountability_graph

    return accountability_graph(sms)


def _input(sms: ServiceManagementSystem, source: pathlib.Path | None) -> tuple[str, bytes]:
    if source is None:
        from sms_model.io import dumps

        return "input/system.json", dumps(sms, "json").encode("utf-8", "backslashreplace")
    try:
        return f"input/{safe_name(source.name)}", source.read_bytes()
    except OSError as exc:
        raise ArgumentError(f"source {source}: cannot read it ({exc.strerror})") from None


# --- pages -----------------------------------------------------------------------------------

_STYLE: Final = (
    "body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1d2430;max-width:1200px}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}"
    "td,th{padding:.25rem .5rem;border-bottom:1px solid #e3e6ea;text-align:left;"
    "vertical-align:top}th{background:#f5f6f8}code{font-size:.85em}"
    ".conforming,.match{color:#17703a}.minor{color:#a15c00}"
    ".major,.mismatch{color:#b3261e;font-weight:600}.not_assessed,.not_applicable{color:#777}"
)


#: What the pages may load and run, for a browser: nothing but their own inline style.
_POLICY: Final = "default-src 'none'; style-src 'unsafe-inline'"


def _e(value: object) -> str:
    from sms_model.report._escape import html_text

    return html_text("" if value is None else str(value))


def _page(title: str, body: Iterable[str]) -> bytes:
    text = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_POLICY}">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )
    return text.encode("utf-8", "backslashreplace")


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], empty: str) -> str:
    """A table of cells already in HTML, or ``empty`` (text) when there is no row."""
    if not rows:
        return f"<p>{_e(empty)}</p>"
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{cells}</tr></thead><tbody>\n{body}\n</tbody></table>"


def _overall(assessment: Assessment) -> str:
    failures = assessment.failure_counts
    return "major" if failures["major"] else "minor" if failures["minor"] else "conforming"


def _marked(css: str, text: str) -> str:
    """``text`` in a span of the class ``css`` (a verdict, severity or status value)."""
    return f'<span class="{_e(css)}">{_e(text.replace("_", " "))}</span>'


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


@attrs.frozen(kw_only=True)
class _Pages:
    """What every page is made from."""

    sms: ServiceManagementSystem
    assessment: Assessment
    checks: Mapping[str, EvidenceCheck]
    findings: tuple[Finding, ...]
    formats: Mapping[str, str]
    skipped: Mapping[str, str]
    input_name: str
    pages: Mapping[str, str]  # clause number to page name
    # Per clause number: the findings of it and its sub-clauses, and the evidence that names
    # it or one of them (worked out once: a page each would cost clauses x findings).
    within: Mapping[str, Sequence[Finding]]
    naming: Mapping[str, Sequence[str]]
    rows: dict[tuple[str, str], list[str]] = attrs.Factory(dict)  # see evidence_row

    def index(self) -> bytes:
        from sms_model.report._text import _summary_line

        a = self.assessment
        statuses = Counter(c.status.value for c in self.checks.values())
        facts = [
            ("As of", _e(a.as_of.isoformat())),
            ("Standard", _e(f"ISO/IEC 20000-1:{a.edition}")),
            ("Input", _link(self.input_name, self.input_name)),
            ("Input digest", f"<code>{_e(a.input_digest)}</code>"),
            ("Verdict", _marked(_overall(a), _overall(a))),
            ("Findings", _e(_summary_line(a))),
            ("Evidence", _e(", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))),
        ]
        rows = [[_e(k), v] for k, v in facts]
        body = [
            f"<h1>{_e(a.system_name)}: evidence pack</h1>",
            _table(("Fact", "Value"), rows, ""),
            "<h2>Evidence integrity</h2>",
            self.findings_table(self.findings, "No evidence file differs from its digest."),
            "<h2>Outstanding failures</h2>",
            self.findings_table(a.failures, "None: no unwaived failure, no rule error."),
            "<h2>Clauses</h2>",
            _table(
                ("Clause", "Title", "Verdict", *_STATUS_HEADS, "Digest mismatches"),
                [self.clause_row(v) for v in a.verdicts],
                "No clause.",
            ),
            "<h2>Reports</h2>",
            self.report_list(),
            "<h2>Evidence</h2>",
            self.evidence_table(sorted(self.checks), ""),
            f"<p>Every file and its SHA-256: {_link(_MANIFEST, _MANIFEST)}, "
            f"{_link(_SUMS, _SUMS)}.</p>",
        ]
        return _page(f"{a.system_name}: evidence pack", body)

    def clause_row(self, verdict: ClauseVerdict) -> list[str]:
        href = self.pages[verdict.clause]
        mismatches = len(self.pack_findings(verdict.clause))
        return [
            _link(href, verdict.clause),
            _e(verdict.title),
            _marked(verdict.verdict.value, verdict.verdict.value),
            *(_e(verdict.counts.get(s, 0)) for s in _STATUS_COUNTS),
            _marked("mismatch", str(mismatches)) if mismatches else "0",
        ]

    def report_list(self) -> str:
        items = [f"<li>{_e(f)}: {_link(n, n)}</li>" for f, n in self.formats.items()]
        items += [f"<li>{_e(f)}: skipped ({_e(why)})</li>" for f, why in self.skipped.items()]
        return "<ul>" + "".join(items) + "</ul>"

    def pack_findings(self, clause: str) -> list[Finding]:
        from sms_model.catalog import is_within

        def supports(finding: Finding) -> bool:
            named = self.checks[finding.subjects[0]].clauses if finding.subjects else ()
            return any(is_within(c, clause) for c in (finding.clause, *named))

        return [f for f in self.findings if supports(f)]

    def findings_table(self, findings: Sequence[Finding], empty: str) -> str:
        rows = [
            [
                _e(f.rule),
                _e(f.clause),
                _marked(f.severity.value, f.severity.value),
                _e(f.status.value),
                _e(f.message),
                _e(", ".join(f.subjects)),
                _e(", ".join(f.evidence)),
            ]
            for f in findings
        ]
        head = ("Rule", "Clause", "Severity", "Status", "Message", "Subjects", "Evidence")
        return _table(head, rows, empty)

    def evidence_table(self, ids: Sequence[str], up: str) -> str:
        head = ("Id", "Kind", "Date", "Title", "Location", "Digest status", "File")
        return _table(head, [self.evidence_row(entity_id, up) for entity_id in ids], "None.")

    def evidence_row(self, entity_id: str, up: str) -> list[str]:
        """The cells of a record's row (made once: a record is on the page of each clause
        its findings and its ``clauses`` reach, and of their parents)."""
        found = self.rows.get((entity_id, up))
        if found is not None:
            return found
        kind, day, title = _described(self.sms, entity_id)
        check = self.checks.get(entity_id)
        location = status = copy = ""
        if check is not None:
            location, status = _e(check.location), self.status_cell(check)
            copy = _link(up + check.copy, "copy") if check.copy else ""
        row = [_e(entity_id), _e(kind), _e(day), _e(title), location, status, copy]
        self.rows[(entity_id, up)] = row
        return row

    @staticmethod
    def status_cell(check: EvidenceCheck) -> str:
        reason = f" ({_e(check.reason)})" if check.reason else ""
        if check.status in (EvidenceStatus.MATCH, EvidenceStatus.MISMATCH):
            return _marked(check.status.value, check.status.value) + reason
        return _e(check.status.value) + reason

    def clause_page(self, verdict: ClauseVerdict) -> bytes:
        from sms_model.catalog import clause as catalog_clause

        number = verdict.clause
        summary = catalog_clause(number, self.assessment.edition).summary or ""
        findings = self.within.get(number, ())
        cited = sorted({e for f in findings for e in f.evidence})
        naming = sorted(self.naming.get(number, ()))
        body = [
            f"<p>{_link('../index.html', 'Back to the index')}</p>",
            f"<h1>{_e(number)} {_e(verdict.title)}</h1>",
            f"<p>{_e(summary)}</p>",
            f"<p>Verdict: {_marked(verdict.verdict.value, verdict.verdict.value)}</p>",
            "<h2>Findings</h2>",
            self.findings_table(findings, "No finding."),
            "<h2>Evidence integrity</h2>",
            self.findings_table(self.pack_findings(number), "No digest mismatch."),
            "<h2>Records and evidence the findings cite</h2>",
            self.evidence_table(cited, "../"),
            "<h2>Evidence for this clause</h2>",
            self.evidence_table(naming, "../"),
        ]
        return _page(f"{number} {verdict.title}: {self.assessment.system_name}", body)


_TITLES: Final = ("title", "name", "topic", "statement", "summary", "description")


def _described(sms: ServiceManagementSystem, entity_id: str) -> tuple[str, str, str]:
    """The kind, date and title of an entity, for the tables of cited records."""
    from sms_model.model import Evidence, happened_fields

    entity = sms.find(entity_id)
    if entity is None:
        return "not in the system", "", ""
    kind = sms.kind_of(entity_id) or type(entity).__name__
    if isinstance(entity, Evidence):
        kind = f"evidence: {entity.kind}"
    dates = (getattr(entity, name) for name in happened_fields(type(entity)))
    day = next((d.isoformat() for d in dates if d is not None), "")
    titles = (getattr(entity, name, None) for name in _TITLES)
    title = next((t for t in titles if isinstance(t, str) and t), "")
    return kind, day, title


def _ancestors(number: str) -> Iterator[str]:
    """The clause ``number`` and the clauses it is part of: ``4.5.1``, ``4.5``, ``4``."""
    parts = number.split(".")
    for end in range(len(parts), 0, -1):
        yield ".".join(parts[:end])


def _by_clause(
    assessment: Assessment, checks: Iterable[EvidenceCheck]
) -> tuple[dict[str, list[Finding]], dict[str, set[str]]]:
    """Per clause: the findings within it (in report order) and the evidence naming it or a
    sub-clause."""
    within: dict[str, list[Finding]] = {}
    for finding in assessment.findings:
        for number in _ancestors(finding.clause):
            within.setdefault(number, []).append(finding)
    naming: dict[str, set[str]] = {}
    for check in checks:
        for named in check.clauses:
            for number in _ancestors(named):
                naming.setdefault(number, set()).add(check.id)
    return within, naming


def _html(pages: _Pages) -> dict[str, bytes]:
    files = {"index.html": pages.index()}
    for verdict in pages.assessment.verdicts:
        files[pages.pages[verdict.clause]] = pages.clause_page(verdict)
    return files


def _clause_pages(assessment: Assessment) -> dict[str, str]:
    taken: set[str] = set()
    return {v.clause: f"clauses/{safe_name(v.clause, taken, '.html')}" for v in assessment.verdicts}


# --- the archive -----------------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _manifest(
    files: Mapping[str, bytes],
    assessment: Assessment,
    checks: Sequence[EvidenceCheck],
    findings: Sequence[Finding],
    extra: Mapping[str, Any],
) -> bytes:
    from sms_model import __version__

    document = {
        "pack_format": PACK_FORMAT,
        "generator": f"sms-model {__version__}",
        "system": assessment.system_name,
        "as_of": assessment.as_of.isoformat(),
        "edition": assessment.edition,
        "input_digest": assessment.input_digest,
        "verdict": _overall(assessment),
        "files": [
            {"name": name, "sha256": _sha256(data), "size": len(data)}
            for name, data in sorted(files.items())
        ],
        "evidence": [check.to_record() for check in checks],
        "findings": [finding.to_record() for finding in findings],
        **extra,
    }
    return _json_lines(document, ("evidence", "files", "findings")).encode(
        "utf-8", "backslashreplace"
    )


def _json_lines(document: Mapping[str, Any], lists: Sequence[str]) -> str:
    """``document`` as JSON with sorted keys, indented, except that each item of the
    ``lists`` takes one line: readable, diffable, and fast to write (as the JSON report)."""
    head = {key: value for key, value in document.items() if key not in lists}
    text = json.dumps(head, indent=2, sort_keys=True, ensure_ascii=False)[:-2]
    for key in lists:
        items = ",\n    ".join(
            json.dumps(item, sort_keys=True, ensure_ascii=False) for item in document[key]
        )
        body = f"[\n    {items}\n  ]" if items else "[]"
        text += f",\n  {json.dumps(key)}: {body}"
    return text + "\n}\n"


def _zipped(files: Mapping[str, bytes], as_of: datetime.date) -> bytes:
    """The archive of ``files``, deterministic (see the module's description)."""
    day = as_of if as_of.year >= 1980 else datetime.date(1980, 1, 1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            problem = _name_problem(name)
            if problem is not None:  # pragma: no cover - every name is made by safe_name
                raise AssertionError(problem)
            info = zipfile.ZipInfo(name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            info.create_system = 3  # Unix, whatever system writes it: the mode below is Unix's
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name], compresslevel=_LEVEL)
    return buffer.getvalue()


def _target_problem(target: pathlib.Path, read: Iterable[str]) -> str | None:
    """Why the archive may not be written at ``target``: it would replace a file read."""
    if not target.exists():
        return None
    real = os.path.realpath(target)
    for path in read:
        if os.path.realpath(path) == real:
            return f"{target} is a file the pack reads ({path}); choose another name"
    return None


def _assessed(
    sms: ServiceManagementSystem,
    assessment: Assessment | None,
    options: Mapping[str, Any],
) -> Assessment:
    from sms_model.rules import assess, input_digest

    if assessment is None:
        return assess(sms, **options)
    given = sorted(name for name, value in options.items() if value not in (None, ()))
    if given:
        raise ArgumentError(f"pass either assessment or {', '.join(given)}, not both")
    if assessment.input_digest != input_digest(sms):
        raise ArgumentError("the assessment is not of this system (its input digest differs)")
    return assessment


def write_pack(
    sms: ServiceManagementSystem,
    target: str | os.PathLike[str],
    *,
    source: str | os.PathLike[str] | None = None,
    as_of: datetime.date | None = None,
    edition: str | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    assessment: Assessment | None = None,
    formats: Sequence[str] | None = None,
    evidence_roots: Sequence[str | os.PathLike[str]] | None = None,
    max_file_size: int = MAX_FILE_SIZE,
    max_total_size: int = MAX_TOTAL_SIZE,
) -> PackResult:
    """Assess ``sms`` and write its evidence pack to ``target`` (see the module's
    description), atomically; returns what was written.

    ``source`` is the file ``sms`` was loaded from: it is packed as it is, relative evidence
    locations are relative to its folder, and SARIF locations point into it (without it, the
    system is packed as JSON and relative locations are relative to the current folder).
    ``as_of``, ``edition``, ``config`` and ``waivers`` are those of
    :func:`~sms_model.rules.assess`; or pass the ``assessment`` of ``sms`` made already.
    ``formats`` are the report formats to include (default: every built-in one).
    ``evidence_roots`` are the folders evidence may be read from (default: the folder of
    ``source``, else the current folder). A ``target`` that is the source or an evidence file
    is refused (:class:`~sms_model.errors.ArgumentError`).

    >>> import tempfile
    >>> from datetime import date
    >>> from pathlib import Path
    >>> import sms_model
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = write_pack(sms, Path(folder, "pack.zip"), as_of=date(2026, 11, 27),
    ...                         formats=["json"])
    >>> [f.name for f in result.files][:2], result.formats, result.findings
    (['clauses/4.1.1.html', 'clauses/4.1.2.html'], {'json': 'reports/assessment.json'}, ())
    """
    for name, size in (("max_file_size", max_file_size), ("max_total_size", max_total_size)):
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise ArgumentError(f"{name} must be a number of bytes (0 or more), not {size!r}")
    src = pathlib.Path(source) if source is not None else None
    if src is not None and not src.is_file():
        raise ArgumentError(f"source {src} is not a file")
    base = src.resolve().parent if src is not None else pathlib.Path.cwd()
    roots = [os.path.realpath(r) for r in (evidence_roots or [base])]
    options = {"as_of": as_of, "edition": edition, "config": config, "waivers": tuple(waivers)}
    result = _assessed(sms, assessment, options)
    budget = _Budget(file=max_file_size, total=max_total_size)
    checks, files = _evidence(sms, base, roots, budget)
    findings = tuple(_mismatch_finding(c, result.edition) for c in checks if _mismatched(c))
    input_name, data = _input(sms, src)
    files[input_name] = data
    wanted = list(formats) if formats is not None else _builtin_formats()
    reports, written, skipped = _reports(result, sms, wanted, input_name, src)
    files.update(reports)
    within, naming = _by_clause(result, checks)
    pages = _Pages(
        sms=sms,
        assessment=result,
        checks={c.id: c for c in checks},
        findings=findings,
        formats=written,
        skipped=skipped,
        input_name=input_name,
        pages=_clause_pages(result),
        within=within,
        naming={number: sorted(ids) for number, ids in naming.items()},
    )
    files.update(_html(pages))
    listed = tuple(
        PackedFile(name=n, sha256=_sha256(d), size=len(d)) for n, d in sorted(files.items())
    )
    extra = {
        "input": input_name,
        "reports": written,
        "skipped": [{"format": f, "reason": why} for f, why in skipped.items()],
        "limits": {"file": max_file_size, "total": max_total_size},
    }
    files[_MANIFEST] = _manifest(files, result, checks, findings, extra)
    files[_SUMS] = "".join(f"{_sha256(d)}  {n}\n" for n, d in sorted(files.items())).encode()
    archive = _zipped(files, result.as_of)
    path = _written(
        pathlib.Path(target), archive, [*([str(src)] if src else []), *_read_paths(checks, base)]
    )
    return PackResult(
        path=path,
        sha256=_sha256(archive),
        size=len(archive),
        assessment=result,
        files=listed,
        evidence=tuple(checks),
        findings=findings,
        formats=written,
        skipped=skipped,
    )


def _mismatched(check: EvidenceCheck) -> bool:
    return check.status is EvidenceStatus.MISMATCH


def _read_paths(checks: Iterable[EvidenceCheck], base: pathlib.Path) -> Iterator[str]:
    for check in checks:
        if check.reachable and check.location:
            path = _local_path(check.location, base)
            if path is not None:
                yield str(path)


def _written(target: pathlib.Path, archive: bytes, read: Sequence[str]) -> pathlib.Path:
    from sms_model.io import write_atomically

    problem = _target_problem(target, read)
    if problem is not None:
        raise ArgumentError(problem)
    return write_atomically(target, archive)


# --- verification ----------------------------------------------------------------------------


def _unreadable(path: pathlib.Path, what: str) -> FileFormatError:
    issue = Issue(what=what, code="syntax")
    return FileFormatError([issue], source=str(path), subject="the evidence pack")


def _read_manifest(archive: zipfile.ZipFile, path: pathlib.Path) -> dict[str, Any]:
    try:
        info = archive.getinfo(_MANIFEST)
    except KeyError:
        raise _unreadable(path, f"the archive holds no {_MANIFEST}") from None
    if info.file_size > MAX_FILE_SIZE:
        raise _unreadable(path, f"{_MANIFEST} is too large to be one")
    try:
        document = json.loads(archive.read(info))
    except (ValueError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, f"{_MANIFEST} is not JSON ({exc})") from None
    if not isinstance(document, dict) or not isinstance(document.get("files"), list):
        raise _unreadable(path, f"{_MANIFEST} lists no files")
    return document


def _member_digest(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> str | None:
    """The SHA-256 of a member, ``None`` when it holds more than ``limit`` bytes (read no
    further: a member may expand to far more than its compressed size)."""
    digest, size = hashlib.sha256(), 0
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            size += len(chunk)
            if size > limit:
                return None
            digest.update(chunk)
    return digest.hexdigest() if size == limit else None


def _file_problems(archive: zipfile.ZipFile, entries: Sequence[Any]) -> Iterator[str]:
    present = {info.filename: info for info in archive.infolist()}
    listed: set[str] = set()
    for entry in entries:
        ok = isinstance(entry, dict) and isinstance(entry.get("name"), str)
        if not ok or not isinstance(entry.get("size"), int) or entry["size"] < 0:
            yield f"{_MANIFEST}: a files entry is not a name, sha256 and size: {entry!r}"
            continue
        name = entry["name"]
        listed.add(name)
        info = present.get(name)
        if info is None:
            yield f"{name}: listed in {_MANIFEST} but not in the archive"
        elif _member_digest(archive, info, entry["size"]) != entry.get("sha256"):
            yield f"{name}: its SHA-256 or size is not the one {_MANIFEST} lists"
    for name in sorted(set(present) - listed - {_MANIFEST, _SUMS}):
        yield f"{name}: in the archive but not listed in {_MANIFEST}"


def _name_problems(archive: zipfile.ZipFile) -> Iterator[str]:
    names = archive.namelist()
    folded = Counter(name.lower() for name in names)
    for name in names:
        problem = _name_problem(name)
        if problem is not None:
            yield problem
        elif folded[name.lower()] > 1:
            yield f"{name!r} is in the archive more than once (ignoring case)"


def verify_pack(path: str | os.PathLike[str]) -> PackVerification:
    """Check an evidence pack against its manifest: every file listed is there with the
    SHA-256 and size listed, every file there is listed, and every name is safe. An archive
    that is not a ZIP, or holds no readable manifest, raises
    :class:`~sms_model.errors.FileFormatError`.

    >>> import io, tempfile, zipfile
    >>> from datetime import date
    >>> from pathlib import Path
    >>> import sms_model
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     pack = write_pack(sms, Path(folder, "pack.zip"), as_of=date(2026, 11, 27),
    ...                       formats=["json"]).path
    ...     with zipfile.ZipFile(pack, "a") as archive:
    ...         archive.writestr("extra.html", "<p>added</p>")
    ...     checked = verify_pack(pack)
    >>> checked.ok, checked.problems
    (False, ('extra.html: in the archive but not listed in manifest.json',))
    """
    found = pathlib.Path(path)
    try:
        with zipfile.ZipFile(found) as archive:
            document = _read_manifest(archive, found)
            problems = [*_name_problems(archive), *_file_problems(archive, document["files"])]
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise _unreadable(found, f"not a ZIP archive ({exc})") from None
    except OSError as exc:
        raise _unreadable(found, f"cannot read it ({exc.strerror or exc})") from None
    listed = document.get("evidence")
    evidence: list[Any] = listed if isinstance(listed, list) else []
    mismatched = tuple(
        str(e.get("id"))
        for e in evidence
        if isinstance(e, dict) and e.get("status") == EvidenceStatus.MISMATCH.value
    )
    return PackVerification(
        path=found,
        checked=len(document["files"]),
        problems=tuple(problems),
        mismatched=mismatched,
    )
