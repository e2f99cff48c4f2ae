"""The crosswalk between the editions of ISO/IEC 20000-1 as a table: text, Markdown or JSON."""

from __future__ import annotations

import json
from typing import Any, Final

from sms_model.catalog import clause, crosswalk
from sms_model.report._escape import markdown_text

__all__ = ["CROSSWALK_FORMATS", "render_crosswalk"]

#: The formats :func:`render_crosswalk` writes.
CROSSWALK_FORMATS: Final = ("text", "markdown", "json")


def _rows(source: str, target: str) -> list[dict[str, Any]]:
    return [
        {
            "clause": number,
            "title": clause(number, source).title,
            target: [{"clause": n, "title": clause(n, target).title} for n in mapped],
        }
        for number, mapped in crosswalk(source, target).items()
    ]


def render_crosswalk(source: str = "2011", target: str = "2018", format: str = "text") -> str:
    """The crosswalk from the leaf clauses of edition ``source`` to those of ``target``
    (:func:`sms_model.catalog.crosswalk`), one row per source clause, with the titles.

    >>> print(render_crosswalk(format="text").splitlines()[2])
    4.1.1    Management commitment                    -> 5.1 Leadership and commitment
    >>> import json
    >>> json.loads(render_crosswalk("2018", "2011", "json"))["rows"][0]["2011"]
    []
    """
    rows = _rows(source, target)
    if format == "json":
        document = {"from": source, "to": target, "rows": rows}
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    if format == "markdown":
        lines = [f"| {source} | Title | {target} |", "|---|---|---|"]
        for row in rows:
            mapped = "<br>".join(f"{m['clause']} {markdown_text(m['title'])}" for m in row[target])
            lines.append(f"| {row['clause']} | {markdown_text(row['title'])} | {mapped or 'new'} |")
        return "\n".join(lines) + "\n"
    if format != "text":
        known = ", ".join(CROSSWALK_FORMATS)
        raise ValueError(f"a crosswalk cannot be written as {format!r}; use one of {known}")
    lines = [f"ISO/IEC 20000-1:{source} -> ISO/IEC 20000-1:{target}", ""]
    for row in rows:
        mapped = "; ".join(f"{m['clause']} {m['title']}" for m in row[target])
        title = row["title"] if len(row["title"]) <= 40 else row["title"][:37] + "..."
        lines.append(f"{row['clause']:<8} {title:<40} -> {mapped or '(new in ' + source + ')'}")
    return "\n".join(lines) + "\n"
