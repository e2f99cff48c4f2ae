"""Where a value is written in its source text, for messages and reports that point at lines.

Positions are found by a light pass over the text that builds no second tree of it: only the
values on the ``$``-paths asked for are entered, and only their positions are kept.

* JSON is scanned with the standard library's scanner: the members and elements on the paths
  asked for are walked one by one, everything else is skipped (an object is read and dropped
  at once, an array element by element), and the scan stops as soon as every path is found.
* YAML is read as a stream of parser events (no node is composed), with a stack of the open
  mappings and sequences; should a path go on through an alias, the text is composed after
  all, since only the anchored node knows where its parts are.

A path gives the position of the deepest value on it that the text holds (``$.parties[0]``
when ``$.parties[0].kind`` is missing), as composing the whole text and walking it did.
"""

from __future__ import annotations

import json
import os
import re
from array import array
from collections.abc import Callable, Iterable, Iterator
from json.scanner import make_scanner
from pathlib import Path
from typing import Any, Final

import yaml

from sms_model.model import COLLECTIONS, ServiceManagementSystem

__all__ = [
    "entity_paths",
    "json_key_positions",
    "json_positions",
    "locator",
    "split_path",
    "yaml_positions",
]

Position = tuple[int, int]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PATH_PART: Final = re.compile(r"\.([^.\[]+)|\[(\d+)\]")
_SPACES: Final = re.compile(r"[ \t\n\r]*")
_SINGLE: Final = ("plan", "scope")


def split_path(path: str) -> Iterator[str | int]:
    """The parts of a ``$``-path: field names and list indices.

    >>> list(split_path("$.processes[3].owner"))
    ['processes', 3, 'owner']
    """
    for name, index in _PATH_PART.findall(path):
        yield int(index) if index else name


class _Node:
    """A value asked for: its position once found, and the values asked for inside it.

    ``every`` asks for each element of a sequence, whose positions go to ``lines`` and
    ``columns`` (compact arrays, so that asking for every entity of a large file stays cheap);
    ``keys``, for the position of each key written in a JSON object, by key.
    """

    __slots__ = ("children", "column", "columns", "every", "keys", "line", "lines")

    def __init__(self, every: bool = False) -> None:
        self.children: dict[str | int, _Node] = {}
        self.line = 0  # 1-based; 0 while not found
        self.column = 0
        self.every = every
        self.lines = array("q")
        self.columns = array("q")
        self.keys: dict[str, list[Position]] | None = None

    def wants_inside(self) -> bool:
        return self.every or bool(self.children) or self.keys is not None

    def count(self) -> int:
        """This node and the nodes below it."""
        return 1 + sum(child.count() for child in self.children.values())


def _tree(paths: Iterable[str]) -> tuple[_Node, dict[str, list[_Node]]]:
    root = _Node()
    chains: dict[str, list[_Node]] = {}
    for path in paths:
        node = root
        chain = [node]
        for part in split_path(path):
            node = node.children.setdefault(part, _Node())
            chain.append(node)
        chains[path] = chain
    return root, chains


def _deepest(chain: list[_Node]) -> Position | None:
    found = [node for node in chain if node.line]
    return (found[-1].line, found[-1].column) if found else None


# --- JSON -----------------------------------------------------------------------------------


class _Done(Exception):
    """Every value asked for is found: the rest of the text need not be read."""


class _JsonScan:
    """One pass over JSON text that records the positions of the values asked for.

    Lines are counted as the ``json`` module counts them in its own errors (after each
    ``\\n``); columns in characters, both from 1. Positions are found in the order of the text,
    so a cursor turns offsets into lines and columns in one pass over the text.
    """

    def __init__(self, text: str, root: _Node) -> None:
        self.text = text
        self.remaining = root.count()
        # Values not asked for are read and dropped: objects as None as soon as read, so that
        # skipping a large value does not hold it whole.
        decoder = json.JSONDecoder(object_pairs_hook=_drop)
        self.scan: Callable[[str, int], tuple[Any, int]] = make_scanner(decoder)  # type: ignore[arg-type]
        self.offset = 0
        self.line = 1
        self.line_start = 0
        self.every_open = 0  # sequences open whose every element is asked for

    def run(self, root: _Node) -> bool:
        """Scan the text; False if it is not JSON (what was found before it stays right)."""
        try:
            self.value(self.spaces(0), root)
        except _Done:
            return True
        except (ValueError, IndexError, StopIteration, RecursionError):
            return False
        return True

    def position(self, offset: int) -> Position:
        # Offsets come in increasing order, so the text is counted once overall.
        text = self.text
        breaks = text.count("\n", self.offset, offset)
        if breaks:
            self.line += breaks
            self.line_start = text.rfind("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1

    def found(self, node: _Node, offset: int) -> None:
        node.line, node.column = self.position(offset)
        self.remaining -= 1
        if self.remaining == 0 and not node.wants_inside() and not self.every_open:
            raise _Done

    def value(self, i: int, node: _Node) -> int:
        opening = self.text[i]  # first, so that no position is found past the end
        self.found(node, i)
        if opening == "{" and (node.children or node.keys is not None):
            return self.object(i + 1, node)
        if opening == "[" and node.every:
            self.every_open += 1
            end = self.array(i + 1, node)
            self.every_open -= 1
            return end
        if opening == "[" and node.children:
            return self.array(i + 1, node)
        return self.skip(i)

    def skip(self, i: int) -> int:
        text = self.text
        if text[i] != "[":
            return self.scan(text, i)[1]
        i = self.spaces(i + 1)
        if text[i] == "]":
            return i + 1
        while True:
            i = self.spaces(self.skip(i))
            separator = text[i]
            if separator == "]":
                return i + 1
            if separator != ",":
                raise ValueError("expected ',' or ']'")
            i = self.spaces(i + 1)

    def spaces(self, i: int) -> int:
        return _SPACES.match(self.text, i).end()  # type: ignore[union-attr]

    def object(self, i: int, node: _Node) -> int:
        text = self.text
        i = self.spaces(i)
        if text[i] == "}":
            return i + 1
        while True:
            if text[i] != '"':
                raise ValueError("expected a key")
            where = self.position(i) if node.keys is not None else None
            key, i = self.scan(text, i)
            if node.keys is not None and where is not None:
                node.keys.setdefault(key, []).append(where)
            i = self.spaces(i)
            if text[i] != ":":
                raise ValueError("expected ':'")
            i = self.spaces(i + 1)
            child = node.children.get(key)
            # The first of duplicate keys, as the YAML view of the same text gives.
            i = self.value(i, child) if child and not child.line else self.skip(i)
            i = self.spaces(i)
            separator = text[i]
            if separator == "}":
                return i + 1
            if separator != ",":
                raise ValueError("expected ',' or '}'")
            i = self.spaces(i + 1)

    def array(self, i: int, node: _Node) -> int:
        text = self.text
        i = self.spaces(i)
        if text[i] == "]":
            return i + 1
        index = 0
        while True:
            if node.every:
                line, column = self.position(i)
                node.lines.append(line)
                node.columns.append(column)
            child = node.children.get(index)
            i = self.value(i, child) if child else self.skip(i)
            i = self.spaces(i)
            separator = text[i]
            if separator == "]":
                return i + 1
            if separator != ",":
                raise ValueError("expected ',' or ']'")
            i = self.spaces(i + 1)
            index += 1


def _drop(pairs: object) -> None:
    return None


def json_positions(text: str, paths: Iterable[str]) -> dict[str, Position | None]:
    """The (line, column) of each ``$``-path in JSON text, found in one pass, or ``None``.

    Each path gives the deepest value on it that the text holds; the text is read only as far
    as the last of them.

    >>> text = '{"name": "Acme",\\n "parties": [{"id": "a"}, {"id": "b", "kind": 5}]}'
    >>> json_positions(text, ["$.parties[1].kind", "$.parties[0].kind", "$.name"])
    {'$.parties[1].kind': (2, 47), '$.parties[0].kind': (2, 14), '$.name': (1, 10)}
    """
    root, chains = _tree(paths)
    _JsonScan(text, root).run(root)
    return {path: _deepest(chain) for path, chain in chains.items()}


def json_key_positions(text: str, paths: Iterable[str]) -> dict[str, dict[str, list[Position]]]:
    """The positions of the keys written in each JSON object on ``paths`` (every occurrence,
    in order: duplicate keys too), found in one pass; no entry for a path not found.

    >>> json_key_positions('{"a": {"b": 1,\\n "b": 2}}', ["$.a", "$.x"])
    {'$.a': {'b': [(1, 8), (2, 2)]}}
    """
    root, chains = _tree(paths)
    for chain in chains.values():
        chain[-1].keys = {}
    _JsonScan(text, root).run(root)
    return {
        path: chain[-1].keys
        for path, chain in chains.items()
        if chain[-1].line and chain[-1].keys is not None
    }


# --- YAML -----------------------------------------------------------------------------------


class _Frame:
    """An open mapping or sequence met in the events, and what is asked for inside it."""

    __slots__ = ("child", "index", "key", "mapping", "node")

    def __init__(self, node: _Node | None, mapping: bool) -> None:
        self.node = node
        self.mapping = mapping
        self.key = True  # a mapping expects a key next
        self.child: _Node | None = None  # what is asked for of the value after the key
        self.index = 0


class _Through(Exception):
    """A path goes on through an alias: the events alone cannot follow it."""


class _YamlScan:
    """One pass over the parser events of YAML text, recording the values asked for."""

    def __init__(self) -> None:
        self.anchors: dict[str, Position] = {}
        self.stack: list[_Frame] = []

    def run(self, text: str, root: _Node) -> None:
        remaining = root.count()
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.NodeEvent):
                node = self.node_event(event, root)
                if node is None:
                    continue
                remaining -= 1
                if remaining == 0 and not node.wants_inside() and not self.every_open():
                    return  # every value asked for is found
            elif isinstance(event, yaml.CollectionEndEvent):
                self.stack.pop()
                self.completed()
            elif isinstance(event, yaml.DocumentEndEvent):
                return  # the first document is the one read

    def position(self, event: Any) -> Position:
        """Where the node of ``event`` is: for an alias, where its anchored node is."""
        mark = event.start_mark
        here = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.AliasEvent) and event.anchor is not None:
            return self.anchors.get(event.anchor, here)
        return here

    def every_open(self) -> bool:
        return any(frame.node is not None and frame.node.every for frame in self.stack)

    def node_event(self, event: Any, root: _Node) -> _Node | None:
        """Record the node ``event`` starts; the node asked for found first there, if any."""
        node = self.target(event, root)
        position = self.position(event)
        if isinstance(event, yaml.AliasEvent):
            if node is not None and node.wants_inside():
                raise _Through
        elif event.anchor is not None:
            self.anchors[event.anchor] = position
        found = None
        if node is not None and not node.line:
            node.line, node.column = position
            found = node
        if isinstance(event, yaml.CollectionStartEvent):
            inside = node if node is not None and node.wants_inside() else None
            self.stack.append(_Frame(inside, isinstance(event, yaml.MappingStartEvent)))
        else:
            self.completed()
        return found

    def target(self, event: Any, root: _Node) -> _Node | None:
        """What is asked for of the node that ``event`` starts (None: nothing)."""
        if not self.stack:
            return root
        frame = self.stack[-1]
        asked = frame.node
        if not frame.mapping:
            index = frame.index
            if asked is None:
                return None
            if asked.every:
                position = self.position(event)
                asked.lines.append(position[0])
                asked.columns.append(position[1])
            return asked.children.get(index)
        if frame.key:
            # A key: remember what is asked for of its value (keys are matched by their text,
            # the first of duplicates winning, as a walk of the composed nodes did).
            child = None
            if asked is not None and isinstance(event, yaml.ScalarEvent):
                child = asked.children.get(event.value)
            frame.child = child if child is not None and not child.line else None
            return None
        return frame.child

    def completed(self) -> None:
        """A whole node has been read: the open collection moves on to its next part."""
        if self.stack:
            frame = self.stack[-1]
            if frame.mapping:
                frame.key = not frame.key
            else:
                frame.index += 1


def yaml_positions(text: str, paths: Iterable[str]) -> dict[str, Position | None]:
    """The (line, column) of each ``$``-path in YAML text, found from the parser's events
    without composing the text, or ``None``.

    >>> text = "name: Acme\\nparties:\\n- id: a\\n- {id: b, kind: 5}\\n"
    >>> yaml_positions(text, ["$.parties[1].kind", "$.parties[0].kind", "$.name"])
    {'$.parties[1].kind': (4, 17), '$.parties[0].kind': (3, 3), '$.name': (1, 7)}
    """
    root, chains = _tree(paths)
    _locate_yaml(text, root)
    return {path: _deepest(chain) for path, chain in chains.items()}


def _locate_yaml(text: str, root: _Node) -> None:
    try:
        _YamlScan().run(text, root)
    except _Through:
        _reset(root)
        _locate_composed(text, root)
    except (yaml.YAMLError, RecursionError):
        pass  # not YAML (any more): what was found before stays right


def _reset(node: _Node) -> None:
    node.line = node.column = 0
    node.lines, node.columns = array("q"), array("q")
    for child in node.children.values():
        _reset(child)


def _locate_composed(text: str, root: _Node) -> None:
    """Walk the composed nodes (the slow path, for paths through aliases)."""
    try:
        composed = yaml.compose(text, Loader=_Loader)
    except (yaml.YAMLError, RecursionError):
        return
    stack: list[tuple[Any, _Node]] = [(composed, root)] if composed is not None else []
    while stack:
        value, node = stack.pop()
        mark = value.start_mark
        node.line, node.column = mark.line + 1, mark.column + 1
        if isinstance(value, yaml.SequenceNode):
            if node.every:
                node.lines = array("q", [item.start_mark.line + 1 for item in value.value])
                node.columns = array("q", [item.start_mark.column + 1 for item in value.value])
            pairs: Iterable[tuple[Any, Any]] = enumerate(value.value)
        elif isinstance(value, yaml.MappingNode):
            first: dict[Any, Any] = {}
            for key, item in value.value:
                if isinstance(key, yaml.ScalarNode):
                    first.setdefault(key.value, item)
            pairs = first.items()
        else:
            continue
        for part, item in pairs:
            child = node.children.get(part)
            if child is not None:
                stack.append((item, child))


# --- entities of a file ---------------------------------------------------------------------


def _places(sms: ServiceManagementSystem) -> Iterator[tuple[str, str, int | None]]:
    """Each entity with an id: the id, the field that holds it and its index there."""
    for name in _SINGLE:
        single = getattr(sms, name)
        if single is not None:
            yield single.id, name, None
    for collection in COLLECTIONS:
        for i, item in enumerate(getattr(sms, collection)):
            yield item.id, collection, i


def entity_paths(sms: ServiceManagementSystem) -> dict[str, str]:
    """The ``$``-path of every entity with an id.

    >>> from sms_model.model import Party, PartyKind
    >>> sms = ServiceManagementSystem(
    ...     name="A", provider="a", parties=[Party(id="a", name="A", kind=PartyKind.PROVIDER)]
    ... )
    >>> entity_paths(sms)
    {'a': '$.parties[0]'}
    """
    return {
        entity_id: f"$.{name}" if i is None else f"$.{name}[{i}]"
        for entity_id, name, i in _places(sms)
    }


def _entity_tree() -> _Node:
    """What the locator asks for: the root, the single entities, and every element of every
    collection (their positions kept in compact arrays)."""
    root = _Node()
    for name in _SINGLE:
        root.children[name] = _Node()
    for name in COLLECTIONS:
        root.children[name] = _Node(every=True)
    return root


def _is_json(text: str) -> bool:
    return text[_SPACES.match(text).end() :][:1] == "{"  # type: ignore[union-attr]


def locator(
    path: str | os.PathLike[str], sms: ServiceManagementSystem
) -> Callable[[str], tuple[int, int] | None]:
    """A function giving the (line, column) where an entity id is defined in ``path``.

    The file is read once, on the first call, in one pass that keeps only the positions of the
    entities (no second tree of the file is built); ids not found give ``None``.

    >>> from sms_model.io import load
    >>> locate = locator("examples/minimal.yaml", load("examples/minimal.yaml"))
    >>> locate("acme"), locate("nobody")
    ((9, 5), None)
    """
    places: dict[str, tuple[str, int | None]] = {}
    for entity_id, name, i in _places(sms):
        places[entity_id] = (name, i)
    found: list[_Node] = []

    def locate(entity_id: str) -> tuple[int, int] | None:
        place = places.get(entity_id)
        if place is None:
            return None
        if not found:
            found.append(_read_entities(path))
        root = found[0]
        name, i = place
        node = root.children[name]
        if i is not None and i < len(node.lines):
            return node.lines[i], node.columns[i]
        if node.line:
            return node.line, node.column
        return (root.line, root.column) if root.line else None

    return locate


def _read_entities(path: str | os.PathLike[str]) -> _Node:
    root = _entity_tree()
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
    except OSError:
        return root
    if _is_json(text):
        if _JsonScan(text, root).run(root):
            return root
        root = _entity_tree()  # not JSON after all (a YAML flow mapping): read it as YAML
    _locate_yaml(text, root)
    return root
