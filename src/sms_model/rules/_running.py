"""Running one rule: its findings by the item its loop was at, what it read, and the
``error`` finding that stands in for a rule that crashed, overran or yielded something else."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any, Final

import attrs

from sms_model.rules._context import Context, Facts
from sms_model.rules._findings import Finding, Severity, Status, _clause_key
from sms_model.rules._messages import finding_id, render
from sms_model.rules._reads import GLOBAL, Reads
from sms_model.rules._registry import RuleSpec, describe_exception
from sms_model.rules._results import Group, order

__all__ = ["MAX_FINDINGS_PER_RULE", "RuleRun", "execute", "passed", "run_rule", "run_whole"]


@attrs.define
class RuleRun:
    """What one run of a rule gave: its findings in order (the engine's pass when it found
    nothing); and, for re-assessment, the parts of the SMS it read (``read``, ``None`` when
    not known), its findings by partition and what it read of the evidence key by key."""

    group: Group
    read: frozenset[str] | None
    parts: dict[Any, list[Finding]] | None = None
    reads: Reads | None = None
    empty: bool = False  # the rule found nothing: its one finding is the engine's pass

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.group.findings

    def detached(self) -> RuleRun:
        """The same results without what makes partial re-runs possible (for sharing)."""
        return RuleRun(group=self.group, read=self.read, empty=self.empty)


def group_key(spec: RuleSpec) -> tuple[tuple[int, ...], str, str]:
    """Where a rule's findings sit in a report: by clause, then rule id."""
    return (_clause_key(spec.clause), spec.clause, spec.id)


def run_whole(spec: RuleSpec, facts: Facts, recording: bool) -> RuleRun:
    """Run a rule over the whole system; with ``recording``, note what it reads (not done when
    a rule may be abandoned in its own thread, whose late reads would garble the notes)."""
    track = facts._track
    reads = Reads() if recording else None
    read: set[str] | None = set() if recording else None
    track.parts, track.reads, track.partition = read, reads, GLOBAL
    try:
        parts = execute(spec, Context(facts, spec))
    finally:
        track.parts, track.reads, track.partition = None, None, GLOBAL
    noted = None if read is None else frozenset(read)
    if isinstance(parts, Finding):  # the rule failed to run
        return RuleRun(group=Group.sorted(group_key(spec), (parts,)), read=noted)
    findings = sorted(itertools.chain.from_iterable(parts.values()), key=order)
    empty = not findings
    if empty:
        findings = [passed(spec, facts)]
    group = Group.sorted(group_key(spec), tuple(findings))
    return RuleRun(group=group, read=noted, parts=parts, reads=reads, empty=empty)


def run_rule(spec: RuleSpec, facts: Facts) -> list[Finding]:
    """Run one rule, turning a crash, malformed output or (with ``Config.rule_timeout``) a
    rule that runs too long into an ``error`` finding."""
    parts = execute(spec, Context(facts, spec))
    if isinstance(parts, Finding):
        return [parts]
    results = list(itertools.chain.from_iterable(parts.values()))
    if not results:
        return [passed(spec, facts)]
    return results


def passed(spec: RuleSpec, facts: Facts) -> Finding:
    """The engine's pass for a rule that found nothing."""
    return Context(facts, spec).passed("no nonconformity found", code="rule.clean")


def execute(spec: RuleSpec, context: Context) -> dict[Any, list[Finding]] | Finding:
    """The findings of one rule by partition, or the ``error`` finding saying why there are
    none."""
    timeout = context.facts.config.rule_timeout
    try:
        if timeout is None:
            parts = _collect(spec, context)
        else:
            parts = _collect_within(spec, context, timeout)
    except _TimedOut:
        return _error(
            spec,
            "the rule did not finish within {seconds} s and was abandoned",
            "rule.timeout",
            seconds=f"{timeout:g}",
        )
    except _BadOutput as exc:
        return _error(spec, _YIELDED, "rule.bad-output", what=str(exc))
    except KeyboardInterrupt:
        raise  # Ctrl-C stops the run; a rule raising it itself cannot be told apart
    except BaseException as exc:  # sys.exit(), GeneratorExit, its own BaseException: an error
        return _error(spec, "the rule raised {error}", "rule.raised", error=describe_exception(exc))
    seen: set[Any] = set()
    clashes = explicit = False
    for found in parts.values():
        for result in found:
            problem = _malformed(result, spec)
            if problem is not None:
                return _error(spec, _YIELDED, "rule.bad-output", what=problem)
            # Findings of one rule share its identity: the rest of an id's input tells them apart
            # (made without allocating for the usual finding, about one subject, with no key).
            sign = _sign(result.subjects, result.key)
            clashes = clashes or sign in seen
            seen.add(sign)
            explicit = explicit or bool(result._id)
    if explicit:  # a hand-made finding may carry an id of its own: the ids themselves count
        ids = [f.id for found in parts.values() for f in found]
        clashes = len(set(ids)) < len(ids)
    return _distinct(parts, spec) if clashes else parts


def _sign(subjects: tuple[str, ...], key: str) -> Any:
    """What a finding's id derives from, besides its rule: equal exactly when the ids are."""
    named: Any = subjects
    if len(subjects) > 1:
        distinct = frozenset(subjects)
        named = (next(iter(distinct)),) if len(distinct) == 1 else distinct
    return (named, key) if key else named


def _distinct(parts: dict[Any, list[Finding]], spec: RuleSpec) -> dict[Any, list[Finding]]:
    """The findings with ids made distinct: a rule that yields several findings about the same
    subjects without a ``key`` to tell them apart gets one made from their evidence and, where
    that is not enough, their message code and template (never the text rendered from it,
    which moves with the as-of date) and then their place (less stable: state a ``key``)."""
    count = Counter(f.id for found in parts.values() for f in found)
    used: set[str] = set()

    def keyed(finding: Finding) -> Finding:
        if count[finding.id] == 1:
            return finding
        for extra in _discriminators(finding):
            key = f"{finding.key}|{extra}" if finding.key else extra
            new_id = finding_id(spec.identity, finding.subjects, key)
            if new_id not in used and new_id not in count:
                used.add(new_id)
                return attrs.evolve(finding, key=key, id=new_id)
        raise AssertionError("unreachable: the place of a finding is always new")

    return {part: [keyed(f) for f in found] for part, found in parts.items()}


def _discriminators(finding: Finding) -> Iterator[str]:
    evidence = "evidence:" + ",".join(finding.evidence)
    yield evidence
    message = f"{evidence}|code:{finding.code}|message:{finding.template or finding._message}"
    yield message
    yield from (f"{message}|#{n}" for n in itertools.count(2))


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
    if type(result._message) is not str:  # not .message: that renders it
        return f"a finding whose message is a {type(result._message).__name__}"
    for name in ("template", "code", "key", "_id"):
        value = getattr(result, name)
        if type(value) is not str:
            return f"a finding whose {name.lstrip('_')} is a {type(value).__name__}, not text"
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


_YIELDED: Final = "the rule yielded {what}; rules must yield ctx.fail(...) findings"


def _error(spec: RuleSpec, template: str, code: str, **params: Any) -> Finding:
    return Finding(
        rule=spec.id,
        clause=spec.clause,
        guidance=spec.guidance,
        status=Status.ERROR,
        severity=spec.severity,
        message=render(template, params),
        code=code,
        params=params,
        id=spec.given_id((), ""),
    )
