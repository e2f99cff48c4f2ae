"""Finding messages as data: a code, a template and plain parameters, rendered to English.

A rule never writes a finished sentence. It names a message ``code`` (stable, for programs and
translators), an English ``template`` and the ``params`` the template refers to; the engine
keeps the code and the params on the finding and renders the message from them. Whatever moves
with the as-of date (a due date, days overdue) is a parameter, so two assessments of the same
situation give findings with the same code, and a report can be compared or translated.

Templates use :meth:`str.format` fields, each a plain parameter name, with three conversions:
``!r`` (quoted, as :func:`repr`), ``!s`` (as text, the default) and ``!d`` (a whole number of
days: ``1 day``, ``3 days``). A list or tuple parameter renders as its items joined by ``", "``,
each converted. Parameters are plain data: text, whole numbers, floats, booleans, ``None``, or
lists of those; a :class:`~datetime.date` is kept as its ISO 8601 text.

>>> render("{what!r} is {late!d} late (due {due})", {"what": "r1", "late": 3, "due": "2026-01-31"})
"'r1' is 3 days late (due 2026-01-31)"
>>> render("customers {names!r} agreed", {"names": ["c1", "c2"]})
"customers 'c1', 'c2' agreed"
"""

from __future__ import annotations

import functools
import hashlib
import math
import string
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, Final

__all__ = ["Params", "finding_id", "plain_params", "render", "template_fields"]

_FORMATTER: Final = string.Formatter()
_CONVERSIONS: Final = frozenset({None, "r", "s", "d"})

#: One parsed piece of a template: literal text, then a field (name and conversion) or None.
_Piece = tuple[str, str | None, str | None]


@functools.lru_cache(maxsize=4096)
def _parse(template: str) -> tuple[_Piece, ...]:
    pieces = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        if name is not None and (not name.isidentifier() or spec or conversion not in _CONVERSIONS):
            raise ValueError(
                f"message template {template!r}: field {{{name}}} must be a plain parameter name "
                "with no format spec, converted by !r, !s or !d at most"
            )
        pieces.append((literal, name, conversion))
    return tuple(pieces)


def template_fields(template: str) -> frozenset[str]:
    """The parameter names a template refers to.

    >>> sorted(template_fields("{a} and {b!r}, again {a}"))
    ['a', 'b']
    """
    return frozenset(name for _, name, _ in _parse(template) if name is not None)


def _days(value: Any) -> str:
    return f"{value} day" if value == 1 else f"{value} days"


def _convert(value: Any, conversion: str | None) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_convert(item, conversion) for item in value)
    if conversion == "r":
        return repr(value)
    if conversion == "d":
        return _days(value)
    return str(value)


def render(template: str, params: Mapping[str, Any]) -> str:
    """The English message: the template with its fields replaced by the parameters.

    A field with no parameter is an error (:class:`KeyError`): a template and its parameters
    are written together, so a missing one is a bug of the rule.
    """
    return "".join(
        literal if name is None else literal + _convert(params[name], conversion)
        for literal, name, conversion in _parse(template)
    )


_SCALARS: Final = (str, int, float, bool, type(None))


def _plain(name: str, value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        if kind is float and not math.isfinite(value):
            raise TypeError(f"message parameter {name!r} must be a finite number, not {value}")
        return value
    if isinstance(value, str):  # a subclass (a str enum, say): its plain text
        return str.__str__(value)
    if isinstance(value, bool | int):
        return int(value) if not isinstance(value, bool) else bool(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, list | tuple | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [_plain(name, item) for item in items]
    raise TypeError(
        f"message parameter {name!r} must be plain data (text, a number, a date or a list of "
        f"those), not {type(value).__name__}"
    )


# Dates repeat across findings (the as-of date, due dates): their text is shared.
_iso = functools.lru_cache(maxsize=4096)(date.isoformat)


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """``params`` as plain data: dates as ISO 8601 text, tuples and sets as lists (a set
    sorted); anything else that is not plain data is a :class:`TypeError`.

    >>> plain_params({"due": date(2026, 1, 31), "ids": ("b", "a"), "n": 2})
    {'due': '2026-01-31', 'ids': ['b', 'a'], 'n': 2}
    """
    return {name: _plain(name, value) for name, value in params.items()}


class Params(Mapping[str, Any]):
    """A finding's message parameters: a read-only mapping of plain data, compact (the names
    of a message's parameters are stored once, shared by every finding that has them).

    >>> params = Params.of({"what": "review", "late": 3})
    >>> params["late"], dict(params), params == {"what": "review", "late": 3}
    (3, {'what': 'review', 'late': 3}, True)
    """

    __slots__ = ("_names", "_values")
    _shared: dict[tuple[str, ...], tuple[str, ...]] = {}  # noqa: RUF012 (a cache, by design)

    def __init__(self, names: tuple[str, ...], values: tuple[Any, ...]) -> None:
        self._names = self._shared.setdefault(names, names)
        self._values = values

    @classmethod
    def of(cls, plain: Mapping[str, Any]) -> Params:
        """The parameters of a mapping of plain data (see :func:`plain_params`)."""
        return cls(tuple(plain), tuple(plain.values()))

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"Params({dict(self)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (Params, (self._names, self._values))

    __hash__ = None  # type: ignore[assignment]  # equal to a dict, so not hashable either


def finding_id(rule: str, subjects: Iterable[str], key: str) -> str:
    """The identity of a finding: 16 hexadecimal digits of a BLAKE2b digest of the rule's id,
    its subjects (as a set: their order does not count) and the rule's discriminator ``key``.

    It never depends on the message, the status, the severity or the as-of date, so the same
    situation keeps its id from one assessment to the next.

    >>> finding_id("SMS-4.1.4-1", ["b", "a"], "") == finding_id("SMS-4.1.4-1", ["a", "b"], "")
    True
    >>> len(finding_id("SMS-4.1.4-1", [], ""))
    16
    """
    text = "\x1f".join((rule, "\x1e".join(sorted(set(subjects))), key))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()
