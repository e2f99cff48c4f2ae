"""Guidance statements of ISO/IEC 20000-2:2012 on applying ISO/IEC 20000-1:2011, as data.

Each statement has a stable id (``APP-1`` .. ``EV-x``) that rules trace to. Titles and
summaries are our own paraphrases; the ``source`` is the section of ISO/IEC 20000-2:2012 the
statement comes from (1.2 application, 4.1.1.1 top management responsibilities, 4.1.1.2
evidence of commitment).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from sms_model.errors import Issue, UnknownReferenceError

__all__ = ["Guidance", "guidance", "guidance_by_id"]


@attrs.frozen(kw_only=True)
class Guidance:
    """One guidance statement, traced to the clause of ISO/IEC 20000-1:2011 it explains.

    >>> g = guidance_by_id("TM-f")
    >>> g.clause, g.source, g.title
    ('4.1.1', '4.1.1.1', 'Performance reported to top management')
    """

    id: str
    clause: str
    source: str
    title: str
    summary: str


def _app(id_: str, title: str, summary: str) -> Guidance:
    # Part 2, 1.2 concerns Clause 4 of Part 1 as a whole.
    return Guidance(id=id_, clause="4", source="1.2", title=title, summary=summary)


def _tm(id_: str, title: str, summary: str) -> Guidance:
    return Guidance(id=id_, clause="4.1.1", source="4.1.1.1", title=title, summary=summary)


def _ev(id_: str, title: str, summary: str) -> Guidance:
    return Guidance(id=id_, clause="4.1.1", source="4.1.1.2", title=title, summary=summary)


_GUIDANCE: Final[tuple[Guidance, ...]] = (
    _app(
        "APP-1",
        "Provider alone accountable for Clause 4",
        "Only the service provider answers for the SMS: no other party may be made to meet a "
        "Clause 4 requirement, such as providing top management, showing its commitment or "
        "showing governance of processes other parties run.",
    ),
    _app(
        "APP-2",
        "Others may perform short Clause 4 tasks",
        "Another party may carry out a specific, short-term Clause 4 activity under the "
        "provider's management (an outside firm running internal audits, a consultant drafting "
        "the first plan) while accountability, authority and responsibility stay with the "
        "provider.",
    ),
    _app(
        "APP-3",
        "Agreed plan owned by the provider",
        "Once agreed, a plan drafted by another party is the provider's own: the provider keeps "
        "it up to date and answers for it.",
    ),
    _app(
        "APP-4",
        "Majority of processes run by others",
        "When other parties run more than half of the Clause 5 to 9 processes the provider is "
        "unlikely to show governance of them; when they run fewer it normally can.",
    ),
    _app(
        "APP-5",
        "Accountabilities documented and accessible",
        "Accountabilities, authorities and responsibilities for the SMS are defined, agreed, "
        "written down and easy to reach for the provider and the other parties concerned, "
        "which may mean amending contracts or other agreements.",
    ),
    _tm(
        "TM-0",
        "Top management identified",
        "The people who direct and control the provider at its highest level are known by name.",
    ),
    _tm(
        "TM-a",
        "Top management involved at every stage",
        "Top management takes part in planning, establishing, running, monitoring, measuring, "
        "reviewing, maintaining and continually improving the SMS.",
    ),
    _tm(
        "TM-b",
        "Accountabilities shown",
        "Top management makes visible that it holds accountabilities and responsibilities for "
        "the SMS.",
    ),
    _tm(
        "TM-c",
        "Requirements, scope, policy and objectives understood",
        "All interested parties of the SMS understand and acknowledge the service requirements, "
        "the scope, the policy and the objectives.",
    ),
    _tm(
        "TM-d",
        "Plan created, kept and aligned",
        "The service management plan is written, put into effect, kept current and in line with "
        "the business objectives.",
    ),
    _tm(
        "TM-e",
        "Adequate resources",
        "Enough resources are given to reach the objectives and to keep to the policy.",
    ),
    _tm(
        "TM-f",
        "Performance reported to top management",
        "How the SMS performs is reported up to the level of top management.",
    ),
    _tm(
        "TM-g",
        "Objectives achieved",
        "Objectives are met, also after they have been revised because business needs or "
        "service requirements changed.",
    ),
    _tm(
        "TM-h",
        "Risks to services minimised",
        "Risks to services are kept low, for instance by weighing the risk of each change and "
        "acting on the result.",
    ),
    _tm(
        "TM-i",
        "Lifecycle delivered to agreed levels",
        "Each stage of a service's life is delivered as agreed, including handing a service over "
        "to another party and finally removing it.",
    ),
    _tm(
        "TM-j",
        "SMS assessed and reviewed",
        "Top management answers for the SMS and its services being examined through its own "
        "reviews, internal audits and external audits.",
    ),
    _ev(
        "EV-a",
        "Regular SMS meetings",
        "Meetings about the SMS happen regularly, for example planning meetings chaired by top "
        "management.",
    ),
    _ev(
        "EV-b",
        "Scope, policy, objectives and plan defined",
        "The SMS has a defined scope, a service management policy, objectives and a service "
        "management plan.",
    ),
    _ev(
        "EV-c",
        "Policy, objectives and plan approved",
        "Top management approves the policy, the objectives and the plan; approving the plan "
        "weighs most, as it binds customers, suppliers and resources.",
    ),
    _ev(
        "EV-d",
        "Processes and procedures approved",
        "Top management approves processes and procedures that agree with the SMS policies.",
    ),
    _ev(
        "EV-x",
        "Signs of missing commitment",
        "Resources moved away from the SMS, silence about the SMS, or process design conflicts "
        "left unsettled suggest weak commitment and are worth noting as observations.",
    ),
)

_BY_ID: Final[Mapping[str, Guidance]] = MappingProxyType({g.id: g for g in _GUIDANCE})


def guidance() -> tuple[Guidance, ...]:
    """Every guidance statement, in the order of ISO/IEC 20000-2:2012.

    >>> [g.id for g in guidance()][:6]
    ['APP-1', 'APP-2', 'APP-3', 'APP-4', 'APP-5', 'TM-0']
    """
    return _GUIDANCE


def guidance_by_id(id: str) -> Guidance:
    """The guidance statement with this id.

    Raises :class:`~sms_model.errors.UnknownReferenceError` (a ``LookupError``) for an unknown
    id.

    >>> guidance_by_id("APP-4").clause
    '4'
    >>> guidance_by_id("TM-z")
    Traceback (most recent call last):
    ...
    sms_model.errors.UnknownReferenceError: 1 problem in the service management system
      - guidance: no such guidance statement (found 'TM-z')
    """
    found = _BY_ID.get(id)
    if found is None:
        raise UnknownReferenceError(
            [
                Issue(
                    what="no such guidance statement",
                    path="guidance",
                    code="unknown-reference",
                    found=repr(id),
                )
            ]
        )
    return found
