"""Reading assessment configuration and waivers from YAML or JSON files or text.

They are read as the SMS is: the same reading of paths and text, the same converter and the same
error reporting (:mod:`sms_model.io._internal`). The fields, which are required and what each
accepts are those of :class:`Config` and :class:`Waiver` themselves (their annotations,
converters and validators), so a file and an object built in code are held to the same rules,
and every wrong field is reported at once with its ``$``-path, its line and what was found.
"""

from __future__ import annotations

import os
from typing import Any

from sms_model.errors import Issue, ModelValidationError
from sms_model.io._internal import read_document, structure_as
from sms_model.rules._findings import Config, Waiver

__all__ = ["load_config", "load_waivers", "parse_config", "parse_waivers"]

Source = str | os.PathLike[str]


def load_config(source: Source) -> Config:
    """Read a :class:`~sms_model.rules.Config` from a YAML or JSON file, or from text.

    ``source`` is a path (``str`` or :class:`os.PathLike`) or the text itself: a string that
    holds a line break, or starts with ``{``, is read as text. An empty string is refused
    (:class:`~sms_model.errors.ArgumentError`); every wrong key or value is reported at once in
    a :class:`~sms_model.errors.ModelValidationError`, each with its ``$``-path and line.

    >>> config = load_config("cadences:\\n  management-review: P6M\\nwaiver_limit: P6M\\n")
    >>> config.cadence("management-review").text, config.waiver_limit.text
    ('P6M', 'P6M')
    >>> load_config("rule_timeout: -1\\nsurprise: 1\\nwaiver_limt: P1M\\n")
    Traceback (most recent call last):
    ...
    sms_model.errors.ModelValidationError: <config>: 3 problems in the config
      - <config>:1:15: $.rule_timeout: must be a positive, finite number of seconds (found -1)
      - <config>:2:11: $.surprise: unknown field; expected one of cadences, interfaces, \
not_applicable, options, rule_timeout, waiver_limit, look_back (found 'surprise')
      - <config>:3:14: $.waiver_limt: unknown field; did you mean 'waiver_limit'? \
(found 'waiver_limt')
    """
    return read_document(source, "config").structured(parse_config, "the config")


def parse_config(data: Any) -> Config:
    """Build a :class:`~sms_model.rules.Config` from plain data (a mapping of its fields).

    >>> parse_config({"cadences": {"management-review": "P6M"}}).cadence("management-review")
    Cadence(text='P6M')
    """
    return structure_as(Config, data)


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
    return read_document(source, "waivers").structured(parse_waivers, "the waivers")


def parse_waivers(data: Any) -> tuple[Waiver, ...]:
    """Build waivers from plain data: a list of mappings with the fields of
    :class:`~sms_model.rules.Waiver`, dates as ``YYYY-MM-DD`` text. Waiver ids are unique.

    >>> parse_waivers([{"id": "w1", "target": "6.6", "justification": "new tool in Q1",
    ...                 "approver": "ceo", "expires": "2027-03-31"}])[0].expires
    datetime.date(2027, 3, 31)
    """
    prefix = "$"
    if type(data) is dict and set(data) == {"waivers"}:
        data, prefix = data["waivers"], "$.waivers"
    if type(data) is not list:
        issue = Issue(
            what="expected a list of waivers", path=prefix, found=type(data).__name__, code="type"
        )
        raise ModelValidationError([issue])
    issues: list[Issue] = []
    waivers: list[Waiver] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        path = f"{prefix}[{i}]"
        try:
            waiver = structure_as(Waiver, item, path=path)
        except ModelValidationError as exc:
            issues.extend(exc.issues)
            continue
        if waiver.id in seen:
            issues.append(_duplicate(waiver.id, path))
            continue
        seen.add(waiver.id)
        waivers.append(waiver)
    if issues:
        raise ModelValidationError(issues)
    return tuple(waivers)


def _duplicate(waiver_id: str, path: str) -> Issue:
    return Issue(
        what="duplicate waiver id", path=f"{path}.id", found=repr(waiver_id), code="duplicate-id"
    )
