"""Incremental re-assessment: reusing what an earlier assessment found for what did not change.

The engine (:mod:`sms_model.rules._engine`) asks this module three things, through
:class:`Reuse`: the system prepared for the rules (views and evidence indexes carried over
from the earlier assessment and brought up to date), for each rule whether its earlier run
still holds (or can be brought up to date by re-checking the items a change touched), and the
findings and verdicts when nothing they depend on changed. Whether a rule's earlier run holds
follows from what the rule read while it ran (:mod:`sms_model.rules._reads`): rule authors
declare nothing.

The earlier system must be an earlier version of the same one; :meth:`ServiceManagementSystem.
replace` and :meth:`~ServiceManagementSystem.remove` record what they changed, and any other
change is found by comparing the parts of the two versions.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Mapping, Sequence
from operator import is_
from typing import TYPE_CHECKING, Any, Final

import attrs

from sms_model.model import COLLECTIONS, Evidence, ServiceManagementSystem
from sms_model.rules._context import Context, Facts
from sms_model.rules._evidence import Ordered
from sms_model.rules._findings import Config, Finding, Waiver
from sms_model.rules._reads import ANY_PART, AS_OF, GLOBAL, PARTS
from sms_model.rules._registry import Registry, RuleSpec
from sms_model.rules._results import (
    ClauseVerdict,
    Findings,
    Group,
    State,
    findings_of,
    order,
    verdicts,
)
from sms_model.rules._running import RuleRun, execute, passed
from sms_model.rules._running import _sign as sign

if TYPE_CHECKING:
    from sms_model.rules._results import Assessment

__all__ = ["Reuse", "Settings", "changed_parts"]


@attrs.frozen(kw_only=True)
class Settings:
    """What an assessment was asked for, besides the system: an earlier assessment is reused
    only when made with the very same settings (the registry unchanged since)."""

    edition: str
    as_of: Any  # datetime.date
    config: Config
    registry: Registry = attrs.field(eq=False)
    registry_version: int
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None]
    waivers: tuple[Waiver, ...]

    def same_rules(self, other: Settings) -> bool:
        """Whether ``other`` runs the same rules the same way (waivers and the as-of date
        aside: a rule that read the date is re-run when it moves)."""
        return (
            self.edition == other.edition
            and self.registry is other.registry
            and self.registry_version == other.registry_version
            and self.selection == other.selection
            and self.config == other.config
        )


@attrs.define
class Reuse:
    """A re-assessment under way: the earlier state, what changed since, and what of the
    earlier facts was taken over."""

    old: State
    previous_findings: Findings
    changed: frozenset[str]
    removed: list[Evidence] | None = None  # evidence records gone (None: too many to follow)
    added: list[Evidence] | None = None
    touched: set[tuple[str, Any]] | None = None  # evidence keys the change touched
    fine: bool = False  # the earlier facts were taken over: partial re-runs are possible

    @classmethod
    def begin(
        cls, previous: Assessment, sms: ServiceManagementSystem, settings: Settings
    ) -> Reuse | None:
        """The re-assessment of ``sms`` from ``previous``, or ``None`` when nothing of it can
        be reused (other settings, another provider, which colours every rule, or an
        assessment read from a report, which holds no system)."""
        old = previous._state
        if old is None or not settings.same_rules(old.settings):
            return None
        edits = sms.changes_since(old.sms)
        changed = frozenset(edits) if edits is not None else changed_parts(old.sms, sms)
        if "provider" in changed:
            return None
        if settings.as_of != old.settings.as_of:
            # Another date: what is in effect of the evidence changes too (indexed afresh).
            changed |= {AS_OF, "evidence"}
            reuse = cls(old=old, previous_findings=previous.findings, changed=changed)
            return reuse
        reuse = cls(old=old, previous_findings=previous.findings, changed=changed)
        if "evidence" in changed:
            reuse.removed, reuse.added = _evidence_delta(old.sms, sms, edits)
        return reuse

    def prepare(
        self, sms: ServiceManagementSystem, settings: Settings, recording: bool
    ) -> tuple[ServiceManagementSystem, Ordered, Facts]:
        """The system in canonical order, its evidence in id order and the facts, reusing the
        earlier ones where unchanged."""
        old = self.old
        known = _unchanged_views(old, sms)
        known["evidence"] = sms.evidence  # the view's own copy stays in file order
        view = sms.reordered(known)
        if old.sms.evidence is sms.evidence:
            evidence = old.evidence
        elif self.removed is not None and self.added is not None:
            evidence = Ordered(sms.evidence, old.evidence, self.removed, self.added)
        else:
            evidence = Ordered(sms.evidence)
        facts = Facts(view, settings.as_of, settings.config, records=evidence.get)
        # The earlier facts are handed on once (a second re-assessment from the same earlier
        # one re-runs every rule that read a changed part).
        handed = _hand_over(old) if recording else None
        if handed is not None:
            self.touched = facts._adopt(handed, self.changed, self.removed, self.added)
            self.fine = True
        return view, evidence, facts

    def reused(self, spec: RuleSpec, facts: Facts) -> RuleRun | None:
        """The earlier run of a rule when it still holds, or brought up to date by
        re-checking the items the change touched; ``None`` when the rule must run again."""
        before = self.old.runs.get(spec.id)
        if before is None or before.read is None or ANY_PART in before.read:
            return None
        hit = before.read & self.changed
        if not hit:
            return before if self.fine else before.detached()
        if self.fine and self.touched is not None and hit == {"evidence"}:
            return _rerun_changed(spec, facts, before, self.touched)
        return None

    def settle(self, spec: RuleSpec, run: RuleRun) -> RuleRun:
        """A fresh run, holding the very same findings objects as before when they are equal."""
        before = self.old.runs.get(spec.id)
        if before is not None and run.findings == before.findings:
            run.group = before.group
        return run

    def waived_before(self, waivers: Sequence[Waiver]) -> State | None:
        """The earlier state when its waived groups may be kept: the same waivers, and the
        same top management to approve them."""
        same = self.old.settings.waivers == tuple(waivers)
        kept = "top_management" not in self.changed and AS_OF not in self.changed
        return self.old if same and kept else None

    def results(
        self,
        groups: Mapping[str, list[Group]],
        extra: Sequence[Finding],
        ordered: Sequence[Group],
    ) -> tuple[Findings, tuple[ClauseVerdict, ...]]:
        """The findings and verdicts: the very same as before when nothing any rule found has
        changed, the verdicts kept when the tallies are the same."""
        old = self.old
        edition = old.settings.edition
        if tuple(extra) != old.extra:
            return findings_of(ordered), verdicts(ordered, edition)
        if _groups_match(groups, old.groups, is_):
            return self.previous_findings, old.verdicts
        same_tally = _groups_match(groups, old.groups, _same_tally)
        return findings_of(ordered), old.verdicts if same_tally else verdicts(ordered, edition)

    def digests(self, sms: ServiceManagementSystem) -> dict[str, str]:
        """The digests of the parts of ``sms`` unchanged since the earlier assessment."""
        old = self.old
        return {
            part: digest
            for part, digest in old.digests.items()
            if getattr(old.sms, part) is getattr(sms, part)
        }


def _groups_match(
    groups: Mapping[str, list[Group]],
    before: Mapping[str, list[Group]],
    same: Callable[[Group, Group], bool],
) -> bool:
    """True when each rule has as many groups as before and ``same`` holds for each pair."""
    if groups.keys() != before.keys():
        return False
    for rule_id, mine in groups.items():
        theirs = before[rule_id]
        if len(mine) != len(theirs) or not all(map(same, mine, theirs)):
            return False
    return True


def _same_tally(new: Group, old: Group) -> bool:
    """The same findings by status and failures by severity (so the same verdicts)."""
    return new is old or (
        new.key == old.key and new.counts == old.counts and new.failures == old.failures
    )


_HAND_OVER: Final = threading.Lock()


def _hand_over(old: State) -> Facts | None:
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


def _unchanged_views(old: State | None, sms: ServiceManagementSystem) -> dict[str, tuple[Any, ...]]:
    if old is None:
        return {}
    return {
        name: getattr(old.view, name)
        for name in ("duties", *COLLECTIONS)
        if name != "evidence" and getattr(old.sms, name) is getattr(sms, name)
    }


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


def _ids_may_clash(
    findings: Sequence[Finding], gone: Sequence[Finding], new: Sequence[Finding]
) -> bool:
    """Whether the findings of a partial re-run could share an id with one another or with
    the findings kept, or were told apart by the engine (whose keys need every finding)."""
    if any(f._id or "evidence:" in f.key for f in itertools.chain(findings, new)):
        return True
    signs = {sign(f.subjects, f.key) for f in new}
    if len(signs) < len(new):
        return True
    leaving = {id(f) for f in gone}
    return any(id(f) not in leaving and sign(f.subjects, f.key) in signs for f in findings)


def _rerun_changed(
    spec: RuleSpec, facts: Facts, before: RuleRun, touched: set[tuple[str, Any]]
) -> RuleRun | None:
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
    read = set(before.read or ())
    track.parts, track.reads, track.partition = read, reads, GLOBAL
    try:
        fresh = execute(spec, Context(facts, spec, only=affected))
    finally:
        track.parts, track.reads, track.partition = None, None, GLOBAL
    if isinstance(fresh, Finding) or not fresh.keys() <= affected | {GLOBAL}:
        return None
    # What the rule yields outside its loop depends on nothing that changed: if it differs,
    # the rule used after the loop what it learnt inside, and must run whole.
    if sorted(fresh.pop(GLOBAL, ()), key=order) != sorted(parts.get(GLOBAL, ()), key=order):
        return None
    gone = [f for part in affected for f in parts.get(part, ())]
    new = [f for part in affected for f in fresh.get(part, ())]
    if gone == new:  # the same findings for every item checked again: keep the same objects
        return before
    if _ids_may_clash(before.findings, gone, new):
        return None  # telling findings apart needs all of them: the rule runs whole
    for part in affected:
        parts.pop(part, None)
    parts.update((part, found) for part, found in fresh.items() if found)
    findings = [] if before.empty else list(before.findings)
    for finding in gone:
        _discard(findings, finding)
    for finding in new:
        bisect.insort(findings, finding, key=order)
    if before.empty:
        gone = list(before.findings)
    empty = not findings
    if empty:
        findings = [passed(spec, facts)]
        new = findings
    group = before.group.changed(tuple(findings), gone, new)
    return RuleRun(group=group, read=frozenset(read), parts=parts, reads=reads, empty=empty)


def _discard(findings: list[Finding], finding: Finding) -> None:
    """Remove one finding equal to ``finding`` from a list in ``_order`` (the order is total
    over the fields that can differ within a rule, so an equal key is an equal finding)."""
    key = order(finding)
    at = bisect.bisect_left(findings, key, key=order)
    if at < len(findings) and order(findings[at]) == key:
        del findings[at]
