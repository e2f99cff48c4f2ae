"""What an assessment gives: findings in report order, a verdict per clause, and the
:class:`Assessment` that holds them (with its summary, JSON report and input digest)."""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Final

import attrs

from sms_model._gc import paused_gc
from sms_model.catalog import Phase, clauses
from sms_model.model import ServiceManagementSystem
from sms_model.model._meta import added_in
from sms_model.rules._findings import Finding, Severity, Status, _clause_key
from sms_model.rules._reads import PARTS

if TYPE_CHECKING:
    from sms_model.rules._context import Facts
    from sms_model.rules._evidence import Ordered
    from sms_model.rules._incremental import Settings
    from sms_model.rules._registry import RuleSpec
    from sms_model.rules._running import RuleRun

__all__ = [
    "Assessment",
    "ClauseVerdict",
    "Findings",
    "Group",
    "State",
    "Verdict",
    "findings_of",
    "input_digest",
]

#: Version of the JSON document written by :meth:`Assessment.to_json`.
REPORT_FORMAT: Final = 2


class Verdict(enum.Enum):
    """The verdict for one clause, over its rules' findings and its sub-clauses':

    - ``major`` or ``minor``: its worst unwaived failure (observations alone do not count);
    - ``not_assessed``: no rule checked it, or a rule could not run and no major failure was
      found (what that rule would have found is unknown, so nothing better can be said);
    - ``not_applicable``: every rule found nothing to check;
    - ``conforming``: otherwise.
    """

    CONFORMING = "conforming"
    MINOR = "minor"
    MAJOR = "major"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"


@attrs.frozen(kw_only=True)
class ClauseVerdict:
    """The verdict for a clause over the findings of its rules and its sub-clauses' rules."""

    clause: str
    title: str
    verdict: Verdict
    counts: Mapping[str, int]  # findings by status

    def to_record(self) -> dict[str, Any]:
        """Plain data for reports."""
        return {
            "clause": self.clause,
            "title": self.title,
            "verdict": self.verdict.value,
            "counts": dict(self.counts),
        }


class Findings(tuple[Finding, ...]):
    """A tuple of findings that also shows itself as a table in notebooks and converts to
    records or a pandas DataFrame."""

    __slots__ = ()

    def to_records(self) -> list[dict[str, Any]]:
        """The findings as plain records."""
        return [f.to_record() for f in self]

    def to_dataframe(self) -> Any:
        """The findings as a pandas DataFrame (needs the ``pandas`` extra)."""
        from sms_model.report import to_dataframe

        return to_dataframe(self)

    def _repr_html_(self) -> str:
        from sms_model.report import findings_html

        return findings_html(self)


def order(finding: Finding) -> tuple[Any, ...]:
    """The order of the findings of one rule (whose clause and rule id are all the same):
    total, so that findings can be inserted into a sorted run one at a time."""
    return (
        finding.subjects,
        finding.status._value_,
        finding.key,
        finding.code,
        finding.template or finding._message,  # no message is rendered to sort
        finding.severity._value_,
        finding.evidence,
        finding.guidance,
        finding.waiver or "",
    )


@attrs.frozen(kw_only=True)
class Group:
    """The findings of one rule (or one kind of engine finding) for one clause, sorted, with
    the counts needed for verdicts, so that results can be reused and combined cheaply."""

    key: tuple[tuple[int, ...], str, str]  # (clause key, clause, rule id): report order
    findings: tuple[Finding, ...]
    counts: Mapping[str, int]  # by status
    failures: Mapping[int, int]  # unwaived failures by severity rank

    @property
    def worst(self) -> int:
        """The highest severity rank among unwaived failures, 0 when none."""
        return max(self.failures, default=0)

    @staticmethod
    def of(findings: Iterable[Finding]) -> list[Group]:
        by_key: dict[tuple[tuple[int, ...], str, str], list[Finding]] = {}
        for finding in findings:
            key = (_clause_key(finding.clause), finding.clause, finding.rule)
            by_key.setdefault(key, []).append(finding)
        groups = []
        for key, members in by_key.items():
            members.sort(key=order)
            groups.append(Group.sorted(key, tuple(members)))
        return groups

    @staticmethod
    def sorted(key: tuple[tuple[int, ...], str, str], findings: tuple[Finding, ...]) -> Group:
        """The group of findings already in order."""
        counts = Counter(f.status._value_ for f in findings)
        failures = Counter(f.severity.rank for f in findings if f.status is Status.FAIL)
        return Group(key=key, findings=findings, counts=counts, failures=failures)

    def changed(
        self, findings: tuple[Finding, ...], gone: Iterable[Finding], new: Iterable[Finding]
    ) -> Group:
        """This group with ``gone`` replaced by ``new`` (``findings`` is the result, sorted)."""
        counts = Counter(self.counts)
        failures = Counter(self.failures)
        for finding, step in itertools.chain(((f, -1) for f in gone), ((f, 1) for f in new)):
            counts[finding.status._value_] += step
            if finding.status is Status.FAIL:
                failures[finding.severity.rank] += step
        return Group(key=self.key, findings=findings, counts=+counts, failures=+failures)


@attrs.define
class State:
    """What an assessment remembers so that a later one can reuse unchanged results."""

    sms: ServiceManagementSystem
    view: ServiceManagementSystem  # the same system in canonical order, evidence aside
    evidence: Ordered  # the evidence in canonical order
    settings: Settings
    specs: tuple[RuleSpec, ...]
    ruleset_version: str
    runs: dict[str, RuleRun]  # per rule id, before waivers
    groups: dict[str, list[Group]]  # per rule id, after waivers
    used: dict[str, frozenset[str]]  # per rule id that some waiver targets: the waivers used
    verdicts: tuple[ClauseVerdict, ...]
    extra: tuple[Finding, ...]  # findings of the engine's own (waivers, plugins, exclusions)
    facts: Facts | None  # handed on to the next assessment made from this one
    digests: dict[str, str] = attrs.Factory(dict)  # per part of the SMS

    def input_digest(self) -> str:
        """The digest of the assessed system, reusing the digests of parts already known."""
        with paused_gc():
            for part in PARTS:
                if part not in self.digests:
                    value = self.evidence.get() if part == "evidence" else getattr(self.view, part)
                    self.digests[part] = part_digest(value)
        return combine(self.digests)


@attrs.frozen(kw_only=True, eq=False)
class Assessment:
    """The result of assessing an SMS as of a date: findings in a stable order, a verdict per
    clause, a PDCA summary, counts, and what produced them (versions, input digest).

    ``to_json()`` is byte-identical for the same input, rules and configuration, and
    :meth:`from_json` reads it back. Two assessments are equal when everything a report holds
    is equal. Pass an assessment as ``previous=`` to :func:`assess` to re-run only the rules
    whose inputs changed (one read from a report has no system to reuse: the run is whole).
    """

    as_of: date
    findings: Findings
    verdicts: tuple[ClauseVerdict, ...]
    rules: tuple[str, ...]
    library_version: str
    ruleset_version: str
    system_name: str
    edition: str = "2011"  # the edition of ISO/IEC 20000-1 assessed against
    _state: State | None = attrs.field(default=None, repr=False, alias="_state")
    _digest: str | None = attrs.field(default=None, repr=False, alias="_digest")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return self._reported() == other._reported() and self.input_digest == other.input_digest

    __hash__ = None  # type: ignore[assignment]

    def _reported(self) -> tuple[Any, ...]:
        return (
            self.edition,
            self.as_of,
            self.findings,
            self.verdicts,
            self.rules,
            self.library_version,
            self.ruleset_version,
            self.system_name,
        )

    @property
    def input_digest(self) -> str:
        """SHA-256 over the parts of the assessed SMS: the same model gives the same digest.

        Computed on first use (reports include it), reusing the digests of parts unchanged
        since a previous assessment.
        """
        if self._state is None:
            return self._digest or ""
        return self._state.input_digest()

    @property
    def sms(self) -> ServiceManagementSystem:
        """The system that was assessed; an assessment read from a report does not hold it
        (:class:`~sms_model.errors.ArgumentError`)."""
        if self._state is None:
            from sms_model.errors import ArgumentError

            raise ArgumentError(
                "this assessment was read from a report, which holds the findings but not the "
                "system assessed; load the system file instead"
            )
        return self._state.sms

    @classmethod
    def from_json(cls, text: str | bytes) -> Assessment:
        """The assessment a JSON report (:meth:`to_json`) holds, equal to the one written.

        Reports of every format version are read: findings of format 1, which carried no id,
        get the id of their rule and subjects (:func:`~sms_model.rules.finding_id`). A
        document that is not such a report raises
        :class:`~sms_model.errors.ModelValidationError` naming what is wrong and where.

        >>> import sms_model
        >>> from datetime import date
        >>> sms = sms_model.load("examples/minimal.yaml")
        >>> result = sms_model.assess(sms, as_of=date(2026, 11, 27))
        >>> Assessment.from_json(result.to_json()) == result
        True
        """
        from sms_model.rules._reports import read_report

        return read_report(text)

    @property
    def counts(self) -> Mapping[str, int]:
        """Findings by status, every status present (zero when none)."""
        found = Counter(f.status.value for f in self.findings)
        return {status.value: found.get(status.value, 0) for status in Status}

    @property
    def failures(self) -> Findings:
        """What stands against conformity, worst first: the unwaived failures and the rules
        that could not run (status ``error``, at their rule's severity: a requirement nobody
        could check is not taken as met). ``Finding.status`` tells them apart."""
        outstanding = [f for f in self.findings if f.outstanding]
        return Findings(sorted(outstanding, key=lambda f: (-f.severity.rank, f.sort_key)))

    def failed_at(self, threshold: Severity) -> bool:
        """True when one of :attr:`failures` (an unwaived failure, or a rule that could not
        run) reaches ``threshold``: the CI gate."""
        rank = threshold.rank
        return any(f.outstanding and f.severity.rank >= rank for f in self.findings)

    @property
    def failure_counts(self) -> Mapping[str, int]:
        """:attr:`failures` by severity (errors included, at their rule's severity)."""
        found = Counter(f.severity.value for f in self.findings if f.outstanding)
        return {s.value: found.get(s.value, 0) for s in Severity}

    def verdict(self, clause: str) -> ClauseVerdict:
        """The verdict of one clause."""
        for verdict in self.verdicts:
            if verdict.clause == clause:
                return verdict
        raise KeyError(clause)

    @property
    def pdca(self) -> Mapping[str, Mapping[str, int]]:
        """:attr:`failures` by severity for each Plan-Do-Check-Act phase (4.5.2-4.5.5)."""
        phases = {c.number: c.pdca for c in clauses(self.edition) if c.pdca is not None}
        summary: dict[str, Counter[str]] = {phase.value: Counter() for phase in Phase}
        for finding in self.findings:
            phase = _phase_of(finding.clause, phases)
            if phase is not None and finding.outstanding:
                summary[phase.value][finding.severity.value] += 1
        return {
            phase: {s.value: counter.get(s.value, 0) for s in Severity}
            for phase, counter in summary.items()
        }

    def by_clause(self) -> Mapping[str, Findings]:
        """Findings grouped by clause, in clause order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.clause, []).append(finding)
        return {k: Findings(v) for k, v in groups.items()}

    def to_records(self) -> list[dict[str, Any]]:
        """The findings as plain records, in report order."""
        return [f.to_record() for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The whole assessment as plain data (the JSON report's content)."""
        return {**self._summary(), "findings": self.to_records()}

    def _summary(self) -> dict[str, Any]:
        return {
            "report_format": REPORT_FORMAT,
            "system": self.system_name,
            "as_of": self.as_of.isoformat(),
            "edition": self.edition,
            "library_version": self.library_version,
            "ruleset_version": self.ruleset_version,
            "input_digest": self.input_digest,
            "counts": dict(self.counts),
            "failures": dict(self.failure_counts),
            "pdca": {k: dict(v) for k, v in self.pdca.items()},
            "clauses": [v.to_record() for v in self.verdicts],
            "rules": list(self.rules),
        }

    def to_json(self) -> str:
        """The JSON report: deterministic, byte-identical for the same input.

        The summary is indented; each finding takes one line, which keeps large reports
        readable, diffable and fast to write (the C encoder handles each line).
        """
        with paused_gc():
            head = json.dumps(self._summary(), indent=2, ensure_ascii=False)
            records = (json.dumps(f.to_record(), ensure_ascii=False) for f in self.findings)
            lines = ",\n    ".join(records)
        body = f"[\n    {lines}\n  ]" if lines else "[]"
        return f'{head[:-2]},\n  "findings": {body}\n}}\n'

    def to_dataframe(self) -> Any:
        """The findings as a pandas DataFrame (needs the ``pandas`` extra)."""
        return self.findings.to_dataframe()

    def _repr_html_(self) -> str:
        from sms_model.report import assessment_html

        return assessment_html(self)


def _phase_of(clause: str, phases: Mapping[str, Phase | None]) -> Phase | None:
    parts = clause.split(".")
    while parts:
        phase = phases.get(".".join(parts))
        if phase is not None:
            return phase
        parts.pop()
    return None


def findings_of(groups: Iterable[Group]) -> Findings:
    """The findings of groups already in report order, as one tuple."""
    return Findings(itertools.chain.from_iterable(group.findings for group in groups))


def verdicts(groups: Sequence[Group], edition: str = "2011") -> tuple[ClauseVerdict, ...]:
    # Each group counts towards its clause and every ancestor clause: work in the number of
    # groups (about one per rule), not of findings.
    counts: dict[str, Counter[str]] = {}
    worst: Counter[str] = Counter()
    for group in groups:
        parts = group.key[1].split(".")
        for end in range(len(parts), 0, -1):
            number = ".".join(parts[:end])
            counts.setdefault(number, Counter()).update(group.counts)
            if group.worst > worst[number]:
                worst[number] = group.worst
    out = []
    for clause in clauses(edition):
        mine = counts.get(clause.number, Counter())
        verdict = _verdict(worst[clause.number], mine)
        out.append(
            ClauseVerdict(
                clause=clause.number,
                title=clause.title,
                verdict=verdict,
                counts={s.value: mine.get(s.value, 0) for s in Status},
            )
        )
    return tuple(out)


def _verdict(rank: int, counts: Mapping[str, int]) -> Verdict:
    """The verdict of a clause from its worst failure's rank and its findings by status."""
    if rank == Severity.MAJOR.rank:
        return Verdict.MAJOR
    if counts.get(Status.ERROR.value) or not counts:
        return Verdict.NOT_ASSESSED
    if rank == Severity.MINOR.rank:
        return Verdict.MINOR
    if not any(n for status, n in counts.items() if status != Status.NOT_APPLICABLE.value):
        return Verdict.NOT_APPLICABLE
    return Verdict.CONFORMING


def input_digest(sms: ServiceManagementSystem) -> str:
    """SHA-256 over the canonical JSON of each part of the SMS: the same model gives the same
    digest, whatever produced it and whatever the order of its entities.

    >>> import sms_model
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> input_digest(sms) == input_digest(sms_model.loads(sms_model.dumps(sms)))
    True
    """
    view = sms.canonical()
    return combine({part: part_digest(getattr(view, part)) for part in PARTS})


def part_digest(value: Any) -> str:
    """The digest of one part of a canonical view (:meth:`ServiceManagementSystem.canonical`),
    whose collections are already in an order that does not depend on the file."""
    from sms_model.io._internal import plain_function

    plain: Any
    if isinstance(value, tuple):
        convert = plain_function(type(value[0])) if value else None
        plain = [convert(item) for item in value] if convert else []
    elif attrs.has(type(value)):
        plain = plain_function(type(value))(value)
    elif isinstance(value, enum.Enum):
        plain = value.value
    else:
        plain = value
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


#: The parts of a system added with a later edition (``since``): each enters the digest only
#: when it holds something, so that a system written before they existed keeps its digest.
_ADDED_LATER: Final = frozenset(
    f.name for f in attrs.fields(ServiceManagementSystem) if f.init and added_in(f)
)
_EMPTY: Final = frozenset({part_digest(()), part_digest(None)})


def combine(digests: Mapping[str, str]) -> str:
    kept = (p for p in PARTS if p not in _ADDED_LATER or digests[p] not in _EMPTY)
    joined = "plain-v2\n" + "".join(f"{part}:{digests[part]}\n" for part in kept)
    return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()
