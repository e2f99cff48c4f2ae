"""Structuring plain data into attrs classes, and back, with cattrs: the one converter of the
package, used for the service management system and for waivers and configuration alike.

The hooks are strict: a number is not silently turned into a string, a string is not iterated
into a tuple of characters, and an unknown field is an error naming the closest known field (or,
for a class of a few fields, all of them). Each field is checked on its own, by its type's hook
and then by the field's own validator, or by the field's own converter when it has one, so that
every wrong field is reported, not only the first. Every problem is collected with its
``$``-path.

:func:`structure_as` first tries the fast path (:mod:`sms_model.io._fast`), which accepts only
data this converter accepts and builds equal objects; on anything else, the converter structures
the data again and explains every problem. Both are generated from the same attrs metadata of
the classes (fields, annotations, defaults, converters, validators), and a property test holds
them to the same objects and the same issues.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar, cast, get_args, get_origin, get_type_hints

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from dateutil.parser import isoparse

from sms_model.errors import FieldValueError, Issue, ModelValidationError, SMSModelError
from sms_model.io._fast import GIVE_UP, fast_structurer, parse_date, parse_datetime
from sms_model.io._text import shorten
from sms_model.model import ServiceManagementSystem
from sms_model.model._checks import check_field

__all__ = ["FORMAT_VERSION", "structure", "structure_as", "structure_detailed", "unstructure"]

T = TypeVar("T")

#: The version of the file format; files may say ``format_version: 1``.
FORMAT_VERSION: Final = 1

#: An unknown field far from every known one is told the known fields when they are this few.
LISTED_FIELDS: Final = 8

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A lone surrogate cannot be written as UTF-8: a model holding one could not be saved or hashed.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class _Invalid(ValueError):
    """A value of the wrong type or form: ``what`` was expected, ``found`` (shown to the user)
    was found; ``suffix`` locates it within the value (``[2]``, ``.key``), ``code`` is the kind
    of issue."""

    def __init__(
        self, what: str, found: str | None, *, code: str = "type", suffix: str = ""
    ) -> None:
        super().__init__(what)
        self.what = what
        self.found = found
        self.code = code
        self.suffix = suffix


class _Nested(ValueError):
    """Several problems within one field's value (a field converter's own issues), their paths
    relative to the field (``""`` for the field itself, ``.key`` or ``[2]`` within it)."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} problems")
        self.issues = issues


def _describe(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 200:
        # repr() of a huge int is slow, and fails beyond Python's digit limit.
        return f"{type(value).__name__} of {value.bit_length()} bits"
    text = shorten(repr(value))
    return f"{type(value).__name__} {text}" if not isinstance(value, str) else text


def _str(value: Any, _: Any) -> str:
    if type(value) is str:
        if not value.isascii() and _SURROGATE.search(value):
            raise _Invalid("text with a lone surrogate, which UTF-8 cannot hold", _describe(value))
        return value
    raise _Invalid("expected a string", _describe(value))


def _int(value: Any, _: Any) -> int:
    if type(value) is int:
        return value
    raise _Invalid("expected a whole number", _describe(value))


def _float(value: Any, _: Any) -> float:
    # A whole number is a number too (as for a float annotation in Python); it is kept as it is.
    if type(value) is float or type(value) is int:
        return value
    raise _Invalid("expected a number", _describe(value))


def _bool(value: Any, _: Any) -> bool:
    if type(value) is bool:
        return value
    raise _Invalid("expected true or false", _describe(value))


def _date(value: Any, _: Any) -> date:
    if type(value) is date:
        return value  # already a date, e.g. from data built in Python
    if type(value) is not str or not _DATE.fullmatch(value):
        raise _Invalid("expected a date as YYYY-MM-DD", _describe(value))
    try:
        return parse_date(value)  # the fast path's parser (cached), so both read the same text
    except ValueError:
        raise _Invalid("no such date", repr(value)) from None


def _datetime(value: Any, _: Any) -> datetime:
    if type(value) is not str:
        raise _Invalid("expected an ISO 8601 date and time with a UTC offset", _describe(value))
    fast = parse_datetime(value)
    if fast is not None:
        return fast  # the fast path's parser, so that both paths accept the same text
    try:
        parsed = isoparse(value)
    except (ValueError, OverflowError):
        raise _Invalid("not an ISO 8601 date and time", _describe(value)) from None
    if parsed.tzinfo is None:
        raise _Invalid("the date and time needs a UTC offset (e.g. +00:00 or Z)", _describe(value))
    try:
        # Comparing or sorting it needs its instant in UTC, which must exist (years 1 to 9999).
        parsed.astimezone(UTC)
    except OverflowError:
        raise _Invalid(
            "the date and time lies outside years 1 to 9999 in UTC", repr(value)
        ) from None
    return parsed


def _enum_hook(cls: type[enum.Enum]) -> Callable[[Any, Any], enum.Enum]:
    members = {member.value: member for member in cls}
    allowed = ", ".join(repr(v) for v in members)

    def hook(value: Any, _: Any) -> enum.Enum:
        member = members.get(value) if isinstance(value, str) else None
        if member is None:
            raise _Invalid(f"expected one of {allowed}", _describe(value))
        return member

    return hook


def _is_tuple(t: Any) -> bool:
    """A tuple of any length, ``tuple[X, ...]`` (the model's only kind of collection)."""
    args = get_args(t)
    return get_origin(t) is tuple and len(args) == 2 and args[1] is Ellipsis


def _field_problem(exc: FieldValueError, name: str) -> _Invalid:
    """A field's own converter or validator refused its value: the problem, located within the
    field (its ``field`` is ``name``, or ``name[2]`` for one item)."""
    suffix = exc.field.removeprefix(name)
    if suffix == exc.field or suffix[:1] not in ("", ".", "["):
        suffix = ""  # named otherwise: the field itself is the place to show
    return _Invalid(exc.what, shorten(repr(exc.found)), code="value", suffix=suffix)


def _nested(exc: ModelValidationError, name: str) -> _Nested:
    """A field's converter reported several problems, with paths from the root of its object
    (``$.cadences.x``): the same problems, with paths from the field (``.x``)."""
    head = f"$.{name}"
    issues = []
    for issue in exc.issues:
        inner = issue.path.removeprefix(head)
        if inner == issue.path or inner[:1] not in ("", ".", "["):
            inner = ""  # not within the field: the field itself is the place to show
        issues.append(attrs.evolve(issue, path=inner))
    return _Nested(issues)


def _field_hooks(converter: cattrs.Converter, cls: type) -> dict[str, Any]:
    """cattrs overrides for the fields of ``cls`` that have a converter or a validator of their
    own: the value is checked by them as the field is structured, so each wrong field is
    reported (the class checks them all again when it is built, which then cannot fail)."""
    overrides: dict[str, Any] = {}
    hints = get_type_hints(cls)
    for field in attrs.fields(cls):
        if not field.init:
            continue
        if field.converter is not None:
            overrides[field.name] = override(struct_hook=_converted(cls, field.name))
        elif field.validator is not None:
            inner = converter.get_structure_hook(hints[field.name])
            overrides[field.name] = override(struct_hook=_validated(cls, field, inner))
    return overrides


def _converted(cls: type, name: str) -> Callable[[Any, Any], Any]:
    def hook(value: Any, _: Any) -> Any:
        try:
            return check_field(cls, name, value)  # the field's converter, then its validator
        except FieldValueError as exc:
            raise _field_problem(exc, name) from None
        except ModelValidationError as exc:
            raise _nested(exc, name) from None

    return hook


def _validated(
    cls: type, field: attrs.Attribute[Any], inner: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    validator = cast("Callable[[Any, attrs.Attribute[Any], Any], Any]", field.validator)
    stub: Any = object.__new__(cls)

    def hook(value: Any, t: Any) -> Any:
        value = inner(value, t)
        try:
            validator(stub, field, value)
        except FieldValueError as exc:
            raise _field_problem(exc, field.name) from None
        except AttributeError:
            pass  # a validator that reads other fields: it runs when the object is built
        return value

    return hook


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_structure_hook(str, _str)
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(float, _float)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )

    def tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        element = get_args(t)[0]
        structure_element = converter.get_structure_hook(element)

        def hook(value: Any, _: Any) -> tuple[Any, ...]:
            if type(value) is not list and type(value) is not tuple:
                raise _Invalid("expected a list", _describe(value))
            out: list[Any] = []
            errors: list[Exception] = []
            for i, item in enumerate(value):
                try:
                    out.append(structure_element(item, element))
                except Exception as exc:
                    notes: list[Any] = [*getattr(exc, "__notes__", ()), _Index(i)]
                    exc.__notes__ = notes
                    errors.append(exc)
            if errors:
                raise IterableValidationError("invalid items", errors, t)
            return tuple(out)

        return hook

    converter.register_structure_hook_factory(_is_tuple, tuple_hook)

    def attrs_structure(cls: type) -> Callable[[Any, Any], Any]:
        inner: Callable[[Any, Any], Any] = make_dict_structure_fn(
            cls, converter, _cattrs_forbid_extra_keys=True, **_field_hooks(converter, cls)
        )

        def hook(value: Any, t: Any) -> Any:
            if type(value) is not dict:
                raise _Invalid("expected a mapping", _describe(value))
            return inner(value, t)

        return hook

    converter.register_structure_hook_factory(attrs.has, attrs_structure)

    converter.register_unstructure_hook(date, date.isoformat)
    converter.register_unstructure_hook(datetime, datetime.isoformat)
    converter.register_unstructure_hook_factory(
        attrs.has,
        lambda cls: make_dict_unstructure_fn(cls, converter, _cattrs_omit_if_default=True),
    )
    return converter


class _Index:
    """A note on an exception raised by a list item: its index."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index


@functools.cache
def _converter() -> cattrs.Converter:
    return _make_converter()


def unstructure(sms: ServiceManagementSystem) -> dict[str, Any]:
    """Plain data (mappings, lists, strings, numbers, booleans) for an SMS, defaults omitted."""
    data: dict[str, Any] = _converter().unstructure(sms)
    return {"format_version": FORMAT_VERSION, **data}


def structure(data: Any) -> ServiceManagementSystem:
    """Build an SMS from plain data, reporting every problem with its ``$``-path."""
    if type(data) is not dict:
        issue = Issue(
            what="expected a mapping of the SMS at the top level",
            found=_describe(data),
            code="type",
        )
        raise ModelValidationError([issue])
    version = data.get("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:  # true == 1 and 1.0 == 1 in Python
        issue = Issue(
            what=f"unsupported format_version (this library reads {FORMAT_VERSION})",
            path="$.format_version",
            found=repr(version) if version in range(-99, 100) else _describe(version),
            code="version",
        )
        raise ModelValidationError([issue])
    body = {k: v for k, v in data.items() if k != "format_version"}
    return structure_as(ServiceManagementSystem, body)


def structure_as(cls: type[T], data: Any, *, path: str = "$") -> T:
    """Build an instance of the attrs class ``cls`` from plain data, or raise a
    :class:`~sms_model.errors.ModelValidationError` listing every problem, each with its
    ``$``-path (under ``path``, the place of ``data`` in its document).

    Valid data takes the generated fast path; anything it does not accept is structured again
    by the detailed path (:func:`structure_detailed`), which reports every problem.

    >>> from sms_model.model import Party
    >>> structure_as(Party, {"id": "acme", "name": "Acme", "kind": "provider"}).kind
    <PartyKind.PROVIDER: 'provider'>
    >>> structure_as(Party, {"id": " ", "name": 7, "kind": "provider"}, path="$.parties[0]")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: 2 problems in the service management system
      - $.parties[0].id: must be a non-empty string (found ' ')
      - $.parties[0].name: expected a string (found int 7)
    """
    try:
        fast: T = fast_structurer(cast(type, cls))(data)
        return fast
    except GIVE_UP:
        pass
    return structure_detailed(cls, data, path=path)


def structure_detailed(cls: type[T], data: Any, *, path: str = "$") -> T:
    """:func:`structure_as` without the fast path: the same objects, and the same problems."""
    try:
        result: T = _converter().structure(data, cls)
    except (ClassValidationError, IterableValidationError, _Invalid, _Nested, SMSModelError) as exc:
        raise ModelValidationError.of(_issues(exc, path)) from None
    return result


def _issues(exc: BaseException, path: str) -> list[Issue]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[Issue] = []
        for sub in exc.exceptions:
            out.extend(_issues(sub, _extend(sub, path)))
        return out
    if isinstance(exc, ModelValidationError):
        return list(exc.issues)  # raised by the aggregate root: its paths are already absolute
    if isinstance(exc, ForbiddenExtraKeysError):
        return _unknown_fields(exc, path)
    if isinstance(exc, _Invalid):
        return [Issue(what=exc.what, path=path + exc.suffix, found=exc.found, code=exc.code)]
    if isinstance(exc, _Nested):
        return [attrs.evolve(issue, path=path + issue.path) for issue in exc.issues]
    if isinstance(exc, FieldValueError):
        return [
            Issue(
                what=exc.what,
                path=f"{path}.{exc.field}",
                found=shorten(repr(exc.found)),
                code="value",
            )
        ]
    if isinstance(exc, KeyError):
        return [Issue(what="missing required field", path=path, code="missing")]
    return [Issue(what=str(exc) or type(exc).__name__, path=path, code="invalid")]


def _unknown_fields(exc: ForbiddenExtraKeysError, path: str) -> list[Issue]:
    known = [a.name for a in attrs.fields(exc.cl) if a.init]
    out = []
    for key in sorted(exc.extra_fields, key=str):
        close = difflib.get_close_matches(str(key), known, n=1)
        if close:
            hint = f"; did you mean {close[0]!r}?"
        elif len(known) <= LISTED_FIELDS:
            hint = f"; expected one of {', '.join(known)}"
        else:
            hint = ""
        out.append(
            Issue(
                what=f"unknown field{hint}",
                path=f"{path}.{key}",
                found=shorten(repr(key)),
                code="unknown-field",
            )
        )
    return out


def _extend(sub: BaseException, path: str) -> str:
    for note in getattr(sub, "__notes__", ()):
        if isinstance(note, _Index):
            return f"{path}[{note.index}]"
        name = getattr(note, "name", None)
        if name is not None:
            return f"{path}.{name}"
        index = getattr(note, "index", None)
        if index is not None:
            return f"{path}[{index}]"
    return path
