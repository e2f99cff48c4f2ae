"""Running rules over an SMS: :func:`assess` and the :class:`Assessment` it returns."""

from __future__ import annotations

import enum
import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs

from sms_model.catalog import Phase, clauses
from sms_model.catalog import clause as catalog_clause
from sms_model.model import ServiceManagementSystem
from sms_model.rules._context import Context, Facts
from sms_model.rules._findings import Config, Finding, Severity, Status, Waiver
from sms_model.rules._registry import Registry, RuleSpec, default_registry

__all__ = ["Assessment", "ClauseVerdict", "Verdict", "assess"]

#: Version of the JSON document written by :meth:`Assessment.to_json`.
REPORT_FORMAT: Final = 1


class Verdict(enum.Enum):
    """The verdict for one clause: its worst unwaived failure, or conforming."""

    CONFORMING = "conforming"
    MINOR = "minor"
    MAJOR = "major"
    NOT_ASSESSED = "not_assessed"


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


@attrs.frozen(kw_only=True)
class Assessment:
    """The result of assessing an SMS as of a date: findings in a stable order, a verdict per
    clause, a PDCA summary, counts, and what produced them (versions, input digest).

    ``to_json()`` is byte-identical for the same input, rules and configuration.
    """

    as_of: date
    findings: tuple[Finding, ...]
    verdicts: tuple[ClauseVerdict, ...]
    rules: tuple[str, ...]
    library_version: str
    ruleset_version: str
    input_digest: str
    system_name: str

    @property
    def counts(self) -> Mapping[str, int]:
        """Findings by status, every status present (zero when none)."""
        found = Counter(f.status.value for f in self.findings)
        return {status.value: found.get(status.value, 0) for status in Status}

    @property
    def failures(self) -> tuple[Finding, ...]:
        """The unwaived failures, worst first."""
        failed = [f for f in self.findings if f.failed]
        return tuple(sorted(failed, key=lambda f: (-f.severity.rank, f.sort_key)))

    def failed_at(self, threshold: Severity) -> bool:
        """True when an unwaived failure reaches ``threshold`` (for CI gates)."""
        return any(f.failed and f.severity.rank >= threshold.rank for f in self.findings)

    @property
    def failure_counts(self) -> Mapping[str, int]:
        """Unwaived failures by severity."""
        found = Counter(f.severity.value for f in self.findings if f.failed)
        return {s.value: found.get(s.value, 0) for s in Severity}

    def verdict(self, clause: str) -> ClauseVerdict:
        """The verdict of one clause."""
        for verdict in self.verdicts:
            if verdict.clause == clause:
                return verdict
        raise KeyError(clause)

    @property
    def pdca(self) -> Mapping[str, Mapping[str, int]]:
        """Unwaived failures by severity for each Plan-Do-Check-Act phase (4.5.2-4.5.5)."""
        phases = {c.number: c.pdca for c in clauses() if c.pdca is not None}
        summary: dict[str, Counter[str]] = {phase.value: Counter() for phase in Phase}
        for finding in self.findings:
            phase = _phase_of(finding.clause, phases)
            if phase is not None and finding.failed:
                summary[phase.value][finding.severity.value] += 1
        return {
            phase: {s.value: counter.get(s.value, 0) for s in Severity}
            for phase, counter in summary.items()
        }

    def by_clause(self) -> Mapping[str, tuple[Finding, ...]]:
        """Findings grouped by clause, in clause order."""
        groups: dict[str, list[Finding]] = {}
        for finding in self.findings:
            groups.setdefault(finding.clause, []).append(finding)
        return {k: tuple(v) for k, v in groups.items()}

    def to_records(self) -> list[dict[str, Any]]:
        """The findings as plain records, in report order."""
        return [f.to_record() for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The whole assessment as plain data (the JSON report's content)."""
        return {
            "report_format": REPORT_FORMAT,
            "system": self.system_name,
            "as_of": self.as_of.isoformat(),
            "library_version": self.library_version,
            "ruleset_version": self.ruleset_version,
            "input_digest": self.input_digest,
            "counts": dict(self.counts),
            "failures": dict(self.failure_counts),
            "pdca": {k: dict(v) for k, v in self.pdca.items()},
            "clauses": [v.to_record() for v in self.verdicts],
            "rules": list(self.rules),
            "findings": self.to_records(),
        }

    def to_json(self) -> str:
        """The JSON report: deterministic, byte-identical for the same input."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _phase_of(clause: str, phases: Mapping[str, Phase | None]) -> Phase | None:
    parts = clause.split(".")
    while parts:
        phase = phases.get(".".join(parts))
        if phase is not None:
            return phase
        parts.pop()
    return None


def assess(
    sms: ServiceManagementSystem,
    *,
    as_of: date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    registry: Registry | None = None,
) -> Assessment:
    """Assess an SMS against the rules, as of a date (today when not given).

    Each selected rule runs once; a rule that raises, or yields something that is not a
    finding, becomes an ``error`` finding and every other rule still runs. Waivers turn
    matching failures into ``waived`` (never ``pass``); expired, unused or wrongly approved
    waivers are findings themselves.

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> result = assess(sms, as_of=date(2026, 11, 27), select=["4.1.4"])
    >>> result.verdict("4.1.4").verdict.value
    'major'
    """
    as_of = as_of or date.today()
    config = config or Config()
    registry = registry if registry is not None else default_registry()
    specs = registry.select(select, ignore)
    facts = Facts(sms, as_of, config)
    findings: list[Finding] = []
    for spec in specs:
        findings.extend(run_rule(spec, facts))
    findings.extend(_plugin_errors(registry))
    findings.extend(_declared_not_applicable(config))
    findings = _apply_waivers(findings, waivers, facts)
    findings.sort(key=lambda f: f.sort_key)
    return Assessment(
        as_of=as_of,
        findings=tuple(findings),
        verdicts=_verdicts(findings),
        rules=tuple(spec.id for spec in specs),
        library_version=_library_version(),
        ruleset_version=_ruleset_version(specs),
        input_digest=input_digest(sms),
        system_name=sms.name,
    )


def run_rule(spec: RuleSpec, facts: Facts) -> list[Finding]:
    """Run one rule, turning a crash or malformed output into an ``error`` finding."""
    context = Context(facts, spec)
    try:
        produced = spec.function(context)
        results = list(produced) if produced is not None else []
    except Exception as exc:
        return [_error(spec, f"the rule raised {type(exc).__name__}: {exc}")]
    bad = [r for r in results if not isinstance(r, Finding) or r.rule != spec.id]
    if bad:
        sample = bad[0]
        what = (
            f"a finding of rule {sample.rule!r}"
            if isinstance(sample, Finding)
            else f"a {type(sample).__name__}"
        )
        return [_error(spec, f"the rule yielded {what}; rules must yield ctx.fail(...) findings")]
    if not results:
        return [context.passed("no nonconformity found")]
    return results


def _error(spec: RuleSpec, message: str) -> Finding:
    return Finding(
        rule=spec.id,
        clause=spec.clause,
        guidance=spec.guidance,
        status=Status.ERROR,
        severity=spec.severity,
        message=message,
    )


def _plugin_errors(registry: Registry) -> list[Finding]:
    return [
        Finding(
            rule=f"plugin:{name}",
            clause="4",
            status=Status.ERROR,
            severity=Severity.MAJOR,
            message=f"the rule plugin {name!r} failed to load ({summary}); its rules did not run",
        )
        for name, summary in registry.load_errors
    ]


def _declared_not_applicable(config: Config) -> list[Finding]:
    # The standard allows no exclusions, so declaring a clause not applicable is itself noted.
    out = []
    for number in config.not_applicable:
        catalog_clause(number)
        out.append(
            Finding(
                rule="SMS-4-no-exclusions",
                clause=number,
                status=Status.FAIL,
                severity=Severity.OBSERVATION,
                message=(
                    f"clause {number} is declared not applicable, but ISO/IEC 20000-1 allows no "
                    "exclusions: its requirements still apply and its rules still ran"
                ),
                subjects=(number,),
            )
        )
    return out


def _apply_waivers(
    findings: list[Finding], waivers: Sequence[Waiver], facts: Facts
) -> list[Finding]:
    if not waivers:
        return findings
    allowed = facts.top_management_and_representative
    used: set[str] = set()
    extra: list[Finding] = []
    valid: list[Waiver] = []
    for waiver in waivers:
        if waiver.approver not in allowed:
            extra.append(
                _waiver_finding(
                    waiver,
                    "SMS-waiver-approver",
                    Severity.MINOR,
                    f"waiver {waiver.id!r} was approved by {waiver.approver!r}, who is neither top "
                    "management nor the management representative; it was not applied",
                )
            )
        elif waiver.expires < facts.as_of:
            extra.append(
                _waiver_finding(
                    waiver,
                    "SMS-waiver-expired",
                    Severity.OBSERVATION,
                    f"waiver {waiver.id!r} expired on {waiver.expires.isoformat()}; "
                    "it was not applied",
                )
            )
        else:
            valid.append(waiver)
    out: list[Finding] = []
    for finding in findings:
        if finding.status is Status.FAIL:
            for waiver in valid:
                if waiver.covers(finding):
                    finding = attrs.evolve(finding, status=Status.WAIVED, waiver=waiver.id)
                    used.add(waiver.id)
                    break
        out.append(finding)
    for waiver in valid:
        if waiver.id not in used:
            extra.append(
                _waiver_finding(
                    waiver,
                    "SMS-waiver-unused",
                    Severity.OBSERVATION,
                    f"waiver {waiver.id!r} matches no failure; withdraw it or correct its target",
                )
            )
    return out + extra


def _waiver_finding(waiver: Waiver, rule_id: str, severity: Severity, message: str) -> Finding:
    clause = waiver.target if _is_clause(waiver.target) else "4.5.5.1"
    return Finding(
        rule=rule_id,
        clause=clause,
        status=Status.FAIL,
        severity=severity,
        message=message,
        subjects=(waiver.id,),
    )


def _is_clause(text: str) -> bool:
    try:
        catalog_clause(text)
    except LookupError:
        return False
    return True


def _verdicts(findings: list[Finding]) -> tuple[ClauseVerdict, ...]:
    # One pass over the findings: each counts towards its clause and every ancestor clause.
    counts: dict[str, Counter[str]] = {}
    worst: Counter[str] = Counter()
    for finding in findings:
        parts = finding.clause.split(".")
        for end in range(len(parts), 0, -1):
            number = ".".join(parts[:end])
            counts.setdefault(number, Counter())[finding.status.value] += 1
            if finding.failed and finding.severity.rank > worst[number]:
                worst[number] = finding.severity.rank
    out = []
    for clause in clauses():
        mine = counts.get(clause.number, Counter())
        rank = worst[clause.number]
        if rank == Severity.MAJOR.rank:
            verdict = Verdict.MAJOR
        elif rank == Severity.MINOR.rank:
            verdict = Verdict.MINOR
        elif mine.get(Status.ERROR.value) or not mine:
            verdict = Verdict.NOT_ASSESSED
        else:
            verdict = Verdict.CONFORMING
        out.append(
            ClauseVerdict(
                clause=clause.number,
                title=clause.title,
                verdict=verdict,
                counts={s.value: mine.get(s.value, 0) for s in Status},
            )
        )
    return tuple(out)


def _library_version() -> str:
    from sms_model import __version__

    return __version__


def _ruleset_version(specs: Iterable[RuleSpec]) -> str:
    digest = hashlib.sha256()
    for spec in specs:
        line = f"{spec.id}|{spec.clause}|{spec.severity.value}|{','.join(spec.guidance)}\n"
        digest.update(line.encode())
    return digest.hexdigest()[:16]


def input_digest(sms: ServiceManagementSystem) -> str:
    """SHA-256 of the SMS in canonical JSON: the same model gives the same digest."""
    from sms_model.io._convert import unstructure

    text = json.dumps(unstructure(sms), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
