"""Sphinx extension: the rules reference page, ``reference/rules.md``, written from the rule
registry when a build starts.

Each rule gets an entry under the family of its clause, with a MyST target whose name is
:func:`sms_model.report._links.rule_anchor` of its id: the HTML anchor that SARIF ``helpUri`` and
the HTML report link to. Descriptions are read by :mod:`sms_model.report._rulehelp`, the module
the SARIF report uses, so that the page and the reports say the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sms_model.catalog import clause as catalog_clause
from sms_model.catalog import guidance_by_id
from sms_model.report._escape import markdown_code, markdown_text
from sms_model.report._links import rule_anchor
from sms_model.report._rulehelp import ENGINE_RULES, RuleHelp, reference_rules, rule_help
from sms_model.rules import RuleSpec, default_registry

#: Where the page is written, relative to the documentation's source directory.
PAGE = Path("reference") / "rules.md"

_INTRO = """\
# Rules reference

Every rule of `sms_model`, by clause of ISO/IEC 20000-1:2011, then the rules of the 2018 edition
only, by clause of ISO/IEC 20000-1:2018, and the findings the engine makes itself. This page is
generated from the rule registry when the documentation is built. Rule ids are public API: a
renamed rule keeps its old id as an alias.

Each entry gives the rule's clause in each edition it checks (the how-to on editions explains), the
ISO/IEC 20000-2 guidance it traces to, the severity of
its failures, what it checks, and a nonconforming and a conforming example. The anchor of an
entry is the rule id in lower case with every run of other characters replaced by `-`
(`SMS-4.1.1-TM-h` is `#sms-4-1-1-tm-h`); SARIF reports and the HTML report link to it.
"""


def _clause_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in number.split("."))


def _clause_text(number: str, edition: str = "2011") -> str:
    try:
        title = catalog_clause(number, edition).title
    except LookupError:
        return markdown_text(number)
    return f"{markdown_text(number)} ({markdown_text(title)})"


def _guidance_text(ids: Iterable[str]) -> str:
    parts = []
    for gid in ids:
        try:
            parts.append(f"{markdown_code(gid)} ({markdown_text(guidance_by_id(gid).title)})")
        except LookupError:
            parts.append(markdown_code(gid))
    return ", ".join(parts) or "none"


def _clauses_text(help: RuleHelp) -> str:
    pairs = sorted([(help.edition, help.clause), *help.elsewhere])
    return "; ".join(f"{edition}: {_clause_text(number, edition)}" for edition, number in pairs)


def _entry(help: RuleHelp, clause_note: str | None = None) -> list[str]:
    facts = [
        f"- **Clause:** {clause_note or _clauses_text(help)}",
        f"- **Guidance:** {_guidance_text(help.guidance)}",
        f"- **Severity:** {help.severity.value}",
    ]
    if help.tags:
        facts.append(f"- **Tags:** {', '.join(markdown_text(tag) for tag in help.tags)}")
    if help.aliases:
        facts.append(f"- **Aliases:** {', '.join(markdown_code(a) for a in help.aliases)}")
    return [
        f"({rule_anchor(help.id)})=",
        f"### {markdown_text(help.id)}",
        "",
        *facts,
        "",
        help.description_markdown,
        "",
        *(line for example in help.examples_markdown() for line in (example, "")),
    ]


def render_rules_reference(specs: Iterable[RuleSpec]) -> str:
    """The Markdown of the rules reference: the built-in rules among ``specs`` grouped by the
    family of their clause (4 to 9), then the engine's own findings."""
    engine_ids = {spec.id for spec in ENGINE_RULES}
    rules = [spec for spec in reference_rules(specs) if spec.id not in engine_ids]
    lines = [_INTRO]
    family = None
    key = {spec.id: (spec.edition, _clause_key(spec.clause), spec.id) for spec in rules}
    for spec in sorted(rules, key=lambda s: key[s.id]):
        top = (spec.edition, spec.clause.split(".", 1)[0])
        if top != family:
            family = top
            only = "" if spec.edition == "2011" else f", rules of the {spec.edition} edition only"
            lines += [f"## Clause {_clause_text(top[1], spec.edition)}{only}", ""]
        lines += _entry(rule_help(spec))
    lines += [
        "## Findings of the engine",
        "",
        "The assessment itself reports on waivers, declared exclusions and rule plugins that fail "
        "to load. Waiver findings are filed under the clause a clause-wide waiver names, else "
        "under 4.5.5.1; an exclusion under the clause declared not applicable.",
        "",
    ]
    for spec in ENGINE_RULES:
        note = None
        if spec.id.startswith("SMS-waiver-"):
            note = f"{_clause_text(spec.clause)}, or the clause the waiver targets"
        elif spec.id == "SMS-4-no-exclusions":
            note = "the clause declared not applicable"
        lines += _entry(rule_help(spec), note)
    return "\n".join(lines).rstrip("\n") + "\n"


def write_rules_reference(srcdir: Path) -> bool:
    """Writes the page under ``srcdir`` when its text changed (so that an unchanged page is not
    read again); returns whether it wrote."""
    target = srcdir / PAGE
    text = render_rules_reference(default_registry())
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True


def _builder_inited(app: Any) -> None:
    write_rules_reference(Path(app.srcdir))


def setup(app: Any) -> dict[str, Any]:
    """Registers the extension: the page is written when the builder starts, before reading."""
    app.connect("builder-inited", _builder_inited)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
