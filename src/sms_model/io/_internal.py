"""What the rest of :mod:`sms_model` uses from :mod:`sms_model.io` (not public API).

Other sub-packages read their own input files (waivers, assessment configuration) the way the
SMS is read, through this module only: the same reading of paths and text (size limit, UTF-8,
YAML or JSON by the suffix), the same converter (:func:`structure_as`) and the same error
reporting (every problem, with its ``$``-path, its ``file:line:column`` and what was found).
"""

from __future__ import annotations

import os
from pathlib import Path

from sms_model.errors import ArgumentError, FileFormatError
from sms_model.io._api import read_text
from sms_model.io._convert import structure_as
from sms_model.io._fast import parse_date, plain_function
from sms_model.io._text import Document, parse_json, parse_yaml

__all__ = ["Document", "parse_date", "plain_function", "read_document", "structure_as"]


def read_document(source: str | os.PathLike[str], what: str) -> Document:
    """The parsed document of a path or of text; ``what`` names what is read, in messages
    (``waivers``: ``<waivers>`` stands for text, errors speak of ``the waivers``).

    ``source`` is a path (``str`` or :class:`os.PathLike`; a ``.json`` file is read as JSON,
    any other as YAML) or the text itself: a string that holds a line break, or starts with
    ``[`` or ``{``, is read as YAML text (JSON is YAML). An empty string, or anything else, is
    an :class:`~sms_model.errors.ArgumentError`; a file or text that cannot be read is a
    :class:`~sms_model.errors.FileFormatError`.

    >>> read_document("a: 1\\n", "config").data
    {'a': 1}
    >>> read_document("[1, 2", "waivers")
    Traceback (most recent call last):
    ...
    sms_model.errors.FileFormatError: <waivers>: 1 problem in the waivers
      - <waivers>:2:1: $: not valid YAML: did not find expected ',' or ']'
    """
    try:
        return _read(source, what)
    except FileFormatError as exc:
        raise FileFormatError(exc.issues, source=exc.source, subject=f"the {what}") from None


def _read(source: str | os.PathLike[str], what: str) -> Document:
    if isinstance(source, str):
        if not source.strip():
            raise ArgumentError(f"no {what} given: expected a file path or YAML/JSON text")
        if "\n" in source or source.lstrip()[:1] in ("[", "{"):
            return parse_yaml(source.removeprefix("\ufeff"), f"<{what}>")
    elif not isinstance(source, os.PathLike):
        raise ArgumentError(f"expected a file path or YAML/JSON text, not {type(source).__name__}")
    file = Path(source)
    text = read_text(file).removeprefix("\ufeff")
    parse = parse_json if file.suffix.lower() == ".json" else parse_yaml
    return parse(text, str(file))
