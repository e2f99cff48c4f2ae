"""Reading YAML and JSON text into plain Python data, safely and with positions.

YAML is composed (never constructed) with PyYAML's safe machinery, then turned into data by
our own walk, which:

* accepts only the core tags (mappings, sequences, strings, numbers, booleans, null), so no
  tag can construct an object;
* rejects duplicate mapping keys, because a later duplicate silently winning loses data;
* bounds the expansion of aliases and merge keys, so an alias bomb is refused at once;
* rejects NaN and infinities, which have no meaning in an SMS, and numbers written with more
  than :data:`MAX_NUMBER_CHARS` characters (converting those can take time quadratic in their
  length, or fail inside Python);
* keeps timestamps as their text, so that dates are parsed in one place (the structuring step).

The composed node tree is kept so that an error found later, at a ``$``-path, can be given a
``file:line:column``; JSON keeps only its text, in which one light scan finds the positions
of the paths that need one (:func:`~sms_model.io._locate.json_positions`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any, Final, TypeVar

import yaml
from yaml.constructor import SafeConstructor

from sms_model.errors import FileFormatError, Issue, ModelValidationError
from sms_model.io._locate import json_key_positions, json_positions, split_path

__all__ = [
    "Document",
    "MAX_BYTES",
    "MAX_NUMBER_CHARS",
    "decoder_hooks",
    "parse_json",
    "parse_yaml",
    "shorten",
    "split_path",
]

#: The largest input read, in bytes: a defence against resource exhaustion.
MAX_BYTES: Final = 256 * 1024 * 1024
#: How deeply mappings and sequences may nest.
MAX_DEPTH: Final = 64
#: The longest number read, in characters: no number in an SMS comes near it.
MAX_NUMBER_CHARS: Final = 100
#: Alias and merge expansions allowed beyond the nodes of the document itself.
_EXPANSION_ALLOWANCE: Final = 10_000

T = TypeVar("T")

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR: Final = "tag:yaml.org,2002:str"
_SEQ: Final = "tag:yaml.org,2002:seq"
_MAP: Final = "tag:yaml.org,2002:map"
_MERGE: Final = "tag:yaml.org,2002:merge"
_SCALARS: Final = frozenset(
    {
        _STR,
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    }
)


class Document:
    """Parsed data plus what is needed to locate a ``$``-path in the source text."""

    __slots__ = ("_keys", "_root", "data", "source", "text")

    def __init__(self, data: Any, source: str | None, text: str, root: Any | None) -> None:
        self.data = data
        self.source = source
        self.text = text
        self._root = root
        # The value nodes of each mapping node met so far, by key text: locating many issues in
        # one large mapping must not scan it once per issue (quadratic time).
        self._keys: dict[int, dict[str, Any]] = {}

    def locate(self, path: str) -> str | None:
        """``file:line:column`` of the deepest node on ``path``, when positions are known."""
        return self.locate_all([path])[path]

    def locate_all(self, paths: Iterable[str]) -> dict[str, str | None]:
        """``file:line:column`` of each path (see :meth:`locate`), all found in one pass.

        >>> document = parse_json('{"name": "Acme",\\n "provider": 7}', "sms.json")
        >>> document.locate_all(["$.provider", "$.parties[0].kind"])
        {'$.provider': 'sms.json:2:14', '$.parties[0].kind': 'sms.json:1:1'}
        """
        if self._root is None:
            # JSON: a scan of the text that enters only the values on these paths.
            found = json_positions(self.text, paths)
            return {
                path: None if where is None else _where(self.source, *where)
                for path, where in found.items()
            }
        return {path: self._locate_node(path) for path in paths}

    def _locate_node(self, path: str) -> str:
        node: Any = self._root
        for part in split_path(path):
            child = self._child(node, part)
            if child is None:
                break
            node = child
        mark = node.start_mark
        return _where(self.source, mark.line + 1, mark.column + 1)

    def structured(
        self, build: Callable[[Any], T], subject: str = "the service management system"
    ) -> T:
        """``build(self.data)``; a :class:`~sms_model.errors.ModelValidationError` it raises is
        raised again with each problem located in the source, and says what was read
        (``subject``).

        >>> document = parse_yaml("a: 1\\nb: x\\n", "f.yaml")
        >>> def build(data):
        ...     raise ModelValidationError([Issue(what="expected a number", path="$.b")])
        >>> document.structured(build, "the example")
        Traceback (most recent call last):
        ...
        sms_model.errors.ModelValidationError: f.yaml: 1 problem in the example
          - f.yaml:2:4: $.b: expected a number
        """
        try:
            return build(self.data)
        except ModelValidationError as exc:
            located = self.with_locations(exc.issues)
            raise ModelValidationError.of(located, source=self.source, subject=subject) from None

    def with_locations(self, issues: tuple[Issue, ...]) -> list[Issue]:
        """The issues with their ``location`` filled in where the source allows."""
        where = self.locate_all({issue.path for issue in issues if not issue.location})
        return [
            issue if issue.location else _relocated(issue, where[issue.path]) for issue in issues
        ]

    def _child(self, node: Any, part: str | int) -> Any | None:
        if isinstance(part, int):
            if isinstance(node, yaml.SequenceNode) and part < len(node.value):
                return node.value[part]
            return None
        if not isinstance(node, yaml.MappingNode):
            return None
        keys = self._keys.get(id(node))
        if keys is None:
            keys = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    keys.setdefault(key.value, value)  # the first of duplicates, as before
            self._keys[id(node)] = keys
        return keys.get(part)


def _relocated(issue: Issue, location: str | None) -> Issue:
    return Issue(
        what=issue.what, path=issue.path, code=issue.code, found=issue.found, location=location
    )


def _where(source: str | None, line: int, column: int) -> str:
    return f"{source or '<string>'}:{line}:{column}"


def parse_yaml(text: str, source: str | None = None) -> Document:
    """Parse YAML text into plain data, safely; every problem raises ``FileFormatError``.

    >>> parse_yaml("name: Acme\\nsince: 2024-01-31\\n").data
    {'name': 'Acme', 'since': '2024-01-31'}
    >>> parse_yaml("a: 1\\na: 2\\n", "sms.yaml")
    Traceback (most recent call last):
    ...
    sms_model.errors.FileFormatError: sms.yaml: 1 problem in the service management system
      - sms.yaml:2:1: $.a: duplicate key, first at line 1 (found 'a')
    """
    if not text.strip():
        raise FileFormatError([_empty(source)], source=source)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        location = _where(source, mark.line + 1, mark.column + 1) if mark else source
        what = f"not valid YAML: {exc.problem or exc.context}"
        issue = Issue(what=what, location=location, code="syntax")
        raise FileFormatError([issue], source=source) from None
    except yaml.reader.ReaderError as exc:
        # A character YAML does not allow (a control character such as NUL): no mark is given,
        # only an offset, in characters from the Python reader and in UTF-8 bytes from libyaml.
        offset = exc.position
        if _Loader is not yaml.SafeLoader:
            head = text.encode("utf-8", "surrogatepass")[:offset]
            offset = len(head.decode("utf-8", "ignore"))
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        issue = Issue(
            what=f"not valid YAML: {exc.reason}",
            location=_where(source, line, column),
            found=f"character #x{exc.character:04x}" if isinstance(exc.character, int) else None,
            code="syntax",
        )
        raise FileFormatError([issue], source=source) from None
    except yaml.YAMLError as exc:
        issue = Issue(what=f"not valid YAML: {exc}", location=source, code="syntax")
        raise FileFormatError([issue], source=source) from None
    except RecursionError:
        issue = Issue(what=f"nested more than {MAX_DEPTH} levels deep", code="too-deep")
        raise FileFormatError([issue], source=source) from None
    if root is None:
        raise FileFormatError([_empty(source)], source=source)
    builder = _Builder(source)
    data = builder.build(root, "$", 0)
    if builder.issues:
        raise FileFormatError(builder.issues, source=source)
    return Document(data, source, text, root)


def _empty(source: str | None) -> Issue:
    return Issue(
        what="empty document: expected a mapping of the SMS", location=source, code="empty"
    )


class _Builder:
    """Turns a composed YAML node tree into plain data, collecting every problem."""

    def __init__(self, source: str | None) -> None:
        self.source = source
        self.issues: list[Issue] = []
        self.visits = 0
        self.budget: int | None = None
        self.constructor = SafeConstructor()

    def _issue(self, node: Any, path: str, what: str, found: str | None, code: str) -> None:
        mark = node.start_mark
        location = _where(self.source, mark.line + 1, mark.column + 1)
        self.issues.append(Issue(what=what, path=path, found=found, location=location, code=code))

    def build(self, node: Any, path: str, depth: int) -> Any:
        if self.budget is None:
            self.budget = _count_nodes(node) + _EXPANSION_ALLOWANCE
        self.visits += 1
        if self.visits > self.budget:
            raise FileFormatError(
                [
                    Issue(
                        what="aliases expand beyond any reasonable size (an alias bomb?)",
                        path=path,
                        location=self._mark(node),
                        code="alias-bomb",
                    )
                ],
                source=self.source,
            )
        if depth > MAX_DEPTH:
            raise FileFormatError(
                [
                    Issue(
                        what=f"nested more than {MAX_DEPTH} levels deep",
                        path=path,
                        location=self._mark(node),
                        code="too-deep",
                    )
                ],
                source=self.source,
            )
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node, path, tag)
        if isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                self._issue(node, path, "tag not allowed", repr(tag), "tag")
                return None
            return [
                self.build(item, f"{path}[{i}]", depth + 1) for i, item in enumerate(node.value)
            ]
        if tag != _MAP:
            self._issue(node, path, "tag not allowed", repr(tag), "tag")
            return None
        return self._mapping(node, path, depth)

    def _mark(self, node: Any) -> str:
        mark = node.start_mark
        return _where(self.source, mark.line + 1, mark.column + 1)

    def _scalar(self, node: Any, path: str, tag: str) -> Any:
        if tag not in _SCALARS:
            self._issue(node, path, "tag not allowed", repr(tag), "tag")
            return None
        if tag == _STR or tag.endswith(":timestamp"):
            return node.value  # dates are parsed, strictly, when the data is structured
        if len(node.value) > MAX_NUMBER_CHARS and tag.endswith(("int", "float")):
            what = f"a number longer than {MAX_NUMBER_CHARS} characters"
            self._issue(node, path, what, f"{len(node.value)} characters", "number")
            return None
        value = self.constructor.construct_object(node)
        if isinstance(value, float) and not math.isfinite(value):
            self._issue(node, path, "not a finite number", repr(node.value), "number")
            return None
        return value

    def _mapping(self, node: Any, path: str, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        merged: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merged.update(self._merge(value_node, path, depth))
                continue
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALARS:
                self._issue(key_node, path, "mapping keys must be plain scalars", None, "key")
                continue
            key = self._scalar(key_node, path, key_node.tag)
            child = f"{path}.{key}"
            if key in lines:
                self._issue(
                    key_node,
                    child,
                    f"duplicate key, first at line {lines[key]}",
                    shorten(repr(key)),
                    "duplicate-key",
                )
                continue
            lines[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child, depth + 1)
        if merged:
            # Explicit keys win over merged ones, as YAML's merge key specifies.
            return {**merged, **result}
        return result

    def _merge(self, node: Any, path: str, depth: int) -> dict[Any, Any]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in reversed(sources):
            value = self.build(source, path, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
            else:
                self._issue(source, path, "a merge key takes mappings", repr(value), "merge")
        return merged


def _count_nodes(root: Any) -> int:
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
    return len(seen)


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters, so that one huge value cannot flood a message.

    >>> shorten("'" + "x" * 100 + "'", 10)
    "'xxxxxx..."
    """
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _BadNumber(ValueError):
    """A JSON number this library does not read; ``text`` is how it is written."""

    def __init__(self, what: str, text: str) -> None:
        super().__init__(what)
        self.text = text


def _reject_constant(name: str) -> Any:
    raise _BadNumber(f"{name} is not a finite number", name)


def _parse_int(text: str) -> int:
    if len(text) > MAX_NUMBER_CHARS:
        raise _BadNumber(f"a number longer than {MAX_NUMBER_CHARS} characters", text)
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > MAX_NUMBER_CHARS:
        raise _BadNumber(f"a number longer than {MAX_NUMBER_CHARS} characters", text)
    value = float(text)
    if not math.isfinite(value):  # e.g. 1e400, which overflows to infinity
        raise _BadNumber(f"{text} is not a finite number", text)
    return value


class _DuplicateKey(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def decoder_hooks() -> dict[str, Any]:
    """The options of the JSON decoder: duplicate keys, NaN, infinities and overlong numbers
    refused (each raises an exception that :func:`parse_json` turns into an issue).

    >>> json.loads('{"a": 1}', **decoder_hooks())
    {'a': 1}
    """
    return {
        "object_pairs_hook": _pairs,
        "parse_constant": _reject_constant,
        "parse_int": _parse_int,
        "parse_float": _parse_float,
    }


def parse_json(text: str, source: str | None = None) -> Document:
    """Parse JSON text into plain data; every problem raises ``FileFormatError``.

    >>> parse_json('{"name": "Acme"}').data
    {'name': 'Acme'}
    >>> parse_json('{"a": NaN}')
    Traceback (most recent call last):
    ...
    sms_model.errors.FileFormatError: 1 problem in the service management system
      - <string>:1:7: $: not valid JSON: NaN is not a finite number
    """
    if not text.strip():
        raise FileFormatError([_empty(source)], source=source)
    try:
        data = json.loads(text, **decoder_hooks())
    except _DuplicateKey as exc:
        issues = _duplicates(text, source) or [
            Issue(what="duplicate key", found=repr(exc.args[0]), code="duplicate-key")
        ]
        raise FileFormatError(issues, source=source) from None
    except json.JSONDecodeError as exc:
        issue = Issue(
            what=f"not valid JSON: {exc.msg}",
            location=_where(source, exc.lineno, exc.colno),
            code="syntax",
        )
        raise FileFormatError([issue], source=source) from None
    except _BadNumber as exc:
        line, column = _position_of(text, exc.text)
        issue = Issue(
            what=f"not valid JSON: {exc}", location=_where(source, line, column), code="number"
        )
        raise FileFormatError([issue], source=source) from None
    except RecursionError:
        issue = Issue(what="nested too deeply", location=source, code="too-deep")
        raise FileFormatError([issue], source=source) from None
    return Document(data, source, text, None)


class _Repeated(dict[str, Any]):
    """An object of JSON text that repeats a key (holding the first value of each key)."""


def _first_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) == len(pairs):
        return result
    first = _Repeated()
    for key, value in pairs:
        first.setdefault(key, value)
    return first


def _duplicates(text: str, source: str | None) -> list[Issue]:
    """Every duplicate key of JSON text, at the later key, in the order of the text.

    The text is read again with every key kept, then only the objects that repeat a key are
    scanned for the positions of their keys. As with YAML, the first value of a repeated key
    is the one read on (duplicates inside a later one are not reported).
    """
    try:
        data = json.loads(
            text,
            object_pairs_hook=_first_pairs,
            parse_int=len,  # numbers are not checked here: only the keys matter
            parse_float=len,
            parse_constant=len,
        )
    except (ValueError, RecursionError):
        return []
    found: list[tuple[tuple[int, int], Issue]] = []
    for path, keys in json_key_positions(text, _repeated_objects(data)).items():
        for key, positions in keys.items():
            first_line = positions[0][0]
            for position in positions[1:]:
                issue = Issue(
                    what=f"duplicate key, first at line {first_line}",
                    path=f"{path}.{key}",
                    found=shorten(repr(key)),
                    location=_where(source, *position),
                    code="duplicate-key",
                )
                found.append((position, issue))
    return [issue for _, issue in sorted(found, key=lambda pair: pair[0])]


def _repeated_objects(data: Any) -> list[str]:
    """The ``$``-paths of the objects in ``data`` that repeat a key."""
    paths: list[str] = []
    stack: list[tuple[Any, str]] = [(data, "$")]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            if type(value) is _Repeated:
                paths.append(path)
            stack.extend((item, f"{path}.{key}") for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))
    return paths


def _position_of(text: str, number: str) -> tuple[int, int]:
    # The first place the number is written as a whole token: json does not say where it is.
    hit = re.search(rf"(?<![\w.+\"-]){re.escape(number)}(?![\w.\"])", text)
    offset = hit.start() if hit else 0
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column
