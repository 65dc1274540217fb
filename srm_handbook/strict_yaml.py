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

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 32
MAX_BAD_BYTES_REPORTED = 20

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
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
class StrictYaml:
    data: Any
    positions: Positions
    problems: list[Problem]


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
        char = match.group()
        line, col = _line_col(text, match.start())
        if "\udc80" <= char <= "\udcff":
            what = f"invalid UTF-8 byte 0x{ord(char) - 0xDC00:02x}; the file must be UTF-8"
        else:
            what = f"control character U+{ord(char):04X} is not allowed in the file"
        bad += 1
        if bad <= MAX_BAD_BYTES_REPORTED:
            problems.append(Problem(line, col, what))
    if bad > MAX_BAD_BYTES_REPORTED:
        problems.append(
            Problem(1, 1, f"{bad - MAX_BAD_BYTES_REPORTED} more invalid characters not listed")
        )
    return text, problems


class _Frame:
    __slots__ = ("container", "is_map", "key", "key_mark", "key_ok", "mark", "path")

    def __init__(self, container: Any, path: Path, mark: Mark) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.mark = mark
        self.key: Any = None
        self.key_mark: Mark = mark
        self.key_ok = False


def _syntax_problem(text: str, exc: yaml.YAMLError) -> Problem:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    index = getattr(mark, "index", None)
    if index is not None and 0 <= index < len(text) and text[index] == "\t":
        return Problem(line, col, "tab character: YAML indentation must use spaces")
    message = f"YAML syntax: {problem}"
    if context:
        message += f" ({context})"
    return Problem(line, col, message)


def parse(text: str) -> StrictYaml:
    """Parse one YAML document from ``text`` strictly (see the module docstring)."""
    positions = Positions()
    problems: list[Problem] = []
    stack: list[_Frame] = []
    root: Any = None
    have_root = False
    documents = 0

    def attach(value: Any, mark: Mark, plain: bool) -> None:
        nonlocal root, have_root
        if not stack:
            root, have_root = value, True
            positions.values[()] = mark
            return
        top = stack[-1]
        if not top.is_map:
            path = (*top.path, len(top.container))
            top.container.append(value)
            positions.values[path] = mark
            return
        if top.key is None:
            top.key_mark = mark
            top.key_ok = False
            if not isinstance(value, str):
                problems.append(Problem(*mark, "a key must be plain text, not a list or mapping"))
                top.key = ""
            elif value == "<<" and plain:
                problems.append(
                    Problem(*mark, "merge keys (<<) are not allowed; write the keys out")
                )
                top.key = value
            elif value in top.container:
                first = positions.keys.get((*top.path, value), mark)
                problems.append(
                    Problem(*mark, f"duplicate key {value!r} (first defined at line {first[0]})")
                )
                top.key = value
            else:
                top.key, top.key_ok = value, True
            return
        if top.key_ok:
            path = (*top.path, top.key)
            top.container[top.key] = value
            positions.values[path] = mark
            positions.keys[path] = top.key_mark
        top.key = None

    def child_path() -> Path:
        if not stack:
            return ()
        top = stack[-1]
        if not top.is_map:
            return (*top.path, len(top.container))
        if top.key is None:
            return (*top.path, "<key>")
        return (*top.path, top.key)

    try:
        event: Any
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind in (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent):
                continue
            start = event.start_mark
            mark = (start.line + 1, start.column + 1)
            if kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    problems.append(
                        Problem(*mark, "multiple YAML documents (---) are not allowed; use one")
                    )
                    break
                continue
            anchor = getattr(event, "anchor", None)
            if kind is yaml.AliasEvent:
                problems.append(
                    Problem(*mark, f"aliases (*{anchor}) are not allowed; write the value out")
                )
                attach(None, mark, False)
                continue
            if anchor is not None:
                problems.append(Problem(*mark, f"anchors (&{anchor}) are not allowed"))
            tag = getattr(event, "tag", None)
            if tag is not None:
                problems.append(Problem(*mark, f"explicit tags ({tag}) are not allowed"))
            if kind is yaml.ScalarEvent:
                attach(event.value, mark, not event.style)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        Problem(*mark, f"nesting is deeper than {MAX_DEPTH} levels; flatten it")
                    )
                    break
                container: Any = {} if kind is yaml.MappingStartEvent else []
                stack.append(_Frame(container, child_path(), mark))
            else:  # MappingEndEvent, SequenceEndEvent
                frame = stack.pop()
                attach(frame.container, frame.mark, False)
    except yaml.YAMLError as exc:
        problems.append(_syntax_problem(text, exc))
        return StrictYaml(None, positions, problems)
    if not have_root and not problems:
        problems.append(
            Problem(1, 1, "the file is empty; expected a mapping starting with 'schema: 1'")
        )
    return StrictYaml(root if have_root else None, positions, problems)
