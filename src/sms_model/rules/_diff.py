"""What changed between two assessments of a system, finding by finding, matched by id."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import attrs

from sms_model.errors import ArgumentError
from sms_model.rules._findings import Finding, Severity
from sms_model.rules._results import Assessment, Findings

__all__ = ["Diff", "diff"]

#: Version of the JSON document written by :meth:`Diff.to_json`.
DIFF_FORMAT = 1


@attrs.frozen(kw_only=True)
class Diff:
    """Two assessments compared by finding id (:attr:`Finding.id`), which stays the same for
    the same situation whatever the as-of date or the order of the input:

    - ``new``: findings of the new assessment whose id the old one lacks;
    - ``resolved``: findings of the old assessment whose id the new one lacks (a failure there
      is one that went away);
    - ``persisting``: findings of the new assessment whose id the old one has with the same
      status and severity (their messages may differ, e.g. in days overdue);
    - ``changed``: pairs ``(old, new)`` of findings with the same id whose status or severity
      differ (a failure now waived, a minor failure now major, an error now a pass).

    Each is in report order. :meth:`regressions` is what a CI gate fails on.
    """

    old_as_of: date
    new_as_of: date
    system: str
    edition: str = "2011"
    new: Findings
    resolved: Findings
    persisting: Findings
    changed: tuple[tuple[Finding, Finding], ...]

    def regressions(self, threshold: Severity = Severity.OBSERVATION) -> Findings:
        """Findings that stand against conformity now at ``threshold`` or worse and did not
        before: new failures (or rules that could not run), and findings that became such a
        failure or got worse than the threshold allowed.

        >>> import sms_model
        >>> from datetime import date
        >>> sms = sms_model.load("examples/minimal.yaml")
        >>> old = sms_model.assess(sms, as_of=date(2026, 1, 1))
        >>> new = sms_model.assess(sms, as_of=date(2027, 6, 1))
        >>> change = sms_model.diff(old, new)
        >>> all(f.outstanding for f in change.regressions())
        True
        """
        rank = threshold.rank

        def counts(finding: Finding) -> bool:
            return finding.outstanding and finding.severity.rank >= rank

        worse = [f for f in self.new if counts(f)]
        worse.extend(new for old, new in self.changed if counts(new) and not counts(old))
        return Findings(sorted(worse, key=lambda f: f.sort_key))

    @property
    def improvements(self) -> Findings:
        """Findings that stood against conformity before and do not now: failures resolved,
        and failures now passed, waived or not applicable (the old findings)."""
        better = [f for f in self.resolved if f.outstanding]
        better.extend(old for old, new in self.changed if old.outstanding and not new.outstanding)
        return Findings(sorted(better, key=lambda f: f.sort_key))

    def to_dict(self, threshold: Severity = Severity.OBSERVATION) -> dict[str, Any]:
        """The comparison as plain data (the ``diff`` JSON document); ``regressions`` counts
        those at ``threshold`` or worse, which it names."""
        return {
            "diff_format": DIFF_FORMAT,
            "system": self.system,
            "edition": self.edition,
            "old_as_of": self.old_as_of.isoformat(),
            "new_as_of": self.new_as_of.isoformat(),
            "counts": {
                "new": len(self.new),
                "resolved": len(self.resolved),
                "persisting": len(self.persisting),
                "changed": len(self.changed),
                "regressions": len(self.regressions(threshold)),
            },
            "threshold": threshold.value,
            "new": self.new.to_records(),
            "resolved": self.resolved.to_records(),
            "changed": [
                {"old": old.to_record(), "new": new.to_record()} for old, new in self.changed
            ],
            "persisting": self.persisting.to_records(),
        }

    def to_json(self, threshold: Severity = Severity.OBSERVATION) -> str:
        """The comparison as JSON: deterministic, byte-identical for the same two reports."""
        return json.dumps(self.to_dict(threshold), indent=2, ensure_ascii=False) + "\n"


def diff(old: Assessment, new: Assessment) -> Diff:
    """Compare two assessments (of the same system, usually at different dates) finding by
    finding: see :class:`Diff`. Either may have been read back from a JSON report
    (:func:`~sms_model.load_assessment`).

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> day = sms_model.assess(sms, as_of=date(2026, 11, 27))
    >>> same = sms_model.diff(day, sms_model.assess(sms, as_of=date(2026, 11, 28)))
    >>> len(same.new), len(same.resolved), len(same.changed), len(same.persisting) > 0
    (0, 0, 0, True)
    """
    for name, value in (("old", old), ("new", new)):
        if not isinstance(value, Assessment):
            raise ArgumentError(f"diff: {name} must be an Assessment, not {type(value).__name__}")
    if old.edition != new.edition:
        raise ArgumentError(
            f"diff: the assessments are of different editions ({old.edition} and "
            f"{new.edition}); compare editions with sms_model.transition instead"
        )
    # Ids are unique within an assessment; a report of an older format may repeat one, so
    # findings of the same id are paired in order.
    before: dict[str, list[Finding]] = {}
    for finding in old.findings:
        before.setdefault(finding.id, []).append(finding)
    added, persisting, changed = [], [], []
    for finding in new.findings:
        waiting = before.get(finding.id)
        earlier = waiting.pop(0) if waiting else None
        if earlier is None:
            added.append(finding)
        elif earlier.status is finding.status and earlier.severity is finding.severity:
            persisting.append(finding)
        else:
            changed.append((earlier, finding))
    return Diff(
        edition=new.edition,
        old_as_of=old.as_of,
        new_as_of=new.as_of,
        system=new.system_name,
        new=Findings(added),
        resolved=Findings(f for found in before.values() for f in found),
        persisting=Findings(persisting),
        changed=tuple(changed),
    )
