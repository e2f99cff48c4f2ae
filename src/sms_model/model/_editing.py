"""Editing a system: copies with entities replaced or removed, checked no more than the change
requires, and what changed since an earlier version.

:meth:`ServiceManagementSystem.replace <sms_model.model.ServiceManagementSystem.replace>` and
:meth:`~sms_model.model.ServiceManagementSystem.remove` come here. What an edit changed is kept
beside the systems it describes (in this module, by identity, and released with them), not in
the aggregate root; incremental re-assessment reads it through
:meth:`~sms_model.model.ServiceManagementSystem.changes_since`.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any, Final

import attrs

from sms_model.errors import Issue, ModelValidationError, UnknownReferenceError

# The aggregate root imports this module on its first edit, when it is complete itself.
from sms_model.model._sms import (
    _COLLECTION_OF,
    COLLECTIONS,
    ServiceManagementSystem,
    _check_fields,
    _kind_of,
    _reserved_ids,
)

__all__ = ["changes_since", "removed", "replaced"]

#: How many ancestors, and how many changed ids, an edited system remembers.
MAX_ANCESTORS: Final = 16
MAX_TRACKED_IDS: Final = 4096
#: Collections that the structural checks of construction look at: editing them re-checks all.
_STRUCTURAL: Final = frozenset({"parties", "other_party_processes"})
#: Beyond this many replaced ids, a layered index is merged into one dictionary.
_LAYER_LIMIT: Final = 4096


@attrs.frozen
class _Edit:
    """How a system was made from earlier ones: for each of its last ancestors (nearest first,
    held weakly), the ids changed since, per collection. Versions in between may be gone; the
    changes since an ancestor are still known."""

    ancestors: tuple[tuple[weakref.ref[ServiceManagementSystem], Mapping[str, frozenset[str]]], ...]

    @staticmethod
    def after(parent: ServiceManagementSystem, ids: Mapping[str, frozenset[str]]) -> _Edit:
        """The edit of a system made from ``parent`` by changing ``ids``."""
        chain = [(weakref.ref(parent), ids)]
        earlier = _EDITS.get(id(parent))
        for ancestor, since in earlier.ancestors[: MAX_ANCESTORS - 1] if earlier else ():
            if ancestor() is None:
                continue
            merged = {
                c: since.get(c, frozenset()) | ids.get(c, frozenset()) for c in {*since, *ids}
            }
            if sum(map(len, merged.values())) > MAX_TRACKED_IDS:
                break
            chain.append((ancestor, merged))
        return _Edit(tuple(chain))


# What each edited system was made from, and where entities sit in the collections of each
# system edited (shared with the copies made from it; every use checks the entry still holds),
# by the identity of the system, each entry dropped when its system is.
_EDITS: dict[int, _Edit] = {}
_POSITIONS: dict[int, dict[str, int]] = {}


def _keep(table: dict[int, Any], system: ServiceManagementSystem, value: Any) -> None:
    key = id(system)
    if key not in table:
        weakref.finalize(system, table.pop, key, None)
    table[key] = value


def changes_since(
    system: ServiceManagementSystem, earlier: ServiceManagementSystem
) -> Mapping[str, frozenset[str]] | None:
    """The ids changed per collection since ``earlier``, or ``None`` when not known."""
    if earlier is system:
        return {}
    edit = _EDITS.get(id(system))
    for ancestor, since in edit.ancestors if edit is not None else ():
        if ancestor() is earlier:
            return dict(since)
    return None


def replaced(system: ServiceManagementSystem, entities: Iterable[Any]) -> ServiceManagementSystem:
    """``system`` with ``entities`` in place of those with the same ids, new ids added."""
    changes = _by_collection(entities)
    full = False
    parts: dict[str, tuple[Any, ...]] = {}
    top: dict[str, Any] = {}
    placed: list[tuple[str, int, Any]] = []
    for collection, changed in changes.items():
        kind = COLLECTIONS[collection]
        items = getattr(system, collection)
        slots: dict[int, Any] = {}
        added: list[Any] = []
        for entity_id, entity in changed.items():
            hit = system._index.get(entity_id)
            if hit is None:
                added.append(entity)
            elif _kind_of(hit) != kind:
                full = True  # the id is taken elsewhere: a full check reports it
                added.append(entity)
            else:
                slots[_position(system, collection, entity_id, hit)] = entity
            top[entity_id] = entity
        listed = list(items)  # two plain copies: cheaper than slicing and joining
        for i, entity in slots.items():
            listed[i] = entity
        listed.extend(added)
        parts[collection] = tuple(listed)
        placed.extend((collection, i, e) for i, e in slots.items())
        placed.extend((collection, len(items) + j, e) for j, e in enumerate(added))
        full = full or collection in _STRUCTURAL
    edit = _Edit.after(system, {c: frozenset(ids) for c, ids in changes.items()})
    if full:
        copy = attrs.evolve(system, **dict[str, Any](parts))
    else:
        copy = _checked_copy(system, parts, top, placed)
    _keep(_EDITS, copy, edit)
    return copy


def _by_collection(entities: Iterable[Any]) -> dict[str, dict[str, Any]]:
    """The entities given to replace(), by collection and id; refused when one is of no
    collection or an id comes twice."""
    changes: dict[str, dict[str, Any]] = {}
    given: set[str] = set()
    for entity in entities:
        collection = _COLLECTION_OF.get(type(entity))
        if collection is None:
            issue = Issue(
                what="replace() takes entities of the system's collections",
                found=type(entity).__name__,
                code="type",
            )
            raise ModelValidationError([issue])
        if entity.id in given:
            issue = Issue(
                what="replace() was given this id twice", found=repr(entity.id), code="duplicate-id"
            )
            raise ModelValidationError.of([issue])
        given.add(entity.id)
        changes.setdefault(collection, {})[entity.id] = entity
    return changes


def _checked_copy(
    system: ServiceManagementSystem,
    parts: Mapping[str, tuple[Any, ...]],
    top: dict[str, Any],
    placed: list[tuple[str, int, Any]],
) -> ServiceManagementSystem:
    """The copy with ``parts``, checking only the references and ids of the entities placed,
    against the system's index layered with the new entries."""
    index = _layered(system._index, top)
    where = {e.id: f"$.{c}[{n}].id" for c, n, e in placed}
    issues = list(_reserved_ids(top, where.__getitem__))
    for collection, i, entity in placed:
        issues.extend(_check_fields(index, f"$.{collection}[{i}]", entity))
    if issues:
        raise ModelValidationError.of(issues)
    copy = object.__new__(type(system))
    for field in attrs.fields(type(system)):
        value = parts.get(field.name, getattr(system, field.name))
        object.__setattr__(copy, field.name, value)
    object.__setattr__(copy, "_index", index)
    positions = _POSITIONS.get(id(system))
    if positions is not None:
        _keep(_POSITIONS, copy, positions)
    return copy


def removed(system: ServiceManagementSystem, ids: Iterable[str]) -> ServiceManagementSystem:
    """``system`` without the entities with ``ids`` (checked as a whole)."""
    gone: dict[str, set[str]] = {}
    for entity_id in ids:
        hit = system._index.get(entity_id)
        collection = None if hit is None else _COLLECTION_OF.get(type(hit))
        if collection is None:
            issue = Issue(
                what="no entity of a collection has this id",
                found=repr(entity_id),
                code="unknown-reference",
            )
            raise UnknownReferenceError([issue])
        gone.setdefault(collection, set()).add(entity_id)
    parts = {
        collection: tuple(e for e in getattr(system, collection) if e.id not in dropped)
        for collection, dropped in gone.items()
    }
    copy = attrs.evolve(system, **dict[str, Any](parts))
    _keep(_EDITS, copy, _Edit.after(system, {c: frozenset(i) for c, i in gone.items()}))
    return copy


def _position(system: ServiceManagementSystem, collection: str, entity_id: str, entity: Any) -> int:
    items = getattr(system, collection)
    positions = _POSITIONS.get(id(system))
    if positions is None:
        positions = {}
        _keep(_POSITIONS, system, positions)
    position = positions.get(entity_id)
    if position is None or position >= len(items) or items[position] is not entity:
        for i, item in enumerate(items):
            positions[item.id] = i
        position = positions[entity_id]
    return position


class _Layered(Mapping[str, Any]):
    """An id index made of a base index and the entries replace() changed or added."""

    __slots__ = ("_base", "_top")

    def __init__(self, base: Mapping[str, Any], top: dict[str, Any]):
        self._base = base
        self._top = top

    def __getitem__(self, key: str) -> Any:
        hit = self._top.get(key)
        return self._base[key] if hit is None else hit

    def get(self, key: str, default: Any = None) -> Any:
        hit = self._top.get(key)
        return self._base.get(key, default) if hit is None else hit

    def __contains__(self, key: object) -> bool:
        return key in self._top or key in self._base

    def __iter__(self) -> Iterator[str]:
        yield from self._base
        base = self._base
        yield from (key for key in self._top if key not in base)

    def __len__(self) -> int:
        base = self._base
        return len(base) + sum(1 for key in self._top if key not in base)


def _layered(index: Mapping[str, Any], changes: dict[str, Any]) -> Mapping[str, Any]:
    if isinstance(index, _Layered):
        base, top = index._base, {**index._top, **changes}
    else:
        base, top = index, changes
    if len(top) > _LAYER_LIMIT:
        return MappingProxyType({**base, **top})
    return _Layered(base, top)
