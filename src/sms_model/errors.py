"""The whole exception hierarchy of :mod:`sms_model`.

Every error the library raises on bad input derives from :class:`SMSModelError`, and also from
the builtin exception it most resembles, so callers can catch either. A nonconformity with the
standard is never an exception: it is a finding of an assessment.

>>> issue = Issue(what="unknown person", path="$.processes[3].owner", found="'bob'")
>>> str(issue)
"$.processes[3].owner: unknown person (found 'bob')"
>>> err = ModelValidationError([issue])
>>> isinstance(err, ValueError), err.issues[0].path
(True, '$.processes[3].owner')
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = [
    "ArgumentError",
    "DuplicateIdError",
    "FieldValueError",
    "FileFormatError",
    "Issue",
    "ModelValidationError",
    "RuleDefinitionError",
    "SMSModelError",
    "SelectionError",
    "UnknownReferenceError",
]


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found in the input: what is wrong, where it is, and what was found there.

    ``path`` is a JSON-path-like location (``$.processes[3].owner``); ``location`` is
    ``file:line:column`` when the input came from a file whose positions are known; ``code`` is a
    stable machine-readable kind (``duplicate-id``, ``unknown-reference``, ``type``,
    ``unknown-field``, ``syntax``, ...).
    """

    what: str
    path: str = "$"
    code: str = "invalid"
    found: str | None = None
    location: str | None = None

    def __str__(self) -> str:
        where = f"{self.location}: {self.path}" if self.location else self.path
        tail = f" (found {self.found})" if self.found is not None else ""
        return f"{where}: {self.what}{tail}"


class SMSModelError(Exception):
    """Root of every error raised by :mod:`sms_model` on bad input or bad use."""


class ModelValidationError(SMSModelError, ValueError):
    """The input does not describe a valid service management system.

    Carries every problem found, not only the first, in :attr:`issues`.
    """

    def __init__(
        self,
        issues: Iterable[Issue],
        *,
        source: str | None = None,
        subject: str = "the service management system",
    ) -> None:
        self.issues: tuple[Issue, ...] = tuple(issues)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.issues)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{head}{count} {noun} in {subject}"]
        lines.extend(f"  - {issue}" for issue in self.issues)
        super().__init__("\n".join(lines))

    @staticmethod
    def of(
        issues: Iterable[Issue],
        *,
        source: str | None = None,
        subject: str = "the service management system",
    ) -> ModelValidationError:
        """The most specific error for these issues: all duplicate ids give a
        :class:`DuplicateIdError`, all unknown references an :class:`UnknownReferenceError`,
        all unreadable input a :class:`FileFormatError`. ``subject`` is what was read."""
        found = tuple(issues)
        codes = {issue.code for issue in found}
        error: type[ModelValidationError] = ModelValidationError
        if codes == {"duplicate-id"}:
            error = DuplicateIdError
        elif codes == {"unknown-reference"}:
            error = UnknownReferenceError
        elif codes and codes <= _FILE_CODES:
            error = FileFormatError
        return error(found, source=source, subject=subject)


_FILE_CODES = frozenset(
    {
        "syntax",
        "empty",
        "encoding",
        "too-large",
        "too-deep",
        "tag",
        "alias-bomb",
        "key",
        "merge",
        "duplicate-key",
        "number",
        "io",
    }
)


class DuplicateIdError(ModelValidationError):
    """Two entities share an id where ids must be unique."""


class UnknownReferenceError(ModelValidationError, LookupError):
    """An entity refers to an id that no entity of the expected kind has."""


class FileFormatError(ModelValidationError):
    """A file could not be read as YAML or JSON (syntax, encoding, unsafe or hostile content)."""


class FieldValueError(SMSModelError, ValueError):
    """One field of an entity holds a value it cannot have: the wrong type, or a value outside
    what the field allows. ``entity`` is the class name, ``field`` the field (with the index of
    the item, as in ``subjects[2]``, when one item of a tuple is wrong), ``found`` what it
    held.

    >>> str(FieldValueError("kind", "expected a PartyKind", "provder", entity="Party"))
    "Party.kind: expected a PartyKind (found 'provder')"
    """

    def __init__(self, field: str, what: str, found: object, *, entity: str | None = None) -> None:
        self.field = field
        self.what = what
        self.found = found
        self.entity = entity
        where = f"{entity}.{field}" if entity else field
        super().__init__(f"{where}: {what} (found {found!r})")


class ArgumentError(SMSModelError, TypeError):
    """A library function was called with an argument of the wrong type or value, such as
    ``assess(sms, as_of="2026-11-27")`` (a string, not a date)."""


class RuleDefinitionError(SMSModelError, TypeError):
    """A rule, rule pack or waiver is defined incorrectly (bad id, clause or signature)."""


class SelectionError(SMSModelError, LookupError):
    """A rule selector, rule id or clause names nothing that exists."""
