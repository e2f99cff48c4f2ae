r"""Escaping for the media reports are written to: a terminal, CommonMark/GFM Markdown, CSV
for spreadsheets, the plain-text messages of SARIF, and HTML text. One function per medium,
used by every output written to it.

Every value that comes from an SMS file (system name, ids, names, waiver ids, and messages that
quote them) can hold anything. Each function here makes a value inert in its medium and keeps
it readable: nothing in it can move the cursor, change colours, reorder the line, open a link,
start a heading or become a formula.

Exceptions keep the raw value (``str(exc)`` is what the file held, for programs that catch
it); the command line escapes a message when it prints it, with :func:`terminal_text`.

>>> print(terminal_text("Acme\x1b[2J\u202e"))
Acme\x1b[2J\u202e
>>> print(markdown_text("c*st* <b>"))
c\*st\* \<b\>
>>> print(csv_cell('=HYPERLINK("http://x","y")'))
'=HYPERLINK("http://x","y")
"""

from __future__ import annotations

import html
import re

__all__ = ["csv_cell", "html_text", "markdown_code", "markdown_text", "sarif_text", "terminal_text"]

# What a terminal acts on, or draws other than as written: C0 controls, DEL and C1 controls
# (ESC starts escape sequences; CSI, OSC, ... have one-character C1 forms too), the bidi
# embeddings, overrides, isolates and marks that reorder what follows (U+202E shows text
# backwards), the Unicode line and paragraph separators, and lone surrogates (text decoded with
# ``surrogateescape``), which no encoding can print.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_UNSAFE = "\x00-\x09\x0b-\x1f\x7f-\x9f" + _BIDI + "\u2028\u2029\ud800-\udfff"
_UNSAFE_ANYWHERE = re.compile(f"[{_UNSAFE}\n]")
_UNSAFE_IN_LINE = re.compile(f"[{_UNSAFE}]")
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def terminal_text(text: str, *, multiline: bool = False) -> str:
    r"""``text`` safe to print on a terminal: each control character (C0, DEL, C1, including
    tab), bidi control (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), line or
    paragraph separator and lone surrogate is shown as its escape: ``\x1b``, ``\u202e``, ``\r``.
    Newlines are escaped too, so that one value stays on one line, unless ``multiline`` is
    true. Everything else, including other non-ASCII text and backslashes, is kept as it is.

    Apply it to values, not to a finished report: the report's own colour codes must stay.

    >>> print(terminal_text("Acme\x1b[2J\x07 Ltd\u202e\rX"))
    Acme\x1b[2J\x07 Ltd\u202e\rX
    >>> print(terminal_text("line 1\nline 2", multiline=True))
    line 1
    line 2
    >>> print(terminal_text("Zürich\tAG"))
    Zürich\tAG
    """
    pattern = _UNSAFE_IN_LINE if multiline else _UNSAFE_ANYWHERE
    return pattern.sub(_visible, text)


# CommonMark ends a line at \r\n, \r or \n; a value must not end our line (a new line can start
# a heading, a list or raw HTML). A tab becomes a space too: it has no meaning inside a line.
_LINE_BREAK = re.compile("\r\n|[\r\n\t]")

# CommonMark renders a backslash followed by any ASCII punctuation character as that character.
# Every one that can start or end inline syntax, in CommonMark or the extensions renderers turn
# on, is escaped: \ ` * _ (code, emphasis), [ ] ( ) ! (links, images), < > (raw HTML,
# autolinks), & (entity references, which could spell any character), | (GFM table cells),
# # (a heading's closing sequence), ~ (strikethrough), : . @ (GFM and linkify autolinks of
# http:, www., bare domains and e-mail addresses), $ (math), ^ = + (super/subscript, marked
# text, inserted text), { } (attributes). A dot between two digits stays, so that clause
# numbers and versions read as 4.1.1: a domain autolinked without http: or www. ends in a
# top-level domain of letters, and the dot before it is escaped. Left as they are, since they
# start nothing inside a line: " ' , - / ; ? % (a typographer may curl quotes or join dashes;
# it adds no markup).
_MARKDOWN_SYNTAX = re.compile(r"[!#$&()*+:<=>@\[\\\]^_`{|}~]|(?<![0-9])\.|\.(?![0-9])")


def markdown_text(text: str) -> str:
    r"""``text`` as CommonMark/GFM inline text, safe in a paragraph, a list item, a heading or a
    table cell: it renders as the characters of ``text`` and as nothing else (no HTML, link,
    autolink, emphasis, code, heading or new table cell). Line breaks and tabs become spaces;
    control and bidi characters are shown escaped, as by :func:`terminal_text`, since a
    Markdown file is also read in terminals.

    >>> print(markdown_text("[x](javascript:alert(1))"))
    \[x\]\(javascript\:alert\(1\)\)
    >>> print(markdown_text("a|b\r# heading\x1b"))
    a\|b \# heading\\x1b
    >>> print(markdown_text("see evil.com, clause 4.1.1"))
    see evil\.com, clause 4.1.1
    """
    return _MARKDOWN_SYNTAX.sub(r"\\\g<0>", terminal_text(_LINE_BREAK.sub(" ", text)))


_BACKTICKS = re.compile("`+")


def markdown_code(text: str) -> str:
    r"""``text`` as a CommonMark code span (for ids): shown literally, in a fence of backticks
    longer than any run of backticks in it. Line breaks and tabs become spaces, control and
    bidi characters are escaped as by :func:`terminal_text`. Not for GFM table cells, where a
    ``|`` in it would end the cell: use :func:`markdown_text` there.

    >>> markdown_code("c*st*")
    '`c*st*`'
    >>> markdown_code("a`b")
    '``a`b``'
    >>> markdown_code("`x")
    '`` `x ``'
    """
    flat = terminal_text(_LINE_BREAK.sub(" ", text))
    if not flat:
        return ""
    fence = "`" * (1 + max((len(run) for run in _BACKTICKS.findall(flat)), default=0))
    # CommonMark strips one space from each end of a code span that is not all spaces, so a
    # span that starts or ends with a backtick (which would join the fence) or a space gets one.
    edges = flat[0] + flat[-1]
    pad = " " if flat.strip(" ") and ("`" in edges or " " in edges) else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


_SARIF_SPECIAL = re.compile(r"[\\\[\]]")


def sarif_text(text: str) -> str:
    r"""A SARIF plain-text message: readers treat ``[text](target)`` in it as an embedded link
    (SARIF 2.1.0, 3.11.6), so a backslash and square brackets are escaped with a backslash;
    control and bidi characters are shown as in :func:`terminal_text` first, since code
    scanning pages show the text as it is.

    >>> print(sarif_text("[x](javascript:alert(1)) \x1b"))
    \[x\](javascript:alert(1)) \\x1b
    """
    return _SARIF_SPECIAL.sub(lambda m: "\\" + m.group(), terminal_text(text, multiline=True))


def html_text(text: str) -> str:
    r"""Text or an attribute value (either quote) in HTML: ``& < > " '`` as references, and the
    characters HTML has no business holding (control characters, which are parse errors, and
    bidi overrides, which reverse how the rest of a cell reads) shown as in
    :func:`terminal_text`; line breaks stay.

    >>> print(html_text("<b>\u202e"))
    &lt;b&gt;\u202e
    """
    return html.escape(terminal_text(text, multiline=True), quote=True)


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection"): = + - @, and tab
# or carriage return before one. Their full-width forms too, which some spreadsheets accept. A
# cell starting with ' gets one more, so that one leading ' is always ours (see csv_cell).
_FORMULA_START = frozenset("=+-@\t\r'\uff1d\uff0b\uff0d\uff20")


def csv_cell(value: str) -> str:
    r"""``value`` as a CSV cell a spreadsheet shows as text, never runs as a formula (the OWASP
    advice on CSV injection): a ``'`` is put before a value that starts with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return (or their full-width forms), or with any of them after
    leading white space. Every cell written here is text (ids, names, kinds, letters), never a
    number, so a leading ``-`` is neutralised too: there is no negative number to keep. A value
    that starts with ``'`` gets one more, so a reader recovers every value exactly by removing
    one leading ``'`` from each cell that has one.

    Write the cells with every field quoted (``csv.QUOTE_ALL``), so that a separator inside a
    value (``,``, or ``;`` in locales that split on it) cannot start a new cell, and a bare
    carriage return in a value is quoted.

    >>> for value in ("-1", "@sum", " =1+1", "\tx", "'quoted", "ok"):
    ...     print(csv_cell(value).replace("\t", "<tab>"))
    '-1
    '@sum
    ' =1+1
    '<tab>x
    ''quoted
    ok
    """
    if value[:1] in _FORMULA_START or value.lstrip()[:1] in _FORMULA_START:
        return f"'{value}"
    return value
