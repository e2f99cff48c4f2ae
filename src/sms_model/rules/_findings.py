"""What an assessment says: findings, their status and severity, waivers and configuration."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs

from sms_model.catalog import Cadence, default_cadences, expectation_by_id
from sms_model.errors import Issue, ModelValidationError

__all__ = ["Config", "Finding", "Severity", "Status", "Waiver"]


class Severity(enum.Enum):
    """How much a failure matters, as an auditor would grade it.

    >>> Severity.MAJOR.rank > Severity.MINOR.rank > Severity.OBSERVATION.rank
    True
    """

    MAJOR = "major"
    MINOR = "minor"
    OBSERVATION = "observation"

    @property
    def rank(self) -> int:
        """3 for major, 2 for minor, 1 for an observation: larger is worse."""
        return _RANK[self]


_RANK = {Severity.MAJOR: 3, Severity.MINOR: 2, Severity.OBSERVATION: 1}


class Status(enum.Enum):
    """The outcome of one rule for one subject."""

    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"  # a failure covered by a valid waiver: never reported as a pass
    ERROR = "error"  # the rule itself failed to run
    NOT_APPLICABLE = "not_applicable"


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@attrs.frozen(kw_only=True)
class Finding:
    """One result of one rule: what was found, about which subjects, on what evidence.

    ``message`` names what was found and what was expected. ``subjects`` are the ids of the
    entities concerned and ``evidence`` the ids of the records the rule relied on.

    >>> f = Finding(rule="SMS-4.1.4-1", clause="4.1.4", status=Status.FAIL,
    ...             severity=Severity.MAJOR, message="no management representative")
    >>> f.failed, f.sort_key[:3]
    (True, ((4, 1, 4), 'SMS-4.1.4-1', ()))
    """

    rule: str
    clause: str
    status: Status
    severity: Severity
    message: str
    guidance: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    subjects: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    waiver: str | None = None

    @property
    def failed(self) -> bool:
        """True for a failure that no waiver covers."""
        return self.status is Status.FAIL

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Clause (numerically), rule id, subjects, status, message: the report order."""
        return (
            _clause_key(self.clause),
            self.rule,
            self.subjects,
            self.status.value,
            self.message,
        )

    def to_record(self) -> dict[str, Any]:
        """The finding as plain data (for JSON, tables and DataFrames)."""
        return {
            "rule": self.rule,
            "clause": self.clause,
            "guidance": list(self.guidance),
            "status": self.status.value,
            "severity": self.severity.value,
            "message": self.message,
            "subjects": list(self.subjects),
            "evidence": list(self.evidence),
            "waiver": self.waiver,
        }


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in clause.split("."))


@attrs.frozen(kw_only=True)
class Waiver:
    """A decision to accept a known failure for a while (not an exclusion: the standard allows
    none, so a waived failure is still reported, as ``waived``).

    ``target`` is a rule id or a clause number (covering the rules of that clause and its
    sub-clauses); ``subject`` limits it to findings about one entity. The approver must be a
    member of top management or the management representative.
    """

    id: str
    target: str
    justification: str
    approver: str
    expires: date
    subject: str | None = None

    def covers(self, finding: Finding) -> bool:
        """True when this waiver is about that finding's rule or clause, and subject."""
        about = self.target == finding.rule or _within(finding.clause, self.target)
        return about and (self.subject is None or self.subject in finding.subjects)


def _within(number: str, prefix: str) -> bool:
    return number == prefix or number.startswith(prefix + ".")


def _cadence_map(value: Mapping[str, str | Cadence]) -> Mapping[str, Cadence]:
    parsed: dict[str, Cadence] = {}
    issues: list[Issue] = []
    for key, text in value.items():
        path = f"$.cadences.{key}"
        try:
            expectation_by_id(key)
        except LookupError:
            issues.append(Issue(what="unknown evidence expectation", path=path, found=repr(key)))
            continue
        try:
            parsed[key] = text if isinstance(text, Cadence) else Cadence.parse(text)
        except ModelValidationError as exc:
            issues.extend(attrs.evolve(issue, path=path) for issue in exc.issues)
    if issues:
        raise ModelValidationError(issues)
    return MappingProxyType(parsed)


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    problem = timeout_problem(value)
    if problem is not None:
        raise ValueError(f"{attribute.name} {problem}, not {value!r}")


def timeout_problem(value: object) -> str | None:
    """Why a rule timeout is unusable, or ``None``: it must be a positive, finite number of
    seconds that a thread can wait for."""
    import math
    import threading

    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number of seconds"
    if not (value > 0 and math.isfinite(value)):
        return "must be a positive, finite number of seconds"
    if value > threading.TIMEOUT_MAX:
        return f"must be at most {threading.TIMEOUT_MAX:.0f} seconds"
    return None


@attrs.frozen(kw_only=True)
class Config:
    """How an assessment is run: cadences per evidence expectation, expected process interfaces,
    clauses the organisation declares not applicable, and options for rules.

    Cadences are ISO 8601 periods or RFC 5545 rules and override the default profile
    (:func:`sms_model.catalog.default_cadences`) per expectation id. ``rule_timeout`` (seconds)
    bounds each rule: a rule still running then is abandoned and reported as an ``error``.

    >>> Config(cadences={"management-review": "P6M"}).cadence("management-review").text
    'P6M'
    """

    cadences: Mapping[str, Cadence] = attrs.field(factory=dict, converter=_cadence_map)
    interfaces: tuple[tuple[str, str], ...] | None = None
    not_applicable: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=MappingProxyType)
    rule_timeout: float | None = attrs.field(default=None, validator=_positive)

    def cadence(self, expectation: str) -> Cadence:
        """The cadence in force for an evidence expectation: the override, else the default."""
        found = self.cadences.get(expectation)
        return found if found is not None else default_cadences()[expectation]
