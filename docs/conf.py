"""Sphinx configuration: MyST Markdown, furo, autodoc; the rule reference is generated from
the registry at build time."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "src"))

project = "sms_model"
author = "sms_model maintainers"
copyright = "2026, sms_model maintainers"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.napoleon", "sphinx.ext.viewcode"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "schema"]
html_theme = "furo"
html_title = "sms_model"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": False}
myst_heading_anchors = 3
suppress_warnings = ["myst.header", "ref.python"]


def _write_rule_reference() -> None:
    from sms_model.rules import default_registry

    lines = [
        "# Built-in rules",
        "",
        "Generated from the rule registry when the documentation is built. Rule ids are public",
        "API: a renamed rule keeps its old id as an alias.",
        "",
    ]
    for spec in default_registry():
        if not spec.origin.startswith("sms_model."):
            continue
        lines += [
            f"## {spec.id}",
            "",
            f"- clause: {spec.clause}",
            f"- guidance: {', '.join(spec.guidance) or 'none'}",
            f"- severity: {spec.severity.value}",
            f"- tags: {', '.join(spec.tags) or 'none'}",
            "",
            "```text",
            spec.description.strip(),
            "```",
            "",
        ]
    target = HERE / "reference" / "rules.md"
    text = "\n".join(lines)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


_write_rule_reference()
