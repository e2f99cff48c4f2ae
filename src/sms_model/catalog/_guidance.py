"""Guidance statements of ISO/IEC 20000-2:2012 on applying ISO/IEC 20000-1:2011, as data.

Each statement has a stable id (``APP-1`` .. ``EV-x``) that rules trace to. Titles and
summaries are our own paraphrases; the ``source`` is the section of ISO/IEC 20000-2:2012 the
statement comes from (1.2 application, 4.1.1.1 top management responsibilities, 4.1.1.2
evidence of commitment).

Each statement also says where it lands in the 2018 edition. The statements on top management
(``TM-*``, ``EV-*``) explain 2011 clause 4.1.1, and their 2018 clauses start from where the
crosswalk takes that clause (5.1), adding the clauses each statement names in its own right
(the policy in 5.2.x, roles in 5.3, and so on). The statements on other parties (``APP-*``)
concern 2011 Clause 4 as a whole, which the crosswalk spreads over most of the 2018 edition,
so their 2018 clauses are declared: Clauses 4 and 5, or 8.2.3. Where the meaning changed, a
short note in our own words says how.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

import attrs

from sms_model.catalog._clauses import _checked_edition
from sms_model.catalog._crosswalk import crosswalk
from sms_model.errors import Issue, UnknownReferenceError

__all__ = ["Guidance", "guidance", "guidance_by_id"]


@attrs.frozen(kw_only=True)
class Guidance:
    """One guidance statement, traced to the clause of ISO/IEC 20000-1:2011 it explains and to
    the clauses of the 2018 edition it bears on.

    ``clause`` is its 2011 clause; ``clauses_2018`` are its 2018 clauses in document order;
    ``note_2018`` says, in our own words, how its meaning changed in 2018 (``None`` where it
    reads the same). :meth:`clauses_in` and :meth:`note_in` ask the same by edition.

    >>> g = guidance_by_id("TM-f")
    >>> g.clause, g.source, g.title
    ('4.1.1', '4.1.1.1', 'Performance reported to top management')
    >>> g.clauses_2018, g.note_2018
    (('5.1', '5.3'), None)
    """

    id: str
    clause: str
    source: str
    title: str
    summary: str
    clauses_2018: tuple[str, ...] = ()
    note_2018: str | None = None

    def clauses_in(self, edition: str = "2011") -> tuple[str, ...]:
        """The clauses of ``edition`` this statement bears on, in document order.

        Raises :class:`~sms_model.errors.ModelValidationError` for an unknown edition.

        >>> g = guidance_by_id("APP-4")
        >>> g.clauses_in("2011"), g.clauses_in("2018")
        (('4',), ('8.2.3',))
        >>> guidance_by_id("EV-c").clauses_in("2018")
        ('5.1', '5.2.1', '6.2.1', '6.3', '7.5.2')
        """
        if _checked_edition(edition) == "2018":
            return self.clauses_2018
        return (self.clause,)

    def note_in(self, edition: str) -> str | None:
        """How the statement's meaning changed in ``edition``, in our own words; ``None`` for
        2011 (the edition it was written for) and where the meaning stayed the same.

        Raises :class:`~sms_model.errors.ModelValidationError` for an unknown edition.

        >>> print(guidance_by_id("APP-4").note_in("2018"))
        2018 drops the majority test: for Clauses 6 to 10 the organization may rely on others
        as long as it keeps accountability, but it cannot conform when others provide or
        operate all of the services, service components or processes in scope (8.2.3).
        >>> guidance_by_id("APP-3").note_in("2018") is None, guidance_by_id("APP-4").note_in("2011")
        (True, None)
        """
        return self.note_2018 if _checked_edition(edition) == "2018" else None


def _in_order(numbers: tuple[str, ...]) -> tuple[str, ...]:
    # Dotted numbers sort into document order when compared part by part as integers.
    return tuple(sorted(set(numbers), key=lambda n: tuple(int(p) for p in n.split("."))))


def _app(
    id_: str, title: str, summary: str, *, in_2018: tuple[str, ...], note: str | None = None
) -> Guidance:
    # Part 2, 1.2 concerns Clause 4 of Part 1 as a whole: not a leaf the crosswalk maps, so the
    # 2018 clauses are declared.
    return Guidance(
        id=id_,
        clause="4",
        source="1.2",
        title=title,
        summary=summary,
        clauses_2018=_in_order(in_2018),
        note_2018=note,
    )


def _top_management(
    source: str, id_: str, title: str, summary: str, also: tuple[str, ...]
) -> Guidance:
    # The 2011 clause walks to its 2018 home (5.1 for 4.1.1); ``also`` adds the clauses the
    # statement names in its own right.
    clause = "4.1.1"
    return Guidance(
        id=id_,
        clause=clause,
        source=source,
        title=title,
        summary=summary,
        clauses_2018=_in_order(crosswalk("2011", "2018")[clause] + also),
    )


def _tm(id_: str, title: str, summary: str, *, also_2018: tuple[str, ...] = ()) -> Guidance:
    return _top_management("4.1.1.1", id_, title, summary, also_2018)


def _ev(id_: str, title: str, summary: str, *, also_2018: tuple[str, ...] = ()) -> Guidance:
    return _top_management("4.1.1.2", id_, title, summary, also_2018)


_GUIDANCE: Final[tuple[Guidance, ...]] = (
    _app(
        "APP-1",
        "Provider alone accountable for Clause 4",
        "Only the service provider answers for the SMS: no other party may be made to meet a "
        "Clause 4 requirement, such as providing top management, showing its commitment or "
        "showing governance of processes other parties run.",
        in_2018=("4", "5"),
        note=(
            "2018 widens the part that cannot be handed over from Clause 4 to Clauses 4 and 5: "
            "the context, top management and its commitment, the policy, the roles and the "
            "control of other parties stay with the organization."
        ),
    ),
    _app(
        "APP-2",
        "Others may perform short Clause 4 tasks",
        "Another party may carry out a specific, short-term Clause 4 activity under the "
        "provider's management (an outside firm running internal audits, a consultant drafting "
        "the first plan) while accountability, authority and responsibility stay with the "
        "provider.",
        in_2018=("4", "5"),
        note=(
            "In 2018 such short-term help may cover activities of Clauses 4 and 5, still under "
            "the organization's management."
        ),
    ),
    _app(
        "APP-3",
        "Agreed plan owned by the provider",
        "Once agreed, a plan drafted by another party is the provider's own: the provider keeps "
        "it up to date and answers for it.",
        in_2018=("4", "5"),
    ),
    _app(
        "APP-4",
        "Majority of processes run by others",
        "When other parties run more than half of the Clause 5 to 9 processes the provider is "
        "unlikely to show governance of them; when they run fewer it normally can.",
        in_2018=("8.2.3",),
        note=(
            "2018 drops the majority test: for Clauses 6 to 10 the organization may rely on "
            "others as long as it keeps accountability, but it cannot conform when others provide "
            "or operate all of the services, service components or processes in scope (8.2.3)."
        ),
    ),
    _app(
        "APP-5",
        "Accountabilities documented and accessible",
        "Accountabilities, authorities and responsibilities for the SMS are defined, agreed, "
        "written down and easy to reach for the provider and the other parties concerned, "
        "which may mean amending contracts or other agreements.",
        in_2018=("8.2.3",),
        note=(
            "In 2018 this reaches every clause in which other parties take part, not only "
            "Clause 4: the organization can show the evidence even where another party keeps it."
        ),
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
        also_2018=("4.4",),
    ),
    _tm(
        "TM-b",
        "Accountabilities shown",
        "Top management makes visible that it holds accountabilities and responsibilities for "
        "the SMS.",
        also_2018=("5.3",),
    ),
    _tm(
        "TM-c",
        "Requirements, scope, policy and objectives understood",
        "All interested parties of the SMS understand and acknowledge the service requirements, "
        "the scope, the policy and the objectives.",
        also_2018=("4.2", "4.3", "5.2.2", "6.2.1"),
    ),
    _tm(
        "TM-d",
        "Plan created, kept and aligned",
        "The service management plan is written, put into effect, kept current and in line with "
        "the business objectives.",
        also_2018=("6.3",),
    ),
    _tm(
        "TM-e",
        "Adequate resources",
        "Enough resources are given to reach the objectives and to keep to the policy.",
        also_2018=("7.1",),
    ),
    _tm(
        "TM-f",
        "Performance reported to top management",
        "How the SMS performs is reported up to the level of top management.",
        also_2018=("5.3",),
    ),
    _tm(
        "TM-g",
        "Objectives achieved",
        "Objectives are met, also after they have been revised because business needs or "
        "service requirements changed.",
        also_2018=("6.2.1", "6.2.2"),
    ),
    _tm(
        "TM-h",
        "Risks to services minimised",
        "Risks to services are kept low, for instance by weighing the risk of each change and "
        "acting on the result.",
        also_2018=("6.1", "8.5.1.3"),
    ),
    _tm(
        "TM-i",
        "Lifecycle delivered to agreed levels",
        "Each stage of a service's life is delivered as agreed, including handing a service over "
        "to another party and finally removing it.",
        also_2018=("8.2.1", "8.3.3", "8.5.2.1"),
    ),
    _tm(
        "TM-j",
        "SMS assessed and reviewed",
        "Top management answers for the SMS and its services being examined through its own "
        "reviews, internal audits and external audits.",
        also_2018=("9.2", "9.3"),
    ),
    _ev(
        "EV-a",
        "Regular SMS meetings",
        "Meetings about the SMS happen regularly, for example planning meetings chaired by top "
        "management.",
        also_2018=("9.3",),
    ),
    _ev(
        "EV-b",
        "Scope, policy, objectives and plan defined",
        "The SMS has a defined scope, a service management policy, objectives and a service "
        "management plan.",
        also_2018=("4.3", "5.2.1", "6.2.1", "6.3"),
    ),
    _ev(
        "EV-c",
        "Policy, objectives and plan approved",
        "Top management approves the policy, the objectives and the plan; approving the plan "
        "weighs most, as it binds customers, suppliers and resources.",
        also_2018=("5.2.1", "6.2.1", "6.3", "7.5.2"),
    ),
    _ev(
        "EV-d",
        "Processes and procedures approved",
        "Top management approves processes and procedures that agree with the SMS policies.",
        also_2018=("4.4", "7.5.2"),
    ),
    _ev(
        "EV-x",
        "Signs of missing commitment",
        "Resources moved away from the SMS, silence about the SMS, or process design conflicts "
        "left unsettled suggest weak commitment and are worth noting as observations.",
        also_2018=("7.1", "7.4"),
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
