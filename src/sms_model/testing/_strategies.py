"""Hypothesis strategies that build valid service management systems.

The entity types, their fields and the kinds of entity each reference may name are read from
the model (:func:`~sms_model.model.entity_types`, :func:`~sms_model.model.references` and the
fields' annotations): a new entity type is drawn without a change here. A plain field is drawn
from its annotation; a reference from the ids of the kinds it may name. What the types cannot
say (the provider comes first, reporting lines and superseded documents point back, a process
does not interface with itself, ...) is stated once, by field, in ``_FIELDS`` and ``_RULES``.

Ids come from a prefix per collection plus an index (``process-3``), so they are unique across
the whole system by construction.
"""

from __future__ import annotations

import enum
import functools
import types
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta, timezone
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import attrs
import hypothesis.strategies as st

from sms_model.model import (
    Agreement,
    Clause4Duty,
    Document,
    DutyAssignment,
    Evidence,
    Improvement,
    OtherPartyProcess,
    Party,
    PartyKind,
    Person,
    Policy,
    Process,
    Risk,
    RiskStatus,
    ServiceManagementPlan,
    ServiceManagementSystem,
    TopManagement,
    entity_types,
    references,
)

__all__ = [
    "aware_datetimes",
    "dates",
    "identifiers",
    "parties",
    "risks",
    "sms_models",
    "texts",
]

#: Characters every text value is drawn from: any character UTF-8 can encode except control
#: characters (Cc) and surrogates (Cs), so that the same value survives YAML and JSON.
_SAFE_CHARACTERS = st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"))
_ID_CHARACTERS = st.characters(
    codec="utf-8", categories=("Lu", "Ll", "Nd"), include_characters="-_."
)
_FIRST_DATE = date(1990, 1, 1)
_LAST_DATE = date(2100, 12, 31)


def texts(*, min_size: int = 0, max_size: int = 20) -> st.SearchStrategy[str]:
    """Free text that survives a YAML and a JSON round trip unchanged.

    Any character UTF-8 can encode, except control characters and surrogates.

    >>> texts(max_size=5)
    text(...)
    """
    return st.text(alphabet=_SAFE_CHARACTERS, min_size=min_size, max_size=max_size)


def identifiers() -> st.SearchStrategy[str]:
    """Non-empty ids of letters, digits, ``-``, ``_`` and ``.`` (never only whitespace).

    >>> from hypothesis import find, settings
    >>> find(identifiers(), lambda i: len(i) > 2, settings=settings(database=None))
    '000'
    """
    return st.text(alphabet=_ID_CHARACTERS, min_size=1, max_size=16)


def dates() -> st.SearchStrategy[date]:
    """Calendar dates between 1990 and 2100.

    >>> from hypothesis import find, settings
    >>> find(dates(), lambda d: d.year > 2000, settings=settings(database=None))
    datetime.date(2001, 1, 1)
    """
    return st.dates(min_value=_FIRST_DATE, max_value=_LAST_DATE)


def aware_datetimes() -> st.SearchStrategy[datetime]:
    """Timezone-aware date-times, with a fixed UTC offset in whole minutes (at most 14 hours).

    >>> from hypothesis import find, settings
    >>> moment = find(aware_datetimes(), lambda m: True, settings=settings(database=None))
    >>> moment.tzinfo is not None
    True
    """
    offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
        lambda minutes: timezone(timedelta(minutes=minutes))
    )
    return st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 12, 31),
        timezones=offsets,
    )


def parties(
    *, ids: st.SearchStrategy[str] | None = None, kinds: Sequence[PartyKind] = tuple(PartyKind)
) -> st.SearchStrategy[Party]:
    """Single :class:`~sms_model.model.Party` values (without a lead supplier).

    >>> from hypothesis import find, settings
    >>> party = find(
    ...     parties(kinds=[PartyKind.SUPPLIER]), lambda p: True, settings=settings(database=None)
    ... )
    >>> party.kind.value
    'supplier'
    """
    return st.builds(
        Party,
        id=identifiers() if ids is None else ids,
        name=texts(),
        kind=st.sampled_from(tuple(kinds)),
        interested=st.booleans(),
        description=st.none() | texts(),
        lead_supplier=st.none(),
    )


def risks(*, ids: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[Risk]:
    """Single :class:`~sms_model.model.Risk` values with scores from 1 to 5 (no references).

    >>> from hypothesis import find, settings
    >>> quiet = settings(database=None, derandomize=True, max_examples=1000)
    >>> risk = find(risks(), lambda r: r.likelihood is not None, settings=quiet)
    >>> risk.likelihood
    1
    """
    scores = st.none() | st.integers(min_value=1, max_value=5)
    return st.builds(
        Risk,
        id=identifiers() if ids is None else ids,
        title=texts(),
        assessed=st.none() | dates(),
        likelihood=scores,
        impact=scores,
        status=st.sampled_from(RiskStatus),
        treatment=st.none() | texts(),
        subjects=st.just(()),
        owner=st.none(),
        accepted_by=st.none(),
    )


def sms_models(max_size: int = 8) -> st.SearchStrategy[ServiceManagementSystem]:
    """Valid :class:`~sms_model.model.ServiceManagementSystem` values.

    Every collection holds at most ``max_size`` entities, besides the provider (the first
    party, ``party-0``) and one person of the provider (the first person, always in top
    management). Ids are ``<kind>-<index>`` (``process-3``), plus ``plan`` and ``scope``, so
    they are unique by construction. Every reference names an entity of a kind the model
    accepts there; other parties are of every kind, and a supplier may be sub-contracted to
    an earlier one (its ``lead_supplier``); reporting lines point only to earlier people, so
    they never loop; an engagement never ends before it starts. Use it in a test of your own::

        from hypothesis import given
        from sms_model.testing import sms_models

        @given(sms_models(max_size=4))
        def test_every_process_owner_exists(sms):
            assert all(p.owner is None or p.owner in sms for p in sms.processes)

    >>> from hypothesis import find, settings
    >>> quiet = settings(database=None, derandomize=True, max_examples=1000)
    >>> sms = find(sms_models(max_size=2), lambda s: len(s.processes) == 2, settings=quiet)
    >>> [p.id for p in sms.processes], sms.provider_party.kind.value
    (['process-0', 'process-1'], 'provider')
    """
    if max_size < 1:
        raise ValueError(f"max_size must be at least 1 (found {max_size!r})")
    return _sms(max_size)


# --- plain fields, drawn from their annotations ------------------------------------------------
# Strategies are built once and reused: building one per draw would dominate generation time
# (a fresh st.builds costs some 3 ms before its first value).

_TEXT = texts()
_SHORT_TEXT = texts(min_size=1, max_size=5)
_DATE = dates()
_BOOL = st.booleans()
# Suppliers count twice: chains of suppliers (a lead and its sub-contractor) are what the
# governance of other parties (4.2) is about, so they should not be rare.
_OTHER_KINDS = st.sampled_from(
    [PartyKind.SUPPLIER, *(k for k in PartyKind if k is not PartyKind.PROVIDER)]
)
_DAYS = st.none() | st.integers(min_value=0, max_value=3650)
_OPT_DATE = st.none() | _DATE
_CLAUSE4 = st.sampled_from(Clause4Duty)

#: Strategies for plain fields whose annotation says too little (a score from 1 to 5, a version
#: that is never empty, clause numbers and guidance ids that exist).
_FIELDS: Final[Mapping[tuple[type, str], st.SearchStrategy[Any]]] = {
    (Policy, "version"): _SHORT_TEXT,
    (ServiceManagementPlan, "version"): _SHORT_TEXT,
    (Document, "version"): _SHORT_TEXT,
    (Risk, "likelihood"): st.none() | st.integers(min_value=1, max_value=5),
    (Risk, "impact"): st.none() | st.integers(min_value=1, max_value=5),
    (Improvement, "priority"): st.none() | st.integers(min_value=1, max_value=10),
    (Person, "email"): st.none()
    | st.from_regex(r"[a-z0-9._-]{1,12}@[a-z0-9-]{1,12}\.example", fullmatch=True),
    (Evidence, "kind"): _SHORT_TEXT,
    (Evidence, "clauses"): st.lists(
        st.sampled_from(("4.1.1", "4.2", "4.5.4.2", "6.1")), unique=True, max_size=2
    ).map(tuple),
    (Evidence, "guidance"): st.lists(
        st.sampled_from(("APP-1", "APP-2", "TM-a", "EV-c")), unique=True, max_size=2
    ).map(tuple),
}


@functools.cache
def _of_annotation(hint: Any) -> st.SearchStrategy[Any]:
    """A strategy for the values of a plain field annotated ``hint``."""
    if get_origin(hint) in (Union, types.UnionType):
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        return st.none() | _of_annotation(inner[0])
    if get_origin(hint) is tuple:
        return _items(get_args(hint)[0]).map(tuple)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from(hint)
    if isinstance(hint, type) and attrs.has(hint):  # a value nested in an entity
        return st.builds(hint, **_plain_fields(hint))
    strategy = _SIMPLE.get(hint)
    if strategy is None:
        raise TypeError(f"no strategy for a field annotated {hint!r}: add one to _FIELDS")
    return strategy


@functools.cache
def _items(item: Any) -> st.SearchStrategy[list[Any]]:
    """A strategy for the items of a tuple field, as a list (the field holds them as a tuple)."""
    if isinstance(item, type) and issubclass(item, enum.Enum):
        return st.lists(st.sampled_from(item), unique=True, max_size=3)
    return st.lists(_of_annotation(item), max_size=2)


_SIMPLE: Final[Mapping[Any, st.SearchStrategy[Any]]] = {
    str: _TEXT,
    bool: _BOOL,
    int: st.integers(min_value=0, max_value=100),
    date: _DATE,
    datetime: aware_datetimes(),
}


@functools.cache
def _plain_fields(cls: type) -> Mapping[str, st.SearchStrategy[Any]]:
    """A strategy for each field of ``cls`` that is neither its id, nor a reference, nor drawn
    by a rule."""
    return {name: plain.map(tuple) if many else plain for name, plain, many in _plain(cls)}


@functools.cache
def _plain(cls: type) -> tuple[tuple[str, st.SearchStrategy[Any], bool], ...]:
    """:func:`_plain_fields` as drawn: a tuple field's items are drawn as a list (and made a
    tuple by the caller), which saves a draw per field."""
    hints = get_type_hints(cls)
    skip = {"id", *(r.field for r in references(cls)), *(f for c, f in _RULES if c is cls)}
    found = []
    for field in attrs.fields(cls):
        name = field.name
        if not field.init or name in skip:
            continue
        if (cls, name) in _FIELDS:
            found.append((name, _FIELDS[cls, name], False))
        elif get_origin(hints[name]) is tuple:
            found.append((name, _items(get_args(hints[name])[0]), True))
        else:
            found.append((name, _of_annotation(hints[name]), False))
    return tuple(found)


# --- references, drawn by index from the ids of the right kinds --------------------------------


@functools.cache
def _index_subsets(n: int, max_size: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(min_value=0, max_value=n - 1), unique=True, max_size=max_size)


@functools.cache
def _optional_index(n: int) -> st.SearchStrategy[int | None]:
    return st.none() | st.integers(min_value=0, max_value=n - 1)


@functools.cache
def _index(n: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=n - 1)


def _some(draw: Any, ids: Sequence[str], max_size: int = 3) -> tuple[str, ...]:
    if not ids:
        return ()
    picked: list[int] = draw(_index_subsets(len(ids), max_size))
    return tuple(ids[i] for i in picked)


def _maybe(draw: Any, ids: Sequence[str]) -> str | None:
    if not ids:
        return None
    found: int | None = draw(_optional_index(len(ids)))
    return None if found is None else ids[found]


def _one(draw: Any, ids: Sequence[str]) -> str:
    found: int = draw(_index(len(ids)))
    return ids[found]


# --- one system ------------------------------------------------------------------------------

_TYPES: Final = entity_types()
_COLLECTIONS: Final = tuple(t for t in _TYPES if not t.singleton)
_SINGLETONS: Final = tuple(t for t in _TYPES if t.singleton)


class _Pool:
    """The ids of one drawn system by kind (the collections in file order, then the indexed
    singletons: the scope and the plan), and the entities drawn so far by kind."""

    __slots__ = ("_candidates", "everything", "ids", "made")

    def __init__(self, count: Mapping[str, int], present: Mapping[str, bool]) -> None:
        prefix = {t.kind: t.kind.replace("_", "-") for t in _COLLECTIONS}
        self.ids = {kind: [f"{prefix[kind]}-{i}" for i in range(n)] for kind, n in count.items()}
        self.ids.update({kind: [kind] if there else [] for kind, there in present.items()})
        # Records may name any artefact, the plan and the scope included.
        self.everything = [i for ids in self.ids.values() for i in ids]
        self.made: dict[str, tuple[Any, ...]] = {}
        self._candidates: dict[frozenset[str], list[str]] = {}

    def candidates(self, kinds: frozenset[str]) -> list[str]:
        """The ids a reference to these kinds may take (no kinds: any entity)."""
        if not kinds:
            return self.everything
        found = self._candidates.get(kinds)
        if found is None:
            found = [i for kind, ids in self.ids.items() if kind in kinds for i in ids]
            self._candidates[kinds] = found
        return found

    def provider_people(self) -> list[str]:
        provider = self.ids["party"][0]
        return [p.id for p in self.made["person"] if p.party == provider]


@attrs.define
class _Drawing:
    """What a rule knows of the entity being drawn: its place, and the fields drawn so far."""

    pool: _Pool
    index: int
    entity_id: str | None
    earlier: Sequence[Any]  # the entities drawn before it in its collection
    values: dict[str, Any]


def _entity(draw: Any, cls: type, drawing: _Drawing) -> Any:
    """An entity of ``cls``: plain fields first, then references and rules in field order."""
    values = drawing.values = {}
    for name, plain, many in _plain(cls):
        values[name] = tuple(draw(plain)) if many else draw(plain)
    for field, pick in _pickers(cls):
        values[field] = pick(draw, drawing)
    if drawing.entity_id is not None:
        values["id"] = drawing.entity_id
    return cls(**values)


_Picker = Callable[[Any, _Drawing], Any]


@functools.cache
def _pickers(cls: type) -> tuple[tuple[str, _Picker], ...]:
    """How each reference or ruled field of ``cls`` is drawn, in field order."""
    refs = {r.field: _reference_picker(r.kinds, r.many, r.required) for r in references(cls)}
    return tuple(
        (field.name, _RULES.get((cls, field.name)) or refs[field.name])
        for field in attrs.fields(cls)
        if (cls, field.name) in _RULES or field.name in refs
    )


def _reference_picker(kinds: frozenset[str], many: bool, required: bool) -> _Picker:
    def pick(draw: Any, drawing: _Drawing) -> Any:
        ids = drawing.pool.candidates(kinds)
        if many:
            return _some(draw, ids)
        return _one(draw, ids) if required else _maybe(draw, ids)

    return pick


# --- rules: what the types cannot say ----------------------------------------------------------


def _party_kind(draw: Any, drawing: _Drawing) -> PartyKind:
    # The first party is the provider; the others are of every other kind.
    if drawing.index == 0:
        return PartyKind.PROVIDER
    kind: PartyKind = draw(_OTHER_KINDS)
    return kind


def _lead_supplier(draw: Any, drawing: _Drawing) -> str | None:
    # A supplier may be sub-contracted to an earlier supplier, its lead supplier.
    if drawing.values["kind"] is not PartyKind.SUPPLIER:
        return None
    return _maybe(draw, [p.id for p in drawing.earlier if p.kind is PartyKind.SUPPLIER])


def _person_party(draw: Any, drawing: _Drawing) -> str:
    # The first person works for the provider, so top management is never empty.
    parties = drawing.pool.ids["party"]
    return parties[0] if drawing.index == 0 else _one(draw, parties)


def _reports_to(draw: Any, drawing: _Drawing) -> str | None:
    # Only earlier people: reporting lines never loop.
    return _maybe(draw, drawing.pool.ids["person"][: drawing.index])


def _interfaces(draw: Any, drawing: _Drawing) -> tuple[str, ...]:
    others = [p for p in drawing.pool.ids["process"] if p != drawing.entity_id]
    return _some(draw, others)


def _supersedes(draw: Any, drawing: _Drawing) -> str | None:
    # Only an earlier document: supersession never loops.
    return _maybe(draw, drawing.pool.ids["document"][: drawing.index])


def _activity(draw: Any, drawing: _Drawing) -> Clause4Duty | None:
    # Exactly one of a process, a Clause 4 activity, a service and a component: an activity
    # unless a process is named, or a service or component is drawn instead (when any exists).
    if drawing.values["process"] is not None:
        return None
    pool = drawing.pool.ids
    if (pool["service"] or pool["asset"]) and draw(st.booleans()):
        return None
    activity: Clause4Duty = draw(_CLAUSE4)
    return activity


def _operated_service(draw: Any, drawing: _Drawing) -> str | None:
    if drawing.values["process"] is not None or drawing.values["activity"] is not None:
        return None
    services, assets = drawing.pool.ids["service"], drawing.pool.ids["asset"]
    if services and (not assets or draw(st.booleans())):
        service: str = draw(st.sampled_from(services))
        return service
    return None


def _operated_component(draw: Any, drawing: _Drawing) -> str | None:
    named = ("process", "activity", "service")
    if any(drawing.values[field] is not None for field in named):
        return None
    component: str = draw(st.sampled_from(drawing.pool.ids["asset"]))
    return component


def _end_after(start: str) -> _Picker:
    """The end of a period that starts at field ``start``: never before the start."""

    def pick(draw: Any, drawing: _Drawing) -> date | None:
        begins: date | None = drawing.values[start]
        if begins is None:
            end: date | None = draw(_OPT_DATE)
            return end
        days: int | None = draw(_DAYS)
        return None if days is None else min(begins + timedelta(days=days), _LAST_DATE)

    return pick


def _members(draw: Any, drawing: _Drawing) -> tuple[str, ...]:
    # Top management is people of the provider, the first person always among them.
    people = drawing.pool.provider_people()
    return (people[0], *_some(draw, people[1:]))


def _representative(draw: Any, drawing: _Drawing) -> str | None:
    return _maybe(draw, drawing.pool.provider_people())


#: Fields drawn by a rule rather than from their annotation or the kinds they may name.
_RULES: Final[Mapping[tuple[type, str], _Picker]] = {
    (Party, "kind"): _party_kind,
    (Party, "lead_supplier"): _lead_supplier,
    (Person, "party"): _person_party,
    (Person, "reports_to"): _reports_to,
    (Process, "interfaces"): _interfaces,
    (Document, "supersedes"): _supersedes,
    (OtherPartyProcess, "activity"): _activity,
    (OtherPartyProcess, "service"): _operated_service,
    (OtherPartyProcess, "component"): _operated_component,
    (OtherPartyProcess, "end"): _end_after("start"),
    (Agreement, "expires"): _end_after("effective"),
    (TopManagement, "members"): _members,
    (TopManagement, "representative"): _representative,
}


# --- the whole system ------------------------------------------------------------------------


@functools.cache
def _sizes(max_size: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=max_size)


def _counts(draw: Any, max_size: int) -> tuple[dict[str, int], dict[str, bool]]:
    """How many entities of each collection (besides the provider and its first person), and
    which singletons there are. A collection whose entities need a reference to a kind of
    which there is none stays empty."""
    size = _sizes(max_size)
    count = {t.kind: draw(size) for t in _COLLECTIONS}
    count["party"] += 1  # the provider
    count["person"] += 1  # someone of the provider, for top management
    present = {t.kind: bool(draw(_BOOL)) for t in _SINGLETONS}
    emptied = True
    while emptied:
        there = {k for k, n in count.items() if n} | {k for k, p in present.items() if p}
        emptied = False
        for t in _COLLECTIONS:
            if count[t.kind] and any(
                r.required and r.kinds and not r.kinds & there for r in t.references
            ):
                count[t.kind] = 0
                emptied = True
    return count, present


@st.composite
def _sms(draw: Any, max_size: int) -> ServiceManagementSystem:
    count, present = _counts(draw, max_size)
    pool = _Pool(count, present)
    parts: dict[str, Any] = {}
    for t in _COLLECTIONS:
        made: list[Any] = []
        for i, entity_id in enumerate(pool.ids[t.kind]):
            made.append(_entity(draw, t.cls, _Drawing(pool, i, entity_id, made, {})))
        parts[t.field] = pool.made[t.kind] = tuple(made)
    for t in _SINGLETONS:
        there = present[t.kind]
        parts[t.field] = _entity(draw, t.cls, _Drawing(pool, 0, t.kind, (), {})) if there else None
    parts["top_management"] = _entity(draw, TopManagement, _Drawing(pool, 0, None, (), {}))
    parts["duties"] = tuple(
        _entity(draw, DutyAssignment, _Drawing(pool, i, None, (), {}))
        for i in range(draw(_sizes(max_size)))
    )
    return ServiceManagementSystem(name=draw(_TEXT), provider=pool.ids["party"][0], **parts)
