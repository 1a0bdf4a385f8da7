"""A strict, literal YAML reader for contributor records.

PyYAML's ``safe_load`` keeps the last of duplicate keys, turns ``NO`` into
``False``, ``2024-01-01`` into a date and ``0012345`` into an octal number,
expands alias bombs and raises ``RecursionError`` on deep nesting.  This reader
builds the data from the parser's event stream instead, so that:

* duplicate keys, anchors, aliases, merge keys and explicit tags are errors;
* plain scalars are strings, except ``true``/``false``, ``null``/``~``/empty and
  decimal integers without leading zeros; ``yes``/``no``/``on``/``off`` and
  leading-zero numbers are errors (they mean different things to different
  readers), so dates stay strings;
* nesting is capped; only one document per file;
* escapes in double-quoted strings cannot smuggle in control, invisible or
  bidirectional characters, or decomposed accents, that the file's text is
  checked for (see :mod:`kcr.textfile`); integers have at most 15 digits;
* every value and key keeps its 1-based line and column.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode

from .textfile import bad_character

try:  # the C parser is ~10x faster; fall back to pure Python where it is missing
    from yaml import CSafeLoader as _Loader
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - depends on the platform's PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

    class CParser:  # type: ignore[no-redef]
        def __init__(self, text: str) -> None:
            raise _FallbackError

MAX_DEPTH = 12
MAX_DIGITS = 15  # Python refuses int() of more than 4,300 digits; no field needs more than 9

_INT = re.compile(r"-?(0|[1-9][0-9]*)\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
_YAML11_BOOL = re.compile(r"(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z")
_OTHER_BOOL_NULL = re.compile(r"(True|TRUE|False|FALSE|Null|NULL)\Z")
# an anchor, an alias or a tag needs one of these characters: text without them may take the fast reader
_FAST_REFUSED = re.compile(r"[&*!]")

Path = tuple  # a tuple of str keys and int indexes


@dataclass
class YamlError(Exception):
    """A problem with a position; ``line`` and ``col`` are 1-based."""

    line: int
    col: int
    what: str
    todo: str


class Document:
    """The data of one YAML file and where each part of it stands.

    Positions (``value_pos``, ``key_pos``) may be left to be worked out on first use
    from the file's ``text``: most records never need one (a position is only
    asked for when a problem is reported), and reading them costs as much as the
    data itself.  They are then read by the same strict parse that reports errors,
    so a position is the same whichever way the data was read.
    """

    __slots__ = ("_key_pos", "_text", "_value_pos", "data")

    def __init__(self, data: Any, value_pos: dict[Path, tuple[int, int]] | None = None,
                 key_pos: dict[Path, tuple[int, int]] | None = None, *,
                 text: str | Callable[[], str] | None = None) -> None:
        self.data = data
        self._value_pos = value_pos if value_pos is not None or text is not None else {}
        self._key_pos = key_pos if key_pos is not None or text is not None else {}
        self._text = text

    def _positions(self) -> None:
        if self._value_pos is None or self._key_pos is None:
            text = self._text() if callable(self._text) else self._text
            full = _load_events(text or "")
            self._value_pos, self._key_pos, self._text = full._value_pos, full._key_pos, None

    @property
    def value_pos(self) -> dict[Path, tuple[int, int]]:
        self._positions()
        return self._value_pos  # type: ignore[return-value]

    @property
    def key_pos(self) -> dict[Path, tuple[int, int]]:
        self._positions()
        return self._key_pos  # type: ignore[return-value]

    def pos(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Position of ``path``, or of its nearest ancestor that has one."""
        self._positions()
        value_pos = self._value_pos
        table = self._key_pos if key else value_pos
        p = tuple(path)
        while p:
            if p in table:  # type: ignore[operator]
                return table[p]  # type: ignore[index]
            if p in value_pos:  # type: ignore[operator]
                return value_pos[p]  # type: ignore[index]
            p = p[:-1]
        return value_pos.get((), (1, 1))  # type: ignore[union-attr]


def _mark(event: Any) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _check_text(event: Any) -> None:
    """Refuse characters that escapes (``"\\u202e"``, ``"\\e"``) put in a value but the file's text does not show."""
    value = event.value
    if value.isascii() and value.isprintable():
        return
    _text_problem(value, *_mark(event))


def _text_problem(value: str, line: int, col: int) -> None:
    bad = bad_character(value)
    if bad:
        raise YamlError(line, col, f"{bad[1]} in a quoted value (written as an escape)", bad[2])
    if not unicodedata.is_normalized("NFC", value):
        raise YamlError(line, col, "text is not in Unicode NFC form (decomposed accents, written as escapes)",
                        "write the accented letters as single characters (NFC)")


def _scalar(event: Any) -> Any:
    _check_text(event)
    if event.style:  # quoted or block scalar: always a string (plain is None or "")
        return event.value
    return _plain(event.value, *_mark(event))


def _plain(value: str, line: int, col: int) -> Any:
    """The value of a plain (unquoted) scalar: null, true, false, a whole number, or a string."""
    if value in ("", "~", "null"):
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    if _INT.match(value):
        if len(value.lstrip("-")) > MAX_DIGITS:
            raise YamlError(line, col, f"number with {len(value.lstrip('-')):,} digits is too long",
                            f"use a whole number of at most {MAX_DIGITS} digits, or quote it if it is text")
        return int(value)
    if _YAML11_BOOL.match(value) or _OTHER_BOOL_NULL.match(value):
        raise YamlError(
            line, col, f"ambiguous plain value {value!r} (read as true/false/null by some YAML readers)",
            f'write true or false, or quote it as "{value}"',
        )
    if _LEADING_ZERO.match(value):
        raise YamlError(
            line, col, f"number with a leading zero {value!r} (some readers take it as octal)",
            f'quote it as "{value}" or drop the leading zero',
        )
    return value


def load(text: str) -> Document:
    """Parse ``text`` strictly; raise :class:`YamlError` on the first problem."""
    if not _FAST_REFUSED.search(text):
        try:
            return Document(_fast(text), text=text)
        except _FallbackError:
            pass
    return _load_events(text)


class _FallbackError(Exception):
    """The fast reader met something it does not decide itself: the event reader does, with its message."""


class _Composer(CParser):
    """libyaml composing the node tree in C, with the tag resolver (Python calls on every node) replaced
    by C built-ins: an untagged node gets a ``slice`` as its tag, an explicitly tagged one a ``str``."""

    resolve = staticmethod(slice)
    descend_resolver = staticmethod(slice)
    ascend_resolver = staticmethod(tuple)


def _fast(text: str) -> Any:
    """The data of ``text`` from libyaml's node tree, or :class:`_FallbackError` for anything unusual.

    Only used on text without ``&``, ``*`` or ``!`` (so no anchor, alias or tag can
    be in it); every rule of the event reader is applied, and any problem, or any
    doubt, hands the text to the event reader, which reports the first problem in
    file order, exactly as it always has.  So the data is the same either way, and
    so is every message.
    """
    try:
        node = _Composer(text).get_single_node()
    except yaml.YAMLError:
        raise _FallbackError from None
    if node is None:
        return None
    try:
        return _node_value(node, 1)
    except YamlError:
        raise _FallbackError from None


def _node_value(node: Any, depth: int) -> Any:
    kind = type(node)
    if type(node.tag) is not slice:
        raise _FallbackError
    if kind is ScalarNode:
        value = node.value
        if not (value.isascii() and value.isprintable()):
            _text_problem(value, 0, 0)
        return value if node.style else _plain(value, 0, 0)
    if depth > MAX_DEPTH:
        raise _FallbackError
    if kind is MappingNode:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or type(key_node.tag) is not slice:
                raise _FallbackError
            key = key_node.value
            if key in out or (key == "<<" and not key_node.style):
                raise _FallbackError
            if not (key.isascii() and key.isprintable()):
                _text_problem(key, 0, 0)
            out[key] = _node_value(value_node, depth + 1)
        return out
    return [_node_value(item, depth + 1) for item in node.value]


def _load_events(text: str) -> Document:
    """The event reader: every value's position, and the first problem in file order."""
    doc = Document(None, {}, {})
    try:
        events = yaml.parse(text, Loader=_Loader)
        _build(events, doc)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(str(exc.problem or exc.context or "invalid YAML").split())
        raise YamlError(line, col, f"YAML syntax error: {what}",
                        "fix the syntax (check indentation, quotes and colons)") from None
    except yaml.YAMLError as exc:
        raise YamlError(1, 1, f"YAML error: {' '.join(str(exc).split())}",
                        "save the file as plain UTF-8 YAML") from None
    return doc


def _build(events: Any, doc: Document) -> None:
    key_pos, value_pos = doc._key_pos, doc._value_pos
    assert key_pos is not None and value_pos is not None  # parse gives it a document with empty tables
    documents = 0
    # stack items: [container, path, pending_key, depth]
    stack: list[list[Any]] = []
    root_set = False
    for event in events:
        if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent)):
            continue
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                line, col = _mark(event)
                raise YamlError(line, col, "more than one YAML document in the file",
                                "keep one record per file and remove the '---' separator")
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            continue
        line, col = _mark(event)
        if isinstance(event, yaml.AliasEvent):
            raise YamlError(line, col, f"alias '*{event.anchor}' is not allowed",
                            "write the value out in full instead of referring to an anchor")
        anchor = getattr(event, "anchor", None)
        if anchor:
            raise YamlError(line, col, f"anchor '&{anchor}' is not allowed",
                            "remove the anchor; records do not share values")
        tag = getattr(event, "tag", None)
        implicit = getattr(event, "implicit", True)
        explicit_tag = tag is not None and not (implicit is True or (isinstance(implicit, tuple) and implicit[0])) \
            and tag != "!"
        if explicit_tag:
            raise YamlError(line, col, f"explicit tag {tag!r} is not allowed",
                            "remove the tag; values are plain strings, numbers, lists and mappings")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            stack.pop()
            continue

        # a value (scalar or the start of a container) or a mapping key
        parent = stack[-1] if stack else None
        if parent is not None and isinstance(parent[0], dict) and parent[2] is None:
            # this event is a key
            if not isinstance(event, yaml.ScalarEvent):
                raise YamlError(line, col, "a mapping key must be a plain string",
                                "use a simple name as the key")
            _check_text(event)
            key = event.value
            if key == "<<" and not event.style:
                raise YamlError(line, col, "merge key '<<' is not allowed",
                                "write the fields out in full")
            if key in parent[3]:
                first = key_pos[parent[1] + (key,)]
                raise YamlError(line, col, f"duplicate key '{key}' (first at line {first[0]})",
                                "keep one of them; YAML readers silently keep only the last")
            parent[2] = key
            parent[3].add(key)
            key_pos[parent[1] + (key,)] = (line, col)
            continue

        if parent is None:
            if root_set:  # pragma: no cover - the parser forbids a second root node
                raise YamlError(line, col, "more than one root value", "keep one mapping per file")
            path: Path = ()
        elif isinstance(parent[0], dict):
            path = parent[1] + (parent[2],)
        else:
            path = parent[1] + (len(parent[0]),)
        value_pos[path] = (line, col)

        if isinstance(event, yaml.ScalarEvent):
            value: Any = _scalar(event)
        elif isinstance(event, yaml.MappingStartEvent):
            value = {}
        elif isinstance(event, yaml.SequenceStartEvent):
            value = []
        else:  # pragma: no cover - exhaustive over PyYAML's node events
            raise YamlError(line, col, f"unexpected YAML event {type(event).__name__}", "simplify the file")

        if parent is None:
            doc.data = value
            root_set = True
        elif isinstance(parent[0], dict):
            parent[0][parent[2]] = value
            parent[2] = None
        else:
            parent[0].append(value)

        if isinstance(value, (dict, list)):
            depth = len(stack) + 1
            if depth > MAX_DEPTH:
                raise YamlError(line, col, f"nesting deeper than {MAX_DEPTH} levels",
                                "flatten the structure; records need at most a few levels")
            stack.append([value, path, None, set()])
