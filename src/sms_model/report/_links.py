"""Where the documentation lives, and the link to each rule's entry in the rules reference.

Declared once here; the SARIF rule metadata, the HTML report and the generated rules reference
page (its anchors) all derive from it.
"""

from __future__ import annotations

import re

#: The published documentation of the project (the Sphinx build of ``docs/``).
DOCS_URL = "https://sms-model.readthedocs.io/en/latest/"

#: The rules reference page, relative to :data:`DOCS_URL`.
RULES_PAGE = "reference/rules.html"

_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def rule_anchor(rule_id: str) -> str:
    """The HTML anchor of a rule's entry in the rules reference.

    >>> rule_anchor("SMS-4.1.1-TM-h")
    'sms-4-1-1-tm-h'
    """
    return _NOT_SLUG.sub("-", rule_id.lower()).strip("-")


def rule_url(rule_id: str, docs_url: str = DOCS_URL) -> str:
    """The link to a rule's entry in the rules reference of the documentation at ``docs_url``.

    >>> rule_url("SMS-4-APP-1")
    'https://sms-model.readthedocs.io/en/latest/reference/rules.html#sms-4-app-1'
    """
    return f"{docs_url.rstrip('/')}/{RULES_PAGE}#{rule_anchor(rule_id)}"
