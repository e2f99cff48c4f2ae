"""Structuring plain data into the model, and back, with cattrs.

The hooks are strict: a number is not silently turned into a string, a string is not iterated
into a tuple of characters, and an unknown field is an error naming the closest known field.
Every problem is collected with its ``$``-path.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any, Final, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn
from dateutil.parser import isoparse

from sms_model.errors import FieldValueError, Issue, ModelValidationError, SMSModelError
from sms_model.io._fast import Mismatch, fast_structurer, parse_datetime
from sms_model.io._text import shorten
from sms_model.model import ServiceManagementSystem

__all__ = ["FORMAT_VERSION", "structure", "unstructure"]

#: The version of the file format; files may say ``format_version: 1``.
FORMAT_VERSION: Final = 1

_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A lone surrogate cannot be written as UTF-8: a model holding one could not be saved or hashed.
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class _Invalid(ValueError):
    """A value of the wrong type or form; ``found`` is shown to the user."""

    def __init__(self, what: str, found: object) -> None:
        super().__init__(what)
        self.what = what
        self.found = found


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
        return date.fromisoformat(value)
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
    return get_origin(t) is tuple


def _make_converter() -> cattrs.Converter:
    converter = cattrs.Converter(detailed_validation=True, forbid_extra_keys=True)
    converter.register_structure_hook(str, _str)
    converter.register_structure_hook(int, _int)
    converter.register_structure_hook(bool, _bool)
    converter.register_structure_hook(date, _date)
    converter.register_structure_hook(datetime, _datetime)
    converter.register_structure_hook_factory(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), _enum_hook
    )

    def tuple_hook(t: Any) -> Callable[[Any, Any], tuple[Any, ...]]:
        (element, *_rest) = get_args(t)
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
            cls, converter, _cattrs_forbid_extra_keys=True
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
    try:
        # Valid data takes the generated fast path; anything it does not accept is structured
        # again by the detailed path, which reports every problem with its path.
        fast: ServiceManagementSystem = fast_structurer(ServiceManagementSystem)(body)
        return fast
    except (Mismatch, SMSModelError, ValueError, TypeError, KeyError, OverflowError):
        pass
    try:
        result: ServiceManagementSystem = _converter().structure(body, ServiceManagementSystem)
    except (ClassValidationError, IterableValidationError, _Invalid, SMSModelError) as exc:
        raise ModelValidationError.of(_issues(exc, "$", ServiceManagementSystem)) from None
    return result


def _issues(exc: BaseException, path: str, cls: Any) -> list[Issue]:
    if isinstance(exc, ClassValidationError | IterableValidationError):
        out: list[Issue] = []
        for sub in exc.exceptions:
            sub_path, sub_cls = _extend(sub, path, exc)
            out.extend(_issues(sub, sub_path, sub_cls))
        return out
    if isinstance(exc, ModelValidationError):
        return list(exc.issues)  # raised by the aggregate root: its paths are already absolute
    if isinstance(exc, ForbiddenExtraKeysError):
        known = [a.name for a in attrs.fields(exc.cl) if a.init]
        out = []
        for key in sorted(exc.extra_fields, key=str):
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            out.append(
                Issue(
                    what=f"unknown field{hint}",
                    path=f"{path}.{key}",
                    found=shorten(repr(key)),
                    code="unknown-field",
                )
            )
        return out
    if isinstance(exc, _Invalid):
        return [Issue(what=exc.what, path=path, found=str(exc.found), code="type")]
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


def _extend(sub: BaseException, path: str, parent: BaseException) -> tuple[str, Any]:
    for note in getattr(sub, "__notes__", ()):
        if isinstance(note, _Index):
            return f"{path}[{note.index}]", None
        name = getattr(note, "name", None)
        if name is not None:
            return f"{path}.{name}", getattr(note, "type", None)
        index = getattr(note, "index", None)
        if index is not None:
            return f"{path}[{index}]", getattr(note, "type", None)
    return path, None
