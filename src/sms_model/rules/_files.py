"""Reading assessment configuration and waivers from YAML or JSON files or text.

The fields, which are required and what each accepts are those of :class:`Config` and
:class:`Waiver` themselves: each field is checked by the class's own check, so a file and an
object built in code are held to the same rules, and every wrong field is reported at once with
its ``$``-path and, from a file, its line.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, get_args, get_type_hints

import attrs

from sms_model.errors import (
    ArgumentError,
    FieldValueError,
    FileFormatError,
    Issue,
    ModelValidationError,
)
from sms_model.model._checks import check_field
from sms_model.rules._findings import Config, Waiver

__all__ = ["load_config", "load_waivers", "parse_config", "parse_waivers"]

Source = str | os.PathLike[str]
T = TypeVar("T")


def _document(source: Source, what: str) -> Any:
    """The parsed document of a path or of text (see :func:`load_waivers`)."""
    from sms_model.io._api import _decode, _read_at_most
    from sms_model.io._text import MAX_BYTES, parse_json, parse_yaml

    if isinstance(source, str):
        if not source.strip():
            raise ArgumentError(f"no {what} given: expected a file path or YAML/JSON text")
        if "\n" in source or source.lstrip()[:1] in ("[", "{"):
            return parse_yaml(source, f"<{what}>")
    elif not isinstance(source, os.PathLike):
        raise ArgumentError(f"expected a file path or YAML/JSON text, not {type(source).__name__}")
    file = Path(source)
    try:
        raw = _read_at_most(file, MAX_BYTES + 1)
    except OSError as exc:
        issue = Issue(what=f"cannot read the file: {exc.strerror}", location=str(file), code="io")
        raise FileFormatError([issue], source=str(file)) from None
    text = _decode(raw, str(file)).removeprefix("\ufeff")
    parse = parse_json if file.suffix.lower() == ".json" else parse_yaml
    return parse(text, str(file))


def _located(source: Source, what: str, parse: Callable[[Any], T]) -> T:
    document = _document(source, what)
    try:
        return parse(document.data)
    except ModelValidationError as exc:
        raise ModelValidationError.of(
            document.with_locations(exc.issues), source=document.source, subject=f"the {what}"
        ) from None


def load_config(source: Source) -> Config:
    """Read a :class:`~sms_model.rules.Config` from a YAML or JSON file, or from text.

    ``source`` is a path (``str`` or :class:`os.PathLike`) or the text itself: a string that
    holds a line break, or starts with ``{``, is read as text. An empty string is refused
    (:class:`~sms_model.errors.ArgumentError`); every wrong key or value is reported at once in
    a :class:`~sms_model.errors.ModelValidationError`, each with its ``$``-path and line.

    >>> config = load_config("cadences:\\n  management-review: P6M\\nwaiver_limit: P6M\\n")
    >>> config.cadence("management-review").text, config.waiver_limit.text
    ('P6M', 'P6M')
    >>> load_config("rule_timeout: -1\\nsurprise: 1\\n")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: <config>: 2 problems in the config
      - <config>:2:11: $.surprise: unknown key; use one of cadences, interfaces, \
not_applicable, options, rule_timeout, waiver_limit, look_back (found 'surprise')
      - <config>:1:15: $.rule_timeout: must be a positive, finite number of seconds (found -1)
    """
    return _located(source, "config", parse_config)


def parse_config(data: Any) -> Config:
    """Build a :class:`~sms_model.rules.Config` from plain data (a mapping of its fields).

    >>> parse_config({"cadences": {"management-review": "P6M"}}).cadence("management-review")
    Cadence(text='P6M')
    """
    if not isinstance(data, Mapping):
        raise ModelValidationError(
            [Issue(what="expected a mapping", found=type(data).__name__, code="type")]
        )
    names = tuple(attrs.fields_dict(Config))
    issues = _unknown_keys(data, names, "$", "key")
    for name in names:
        if name in data:
            issues.extend(_field_issues(Config, name, data[name], "$"))
    if issues:
        raise ModelValidationError(issues)
    return Config(**{name: data[name] for name in names if name in data})


def load_waivers(source: Source) -> tuple[Waiver, ...]:
    """Read waivers from a YAML or JSON file, or from text: a list of waivers, or a mapping
    ``{waivers: [...]}``. Each waiver has the fields of :class:`~sms_model.rules.Waiver`, dates
    written ``YYYY-MM-DD``.

    ``source`` is a path (``str`` or :class:`os.PathLike`) or the text itself: a string that
    holds a line break, or starts with ``[`` or ``{``, is read as text. An empty string is
    refused (:class:`~sms_model.errors.ArgumentError`); every wrong field is reported at once in
    a :class:`~sms_model.errors.ModelValidationError`, each with its ``$``-path and line.

    >>> (waiver,) = load_waivers('''
    ... - id: w1
    ...   target: SMS-6.6-assessment
    ...   justification: the new tool arrives in Q1
    ...   approver: ceo
    ...   granted: 2026-10-01
    ...   expires: 2027-03-31
    ... ''')
    >>> waiver.target, waiver.expires
    ('SMS-6.6-assessment', datetime.date(2027, 3, 31))
    >>> load_waivers("[{id: w1, target: '6.6', justification: ' ', approver: ceo}]")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: <waivers>: 2 problems in the waivers
      - <waivers>:1:41: $[0].justification: must be non-empty text (found ' ')
      - <waivers>:1:2: $[0].expires: missing required field
    """
    return _located(source, "waivers", parse_waivers)


def parse_waivers(data: Any) -> tuple[Waiver, ...]:
    """Build waivers from plain data: a list of mappings with the fields of
    :class:`~sms_model.rules.Waiver`, dates as ``YYYY-MM-DD`` text.

    >>> parse_waivers([{"id": "w1", "target": "6.6", "justification": "new tool in Q1",
    ...                 "approver": "ceo", "expires": "2027-03-31"}])[0].expires
    datetime.date(2027, 3, 31)
    """
    prefix = "$"
    if isinstance(data, Mapping) and set(data) == {"waivers"}:
        data, prefix = data["waivers"], "$.waivers"
    if not isinstance(data, list):
        issue = Issue(
            what="expected a list of waivers", path=prefix, found=type(data).__name__, code="type"
        )
        raise ModelValidationError([issue])
    issues: list[Issue] = []
    waivers: list[Waiver] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        path = f"{prefix}[{i}]"
        values, found = _waiver_values(item, path)
        if not found and values["id"] in seen:
            found = [_duplicate(values["id"], path)]
        if found:
            issues.extend(found)
            continue
        seen.add(values["id"])
        waivers.append(Waiver(**values))
    if issues:
        raise ModelValidationError(issues)
    return tuple(waivers)


def _waiver_values(item: Any, path: str) -> tuple[dict[str, Any], list[Issue]]:
    """The fields of one waiver, dates read from their text, and every problem with them."""
    if not isinstance(item, Mapping):
        return {}, [Issue(what="expected a mapping", path=path, found=repr(item)[:60], code="type")]
    fields = attrs.fields_dict(Waiver)
    issues = _unknown_keys(item, tuple(fields), path, "field")
    values: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in item:
            if field.default is attrs.NOTHING:
                issues.append(
                    Issue(what="missing required field", path=f"{path}.{name}", code="missing")
                )
            continue
        value = item[name]
        if name in _date_fields() and isinstance(value, str):
            value = _date_of(value)
            if value is None:
                issues.append(
                    Issue(
                        what="expected a date as YYYY-MM-DD",
                        path=f"{path}.{name}",
                        found=repr(item[name])[:60],
                        code="type",
                    )
                )
                continue
        values[name] = value
        issues.extend(_field_issues(Waiver, name, value, path))
    return values, issues


@functools.cache
def _date_fields() -> frozenset[str]:
    """The fields of :class:`Waiver` that hold dates (written ``YYYY-MM-DD`` in a file)."""
    hints = get_type_hints(Waiver)
    return frozenset(name for name, hint in hints.items() if date in (get_args(hint) or (hint,)))


def _date_of(text: str) -> date | None:
    """``YYYY-MM-DD`` text as a date, or ``None`` when it is not one."""
    from sms_model.io._fast import parse_date

    try:
        return parse_date(text)
    except ValueError:
        return None


def _field_issues(cls: type, name: str, value: Any, path: str) -> list[Issue]:
    try:
        check_field(cls, name, value)
    except FieldValueError as exc:
        where = f"{path}.{exc.field}"
        return [Issue(what=exc.what, path=where, found=repr(exc.found)[:60], code="type")]
    except ModelValidationError as exc:  # cadences: one issue per bad one, with its path
        return [attrs.evolve(issue, path=path + issue.path[1:]) for issue in exc.issues]
    return []


def _unknown_keys(
    data: Mapping[Any, Any], names: tuple[str, ...], path: str, noun: str
) -> list[Issue]:
    return [
        Issue(
            what=f"unknown {noun}; use one of {', '.join(names)}",
            path=f"{path}.{key}",
            found=repr(key),
            code="unknown-field",
        )
        for key in data
        if key not in names
    ]


def _duplicate(waiver_id: str, path: str) -> Issue:
    return Issue(
        what="duplicate waiver id", path=f"{path}.id", found=repr(waiver_id), code="duplicate-id"
    )
