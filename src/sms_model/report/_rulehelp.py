"""What a rule's description says, for readers other than Python's help().

A rule's description is its docstring: a first paragraph saying what the rule checks (its first
sentence is the summary), perhaps more paragraphs, then its examples, a ``Nonconforming:`` and a
``Conforming:`` paragraph. It is written with reStructuredText inline markup: ``literals``,
``*emphasis*``, ``:role:`targets```. This module is the one place that reads that text and turns
it into what each reader wants: a complete one-sentence summary, plain text without markup
(SARIF ``shortDescription``, ``fullDescription`` and ``help.text``), CommonMark (SARIF
``help.markdown`` and the rules reference page of the documentation), and the examples.

It also declares the findings the engine makes itself (about waivers, exclusions and rule
plugins), which have rule ids but no rule function, so that every rule id a report can name has
a description and an entry in the rules reference.

>>> from sms_model.rules import default_registry
>>> help = rule_help(default_registry().get("SMS-4.1.1-TM-h"))
>>> help.summary
'Every change carries a risk assessment made before it was implemented.'
>>> help.nonconforming
'change chg-7 names no risk, or its risk was assessed after go-live.'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Final

import attrs

from sms_model.catalog import crosswalk
from sms_model.report._escape import markdown_code, markdown_text
from sms_model.rules import RuleSpec, Severity

if TYPE_CHECKING:
    from sms_model.rules import Context, Finding

__all__ = [
    "ENGINE_RULES",
    "PLUGIN_ERROR_ID",
    "RuleHelp",
    "documented",
    "engine_rule",
    "first_sentence",
    "reference_id",
    "reference_rules",
    "rst_to_markdown",
    "rst_to_plain",
    "rule_help",
]

# reStructuredText inline markup, in the order it is tried: ``literal``, :role:`target` (also
# :domain:role:), `interpreted text` (the default role), **strong**, *emphasis*.
_INLINE: Final = re.compile(
    r"``(?P<literal>.+?)``"
    r"|:(?P<role>[A-Za-z][\w.+-]*(?::[A-Za-z][\w+-]*)?):`(?P<target>[^`]+)`"
    r"|`(?P<interpreted>[^`]+)`"
    r"|\*\*(?P<strong>[^*\s](?:[^*]*[^*\s])?)\*\*"
    r"|\*(?P<emphasis>[^*\s](?:[^*]*[^*\s])?)\*"
)
# A role target written "Title <target>" shows its title; "~a.b.c" shows its last part.
_TITLED: Final = re.compile(r"(?P<title>.+?)\s*<(?P<target>[^<>]+)>\Z", re.S)

# The end of a sentence: a full stop (or ! ?) and any closing quotes or brackets, followed by
# white space and what can start a sentence, or by the end of the text. Markup is matched first
# so that the full stops inside ``SMS-4.1.1-TM-h`` or :data:`a.b` end nothing.
_SENTENCE: Final = re.compile(
    r"``.+?``|:[A-Za-z][\w.+-]*:`[^`]+`|`[^`]+`"
    r"|(?P<end>[.!?][\"')\]]*)(?=\s+[A-Z0-9(\"'`*:]|\s*\Z)"
)
# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATION: Final = re.compile(r"(?:\b(?:e\.g|i\.e|etc|cf|vs|approx|incl))\Z", re.I)

_EXAMPLE: Final = re.compile(r"^(?P<kind>Nonconforming|Conforming):[ \t]*", re.M)
_PARAGRAPH_BREAK: Final = re.compile(r"\n[ \t]*\n")


def _unwrap(text: str) -> str:
    """The lines of a paragraph joined into one, white space collapsed."""
    return " ".join(text.split())


def _tokens(text: str) -> Iterator[tuple[str, str]]:
    """(kind, text) pieces of reStructuredText inline markup: kind ``text`` for plain text,
    else the markup's kind (``literal``, ``role``, ``interpreted``, ``strong``, ``emphasis``)."""
    position = 0
    for match in _INLINE.finditer(text):
        if match.start() > position:
            yield "text", text[position : match.start()]
        kind = match.lastgroup or "text"
        if kind == "target":
            kind = "role"
        value = match.group("target") if kind == "role" else match.group(kind)
        yield kind, _role_text(value) if kind == "role" else value
        position = match.end()
    if position < len(text):
        yield "text", text[position:]


def _role_text(target: str) -> str:
    titled = _TITLED.match(target)
    if titled:
        return titled.group("title")
    if target.startswith("~"):
        return target[1:].rsplit(".", 1)[-1]
    return target.lstrip("!")


def rst_to_plain(text: str) -> str:
    """reStructuredText inline markup removed: literals, roles and emphasis keep only their
    text. Paragraphs stay apart (a blank line between them); the lines of each are joined.

    >>> rst_to_plain("Nonconforming: ``plan: {status: draft}``, see\\n:data:`~a.b.PAIRS`.")
    'Nonconforming: plan: {status: draft}, see PAIRS.'
    >>> rst_to_plain("an *external* firm\\n\\nmay **not**")
    'an external firm\\n\\nmay not'
    """
    paragraphs = (_unwrap(p) for p in _PARAGRAPH_BREAK.split(text.strip()))
    return "\n\n".join("".join(value for _, value in _tokens(p)) for p in paragraphs if p)


def rst_to_markdown(text: str) -> str:
    """reStructuredText inline markup as CommonMark: literals and role targets as code spans,
    emphasis as emphasis, and every other character escaped, so that the text renders as
    written and as nothing else (no HTML, no link). Paragraphs stay apart.

    >>> print(rst_to_markdown("``svc-1`` is *live* <b>"))
    `svc-1` is *live* \\<b\\>
    """
    paragraphs = (_unwrap(p) for p in _PARAGRAPH_BREAK.split(text.strip()))
    return "\n\n".join("".join(_markdown_piece(*t) for t in _tokens(p)) for p in paragraphs if p)


def _markdown_piece(kind: str, value: str) -> str:
    if kind in ("literal", "role", "interpreted"):
        return markdown_code(value)
    if kind == "strong":
        return f"**{markdown_text(value)}**"
    if kind == "emphasis":
        return f"*{markdown_text(value)}*"
    return markdown_text(value)


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (reStructuredText, a paragraph or more), whole, with its
    markup; a text without a full stop is taken whole and given one.

    >>> first_sentence("Each ``SMS-4.1.1-TM-h`` check passes. Then more.")
    'Each ``SMS-4.1.1-TM-h`` check passes.'
    >>> first_sentence("A policy exists,\\nand is approved (e.g. by the CEO). More.")
    'A policy exists, and is approved (e.g. by the CEO).'
    >>> first_sentence("No full stop")
    'No full stop.'
    """
    flat = _unwrap(_PARAGRAPH_BREAK.split(text.strip(), maxsplit=1)[0])
    for match in _SENTENCE.finditer(flat):
        if match.group("end") is not None and not _ABBREVIATION.search(flat[: match.start()]):
            return flat[: match.end()]
    if not flat:
        return ""
    return flat if flat[-1] in ".!?" else flat + "."


@attrs.frozen(kw_only=True)
class RuleHelp:
    """A rule's description, read: what it checks and its examples, each as reStructuredText
    source (``*_rst``), plain text and Markdown, plus what the reference page lists about it.
    Make one with :func:`rule_help`."""

    id: str
    clause: str
    guidance: tuple[str, ...]
    severity: Severity
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    body_rst: str  # the paragraphs before the examples
    nonconforming_rst: str
    conforming_rst: str
    edition: str = "2011"  # the edition ``clause`` belongs to
    elsewhere: tuple[tuple[str, str], ...] = ()  # (edition, clause) in the other editions

    @property
    def summary(self) -> str:
        """The first sentence, in plain text: a whole sentence ending with a full stop."""
        return rst_to_plain(first_sentence(self.body_rst)) or f"Rule {self.id}."

    @property
    def summary_markdown(self) -> str:
        """The first sentence, as CommonMark."""
        return rst_to_markdown(first_sentence(self.body_rst)) or markdown_text(self.summary)

    @property
    def description(self) -> str:
        """What the rule checks, in plain text (paragraphs apart)."""
        return rst_to_plain(self.body_rst) or self.summary

    @property
    def description_markdown(self) -> str:
        """What the rule checks, as CommonMark."""
        return rst_to_markdown(self.body_rst) or markdown_text(self.summary)

    @property
    def nonconforming(self) -> str:
        """The nonconforming example, in plain text ('' when there is none)."""
        return rst_to_plain(self.nonconforming_rst)

    @property
    def conforming(self) -> str:
        """The conforming example, in plain text ('' when there is none)."""
        return rst_to_plain(self.conforming_rst)

    @property
    def facts(self) -> str:
        """Clause, guidance and severity, as one plain sentence."""
        guidance = ", ".join(self.guidance) or "none"
        also = "".join(f" (in {e}: clause {c})" for e, c in self.elsewhere)
        return (
            f"ISO/IEC 20000-1:{self.edition} clause {self.clause}{also}; ISO/IEC 20000-2 "
            f"guidance {guidance}; severity {self.severity.value}."
        )

    def help_text(self, url: str | None = None) -> str:
        """Plain-text help: what the rule checks, its examples, its clause, and a link.

        >>> from sms_model.rules import default_registry
        >>> print(rule_help(default_registry().get("SMS-9.2-policy")).help_text("https://x/y"))
        A change management policy exists.
        <BLANKLINE>
        Nonconforming: no policy of kind change.
        <BLANKLINE>
        Conforming: {id: pol-chg, kind: change, title: Change management policy}.
        <BLANKLINE>
        ISO/IEC 20000-1:2011 clause 9.2; ISO/IEC 20000-2 guidance none; severity major.
        <BLANKLINE>
        Rules reference: https://x/y
        """
        parts = [self.description]
        if self.nonconforming:
            parts.append(f"Nonconforming: {self.nonconforming}")
        if self.conforming:
            parts.append(f"Conforming: {self.conforming}")
        parts.append(self.facts)
        if url:
            parts.append(f"Rules reference: {url}")
        return "\n\n".join(parts)

    def help_markdown(self, url: str | None = None) -> str:
        """CommonMark help: what the rule checks, its examples, its clause, and a link."""
        parts = [self.description_markdown, *self.examples_markdown()]
        parts.append(markdown_text(self.facts))
        if url:
            parts.append(f"[Rules reference: {markdown_text(self.id)}](<{_link_target(url)}>)")
        return "\n\n".join(parts)

    def examples_markdown(self) -> list[str]:
        """The examples as CommonMark paragraphs, each led by its bold label."""
        out = []
        if self.nonconforming_rst:
            out.append(f"**Nonconforming:** {rst_to_markdown(self.nonconforming_rst)}")
        if self.conforming_rst:
            out.append(f"**Conforming:** {rst_to_markdown(self.conforming_rst)}")
        return out


def _link_target(url: str) -> str:
    # A link destination in <...> may hold anything but line breaks and unescaped < or >.
    return re.sub(r"[<>\\\s]", lambda m: f"%{ord(m.group()):02X}", url)


def rule_help(spec: RuleSpec) -> RuleHelp:
    """The description of a rule, split into what it checks and its examples.

    >>> from sms_model.rules import default_registry
    >>> help = rule_help(default_registry().get("SMS-4-APP-2"))
    >>> help.summary
    'Another party performs Clause 4 work (an SMS-level process or a Clause 4 activity) only as \
specific, short-term work.'
    >>> help.conforming
    '{party: auditfirm, activity: internal_audit, engagement: short_term, accountable: rep, \
start: 2026-04-01, end: 2026-05-31}.'
    """
    text = spec.description.strip() or spec.title.strip()
    first = _EXAMPLE.search(text)
    body = text[: first.start()] if first else text
    examples: dict[str, str] = {}
    if first:
        found = list(_EXAMPLE.finditer(text))
        for match, after in zip(found, [*found[1:], None], strict=True):
            end = after.start() if after else len(text)
            examples.setdefault(match.group("kind"), text[match.end() : end].strip())
    return RuleHelp(
        id=spec.id,
        clause=spec.clause,
        guidance=spec.guidance,
        severity=spec.severity,
        tags=spec.tags,
        aliases=spec.aliases,
        body_rst=body.strip(),
        nonconforming_rst=examples.get("Nonconforming", ""),
        conforming_rst=examples.get("Conforming", ""),
        edition=spec.edition,
        elsewhere=tuple((e, c) for e, c in spec.clauses if e != spec.edition),
    )


def _engine_rule(ctx: Context) -> Iterable[Finding]:
    """Stands for the engine: these findings come from the assessment itself, not a rule."""
    return ()


def _engine(rule_id: str, clause: str, severity: Severity, description: str) -> RuleSpec:
    # The engine's findings are made in both editions, under the 2018 clause of the 2011 one.
    in_2018 = crosswalk("2011", "2018").get(clause, (clause,))[0]
    return RuleSpec(
        id=rule_id,
        clause=clause,
        clauses=(("2011", clause), ("2018", in_2018)),
        function=_engine_rule,
        severity=severity,
        tags=("engine",),
        title=first_sentence(description),
        description=description,
        origin="sms_model.rules._engine",
    )


#: The id in the rules reference of every rule-plugin load error (``plugin:<entry point>``).
PLUGIN_ERROR_ID: Final = "plugin:NAME"

#: The findings the engine makes itself, with no rule function: their ids, clauses and what
#: they report. (Waiver findings are filed under the clause a clause-wide waiver names.)
ENGINE_RULES: Final[tuple[RuleSpec, ...]] = (
    _engine(
        "SMS-4-no-exclusions",
        "4",
        Severity.OBSERVATION,
        """A clause the configuration declares not applicable is still assessed, and the
declaration itself is reported: ISO/IEC 20000-1 allows no exclusions, so a part of the
organisation left out belongs outside the scope rather than excused from a requirement.

Nonconforming: ``not_applicable: ["6.4"]`` in the configuration.
Conforming: no ``not_applicable`` entries; what the SMS does not cover is left out of
``scope``.""",
    ),
    _engine(
        "SMS-waiver-approver",
        "4.5.5.1",
        Severity.MINOR,
        """A waiver is approved by a member of top management; one approved by anyone else is
not applied.

Nonconforming: ``{id: w-1, target: SMS-4.1.1-TM-h, approver: po}`` with ``po`` a process
manager.
Conforming: ``approver: ceo`` with ``ceo`` among ``top_management.members``.""",
    ),
    _engine(
        "SMS-waiver-target",
        "4.5.5.1",
        Severity.MINOR,
        """A waiver targets a clause of ISO/IEC 20000-1:2011 or a rule of the assessment; one
that targets neither is not applied.

Nonconforming: ``target: SMS-4.1.1-TM-x`` (no such rule) or ``target: "11.2"``.
Conforming: ``target: SMS-4.1.1-TM-h`` or ``target: "6.6"``.""",
    ),
    _engine(
        "SMS-waiver-expired",
        "4.5.5.1",
        Severity.OBSERVATION,
        """A waiver is in force on the as-of date: granted on or before it and expiring on or
after it; one outside that period is not applied.

Nonconforming: ``expires: 2026-10-31`` for an assessment as of 2026-11-27, or ``granted:
2026-12-01``.
Conforming: ``granted: 2026-11-02, expires: 2027-01-31``.""",
    ),
    _engine(
        "SMS-waiver-duration",
        "4.5.5.1",
        Severity.MINOR,
        """A waiver runs no longer than the waiver limit (a year unless the configuration sets
``waiver_limit``), counted from the day it was granted; a longer one is not applied.

Nonconforming: ``granted: 2026-01-10, expires: 2028-01-10``.
Conforming: ``granted: 2026-01-10, expires: 2026-12-31``.""",
    ),
    _engine(
        "SMS-waiver-scope",
        "4.5.5.1",
        Severity.OBSERVATION,
        """A waiver that targets a whole clause is applied, and reported for its breadth: it
accepts every failure of the clause and its sub-clauses, where a waiver per rule (and subject)
would say what exactly is accepted.

Nonconforming: ``target: "6.6"``, accepting every information security failure.
Conforming: ``target: SMS-6.6.3-incidents, subject: svc-1``.""",
    ),
    _engine(
        "SMS-waiver-unused",
        "4.5.5.1",
        Severity.OBSERVATION,
        """Every waiver in force matches a failure; one that matches none is reported, to be
withdrawn or corrected.

Nonconforming: a waiver of ``SMS-4.1.1-TM-h`` for ``chg-7`` after ``chg-7`` was given its risk
assessment.
Conforming: the waiver withdrawn once the failure it accepted is resolved.""",
    ),
    _engine(
        PLUGIN_ERROR_ID,
        "4",
        Severity.MAJOR,
        """Every installed rule plugin loads; one that fails to load is reported as an error
named ``plugin:`` and its entry point name, because its rules did not run.

Nonconforming: a rule pack whose module raises ``ImportError`` when it is imported.
Conforming: every entry point of the ``sms_model.rules`` group loads and registers its
rules.""",
    ),
)

_ENGINE_IDS: Final = frozenset(spec.id for spec in ENGINE_RULES)


def reference_id(rule_id: str) -> str:
    """The id under which the rules reference documents ``rule_id``: itself, except for rule
    plugin errors (``plugin:<name>``), which share one entry.

    >>> reference_id("SMS-4.1.4-representative"), reference_id("plugin:acme")
    ('SMS-4.1.4-representative', 'plugin:NAME')
    """
    return PLUGIN_ERROR_ID if rule_id.startswith("plugin:") else rule_id


def reference_rules(specs: Iterable[RuleSpec]) -> list[RuleSpec]:
    """The rules the reference documents, by id: the built-in rules among ``specs`` (those
    defined in ``sms_model``) and the engine's own findings.

    >>> from sms_model.rules import default_registry
    >>> ids = [spec.id for spec in reference_rules(default_registry())]
    >>> "SMS-4.1.1-TM-h" in ids, "SMS-waiver-unused" in ids
    (True, True)
    """
    builtin = [s for s in specs if s.origin.startswith("sms_model.") and s.id not in _ENGINE_IDS]
    return sorted([*builtin, *ENGINE_RULES], key=lambda spec: spec.id)


def documented(rule_id: str, spec: RuleSpec | None) -> bool:
    """Whether the rules reference has an entry for ``rule_id`` (whose registered spec, if
    any, is ``spec``): built-in rules and the engine's findings do; third-party rules do not."""
    if reference_id(rule_id) in _ENGINE_IDS:
        return True
    return spec is not None and spec.origin.startswith("sms_model.")


def engine_rule(rule_id: str) -> RuleSpec | None:
    """The declaration of one of the engine's findings, by rule id (``None`` for others)."""
    wanted = reference_id(rule_id)
    return next((spec for spec in ENGINE_RULES if spec.id == wanted), None)
