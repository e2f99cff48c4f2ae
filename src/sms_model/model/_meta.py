"""What the entity types are, declared once on their fields as attrs metadata.

A field that names other entities by id says so where it is declared, with the kinds of entity
it may name: ``owner: str | None = ref("person", "role")``. A field of the aggregate root that
holds an entity type says so too: ``parties: tuple[Party, ...] = collection_of("party")``. The
tables the rest of the library needs (the collections and their kinds, the references to check
on loading, the strategies that draw valid systems, whether a reference the accountability
graph turns into edges holds one id or several) are derived from these declarations, so adding
an entity type touches its class and the one field that holds it (see CONTRIBUTING.md).

The helpers return :func:`attrs.field` with the default such a field has: ``None`` for a
single reference, ``()`` for a tuple of references and for a collection; they add no validator
and no converter. A required reference (no default) is declared with :func:`attrs.field` itself
and :func:`reference` as its metadata, so that type checkers still see it is required.

>>> import attrs
>>> @attrs.frozen(kw_only=True)
... class Note:
...     id: str
...     author: str = attrs.field(metadata=reference("person"))
...     readers: tuple[str, ...] = refs("person", "role")
...     about: str | None = ref_any()
>>> [(r.field, sorted(r.kinds), r.many, r.required) for r in references(Note)]
[('author', ['person'], False, True), ('readers', ['person', 'role'], True, False), \
('about', [], False, False)]
"""

from __future__ import annotations

import dataclasses
import types
from collections.abc import Iterator
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import attrs

__all__ = [
    "ENTITY",
    "REFERENCE",
    "SINCE",
    "EntityType",
    "Reference",
    "collection_of",
    "entity_classes",
    "entity_types_of",
    "ref",
    "ref_any",
    "reference",
    "references",
    "refs",
    "refs_any",
    "since",
    "singleton_of",
]

#: Field metadata key of a reference field; its value says which kinds it names and how many.
REFERENCE: Final = "sms_model.reference"
#: Field metadata key of a field of the aggregate root that holds an entity type.
ENTITY: Final = "sms_model.entity"
#: Field metadata key of a field added after the first form of the file format: with a later
#: edition of the standard (``"2018"``), or with a release of the library (``"0.1"``, for a
#: field such as ``Person.email`` that no edition asks for). The input digest leaves such a
#: field out while it holds its default, so that the digest of a system written before the
#: field existed stays what it was.
SINCE: Final = "sms_model.since"


def since(edition: str | None) -> dict[str, Any]:
    """The field metadata marking a field added with ``edition`` of the standard, or with a
    release of the library (see :data:`SINCE`); empty for ``None``. The helpers below take it
    as ``since=``.

    >>> import attrs
    >>> @attrs.frozen
    ... class Thing:
    ...     parts: tuple[str, ...] = refs("asset", since="2018")
    ...     note: str | None = attrs.field(default=None, metadata=since("2018"))
    >>> [added_in(f) for f in attrs.fields(Thing)]
    ['2018', '2018']
    """
    return {} if edition is None else {SINCE: edition}


_since = since  # for the helpers, whose argument of that name hides the function


@attrs.frozen
class _Names:
    """The metadata of a reference field (empty ``kinds``: any entity)."""

    kinds: frozenset[str]
    many: bool


@attrs.frozen
class _Holds:
    """The metadata of a field of the aggregate root holding an entity type."""

    kind: str
    record: bool
    singleton: bool


# The two public records are frozen dataclasses rather than attrs classes: the attrs classes of
# the model are its entities, which check their fields (Checked); these only describe them.
@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class Reference:
    """A field of an entity class that names other entities by id.

    ``kinds`` are the kinds of entity the id may name (``"person"``, ``"role"``, ...); it is
    empty when the field may name any entity of the system. ``many`` is true for a tuple of ids,
    ``required`` for a single id the entity cannot be made without.

    >>> from sms_model.model import Process, references
    >>> owner = next(r for r in references(Process) if r.field == "owner")
    >>> sorted(owner.kinds), owner.many, owner.required
    (['person', 'role'], False, False)
    """

    field: str
    kinds: frozenset[str]
    many: bool
    required: bool


@dataclasses.dataclass(frozen=True, kw_only=True, slots=True)
class EntityType:
    """A kind of entity the system indexes by id, and the field of
    :class:`~sms_model.model.ServiceManagementSystem` that holds it.

    ``cls`` is the entity class (from the field's annotation); ``field`` holds a tuple of such
    entities (a collection), or one of them or ``None`` when ``singleton`` is true (the plan and
    the scope). ``record`` marks the collections of records: what was documented, decided or
    done, as opposed to the parties, people, policies, services and processes that make up the
    system. ``references`` are the fields of ``cls`` that name other entities.

    >>> from sms_model.model import entity_types
    >>> party = next(t for t in entity_types() if t.kind == "party")
    >>> party.kind, party.cls.__name__, party.field, party.record, party.singleton
    ('party', 'Party', 'parties', False, False)
    """

    kind: str
    cls: type
    field: str
    record: bool
    singleton: bool
    references: tuple[Reference, ...]


def reference(*kinds: str, many: bool = False) -> dict[str, Any]:
    """The field metadata of a reference to entities of these kinds (of any kind when none is
    given); ``many`` for a tuple of ids. Pass it to :func:`attrs.field` for a required reference,
    ``party: str = attrs.field(metadata=reference("party"))``: a type checker then sees that the
    field has no default, which it cannot see through a helper."""
    if not all(isinstance(kind, str) and kind for kind in kinds):
        raise TypeError(f"entity kinds are non-empty strings (found {kinds!r})")
    return {REFERENCE: _Names(frozenset(kinds), many)}


def ref(kind: str, *kinds: str, since: str | None = None) -> Any:
    """A field holding the id of one entity of these kinds, or ``None`` (the default); annotate
    it ``str | None``. ``since``: the edition it was added with."""
    return attrs.field(default=None, metadata=reference(kind, *kinds) | _since(since))


def refs(kind: str, *kinds: str, since: str | None = None) -> Any:
    """A field holding the ids of entities of these kinds, ``()`` by default; annotate it
    ``tuple[str, ...]``. ``since``: the edition it was added with."""
    return attrs.field(default=(), metadata=reference(kind, *kinds, many=True) | _since(since))


def ref_any() -> Any:
    """A field holding the id of one entity of any kind, or ``None`` (the default)."""
    return attrs.field(default=None, metadata=reference())


def refs_any() -> Any:
    """A field holding the ids of entities of any kind, ``()`` by default."""
    return attrs.field(default=(), metadata=reference(many=True))


def added_in(field: attrs.Attribute[Any]) -> str | None:
    """The edition (or release) a field was added with (:func:`since`), ``None`` for one of the
    first."""
    edition: str | None = field.metadata.get(SINCE)
    return edition


def collection_of(kind: str, *, record: bool = False, since: str | None = None) -> Any:
    """A field of the aggregate root holding a tuple of entities of kind ``kind``, ``()`` by
    default; ``record`` marks a collection of records, ``since`` the edition it was added with."""
    return attrs.field(default=(), metadata={ENTITY: _Holds(kind, record, False)} | _since(since))


def singleton_of(kind: str) -> Any:
    """A field of the aggregate root holding one entity of kind ``kind`` or ``None`` (the
    default), indexed by its id like the entities of the collections."""
    return attrs.field(default=None, metadata={ENTITY: _Holds(kind, False, True)})


_REFERENCES: dict[type, tuple[Reference, ...]] = {}


def references(cls: type) -> tuple[Reference, ...]:
    """The fields of the attrs class ``cls`` that name other entities, in declaration order.

    >>> from sms_model.model import Approval, references
    >>> [(r.field, sorted(r.kinds), r.required) for r in references(Approval)]
    [('subject', [], True), ('approver', ['person'], True)]
    """
    found = _REFERENCES.get(cls)
    if found is None:
        found = _REFERENCES[cls] = tuple(_references(cls))
    return found


def _references(cls: type) -> Iterator[Reference]:
    for field in attrs.fields(cls):
        names = field.metadata.get(REFERENCE)
        if isinstance(names, _Names):
            required = field.default is attrs.NOTHING
            yield Reference(field=field.name, kinds=names.kinds, many=names.many, required=required)


def entity_classes(root: type) -> tuple[type, ...]:
    """The attrs classes the fields of ``root`` hold (``X``, ``X | None`` or ``tuple[X, ...]``),
    each once, in field order."""
    hints = get_type_hints(root)
    found: dict[type, None] = {}
    for field in attrs.fields(root):
        for cls in _held(hints[field.name]):
            found.setdefault(cls)
    return tuple(found)


def _held(hint: Any) -> Iterator[type]:
    if isinstance(hint, type) and attrs.has(hint):
        yield hint
    elif get_origin(hint) in (Union, types.UnionType, tuple):
        for arg in get_args(hint):
            yield from _held(arg)


def entity_types_of(root: type) -> tuple[EntityType, ...]:
    """The entity types the fields of ``root`` hold (those marked with :func:`collection_of` or
    :func:`singleton_of`), in field order; the class of each is read from the field's annotation."""
    hints = get_type_hints(root)
    found = []
    for field in attrs.fields(root):
        holds = field.metadata.get(ENTITY)
        if not isinstance(holds, _Holds):
            continue
        classes = list(_held(hints[field.name]))
        if len(classes) != 1:
            raise TypeError(f"{root.__name__}.{field.name} must hold one attrs class")
        cls = classes[0]
        found.append(
            EntityType(
                kind=holds.kind,
                cls=cls,
                field=field.name,
                record=holds.record,
                singleton=holds.singleton,
                references=references(cls),
            )
        )
    return tuple(found)
