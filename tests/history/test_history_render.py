"""The timeline rendered for each medium: a system name holding markup, table pipes, backticks,
line breaks and terminal controls is stored as it is, and shown inert and whole in text,
Markdown (read back by a CommonMark/GFM reader), HTML (read back by an HTML parser) and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest

import sms_model
from sms_model import history
from sms_model.model import Party, PartyKind, ServiceManagementSystem
from sms_model.report._escape import terminal_text
from sms_model.rules import Context, Finding, Registry
from tests.history.conftest import DAYS
from tests.payloads import PAYLOADS
from tests.report.test_markdown_readers import _READERS, _all_tokens, _headings, _rows, shown

HOSTILE = "<script>alert(1)</script> | `tick` ``two``\n# heading\r\n- item & &amp; " + " ".join(
    PAYLOADS
)


def _recorded(url: str) -> list[history.Run]:
    sms = ServiceManagementSystem(
        name=HOSTILE,
        provider="acme",
        parties=(Party(id="acme", name="Acme", kind=PartyKind.PROVIDER),),
    )
    for day in DAYS[:2]:
        history.record(sms_model.assess(sms, as_of=day), url)
    found = history.runs(url)
    assert [HOSTILE, HOSTILE] == [r.system for r in found]  # stored as it is
    return found


def test_text_keeps_each_run_on_one_line_with_controls_shown(url: str) -> None:
    found = _recorded(url)
    text = history.render_timeline(found, "text")
    lines = text.splitlines()
    assert 3 == len(lines)
    assert text.endswith("\n")
    assert all(terminal_text(HOSTILE) in line for line in lines[1:])
    for char in ("\x1b", "\x07", "\r", "\u202e"):
        assert char not in text
    assert ["As", "of", "System", "Major"] == lines[0].split()[:4]


@pytest.mark.parametrize("reader", sorted(_READERS))
def test_markdown_has_one_table_row_per_run_and_no_markup_from_the_data(
    url: str, reader: str
) -> None:
    found = _recorded(url)
    tokens = list(_all_tokens(_READERS[reader].parse(history.render_timeline(found, "markdown"))))
    forbidden = {"html_inline", "html_block", "link_open", "image", "em_open", "s_open"}
    assert set() == forbidden & {t.type for t in tokens}
    assert [("h1", "Assessment history")] == _headings(tokens)
    rows = _rows(tokens)
    assert [head for _, head in history._HEADS] == rows[0]
    assert [[r.as_of.isoformat(), shown(HOSTILE), "2011"] for r in found] == [
        row[:3] for row in rows[1:]
    ]
    assert ["-", str(found[1].new)] == [row[6] for row in rows[1:]]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.cells: list[str] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "td":
            self.cells.append("")
            self._in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_cell = False

    def handle_data(self, data: str) -> None:
        if self._in_cell:
            self.cells[-1] += data


def test_html_shows_the_name_as_text_and_adds_no_element(url: str) -> None:
    found = _recorded(url)
    reader = _Reader()
    reader.feed(history.render_timeline(found, "html"))
    allowed = {"html", "head", "meta", "title", "style", "body", "h1", "table"}
    allowed |= {"thead", "tbody", "tr", "th", "td"}
    assert set() == reader.tags - allowed
    columns = len(history._HEADS)
    assert 2 * columns == len(reader.cells)
    expected = terminal_text(HOSTILE, multiline=True)
    assert [expected, expected] == reader.cells[1::columns]


def test_json_holds_the_values_as_they_are(url: str) -> None:
    found = _recorded(url)
    document = json.loads(history.render_timeline(found, "json"))
    assert history.HISTORY_FORMAT == document["history_format"]
    assert [r.to_record() for r in found] == document["runs"]
    assert HOSTILE == document["runs"][0]["system"]
    assert date.fromisoformat(document["runs"][1]["as_of"]) == DAYS[1]


@pytest.mark.parametrize("format", history.TIMELINE_FORMATS)
def test_no_runs_is_said_in_every_format(format: str) -> None:
    rendered = history.render_timeline([], format)
    if format == "json":
        assert {"history_format": 1, "runs": []} == json.loads(rendered)
    else:
        assert "No runs recorded." in rendered


def test_text_that_is_not_unicode_is_refused_cleanly(url: str) -> None:
    rules = Registry()

    @rules.rule(id="T-surrogate", clause="4.1.4", severity="major")
    def surrogate(ctx: Context) -> Iterator[Finding]:
        """A plug-in rule whose message holds a lone surrogate."""
        yield ctx.fail("found \ud800 here")

    sms = sms_model.load("examples/minimal.yaml")
    history.record(sms_model.assess(sms, as_of=DAYS[0]), url)
    with pytest.raises(history.HistoryError, match="not valid Unicode"):
        history.record(sms_model.assess(sms, as_of=DAYS[0], registry=rules), url)
    assert 1 == len(history.runs(url))
