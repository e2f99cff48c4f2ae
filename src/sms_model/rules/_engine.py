"""Running rules over an SMS: :func:`assess` and the :class:`Assessment` it returns."""

from __future__ import annotations

import bisect
import enum
import hashlib
import itertools
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from operator import is_
from typing import Any, Final

import attrs

from sms_model._gc import paused_gc
from sms_model.catalog import Phase, clauses
from sms_model.catalog import clause as catalog_clause
from sms_model.errors import ArgumentError, SelectionError
from sms_model.model import COLLECTIONS, Evidence, ServiceManagementSystem
from sms_model.rules._context import (
    GLOBAL,
    Context,
    EvidenceIndex,
    Facts,
    Ordered,
    Reads,
    RuleView,
)
from sms_model.rules._findings import (
    Config,
    Finding,
    Severity,
    Status,
    Waiver,
    _clause_key,
    _within,
)
from sms_model.rules._registry import Registry, RuleSpec, default_registry, describe_exception

__all__ = ["Assessment", "ClauseVerdict", "Findings", "Verdict", "assess"]

#: Version of the JSON document written by :meth:`Assessment.to_json`.
REPORT_FORMAT: Final = 1


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


#: The parts of an SMS whose changes incremental re-assessment tracks.
PARTS: Final = ("name", "provider", "top_management", "scope", "plan", "duties", *COLLECTIONS)


def _order(finding: Finding) -> tuple[Any, ...]:
    """The order of the findings of one rule (whose clause and rule id are all the same):
    total, so that findings can be inserted into a sorted run one at a time."""
    return (
        finding.subjects,
        finding.status._value_,
        finding.message,
        finding.severity._value_,
        finding.evidence,
        finding.guidance,
        finding.waiver or "",
    )


@attrs.frozen(kw_only=True)
class _Group:
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
    def of(findings: Iterable[Finding]) -> list[_Group]:
        by_key: dict[tuple[tuple[int, ...], str, str], list[Finding]] = {}
        for finding in findings:
            key = (_clause_key(finding.clause), finding.clause, finding.rule)
            by_key.setdefault(key, []).append(finding)
        groups = []
        for key, members in by_key.items():
            members.sort(key=_order)
            groups.append(_Group.sorted(key, tuple(members)))
        return groups

    @staticmethod
    def sorted(key: tuple[tuple[int, ...], str, str], findings: tuple[Finding, ...]) -> _Group:
        """The group of findings already in order."""
        counts = Counter(f.status._value_ for f in findings)
        failures = Counter(f.severity.rank for f in findings if f.status is Status.FAIL)
        return _Group(key=key, findings=findings, counts=counts, failures=failures)

    def changed(
        self, findings: tuple[Finding, ...], gone: Iterable[Finding], new: Iterable[Finding]
    ) -> _Group:
        """This group with ``gone`` replaced by ``new`` (``findings`` is the result, sorted)."""
        counts = Counter(self.counts)
        failures = Counter(self.failures)
        for finding, step in itertools.chain(((f, -1) for f in gone), ((f, 1) for f in new)):
            counts[finding.status._value_] += step
            if finding.status is Status.FAIL:
                failures[finding.severity.rank] += step
        return _Group(key=self.key, findings=findings, counts=+counts, failures=+failures)


@attrs.define
class _RuleRun:
    """What one run of a rule gave: its findings in order (the engine's pass when it found
    nothing), and, for re-assessment, its findings by partition and what it read of the
    evidence (``None`` when not known)."""

    group: _Group
    parts: dict[Any, list[Finding]] | None
    reads: Reads | None
    empty: bool  # the rule found nothing: its one finding is the engine's pass

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.group.findings

    def detached(self) -> _RuleRun:
        """The same results without what makes partial re-runs possible (for sharing)."""
        return _RuleRun(group=self.group, parts=None, reads=None, empty=self.empty)


@attrs.define
class _State:
    """What an assessment remembers so that a later one can reuse unchanged results."""

    sms: ServiceManagementSystem
    view: ServiceManagementSystem  # the same system in canonical order, evidence aside
    evidence: Ordered  # the evidence in canonical order
    config: Config
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None]
    waivers: tuple[Waiver, ...]
    registry: Registry
    registry_version: int
    specs: tuple[RuleSpec, ...]
    ruleset_version: str
    runs: dict[str, _RuleRun]  # per rule id, before waivers
    groups: dict[str, list[_Group]]  # per rule id, after waivers
    used: dict[str, frozenset[str]]  # per rule id that some waiver targets: the waivers used
    verdicts: tuple[ClauseVerdict, ...]
    extra: tuple[Finding, ...]  # findings of the engine's own (waivers, plugins, exclusions)
    facts: Facts | None  # handed on to the next assessment made from this one
    digests: dict[str, str] = attrs.Factory(dict)  # per part of the SMS


@attrs.frozen(kw_only=True)
class Assessment:
    """The result of assessing an SMS as of a date: findings in a stable order, a verdict per
    clause, a PDCA summary, counts, and what produced them (versions, input digest).

    ``to_json()`` is byte-identical for the same input, rules and configuration. Pass an
    assessment as ``previous=`` to :func:`assess` to re-run only the rules whose inputs changed.
    """

    as_of: date
    findings: Findings
    verdicts: tuple[ClauseVerdict, ...]
    rules: tuple[str, ...]
    library_version: str
    ruleset_version: str
    system_name: str
    _state: _State = attrs.field(eq=False, repr=False, alias="_state")

    @property
    def input_digest(self) -> str:
        """SHA-256 over the parts of the assessed SMS: the same model gives the same digest.

        Computed on first use (reports include it), reusing the digests of parts unchanged
        since a previous assessment.
        """
        return _digest(self._state)

    @property
    def sms(self) -> ServiceManagementSystem:
        """The system that was assessed."""
        return self._state.sms

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
        phases = {c.number: c.pdca for c in clauses() if c.pdca is not None}
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


def assess(
    sms: ServiceManagementSystem,
    *,
    as_of: date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    registry: Registry | None = None,
    previous: Assessment | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> Assessment:
    """Assess an SMS against the rules, as of a date (today when not given).

    Each selected rule runs once; a rule that raises, or yields something that is not a
    finding, becomes an ``error`` finding and every other rule still runs. Waivers turn
    matching failures into ``waived`` (never ``pass``); expired, unused or wrongly approved
    waivers are findings themselves.

    With ``previous`` (an assessment of an earlier version of the same SMS, made with the same
    date, selection, configuration and registry), only the rules that read a changed part of
    the SMS run again; the result is the same as a full assessment. ``progress``, if given, is
    called as ``progress(done, total)`` after each rule (for progress bars).

    >>> import attrs, sms_model
    >>> from datetime import date, datetime
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> result = assess(sms, as_of=date(2026, 11, 27), select=["4.1.4"])
    >>> result.verdict("4.1.4").verdict.value
    'major'
    >>> renamed = attrs.evolve(sms, name="Minimal SMS, renamed")
    >>> again = assess(renamed, as_of=date(2026, 11, 27), select=["4.1.4"], previous=result)
    >>> again.findings == result.findings
    True
    """
    _check_arguments(sms, as_of, config, waivers, registry, previous, progress)
    select, ignore = _selectors("select", select), _selectors("ignore", ignore)
    # A full assessment builds long-lived indexes and findings; a re-assessment builds little.
    with paused_gc(promote=previous is None):
        return _assess(sms, as_of, select, ignore, config, waivers, registry, previous, progress)


def _check_arguments(
    sms: object,
    as_of: object,
    config: object,
    waivers: object,
    registry: object,
    previous: object,
    progress: object,
) -> None:
    """Refuse arguments of the wrong type before any rule runs, each with what to pass."""
    if not isinstance(sms, ServiceManagementSystem):
        raise ArgumentError(f"sms must be a ServiceManagementSystem, not {_kind(sms)}")
    if as_of is not None and type(as_of) is not date:
        hint = " (use its .date())" if isinstance(as_of, datetime) else ""
        if isinstance(as_of, str):
            hint = " (use datetime.date.fromisoformat)"
        raise ArgumentError(f"as_of must be a datetime.date, not {_kind(as_of)}{hint}")
    expected = (
        ("config", config, Config),
        ("registry", registry, Registry),
        ("previous", previous, Assessment),
    )
    for name, value, cls in expected:
        if value is not None and not isinstance(value, cls):
            raise ArgumentError(f"{name} must be a {cls.__name__} or None, not {_kind(value)}")
    if isinstance(waivers, str | bytes) or not isinstance(waivers, Sequence):
        raise ArgumentError(f"waivers must be a sequence of Waiver, not {_kind(waivers)}")
    for i, waiver in enumerate(waivers):
        if not isinstance(waiver, Waiver):
            raise ArgumentError(f"waivers[{i}] must be a Waiver, not {_kind(waiver)}")
    if progress is not None and not callable(progress):
        raise ArgumentError(f"progress must be callable, not {_kind(progress)}")


def _selectors(name: str, value: object) -> tuple[str, ...] | None:
    """Selectors as a tuple (one string is one selector); an empty selection is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise ArgumentError(f"{name} must be a list of selectors, not {_kind(value)}")
    selectors = tuple(value)
    if not all(isinstance(s, str) for s in selectors):
        raise ArgumentError(f"{name} must hold selectors as text, found {selectors!r}")
    if not selectors and name == "select":
        raise SelectionError("select=[] selects no rule; leave it out to run every rule")
    return selectors


def _kind(value: object) -> str:
    text = repr(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} {shown}"


def _assess(
    sms: ServiceManagementSystem,
    as_of: date | None,
    select: Iterable[str] | None,
    ignore: Iterable[str] | None,
    config: Config | None,
    waivers: Sequence[Waiver],
    registry: Registry | None,
    previous: Assessment | None,
    progress: Callable[[int, int], object] | None = None,
) -> Assessment:
    as_of = as_of or date.today()
    config = config or Config()
    registry = registry if registry is not None else default_registry()
    selection = (_frozen(select), _frozen(ignore))
    old = previous._state if previous is not None else None
    if (
        old is not None
        and old.registry is registry
        and old.selection == selection
        and old.registry_version == registry.version
    ):
        specs, ruleset_version = old.specs, old.ruleset_version
    else:
        specs = registry.select(*selection)
        if not specs:
            raise SelectionError(_nothing_selected(selection, registry))
        ruleset_version = _ruleset_version(specs)
    waivers = tuple(waivers)
    if not (
        previous is not None
        and old is not None
        and previous.as_of == as_of
        and old.registry is registry
        and old.registry_version == registry.version  # no rule replaced under the same id
        and old.selection == selection
        and old.config == config
        and previous.ruleset_version == ruleset_version
    ):
        old = None
    edits = sms.changes_since(old.sms) if old is not None else None
    changed: frozenset[str] = frozenset()
    if old is not None:
        changed = frozenset(edits) if edits is not None else changed_parts(old.sms, sms)
        if "provider" in changed:
            old = None  # who the provider is colours every rule
    # Evidence changes are followed record by record; the other parts, part by part.
    removed: list[Evidence] | None = None
    added: list[Evidence] | None = None
    if old is not None and "evidence" in changed:
        removed, added = _evidence_delta(old.sms, sms, edits)
    # Rules see the system with its collections in id order, so that nothing they report
    # depends on the order of entities in the file; sorted parts are reused when unchanged.
    # The evidence, by far the largest part, is put in id order only when something needs the
    # whole of it; its indexes are kept up to date record by record.
    known = _unchanged_views(old, sms)
    known["evidence"] = sms.evidence  # the view's own copy stays in file order
    view = sms.reordered(known)
    if old is not None and old.sms.evidence is sms.evidence:
        evidence = old.evidence
    elif old is not None and removed is not None and added is not None:
        evidence = Ordered(sms.evidence, old.evidence, removed, added)
    else:
        evidence = Ordered(sms.evidence)
    facts = Facts(view, as_of, config)
    facts._ev = EvidenceIndex(evidence.get, as_of)
    facts.sms = RuleView.of(view, facts._track, evidence.get)
    # Fine-grained reuse takes over the previous assessment's indexes and records of what
    # each rule read; an assessment hands them on once (a second re-assessment from the same
    # previous one re-runs every rule that reads a changed part).
    tracking = config.rule_timeout is None  # an abandoned rule's thread could garble records
    touched = None
    fine = False
    handed = _hand_over(old) if old is not None and tracking else None
    if handed is not None:
        touched = facts._adopt(handed, changed, removed, added)
        fine = True
    runs: dict[str, _RuleRun] = {}
    for done, spec in enumerate(specs, 1):
        run = None
        before = old.runs.get(spec.id) if old is not None else None
        if before is not None:
            reads_changed = "*" in spec.reads or bool(spec.reads & changed)
            if not reads_changed:
                run = before if fine else before.detached()
            elif fine and touched is not None and (spec.reads & changed) == {"evidence"}:
                run = _rerun_changed(spec, facts, before, touched)
        if run is None:
            run = _run(spec, facts, tracking)
            if before is not None and run.findings == before.findings:
                run.group = before.group  # the same findings: keep the very same objects
        runs[spec.id] = run
        if progress is not None:
            progress(done, len(specs))
    # Waived groups are kept for rules found the same as before, when the waivers are the
    # same and so is who may approve them.
    same_waivers = old is not None and old.waivers == waivers and "top_management" not in changed
    groups, used, extra = _apply_waivers(
        runs, specs, waivers, facts, old if same_waivers else None, registry
    )
    extra.extend(_plugin_errors(registry))
    extra.extend(_declared_not_applicable(config))
    extra_groups = _Group.of(extra)
    ordered = sorted(
        itertools.chain(itertools.chain.from_iterable(groups.values()), extra_groups),
        key=lambda g: g.key,
    )
    # The engine's own findings are derived afresh; when they equal the last run's, the rule
    # findings decide whether anything changed.
    base = old if old is not None and tuple(extra) == old.extra else None
    if base is not None and previous is not None and _groups_match(groups, base.groups, is_):
        # Nothing any rule found has changed: the findings are the very same as before.
        findings, verdicts = previous.findings, base.verdicts
    else:
        findings = Findings(itertools.chain.from_iterable(g.findings for g in ordered))
        if base is not None and _groups_match(groups, base.groups, _same_tally):
            verdicts = base.verdicts
        else:
            verdicts = _verdicts(ordered)
    state = _State(
        sms=sms,
        view=view,
        evidence=evidence,
        config=config,
        selection=selection,
        waivers=waivers,
        registry=registry,
        registry_version=registry.version,
        specs=specs,
        ruleset_version=ruleset_version,
        runs=runs,
        groups=groups,
        used=used,
        verdicts=verdicts,
        extra=tuple(extra),
        facts=facts if tracking else None,
        digests=_reusable_digests(old, sms),
    )
    return Assessment(
        as_of=as_of,
        findings=findings,
        verdicts=verdicts,
        rules=tuple(spec.id for spec in specs),
        library_version=_library_version(),
        ruleset_version=ruleset_version,
        system_name=sms.name,
        _state=state,
    )


def _nothing_selected(
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None], registry: Registry
) -> str:
    select, ignore = selection
    if not len(registry):
        return "the registry holds no rule, so nothing would be assessed"
    chosen = "every rule" if select is None else f"select {list(select)}"
    return f"{chosen} less ignore {list(ignore or ())} leaves no rule to run"


def _groups_match(
    groups: Mapping[str, list[_Group]],
    before: Mapping[str, list[_Group]],
    same: Callable[[_Group, _Group], bool],
) -> bool:
    """True when each rule has as many groups as before and ``same`` holds for each pair."""
    if groups.keys() != before.keys():
        return False
    for rule_id, mine in groups.items():
        theirs = before[rule_id]
        if len(mine) != len(theirs) or not all(map(same, mine, theirs)):
            return False
    return True


def _same_tally(new: _Group, old: _Group) -> bool:
    """The same findings by status and failures by severity (so the same verdicts)."""
    return new is old or (
        new.key == old.key and new.counts == old.counts and new.failures == old.failures
    )


_HAND_OVER: Final = threading.Lock()


def _hand_over(old: _State) -> Facts | None:
    """The facts of a previous assessment, to one re-assessment only (even when several
    threads re-assess from it at once): they are updated in place from then on."""
    with _HAND_OVER:
        facts, old.facts = old.facts, None
    return facts


#: Beyond this many changed evidence records, the evidence is indexed and sorted afresh.
_DELTA_LIMIT: Final = 256


def _evidence_delta(
    before: ServiceManagementSystem,
    after: ServiceManagementSystem,
    edits: Mapping[str, frozenset[str]] | None,
) -> tuple[list[Evidence] | None, list[Evidence] | None]:
    """The evidence records gone from ``before`` and new in ``after`` (a changed record is in
    both), or ``(None, None)`` when there are too many to follow one by one."""
    if edits is not None:
        ids = sorted(edits.get("evidence", ()))
        if len(ids) > _DELTA_LIMIT:
            return None, None
        gone = [e for e in map(before.find, ids) if type(e) is Evidence]
        new = [e for e in map(after.find, ids) if type(e) is Evidence]
        return gone, new
    old, current = before.evidence, after.evidence
    if len(old) == len(current):
        # Identity first (in C); equality only for the records that are not the same objects
        # (all of them after loading the file again), up to the limit.
        pairs = [(a, b) for a, b in zip(old, current, strict=True) if a is not b]
        if len(pairs) > _DELTA_LIMIT:
            differ = []
            for pair in pairs:
                if pair[0] != pair[1]:
                    differ.append(pair)
                    if len(differ) > _DELTA_LIMIT:
                        return None, None
            pairs = differ
        return [a for a, _ in pairs], [b for _, b in pairs]
    old_ids = {e.id: e for e in old}
    new_ids = {e.id: e for e in current}
    gone = [e for e in old if new_ids.get(e.id) is not e]
    new = [e for e in current if old_ids.get(e.id) is not e]
    if len(gone) + len(new) > 2 * _DELTA_LIMIT:
        return None, None
    return gone, new


def _unchanged_views(
    old: _State | None, sms: ServiceManagementSystem
) -> dict[str, tuple[Any, ...]]:
    if old is None:
        return {}
    return {
        name: getattr(old.view, name)
        for name in ("duties", *COLLECTIONS)
        if name != "evidence" and getattr(old.sms, name) is getattr(sms, name)
    }


def _frozen(selectors: Iterable[str] | None) -> tuple[str, ...] | None:
    return None if selectors is None else tuple(selectors)


def changed_parts(old: ServiceManagementSystem, new: ServiceManagementSystem) -> frozenset[str]:
    """The parts of the SMS (``PARTS``) that differ between two versions.

    Unchanged parts are usually the very same objects (``attrs.evolve`` keeps them), so the
    comparison is an identity check for them and an equality check only for the others.
    """
    changed = set()
    for part in PARTS:
        before, after = getattr(old, part), getattr(new, part)
        if before is not after and before != after:
            changed.add(part)
    return frozenset(changed)


def _group_key(spec: RuleSpec) -> tuple[tuple[int, ...], str, str]:
    return (_clause_key(spec.clause), spec.clause, spec.id)


def _run(spec: RuleSpec, facts: Facts, tracking: bool) -> _RuleRun:
    """Run a rule over the whole system."""
    reads = Reads() if tracking else None
    track = facts._track
    track.reads, track.partition = reads, GLOBAL
    try:
        parts = _execute(spec, Context(facts, spec))
    finally:
        track.reads, track.partition = None, GLOBAL
    if isinstance(parts, Finding):  # the rule failed to run
        return _RuleRun(
            group=_Group.sorted(_group_key(spec), (parts,)), parts=None, reads=None, empty=False
        )
    findings = sorted(itertools.chain.from_iterable(parts.values()), key=_order)
    empty = not findings
    if empty:
        findings = [_passed(spec, facts)]
    group = _Group.sorted(_group_key(spec), tuple(findings))
    return _RuleRun(group=group, parts=parts, reads=reads, empty=empty)


def _rerun_changed(
    spec: RuleSpec, facts: Facts, before: _RuleRun, touched: set[tuple[str, Any]]
) -> _RuleRun | None:
    """Reuse a run whose evidence reads the change did not touch, or re-check just the items
    (partitions) whose reads it touched; ``None`` when the rule must run whole again."""
    reads, parts = before.reads, before.parts
    if reads is None or parts is None or reads.whole:
        return None
    affected = reads.partitions(touched)
    if not affected:
        return before
    if GLOBAL in affected:
        return None
    track = facts._track
    track.reads, track.partition = reads, GLOBAL
    try:
        fresh = _execute(spec, Context(facts, spec, only=affected))
    finally:
        track.reads, track.partition = None, GLOBAL
    if isinstance(fresh, Finding) or not fresh.keys() <= affected | {GLOBAL}:
        return None
    # What the rule yields outside its loop depends on nothing that changed: if it differs,
    # the rule used after the loop what it learnt inside, and must run whole.
    if sorted(fresh.pop(GLOBAL, ()), key=_order) != sorted(parts.get(GLOBAL, ()), key=_order):
        return None
    gone = [f for part in affected for f in parts.get(part, ())]
    new = [f for part in affected for f in fresh.get(part, ())]
    if gone == new:  # the same findings for every item checked again: keep the same objects
        return before
    for part in affected:
        parts.pop(part, None)
    parts.update((part, found) for part, found in fresh.items() if found)
    findings = [] if before.empty else list(before.findings)
    for finding in gone:
        _discard(findings, finding)
    for finding in new:
        bisect.insort(findings, finding, key=_order)
    if before.empty:
        gone = list(before.findings)
    empty = not findings
    if empty:
        findings = [_passed(spec, facts)]
        new = findings
    group = before.group.changed(tuple(findings), gone, new)
    return _RuleRun(group=group, parts=parts, reads=reads, empty=empty)


def _discard(findings: list[Finding], finding: Finding) -> None:
    """Remove one finding equal to ``finding`` from a list in ``_order`` (the order is total
    over the fields that can differ within a rule, so an equal key is an equal finding)."""
    key = _order(finding)
    at = bisect.bisect_left(findings, key, key=_order)
    if at < len(findings) and _order(findings[at]) == key:
        del findings[at]


def run_rule(spec: RuleSpec, facts: Facts) -> list[Finding]:
    """Run one rule, turning a crash, malformed output or (with ``Config.rule_timeout``) a
    rule that runs too long into an ``error`` finding."""
    parts = _execute(spec, Context(facts, spec))
    if isinstance(parts, Finding):
        return [parts]
    results = list(itertools.chain.from_iterable(parts.values()))
    if not results:
        return [_passed(spec, facts)]
    return results


def _passed(spec: RuleSpec, facts: Facts) -> Finding:
    """The engine's pass for a rule that found nothing."""
    return Context(facts, spec).passed("no nonconformity found")


def _execute(spec: RuleSpec, context: Context) -> dict[Any, list[Finding]] | Finding:
    """The findings of one rule by partition, or the ``error`` finding saying why there are
    none."""
    timeout = context.facts.config.rule_timeout
    try:
        if timeout is None:
            parts = _collect(spec, context)
        else:
            parts = _collect_within(spec, context, timeout)
    except _TimedOut:
        return _error(spec, f"the rule did not finish within {timeout:g} s and was abandoned")
    except _BadOutput as exc:
        return _error(spec, f"the rule yielded {exc}; rules must yield ctx.fail(...) findings")
    except KeyboardInterrupt:
        raise  # Ctrl-C stops the run; a rule raising it itself cannot be told apart
    except BaseException as exc:  # sys.exit(), GeneratorExit, its own BaseException: an error
        return _error(spec, f"the rule raised {describe_exception(exc)}")
    for found in parts.values():
        for result in found:
            problem = _malformed(result, spec)
            if problem is not None:
                return _error(
                    spec, f"the rule yielded {problem}; rules must yield ctx.fail(...) findings"
                )
    return parts


#: A rule yielding more findings than this is taken to be stuck in an endless generator.
MAX_FINDINGS_PER_RULE: Final = 1_000_000
_RULE_STATUSES: Final = frozenset({Status.PASS, Status.FAIL, Status.ERROR, Status.NOT_APPLICABLE})
_TEXT: Final = frozenset({str})


class _BadOutput(Exception):
    """What a rule produced is not a collection of findings."""


def _malformed(result: Any, spec: RuleSpec) -> str | None:
    """What is wrong with one item a rule yielded, or ``None`` for a well-formed finding."""
    if type(result) is not Finding:
        return f"an object of type {type(result).__name__}"
    if result.rule != spec.id:
        return f"a finding of rule {result.rule!r}"
    if result.clause != spec.clause:
        return f"a finding of clause {result.clause!r}, not of its own clause {spec.clause}"
    if result.status not in _RULE_STATUSES or type(result.status) is not Status:
        return f"a finding with status {result.status!r} (only the engine waives)"
    if type(result.severity) is not Severity:
        return f"a finding with severity {result.severity!r}"
    if type(result.message) is not str:
        return f"a finding whose message is a {type(result.message).__name__}"
    if result.waiver is not None:
        return "a finding that names a waiver (only the engine applies waivers)"
    for name in ("subjects", "evidence", "guidance"):
        if not _TEXT.issuperset(map(type, getattr(result, name))):
            return f"a finding whose {name} are not all ids"
    return None


def _collect(spec: RuleSpec, context: Context) -> dict[Any, list[Any]]:
    produced = spec.function(context)
    if produced is None:
        raise _BadOutput("nothing (the function returned None: did it forget to yield?)")
    if isinstance(produced, str | bytes | Finding) or not hasattr(produced, "__iter__"):
        raise _BadOutput(
            f"an object of type {type(produced).__name__} instead of an iterable of findings"
        )
    # Each finding belongs to the item Context.each was at when it was yielded.
    track = context.facts._track
    parts: dict[Any, list[Any]] = {}
    for count, result in enumerate(produced, 1):
        found = parts.get(track.partition)
        if found is None:
            parts[track.partition] = [result]
        else:
            found.append(result)
        if count > MAX_FINDINGS_PER_RULE:
            raise _BadOutput(
                f"more than {MAX_FINDINGS_PER_RULE:,} findings (an endless generator?)"
            )
    return parts


class _TimedOut(Exception):
    pass


def _collect_within(spec: RuleSpec, context: Context, timeout: float) -> dict[Any, list[Any]]:
    # Python cannot stop a thread: a rule that overruns is left to finish in a daemon thread
    # and its results are discarded. The SMS is immutable, so it cannot affect anything else.
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["results"] = _collect(spec, context)
        except BaseException as exc:  # handed back to the calling thread
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"sms-model rule {spec.id}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _TimedOut
    if "error" in outcome:
        raise outcome["error"]
    results: dict[Any, list[Any]] = outcome["results"]
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
    for number in dict.fromkeys(config.not_applicable):
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
    runs: Mapping[str, _RuleRun],
    specs: Sequence[RuleSpec],
    waivers: Sequence[Waiver],
    facts: Facts,
    old: _State | None,
    registry: Registry,
) -> tuple[dict[str, list[_Group]], dict[str, frozenset[str]], list[Finding]]:
    """The groups of each rule after waivers, the waivers each rule used (for rules some
    waiver targets), and the findings about the waivers. With ``old`` (an assessment with the
    same waivers, date and top management), a rule whose findings are the same objects as
    then keeps its waived groups."""
    groups = {rule_id: [run.group] for rule_id, run in runs.items()}
    used: dict[str, frozenset[str]] = {}
    extra: list[Finding] = []
    if not waivers:
        return groups, used, extra
    valid: list[Waiver] = []
    for waiver in waivers:
        refused = _refused_waiver(waiver, facts, registry)
        if refused is not None:
            extra.append(refused)
            continue
        valid.append(waiver)
        if _is_clause(waiver.target):
            extra.append(
                _waiver_finding(
                    waiver,
                    "SMS-waiver-scope",
                    Severity.OBSERVATION,
                    f"waiver {waiver.id!r} waives every failure of clause {waiver.target} and "
                    "its sub-clauses"
                    + (f" about {waiver.subject!r}" if waiver.subject else "")
                    + "; a waiver per rule (and subject) says what exactly is accepted",
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
                    "SMS-waiver-unused",
                    Severity.OBSERVATION,
                    f"waiver {waiver.id!r} matches no failure; withdraw it or correct its target",
                )
            )
    return groups, used, extra


def _waived(
    findings: Sequence[Finding], candidates: Sequence[Waiver]
) -> tuple[list[_Group], frozenset[str]]:
    """One rule's findings with the failures a waiver covers waived, and the waivers used."""
    if not any(f.status is Status.FAIL for f in findings):
        return _Group.of(findings), frozenset()
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
    return _Group.of(out), frozenset(mine)


def _aims_at(waiver: Waiver, spec: RuleSpec) -> bool:
    """Whether a waiver targets this rule: its id, an alias, or its clause or a parent."""
    target = waiver.target
    return target == spec.id or target in spec.aliases or _within(spec.clause, target)


def _refused_waiver(waiver: Waiver, facts: Facts, registry: Registry) -> Finding | None:
    """The finding saying why a waiver is not applied, or ``None`` when it may be."""
    as_of = facts.as_of
    if waiver.approver not in facts.top_management:
        return _waiver_finding(
            waiver,
            "SMS-waiver-approver",
            Severity.MINOR,
            f"waiver {waiver.id!r} was approved by {waiver.approver!r}, who is not a member "
            "of top management; it was not applied",
        )
    if not _is_clause(waiver.target) and waiver.target not in registry:
        return _waiver_finding(
            waiver,
            "SMS-waiver-target",
            Severity.MINOR,
            f"waiver {waiver.id!r} targets {waiver.target!r}, which is neither a clause of "
            "ISO/IEC 20000-1:2011 nor a rule of this assessment; it was not applied",
        )
    if waiver.expires < as_of:
        return _waiver_finding(
            waiver,
            "SMS-waiver-expired",
            Severity.OBSERVATION,
            f"waiver {waiver.id!r} expired on {waiver.expires.isoformat()}; it was not applied",
        )
    if waiver.granted is not None and waiver.granted > as_of:
        return _waiver_finding(
            waiver,
            "SMS-waiver-expired",
            Severity.OBSERVATION,
            f"waiver {waiver.id!r} is granted only on {waiver.granted.isoformat()}, after the "
            "as-of date; it was not applied",
        )
    start = waiver.granted or as_of
    limit = facts.config.waiver_limit
    if limit.next_due(start) < waiver.expires:
        return _waiver_finding(
            waiver,
            "SMS-waiver-duration",
            Severity.MINOR,
            f"waiver {waiver.id!r} runs from {start.isoformat()} to "
            f"{waiver.expires.isoformat()}, longer than the limit ({limit}); shorten it and "
            "review it again then; it was not applied",
        )
    return None


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


def _verdicts(groups: Sequence[_Group]) -> tuple[ClauseVerdict, ...]:
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
    for clause in clauses():
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
    """SHA-256 over the canonical JSON of each part of the SMS: the same model gives the same
    digest, whatever produced it and whatever the order of its entities.

    >>> import sms_model
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> input_digest(sms) == input_digest(sms_model.loads(sms_model.dumps(sms)))
    True
    """
    view = sms.canonical()
    return _combine({part: _value_digest(getattr(view, part)) for part in PARTS})


def _value_digest(value: Any) -> str:
    """The digest of one part of a canonical view (:meth:`ServiceManagementSystem.canonical`),
    whose collections are already in an order that does not depend on the file."""
    from sms_model.io._fast import plain_function

    plain: Any
    if isinstance(value, tuple):
        convert = plain_function(type(value[0])) if value else None
        plain = [convert(item) for item in value] if convert else []
    elif attrs.has(type(value)):
        plain = plain_function(type(value))(value)
    else:
        plain = value
    text = json.dumps(plain, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _combine(digests: Mapping[str, str]) -> str:
    joined = "plain-v2\n" + "".join(f"{part}:{digests[part]}\n" for part in PARTS)
    return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()


def _digest(state: _State) -> str:
    with paused_gc():
        for part in PARTS:
            if part not in state.digests:
                value = state.evidence.get() if part == "evidence" else getattr(state.view, part)
                state.digests[part] = _value_digest(value)
    return _combine(state.digests)


def _reusable_digests(old: _State | None, sms: ServiceManagementSystem) -> dict[str, str]:
    if old is None:
        return {}
    return {
        part: digest
        for part, digest in old.digests.items()
        if getattr(old.sms, part) is getattr(sms, part)
    }
