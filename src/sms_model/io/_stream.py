"""Reading a large SMS from JSON without ever holding the whole document as plain data.

The top-level object is read member by member, and each large collection (evidence, records,
people, ...) element by element: an element is decoded with the standard library's scanner,
with the same hooks as :func:`~sms_model.io._text.parse_json` (duplicate keys, NaN, infinities
and overlong numbers refused), and turned into its entity at once by the generated fast path,
so that only one element's plain data exists at a time. Equal strings and tuples are shared
across the load through one memo.

The reader takes no decision of its own: on anything it does not accept (a syntax error, a
duplicate key, a value of the wrong type, a model that does not validate) it gives up, and the
caller reads the text again through the detailed path, which reports every problem with its
position. It therefore accepts exactly what that path accepts, and builds an equal model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json.scanner import make_scanner
from typing import Any, Final

from sms_model.io._convert import FORMAT_VERSION
from sms_model.io._fast import streaming_structurers
from sms_model.io._text import decoder_hooks
from sms_model.model import ServiceManagementSystem

__all__ = ["GiveUp", "read_json"]

# JSON's own whitespace: str.isspace() would also take characters JSON refuses.
_SPACE: Final = " \t\n\r"
_SPACES: Final = re.compile(r"[ \t\n\r]+")


def _skip(text: str, i: int) -> int:
    """The position of the first character at or after ``i`` that is not JSON whitespace."""
    found = _SPACES.match(text, i)
    return i if found is None else found.end()


class GiveUp(Exception):
    """The streaming reader does not accept the text; read it through the detailed path."""


def read_json(text: str) -> ServiceManagementSystem:
    """Read an SMS from JSON text, streaming its collections.

    Raises :class:`GiveUp`, or the error met, on anything it does not accept; the caller
    then runs the detailed path, which finds and reports the problems (rarely needed, so
    re-reading the text then costs nothing on valid files).

    >>> sms = read_json('{"name": "Acme", "provider": "acme",'
    ...                 ' "parties": [{"id": "acme", "name": "Acme", "kind": "provider"}]}')
    >>> sms.provider_party.name
    'Acme'
    >>> read_json('{"name": "Acme", "name": "Acme"}')
    Traceback (most recent call last):
    ...
    sms_model.io._stream.GiveUp: duplicate key 'name'
    """
    root, elements = streaming_structurers(ServiceManagementSystem)
    # The scanner json.loads uses, made the way JSONDecoder makes it; one per load, since it
    # keeps a memo of keys while it reads a value. It raises StopIteration where no value is.
    scan = make_scanner(json.JSONDecoder(**decoder_hooks()))  # type: ignore[arg-type]
    memo: dict[Any, Any] = {}
    members: dict[str, Any] = {}
    i = _skip(text, 0)
    if text[i : i + 1] != "{":
        raise GiveUp("not an object")
    i = _skip(text, i + 1)
    if text[i : i + 1] == "}":
        i += 1
    else:
        while True:
            if text[i : i + 1] != '"':
                raise GiveUp("expected a key")
            key, i = scan(text, i)
            if key in members:
                raise GiveUp(f"duplicate key {key!r}")
            i = _skip(text, i)
            if text[i : i + 1] != ":":
                raise GiveUp("expected ':'")
            i = _skip(text, i + 1)
            element = elements.get(key)
            if element is not None and text[i : i + 1] == "[":
                members[key], i = _array(text, i + 1, scan, element, memo)
            else:
                members[key], i = scan(text, i)
            i = _skip(text, i)
            separator = text[i : i + 1]
            i += 1
            if separator == "}":
                break
            if separator != ",":
                raise GiveUp("expected ',' or '}'")
            i = _skip(text, i)
    if _skip(text, i) != len(text):
        raise GiveUp("extra data after the object")
    version = members.pop("format_version", FORMAT_VERSION)
    if type(version) is not int or version != FORMAT_VERSION:
        raise GiveUp("unsupported format_version")
    sms: ServiceManagementSystem = root(members, memo)
    return sms


def _array(
    text: str, i: int, scan: Callable[[str, int], tuple[Any, int]], element: Any, memo: Any
) -> tuple[tuple[Any, ...], int]:
    """The entities of the array whose first element starts at or after ``i``, and the
    position after its closing bracket."""
    items: list[Any] = []
    append = items.append
    if text[i] in _SPACE:
        i = _skip(text, i)
    if text[i] == "]":
        return (), i + 1
    while True:
        data, i = scan(text, i)
        append(element(data, memo))
        c = text[i]
        if c in _SPACE:
            i = _skip(text, i)
            c = text[i]
        if c == "]":
            return tuple(items), i + 1
        if c != ",":
            raise GiveUp("expected ',' or ']'")
        i += 1
        if text[i] in _SPACE:
            i = _skip(text, i)
