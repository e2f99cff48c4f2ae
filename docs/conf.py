"""Sphinx configuration: MyST Markdown, furo, autodoc; the rule reference is generated from
the registry at build time."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path
from typing import Any

from sphinx.pycode import ModuleAnalyzer
from sphinx.util.nodes import make_refnode

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE / "_ext"))  # rules_reference: writes reference/rules.md

project = "sms_model"
author = "sms_model maintainers"
copyright = "2026, sms_model maintainers"
extensions = ["myst_parser", "sphinx.ext.autodoc", "sphinx.ext.viewcode", "rules_reference"]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "schema"]
html_theme = "furo"
html_title = "sms_model"
autodoc_member_order = "bysource"
autodoc_typehints = "description"
# No default "members": Sphinx 9 lets a boolean default override a directive's own member list
# (the top-level section would document every re-export); each automodule says `:members:`.
autodoc_default_options = {"show-inheritance": False}
myst_heading_anchors = 3
suppress_warnings = ["myst.header"]

# `make docs` builds nitpicky (`sphinx-build -n -W`): every cross-reference must resolve, and
# an ambiguous one fails the build too (so "ref.python" is not suppressed).
#
# Names from outside the project are left unlinked rather than resolved with intersphinx:
# intersphinx downloads each project's inventory (docs.python.org, networkx.org, ...) at build
# time, and the docs must build on a machine that reaches nothing but the package index. Those
# names render as plain text; they are listed here by module, so that a name of the project
# itself can never hide behind this list.
nitpick_ignore_regex = [
    (r"py:.*", r"(concurrent\.futures|datetime|collections\.abc|enum|os|pathlib|types|typing)\.\w+"),
    (r"py:.*", r"(attrs|dateutil|hypothesis|matplotlib|networkx|nx|pandas)(\.\w+)*"),
    # matplotlib.axes.Axes, imported for type checking only: autodoc sees the bare name.
    (r"py:class", r"Axes"),
    # Private helpers (a dotted name with a part starting with "_", as in
    # sms_model.rules._engine._State) are not documented, so a reference to one cannot link. A
    # private path to a public object still links: see _link_reexport.
    (r"py:.*", r"sms_model(\.\w+)*\._\w*(\.\w+)*"),
]

_MISSING = object()


def _import(dotted: str) -> object:
    """The object a dotted name stands for (a module, or attributes of one), or _MISSING."""
    parts = dotted.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            found = getattr(found, attr, _MISSING)
            if found is _MISSING:
                return _MISSING
        return found
    return _MISSING


def _is_linkable(obj: object) -> bool:
    # Equal small values (1, "sms") are shared objects: only link what has an identity.
    return obj is not _MISSING and not isinstance(obj, str | bytes | int | float | type(None))


_documented: dict[int, dict[int, str]] = {}


def _documented_objects(domain: Any) -> dict[int, str]:
    """id(object) -> the name it is documented under (the shortest, if several). Computed once
    all pages are read, again if more objects are documented since (a rebuild in one process)."""
    key = len(domain.objects)
    if key not in _documented:
        names: dict[int, str] = {}
        for name, entry in sorted(domain.objects.items(), key=lambda item: -len(item[0])):
            if entry.aliased or entry.objtype == "module":
                continue
            obj = _import(name)
            if _is_linkable(obj):
                names[id(obj)] = name
        _documented.clear()
        _documented[key] = names
    return _documented[key]


def _link_reexport(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Link a project name written as another public path than the one it is documented under:
    ``sms_model.FileFormatError`` (re-exported) to ``sms_model.errors.FileFormatError``,
    ``sms_model.io.load`` to ``sms_model.load``. The name is imported and looked up among the
    documented objects, so only a name that really is that object links."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "")
    context = [node.get("py:module"), node.get("py:class")]
    # As Sphinx reads a name: as written, then in the current module, then in the class.
    for prefix in ([], context[:1], context):
        dotted = ".".join([*filter(None, prefix), target])
        if dotted.startswith("sms_model."):
            obj = _import(dotted)
            if _is_linkable(obj):
                break
    else:
        return None
    domain = env.get_domain("py")
    name = _documented_objects(domain).get(id(obj))
    if name is None:
        return None
    entry = domain.objects[name]
    return make_refnode(app.builder, node["refdoc"], entry.docname, entry.node_id, contnode, name)


def _comment_of_reexport(
    app: Any, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    """A constant a package re-exports (``sms_model.catalog.DEFAULT_INTERFACES``) takes the
    ``#:`` comment written where it is defined: autodoc reads the comments of the documented
    module only (without one, it shows the docstring of the value's type: ``str``, ``tuple``)."""
    if what != "data" or _words(lines) != _words((type(obj).__doc__ or "").splitlines()):
        return
    lines.clear()
    package_name, _, attr = name.rpartition(".")
    package = sys.modules.get(package_name)
    for info in pkgutil.iter_modules(getattr(package, "__path__", [])):
        # The defining module was imported by the package that re-exports the constant.
        module_name = f"{package_name}.{info.name}"
        if getattr(sys.modules.get(module_name), attr, _MISSING) is not obj:
            continue
        comment = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", attr))
        if comment:
            lines.extend([*comment, ""])
            return


def _words(lines: list[str]) -> list[str]:
    return " ".join(lines).split()


def setup(app: Any) -> None:
    app.connect("missing-reference", _link_reexport)
    app.connect("autodoc-process-docstring", _comment_of_reexport)
