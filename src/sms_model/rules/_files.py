"""Reading assessment configuration and waivers from YAML or JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sms_model.errors import FileFormatError, Issue, ModelValidationError
from sms_model.io._fast import parse_date
from sms_model.rules._findings import Config, Waiver, timeout_problem

__all__ = ["load_config", "load_waivers", "parse_config", "parse_waivers"]

_CONFIG_KEYS = ("cadences", "interfaces", "not_applicable", "options", "rule_timeout")
_WAIVER_KEYS = ("id", "target", "justification", "approver", "expires", "subject")
_WAIVER_REQUIRED = ("id", "target", "justification", "approver", "expires")


def _read(path: str | Path) -> Any:
    from sms_model.io._api import _decode, _read_at_most
    from sms_model.io._text import MAX_BYTES, parse_json, parse_yaml

    file = Path(path)
    try:
        raw = _read_at_most(file, MAX_BYTES + 1)
    except OSError as exc:
        issue = Issue(what=f"cannot read the file: {exc.strerror}", location=str(file), code="io")
        raise FileFormatError([issue], source=str(file)) from None
    text = _decode(raw, str(file)).removeprefix("\ufeff")
    parse = parse_json if file.suffix.lower() == ".json" else parse_yaml
    return parse(text, str(file))


def load_config(path: str | Path) -> Config:
    """Read a :class:`~sms_model.rules.Config` from a file; errors name path and line."""
    document = _read(path)
    try:
        return parse_config(document.data)
    except ModelValidationError as exc:
        raise ModelValidationError.of(
            document.with_locations(exc.issues), source=str(path)
        ) from None


def parse_config(data: Any) -> Config:
    """Build a :class:`~sms_model.rules.Config` from plain data.

    >>> parse_config({"cadences": {"management-review": "P6M"}}).cadence("management-review")
    Cadence(text='P6M')
    """
    if not isinstance(data, dict):
        raise ModelValidationError([Issue(what="expected a mapping", found=type(data).__name__)])
    issues = [
        Issue(
            what=f"unknown key; use one of {', '.join(_CONFIG_KEYS)}",
            path=f"$.{key}",
            found=repr(key),
            code="unknown-field",
        )
        for key in data
        if key not in _CONFIG_KEYS
    ]
    cadences = data.get("cadences", {})
    if not isinstance(cadences, dict) or not all(isinstance(v, str) for v in cadences.values()):
        issues.append(
            Issue(
                what="expected a mapping of expectation ids to cadences",
                path="$.cadences",
                found=repr(cadences)[:60],
                code="type",
            )
        )
    interfaces = data.get("interfaces")
    pairs: tuple[tuple[str, str], ...] | None = None
    if interfaces is not None:
        pairs = _interfaces(interfaces, issues)
    not_applicable = data.get("not_applicable", [])
    if not isinstance(not_applicable, list) or not all(isinstance(v, str) for v in not_applicable):
        issues.append(
            Issue(
                what="expected a list of clause numbers",
                path="$.not_applicable",
                found=repr(not_applicable)[:60],
                code="type",
            )
        )
    options = data.get("options", {})
    if not isinstance(options, dict):
        issues.append(
            Issue(
                what="expected a mapping", path="$.options", found=repr(options)[:60], code="type"
            )
        )
    timeout = data.get("rule_timeout")
    if timeout_problem(timeout) is not None:
        issues.append(
            Issue(
                what=f"the rule timeout {timeout_problem(timeout)}",
                path="$.rule_timeout",
                found=repr(timeout),
                code="type",
            )
        )
    if issues:
        raise ModelValidationError(issues)
    from sms_model.catalog import clause

    for i, number in enumerate(not_applicable):
        try:
            clause(number)
        except LookupError:
            issues.append(
                Issue(
                    what="no such clause in ISO/IEC 20000-1:2011",
                    path=f"$.not_applicable[{i}]",
                    found=repr(number),
                )
            )
    if issues:
        raise ModelValidationError(issues)
    return Config(
        cadences=cadences,
        interfaces=pairs,
        not_applicable=tuple(not_applicable),
        options=options,
        rule_timeout=timeout,
    )


def _interfaces(value: Any, issues: list[Issue]) -> tuple[tuple[str, str], ...]:
    from sms_model.model import ProcessKind

    kinds = {k.value for k in ProcessKind}
    pairs: list[tuple[str, str]] = []
    if not isinstance(value, list):
        issues.append(
            Issue(
                what="expected a list of [process kind, process kind] pairs",
                path="$.interfaces",
                found=repr(value)[:60],
                code="type",
            )
        )
        return ()
    for i, pair in enumerate(value):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(k, str) and k in kinds for k in pair)
        ):
            issues.append(
                Issue(
                    what="expected a pair of process kinds",
                    path=f"$.interfaces[{i}]",
                    found=repr(pair)[:60],
                    code="type",
                )
            )
        else:
            pairs.append((pair[0], pair[1]))
    return tuple(pairs)


def load_waivers(path: str | Path) -> tuple[Waiver, ...]:
    """Read waivers from a file holding a list of waivers (or ``{waivers: [...]}``)."""
    document = _read(path)
    try:
        return parse_waivers(document.data)
    except ModelValidationError as exc:
        raise ModelValidationError.of(
            document.with_locations(exc.issues), source=str(path)
        ) from None


def parse_waivers(data: Any) -> tuple[Waiver, ...]:
    """Build waivers from plain data: a list of mappings with id, target, justification,
    approver, expires (YYYY-MM-DD) and an optional subject.

    >>> parse_waivers([{"id": "w1", "target": "6.6", "justification": "new tool in Q1",
    ...                 "approver": "ceo", "expires": "2027-03-31"}])[0].expires
    datetime.date(2027, 3, 31)
    """
    prefix = "$"
    if isinstance(data, dict) and set(data) == {"waivers"}:
        data, prefix = data["waivers"], "$.waivers"
    if not isinstance(data, list):
        raise ModelValidationError(
            [
                Issue(
                    what="expected a list of waivers",
                    path=prefix,
                    found=type(data).__name__,
                    code="type",
                )
            ]
        )
    issues: list[Issue] = []
    waivers: list[Waiver] = []
    seen: set[str] = set()
    for i, item in enumerate(data):
        path = f"{prefix}[{i}]"
        if not isinstance(item, dict):
            issues.append(
                Issue(what="expected a mapping", path=path, found=repr(item)[:60], code="type")
            )
            continue
        bad = False
        for key in item:
            if key not in _WAIVER_KEYS:
                issues.append(
                    Issue(
                        what=f"unknown field; use {', '.join(_WAIVER_KEYS)}",
                        path=f"{path}.{key}",
                        found=repr(key),
                        code="unknown-field",
                    )
                )
                bad = True
        for key in _WAIVER_REQUIRED:
            if key not in item:
                issues.append(
                    Issue(what="missing required field", path=f"{path}.{key}", code="missing")
                )
                bad = True
            elif key != "expires" and not (isinstance(item[key], str) and item[key].strip()):
                issues.append(
                    Issue(
                        what="expected non-empty text",
                        path=f"{path}.{key}",
                        found=repr(item[key])[:60],
                        code="type",
                    )
                )
                bad = True
        expires = item.get("expires")
        try:
            expiry = parse_date(expires) if isinstance(expires, str) else None
        except ValueError:
            expiry = None
        subject = item.get("subject")
        if subject is not None and not (isinstance(subject, str) and subject.strip()):
            issues.append(
                Issue(
                    what="expected the id of one entity",
                    path=f"{path}.subject",
                    found=repr(subject)[:60],
                    code="type",
                )
            )
            bad = True
        if "expires" in item and expiry is None:
            issues.append(
                Issue(
                    what="expected a date as YYYY-MM-DD",
                    path=f"{path}.expires",
                    found=repr(expires),
                    code="type",
                )
            )
            bad = True
        if isinstance(item.get("id"), str) and item["id"] in seen:
            issues.append(
                Issue(
                    what="duplicate waiver id",
                    path=f"{path}.id",
                    found=repr(item["id"]),
                    code="duplicate-id",
                )
            )
            bad = True
        if bad or expiry is None:
            continue
        seen.add(item["id"])
        waivers.append(
            Waiver(
                id=item["id"],
                target=item["target"],
                justification=item["justification"],
                approver=item["approver"],
                expires=expiry,
                subject=item.get("subject"),
            )
        )
    if issues:
        raise ModelValidationError(issues)
    return tuple(waivers)
