"""What an SMS file may hold to attack an output, shared by the injection tests of every format:
raw HTML, a line break that starts a heading, emphasis, a script link, a spreadsheet formula, a
terminal escape sequence, a bell and a right-to-left override."""

from __future__ import annotations

PAYLOADS = (
    "<img src=x onerror=alert(1)>",
    "\r# heading",
    "c*st*",
    "[x](javascript:alert(1))",
    '=HYPERLINK("http://x","y")',
    "\x1b[2J",
    "\x07",
    "\u202e",
)
