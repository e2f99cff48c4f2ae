"""The rules engine: register rules, run them over an SMS as of a date, read the findings.

>>> from datetime import date
>>> import sms_model
>>> from sms_model.rules import Registry, assess
>>> registry = Registry()
>>> @registry.rule(id="ACME-representative", clause="4.1.4", severity="major")
... def has_representative(ctx):
...     '''Top management has appointed a management representative.'''
...     if ctx.sms.top_management.representative is None:
...         yield ctx.fail("no management representative is named; appoint one (4.1.4)")
>>> sms = sms_model.load("examples/minimal.yaml")
>>> result = assess(sms, as_of=date(2026, 11, 27), registry=registry)
>>> [(f.rule, f.status.value) for f in result.findings]
[('ACME-representative', 'fail')]
"""

from sms_model.rules._context import Context, Facts
from sms_model.rules._diff import Diff, diff
from sms_model.rules._engine import assess
from sms_model.rules._files import load_config, load_waivers
from sms_model.rules._findings import Config, Finding, Severity, Status, Waiver
from sms_model.rules._messages import finding_id, render
from sms_model.rules._obligations import (
    Obligation,
    Obligations,
    ObligationStatus,
    Owner,
    obligations,
)
from sms_model.rules._over_time import assess_over_time, timeline_rows
from sms_model.rules._registry import (
    ENTRY_POINT_GROUP,
    PluginLoadWarning,
    Registry,
    RuleFunction,
    RuleSpec,
    default_registry,
    rule,
)
from sms_model.rules._reports import load_assessment
from sms_model.rules._results import Assessment, ClauseVerdict, Verdict, input_digest
from sms_model.rules._trace import traceability, untraced
from sms_model.rules._transition import Move, Transition, TransitionRow, transition

__all__ = [
    "ENTRY_POINT_GROUP",
    "Assessment",
    "ClauseVerdict",
    "Config",
    "Context",
    "Diff",
    "Facts",
    "Finding",
    "Move",
    "Obligation",
    "ObligationStatus",
    "Obligations",
    "Owner",
    "PluginLoadWarning",
    "Registry",
    "RuleFunction",
    "RuleSpec",
    "Severity",
    "Status",
    "Transition",
    "TransitionRow",
    "Verdict",
    "Waiver",
    "assess",
    "assess_over_time",
    "default_registry",
    "diff",
    "finding_id",
    "input_digest",
    "load_assessment",
    "load_config",
    "load_waivers",
    "obligations",
    "render",
    "rule",
    "timeline_rows",
    "traceability",
    "transition",
    "untraced",
]
