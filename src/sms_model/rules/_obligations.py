"""What is due when: the recurring obligations of an SMS as a calendar (:func:`obligations`).

A service management team lives by its recurring work: management reviews, internal audits,
SMS meetings, SLA reviews, continuity tests, risk assessments, supplier reviews. Which of them
an SMS has, and when each was last done, the rules already know: every rule that checks a
cadence (:meth:`~sms_model.rules.Context.check_cadence`) reports the last record and the date
the next is due, naming the evidence expectation (:func:`~sms_model.catalog.expectations`) and
the cadence the configuration gives it. So the calendar is derived from an assessment, not
declared a second time: each cadence check is one obligation, with

- its last occurrence and its next due date (the as-of date itself when there has been none);
- its status as of the date: overdue, due soon (by ``until``) or planned (after it);
- its owner: who is accountable, in the accountability graph, for the process or the Clause 4
  duty of its clause (:func:`~sms_model.graph.raci_matrix`; a role stands for its holders);
- its clause (in the edition assessed), guidance ids, subjects and the rule that checks it.
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import Any, Final

import attrs

from sms_model.catalog import expectation_by_id
from sms_model.model import Clause4Duty, ServiceManagementSystem
from sms_model.rules._findings import Config, Finding
from sms_model.rules._results import Assessment

__all__ = [
    "DUE_SOON_DAYS",
    "OBLIGATIONS_FORMAT",
    "Obligation",
    "ObligationStatus",
    "Obligations",
    "Owner",
    "obligations",
]

#: The format number of the JSON document :meth:`Obligations.to_json` writes.
OBLIGATIONS_FORMAT: Final = 1
#: How far ahead "due soon" reaches when no ``until`` date is given.
DUE_SOON_DAYS: Final = 30
#: The finding codes of a cadence check that say what is due next (a missed period in the
#: past is history, not an obligation).
_CODES: Final = frozenset({"cadence.kept", "cadence.overdue", "cadence.none"})


class ObligationStatus(enum.Enum):
    """Where an obligation stands on the as-of date."""

    OVERDUE = "overdue"  # due before the as-of date, or never done
    DUE_SOON = "due_soon"  # due from the as-of date up to ``until``
    PLANNED = "planned"  # due after ``until``

    @property
    def label(self) -> str:
        """How reports name this status."""
        return self.value.replace("_", " ")


_STATUS_ORDER: Final = {status: rank for rank, status in enumerate(ObligationStatus)}


@attrs.frozen(kw_only=True)
class Owner:
    """Someone accountable for an obligation: a person (with their e-mail address when the SMS
    gives one), or a party when another party is accountable."""

    id: str
    name: str
    email: str | None = None


@attrs.frozen(kw_only=True)
class Obligation:
    """One recurring obligation: ``what`` is due by ``due`` (every ``cadence``), last done on
    ``last`` (``None``: never on record), checked by ``rule`` for ``clause``.

    ``uid`` is its identity, the same on every date and in either edition for the same
    obligation of the same system: it derives from the system's name, the expectation and the
    subjects, never from dates or wording, so that a calendar re-imported after the work is done
    moves the entry instead of adding one.
    """

    uid: str
    expectation: str
    description: str
    what: str
    rule: str
    clause: str
    guidance: tuple[str, ...]
    subjects: tuple[str, ...]
    cadence: str
    last: date | None
    last_record: str | None
    due: date
    status: ObligationStatus
    owners: tuple[Owner, ...]

    @property
    def sort_key(self) -> tuple[int, date, tuple[int, ...], str, tuple[str, ...]]:
        """Overdue first, then by due date, clause, what and subjects."""
        clause = tuple(int(p) for p in self.clause.split(".") if p.isdigit())
        return (_STATUS_ORDER[self.status], self.due, clause, self.what, self.subjects)

    def to_dict(self) -> dict[str, Any]:
        """The obligation as plain JSON data."""
        data = attrs.asdict(self, recurse=False)
        data.update(
            guidance=list(self.guidance),
            subjects=list(self.subjects),
            last=None if self.last is None else self.last.isoformat(),
            due=self.due.isoformat(),
            status=self.status.value,
            owners=[attrs.asdict(owner) for owner in self.owners],
        )
        return data


@attrs.frozen(kw_only=True)
class Obligations:
    """The obligations of one system as of a date, overdue first (see :func:`obligations`)."""

    system_name: str
    as_of: date
    until: date
    edition: str
    items: tuple[Obligation, ...]

    def __iter__(self) -> Iterator[Obligation]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def with_status(self, status: ObligationStatus) -> tuple[Obligation, ...]:
        """The obligations of one status, in order."""
        return tuple(item for item in self.items if item.status is status)

    def to_json(self) -> str:
        """Deterministic JSON: the system, the dates, the edition and every obligation."""
        document = {
            "obligations_format": OBLIGATIONS_FORMAT,
            "system": self.system_name,
            "as_of": self.as_of.isoformat(),
            "until": self.until.isoformat(),
            "edition": self.edition,
            "counts": {s.value: len(self.with_status(s)) for s in ObligationStatus},
            "obligations": [item.to_dict() for item in self.items],
        }
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def obligations(
    sms: ServiceManagementSystem,
    *,
    as_of: date | None = None,
    until: date | None = None,
    edition: str | None = None,
    config: Config | None = None,
    assessment: Assessment | None = None,
) -> Obligations:
    """Every recurring obligation of ``sms`` as of a date: its last occurrence, next due date,
    status (overdue, due soon by ``until``, planned after it), owner, clause and guidance ids.

    ``until`` defaults to 30 days (``DUE_SOON_DAYS``) after ``as_of`` (today by default).
    Cadences come from ``config`` (:attr:`~sms_model.rules.Config.cadences`), else the default
    profile. Pass ``assessment`` to reuse an assessment of ``sms`` as of the same date instead
    of running the rules again.

    >>> import sms_model
    >>> sms = sms_model.load("examples/acme-managed-services.yaml")
    >>> due = obligations(sms, as_of=date(2026, 6, 30), until=date(2026, 9, 30))
    >>> [len(due.with_status(s)) for s in ObligationStatus]
    [15, 8, 34]
    >>> review = next(o for o in due if o.expectation == "management-review")
    >>> review.status.label, review.last.isoformat(), review.due.isoformat(), review.clause
    ('planned', '2025-11-20', '2026-11-20', '4.1.1')
    >>> [owner.name for owner in review.owners]
    ['Dana Whitfield']
    """
    from sms_model.rules._engine import assess

    if assessment is None:
        assessment = assess(sms, as_of=as_of, config=config, edition=edition)
    elif as_of is not None and as_of != assessment.as_of:
        from sms_model.errors import ArgumentError

        raise ArgumentError(
            f"as_of {as_of.isoformat()} differs from the assessment's "
            f"{assessment.as_of.isoformat()}; give one or the other"
        )
    as_of = assessment.as_of
    until = as_of + timedelta(days=DUE_SOON_DAYS) if until is None else until
    _check_until(as_of, until)
    owners = _Owners(sms, assessment.edition)
    # Two rules may check one expectation for the same subjects (the internal audit under
    # 4.1.1 and under 4.5.4.2): one obligation, due by the earlier of their dates, named as the
    # check of the deeper clause (of the rule's first edition).
    items: dict[str, Obligation] = {}
    for finding in assessment.findings:
        if finding.code in _CODES:
            item = _obligation(sms.name, finding, as_of, until, owners)
            known = items.get(item.uid)
            if known is None or _precedence(item) < _precedence(known):
                items[item.uid] = item
    ordered = tuple(sorted(items.values(), key=lambda item: item.sort_key))
    return Obligations(
        system_name=sms.name,
        as_of=as_of,
        until=until,
        edition=assessment.edition,
        items=ordered,
    )


def _check_until(as_of: date, until: date) -> None:
    from sms_model.errors import ArgumentError

    if type(until) is not date:
        raise ArgumentError(f"until must be a date, not {type(until).__name__} ({until!r})")
    if until < as_of:
        raise ArgumentError(
            f"until {until.isoformat()} lies before the as-of date {as_of.isoformat()}"
        )


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _precedence(item: Obligation) -> tuple[date, int, str]:
    # The deeper clause the rule was written for (its first edition's), so that the same check
    # names the obligation in either edition.
    return (item.due, -_home_clause(item.rule, item.clause).count("."), item.rule)


def _home_clause(rule: str, clause: str) -> str:
    from sms_model.rules._registry import default_registry

    registry = default_registry()
    return registry.get(rule).clause if rule in registry else clause


def _uid(system: str, expectation: str, subjects: Sequence[str]) -> str:
    text = "\0".join([system, expectation, *subjects])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _status(due: date, as_of: date, until: date) -> ObligationStatus:
    if due < as_of:
        return ObligationStatus.OVERDUE
    return ObligationStatus.DUE_SOON if due <= until else ObligationStatus.PLANNED


def _obligation(
    system: str, finding: Finding, as_of: date, until: date, owners: _Owners
) -> Obligation:
    params = finding.params
    expectation = str(params["expectation"])
    what = str(params["what"])
    last = _as_date(params.get("last"))
    due = _as_date(params.get("due")) if last is not None else as_of
    assert due is not None  # a cadence check with a last record names its due date
    status = ObligationStatus.OVERDUE if last is None else _status(due, as_of, until)
    return Obligation(
        uid=_uid(system, expectation, finding.subjects),
        expectation=expectation,
        description=expectation_by_id(expectation).description,
        what=what,
        rule=finding.rule,
        clause=finding.clause,
        guidance=finding.guidance,
        subjects=finding.subjects,
        cadence=str(params.get("cadence", "")),
        last=last,
        last_record=finding.evidence[0] if last is not None and finding.evidence else None,
        due=due,
        status=status,
        owners=owners.of(finding.rule, finding.clause),
    )


class _Owners:
    """Who is accountable for the work of a clause: the ``A`` of the RACI matrix for the
    processes whose kind is specified by that clause or the clause it lies in (the deepest such
    clause wins), else for the Clause 4 duty of that clause. When nobody is found under the
    edition assessed (the 2018 edition names no process or duty for objectives, 6.2), the
    checking rule's clause in its other editions is tried: the work, and who answers for it,
    is the same in both."""

    def __init__(self, sms: ServiceManagementSystem, edition: str) -> None:
        from sms_model.graph import Raci, raci_matrix

        self._sms = sms
        self._edition = edition
        self._accountable: dict[str, list[tuple[str, str]]] = {}
        for entry in raci_matrix(sms):
            if entry.letter is Raci.ACCOUNTABLE and entry.who is not None:
                who = (entry.who, entry.who_kind or "")
                self._accountable.setdefault(entry.subject, []).append(who)
        self._by_edition: dict[str, dict[str, list[str]]] = {}
        self._memo: dict[tuple[str, str], tuple[Owner, ...]] = {}

    def _subjects_by_clause(self, edition: str) -> dict[str, list[str]]:
        if edition not in self._by_edition:
            by_clause: dict[str, list[str]] = {}
            for process in self._sms.processes:
                by_clause.setdefault(process.kind.clause_in(edition), []).append(process.id)
            for duty in Clause4Duty:
                by_clause.setdefault(duty.clause_in(edition), []).append(f"duty:{duty.value}")
            self._by_edition[edition] = by_clause
        return self._by_edition[edition]

    def of(self, rule: str, clause: str) -> tuple[Owner, ...]:
        key = (rule, clause)
        if key not in self._memo:
            found = self._find(clause, self._edition)
            for edition, other in () if found else _other_clauses(rule, self._edition):
                found = self._find(other, edition)
                if found:
                    break
            self._memo[key] = found
        return self._memo[key]

    def _find(self, clause: str, edition: str) -> tuple[Owner, ...]:
        by_clause = self._subjects_by_clause(edition)
        parts = clause.split(".")
        for depth in range(len(parts), 0, -1):
            subjects = by_clause.get(".".join(parts[:depth]), [])
            found = [who for subject in subjects for who in self._accountable.get(subject, [])]
            if found:
                return self._people(found)
        return ()

    def _people(self, found: Iterable[tuple[str, str]]) -> tuple[Owner, ...]:
        # A role stands for its holders; a party (another party accountable) for itself.
        sms = self._sms
        people: dict[str, Owner] = {}
        for who, kind in found:
            for holder in sms.people_of(who) if kind in ("person", "role") else (who,):
                people.setdefault(holder, self._owner(holder))
        return tuple(people[key] for key in sorted(people))

    def _owner(self, who: str) -> Owner:
        entity = self._sms.find(who)
        name = getattr(entity, "name", None) or who
        return Owner(id=who, name=name, email=getattr(entity, "email", None))


def _other_clauses(rule: str, edition: str) -> tuple[tuple[str, str], ...]:
    """The clauses a built-in rule checks in the editions other than ``edition`` (none for a
    rule the default registry does not know)."""
    from sms_model.rules._registry import default_registry

    registry = default_registry()
    if rule not in registry:
        return ()
    spec = registry.get(rule)
    found = ((other, spec.clause_in(other)) for other in spec.editions if other != edition)
    return tuple((other, clause) for other, clause in found if clause is not None)
