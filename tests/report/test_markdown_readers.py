"""The Markdown report read back by a real CommonMark/GFM reader (markdown-it-py): data from an
SMS file (system name, ids, names, waiver ids, messages) never becomes raw HTML, a link, an
autolink, emphasis, a heading or a table cell; the document has exactly the headings, table rows
and list items the assessment calls for, each showing the values as they are.

The hostile system and assessment defined here serve the terminal tests too.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Sequence
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from sms_model.model import (
    Party,
    PartyKind,
    Person,
    Process,
    ProcessKind,
    ServiceManagementSystem,
    TopManagement,
)
from sms_model.report import render_markdown
from sms_model.report._escape import markdown_code, markdown_text, terminal_text
from sms_model.rules import Assessment, Context, Finding, Registry, Status, Waiver, assess
from tests.payloads import PAYLOADS

AS_OF = date(2026, 11, 27)

ALL_PAYLOADS = " ".join(PAYLOADS)
_KINDS = list(ProcessKind)


def hostile_sms(payloads: Sequence[str] = PAYLOADS) -> ServiceManagementSystem:
    """A valid SMS with a payload in its name and in every id and name it has (eight payloads,
    :data:`PAYLOADS` unless given)."""
    p = payloads
    ceo, rep, provider = f"ceo{p[0]}", f"rep{p[3]}", f"acme{p[4]}"
    return ServiceManagementSystem(
        name=f"Acme {' '.join(p)}",
        provider=provider,
        parties=(
            Party(id=provider, name=f"Acme {p[0]}", kind=PartyKind.PROVIDER),
            Party(id=f"sup{p[5]}", name=f"Supplier {p[6]}", kind=PartyKind.SUPPLIER),
        ),
        people=(
            Person(id=ceo, name=f"Ada {p[1]}", party=provider),
            Person(id=rep, name=f"Bo {p[2]}", party=provider, reports_to=ceo),
        ),
        top_management=TopManagement(members=(ceo,), representative=rep),
        processes=tuple(
            Process(
                id=f"proc{payload}",
                kind=_KINDS[i % len(_KINDS)],
                name=f"Process {payload}",
                owner=rep if i % 2 else None,
                operated_by=f"sup{p[5]}" if i % 3 == 0 else None,
            )
            for i, payload in enumerate(p)
        ),
    )


def hostile_registry() -> Registry:
    """Rules whose findings carry every payload: in the message, the subjects, the evidence,
    an error's message and (through the waivers of :func:`hostile_assessment`) waiver ids."""
    rules = Registry()

    @rules.rule(id="T-data", clause="4.1.4", severity="major")
    def data(ctx: Context) -> Iterator[Finding]:
        """Fails, quoting every payload."""
        yield ctx.fail(f"found {ALL_PAYLOADS} here", subjects=PAYLOADS, evidence=PAYLOADS)
        for payload in PAYLOADS:
            yield ctx.fail(f"{payload} alone", subjects=payload, severity=None)

    @rules.rule(id="T-crash", clause="8.2", severity="minor")
    def crash(ctx: Context) -> Iterator[Finding]:
        """Raises with a payload in the message."""
        raise RuntimeError(ALL_PAYLOADS)
        yield  # pragma: no cover - makes this a generator

    for i, _payload in enumerate(PAYLOADS):

        def waived(ctx: Context) -> Iterator[Finding]:
            """Fails; a waiver with a hostile id covers it."""
            yield ctx.fail("covered by a waiver")

        rules.rule(id=f"T-waived-{i}", clause="7.2", severity="minor")(waived)
    return rules


def hostile_assessment(sms: ServiceManagementSystem | None = None) -> Assessment:
    """The assessment of :func:`hostile_sms` by :func:`hostile_registry`, with a waiver whose id
    is a payload for each ``T-waived-*`` rule."""
    sms = sms or hostile_sms()
    waivers = [
        Waiver(
            id=payload,
            target=f"T-waived-{i}",
            justification=f"accepted {payload}",
            approver=sms.top_management.members[0],
            granted=date(2026, 10, 1),
            expires=date(2027, 3, 1),
        )
        for i, payload in enumerate(PAYLOADS)
    ]
    return assess(sms, as_of=AS_OF, registry=hostile_registry(), waivers=waivers)


def shown(value: str) -> str:
    """How a value reads in the rendered Markdown: one line, control characters escaped."""
    return terminal_text(re.sub("\r\n|[\r\n\t]", " ", value))


# --- reading the document --------------------------------------------------------------------

_READERS = {
    "gfm-like": MarkdownIt("gfm-like"),  # tables, strikethrough, linkify, raw HTML allowed
    "commonmark+table": MarkdownIt("commonmark").enable(["table", "strikethrough"]),
}
_INLINE_TEXT = ("text", "text_special", "code_inline", "softbreak")


def _all_tokens(tokens: list[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        yield from _all_tokens(token.children or [])


def _text(inline: Token) -> str:
    """What an inline token reads as: its text and code, without markup."""
    parts = []
    for child in inline.children or []:
        if child.type not in (*_INLINE_TEXT, "strong_open", "strong_close"):
            raise AssertionError(f"unexpected markup {child.type} in {inline.content!r}")
        parts.append(" " if child.type == "softbreak" else child.content)
    return "".join(parts)


def _headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, _text(tokens[i + 1]))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def _rows(tokens: list[Token]) -> list[list[str]]:
    """The rows of the tables, header rows included, as the text of their cells."""
    rows: list[list[str]] = []
    for i, token in enumerate(tokens):
        if token.type == "tr_open":
            rows.append([])
        elif token.type in ("th_open", "td_open"):
            rows[-1].append(_text(tokens[i + 1]))
    return rows


def _list_items(tokens: list[Token]) -> list[str]:
    return [
        _text(tokens[i + 2])
        for i, token in enumerate(tokens)
        if token.type == "list_item_open" and tokens[i + 1].type == "paragraph_open"
    ]


def _label(finding: Finding) -> str:
    labels = {Status.WAIVED: "WAIVED", Status.ERROR: "ERROR", Status.NOT_APPLICABLE: "N/A"}
    return labels.get(finding.status, finding.severity.value.upper())


def _expected_item(finding: Finding) -> str:
    detail = []
    if finding.subjects:
        detail.append("subjects: " + ", ".join(shown(s) for s in finding.subjects))
    if finding.evidence:
        detail.append("evidence: " + ", ".join(shown(e) for e in finding.evidence))
    if finding.guidance:
        detail.append("guidance: " + ", ".join(finding.guidance))
    if finding.waiver:
        detail.append(f"waiver: {shown(finding.waiver)}")
    tail = f" ({'; '.join(detail)})" if detail else ""
    return f"{_label(finding)} {finding.rule}: {shown(finding.message)}{tail}"


@pytest.fixture(scope="module")
def hostile() -> Assessment:
    return hostile_assessment()


@pytest.fixture(scope="module")
def hostile_default() -> Assessment:
    """The built-in rules on the hostile SMS: their messages quote its ids."""
    return assess(hostile_sms(), as_of=AS_OF)


@pytest.mark.parametrize("reader", sorted(_READERS))
@pytest.mark.parametrize("which", ["hostile", "hostile_default"])
def test_data_in_the_markdown_report_adds_no_html_link_or_emphasis(
    reader: str, which: str, request: pytest.FixtureRequest
) -> None:
    assessment: Assessment = request.getfixturevalue(which)
    tokens = list(_all_tokens(_READERS[reader].parse(render_markdown(assessment))))
    types = {token.type for token in tokens}
    forbidden = {"html_inline", "html_block", "link_open", "image", "em_open", "s_open"}
    # Our own markup: the as-of date and each finding's label are bold, ids are code spans.
    bold = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "strong_open"]
    labels = {_label(f) for f in assessment.findings}
    notable = [f for f in assessment.findings if f.status is not Status.PASS]

    assert set() == forbidden & types
    assert [AS_OF.isoformat(), *sorted(_label(f) for f in notable)] == [bold[0], *sorted(bold[1:])]
    assert labels >= set(bold[1:])


@pytest.mark.parametrize("reader", sorted(_READERS))
def test_the_markdown_report_has_exactly_the_headings_rows_and_items_expected(
    reader: str, hostile: Assessment
) -> None:
    tokens = _READERS[reader].parse(render_markdown(hostile))
    clauses = [
        c for c, fs in hostile.by_clause().items() if any(f.status is not Status.PASS for f in fs)
    ]
    notable = [f for c in clauses for f in hostile.by_clause()[c] if f.status is not Status.PASS]
    verdict_rows = [
        [
            v.clause,
            v.title,
            v.verdict.value.replace("_", " "),
            *(str(v.counts[k]) for k in ("fail", "waived", "pass")),
        ]
        for v in hostile.verdicts
    ]

    assert [
        ("h1", f"{shown(hostile.system_name)}: conformity to ISO/IEC 20000-1:2011"),
        ("h2", "Verdict per clause"),
        ("h2", "Findings"),
        *(("h3", f"Clause {clause}") for clause in clauses),
    ] == _headings(tokens)
    assert [["Clause", "Title", "Verdict", "Failed", "Waived", "Passed"], *verdict_rows] == _rows(
        tokens
    )
    assert [_expected_item(f) for f in notable] == _list_items(tokens)


def test_every_payload_reaches_the_reader_as_text(hostile: Assessment) -> None:
    html = _READERS["gfm-like"].render(render_markdown(hostile))
    waiver_ids = {f.waiver for f in hostile.findings if f.waiver}

    assert set(PAYLOADS) == waiver_ids
    assert "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<h1>Acme" in html
    assert "<h1># heading" not in html
    assert "href" not in html
    assert "<em>" not in html
    assert "[x](javascript:alert(1))" in html
    assert "\x1b" not in html
    assert "\x07" not in html
    assert "\u202e" not in html
    assert "\\x1b[2J" in html
    assert "\\x07" in html
    assert "\\u202e" in html


# --- the escaping functions on their own -------------------------------------------------

_HOSTILE_TEXT = st.text(
    alphabet=st.sampled_from(string.printable + "\x00\x1b\x7f\x85\u202e\u2028 ·é")
    | st.characters(),
    max_size=40,
)


@given(value=_HOSTILE_TEXT)
def test_markdown_text_reads_back_as_exactly_the_value_in_a_paragraph_heading_and_cell(
    value: str,
) -> None:
    md = _READERS["gfm-like"]
    escaped = markdown_text(value)
    paragraph = md.parse(f"A{escaped}Z")
    heading = md.parse(f"# A{escaped}Z")
    table = md.parse(f"| h | i |\n|---|---|\n| A{escaped}Z | B |")
    expected = f"A{shown(value)}Z"

    assert ["paragraph_open", "inline", "paragraph_close"] == [t.type for t in paragraph]
    assert expected == _text(paragraph[1])
    assert [("h1", expected)] == _headings(heading)
    assert [["h", "i"], [expected, "B"]] == _rows(table)


@given(value=_HOSTILE_TEXT.filter(lambda v: v.strip(" ")))
def test_markdown_code_reads_back_as_exactly_the_value(value: str) -> None:
    tokens = _READERS["gfm-like"].parse(f"A {markdown_code(value)} Z")
    children = tokens[1].children or []

    assert ["text", "code_inline", "text"] == [c.type for c in children]
    assert shown(value) == children[1].content


def test_markdown_text_keeps_clause_numbers_and_versions_readable() -> None:
    assert ("4.1.1", "0.1.0\\.dev0") == (markdown_text("4.1.1"), markdown_text("0.1.0.dev0"))


@pytest.mark.parametrize(
    "value",
    ["www.evil.com", "evil.com", "http://evil.com", "mailto:a@b.c", "a@b.co", "javascript:x()"],
)
def test_markdown_text_leaves_no_autolink(value: str) -> None:
    tokens = list(_all_tokens(_READERS["gfm-like"].parse(f"see {markdown_text(value)}")))

    assert "link_open" not in {t.type for t in tokens}
