"""Running rules over an SMS: :func:`assess` and the :class:`Assessment` it returns."""

from __future__ import annotations

import enum
import hashlib
import itertools
import json
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Final

import attrs

from sms_model._gc import paused_gc
from sms_model.catalog import Phase, clauses
from sms_model.catalog import clause as catalog_clause
from sms_model.model import COLLECTIONS, ServiceManagementSystem
from sms_model.rules._context import Context, Facts
from sms_model.rules._findings import Config, Finding, Severity, Status, Waiver, _clause_key
from sms_model.rules._registry import Registry, RuleSpec, default_registry

__all__ = ["Assessment", "ClauseVerdict", "Findings", "Verdict", "assess"]

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


@attrs.frozen(kw_only=True)
class _Group:
    """The findings of one rule (or one kind of engine finding) for one clause, sorted, with
    the counts needed for verdicts, so that results can be reused and combined cheaply."""

    key: tuple[tuple[int, ...], str, str]  # (clause key, clause, rule id): report order
    findings: tuple[Finding, ...]
    counts: Mapping[str, int]
    worst: int  # the highest severity rank among unwaived failures, 0 when none

    @staticmethod
    def of(findings: Iterable[Finding]) -> list[_Group]:
        by_key: dict[tuple[tuple[int, ...], str, str], list[Finding]] = {}
        for finding in findings:
            key = (_clause_key(finding.clause), finding.clause, finding.rule)
            by_key.setdefault(key, []).append(finding)
        groups = []
        for key, members in by_key.items():
            members.sort(key=lambda f: f.sort_key)
            counts = Counter(f.status.value for f in members)
            worst = max((f.severity.rank for f in members if f.failed), default=0)
            groups.append(_Group(key=key, findings=tuple(members), counts=counts, worst=worst))
        return groups


@attrs.define
class _State:
    """What an assessment remembers so that a later one can reuse unchanged results."""

    sms: ServiceManagementSystem
    view: ServiceManagementSystem  # the same system in canonical order, as rules saw it
    config: Config
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None]
    waivers: tuple[Waiver, ...]
    registry: Registry
    raw: dict[str, tuple[Finding, ...]]  # per rule id, before waivers
    groups: dict[str, list[_Group]]  # per rule id, after waivers
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
        """The unwaived failures, worst first."""
        failed = [f for f in self.findings if f.failed]
        return Findings(sorted(failed, key=lambda f: (-f.severity.rank, f.sort_key)))

    def failed_at(self, threshold: Severity) -> bool:
        """True when an unwaived failure, or a rule that could not run (``error``), reaches
        ``threshold`` (for CI gates: a requirement nobody could check cannot pass a gate)."""
        rank = threshold.rank
        return any(
            (f.failed or f.status is Status.ERROR) and f.severity.rank >= rank
            for f in self.findings
        )

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
    >>> from datetime import date
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> result = assess(sms, as_of=date(2026, 11, 27), select=["4.1.4"])
    >>> result.verdict("4.1.4").verdict.value
    'major'
    >>> renamed = attrs.evolve(sms, name="Minimal SMS, renamed")
    >>> again = assess(renamed, as_of=date(2026, 11, 27), select=["4.1.4"], previous=result)
    >>> again.findings == result.findings
    True
    """
    with paused_gc():
        return _assess(sms, as_of, select, ignore, config, waivers, registry, previous, progress)


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
    specs = registry.select(*selection)
    waivers = tuple(waivers)
    reusable = _reusable_rules(previous, sms, as_of, config, selection, registry, specs)
    old = previous._state if previous is not None and reusable else None
    # Rules see the system with its collections in id order, so that nothing they report
    # depends on the order of entities in the file; sorted parts are reused when unchanged.
    view = sms.reordered(_unchanged_views(previous, sms))
    facts = Facts(view, as_of, config)
    raw: dict[str, tuple[Finding, ...]] = {}
    groups: dict[str, list[_Group]] = {}
    for done, spec in enumerate(specs, 1):
        if old is not None and spec.id in reusable:
            raw[spec.id] = old.raw[spec.id]
            if not waivers and not old.waivers:
                groups[spec.id] = old.groups[spec.id]
        else:
            raw[spec.id] = tuple(run_rule(spec, facts))
        if progress is not None:
            progress(done, len(specs))
    waived, extra = _apply_waivers(raw, specs, waivers, facts)
    for rule_id, findings in raw.items():
        if rule_id not in groups:
            groups[rule_id] = _Group.of(waived.get(rule_id, findings))
    extra.extend(_plugin_errors(registry))
    extra.extend(_declared_not_applicable(config))
    ordered = sorted(
        itertools.chain(itertools.chain.from_iterable(groups.values()), _Group.of(extra)),
        key=lambda g: g.key,
    )
    state = _State(
        sms=sms,
        view=view,
        config=config,
        selection=selection,
        waivers=waivers,
        registry=registry,
        raw=raw,
        groups=groups,
        digests=_reusable_digests(old, sms),
    )
    return Assessment(
        as_of=as_of,
        findings=Findings(itertools.chain.from_iterable(g.findings for g in ordered)),
        verdicts=_verdicts(ordered),
        rules=tuple(spec.id for spec in specs),
        library_version=_library_version(),
        ruleset_version=_ruleset_version(specs),
        system_name=sms.name,
        _state=state,
    )


def _unchanged_views(
    previous: Assessment | None, sms: ServiceManagementSystem
) -> dict[str, tuple[Any, ...]]:
    if previous is None:
        return {}
    old = previous._state
    return {
        name: getattr(old.view, name)
        for name in ("duties", *COLLECTIONS)
        if getattr(old.sms, name) is getattr(sms, name)
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


def _reusable_rules(
    previous: Assessment | None,
    sms: ServiceManagementSystem,
    as_of: date,
    config: Config,
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None],
    registry: Registry,
    specs: Sequence[RuleSpec],
) -> frozenset[str]:
    if previous is None:
        return frozenset()
    old = previous._state
    same_run = (
        previous.as_of == as_of
        and old.registry is registry
        and old.selection == selection
        and old.config == config
        and previous.ruleset_version == _ruleset_version(specs)
    )
    if not same_run:
        return frozenset()
    changed = changed_parts(old.sms, sms)
    if "provider" in changed:
        return frozenset()  # who the provider is colours every rule
    return frozenset(
        spec.id
        for spec in specs
        if spec.id in old.raw and "*" not in spec.reads and not (spec.reads & changed)
    )


def run_rule(spec: RuleSpec, facts: Facts) -> list[Finding]:
    """Run one rule, turning a crash, malformed output or (with ``Config.rule_timeout``) a
    rule that runs too long into an ``error`` finding."""
    context = Context(facts, spec)
    timeout = facts.config.rule_timeout
    try:
        if timeout is None:
            results = _collect(spec, context)
        else:
            results = _collect_within(spec, context, timeout)
    except _TimedOut:
        return [_error(spec, f"the rule did not finish within {timeout:g} s and was abandoned")]
    except _BadOutput as exc:
        return [_error(spec, f"the rule yielded {exc}; rules must yield ctx.fail(...) findings")]
    except (Exception, SystemExit) as exc:  # a rule calling sys.exit() must not end the run
        return [_error(spec, f"the rule raised {type(exc).__name__}: {exc}")]
    for result in results:
        problem = _malformed(result, spec)
        if problem is not None:
            return [
                _error(spec, f"the rule yielded {problem}; rules must yield ctx.fail(...) findings")
            ]
    if not results:
        return [context.passed("no nonconformity found")]
    return results


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


def _collect(spec: RuleSpec, context: Context) -> list[Any]:
    produced = spec.function(context)
    if produced is None:
        raise _BadOutput("nothing (the function returned None: did it forget to yield?)")
    if isinstance(produced, str | bytes | Finding) or not hasattr(produced, "__iter__"):
        raise _BadOutput(
            f"an object of type {type(produced).__name__} instead of an iterable of findings"
        )
    results = list(itertools.islice(produced, MAX_FINDINGS_PER_RULE + 1))
    if len(results) > MAX_FINDINGS_PER_RULE:
        raise _BadOutput(f"more than {MAX_FINDINGS_PER_RULE:,} findings (an endless generator?)")
    return results


class _TimedOut(Exception):
    pass


def _collect_within(spec: RuleSpec, context: Context, timeout: float) -> list[Any]:
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
    results: list[Any] = outcome["results"]
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
    raw: Mapping[str, tuple[Finding, ...]],
    specs: Sequence[RuleSpec],
    waivers: Sequence[Waiver],
    facts: Facts,
) -> tuple[dict[str, list[Finding]], list[Finding]]:
    """The per-rule findings that waivers change, and the findings about the waivers."""
    extra: list[Finding] = []
    if not waivers:
        return {}, extra
    allowed = facts.top_management_and_representative
    valid: list[Waiver] = []
    for waiver in waivers:
        if waiver.approver not in allowed:
            extra.append(
                _waiver_finding(
                    waiver,
                    "SMS-waiver-approver",
                    Severity.MINOR,
                    f"waiver {waiver.id!r} was approved by {waiver.approver!r}, who is neither "
                    "top management nor the management representative; it was not applied",
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
    used: set[str] = set()
    changed: dict[str, list[Finding]] = {}
    for spec in specs:
        findings = raw[spec.id]
        if not any(f.status is Status.FAIL for f in findings):
            continue
        candidates = [w for w in valid if w.target == spec.id or _within(spec.clause, w.target)]
        if not candidates:
            continue
        out = []
        for finding in findings:
            if finding.status is Status.FAIL:
                for waiver in candidates:
                    if waiver.covers(finding):
                        finding = attrs.evolve(finding, status=Status.WAIVED, waiver=waiver.id)
                        used.add(waiver.id)
                        break
            out.append(finding)
        changed[spec.id] = out
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
    return changed, extra


def _within(number: str, prefix: str) -> bool:
    return number == prefix or number.startswith(prefix + ".")


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
    """SHA-256 over the canonical JSON of each part of the SMS: the same model gives the same
    digest, whatever produced it and whatever the order of its entities.

    >>> import sms_model
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> input_digest(sms) == input_digest(sms_model.loads(sms_model.dumps(sms)))
    True
    """
    view = sms.canonical()
    return _combine({part: _part_digest(view, part) for part in PARTS})


def _part_digest(view: ServiceManagementSystem, part: str) -> str:
    """The digest of one part of a canonical view (:meth:`ServiceManagementSystem.canonical`),
    whose collections are already in an order that does not depend on the file."""
    from sms_model.io._fast import plain_function

    value = getattr(view, part)
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
    joined = "plain-v1\n" + "".join(f"{part}:{digests[part]}\n" for part in PARTS)
    return "sha256:" + hashlib.sha256(joined.encode()).hexdigest()


def _digest(state: _State) -> str:
    with paused_gc():
        for part in PARTS:
            if part not in state.digests:
                state.digests[part] = _part_digest(state.view, part)
    return _combine(state.digests)


def _reusable_digests(old: _State | None, sms: ServiceManagementSystem) -> dict[str, str]:
    if old is None:
        return {}
    return {
        part: digest
        for part, digest in old.digests.items()
        if getattr(old.sms, part) is getattr(sms, part)
    }
