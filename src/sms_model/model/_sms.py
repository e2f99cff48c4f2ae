"""The aggregate root: a whole service management system, indexed and checked on construction.

Editing a system (``replace``, ``remove``) and what an edit changed live in
:mod:`sms_model.model._editing`; the facts about entity types in :mod:`sms_model.model._meta`.

Length: the root and the checks of its construction (ids indexed and references checked in
bulk, collection by collection, the hot path of loading), which read each other's tables.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Set
from types import MappingProxyType
from typing import Any, Final

import attrs

from sms_model.errors import FieldValueError, Issue, ModelValidationError, UnknownReferenceError
from sms_model.model._checks import problems
from sms_model.model._entities import (
    Acknowledgement,
    Agreement,
    Approval,
    Asset,
    Audit,
    Change,
    ContextIssue,
    Document,
    DutyAssignment,
    Evidence,
    Improvement,
    Knowledge,
    Meeting,
    Objective,
    OtherPartyProcess,
    Party,
    PartyRequirement,
    Person,
    Policy,
    Process,
    Report,
    Resource,
    Review,
    Risk,
    Role,
    Scope,
    Service,
    ServiceManagementPlan,
    TopManagement,
)
from sms_model.model._enums import Edition, PartyKind
from sms_model.model._meta import (
    EntityType,
    collection_of,
    entity_classes,
    entity_types_of,
    references,
    since,
    singleton_of,
)

__all__ = ["COLLECTIONS", "RECORD_COLLECTIONS", "ServiceManagementSystem", "entity_types"]


@attrs.frozen(kw_only=True)
class ServiceManagementSystem:
    """A service management system: the aggregate root of the model (ISO/IEC 20000-1:2011, 4).

    Ids are unique across the whole system, so any record can name any artefact. On
    construction every id is indexed and every reference checked; all problems are reported
    together in one :class:`~sms_model.errors.ModelValidationError`.

    >>> from sms_model.model import Party, PartyKind, Person, TopManagement
    >>> sms = ServiceManagementSystem(
    ...     name="Acme",
    ...     provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ...     people=(Person(id="ceo", name="Ada", party="acme"),),
    ...     top_management=TopManagement(members=("ceo",)),
    ... )
    >>> sms.get("ceo").name, sms.kind_of("ceo"), sms.party_of("ceo")
    ('Ada', 'person', 'acme')
    >>> ServiceManagementSystem(name="Acme", provider="nobody")
    Traceback (most recent call last):
    ...
    sms_model.errors.UnknownReferenceError: 1 problem in the service management system
      - $.provider: unknown party: no party has this id (found 'nobody')
    """

    name: str
    provider: str
    # the edition the system is written for; None: the 2011 edition (see Edition)
    edition: Edition | None = attrs.field(default=None, metadata=since("2018"))
    top_management: TopManagement = attrs.field(factory=TopManagement)
    # The fields that hold entity types say so (collection_of, singleton_of): the tables below,
    # and every other table of entity types, are derived from them. (singleton_of makes an attrs
    # field whose default is None: nothing mutable is shared.)
    scope: Scope | None = singleton_of("scope")  # noqa: RUF009
    plan: ServiceManagementPlan | None = singleton_of("plan")  # noqa: RUF009
    duties: tuple[DutyAssignment, ...] = ()
    parties: tuple[Party, ...] = collection_of("party")
    people: tuple[Person, ...] = collection_of("person")
    roles: tuple[Role, ...] = collection_of("role")
    policies: tuple[Policy, ...] = collection_of("policy")
    objectives: tuple[Objective, ...] = collection_of("objective")
    context_issues: tuple[ContextIssue, ...] = collection_of("context_issue", since="2018")
    party_requirements: tuple[PartyRequirement, ...] = collection_of(
        "party_requirement", since="2018"
    )
    services: tuple[Service, ...] = collection_of("service")
    assets: tuple[Asset, ...] = collection_of("asset", since="2018")
    processes: tuple[Process, ...] = collection_of("process")
    other_party_processes: tuple[OtherPartyProcess, ...] = collection_of("other_party_process")
    agreements: tuple[Agreement, ...] = collection_of("agreement")
    knowledge: tuple[Knowledge, ...] = collection_of("knowledge", since="2018")
    documents: tuple[Document, ...] = collection_of("document", record=True)
    meetings: tuple[Meeting, ...] = collection_of("meeting", record=True)
    approvals: tuple[Approval, ...] = collection_of("approval", record=True)
    acknowledgements: tuple[Acknowledgement, ...] = collection_of("acknowledgement", record=True)
    reviews: tuple[Review, ...] = collection_of("review", record=True)
    audits: tuple[Audit, ...] = collection_of("audit", record=True)
    reports: tuple[Report, ...] = collection_of("report", record=True)
    risks: tuple[Risk, ...] = collection_of("risk", record=True)
    changes: tuple[Change, ...] = collection_of("change", record=True)
    resources: tuple[Resource, ...] = collection_of("resource", record=True)
    improvements: tuple[Improvement, ...] = collection_of("improvement", record=True)
    evidence: tuple[Evidence, ...] = collection_of("evidence", record=True)

    _index: Mapping[str, Any] = attrs.field(
        init=False, repr=False, eq=False, hash=False, alias="_index"
    )

    def __attrs_post_init__(self) -> None:
        # Every field must hold what its annotation says (lists given by a caller become
        # tuples); anything else is reported before the entities are indexed.
        wrong = problems(self)
        if wrong:
            raise ModelValidationError.of(_type_issue(problem) for problem in wrong)
        # The index holds each entity under its id; its kind follows from its class. Paths are
        # made only for the ids that turn out to be wrong.
        index: dict[str, Any] = {}
        issues: list[Issue] = []
        first: dict[str, str] = {}  # the path of each id's first entity, made if ever needed
        reserved = False  # whether some id is reserved, checked while the ids are in cache
        for collection in COLLECTIONS:
            items = getattr(self, collection)
            ids = list(map(_by_id, items))
            reserved = reserved or _any_reserved(ids)
            size = len(index)
            index.update(zip(ids, items, strict=True))  # the usual case, in C
            if len(index) != size + len(ids):  # some id came twice: index again, one by one
                first = self._first_paths()
                index = self._index_one_by_one(first, issues)
                reserved = _any_reserved(index)
                break
        # The plan and the scope are singletons, but records name them (approvals,
        # acknowledgements), so their ids share the index.
        for name, single in (("plan", self.plan), ("scope", self.scope)):
            if single is None:
                continue
            reserved = reserved or _any_reserved((single.id,))
            if single.id in index:
                first = first or self._first_paths()
                issues.append(self._duplicate(single.id, f"$.{name}.id", first[single.id]))
            else:
                index[single.id] = single
        object.__setattr__(self, "_index", MappingProxyType(index))
        # With no id twice, references that must name a kind are checked against its ids.
        ids_of = None if issues else _IdsOfKinds(self)
        if reserved:
            first = first or self._first_paths()
            issues.extend(_reserved_ids(index, first.__getitem__))
        issues.extend(self._reference_issues(index, ids_of))
        issues.extend(self._structure_issues())
        if issues:
            raise ModelValidationError.of(issues)

    def _index_one_by_one(self, first: Mapping[str, str], issues: list[Issue]) -> dict[str, Any]:
        """The id index built entity by entity, the first entity of each id kept, with an issue
        for each id met again (``first`` gives the path of each id's first entity)."""
        index: dict[str, Any] = {}
        for collection in COLLECTIONS:
            for i, item in enumerate(getattr(self, collection)):
                if item.id in index:
                    path = f"$.{collection}[{i}].id"
                    issues.append(self._duplicate(item.id, path, first[item.id]))
                else:
                    index[item.id] = item
        return index

    def _first_paths(self) -> dict[str, str]:
        """The path of the first entity with each id."""
        paths: dict[str, str] = {}
        for collection in COLLECTIONS:
            for i, item in enumerate(getattr(self, collection)):
                paths.setdefault(item.id, f"$.{collection}[{i}].id")
        for name in ("plan", "scope"):
            single = getattr(self, name)
            if single is not None:
                paths.setdefault(single.id, f"$.{name}.id")
        return paths

    @staticmethod
    def _duplicate(entity_id: str, path: str, first: str) -> Issue:
        return Issue(
            what=f"duplicate id, first used at {first}",
            path=path,
            found=repr(entity_id),
            code="duplicate-id",
        )

    # --- lookups -------------------------------------------------------------------------

    def get(self, entity_id: str) -> Any:
        """The entity with this id; raises ``UnknownReferenceError`` when there is none."""
        try:
            return self._index[entity_id]
        except KeyError:
            issue = Issue(
                what="no entity has this id", found=repr(entity_id), code="unknown-reference"
            )
            raise UnknownReferenceError([issue]) from None

    def find(self, entity_id: str | None) -> Any | None:
        """The entity with this id, or ``None``."""
        if entity_id is None:
            return None
        return self._index.get(entity_id)

    def kind_of(self, entity_id: str) -> str | None:
        """The kind of entity an id names (``"person"``, ``"process"``, ...), or ``None``."""
        hit = self._index.get(entity_id)
        return None if hit is None else _kind_of(hit)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._index

    def ids(self) -> Iterator[str]:
        """Every id, in file order (collections in file order, then the plan and the scope)."""
        for collection in COLLECTIONS:
            for item in getattr(self, collection):
                yield item.id
        for single in (self.plan, self.scope):
            if single is not None:
                yield single.id

    # --- editing ---------------------------------------------------------------------------

    def replace(self, *entities: Any) -> ServiceManagementSystem:
        """A copy of the system with these entities in place of those with the same ids; an
        entity with a new id is added at the end of its collection.

        Only what changed is checked: the references the given entities make, and their ids.
        When a party, a person or a process operated by another party changes (structural
        checks look at those), or an id would move to another collection, the whole system is
        checked as on construction. Either way the copy remembers what changed, so that
        :func:`~sms_model.assess` with ``previous=`` re-assesses only that.

        >>> import attrs, sms_model
        >>> sms = sms_model.load("examples/acme-managed-services.yaml")
        >>> record = sms.evidence[0]
        >>> edited = sms.replace(attrs.evolve(record, title="Moved to the archive"))
        >>> edited.get(record.id).title, sms.get(record.id).title == record.title
        ('Moved to the archive', True)
        >>> sms.replace(attrs.evolve(record, subjects=("nobody",)))
        Traceback (most recent call last):
        ...
        sms_model.errors.UnknownReferenceError: 1 problem in the service management system
          - $.evidence[0].subjects[0]: unknown entity: no entity has this id (found 'nobody')
        """
        from sms_model.model._editing import replaced

        return replaced(self, entities)

    def remove(self, *ids: str) -> ServiceManagementSystem:
        """A copy of the system without the entities with these ids (checked as a whole, since
        other records may name them); like :meth:`replace`, it remembers what changed.

        >>> import sms_model
        >>> sms = sms_model.load("examples/acme-managed-services.yaml")
        >>> len(sms.remove(sms.evidence[0].id).evidence) == len(sms.evidence) - 1
        True
        """
        from sms_model.model._editing import removed

        return removed(self, ids)

    def changes_since(
        self, earlier: ServiceManagementSystem
    ) -> Mapping[str, frozenset[str]] | None:
        """The ids changed per collection since ``earlier``, when this system was made from it
        by :meth:`replace` and :meth:`remove` (at most 16 steps and 4,096 ids, and while
        ``earlier`` is alive); ``None`` otherwise.

        >>> import attrs, sms_model
        >>> sms = sms_model.load("examples/acme-managed-services.yaml")
        >>> edited = sms.replace(attrs.evolve(sms.evidence[0], title="New title"))
        >>> dict(edited.changes_since(sms)) == {"evidence": {sms.evidence[0].id}}
        True
        >>> sms.changes_since(edited) is None
        True
        """
        from sms_model.model._editing import changes_since

        return changes_since(self, earlier)

    def party_of(self, entity_id: str | None) -> str | None:
        """The party a person or role belongs to (a party's own id for a party), or ``None``."""
        entity = self.find(entity_id)
        if isinstance(entity, Party):
            return entity.id
        if isinstance(entity, Person | Role):
            return entity.party
        return None

    def is_provider_side(self, entity_id: str | None) -> bool:
        """True when the person, role or party belongs to the service provider itself."""
        return entity_id is not None and self.party_of(entity_id) == self.provider

    def people_of(self, owner_id: str | None) -> tuple[str, ...]:
        """The people behind an owner reference: the person, or a role's holders."""
        entity = self.find(owner_id)
        if isinstance(entity, Person):
            return (entity.id,)
        if isinstance(entity, Role):
            return entity.holders
        return ()

    def canonical(self) -> ServiceManagementSystem:
        """The same system with every collection in id order (duties in duty order).

        The order of entities in a file carries no meaning; rules read this view so that
        their findings do not depend on it. The copy shares this system's validated index, so
        it costs a sort, not a validation.

        >>> from sms_model.model import Party, PartyKind
        >>> sms = ServiceManagementSystem(name="A", provider="a", parties=[
        ...     Party(id="z", name="Z", kind=PartyKind.CUSTOMER),
        ...     Party(id="a", name="A", kind=PartyKind.PROVIDER)])
        >>> [p.id for p in sms.canonical().parties]
        ['a', 'z']
        """
        return self.reordered({})

    def reordered(self, known: Mapping[str, tuple[Any, ...]]) -> ServiceManagementSystem:
        """:meth:`canonical`, taking already-sorted collections from ``known`` (by name) rather
        than sorting them again; the caller vouches that each is this system's, in order."""
        changes: dict[str, tuple[Any, ...]] = {}
        for name in ("duties", *COLLECTIONS):
            items = getattr(self, name)
            ordered = known.get(name)
            if ordered is None:
                key = _duty_order if name == "duties" else _by_id
                ordered = tuple(sorted(items, key=key))
            if ordered is not items and ordered != items:
                changes[name] = ordered
        if not changes:
            return self
        copy = object.__new__(type(self))
        for field in attrs.fields(type(self)):
            object.__setattr__(copy, field.name, changes.get(field.name, getattr(self, field.name)))
        return copy

    @property
    def provider_party(self) -> Party:
        """The party that is the service provider."""
        party: Party = self.get(self.provider)
        return party

    # --- validation ----------------------------------------------------------------------

    def _reference_issues(
        self, index: Mapping[str, Any], ids_of: _IdsOfKinds | None
    ) -> Iterator[Issue]:
        yield from _check_ref(index, "$.provider", self.provider, _PARTY)
        singletons = (
            ("top_management", self.top_management),
            ("scope", self.scope),
            ("plan", self.plan),
        )
        for name, value in singletons:
            if value is not None:
                yield from _check_fields(index, f"$.{name}", value)
        for i, duty in enumerate(self.duties):
            yield from _check_fields(index, f"$.duties[{i}]", duty)
        for collection in COLLECTIONS:
            yield from _check_collection(index, collection, getattr(self, collection), ids_of)

    def _structure_issues(self) -> Iterator[Issue]:
        provider = self.find(self.provider)
        if isinstance(provider, Party) and provider.kind is not PartyKind.PROVIDER:
            yield Issue(
                what="the provider must be a party of kind 'provider'",
                path="$.provider",
                found=f"{self.provider!r} of kind {provider.kind.value!r}",
            )
        for i, opp in enumerate(self.other_party_processes):
            named = [f for f in _OPERATED if getattr(opp, f) is not None]
            if len(named) != 1:
                yield Issue(
                    what="set exactly one of 'process', 'activity', 'service' and 'component'",
                    path=f"$.other_party_processes[{i}]",
                    found=" and ".join(named) if named else "none",
                )


#: What an other-party entry may name as operated or provided by the other party.
_OPERATED: Final = ("process", "activity", "service", "component")


# --- the entity types: every table below is derived from the fields that declare them --------

_ENTITY_TYPES: Final = entity_types_of(ServiceManagementSystem)

#: The id-carrying collections of the SMS, in file order, with the entity kind of their items.
COLLECTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {t.field: t.kind for t in _ENTITY_TYPES if not t.singleton}
)

#: The collections that hold records (what was documented, decided or done), as opposed to the
#: parties, people, policies, services and processes that make up the system.
RECORD_COLLECTIONS: Final[tuple[str, ...]] = tuple(t.field for t in _ENTITY_TYPES if t.record)

# The kinds of a reference that may name any entity: checked by identity (``kinds is _ANY``).
_ANY: Final = frozenset({"*"})
_PARTY: Final = frozenset({"party"})


def _reference_table(
    classes: Iterable[type], known: Set[str]
) -> dict[type, tuple[tuple[str, frozenset[str], bool], ...]]:
    """For each of ``classes`` that names other entities: (field, kinds the referenced id may
    have, whether the field is a tuple), from the fields' metadata. Equal sets of kinds are one
    object; a kind not in ``known`` is refused."""
    shared: dict[frozenset[str], frozenset[str]] = {_ANY: _ANY}
    table: dict[type, tuple[tuple[str, frozenset[str], bool], ...]] = {}
    for cls in classes:
        specs = []
        for ref in references(cls):
            if not ref.kinds <= known:
                unknown = ", ".join(sorted(ref.kinds - known))
                raise TypeError(f"{cls.__name__}.{ref.field} names unknown kinds: {unknown}")
            kinds = shared.setdefault(ref.kinds or _ANY, ref.kinds or _ANY)
            specs.append((ref.field, kinds, ref.many))
        if specs:
            table[cls] = tuple(specs)
    return table


# For each entity class: (field, kinds the referenced id may have, whether the field is a tuple).
_REFS: Final[Mapping[type, tuple[tuple[str, frozenset[str], bool], ...]]] = _reference_table(
    entity_classes(ServiceManagementSystem), {t.kind for t in _ENTITY_TYPES}
)
_COLLECTION_OF: Final[Mapping[type, str]] = {
    t.cls: t.field for t in _ENTITY_TYPES if not t.singleton
}
_KIND_OF: Final[Mapping[type, str]] = {t.cls: t.kind for t in _ENTITY_TYPES}


def entity_types() -> tuple[EntityType, ...]:
    """The kinds of entity a :class:`ServiceManagementSystem` indexes by id, each with its class,
    the field that holds it and the fields of the class that name other entities; in the order
    of the system's fields. Ids are unique across all of them.

    >>> from sms_model.model import entity_types
    >>> [(t.kind, t.field) for t in entity_types() if t.singleton]
    [('scope', 'scope'), ('plan', 'plan')]
    >>> [t.field for t in entity_types() if t.record][:3]
    ['documents', 'meetings', 'approvals']
    >>> process = next(t for t in entity_types() if t.kind == "process")
    >>> [(r.field, sorted(r.kinds)) for r in process.references if r.many]
    [('responsible', ['person', 'role']), ('procedures', ['document']), ('interfaces', ['process'])]
    """
    return _ENTITY_TYPES


def _kind_of(entity: Any) -> str:
    """The kind of an indexed entity (``"person"``, ``"plan"``, ...), from its class."""
    kind = _KIND_OF.get(type(entity))
    if kind is None:  # a subclass of an entity class
        kind = next(k for cls, k in _KIND_OF.items() if isinstance(entity, cls))
    return kind


#: Ids the library gives to nodes of the accountability graph; entities cannot use them.
RESERVED_IDS: Final = frozenset({"sms", "top_management"})
RESERVED_PREFIX: Final = "duty:"


def _any_reserved(ids: Iterable[str]) -> bool:
    """Whether any id is reserved, checked in C: one search through all the ids joined."""
    joined = "\n" + "\n".join(ids) + "\n"
    return "\n" + RESERVED_PREFIX in joined or any(f"\n{r}\n" in joined for r in RESERVED_IDS)


def _reserved_ids(index: Mapping[str, Any], path_of: Callable[[str], str]) -> Iterator[Issue]:
    for entity_id in index:
        if entity_id in RESERVED_IDS or entity_id.startswith(RESERVED_PREFIX):
            yield Issue(
                what=(
                    "this id is reserved (sms, top_management and ids starting with 'duty:' "
                    "name nodes of the accountability graph)"
                ),
                path=path_of(entity_id),
                found=repr(entity_id),
                code="reserved-id",
            )


def _type_issue(problem: FieldValueError) -> Issue:
    return Issue(
        what=problem.what, path=f"$.{problem.field}", found=repr(problem.found), code="type"
    )


#: The id of an entity (a C-level getter: sorting calls it for every entity).
_by_id: Final[Callable[[Any], str]] = operator.attrgetter("id")


def _duty_order(duty: DutyAssignment) -> tuple[str, str, tuple[str, ...]]:
    return duty.duty.value, duty.accountable, tuple(sorted(duty.responsible))


class _IdsOfKinds:
    """Ids of entities of some kinds, as a set made on first use from the collections of those
    kinds, for checking references in bulk: a set of a few thousand ids stays in the CPU's
    cache, where look-ups in the whole index, and visits of the entities to learn their kind,
    do not. Valid only for a system with no id twice (the index then holds these entities).

    An entity's kind is that of its class, wherever it sits: an entity of another class in the
    collection is left out, so that a reference to it fails here and is checked one by one
    (an entity of the kind sitting in another collection is missed the same way)."""

    __slots__ = ("_sets", "_sms")

    def __init__(self, sms: ServiceManagementSystem) -> None:
        self._sms = sms
        self._sets: dict[frozenset[str], set[str]] = {}

    def __call__(self, kinds: frozenset[str]) -> set[str]:
        found = self._sets.get(kinds)
        if found is None:
            found = self._sets[kinds] = set()
            for cls, collection in _COLLECTION_OF.items():
                if _KIND_OF[cls] not in kinds:
                    continue
                items = getattr(self._sms, collection)
                if set(map(type, items)) <= {cls}:  # the usual case, in C
                    found.update(map(_by_id, items))
                else:
                    found.update(_by_id(item) for item in items if type(item) is cls)
        return found


def _check_collection(
    index: Mapping[str, Any],
    collection: str,
    items: tuple[Any, ...],
    ids_of: _IdsOfKinds | None,
) -> Iterator[Issue]:
    # The hot path of loading: one dictionary look-up per reference, and paths and messages
    # are built only for a reference that is wrong.
    if not items:
        return
    fields = _REFS.get(type(items[0]), ())
    if not fields:
        return
    if all(_refs_ok(index, items, *spec, ids_of) for spec in fields):
        return
    get = index.get
    kind_of = _KIND_OF.get
    plan = [(field, kinds, many, kinds is not _ANY) for field, kinds, many in fields]
    for i, item in enumerate(items):
        for field, kinds, many, check_kind in plan:
            value = getattr(item, field)
            if many:
                for ref in value:
                    hit = get(ref)
                    if hit is None or (check_kind and kind_of(type(hit)) not in kinds):
                        yield from _check_fields(index, f"$.{collection}[{i}]", item, field)
                        break
            elif value is not None:
                hit = get(value)
                if hit is None or (check_kind and kind_of(type(hit)) not in kinds):
                    yield from _check_ref(index, f"$.{collection}[{i}].{field}", value, kinds)


def _refs_ok(
    index: Mapping[str, Any],
    items: tuple[Any, ...],
    field: str,
    kinds: frozenset[str],
    many: bool,
    ids_of: _IdsOfKinds | None,
) -> bool:
    """Whether every reference of ``field`` in ``items`` names an entity of the right kind,
    checked once per distinct id, in bulk (the loops run in C); a ``False`` is checked again
    reference by reference, to report it."""
    values = map(operator.attrgetter(field), items)
    targets = set(itertools.chain.from_iterable(values)) if many else set(values)
    targets.discard(None)
    if kinds is _ANY:
        # With a dictionary, set.difference looks each target up in it (without a dictionary
        # it would copy the whole index into a set first).
        unknown = targets.difference(index) if type(index) is dict else targets - set(index)
        return not unknown
    if ids_of is not None:
        return targets.issubset(ids_of(kinds))
    # One look-up per target gives both answers: an unknown id comes back as None, whose
    # class is of no kind.
    classes = set(map(type, map(index.get, targets)))
    return all(_KIND_OF.get(cls) in kinds for cls in classes)


def _check_fields(
    index: Mapping[str, Any], prefix: str, entity: object, only: str | None = None
) -> Iterator[Issue]:
    for field, kinds, many in _REFS.get(type(entity), ()):
        if only is not None and field != only:
            continue
        value = getattr(entity, field)
        if many:
            for j, ref in enumerate(value):
                yield from _check_ref(index, f"{prefix}.{field}[{j}]", ref, kinds)
        elif value is not None:
            yield from _check_ref(index, f"{prefix}.{field}", value, kinds)


def _check_ref(
    index: Mapping[str, Any], path: str, ref: str, kinds: frozenset[str]
) -> Iterator[Issue]:
    hit = index.get(ref)
    expected = " or ".join(sorted(kinds)) if kinds is not _ANY else "entity"
    if hit is None:
        yield Issue(
            what=f"unknown {expected}: no {expected} has this id",
            path=path,
            found=repr(ref),
            code="unknown-reference",
        )
    elif kinds is not _ANY and _kind_of(hit) not in kinds:
        yield Issue(
            what=f"must name a {expected}",
            path=path,
            found=f"{ref!r}, a {_kind_of(hit)}",
            code="unknown-reference",
        )
