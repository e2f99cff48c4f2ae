"""Where an entity is written in its source file, for reports that point at lines (SARIF)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sms_model.io._text import Document
from sms_model.model import COLLECTIONS, ServiceManagementSystem

__all__ = ["entity_paths", "locator"]


def entity_paths(sms: ServiceManagementSystem) -> dict[str, str]:
    """The ``$``-path of every entity with an id.

    >>> from sms_model.model import Party, PartyKind
    >>> sms = ServiceManagementSystem(
    ...     name="A", provider="a", parties=[Party(id="a", name="A", kind=PartyKind.PROVIDER)]
    ... )
    >>> entity_paths(sms)
    {'a': '$.parties[0]'}
    """
    paths: dict[str, str] = {}
    for name in ("plan", "scope"):
        single = getattr(sms, name)
        if single is not None:
            paths[single.id] = f"$.{name}"
    for collection in COLLECTIONS:
        for i, item in enumerate(getattr(sms, collection)):
            paths[item.id] = f"$.{collection}[{i}]"
    return paths


def locator(
    path: str | os.PathLike[str], sms: ServiceManagementSystem
) -> Callable[[str], tuple[int, int] | None]:
    """A function giving the (line, column) where an entity id is defined in ``path``.

    The file is read once, on the first call; ids not found give ``None``.

    >>> from sms_model.io import load
    >>> locate = locator("examples/minimal.yaml", load("examples/minimal.yaml"))
    >>> locate("acme"), locate("nobody")
    ((9, 5), None)
    """
    paths = entity_paths(sms)
    cache: dict[str, Document] = {}

    def locate(entity_id: str) -> tuple[int, int] | None:
        entity_path = paths.get(entity_id)
        if entity_path is None:
            return None
        if "doc" not in cache:
            text = Path(path).read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
            cache["doc"] = Document(None, str(path), text, None)
        where = cache["doc"].locate(entity_path)
        if where is None:
            return None
        line, column = where.rsplit(":", 2)[-2:]
        return int(line), int(column)

    return locate
