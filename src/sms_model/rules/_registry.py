"""Rules and the registries that hold them: built-in rules, plugins and the user's own."""

from __future__ import annotations

import importlib
import inspect
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from sms_model.catalog import EDITIONS, guidance_by_id, is_within
from sms_model.catalog import clause as catalog_clause
from sms_model.errors import RuleDefinitionError, SelectionError
from sms_model.rules._findings import Severity
from sms_model.rules._messages import finding_id

if TYPE_CHECKING:
    from sms_model.rules._context import Context
    from sms_model.rules._findings import Finding

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginLoadWarning",
    "Registry",
    "RuleFunction",
    "RuleSpec",
    "default_registry",
    "rule",
]

#: The entry-point group third-party rule packs register under.
ENTRY_POINT_GROUP: Final = "sms_model.rules"

#: The type of a rule function: it takes the rule's :class:`Context` and yields findings.
RuleFunction = Callable[["Context"], Iterable["Finding"]]

_RULE_ID: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")


class PluginLoadWarning(UserWarning):
    """A rule plugin could not be loaded; its rules are missing from the assessment."""


def describe_exception(exc: BaseException) -> str:
    """``"Type: message"`` for an exception a rule or plugin raised, even one whose
    ``__str__`` fails or returns something other than text.

    >>> describe_exception(SystemExit(0))
    'SystemExit: 0'
    >>> class Odd(Exception):
    ...     def __str__(self):
    ...         raise RuntimeError("no")
    >>> describe_exception(Odd())
    'Odd: (its message could not be read: RuntimeError)'
    """
    name = type(exc).__name__
    try:
        message = str.__str__(str(exc))  # a plain str: a subclass could override formatting
    except KeyboardInterrupt:
        raise
    except BaseException as failure:  # whatever went wrong: say so instead
        return f"{name}: (its message could not be read: {type(failure).__name__})"
    return f"{name}: {message}" if message else name


def _default_clauses(spec: RuleSpec) -> tuple[tuple[str, str], ...]:
    return ((spec.edition, spec.clause),)


@attrs.frozen(kw_only=True)
class RuleSpec:
    """A registered rule: a plain function plus what it checks and how much a failure matters.

    A rule checks one clause in each edition of ISO/IEC 20000-1 it applies to (``clauses``,
    edition and clause number); ``clause`` is its clause in ``edition``. A requirement the
    two editions share is one rule with a clause in each; the engine assesses an edition
    with the rules that have a clause in it, each seen through :meth:`in_edition`.

    What the rule reads of the SMS is not declared: the engine records it while the rule
    runs, and re-assessment re-runs the rule exactly when something it read changed.

    >>> spec = default_registry().get("SMS-4.1.4-representative")
    >>> spec.clauses
    (('2011', '4.1.4'), ('2018', '5.3'))
    >>> spec.in_edition("2018").clause, spec.clause_in("2011")
    ('5.3', '4.1.4')
    """

    id: str
    clause: str
    edition: str = "2011"
    clauses: tuple[tuple[str, str], ...] = attrs.field(
        default=attrs.Factory(_default_clauses, takes_self=True)
    )
    function: RuleFunction = attrs.field(eq=False, repr=False)
    severity: Severity = Severity.MAJOR
    guidance: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    title: str = ""
    description: str = ""
    origin: str = ""

    @property
    def identity(self) -> str:
        """The name finding ids derive from: the rule's first id, which is its first alias once
        it has been renamed (list the oldest id first), so a rename keeps its findings' ids."""
        return self.aliases[0] if self.aliases else self.id

    @property
    def editions(self) -> tuple[str, ...]:
        """The editions this rule checks a clause of, oldest first."""
        return tuple(edition for edition, _ in self.clauses)

    def clause_in(self, edition: str) -> str | None:
        """The clause this rule checks in ``edition``; ``None`` when it does not apply there."""
        return dict(self.clauses).get(edition)

    def in_edition(self, edition: str) -> RuleSpec:
        """This rule as it checks ``edition``: ``clause`` and ``edition`` are that edition's."""
        if edition == self.edition:
            return self
        number = self.clause_in(edition)
        if number is None:
            raise SelectionError(f"rule {self.id} checks no clause of the {edition} edition")
        return attrs.evolve(self, clause=number, edition=edition)

    def given_id(self, subjects: Sequence[str], key: str) -> str:
        """The id a finding of this rule is made with: derived from the rule's first id once it
        has been renamed, else empty (the finding derives it from its rule on first use)."""
        return finding_id(self.identity, subjects, key) if self.aliases else ""

    def matches(self, selector: str) -> bool:
        """True when a selector names this rule: its id or an alias, a clause prefix, a tag,
        or a guidance id."""
        return (
            selector == self.id
            or selector in self.aliases
            or is_within(self.clause, selector)
            or selector in self.tags
            or selector in self.guidance
        )


def _make_spec(
    function: Callable[..., Any],
    *,
    id: str,
    clause: str,
    edition: str,
    clauses: Mapping[str, str],
    guidance: Iterable[str],
    severity: Severity | str,
    tags: Iterable[str],
    reads: Iterable[str] | None,
    aliases: Iterable[str],
) -> RuleSpec:
    where = f"{function.__module__}.{function.__qualname__}"
    if not isinstance(id, str) or not _RULE_ID.fullmatch(id):
        raise RuleDefinitionError(f"{where}: rule id {id!r} must be letters, digits, '.-_'")
    pairs = _edition_clauses(where, id, clause, edition, clauses)
    guidance = tuple(guidance)
    for gid in guidance:
        try:
            guidance_by_id(gid)
        except LookupError:
            raise RuleDefinitionError(
                f"{where}: rule {id} names unknown guidance {gid!r}"
            ) from None
    try:
        severity = Severity(severity) if isinstance(severity, str) else severity
    except ValueError:
        raise RuleDefinitionError(f"{where}: rule {id} has unknown severity {severity!r}") from None
    if reads is not None:
        warnings.warn(
            f"{where}: rule {id} declares reads=, which is no longer needed and is ignored: "
            "the engine records what each rule reads while it runs",
            DeprecationWarning,
            stacklevel=3,
        )
    if not callable(function):
        raise RuleDefinitionError(f"{where}: a rule must be a function")
    try:
        inspect.signature(function).bind(object())
    except TypeError:
        raise RuleDefinitionError(
            f"{where}: rule {id} must take exactly one argument, the context"
        ) from None
    doc = inspect.getdoc(function) or ""
    return RuleSpec(
        id=id,
        clause=clause,
        edition=edition,
        clauses=pairs,
        function=function,
        severity=severity,
        guidance=guidance,
        tags=tuple(tags),
        aliases=tuple(aliases),
        title=doc.split("\n", 1)[0].strip() or id,
        description=doc,
        origin=function.__module__,
    )


def _edition_clauses(
    where: str, id: str, clause: str, edition: str, clauses: Mapping[str, str]
) -> tuple[tuple[str, str], ...]:
    """The (edition, clause) pairs of a rule, oldest edition first, each checked against the
    catalogue; ``clause`` in ``edition`` and ``clauses`` must not disagree."""
    if not isinstance(clauses, Mapping):
        raise RuleDefinitionError(f"{where}: rule {id}: clauses must map editions to clauses")
    given = {edition: clause, **clauses}
    if given[edition] != clause:
        raise RuleDefinitionError(
            f"{where}: rule {id} names clause {clause!r} and clauses[{edition!r}] = "
            f"{given[edition]!r} for the same edition"
        )
    for name, number in given.items():
        if name not in EDITIONS:
            known = ", ".join(EDITIONS)
            raise RuleDefinitionError(f"{where}: rule {id} names edition {name!r} (known: {known})")
        try:
            catalog_clause(number, edition=name)
        except (LookupError, TypeError):
            raise RuleDefinitionError(
                f"{where}: rule {id} names clause {number!r}, which ISO/IEC 20000-1:{name} lacks"
            ) from None
    return tuple(sorted(given.items()))


class Registry:
    """A set of rules, looked up by id or alias and selected by id, clause, tag or guidance id.

    >>> registry = Registry()
    >>> @registry.rule(id="ACME-1", clause="4.1.4", severity="minor", tags=("acme",))
    ... def has_representative(ctx):
    ...     '''The SMS names a management representative.'''
    ...     if ctx.sms.top_management.representative is None:
    ...         yield ctx.fail("no management representative is named")
    >>> [spec.id for spec in registry.select(["acme"])]
    ['ACME-1']
    """

    def __init__(self, rules: Iterable[RuleSpec] = ()) -> None:
        self._rules: dict[str, RuleSpec] = {}
        self._aliases: dict[str, str] = {}
        #: Plugins that failed to load: (entry point name, error summary).
        self.load_errors: list[tuple[str, str]] = []
        self._version = 0
        for spec in rules:
            self.add(spec)

    def add(self, spec: RuleSpec) -> RuleSpec:
        """Register a rule; ids and aliases must be unique."""
        for name in (spec.id, *spec.aliases):
            if name in self._rules or name in self._aliases:
                raise RuleDefinitionError(f"rule id {name!r} is registered twice ({spec.origin})")
        self._rules[spec.id] = spec
        self._version += 1
        for alias in spec.aliases:
            self._aliases[alias] = spec.id
        return spec

    def rule(
        self,
        *,
        id: str,
        clause: str,
        edition: str = "2011",
        clauses: Mapping[str, str] | None = None,
        guidance: Iterable[str] = (),
        severity: Severity | str = Severity.MAJOR,
        tags: Iterable[str] = (),
        reads: Iterable[str] | None = None,
        aliases: Iterable[str] = (),
    ) -> Callable[[RuleFunction], RuleFunction]:
        """Decorator: register a plain function as a rule of this registry (see :func:`rule`
        for the arguments)."""

        def register(function: RuleFunction) -> RuleFunction:
            self.add(
                _make_spec(
                    function,
                    id=id,
                    clause=clause,
                    edition=edition,
                    clauses=clauses or {},
                    guidance=guidance,
                    severity=severity,
                    tags=tags,
                    reads=reads,
                    aliases=aliases,
                )
            )
            return function

        return register

    def remove(self, rule_id: str) -> RuleSpec:
        """Unregister a rule (by id or alias) and return it."""
        spec = self.get(rule_id)
        del self._rules[spec.id]
        self._version += 1
        for alias in spec.aliases:
            del self._aliases[alias]
        return spec

    def get(self, rule_id: str) -> RuleSpec:
        """The rule with this id or alias."""
        key = self._aliases.get(rule_id, rule_id)
        try:
            return self._rules[key]
        except KeyError:
            raise SelectionError(f"no rule has the id {rule_id!r}") from None

    @property
    def version(self) -> int:
        """A number that changes whenever a rule is added or removed."""
        return self._version

    def __iter__(self) -> Iterator[RuleSpec]:
        return iter(sorted(self._rules.values(), key=lambda spec: spec.id))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules or rule_id in self._aliases

    def select(
        self,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        *,
        edition: str | None = None,
    ) -> tuple[RuleSpec, ...]:
        """The rules named by ``select`` (all when ``None``) less those named by ``ignore``.

        A selector is a rule id or alias, a clause number (its sub-clauses included), a tag or
        a guidance id. A selector that names nothing is an error, and so is an empty
        ``select``, so typos do not silently assess less than asked. With ``edition``, only
        the rules that check a clause of that edition, each as it checks it (clause numbers
        in selectors are that edition's).

        >>> registry = default_registry()
        >>> [s.id for s in registry.select(["8.2.5"], edition="2018")]
        ['SMS18-8.2.5-assets']
        """
        if select is not None:
            select = list(select)
            if not select:
                raise SelectionError("an empty selection selects no rule (None selects all)")
        rules = list(self)
        if edition is not None:
            rules = [spec.in_edition(edition) for spec in rules if spec.clause_in(edition)]
        chosen = rules if select is None else self._matching(rules, select)
        if ignore is not None:
            dropped = {spec.id for spec in self._matching(rules, ignore)}
            chosen = [spec for spec in chosen if spec.id not in dropped]
        return tuple(chosen)

    @staticmethod
    def _matching(rules: list[RuleSpec], selectors: Iterable[str]) -> list[RuleSpec]:
        wanted = list(selectors)
        for selector in wanted:
            if not any(spec.matches(selector) for spec in rules):
                raise SelectionError(
                    f"{selector!r} names no rule (use a rule id, clause, tag or guidance id)"
                )
        return [spec for spec in rules if any(spec.matches(s) for s in wanted)]

    def load_plugins(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load the rule packs installed under an entry-point group into this registry.

        An entry point names either a callable, called with this registry (so its rules land
        here), or a module whose rules register themselves with :func:`rule` into the default
        registry. A pack that fails to load is reported with a :class:`PluginLoadWarning` and
        recorded in :attr:`load_errors`; an assessment turns each into an ``error`` finding.
        Failing to load includes calling ``sys.exit()`` or raising any ``BaseException``
        while importing or registering; only ``KeyboardInterrupt`` (Ctrl-C) goes on to stop
        the caller.
        """
        from importlib.metadata import entry_points

        for entry in sorted(entry_points(group=group), key=lambda e: e.name):
            try:
                loaded = entry.load()
                if inspect.ismodule(loaded):
                    pass  # importing it registered its rules with @rule
                elif callable(loaded):
                    loaded(self)
                else:
                    raise TypeError(
                        f"the entry point names a {type(loaded).__name__}, not a module or a "
                        "function that takes a Registry"
                    )
            except KeyboardInterrupt:
                raise  # Ctrl-C stops the whole run (a pack raising it cannot be told apart)
            except BaseException as exc:  # sys.exit(), GeneratorExit, its own BaseException...
                summary = describe_exception(exc)
                self.load_errors.append((entry.name, summary))
                warnings.warn(
                    f"rule plugin {entry.name!r} ({entry.value}) failed to load: {summary}",
                    PluginLoadWarning,
                    stacklevel=2,
                )

    def copy(self) -> Registry:
        """A new registry with the same rules."""
        clone = Registry(self._rules.values())
        clone.load_errors = list(self.load_errors)
        return clone


#: The default registry: built-in rules, plugin rules, and rules the user registers with
#: :func:`rule`.
_DEFAULT: Final = Registry()
_lock = threading.Lock()
_loaded = False

#: Modules of the built-in rules, imported on first use of the default registry.
_BUILTIN_MODULES: Final = ("sms_model.rules.builtin",)


def rule(
    *,
    id: str,
    clause: str,
    edition: str = "2011",
    clauses: Mapping[str, str] | None = None,
    guidance: Iterable[str] = (),
    severity: Severity | str = Severity.MAJOR,
    tags: Iterable[str] = (),
    reads: Iterable[str] | None = None,
    aliases: Iterable[str] = (),
) -> Callable[[RuleFunction], RuleFunction]:
    """Decorator: register a plain function as a rule of the default registry.

    The function receives a read-only :class:`~sms_model.rules.Context` and yields findings
    made with ``ctx.fail(...)`` (and, if it likes, ``ctx.passed(...)``); a rule that yields
    nothing passes.

    ``clause`` is the clause the rule checks in ``edition`` (2011 unless said); ``clauses``
    names its clause in other editions when the requirement is the same there, e.g.
    ``clause="4.1.4", clauses={"2018": "5.3"}``. A rule of the 2018 edition only says
    ``clause="8.2.5", edition="2018"``.

    >>> from sms_model.rules import rule
    >>> @rule(id="EXAMPLE-policy-title", clause="4.1.2", severity="observation")
    ... def policy_has_title(ctx):
    ...     '''Every policy has a non-blank title.'''
    ...     for policy in ctx.sms.policies:
    ...         if not policy.title.strip():
    ...             yield ctx.fail("the policy has no title", subjects=policy.id)
    >>> "EXAMPLE-policy-title" in default_registry()
    True
    >>> default_registry().remove("EXAMPLE-policy-title").id
    'EXAMPLE-policy-title'
    """
    return _DEFAULT.rule(
        id=id,
        clause=clause,
        edition=edition,
        clauses=clauses,
        guidance=guidance,
        severity=severity,
        tags=tags,
        reads=reads,
        aliases=aliases,
    )


def default_registry() -> Registry:
    """The default registry, with the built-in rules and the entry-point plugins loaded once.

    A plugin that fails to load is reported with a :class:`PluginLoadWarning` and recorded in
    ``load_errors`` (the assessment turns each into an ``error`` finding); the other rules are
    unaffected.

    >>> registry = default_registry()
    >>> len(registry) > 100, "SMS-4.1.4-representative" in registry
    (True, True)
    """
    global _loaded
    if not _loaded:
        with _lock:
            if not _loaded:
                for module in _BUILTIN_MODULES:
                    importlib.import_module(module)
                _DEFAULT.load_plugins()
                _loaded = True
    return _DEFAULT
