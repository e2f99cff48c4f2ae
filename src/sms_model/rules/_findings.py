"""What an assessment says: findings, their status and severity, waivers and configuration."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, Final

import attrs

from sms_model.catalog import EDITIONS, Cadence, default_cadences, expectation_by_id
from sms_model.errors import FieldValueError, Issue, ModelValidationError
from sms_model.model import Checked
from sms_model.rules._messages import Params, finding_id, plain_params, render

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


def _non_blank(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        entity = type(instance).__name__
        raise FieldValueError(attribute.name, "must be non-empty text", value, entity=entity)


def _edition(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in EDITIONS:
        entity = type(instance).__name__
        what = f"must be one of {', '.join(EDITIONS)}"
        raise FieldValueError(attribute.name, what, value, entity=entity)


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _frozen_params(value: Mapping[str, Any]) -> Mapping[str, Any]:
    # The engine hands over parameters made plain and read-only already.
    return value if type(value) is Params else Params.of(plain_params(value))


@attrs.frozen(kw_only=True, eq=False)
class Finding:
    """One result of one rule: what was found, about which subjects, on what evidence.

    ``message`` names what was found and what was expected, in English; ``code`` and
    ``params`` are the same as data: the message's code and the plain values it was rendered
    from (see :doc:`/explanation/stability`), so a program can compare or translate it.
    ``subjects`` are the ids of the entities concerned and ``evidence`` the ids of the records
    the rule relied on. ``id`` is the finding's identity, the same for the same situation in
    every assessment: it derives from the rule, the subjects and the rule's discriminator
    ``key`` (see :func:`finding_id`), never from the message or the as-of date.

    >>> f = Finding(rule="SMS-4.1.4-1", clause="4.1.4", status=Status.FAIL,
    ...             severity=Severity.MAJOR, message="no management representative")
    >>> f.failed, f.sort_key[:3], f.id
    (True, ((4, 1, 4), 'SMS-4.1.4-1', ()), '2f3b6d82a831885d')
    """

    rule: str
    clause: str
    status: Status
    severity: Severity
    # The English message as given, or, for a finding of the engine, rendered from ``template``
    # and ``params`` on first use (most findings of a large assessment are never read).
    _message: str = attrs.field(default="", alias="message", repr=False)
    guidance: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    subjects: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    evidence: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    waiver: str | None = None
    code: str = ""
    params: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_params, hash=False)
    key: str = ""
    # Derived from rule, subjects and key on first use (most findings are never asked), unless
    # given: read back from a report, or of a renamed rule (whose first id it derives from).
    _id: str = attrs.field(default="", alias="id", repr=False)
    #: The English template ``message`` is rendered from (empty when it was given as text).
    template: str = attrs.field(default="", repr=False)
    # What was worked out on first use; not passed on by attrs.evolve, which may change what
    # it derives from.
    _rendered: str = attrs.field(init=False, default="", repr=False)
    _derived: str = attrs.field(init=False, default="", repr=False)

    @property
    def message(self) -> str:
        """What was found and what was expected, in English."""
        found = self._message or self._rendered
        if not found and self.template:
            found = render(self.template, self.params)
            object.__setattr__(self, "_rendered", found)
        return found

    def _compared(self) -> tuple[Any, ...]:
        return (
            self.rule,
            self.clause,
            self.status,
            self.severity,
            self.message,
            self.guidance,
            self.subjects,
            self.evidence,
            self.waiver,
            self.code,
            self.params,
            self.key,
        )

    def __eq__(self, other: object) -> bool:
        if type(other) is not Finding:
            return NotImplemented
        if self is other:
            return True
        # Ids given (read from a report, or of a renamed rule) must agree as well.
        if self._id and other._id and self._id != other._id:
            return False
        return self._compared() == other._compared()

    def __hash__(self) -> int:
        return hash((self.rule, self.subjects, self.key, self.status))

    @property
    def id(self) -> str:
        """The finding's identity (see :func:`finding_id`)."""
        found = self._id or self._derived
        if not found:
            found = finding_id(self.rule, self.subjects, self.key)
            object.__setattr__(self, "_derived", found)
        return found

    @property
    def failed(self) -> bool:
        """True for a failure that no waiver covers."""
        return self.status is Status.FAIL

    @property
    def outstanding(self) -> bool:
        """True for what stands against conformity: a failure no waiver covers, or a rule that
        could not run (``error``), which counts at its rule's severity since nobody could
        check that the requirement is met."""
        return self.status is Status.FAIL or self.status is Status.ERROR

    @property
    def sort_key(self) -> tuple[Any, ...]:
        """Clause (numerically), rule id, subjects, status, key, code and message template
        (the message itself when given as text): the report order, which needs no message
        rendered."""
        return (
            _clause_key(self.clause),
            self.rule,
            self.subjects,
            self.status.value,
            self.key,
            self.code,
            self.template or self._message,
        )

    def to_record(self) -> dict[str, Any]:
        """The finding as plain data (for JSON, tables and DataFrames); :meth:`from_record`
        reads it back.

        >>> f = Finding(rule="R-1", clause="4.1", status=Status.FAIL, severity=Severity.MINOR,
        ...             message="x is late", code="late", params={"what": "x"})
        >>> Finding.from_record(f.to_record()) == f
        True
        """
        return {
            "id": self.id,
            "rule": self.rule,
            "clause": self.clause,
            "guidance": list(self.guidance),
            "status": self.status.value,
            "severity": self.severity.value,
            "message": self.message,
            "subjects": list(self.subjects),
            "evidence": list(self.evidence),
            "waiver": self.waiver,
            "code": self.code,
            "params": dict(self.params),
            "key": self.key,
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Finding:
        """A finding from :meth:`to_record`'s plain data (a report's ``findings`` item)."""
        return cls(
            rule=record["rule"],
            clause=record["clause"],
            status=Status(record["status"]),
            severity=Severity(record["severity"]),
            message=record["message"],
            guidance=tuple(record.get("guidance", ())),
            subjects=tuple(record.get("subjects", ())),
            evidence=tuple(record.get("evidence", ())),
            waiver=record.get("waiver"),
            code=record.get("code", ""),
            params=record.get("params", {}),
            key=record.get("key", ""),
            id=record.get("id", ""),
        )


def _clause_key(clause: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in clause.split("."))


@attrs.frozen(kw_only=True)
class Waiver(Checked):
    """A decision to accept a known failure for a while (not an exclusion: the standard allows
    none, so a waived failure is still reported, as ``waived``).

    ``target`` is a rule id (or an alias) or a clause number; a clause waives the failures of
    every rule of that clause and its sub-clauses, and is reported as an observation of its own
    for that breadth. ``subject`` limits the waiver to findings about one entity. ``approver``
    is the id of a person in top management. ``granted`` is the day it was approved; a waiver is
    in force from then (or, when not given, whenever it is assessed) until ``expires``, and one
    longer than ``Config.waiver_limit`` (a year unless configured) is not applied. A clause
    ``target`` is a clause of ``edition`` (2011 unless said): the waiver applies to assessments
    of that edition only, since the same number names another clause in the other; a rule id
    applies in every edition the rule checks. Each field is checked on construction, like an
    entity's.

    >>> waiver = Waiver(id="w1", target="SMS-6.6-assessment", justification="new tool in Q1",
    ...                 approver="ceo", granted=date(2026, 10, 1), expires=date(2027, 3, 31))
    >>> waiver.covers(Finding(rule="SMS-6.6-assessment", clause="6.6", status=Status.FAIL,
    ...                       severity=Severity.MINOR, message="no assessment"))
    True
    >>> Waiver(id="w1", target="6.6", justification="j", approver="ceo", expires="2027-03-31")
    Traceback (most recent call last):
    ...
    sms_model.errors.FieldValueError: Waiver.expires: expected a date, not text (use \
datetime.date.fromisoformat) (found '2027-03-31')
    """

    id: str = attrs.field(validator=_non_blank)
    target: str = attrs.field(validator=_non_blank)
    justification: str = attrs.field(validator=_non_blank)
    approver: str = attrs.field(validator=_non_blank)
    expires: date
    subject: str | None = None
    granted: date | None = None
    edition: str = attrs.field(default="2011", validator=_edition)

    def covers(self, finding: Finding) -> bool:
        """True when this waiver is about that finding's rule or clause, and subject."""
        about = self.target == finding.rule or _within(finding.clause, self.target)
        return about and (self.subject is None or self.subject in finding.subjects)


def _within(number: str, prefix: str) -> bool:
    return number == prefix or number.startswith(prefix + ".")


def _config_error(field: str, what: str, found: object) -> FieldValueError:
    return FieldValueError(field, what, found, entity="Config")


def _cadence_map(value: Mapping[str, str | Cadence]) -> Mapping[str, Cadence]:
    if not isinstance(value, Mapping):
        raise _config_error("cadences", "expected a mapping of expectation ids to cadences", value)
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


def _interface_pairs(value: Any) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    from sms_model.model import ProcessKind

    kinds = {kind.value: kind.value for kind in ProcessKind} | {k: k.value for k in ProcessKind}
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _config_error("interfaces", "expected a list of pairs of process kinds", value)
    pairs = []
    for i, pair in enumerate(value):
        ok = isinstance(pair, tuple | list) and len(pair) == 2
        if not ok or not all(isinstance(k, str | ProcessKind) and k in kinds for k in pair):
            raise _config_error(f"interfaces[{i}]", "expected a pair of process kinds", pair)
        pairs.append((kinds[pair[0]], kinds[pair[1]]))
    return tuple(pairs)


def _clause_numbers(value: Any) -> tuple[str, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _config_error("not_applicable", "expected a list of clause numbers", value)
    numbers = tuple(value)
    for i, number in enumerate(numbers):
        if not any(_in_edition(number, edition) for edition in EDITIONS):
            what = "no such clause in ISO/IEC 20000-1 (2011 or 2018)"
            raise _config_error(f"not_applicable[{i}]", what, number)
    return numbers


def _in_edition(number: object, edition: str) -> bool:
    from sms_model.catalog import clause

    try:
        clause(number, edition)  # type: ignore[arg-type]
    except (LookupError, TypeError, ValueError, AttributeError):
        return False
    return True


def _options(value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _config_error("options", "expected a mapping", value)
    return MappingProxyType(dict(value))


def _period(name: str, value: Any) -> Cadence:
    """``value`` as a :class:`Cadence` of fixed length (a period), for the field ``name``."""
    try:
        cadence = value if isinstance(value, Cadence) else Cadence.parse(value)
    except ModelValidationError as exc:
        raise _config_error(name, exc.issues[0].what, value) from None
    if not cadence.fixed:
        what = "expected an ISO 8601 period such as P1Y (a recurrence rule has no length)"
        raise _config_error(name, what, value)
    return cadence


_A_YEAR: Final = Cadence.parse("P1Y")


def _a_year() -> Cadence:
    return _A_YEAR


def _waiver_limit(value: Any) -> Cadence:
    return _period("waiver_limit", value)


def _look_back(value: Any) -> Cadence:
    return _period("look_back", value)


def _positive(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    problem = timeout_problem(value)
    if problem is not None:
        raise _config_error(attribute.name, problem, value)


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
    ``waiver_limit`` is the longest a waiver may run (an ISO 8601 period, a year by default):
    a longer waiver is reported and not applied. ``look_back`` is how far back cadence checks
    look for missed periods (a year by default): each interval between records, within it,
    longer than the cadence allows is reported, not only a lapse since the last record. Every
    field is checked on construction: a wrong value raises
    :class:`~sms_model.errors.FieldValueError` (or, for cadences,
    :class:`~sms_model.errors.ModelValidationError` naming each bad one).

    >>> Config(cadences={"management-review": "P6M"}).cadence("management-review").text
    'P6M'
    >>> Config(not_applicable=["9.9.9"])
    Traceback (most recent call last):
    ...
    sms_model.errors.FieldValueError: Config.not_applicable[0]: no such clause in \
ISO/IEC 20000-1 (2011 or 2018) (found '9.9.9')
    """

    cadences: Mapping[str, Cadence] = attrs.field(factory=dict, converter=_cadence_map)
    interfaces: tuple[tuple[str, str], ...] | None = attrs.field(
        default=None, converter=_interface_pairs
    )
    not_applicable: tuple[str, ...] = attrs.field(default=(), converter=_clause_numbers)
    options: Mapping[str, Any] = attrs.field(factory=dict, converter=_options)
    rule_timeout: float | None = attrs.field(default=None, validator=_positive)
    waiver_limit: Cadence = attrs.field(factory=_a_year, converter=_waiver_limit)
    look_back: Cadence = attrs.field(factory=_a_year, converter=_look_back)

    def cadence(self, expectation: str) -> Cadence:
        """The cadence in force for an evidence expectation: the override, else the default."""
        found = self.cadences.get(expectation)
        return found if found is not None else default_cadences()[expectation]
