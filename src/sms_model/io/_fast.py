"""A fast path for structuring valid data into attrs classes (the model, waivers, ...).

Most files are valid, and cattrs (which the detailed path of :mod:`sms_model.io._convert` uses
to give every error a path) takes 1.5 to 1.7 times as long as the functions here, even without
its detailed validation and with its hooks built in advance: a hook call per field, and each
entity checking all its fields again on construction (on the benchmark files, it made a whole
load about 1.4 times slower). So each attrs class gets a small function, generated from the
same attrs metadata (fields, annotations, defaults, validators), that checks types inline,
shares repeated strings and builds the entity directly; anything unexpected makes it give up
(:data:`GIVE_UP`), and the caller then runs the detailed, error-reporting path on the same
data. A field with a converter of its own is always left to that path. Both paths accept
exactly the same inputs and build equal objects: the fast path only ever accepts values the
detailed path accepts, and property tests compare them on generated valid and invalid data
(``tests/io/test_twins.py``).
"""

from __future__ import annotations

import enum
import functools
import re
import types
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Final, Union, get_args, get_origin, get_type_hints

import attrs

from sms_model.errors import SMSModelError
from sms_model.model import Evidence
from sms_model.model._checks import Checked
from sms_model.model._meta import added_in

__all__ = [
    "GIVE_UP",
    "Mismatch",
    "fast_structurer",
    "parse_date",
    "parse_datetime",
    "plain_function",
    "streaming_structurers",
]

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Text that UTF-8 cannot hold is refused by the detailed path; the fast path leaves it to it.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_DATES: dict[str, date] = {}
_DATE_CACHE_LIMIT: Final = 50_000


class Mismatch(Exception):
    """The fast path met something it does not handle; use the detailed path."""


#: What the fast path raises on data it does not accept: :class:`Mismatch`, or the error of an
#: entity's own validator or of the aggregate root's checks (or of a parser, on odd text).
GIVE_UP: Final = (Mismatch, SMSModelError, ValueError, TypeError, KeyError, OverflowError)


def parse_date(text: str) -> date:
    """A strict ``YYYY-MM-DD`` date; dates repeat a lot in SMS records, so parses are cached.

    >>> parse_date("2026-11-27")
    datetime.date(2026, 11, 27)
    """
    found = _DATES.get(text)
    if found is None:
        if not _DATE.fullmatch(text):
            raise ValueError(f"not a date as YYYY-MM-DD: {text!r}")
        found = date.fromisoformat(text)
        if len(_DATES) >= _DATE_CACHE_LIMIT:
            _DATES.clear()
        _DATES[text] = found
    return found


def parse_datetime(text: str) -> datetime | None:
    """An ISO 8601 date and time with a UTC offset, by the standard library's parser, or
    ``None`` when it cannot read it, it has no offset, or its instant lies outside years 1 to
    9999 in UTC (the detailed path then decides, and explains)."""
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            return None
        parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return parsed


def text_ok(text: str) -> bool:
    """True unless the text holds a lone surrogate (checked only for non-ASCII text)."""
    return text.isascii() or _SURROGATE.search(text) is None


_NOTHING: Final = object()
#: Fields of free text or digests, nearly always unique to their entity: sharing their strings
#: through the per-load memo would cost a memo entry each and save nothing.
_UNSHARED: Final = frozenset({"title", "statement", "description", "location", "digest"})
#: Entities whose ids are not shared through the memo: evidence records are the bulk of a large
#: SMS and other entities seldom name them, so a memo entry per record id, hardly ever looked up
#: again, would only make every other look-up in the memo slower (a larger table, fewer cache
#: hits). A reference to such an id still works: it is an equal string, not the same object.
_UNNAMED: Final = frozenset({Evidence})


class _Builder:
    """Generates the source of one structuring function per attrs class.

    Each function takes the plain data and a memo (a dict, one per load): equal strings (ids,
    references, kinds, clause numbers) and equal tuples of strings or enum members come out
    as one shared object, so a large model holds each distinct value once. ``prebuilt`` names
    a class whose tuple-of-entities fields arrive already structured (by the streaming JSON
    reader); its function releases the memo before it builds the entity.
    """

    def __init__(self, prebuilt: type | None = None) -> None:
        self.namespace: dict[str, Any] = {
            "Mismatch": Mismatch,
            "parse_date": parse_date,
            "parse_datetime": parse_datetime,
            "text_ok": text_ok,
            "NOTHING": _NOTHING,
            "str": str,
            "int": int,
            "bool": bool,
            "list": list,
            "dict": dict,
            "tuple": tuple,
            "type": type,
            "map": map,
            "date_type": date,
            "new": object.__new__,
            "sa": object.__setattr__,
        }
        self.done: dict[type, str] = {}
        self.counter = 0
        self.prebuilt = prebuilt

    def name(self, prefix: str, value: Any) -> str:
        self.counter += 1
        key = f"_{prefix}{self.counter}"
        self.namespace[key] = value
        return key

    def function_for(self, cls: type) -> str:
        if cls in self.done:
            return self.done[cls]
        fname = f"structure_{cls.__name__}"
        self.done[cls] = fname
        hints = get_type_hints(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        known = self.name("known", frozenset(a.name for a in fields))
        lines = [
            f"def {fname}(d, m=None):",
            f"    if type(d) is not dict or not {known}.issuperset(d):",
            "        raise Mismatch",
            "    if m is None:",
            "        m = {}",
            "    sd = m.setdefault",
        ]
        args: list[str] = []
        factories = converted = False
        for field in fields:
            var = f"v_{field.name}"
            hint = hints[field.name]
            share = field.name not in _UNSHARED and not (field.name == "id" and cls in _UNNAMED)
            if field.converter is not None:
                # Its own converter decides what it accepts: the detailed path runs it, field by
                # field (configuration, not the model, has such fields).
                lines.append(f"    if {field.name!r} in d:")
                lines.append("        raise Mismatch")
                converted = True
                continue
            if cls is self.prebuilt and _entity_tuple(hint):
                # Structured already, element by element, by the streaming reader.
                lines.append(f"    {var} = d.get({field.name!r}, ())")
                lines.append(f"    if type({var}) is not tuple:")
                lines.append("        raise Mismatch")
                args.append(f"{field.alias}={var}")
            elif field.default is attrs.NOTHING:
                lines.append(f"    {var} = d[{field.name!r}]")
                lines += self.convert(var, hint, 1, share)
                args.append(f"{field.alias}={var}")
            elif isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
                factories = True
                lines.append(f"    {var} = d.get({field.name!r}, NOTHING)")
                lines.append(f"    if {var} is not NOTHING:")
                lines += self.convert(var, hint, 2, share)
                lines.append(f"        kw[{field.alias!r}] = {var}")
            elif field.default is None and _optional(hint):
                # Missing and null both give None, the default: one look-up, no sentinel.
                lines.append(f"    {var} = d.get({field.name!r})")
                lines += self.convert(var, hint, 1, share)
                args.append(f"{field.alias}={var}")
            else:
                default = self.name("default", field.default)
                lines.append(f"    {var} = d.get({field.name!r}, NOTHING)")
                lines.append(f"    if {var} is NOTHING:")
                lines.append(f"        {var} = {default}")
                lines.append("    else:")
                lines += self.convert(var, hint, 2, share)
                args.append(f"{field.alias}={var}")
        if factories:
            lines.insert(6, "    kw = {}")
            args.append("**kw")
        if cls is self.prebuilt:
            lines.append("    m.clear()  # the memo is not needed any more: free it first")
        if factories or converted or not issubclass(cls, Checked):
            lines.append(f"    return cls_{fname}({', '.join(args)})")
        else:
            lines += self.trusted(cls, fname, fields)
        self.namespace[f"cls_{fname}"] = cls
        exec("\n".join(lines), self.namespace)  # generated from our own model only
        return fname

    def trusted(self, cls: type, fname: str, fields: list[attrs.Attribute[Any]]) -> list[str]:
        """Build the entity from values this function has checked just as the entity's own
        check (:class:`~sms_model.model.Checked`) would: set each field as attrs' ``__init__``
        does and run the fields' validators, without checking every field a second time. A
        test holds every entity built this way to the entity's own check."""
        lines = [f"    o = new(cls_{fname})"]
        for field in fields:
            lines.append(f"    sa(o, {field.name!r}, v_{field.name})")
        for field in fields:
            if field.validator is not None:
                check = self.name("validator", field.validator)
                attribute = self.name("attribute", field)
                lines.append(f"    {check}(o, {attribute}, v_{field.name})")
        return [*lines, "    return o"]

    def convert(self, var: str, hint: Any, indent: int, share: bool = True) -> list[str]:
        pad = "    " * indent
        origin = get_origin(hint)
        if origin in (Union, types.UnionType):
            inner = [a for a in get_args(hint) if a is not type(None)]
            if len(inner) != 1:
                return [f"{pad}raise Mismatch"]
            body = self.convert(var, inner[0], indent + 1, share)
            return [f"{pad}if {var} is not None:", *body]
        if origin is tuple:
            if len(get_args(hint)) != 2 or get_args(hint)[1] is not Ellipsis:
                return [f"{pad}raise Mismatch"]  # a fixed-length tuple: not in the model
            return self.convert_tuple(var, get_args(hint)[0], pad)
        if hint is str:
            lines = [
                f"{pad}if type({var}) is not str or not ({var}.isascii() or text_ok({var})):",
                f"{pad}    raise Mismatch",
            ]
            if share:
                lines.append(f"{pad}{var} = sd({var}, {var})")
            return lines
        if hint in (int, bool):
            return [f"{pad}if type({var}) is not {hint.__name__}:", f"{pad}    raise Mismatch"]
        if hint is date:
            return [
                f"{pad}if type({var}) is str:",
                f"{pad}    {var} = parse_date({var})",
                f"{pad}elif type({var}) is not date_type:",
                f"{pad}    raise Mismatch",
            ]
        if hint is datetime:
            return [
                f"{pad}if type({var}) is not str:",
                f"{pad}    raise Mismatch",
                f"{pad}{var} = parse_datetime({var})",
                f"{pad}if {var} is None:",
                f"{pad}    raise Mismatch",
            ]
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            members = self.name("members", {m.value: m for m in hint})
            return [
                f"{pad}if type({var}) is not str:",
                f"{pad}    raise Mismatch",
                f"{pad}{var} = {members}.get({var})",
                f"{pad}if {var} is None:",
                f"{pad}    raise Mismatch",
            ]
        if attrs.has(hint):
            fn = self.function_for(hint)
            return [f"{pad}{var} = {fn}({var}, m)"]
        return [f"{pad}raise Mismatch"]

    def convert_tuple(self, var: str, element: Any, pad: str) -> list[str]:
        lines = [f"{pad}if type({var}) is not list:", f"{pad}    raise Mismatch"]
        if element in (str, int, bool):
            only = self.name("only", frozenset({element}))
            lines += [
                f"{pad}if not {only}.issuperset(map(type, {var})):",
                f"{pad}    raise Mismatch",
            ]
            if element is not str:
                return [*lines, f"{pad}{var} = tuple({var})"]
            # An equal tuple met before in this load was checked then: share it, and its
            # strings; the memo holds nothing but exact strings and tuples of them (or of
            # enum members), so equal means the same text.
            return [
                *lines,
                f"{pad}{var} = tuple({var})",
                f"{pad}shared = m.get({var})",
                f"{pad}if shared is None:",
                f"{pad}    if not text_ok(''.join({var})):",
                f"{pad}        raise Mismatch",
                f"{pad}    {var} = tuple([sd(x, x) for x in {var}])",
                f"{pad}    m[{var}] = {var}",
                f"{pad}else:",
                f"{pad}    {var} = shared",
            ]
        if attrs.has(element):
            item_fn = self.function_for(element)
            return [*lines, f"{pad}{var} = tuple([{item_fn}(x, m) for x in {var}])"]
        item_fn = self.element_function(element)
        lines.append(f"{pad}{var} = tuple([{item_fn}(x) for x in {var}])")
        if isinstance(element, type) and issubclass(element, enum.Enum):
            lines.append(f"{pad}{var} = sd({var}, {var})")
        return lines

    def element_function(self, element: Any) -> str:
        # Enums, dates and the like inside lists: a small generated converter.
        fname = f"element_{self.name('e', None)[1:]}"
        body = self.convert("v", element, indent=1, share=False)
        exec("\n".join([f"def {fname}(v):", *body, "    return v"]), self.namespace)
        return fname


def _optional(hint: Any) -> bool:
    return get_origin(hint) in (Union, types.UnionType) and type(None) in get_args(hint)


def _entity_tuple(hint: Any) -> bool:
    return get_origin(hint) is tuple and attrs.has(get_args(hint)[0])


def _element_class(hint: Any) -> type:
    element: type = get_args(hint)[0]
    return element


@functools.cache
def fast_structurer(cls: type) -> Callable[..., Any]:
    """The fast structuring function of an attrs class (built once): ``f(data, memo=None)``.

    It raises :class:`Mismatch` (or the error of an entity's own validator) on anything it
    does not accept; the caller then falls back to the detailed path. ``memo`` is a dict that
    shares equal strings and tuples between the entities of one load (a fresh one when not
    given).

    >>> from sms_model.model import Person
    >>> memo = {}
    >>> a = fast_structurer(Person)({"id": "ada", "name": "Ada", "party": "acme"}, memo)
    >>> b = fast_structurer(Person)({"id": "bob", "name": "Bob", "party": "acme"}, memo)
    >>> a.party is b.party
    True
    """
    builder = _Builder()
    name = builder.function_for(cls)
    function: Callable[..., Any] = builder.namespace[name]
    return function


@functools.cache
def streaming_structurers(
    cls: type,
) -> tuple[Callable[..., Any], dict[str, Callable[..., Any]]]:
    """For the streaming reader: the structuring function of ``cls`` that takes its
    tuple-of-entities fields already structured (as tuples), and the element function of each
    such field, by field name (each ``f(data, memo)``)."""
    builder = _Builder(prebuilt=cls)
    root: Callable[..., Any] = builder.namespace[builder.function_for(cls)]
    elements = {
        field.name: builder.namespace[builder.function_for(_element_class(hint))]
        for field in attrs.fields(cls)
        if field.init and _entity_tuple(hint := get_type_hints(cls)[field.name])
    }
    return root, elements


class _PlainBuilder:
    """Generates, per attrs class, a function giving an entity as plain positional data (for
    hashing: field values in field order, dates as ISO text, enums as values, the items of
    every nested collection sorted). Fields added with a later edition (``since``) follow as one
    mapping of those that do not hold their default, left out when none does: the plain data of
    an entity written before they existed is what it was."""

    def __init__(self) -> None:
        self.namespace: dict[str, Any] = {"UTC": UTC, "list": list, "sorted": sorted, "repr": repr}
        self.done: dict[type, str] = {}

    def function_for(self, cls: type) -> str:
        if cls in self.done:
            return self.done[cls]
        fname = f"plain_{cls.__name__}"
        self.done[cls] = fname
        hints = get_type_hints(cls)
        fields = [a for a in attrs.fields(cls) if a.init]
        first = [self.expr(f"e.{a.name}", hints[a.name]) for a in fields if not added_in(a)]
        lines = [f"def {fname}(e):", f"    plain = ({', '.join(first)},)"]
        later = [a for a in fields if added_in(a)]
        if later:
            lines.append("    added = {}")
            for a in later:
                self.namespace[f"d_{fname}_{a.name}"] = a.default
                value = self.expr(f"e.{a.name}", hints[a.name])
                lines.append(f"    if e.{a.name} != d_{fname}_{a.name}:")
                lines.append(f"        added[{a.name!r}] = {value}")
            lines.append("    if added:")
            lines.append("        plain += (added,)")
        lines.append("    return plain")
        exec("\n".join(lines), self.namespace)
        return fname

    def expr(self, ref: str, hint: Any) -> str:
        origin = get_origin(hint)
        if origin in (Union, types.UnionType):
            inner = [a for a in get_args(hint) if a is not type(None)]
            return f"(None if {ref} is None else {self.expr(ref, inner[0])})"
        if origin is tuple:
            # No collection of the model is ordered by meaning (subjects, attendees, stages,
            # measurements, ...): sorted, the plain data does not depend on the order given.
            element = get_args(hint)[0]
            if element in (str, int, bool):
                return f"sorted({ref})"
            return f"sorted(({self.expr('x', element)} for x in {ref}), key=repr)"
        if hint is date:
            return f"{ref}.isoformat()"
        if hint is datetime:
            return f"{ref}.astimezone(UTC).isoformat()"
        if isinstance(hint, type) and issubclass(hint, enum.Enum):
            return f"{ref}.value"
        if attrs.has(hint):
            return f"{self.function_for(hint)}({ref})"
        return ref


_PLAIN: dict[type, Callable[[Any], Any]] = {}


def plain_function(cls: type) -> Callable[[Any], Any]:
    """A generated function giving an entity of ``cls`` as plain positional data.

    >>> from sms_model.model import Party, PartyKind
    >>> plain_function(Party)(Party(id="a", name="A", kind=PartyKind.PROVIDER))
    ('a', 'A', 'provider', None, True, None)
    """
    function = _PLAIN.get(cls)
    if function is None:
        builder = _PlainBuilder()
        function = _PLAIN[cls] = builder.namespace[builder.function_for(cls)]
    return function
