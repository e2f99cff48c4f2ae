"""Entities check the values they are built with, from their own type annotations.

An ITSM product builds the model from its own tables, in code, as often as it loads a file; a
value of the wrong type would otherwise be accepted silently and make a rule answer wrongly
later. So every entity class derives from :class:`Checked`: after construction it compares
each field with the field's annotation and refuses a wrong value with a
:class:`~sms_model.errors.FieldValueError` naming the class, the field and what was found.

Two conversions are made instead of a refusal, because they cannot be misread:

- an enumeration member given as its string value (``kind="provider"``) becomes the member;
- a list, or any other iterable that is not a string or a mapping, given for a tuple field
  becomes a tuple (its items are then checked one by one);
- a subclass of ``str`` becomes a plain ``str``.

Everything else is refused: a date given as text or as a ``datetime`` (which is a subclass of
``date`` and would compare wrongly), a naive ``datetime``, ``None`` in a required field, a bool
for a number, text that UTF-8 cannot hold, a mapping where an entity is expected.

Checking every field costs little: a small function per class, generated on first use from the
annotations, tests every field at once (``type(v) is str and v.isascii()`` and the like); only
when it finds something unusual does the field-by-field check below run, which converts or
explains.
"""

from __future__ import annotations

import enum
import re
import types
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import attrs

from sms_model.errors import FieldValueError

__all__ = ["Checked", "check_field", "field_problems", "problems"]

# Text that UTF-8 cannot hold could not be saved, hashed or reported.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
#: How much of a wrong value an error message shows.
_SHOWN: Final = 80


class Checked:
    """Base of the entity classes: checks every field after construction (see the module).

    >>> from sms_model.model import Party, PartyKind
    >>> Party(id="acme", name="Acme", kind="provider").kind is PartyKind.PROVIDER
    True
    >>> Party(id="acme", name="Acme", kind="provder")
    Traceback (most recent call last):
    ...
    sms_model.errors.FieldValueError: Party.kind: expected a member of PartyKind or its value: \
'provider', 'internal_group', 'customer', 'supplier', 'other' (found 'provder')
    """

    __slots__ = ()

    def __attrs_post_init__(self) -> None:
        for problem in problems(self):
            raise problem


def problems(entity: Any) -> list[FieldValueError]:
    """The fields of an attrs entity that do not fit their annotations, each as a
    :class:`FieldValueError` (none for a well-made entity); what can be converted is converted
    in place."""
    cls = type(entity)
    fast = _FAST.get(cls)
    if fast is None:
        fast = _FAST[cls] = _fast_check(cls)
    if fast(entity):
        return []
    return list(field_problems(entity))


def field_problems(entity: Any) -> Iterator[FieldValueError]:
    """Check every field of an attrs entity against its annotation, converting what can be
    converted in place; yields a :class:`FieldValueError` for each field that is wrong."""
    cls = type(entity)
    for name, hint in _hints(cls).items():
        value = getattr(entity, name)
        try:
            fixed = _fix(hint, value, name)
        except _Wrong as wrong:
            yield FieldValueError(wrong.where, wrong.what, wrong.found, entity=cls.__name__)
            continue
        if fixed is not value:
            object.__setattr__(entity, name, fixed)


def check_field(cls: type, name: str, value: Any) -> Any:
    """``value`` as field ``name`` of the attrs class ``cls`` would hold it (converted by the
    field's converter, checked against its annotation when ``cls`` is :class:`Checked`, then
    by its validator), or a :class:`FieldValueError`: one field checked on its own, so that a
    reader of plain data can report every wrong field, not only the first."""
    field = attrs.fields_dict(cls)[name]
    convert: Callable[[Any], Any] | None = field.converter  # type: ignore[assignment]
    if convert is not None:
        value = convert(value)
    if issubclass(cls, Checked):
        try:
            value = _fix(_hints(cls)[name], value, name)
        except _Wrong as wrong:
            raise FieldValueError(
                wrong.where, wrong.what, wrong.found, entity=cls.__name__
            ) from None
    if field.validator is not None:
        field.validator(object.__new__(cls), field, value)
    return value


class _Wrong(Exception):
    """One value does not fit its annotation: where within the field, what was expected."""

    def __init__(self, where: str, what: str, found: object) -> None:
        super().__init__(what)
        self.where = where
        self.what = what
        self.found = found


def _shown(value: object) -> object:
    """The value as an error shows it: short, and never a huge object's full repr."""
    if isinstance(value, str | int | float | bool | date | enum.Enum) or value is None:
        if isinstance(value, str) and len(value) > _SHOWN:
            return value[:_SHOWN] + "..."
        if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
            return f"an int of {value.bit_length()} bits"
        return value
    name = type(value).__qualname__
    ident = getattr(value, "id", None)
    if attrs.has(type(value)) and isinstance(ident, str):
        return _Described(f"{name} {ident!r}")
    article = "an" if name[:1].lower() in "aeiou" else "a"
    return _Described(f"{article} {name}")


class _Described:
    """A description of a value, shown as it is (not quoted) in an error message."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _fix(hint: Any, value: Any, where: str) -> Any:
    """``value`` if it fits ``hint``, else the converted value; raises :class:`_Wrong`."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [a for a in get_args(hint) if a is not type(None)]
        if value is None and len(options) < len(get_args(hint)):
            return None
        return _fix(options[0], value, where)
    if origin is tuple:
        return _fix_tuple(get_args(hint)[0], value, where)
    if value is None:
        raise _Wrong(where, f"is required: expected {_describe(hint)}", None)
    if hint is str:
        return _fix_text(value, where)
    if hint is bool or hint is int:
        if type(value) is not hint:
            raise _Wrong(where, f"expected {_describe(hint)}", _shown(value))
        return value
    if hint is date:
        return _fix_date(value, where)
    if hint is datetime:
        return _fix_datetime(value, where)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _fix_enum(hint, value, where)
    if isinstance(hint, type) and attrs.has(hint):
        if not isinstance(value, hint):
            raise _Wrong(where, f"expected {_describe(hint)}", _shown(value))
        return value
    raise TypeError(f"no check for the annotation {hint!r}")  # pragma: no cover - our own model


def _fix_tuple(element: Any, value: Any, where: str) -> tuple[Any, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _Wrong(where, f"expected a tuple (or list) of {_plural(element)}", _shown(value))
    items = value if type(value) is tuple else tuple(value)
    fixed = tuple(_fix(element, item, f"{where}[{i}]") for i, item in enumerate(items))
    if all(map(_same, fixed, items)):
        return items
    return fixed


def _same(a: object, b: object) -> bool:
    return a is b


def _fix_text(value: Any, where: str) -> str:
    if not isinstance(value, str) or isinstance(value, enum.Enum):
        raise _Wrong(where, "expected text (a str)", _shown(value))
    text = value if type(value) is str else str.__str__(value)
    if not text.isascii() and _SURROGATE.search(text):
        raise _Wrong(where, "text with a lone surrogate, which UTF-8 cannot hold", _shown(text))
    return text


def _fix_date(value: Any, where: str) -> date:
    if type(value) is date:
        return value
    if isinstance(value, datetime):
        raise _Wrong(where, "expected a date, not a date and time (use its .date())", value)
    if isinstance(value, str):
        raise _Wrong(where, "expected a date, not text (use datetime.date.fromisoformat)", value)
    raise _Wrong(where, "expected a date (datetime.date)", _shown(value))


def _fix_datetime(value: Any, where: str) -> datetime:
    if not isinstance(value, datetime):
        raise _Wrong(where, "expected a date and time (datetime.datetime)", _shown(value))
    if value.utcoffset() is None:
        raise _Wrong(where, "must be timezone-aware", value.isoformat())
    try:
        value.astimezone(UTC)
    except OverflowError:
        raise _Wrong(where, "lies outside years 1 to 9999 in UTC", value.isoformat()) from None
    return value


def _fix_enum(kind: type[enum.Enum], value: Any, where: str) -> enum.Enum:
    if type(value) is kind:
        return value
    if isinstance(value, str) and not isinstance(value, enum.Enum):
        for member in kind:
            if member.value == value:
                return member
    values = ", ".join(repr(m.value) for m in kind)
    raise _Wrong(
        where, f"expected a member of {kind.__name__} or its value: {values}", _shown(value)
    )


def _describe(hint: Any) -> str:
    if hint is str:
        return "text (a str)"
    if hint is bool:
        return "true or false (a bool)"
    if hint is int:
        return "a whole number (an int)"
    if hint is date:
        return "a date"
    if hint is datetime:
        return "a date and time"
    return f"a {getattr(hint, '__name__', hint)}"


def _plural(hint: Any) -> str:
    names = {str: "texts", date: "dates"}
    if isinstance(hint, type) and attrs.has(hint):
        return f"{hint.__name__} entities"
    return names.get(hint, f"{getattr(hint, '__name__', hint)} members")


# --- the fast check: one generated expression per class ---------------------------------------

_FAST: dict[type, Callable[[Any], bool]] = {}
_HINTS: dict[type, Mapping[str, Any]] = {}


def _hints(cls: type) -> Mapping[str, Any]:
    """The annotation of every field given on construction, in field order."""
    found = _HINTS.get(cls)
    if found is None:
        every = get_type_hints(cls)
        found = _HINTS[cls] = {a.name: every[a.name] for a in attrs.fields(cls) if a.init}
    return found


class _Expressions:
    """Builds the fast check of a class: an expression per field that is true only for a value
    the field-by-field check would accept unchanged (it may be false for some of those: the
    slow check then decides)."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"type": type, "map": map, "date": date, "str": str}
        self.count = 0

    def name(self, value: Any) -> str:
        self.count += 1
        key = f"_k{self.count}"
        self.namespace[key] = value
        return key

    def of(self, hint: Any, var: str) -> str:
        origin = get_origin(hint)
        if origin in (Union, types.UnionType):
            options = [a for a in get_args(hint) if a is not type(None)]
            return f"({var} is None or {self.of(options[0], var)})"
        if origin is tuple:
            return self.of_tuple(get_args(hint)[0], var)
        if hint is str:
            return f"(type({var}) is str and {var}.isascii())"
        if hint in (bool, int, date) or (isinstance(hint, type) and issubclass(hint, enum.Enum)):
            return f"type({var}) is {self.name(hint)}"
        if hint is datetime:  # aware, and far enough from the ends of the calendar
            return (
                f"(type({var}) is {self.name(datetime)} and {var}.utcoffset() is not None "
                f"and 1 < {var}.year < 9999)"
            )
        if isinstance(hint, type) and attrs.has(hint):
            return f"type({var}) is {self.name(hint)}"
        raise TypeError(f"no check for the annotation {hint!r}")  # pragma: no cover

    def of_tuple(self, element: Any, var: str) -> str:
        head = f"type({var}) is tuple and (not {var} or "
        only = self.name(frozenset({element}))
        if element is str:
            return f"({head}({only}.issuperset(map(type, {var})) and ''.join({var}).isascii())))"
        return f"({head}{only}.issuperset(map(type, {var}))))"


def _fast_check(cls: type) -> Callable[[Any], bool]:
    build = _Expressions()
    lines = ["def check(self):"]
    for name, hint in _hints(cls).items():
        lines.append(f"    v = self.{name}")
        lines.append(f"    if not {build.of(hint, 'v')}:")
        lines.append("        return False")
    lines.append("    return True")
    exec("\n".join(lines), build.namespace)  # generated from the model's own annotations only
    check: Callable[[Any], bool] = build.namespace["check"]
    return check
