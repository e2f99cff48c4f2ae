"""Waivers: failures accepted for a time by top management, and the findings about waivers
that cannot be applied (wrong approver, unknown target, expired, too long, unused)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from sms_model.catalog import clause as catalog_clause
from sms_model.catalog import crosswalk
from sms_model.rules._context import Facts
from sms_model.rules._findings import Finding, Severity, Status, Waiver, _within
from sms_model.rules._messages import plain_params, render
from sms_model.rules._registry import Registry, RuleSpec
from sms_model.rules._results import Group

if TYPE_CHECKING:
    from sms_model.rules._results import State
    from sms_model.rules._running import RuleRun

__all__ = ["apply_waivers", "is_clause"]


def apply_waivers(
    runs: Mapping[str, RuleRun],
    specs: Sequence[RuleSpec],
    waivers: Sequence[Waiver],
    facts: Facts,
    old: State | None,
    registry: Registry,
    edition: str = "2011",
) -> tuple[dict[str, list[Group]], dict[str, frozenset[str]], list[Finding]]:
    """The groups of each rule after waivers, the waivers each rule used (for rules some
    waiver targets), and the findings about the waivers. With ``old`` (an assessment with the
    same waivers, date and top management), a rule whose findings are the same objects as
    then keeps its waived groups. A waiver's clause is a clause of ``edition``, the one
    assessed."""
    groups = {rule_id: [run.group] for rule_id, run in runs.items()}
    used: dict[str, frozenset[str]] = {}
    extra: list[Finding] = []
    if not waivers:
        return groups, used, extra
    valid: list[Waiver] = []
    for waiver in waivers:
        refused = _refused_waiver(waiver, facts, registry, edition)
        if refused is not None:
            extra.append(refused)
            continue
        valid.append(waiver)
        if is_clause(waiver.target, edition):
            extra.append(
                _waiver_finding(
                    waiver,
                    edition,
                    "SMS-waiver-scope",
                    Severity.OBSERVATION,
                    *_scope(waiver),
                    clause=waiver.target,
                    subject=waiver.subject,
                )
            )
    for spec in specs:
        candidates = [w for w in valid if _aims_at(w, spec)]
        if not candidates:
            continue
        run = runs[spec.id]
        before = old.runs.get(spec.id) if old is not None else None
        if old is not None and before is not None and before.group is run.group:
            groups[spec.id], used[spec.id] = old.groups[spec.id], old.used[spec.id]
            continue
        groups[spec.id], used[spec.id] = _waived(run.findings, candidates)
    applied = frozenset().union(*used.values())
    for waiver in valid:
        if waiver.id not in applied:
            extra.append(
                _waiver_finding(
                    waiver,
                    edition,
                    "SMS-waiver-unused",
                    Severity.OBSERVATION,
                    "waiver.unused",
                    "waiver {waiver!r} matches no failure; withdraw it or correct its target",
                )
            )
    return groups, used, extra


def _scope(waiver: Waiver) -> tuple[str, str]:
    """The code and template of the note on a waiver of a whole clause."""
    if waiver.subject is None:
        return (
            "waiver.clause-wide",
            "waiver {waiver!r} waives every failure of clause {clause} and its sub-clauses; a "
            "waiver per rule (and subject) says what exactly is accepted",
        )
    return (
        "waiver.clause-wide-subject",
        "waiver {waiver!r} waives every failure of clause {clause} and its sub-clauses about "
        "{subject!r}; a waiver per rule (and subject) says what exactly is accepted",
    )


def _waived(
    findings: Sequence[Finding], candidates: Sequence[Waiver]
) -> tuple[list[Group], frozenset[str]]:
    """One rule's findings with the failures a waiver covers waived, and the waivers used."""
    if not any(f.status is Status.FAIL for f in findings):
        return Group.of(findings), frozenset()
    mine: set[str] = set()
    out = []
    for finding in findings:
        if finding.status is Status.FAIL:
            for waiver in candidates:
                if waiver.subject is None or waiver.subject in finding.subjects:
                    finding = attrs.evolve(finding, status=Status.WAIVED, waiver=waiver.id)
                    mine.add(waiver.id)
                    break
        out.append(finding)
    return Group.of(out), frozenset(mine)


def _aims_at(waiver: Waiver, spec: RuleSpec) -> bool:
    """Whether a waiver targets this rule: its id, an alias, or its clause or a parent."""
    target = waiver.target
    return target == spec.id or target in spec.aliases or _within(spec.clause, target)


def _refused_waiver(
    waiver: Waiver, facts: Facts, registry: Registry, edition: str
) -> Finding | None:
    """The finding saying why a waiver is not applied, or ``None`` when it may be."""
    as_of = facts.as_of
    if waiver.approver not in facts.top_management:
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-approver",
            Severity.MINOR,
            "waiver.approver",
            "waiver {waiver!r} was approved by {approver!r}, who is not a member of top "
            "management; it was not applied",
            approver=waiver.approver,
        )
    elsewhere = waiver.edition != edition and waiver.target not in registry
    if elsewhere and is_clause(waiver.target, waiver.edition):
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-target",
            Severity.MINOR,
            "waiver.other-edition",
            "waiver {waiver!r} targets clause {target} of ISO/IEC 20000-1:{written}, not of "
            "{edition}, the edition assessed; it was not applied",
            target=waiver.target,
            written=waiver.edition,
            edition=edition,
        )
    if not is_clause(waiver.target, edition) and waiver.target not in registry:
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-target",
            Severity.MINOR,
            "waiver.target",
            "waiver {waiver!r} targets {target!r}, which is neither a clause of "
            "ISO/IEC 20000-1:{edition} nor a rule of this assessment; it was not applied",
            target=waiver.target,
            edition=edition,
        )
    if waiver.expires < as_of:
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-expired",
            Severity.OBSERVATION,
            "waiver.expired",
            "waiver {waiver!r} expired on {expires}; it was not applied",
            expires=waiver.expires,
        )
    if waiver.granted is not None and waiver.granted > as_of:
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-expired",
            Severity.OBSERVATION,
            "waiver.not-yet-granted",
            "waiver {waiver!r} is granted only on {granted}, after the as-of date; it was not "
            "applied",
            granted=waiver.granted,
        )
    start = waiver.granted or as_of
    limit = facts.config.waiver_limit
    if limit.next_due(start) < waiver.expires:
        return _waiver_finding(
            waiver,
            edition,
            "SMS-waiver-duration",
            Severity.MINOR,
            "waiver.too-long",
            "waiver {waiver!r} runs from {start} to {expires}, longer than the limit ({limit}); "
            "shorten it and review it again then; it was not applied",
            start=start,
            expires=waiver.expires,
            limit=str(limit),
        )
    return None


def _waiver_finding(
    waiver: Waiver,
    assessed: str,
    rule_id: str,
    severity: Severity,
    code: str,
    template: str,
    **params: Any,
) -> Finding:
    # Findings about a waiver belong to its clause, else to nonconformity and corrective action.
    clause = waiver.target if is_clause(waiver.target, assessed) else corrective_clause(assessed)
    plain = plain_params({"waiver": waiver.id, **params})
    return Finding(
        rule=rule_id,
        clause=clause,
        status=Status.FAIL,
        severity=severity,
        message=render(template, plain),
        code=code,
        params=plain,
        subjects=(waiver.id,),
    )


def is_clause(text: str, edition: str = "2011") -> bool:
    """Whether ``text`` is the number of a clause of ``edition``."""
    try:
        catalog_clause(text, edition)
    except LookupError:
        return False
    return True


def corrective_clause(edition: str) -> str:
    """The clause of nonconformity and corrective action in ``edition`` (2011: 4.5.5.1), where
    findings about waivers and the assessment itself belong.

    >>> corrective_clause("2011"), corrective_clause("2018")
    ('4.5.5.1', '10.1')
    """
    if edition == "2011":
        return _CORRECTIVE
    return crosswalk("2011", edition)[_CORRECTIVE][0]


_CORRECTIVE: Final = "4.5.5.1"
