"""Recording what a rule reads while it runs, so that re-assessment knows what to re-run.

Rule authors declare nothing: the view of the system a rule gets (:class:`RuleView`) notes each
part of the SMS the rule touches (``"processes"``, ``"approvals"``, ...), each fact of
:class:`~sms_model.rules.Facts` it uses brings along the parts that fact was derived from
(:class:`fact`), and reads of the evidence are noted key by key (which kinds, subjects and
records), per item of a ``Context.each`` loop. A rule is then re-run after an edit exactly when
something it read changed. Nothing here changes what a rule finds: it only watches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs

from sms_model.model import Evidence, ServiceManagementSystem, entity_types

if TYPE_CHECKING:
    from sms_model.rules._evidence import EvidenceIndex

__all__ = ["ANY_PART", "AS_OF", "GLOBAL", "PARTS", "Reads", "RuleView", "Tracker", "fact"]

#: The partition of a rule's work outside any ``Context.each`` loop.
GLOBAL: Any = None

#: The parts of an SMS whose changes re-assessment follows: its fields, in declaration order.
PARTS: Final[tuple[str, ...]] = tuple(
    field.name for field in attrs.fields(ServiceManagementSystem) if field.init
)

#: The part a read of "anything" is noted as (every id, an id no entity has): such a rule is
#: re-run after any change.
ANY_PART: Final = "*"
#: Not a part of the SMS: the as-of date, noted when a rule or a fact reads it, so that an
#: assessment at another date re-runs exactly the rules whose findings can depend on the date.
AS_OF: Final = "as_of"

T = TypeVar("T")


class _Many(set[Any]):
    """Several partitions that read one key."""

    __slots__ = ()


_NONE: Final[Any] = object()


class Reads:
    """What one rule read of the evidence: for each key of the evidence indexes (by index
    name: ``"kind"``, ``"subject"``, ``"record"``, ...), the partitions that read it (the item
    ``Context.each`` was at, or ``GLOBAL``). ``whole`` is set when the rule read all of it, or
    when its reads cannot be told apart by item (loops within loops): it then runs whole.

    A partition checked again adds what it reads now; what it no longer reads stays noted, which
    can only cause a needless re-check later, never a missed one.
    """

    __slots__ = ("by_name", "whole")

    def __init__(self) -> None:
        self.by_name: dict[str, dict[Any, Any]] = {}  # key -> a partition, or _Many of them
        self.whole = False

    def add(self, name: str, key: Any, part: Any) -> None:
        keys = self.by_name.get(name)
        if keys is None:
            keys = self.by_name[name] = {}
        found = keys.get(key, _NONE)
        if found is _NONE:
            keys[key] = part
        elif type(found) is _Many:
            found.add(part)
        elif found != part:
            keys[key] = _Many((found, part))

    def partitions(self, keys: Iterable[tuple[str, Any]]) -> set[Any]:
        """The partitions that read any of these ``(name, key)`` pairs."""
        found: set[Any] = set()
        for name, key in keys:
            parts = self.by_name.get(name, {}).get(key, _NONE)
            if parts is _NONE:
                continue
            if type(parts) is _Many:
                found.update(parts)
            else:
                found.add(parts)
        return found


class Tracker:
    """While a rule (or a fact) is worked out: the parts of the SMS it read (``parts``), what
    it read of the evidence key by key (``reads``), and the item its ``Context.each`` loop is
    at (``partition``). Shared by the facts and the view rules see; ``None`` fields record
    nothing."""

    __slots__ = ("partition", "parts", "reads")

    def __init__(self) -> None:
        self.parts: set[str] | None = None
        self.reads: Reads | None = None
        self.partition: Any = GLOBAL

    def part(self, name: str) -> None:
        """Note a read of a whole part of the SMS."""
        if self.parts is not None:
            self.parts.add(name)

    def note(self, name: str, key: Any) -> None:
        """Note a read of the evidence filed under ``key`` in index ``name``."""
        if self.parts is not None:
            self.parts.add("evidence")
        if self.reads is not None:
            self.reads.add(name, key, self.partition)

    def read_all(self) -> None:
        """Note a read of the whole evidence (re-assessment then re-runs the rule whole)."""
        if self.parts is not None:
            self.parts.add("evidence")
        if self.reads is not None:
            self.reads.whole = True


class fact(Generic[T]):
    """A fact of :class:`~sms_model.rules.Facts`: worked out once, on first use, and read-only.

    The parts of the SMS it was worked out from are recorded, and charged to every rule that
    uses it (re-assessment re-runs those rules when one of the parts changes, and keeps the
    fact itself when none did).
    """

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self._compute = compute
        self.name = compute.__name__
        self.__doc__ = compute.__doc__

    def __get__(self, facts: Any, owner: type | None = None) -> T:
        if facts is None:
            return self  # type: ignore[return-value]  # the class attribute, for introspection
        hit = facts._cache.get(self.name)
        if hit is None:
            hit = self._work_out(facts)
        track: Tracker = facts._track
        if track.parts is not None:  # the usual case: charged in place, no call
            if hit[2]:
                track.read_all()
            track.parts.update(hit[1])
        result: T = hit[0]
        return result

    def _work_out(self, facts: Any) -> tuple[Any, frozenset[str], bool]:
        """Work the fact out, noting the parts it reads apart from the rule asking for it."""
        track: Tracker = facts._track
        outer, reads = track.parts, track.reads
        track.parts, track.reads = set(), None
        try:
            value = self._compute(facts)
            parts = frozenset(track.parts)
        finally:
            track.parts, track.reads = outer, reads
        # Evidence read by a fact is not told apart key by key: a rule using it read all.
        hit = facts._cache[self.name] = (value, parts, "evidence" in parts)
        return hit

    def __set__(self, facts: Any, value: Any) -> None:
        raise AttributeError(f"the fact {self.name!r} is read-only")

    def __delete__(self, facts: Any) -> None:
        raise AttributeError(f"the fact {self.name!r} is read-only")


class TrackedIndex(Mapping[str, tuple[Evidence, ...]]):
    """An evidence index that notes each key a rule looks up; iterating it reads all of it."""

    __slots__ = ("_index", "_name", "_track")

    def __init__(self, track: Tracker, index: EvidenceIndex, name: str) -> None:
        self._track = track
        self._index = index
        self._name = name

    def get(self, key: str, default: Any = None) -> Any:
        self._track.note(self._name, key)
        return self._index.get(self._name, key, default)

    def __getitem__(self, key: str) -> tuple[Evidence, ...]:
        self._track.note(self._name, key)
        found: tuple[Evidence, ...] | None = self._index.get(self._name, key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        self._track.note(self._name, key)
        return self._index.get(self._name, key) is not None

    def __iter__(self) -> Iterator[str]:
        self._track.read_all()
        return iter(self._index.mapping(self._name))

    def __len__(self) -> int:
        self._track.read_all()
        return len(self._index.mapping(self._name))


#: The slots of the system's fields, read and written past the view's recording properties.
_SLOTS: Final[Mapping[str, Any]] = {
    field.name: ServiceManagementSystem.__dict__[field.name]
    for field in attrs.fields(ServiceManagementSystem)
}
#: The part each kind of indexed entity lives in.
_PART_OF_KIND: Final[Mapping[str, str]] = {t.kind: t.field for t in entity_types()}
#: The same by the class of the entity, filled in as classes are met.
_PART_OF_TYPE: dict[type, str] = {}


class RuleView(ServiceManagementSystem):
    """The system as rules see it (in canonical order), noting every part a rule reads: a
    field, an entity looked up by id (the part it lives in; an id no entity has reads
    everything), and the evidence (the whole collection, or records by id)."""

    __slots__ = ("_records", "_track")
    _records: Callable[[], tuple[Evidence, ...]]
    _track: Tracker

    @classmethod
    def of(
        cls,
        sms: ServiceManagementSystem,
        track: Tracker,
        records: Callable[[], tuple[Evidence, ...]],
    ) -> RuleView:
        """The view of ``sms`` whose reads ``track`` notes; ``records`` gives the evidence in
        canonical order."""
        view = object.__new__(cls)
        for slot in _SLOTS.values():
            slot.__set__(view, slot.__get__(sms))
        object.__setattr__(view, "_track", track)
        object.__setattr__(view, "_records", records)
        return view

    def _looked_up(self, entity_id: Any) -> Any:
        hit = self._index.get(entity_id)
        track = self._track
        if hit is None:
            track.part(ANY_PART)
            track.note("record", entity_id)
        elif type(hit) is Evidence:
            track.note("record", entity_id)
        elif track.parts is not None:
            part = _PART_OF_TYPE.get(type(hit))
            if part is None:
                kind = ServiceManagementSystem.kind_of(self, entity_id)
                part = _PART_OF_TYPE[type(hit)] = _PART_OF_KIND.get(kind or "", ANY_PART)
            track.parts.add(part)
        return hit

    def get(self, entity_id: str) -> Any:
        self._looked_up(entity_id)
        return super().get(entity_id)

    def find(self, entity_id: str | None) -> Any | None:
        if entity_id is None:
            return None
        return self._looked_up(entity_id)

    def kind_of(self, entity_id: str) -> str | None:
        self._looked_up(entity_id)
        return super().kind_of(entity_id)

    def __contains__(self, entity_id: object) -> bool:
        return self._looked_up(entity_id) is not None

    def ids(self) -> Iterator[str]:
        self._track.part(ANY_PART)
        self._track.read_all()
        return super().ids()


def _recorded(name: str) -> property:
    slot = _SLOTS[name]

    def read(view: RuleView) -> Any:
        view._track.part(name)
        return slot.__get__(view)

    return property(read, doc=f"The system's ``{name}`` (the read is noted).")


def _evidence(view: RuleView) -> tuple[Evidence, ...]:
    view._track.read_all()
    return view._records()


for _name in PARTS:
    setattr(RuleView, _name, _recorded(_name))
RuleView.evidence = property(_evidence, doc="The evidence in id order (a read of all of it).")  # type: ignore[assignment]
del _name
