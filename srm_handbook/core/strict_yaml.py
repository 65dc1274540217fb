"""Strict YAML reading with positions.

Every scalar is read as a string (no YAML 1.1 booleans, octals, sexagesimals or dates),
and the features that make hand-edited YAML surprising are rejected with a located
error: duplicate keys, anchors, aliases, merge keys, explicit tags and multiple
documents. Parsing uses libyaml's event stream (PyYAML's C parser); the tree is built
here so that every key and value keeps its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]
Mark = tuple[int, int]

MAX_FILE_BYTES = 40 * 1024 * 1024  # an XL model (5,000 rows x 100 capabilities) is ~36 MiB
MAX_DEPTH = 8
"""Nesting levels, the top-level mapping included. The format's deepest value is at level
7 (the top level, responsibilities, a row, duties, a party's list, a duty, its applies_to
list); every level deeper costs memory for each value below it."""
MAX_BAD_BYTES_REPORTED = 20

# The work is bounded, not only the bytes: a file of one-character flow items holds 20
# million YAML nodes in 40 MiB, and every node costs time and memory. A real model spends
# more than 10 bytes a node (the XL model: 12, 3.1 million events in 36 MiB), so:
MAX_EVENTS = MAX_FILE_BYTES // 10
"""YAML events (scalars, collection starts and ends) read before the file is refused."""
MAX_ENTRIES = 20_000
"""Entries of one list or mapping: twice the longest a model has (10,000 rows), so that an
over-long section still gets the schema's own message."""
MAX_PROBLEMS = 1_000
"""YAML problems (duplicate keys, anchors, aliases, tags) collected before reading stops."""

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Line breaks to YAML that editors do not show as line breaks: a line that reads as a
# comment may hold a live key, and every later line number is off by one. In a double-
# quoted text they can be written as escapes (\N, \L, \P or \u2028).
_INVISIBLE_BREAKS = {
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Positions:
    """Where each value (and each mapping key) of the document starts, by path."""

    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def of_value(self, path: Path) -> Mark:
        """The position of the value at ``path``, or of its nearest existing ancestor."""
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def of_key(self, path: Path) -> Mark:
        """The position of the key that introduces ``path`` (its value for list items)."""
        if path in self.keys:
            return self.keys[path]
        return self.of_value(path)


@dataclass
class Problem:
    line: int
    column: int
    message: str


@dataclass
class Duplicate:
    """A value whose key repeats an earlier key of its mapping. It is not part of the data
    (the first one is), but its positions are kept under ``path``, a path of its own
    (:func:`duplicate_key`), so that the problems inside it can be reported where they are."""

    parent: Path
    key: str
    path: Path
    value: Any


@dataclass
class StrictYaml:
    data: Any
    positions: Positions
    problems: list[Problem]
    duplicates: list[Duplicate] = field(default_factory=list)


def duplicate_key(key: str, line: int) -> str:
    """The path element of the value of a repeated ``key`` written at ``line``. It never
    equals a key of the file: control characters are refused before parsing."""
    return f"{key}\x00{line}"


def shown_key(element: str | int) -> str | int:
    """A path element as the file writes it (the key of a duplicate without its line)."""
    return element.split("\x00", 1)[0] if isinstance(element, str) else element


def _line_col(text: str, index: int) -> Mark:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode(raw: bytes) -> tuple[str, list[Problem]]:
    """UTF-8 bytes to text, reporting each invalid byte and each control character."""
    problems: list[Problem] = []
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", [Problem(1, 1, "the file is UTF-16 encoded; save it as UTF-8")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8", errors="surrogateescape")
    bad = 0
    for match in _CONTROL.finditer(text):
        bad += 1
        if bad > MAX_BAD_BYTES_REPORTED:
            continue  # only counted: locating it would scan the text again
        char = match.group()
        line, col = _line_col(text, match.start())
        if "\udc80" <= char <= "\udcff":
            what = f"invalid UTF-8 byte 0x{ord(char) - 0xDC00:02x}; the file must be UTF-8"
        elif char in _INVISIBLE_BREAKS:
            what = (
                f"U+{ord(char):04X} ({_INVISIBLE_BREAKS[char]}) is a line break to YAML but "
                "not to most editors; use a real line break, or write it as "
                f"\\u{ord(char):04x} inside double quotes"
            )
        else:
            what = f"control character U+{ord(char):04X} is not allowed in the file"
        problems.append(Problem(line, col, what))
    if bad > MAX_BAD_BYTES_REPORTED:
        problems.append(
            Problem(1, 1, f"{bad - MAX_BAD_BYTES_REPORTED} more invalid characters not listed")
        )
    return text, problems


class _Frame:
    __slots__ = ("container", "dup_of", "is_map", "key", "key_mark", "key_ok", "mark", "path")

    def __init__(self, container: Any, path: Path, mark: Mark) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.mark = mark
        self.key: Any = None
        self.key_mark: Mark = mark
        self.key_ok = False
        self.dup_of: str | None = None


def _syntax_problem(text: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    index = getattr(mark, "index", None)
    if index is not None and 0 <= index < len(text) and text[index] == "\t":
        return Problem(line, col, "tab character: YAML indentation must use spaces")
    if index is not None and index >= len(text) > 0 and col == 1 and line > 1:
        # libyaml puts the end of a file without a final line break on a line after the
        # last one; point at the end of the last line instead.
        last_break = max(text.rfind(ch) for ch in "\n\r\x85\u2028\u2029")
        if last_break < len(text) - 1:
            line, col = line - 1, len(text) - last_break
    message = f"YAML syntax: {problem}"
    if context:
        message += f" ({context})"
    return Problem(line, col, message)


def _node_problems(event: Any, mark: Mark) -> list[Problem]:
    """Anchors and explicit tags on a scalar, mapping or sequence."""
    found = []
    if event.anchor is not None:
        found.append(Problem(*mark, f"anchors (&{event.anchor}) are not allowed"))
    if event.tag is not None:
        found.append(Problem(*mark, f"explicit tags ({event.tag}) are not allowed"))
    return found


def _too_many_entries(kind: str) -> str:
    return (
        f"a {kind} with more than {MAX_ENTRIES:,} entries: no list or mapping of a model "
        "is that long; reading stopped here"
    )


def _too_many_problems() -> str:
    return f"more than {MAX_PROBLEMS:,} problems in the YAML; reading stopped here"


def parse(text: str, located: bool = True) -> StrictYaml:
    """Parse one YAML document from ``text`` strictly (see the module docstring).

    Without ``located``, the positions of values and keys are not recorded (they are
    needed only to report a problem, and recording them is a fifth of the time of a large
    file): a caller that finds a problem parses again with them. The problems themselves
    are found and located either way, but the line a duplicate key's message names as the
    first definition is only right with ``located``."""
    positions = Positions()
    values, keys = positions.values, positions.keys
    problems: list[Problem] = []
    stack: list[_Frame] = []
    duplicates: list[Duplicate] = []
    root: Any = None
    have_root = False
    documents = 0

    def set_key(top: _Frame, key: Any, mark: Mark, plain: bool) -> None:
        top.key_mark = mark
        top.key_ok = False
        top.dup_of = None
        if not isinstance(key, str):
            problems.append(Problem(*mark, "a key must be plain text, not a list or mapping"))
            # A path of its own, so the positions inside its value do not overwrite others.
            top.key = duplicate_key("", mark[0])
        elif key == "<<" and plain:
            problems.append(Problem(*mark, "merge keys (<<) are not allowed; write the keys out"))
            top.key = key
        elif key in top.container:
            first = keys.get((*top.path, key), mark)
            problems.append(
                Problem(*mark, f"duplicate key {key!r} (first defined at line {first[0]})")
            )
            # Its value is kept aside under a path of its own: the positions inside it must
            # not replace those of the first one, and its own problems are reported too.
            top.key, top.dup_of = duplicate_key(key, mark[0]), key
        else:
            top.key, top.key_ok = key, True

    def attach(value: Any, mark: Mark, plain: bool) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            values[()] = mark
            return
        top = stack[-1]
        if not top.is_map:
            path = (*top.path, len(top.container))
            top.container.append(value)
            values[path] = mark
        elif top.key is None:
            set_key(top, value, mark, plain)
        else:
            if top.key_ok:
                path = (*top.path, top.key)
                top.container[top.key] = value
                values[path] = mark
                keys[path] = top.key_mark
            elif top.dup_of is not None:
                keep_duplicate(top, value, mark)
            top.key = None

    def keep_duplicate(top: _Frame, value: Any, mark: Mark) -> None:
        path = (*top.path, top.key)
        values[path] = mark
        keys[path] = top.key_mark
        duplicates.append(Duplicate(top.path, top.dup_of or "", path, value))
        top.dup_of = None

    def child_path() -> Path:
        if not stack:
            return ()
        top = stack[-1]
        if not top.is_map:
            return (*top.path, len(top.container))
        if top.key is None:
            return (*top.path, "<key>")
        return (*top.path, top.key)

    # The loop is the hot path of loading (one turn per YAML event): scalars, by far the
    # most frequent events, are attached inline; everything else goes through attach().
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)

    def stop(event: Any, message: str) -> None:
        start = event.start_mark
        problems.append(Problem(start.line + 1, start.column + 1, message))

    try:
        event: Any
        for count, event in enumerate(yaml.parse(text, Loader=_Loader)):
            if count >= MAX_EVENTS:
                stop(
                    event,
                    f"more than {MAX_EVENTS:,} YAML values and collections: far more than "
                    "any model holds; reading stopped here",
                )
                break
            kind = type(event)
            if kind is scalar_event:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                if event.anchor is not None or event.tag is not None:
                    problems += _node_problems(event, mark)
                    if len(problems) >= MAX_PROBLEMS:
                        stop(event, _too_many_problems())
                        break
                if not stack:
                    attach(event.value, mark, not event.style)
                    continue
                top = stack[-1]
                if not top.is_map:
                    container = top.container
                    if len(container) >= MAX_ENTRIES:
                        stop(event, _too_many_entries("list"))
                        break
                    if located:
                        values[(*top.path, len(container))] = mark
                    container.append(event.value)
                elif top.key is None:
                    if len(top.container) >= MAX_ENTRIES:
                        stop(event, _too_many_entries("mapping"))
                        break
                    set_key(top, event.value, mark, not event.style)
                    if len(problems) >= MAX_PROBLEMS:
                        stop(event, _too_many_problems())
                        break
                else:
                    if top.key_ok:
                        top.container[top.key] = event.value
                        if located:
                            path = (*top.path, top.key)
                            values[path] = mark
                            keys[path] = top.key_mark
                    elif top.dup_of is not None:
                        keep_duplicate(top, event.value, mark)
                    top.key = None
            elif kind in collection_end:
                frame = stack.pop()
                attach(frame.container, frame.mark, False)
            elif kind is mapping_start or kind is sequence_start:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                problems += _node_problems(event, mark)
                if len(problems) >= MAX_PROBLEMS:
                    stop(event, _too_many_problems())
                    break
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(*mark, f"nesting is deeper than {MAX_DEPTH} levels; flatten it")
                    )
                    break
                if stack and len(stack[-1].container) >= MAX_ENTRIES:
                    stop(event, _too_many_entries("mapping" if stack[-1].is_map else "list"))
                    break
                new: Any = {} if kind is mapping_start else []
                stack.append(_Frame(new, child_path(), mark))
            elif kind is alias_event:
                start = event.start_mark
                mark = (start.line + 1, start.column + 1)
                problems.append(
                    Problem(
                        *mark, f"aliases (*{event.anchor}) are not allowed; write the value out"
                    )
                )
                attach(None, mark, False)
                if len(problems) >= MAX_PROBLEMS:
                    stop(event, _too_many_problems())
                    break
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    start = event.start_mark
                    problems.append(
                        Problem(
                            start.line + 1,
                            start.column + 1,
                            "multiple YAML documents (---) are not allowed; use one",
                        )
                    )
                    break
            # StreamStartEvent, StreamEndEvent, DocumentEndEvent: nothing to do.
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(text, exc))
        return StrictYaml(None, positions, problems, duplicates)
    if not have_root and not problems:
        problems.append(
            Problem(1, 1, "the file is empty; expected a mapping starting with 'schema: 1'")
        )
    return StrictYaml(root if have_root else None, positions, problems, duplicates)
