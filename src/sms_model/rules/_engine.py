"""Running rules over an SMS: :func:`assess`.

The plain pipeline: select the rules, prepare the facts they share, run each rule, apply the
waivers, order the findings and give a verdict per clause. Re-assessment from an earlier
result (``previous=``) goes through the same pipeline; :mod:`sms_model.rules._incremental`
only tells which earlier results still hold.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Final

from sms_model._gc import paused_gc
from sms_model.catalog import EDITIONS
from sms_model.errors import ArgumentError, SelectionError
from sms_model.model import Edition, ServiceManagementSystem
from sms_model.rules._context import Facts
from sms_model.rules._evidence import Ordered
from sms_model.rules._findings import Config, Finding, Severity, Status, Waiver
from sms_model.rules._incremental import Reuse, Settings
from sms_model.rules._messages import render
from sms_model.rules._registry import Registry, RuleSpec, default_registry
from sms_model.rules._results import Assessment, Group, State, findings_of, verdicts
from sms_model.rules._running import RuleRun, run_whole
from sms_model.rules._waivers import apply_waivers, is_clause

__all__ = ["assess"]


def assess(
    sms: ServiceManagementSystem,
    *,
    as_of: date | None = None,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    config: Config | None = None,
    waivers: Sequence[Waiver] = (),
    registry: Registry | None = None,
    previous: Assessment | None = None,
    progress: Callable[[int, int], object] | None = None,
    edition: str | Edition | None = None,
) -> Assessment:
    """Assess an SMS against the rules, as of a date (today when not given), for an edition of
    ISO/IEC 20000-1: ``edition`` when given, else the one the system declares, else 2011.

    Each selected rule runs once; a rule that raises, or yields something that is not a
    finding, becomes an ``error`` finding and every other rule still runs. Waivers turn
    matching failures into ``waived`` (never ``pass``); expired, unused or wrongly approved
    waivers are findings themselves.

    With ``previous`` (an assessment of an earlier version of the same SMS, made with the same
    date, selection, configuration and registry), only the rules that read a changed part of
    the SMS run again; the result is the same as a full assessment. ``progress``, if given, is
    called as ``progress(done, total)`` after each rule (for progress bars).

    >>> import attrs, sms_model
    >>> from datetime import date, datetime
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> result = assess(sms, as_of=date(2026, 11, 27), select=["4.1.4"])
    >>> result.verdict("4.1.4").verdict.value
    'major'
    >>> renamed = attrs.evolve(sms, name="Minimal SMS, renamed")
    >>> again = assess(renamed, as_of=date(2026, 11, 27), select=["4.1.4"], previous=result)
    >>> again.findings == result.findings
    True
    >>> in_2018 = assess(sms, as_of=date(2026, 11, 27), select=["5.3"], edition="2018")
    >>> in_2018.edition, in_2018.verdict("5.3").verdict.value
    ('2018', 'major')
    """
    _check_arguments(sms, as_of, config, waivers, registry, previous, progress)
    registry = registry if registry is not None else default_registry()
    settings = Settings(
        edition=edition_of(sms, edition),
        as_of=as_of or date.today(),
        config=config or Config(),
        registry=registry,
        registry_version=registry.version,
        selection=(_selectors("select", select), _selectors("ignore", ignore)),
        waivers=tuple(waivers),
    )
    # A full assessment builds long-lived indexes and findings; a re-assessment builds little.
    with paused_gc(promote=previous is None):
        return _assess(sms, settings, previous, progress)


def edition_of(sms: ServiceManagementSystem, edition: str | Edition | None = None) -> str:
    """The edition an assessment of ``sms`` is for: ``edition`` when given, else the one the
    system declares, else 2011 (the edition of files written before editions existed).

    >>> import attrs
    >>> from sms_model.model import Party, ServiceManagementSystem
    >>> sms = ServiceManagementSystem(
    ...     name="A", provider="a", parties=[Party(id="a", name="A", kind="provider")])
    >>> edition_of(sms), edition_of(sms, "2018"), edition_of(attrs.evolve(sms, edition="2018"))
    ('2011', '2018', '2018')
    >>> edition_of(sms, "2005")
    Traceback (most recent call last):
    ...
    sms_model.errors.ArgumentError: edition must be one of 2011, 2018, not str '2005'
    """
    named = edition_named(edition)
    if named is None:
        return sms.edition.value if sms.edition is not None else EDITIONS[0]
    return named


def edition_named(edition: object) -> str | None:
    """The edition ``edition`` names (``None`` for none), refused with an ``ArgumentError``
    unless it is one of :data:`~sms_model.catalog.EDITIONS` or an ``Edition``."""
    if edition is None:
        return None
    if isinstance(edition, Edition):
        return edition.value
    if not isinstance(edition, str) or edition not in EDITIONS:
        raise ArgumentError(f"edition must be one of {', '.join(EDITIONS)}, not {_kind(edition)}")
    return edition


def _check_arguments(
    sms: object,
    as_of: object,
    config: object,
    waivers: object,
    registry: object,
    previous: object,
    progress: object,
) -> None:
    """Refuse arguments of the wrong type before any rule runs, each with what to pass."""
    if not isinstance(sms, ServiceManagementSystem):
        raise ArgumentError(f"sms must be a ServiceManagementSystem, not {_kind(sms)}")
    check_options(as_of, config, waivers, registry, previous, progress)


def check_options(
    as_of: object,
    config: object,
    waivers: object,
    registry: object = None,
    previous: object = None,
    progress: object = None,
) -> None:
    """Refuse options of :func:`assess` of the wrong type, each with what to pass (also for
    callers that assess many systems with the same options)."""
    if as_of is not None and type(as_of) is not date:
        hint = " (use its .date())" if isinstance(as_of, datetime) else ""
        if isinstance(as_of, str):
            hint = " (use datetime.date.fromisoformat)"
        raise ArgumentError(f"as_of must be a datetime.date, not {_kind(as_of)}{hint}")
    expected = (
        ("config", config, Config),
        ("registry", registry, Registry),
        ("previous", previous, Assessment),
    )
    for name, value, cls in expected:
        if value is not None and not isinstance(value, cls):
            raise ArgumentError(f"{name} must be a {cls.__name__} or None, not {_kind(value)}")
    if isinstance(waivers, str | bytes) or not isinstance(waivers, Sequence):
        raise ArgumentError(f"waivers must be a sequence of Waiver, not {_kind(waivers)}")
    seen: set[str] = set()
    for i, waiver in enumerate(waivers):
        if not isinstance(waiver, Waiver):
            raise ArgumentError(f"waivers[{i}] must be a Waiver, not {_kind(waiver)}")
        if waiver.id in seen:  # its findings would share ids, and which one applies is unclear
            raise ArgumentError(f"waivers[{i}] repeats the waiver id {waiver.id!r}")
        seen.add(waiver.id)
    if progress is not None and not callable(progress):
        raise ArgumentError(f"progress must be callable, not {_kind(progress)}")


def _selectors(name: str, value: object) -> tuple[str, ...] | None:
    """Selectors as a tuple (one string is one selector); an empty selection is refused."""
    if value is None:
        return None
    if isinstance(value, str):
        return (value,)
    if isinstance(value, bytes) or not isinstance(value, Iterable):
        raise ArgumentError(f"{name} must be a list of selectors, not {_kind(value)}")
    selectors = tuple(value)
    if not all(isinstance(s, str) for s in selectors):
        raise ArgumentError(f"{name} must hold selectors as text, found {selectors!r}")
    if not selectors and name == "select":
        raise SelectionError("select=[] selects no rule; leave it out to run every rule")
    return selectors


def _kind(value: object) -> str:
    text = repr(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    return f"{type(value).__name__} {shown}"


def _assess(
    sms: ServiceManagementSystem,
    settings: Settings,
    previous: Assessment | None,
    progress: Callable[[int, int], object] | None,
) -> Assessment:
    reuse = Reuse.begin(previous, sms, settings) if previous is not None else None
    if reuse is not None:
        specs, ruleset_version = reuse.old.specs, reuse.old.ruleset_version
    else:
        specs = _selected(settings)
        ruleset_version = _ruleset_version(specs)
    # Rule reads are recorded, except when a rule may be abandoned in its own thread.
    recording = settings.config.rule_timeout is None
    if reuse is not None:
        view, evidence, facts = reuse.prepare(sms, settings, recording)
    else:
        view, evidence, facts = _prepare(sms, settings)
    runs = _run_rules(specs, facts, reuse, recording, progress)
    waived_before = reuse.waived_before(settings.waivers) if reuse is not None else None
    groups, used, extra = apply_waivers(
        runs, specs, settings.waivers, facts, waived_before, settings.registry, settings.edition
    )
    extra.extend(_plugin_errors(settings.registry))
    extra.extend(_declared_not_applicable(settings.config, settings.edition))
    ordered = sorted(
        itertools.chain(itertools.chain.from_iterable(groups.values()), Group.of(extra)),
        key=lambda g: g.key,
    )
    if reuse is not None:
        findings, clause_verdicts = reuse.results(groups, extra, ordered)
    else:
        findings = findings_of(ordered)
        clause_verdicts = verdicts(ordered, settings.edition)
    state = State(
        sms=sms,
        view=view,
        evidence=evidence,
        settings=settings,
        specs=specs,
        ruleset_version=ruleset_version,
        runs=runs,
        groups=groups,
        used=used,
        verdicts=clause_verdicts,
        extra=tuple(extra),
        facts=facts if recording else None,
        digests=reuse.digests(sms) if reuse is not None else {},
    )
    return Assessment(
        edition=settings.edition,
        as_of=settings.as_of,
        findings=findings,
        verdicts=clause_verdicts,
        rules=tuple(spec.id for spec in specs),
        library_version=_library_version(),
        ruleset_version=ruleset_version,
        system_name=sms.name,
        _state=state,
    )


def _selected(settings: Settings) -> tuple[RuleSpec, ...]:
    """The rules the settings select; refused when none."""
    specs = settings.registry.select(*settings.selection, edition=settings.edition)
    if not specs:
        raise SelectionError(_nothing_selected(settings.selection, settings.registry))
    return specs


def _prepare(
    sms: ServiceManagementSystem, settings: Settings
) -> tuple[ServiceManagementSystem, Ordered, Facts]:
    """The system as rules see it, in canonical order, so that nothing they report depends on
    the order of entities in the file; the evidence, by far the largest part, is put in id
    order only when something needs the whole of it."""
    view = sms.reordered({"evidence": sms.evidence})
    evidence = Ordered(sms.evidence)
    return view, evidence, Facts(view, settings.as_of, settings.config, records=evidence.get)


def _run_rules(
    specs: Sequence[RuleSpec],
    facts: Facts,
    reuse: Reuse | None,
    recording: bool,
    progress: Callable[[int, int], object] | None,
) -> dict[str, RuleRun]:
    """Each rule's run, in order: its earlier run when that still holds, a fresh one
    otherwise."""
    runs: dict[str, RuleRun] = {}
    for done, spec in enumerate(specs, 1):
        run = reuse.reused(spec, facts) if reuse is not None else None
        if run is None:
            run = run_whole(spec, facts, recording)
            if reuse is not None:
                run = reuse.settle(spec, run)
        runs[spec.id] = run
        if progress is not None:
            progress(done, len(specs))
    return runs


def _nothing_selected(
    selection: tuple[tuple[str, ...] | None, tuple[str, ...] | None], registry: Registry
) -> str:
    select, ignore = selection
    if not len(registry):
        return "the registry holds no rule, so nothing would be assessed"
    chosen = "every rule" if select is None else f"select {list(select)}"
    return f"{chosen} less ignore {list(ignore or ())} leaves no rule to run"


_PLUGIN_FAILED: Final = "the rule plugin {plugin!r} failed to load ({error}); its rules did not run"
_EXCLUDED: Final = (
    "clause {clause} is declared not applicable, but ISO/IEC 20000-1 allows no exclusions: its "
    "requirements still apply and its rules still ran"
)
_EXCLUDED_ELSEWHERE: Final = (
    "clause {clause} is declared not applicable, but ISO/IEC 20000-1:{edition} has no such "
    "clause (and allows no exclusions); correct the configuration for this edition"
)


def _plugin_errors(registry: Registry) -> list[Finding]:
    return [
        Finding(
            rule=f"plugin:{name}",
            clause="4",
            status=Status.ERROR,
            severity=Severity.MAJOR,
            message=render(_PLUGIN_FAILED, {"plugin": name, "error": summary}),
            code="plugin.failed",
            params={"plugin": name, "error": summary},
        )
        for name, summary in registry.load_errors
    ]


def _declared_not_applicable(config: Config, edition: str) -> list[Finding]:
    # The standard allows no exclusions, so declaring a clause not applicable is itself noted,
    # under that clause when the edition assessed has it, else under Clause 4.
    out = []
    for number in dict.fromkeys(config.not_applicable):
        known = is_clause(number, edition)
        template, code = (
            (_EXCLUDED, "engine.exclusion")
            if known
            else (_EXCLUDED_ELSEWHERE, "engine.exclusion-elsewhere")
        )
        params = {"clause": number} if known else {"clause": number, "edition": edition}
        out.append(
            Finding(
                rule="SMS-4-no-exclusions",
                clause=number if known else "4",
                status=Status.FAIL,
                severity=Severity.OBSERVATION,
                message=render(template, params),
                code=code,
                params=params,
                subjects=(number,),
            )
        )
    return out


def _library_version() -> str:
    from sms_model import __version__

    return __version__


def _ruleset_version(specs: Iterable[RuleSpec]) -> str:
    digest = hashlib.sha256()
    for spec in specs:
        line = f"{spec.id}|{spec.clause}|{spec.severity.value}|{','.join(spec.guidance)}\n"
        digest.update(line.encode())
    return digest.hexdigest()[:16]
