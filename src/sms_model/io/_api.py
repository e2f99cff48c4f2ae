"""Loading and saving a service management system as YAML or JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Literal

import yaml

from sms_model._gc import paused_gc
from sms_model.errors import FileFormatError, Issue
from sms_model.io._convert import structure, unstructure
from sms_model.io._stream import read_json
from sms_model.io._text import MAX_BYTES, Document, parse_json, parse_yaml
from sms_model.io._write import write_atomically
from sms_model.model import ServiceManagementSystem

__all__ = ["Format", "dump", "dumps", "load", "loads", "read_text"]

Format = Literal["yaml", "json"]

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_LINE_BREAKS = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}


def _format_of(path: Path, format: Format | None) -> Format:
    if format is not None:
        return format
    return "json" if path.suffix.lower() == ".json" else "yaml"


def loads(
    text: str | bytes, format: Format = "yaml", *, source: str | None = None
) -> ServiceManagementSystem:
    """Read an SMS from YAML or JSON text.

    Every problem found is reported together in one :class:`~sms_model.ModelValidationError`
    (or its subclass :class:`~sms_model.FileFormatError` when the text is not readable),
    each with its ``$``-path and, for YAML, its line and column.

    >>> sms = loads('''
    ... name: Acme
    ... provider: acme
    ... parties: [{id: acme, name: Acme Ltd, kind: provider}]
    ... ''')
    >>> sms.provider_party.name
    'Acme Ltd'
    >>> loads("name: Acme\\nprovider: acme\\nparties: [{id: acme, name: A, knd: provider}]\\n")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: 2 problems in the service management system
      - <string>:3:11: $.parties[0].kind: missing required field
      - <string>:3:36: $.parties[0].knd: unknown field; did you mean 'kind'? (found 'knd')
    """
    if isinstance(text, bytes):
        text = _decode(text, source)
    if text.startswith("\ufeff"):
        text = text[1:]
    if format not in ("json", "yaml"):
        raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")
    with paused_gc(promote=True):
        if format == "json":
            try:
                return read_json(text)
            except Exception:  # any problem at all: the detailed path below explains it
                pass
        document = parse_json(text, source) if format == "json" else parse_yaml(text, source)
        return _structure(document)


def _structure(document: Document) -> ServiceManagementSystem:
    return document.structured(structure)


def _decode(data: bytes, source: str | None) -> str:
    if len(data) > MAX_BYTES:
        raise FileFormatError([_too_large(len(data), source)], source=source)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        issue = Issue(
            what="not UTF-8 text",
            found=f"byte {data[exc.start : exc.start + 1]!r}",
            location=f"{source or '<bytes>'}:{line}:{column}",
            code="encoding",
        )
        raise FileFormatError([issue], source=source) from None


def _too_large(size: int, source: str | None) -> Issue:
    return Issue(
        what=f"larger than the {MAX_BYTES // (1024 * 1024)} MiB this library reads",
        found=f"{size} bytes",
        location=source,
        code="too-large",
    )


def load(path: str | os.PathLike[str], format: Format | None = None) -> ServiceManagementSystem:
    """Read an SMS from a YAML or JSON file (the format follows the suffix unless given).

    Errors name the file, line and column of each problem.

    >>> load("examples/minimal.yaml").name
    'Minimal SMS'
    """
    file = Path(path)
    return loads(read_text(file), _format_of(file, format), source=str(file))


def read_text(file: Path) -> str:
    """The text of a file of at most :data:`MAX_BYTES` bytes of UTF-8 (a
    :class:`~sms_model.errors.FileFormatError` naming the file otherwise)."""
    try:
        size = file.stat().st_size
        if size > MAX_BYTES:
            raise FileFormatError([_too_large(size, str(file))], source=str(file))
        data = _read_at_most(file, MAX_BYTES + 1)
    except OSError as exc:
        issue = Issue(what=f"cannot read the file: {exc.strerror}", location=str(file), code="io")
        raise FileFormatError([issue], source=str(file)) from None
    return _decode(data, str(file))  # the bytes are freed on return, before the text is read


def _read_at_most(file: Path, limit: int) -> bytes:
    # The size from stat() does not bound a file that grows meanwhile, a pipe or a device
    # such as /dev/zero; reading in chunks also avoids allocating ``limit`` bytes up front.
    chunks: list[bytes] = []
    total = 0
    with file.open("rb") as handle:
        while total < limit:
            chunk = handle.read(min(1 << 20, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    return b"".join(chunks)


def dumps(sms: ServiceManagementSystem, format: Format = "yaml") -> str:
    """Write an SMS as YAML or JSON text; ``loads(dumps(sms)) == sms``.

    Fields that hold their default are left out; the order of keys follows the model.

    >>> from sms_model.model import Party, PartyKind
    >>> sms = ServiceManagementSystem(
    ...     name="Acme", provider="acme",
    ...     parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    ... )
    >>> print(dumps(sms), end="")
    format_version: 1
    name: Acme
    provider: acme
    parties:
    - id: acme
      name: Acme
      kind: provider
    >>> loads(dumps(sms, "json"), "json") == sms
    True
    """
    data = unstructure(sms)
    if format == "json":
        written = json.dumps(data, indent=2, ensure_ascii=False)
        # Characters JSON leaves as they are but YAML readers, many editors and JavaScript take
        # for line breaks: escaped, so that every reader counts the lines of the file alike
        # (they occur only within strings, where an escape reads back as the same character).
        return written.translate(_LINE_BREAKS) + "\n"
    if format == "yaml":
        text: str = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
        return text
    raise ValueError(f"format must be 'yaml' or 'json', not {format!r}")


def dump(
    sms: ServiceManagementSystem, path: str | os.PathLike[str], format: Format | None = None
) -> None:
    """Write an SMS to a file atomically (a temporary file in the same folder, then a rename).

    >>> import tempfile, pathlib
    >>> sms = load("examples/minimal.yaml")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     target = pathlib.Path(folder, "copy.json")
    ...     dump(sms, target)
    ...     load(target) == sms
    True
    """
    file = Path(path)
    text = dumps(sms, _format_of(file, format))
    write_atomically(file, text)
