"""Rule fixtures: each file under cases/ edits the conforming base SMS into passing and failing
variants of one rule."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

from sms_model.io._convert import structure
from sms_model.io._text import parse_yaml
from sms_model.model import ServiceManagementSystem

HERE = Path(__file__).parent
CASES = HERE / "cases"
AS_OF = date(2026, 11, 27)
_BASE: dict[str, Any] = parse_yaml((HERE / "base.yaml").read_text(encoding="utf-8")).data


def load_case_file(path: Path) -> dict[str, Any]:
    """A case file as plain data, read like an SMS file (dates stay text)."""
    data: dict[str, Any] = parse_yaml(path.read_text(encoding="utf-8"), str(path)).data
    return data


def base_data() -> dict[str, Any]:
    """A fresh copy of the base SMS as plain data."""
    return copy.deepcopy(_BASE)


def apply_edits(data: dict[str, Any], edits: dict[str, Any]) -> dict[str, Any]:
    """Apply a case's edits to plain SMS data.

    - ``remove``: ids to delete, with everything that hangs on them: entities whose own field
      names a removed id are removed too, and removed ids drop out of every list;
    - ``update``: ``{id: {field: value}}`` merged into the entity with that id, or
      ``{top_management: {...}}`` / ``{plan: {...}}`` / ``{scope: {...}}`` for singletons
      (``null`` removes a field; ``plan: null`` removes the plan);
    - ``append``: ``{collection: [items]}`` added to collections;
    - ``set``: top-level keys replaced wholesale.
    """
    unknown = set(edits) - {"remove", "update", "append", "set"}
    if unknown:
        raise ValueError(f"unknown edit keys {sorted(unknown)}")
    _remove(data, set(edits.get("remove", ())))
    for target, fields in edits.get("update", {}).items():
        if target in ("top_management", "plan", "scope") and target not in _ids(data):
            if fields is None:
                data.pop(target, None)
                continue
            _merge(data.setdefault(target, {}), fields)
            continue
        entity = _find(data, target)
        _merge(entity, fields)
    for collection, items in edits.get("append", {}).items():
        data.setdefault(collection, []).extend(items)
    data.update(edits.get("set", {}))
    return data


def _remove(data: dict[str, Any], doomed: set[str]) -> None:
    while doomed:
        cascade: set[str] = set()
        for key, value in list(data.items()):
            if isinstance(value, dict):
                if value.get("id", key) in doomed and key in ("plan", "scope"):
                    del data[key]
                else:
                    _scrub(value, doomed)
            elif isinstance(value, list):
                kept = []
                for item in value:
                    if not isinstance(item, dict) or "id" not in item:
                        kept.append(item)  # plain values and id-less entries (duties) stay
                    elif item.get("id") in doomed:
                        continue
                    elif any(v in doomed for v in item.values() if isinstance(v, str)):
                        cascade.add(item["id"])
                    else:
                        _scrub(item, doomed)
                        kept.append(item)
                data[key] = kept
        doomed = cascade


def _scrub(entity: dict[str, Any], doomed: set[str]) -> None:
    for name, value in list(entity.items()):
        if isinstance(value, list):
            entity[name] = [v for v in value if not (isinstance(v, str) and v in doomed)]
        elif isinstance(value, str) and value in doomed:
            del entity[name]


def _merge(entity: dict[str, Any], fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        if value is None:
            entity.pop(name, None)
        else:
            entity[name] = value


def _ids(data: dict[str, Any]) -> set[str]:
    return {
        i["id"]
        for v in data.values()
        if isinstance(v, list)
        for i in v
        if isinstance(i, dict) and "id" in i
    }


def _find(data: dict[str, Any], entity_id: str) -> dict[str, Any]:
    for value in data.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and item.get("id") == entity_id:
                    return item
    raise KeyError(f"no entity {entity_id!r} in the base SMS")


#: Overlays (edits, as a case states them) that make the base conform to the 2018 edition too:
#: the records it asks for that 2011 does not. Applied in file-name order.
OVERLAYS_2018 = HERE / "base-2018"


def base_data_for(edition: str) -> dict[str, Any]:
    """A fresh copy of the base SMS as plain data, with the overlays of ``edition``."""
    data = base_data()
    if edition == "2018":
        for path in sorted(OVERLAYS_2018.glob("*.yaml")):
            apply_edits(data, load_case_file(path))
    return data


def build(edits: dict[str, Any] | None = None, edition: str = "2011") -> ServiceManagementSystem:
    """The base SMS (for ``edition``) with the edits applied."""
    return structure(apply_edits(base_data_for(edition), edits or {}))
