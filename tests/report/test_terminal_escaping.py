"""Terminal output shows what an SMS file holds and does nothing else: escape sequences, the
bell, carriage returns, other control characters and bidi overrides in names, ids and messages
are shown escaped (``\\x1b``, ``\\u202e``) in the text report, in ``sms-model validate`` and in
printed error messages; the report's own colour codes still work."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sms_model import load
from sms_model.cli import _print_error, main, summarise
from sms_model.errors import ModelValidationError, SelectionError
from sms_model.report import render_text
from sms_model.report._escape import terminal_text
from sms_model.rules import Assessment, assess
from tests.report.test_markdown_readers import (
    ALL_PAYLOADS,
    AS_OF,
    PAYLOADS,
    hostile_assessment,
    hostile_sms,
)

#: How each payload reads on the terminal.
SHOWN = {
    "\r# heading": "\\r# heading",
    "\x1b[2J": "\\x1b[2J",
    "\x07": "\\x07",
    "\u202e": "\\u202e",
}
_BIDI = [*"\u061c\u200e\u200f", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
_UNSAFE = [
    *map(chr, range(0x20)),
    *map(chr, range(0x7F, 0xA0)),
    *_BIDI,
    "\u2028",
    "\u2029",
    "\ud800",
    "\udcff",
]
_OUR_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def _safe(text: str) -> bool:
    """Nothing a terminal acts on, nothing that reorders text: each line is printable."""
    return all(line.isprintable() for line in text.split("\n"))


# --- terminal_text -----------------------------------------------------------------------


@pytest.mark.parametrize("char", _UNSAFE, ids=lambda c: f"U+{ord(c):04X}")
def test_terminal_text_shows_each_control_and_bidi_character_as_an_escape(char: str) -> None:
    short = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}
    expected = short.get(char) or (
        f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
    )

    assert f"a{expected}b" == terminal_text(f"a{char}b")


def test_terminal_text_keeps_newlines_only_when_asked() -> None:
    assert ("a\\nb", "a\nb\\r") == (
        terminal_text("a\nb"),
        terminal_text("a\nb\r", multiline=True),
    )


@given(st.text())
def test_terminal_text_leaves_nothing_a_terminal_acts_on(value: str) -> None:
    shown = terminal_text(value)

    assert not any(unicodedata.category(c) == "Cc" or c in _BIDI for c in shown)
    assert "\u2028" not in shown
    assert "\u2029" not in shown


@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))))
def test_terminal_text_changes_no_ordinary_text(value: str) -> None:
    assert value == terminal_text(value)


# --- the text report ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> Assessment:
    return hostile_assessment()


@pytest.fixture(scope="module")
def hostile_default() -> Assessment:
    return assess(hostile_sms(), as_of=AS_OF)


@pytest.mark.parametrize("which", ["hostile", "hostile_default"])
def test_the_text_report_of_hostile_data_is_printable_ascii_one_line_per_entry(
    which: str, request: pytest.FixtureRequest
) -> None:
    assessment: Assessment = request.getfixturevalue(which)
    report = render_text(assessment, passed=True)
    lines = report.splitlines()

    assert _safe(report)
    assert report.isascii()
    assert 4 + len(assessment.verdicts) + 2 + len(assessment.findings) == len(lines)


def test_the_text_report_shows_every_payload_escaped(hostile: Assessment) -> None:
    report = render_text(hostile, passed=True)
    first = report.splitlines()[0]

    assert f"Acme {terminal_text(ALL_PAYLOADS)}: conformity" in first
    assert all(shown in report for shown in SHOWN.values())
    assert "<img src=x onerror=alert(1)>" in report  # harmless on a terminal: kept as it is


def test_colour_codes_are_the_reports_own_and_the_data_stays_escaped(
    hostile: Assessment,
) -> None:
    coloured = render_text(hostile, colour=True, passed=True)
    plain = render_text(hostile, passed=True)

    assert coloured != plain
    assert coloured.count("\x1b[0m") > len(hostile.verdicts)
    assert plain == _OUR_COLOURS.sub("", coloured)
    assert _safe(_OUR_COLOURS.sub("", coloured))


# --- sms-model validate and error messages -----------------------------------------------


def test_the_summary_of_a_hostile_system_is_printable_and_keeps_its_lines() -> None:
    sms = hostile_sms()
    summary = summarise(sms)
    benign = summarise(hostile_sms([f"v{i}" for i in range(len(PAYLOADS))]))

    assert _safe(summary)
    assert summary.isascii()
    assert len(benign.splitlines()) == len(summary.splitlines())
    assert f"Acme {terminal_text(ALL_PAYLOADS)}: a valid" in summary
    assert all(shown in summary for shown in SHOWN.values())


_HOSTILE_YAML = """\
name: "Acme \\e[2J\\a\\u202e\\r# heading <img src=x onerror=alert(1)>"
provider: "acme\\e]0;pwned\\a"
parties:
- {id: "acme\\e]0;pwned\\a", name: "Acme\\r\\nfake line", kind: provider}
"""


def test_validate_prints_a_hostile_file_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "sms.yaml"
    source.write_text(_HOSTILE_YAML, encoding="utf-8")

    code = main(["validate", str(source)])
    out = capsys.readouterr().out

    assert 0 == code
    assert _safe(out)
    assert out.isascii()
    assert out.startswith("Acme \\x1b[2J\\x07\\u202e\\r# heading <img src=x onerror=alert(1)>:")
    assert "Provider:        Acme\\r\\nfake line (acme\\x1b]0;pwned\\x07)" in out.splitlines()


def test_error_messages_are_printed_escaped_but_the_exception_keeps_the_raw_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "x\x1b[2J\u202e"
    folder.mkdir()
    source = folder / "sms\x07.yaml"
    source.write_text(_HOSTILE_YAML + "processes:\n- {id: p, kind: change, owner: ghost}\n")

    code = main(["validate", str(source)])
    err = capsys.readouterr().err
    with pytest.raises(ModelValidationError) as caught:
        load(source)

    assert 2 == code
    assert _safe(err)
    assert "\\x1b[2J\\u202e/sms\\x07.yaml" in err
    assert 2 == len(err.splitlines())  # the summary line and the one issue
    assert "\x1b[2J\u202e" in str(caught.value)  # for programs, the path as it is


def test_a_message_that_holds_a_newline_is_printed_on_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _print_error(SelectionError("no rule named 'x\nsms-model: all clear\x1b[32m'"))
    err = capsys.readouterr().err

    assert ["sms-model: error: no rule named 'x\\nsms-model: all clear\\x1b[32m'"] == (
        err.splitlines()
    )
