"""The transition report (:func:`sms_model.transition`) as text, Markdown or JSON: per move from
2011 to 2018, the 2018 clauses it holds, with their verdicts, their 2011 sources and the
failures to work on."""

from __future__ import annotations

from typing import Final

from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.rules._transition import Move, Transition, TransitionRow

__all__ = ["TRANSITION_FORMATS", "render_transition"]

#: The formats :func:`render_transition` writes.
TRANSITION_FORMATS: Final = ("text", "markdown", "json")

#: The order moves are reported in: the work first.
_ORDER: Final = (
    Move.NEW_UNMET,
    Move.NEWLY_UNMET,
    Move.STILL_UNMET,
    Move.NOT_ASSESSED,
    Move.NOTHING_TO_CHECK,
    Move.NOW_MET,
    Move.NEW_MET,
    Move.STAYS_MET,
)


def render_transition(move: Transition, format: str = "text") -> str:
    """The transition report in ``format`` (``text``, ``markdown`` or ``json``): the clauses
    that need work first, each with its 2018 verdict, the 2011 clauses it came from and the
    2018 failures behind it; JSON is :meth:`~sms_model.rules.Transition.to_json`.

    >>> import sms_model
    >>> from datetime import date
    >>> sms = sms_model.load("examples/minimal.yaml")
    >>> move = sms_model.transition(sms, as_of=date(2026, 11, 27))
    >>> print(render_transition(move).splitlines()[0])
    Minimal SMS: from ISO/IEC 20000-1:2011 to ISO/IEC 20000-1:2018, as of 2026-11-27
    """
    if format == "json":
        return move.to_json()
    if format == "markdown":
        return _markdown(move)
    if format != "text":
        known = ", ".join(TRANSITION_FORMATS)
        raise ValueError(f"a transition report cannot be written as {format!r}; use one of {known}")
    return _text(move)


def _heading(move: Transition) -> str:
    return (
        f"from ISO/IEC 20000-1:{move.old.edition} to ISO/IEC 20000-1:{move.new.edition}, "
        f"as of {move.as_of.isoformat()}"
    )


def _tally(move: Transition) -> str:
    by_move = move.by_move()
    return "; ".join(f"{len(by_move[m])} {m.label}" for m in _ORDER if m in by_move)


def _sources(row: TransitionRow) -> str:
    if not row.sources:
        return "new in 2018"
    return ", ".join(f"{clause} ({verdict.value})" for clause, verdict in row.sources)


def _text(move: Transition) -> str:
    esc = terminal_text
    lines = [f"{esc(move.system_name)}: {_heading(move)}", _tally(move)]
    by_move = move.by_move()
    for kind in (m for m in _ORDER if m in by_move):
        lines += ["", f"{kind.label} ({len(by_move[kind])}):"]
        for row in by_move[kind]:
            lines.append(
                f"  {row.clause:<8} {esc(row.title)}: {row.verdict.value}; 2011: {_sources(row)}"
            )
            lines.extend(
                f"      - [{f.severity.value}] {f.rule}: {esc(f.message)}" for f in row.failures
            )
    return "\n".join(lines) + "\n"


def _markdown(move: Transition) -> str:
    md = markdown_text
    lines = [
        f"# {md(move.system_name)}: {_heading(move)}",
        "",
        f"{md(_tally(move))}.",
    ]
    by_move = move.by_move()
    for kind in (m for m in _ORDER if m in by_move):
        lines += [
            "",
            f"## {md(kind.label.capitalize())} ({len(by_move[kind])})",
            "",
            "| 2018 clause | Title | Verdict | 2011 sources | Failures |",
            "|---|---|---|---|--:|",
        ]
        lines.extend(
            f"| {row.clause} | {md(row.title)} | {row.verdict.value} | {md(_sources(row))} "
            f"| {len(row.failures)} |"
            for row in by_move[kind]
        )
    work = [row for row in move.rows if row.failures]
    if work:
        lines += ["", "## Failures under 2018", ""]
        for row in work:
            lines.extend(
                f"- **{row.clause}** {markdown_code(f.rule)} ({f.severity.value}): {md(f.message)}"
                for f in row.failures
            )
    return "\n".join(lines) + "\n"
