"""The strict YAML reader: every scalar a string, surprising features rejected, positions kept."""

from __future__ import annotations

import pytest

from srm_handbook.core import strict_yaml
from srm_handbook.core.strict_yaml import Problem, StrictYaml

from ..conftest import FIXTURES


def parse(text: str) -> StrictYaml:
    return strict_yaml.parse(text)


def problems(text: str) -> list[tuple[int, int, str]]:
    return [(p.line, p.column, p.message) for p in strict_yaml.parse(text).problems]


# -- every scalar is text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "scalar",
    [
        "no",
        "No",
        "off",
        "on",
        "yes",
        "y",
        "n",
        "true",
        "False",
        "0755",
        "0o17",
        "0x1F",
        "1:30",
        "190:20:30",
        "2021-02-23",
        "2001-12-14t21:59:43.10-05:00",
        "1e3",
        ".inf",
        "-.inf",
        ".nan",
        "~",
        "null",
        "Null",
        "1_000",
        "+12",
        "3.0",
        "=",
    ],
)
def test_yaml_1_1_surprises_stay_the_exact_text(scalar: str) -> None:
    result = parse(f"key: {scalar}\nlist: [{scalar}]\n{scalar}: as key\n")
    assert result.problems == []
    assert result.data == {"key": scalar, "list": [scalar], scalar: "as key"}


def test_empty_value_is_empty_text_not_null() -> None:
    assert parse("a:\nb: ''\nc: []\n").data == {"a": "", "b": "", "c": []}


def test_quoted_and_block_scalars_keep_their_text() -> None:
    text = 'a: "x: #1 \\u00e9"\nb: |\n  line 1\n  line 2\nc: >-\n  folded\n  text\n'
    assert parse(text).data == {"a": "x: #1 é", "b": "line 1\nline 2\n", "c": "folded text"}


# -- positions -------------------------------------------------------------------------------


def test_positions_of_values_and_keys() -> None:
    text = "top:\n  inner: value\n  items:\n    - first\n    -   second\n"
    pos = parse(text).positions
    assert pos.of_value(("top",)) == (2, 3)  # a block mapping starts at its first key
    assert pos.of_key(("top",)) == (1, 1)
    assert pos.of_value(("top", "inner")) == (2, 10)
    assert pos.of_key(("top", "inner")) == (2, 3)
    assert pos.of_value(("top", "items", 0)) == (4, 7)
    assert pos.of_value(("top", "items", 1)) == (5, 9)
    # a list item has no key: its own position stands in
    assert pos.of_key(("top", "items", 1)) == (5, 9)


def test_position_of_a_missing_path_falls_back_to_the_nearest_ancestor() -> None:
    pos = parse("top:\n  inner: value\n").positions
    assert pos.of_value(("top", "inner", "deeper", 3)) == (2, 10)
    assert pos.of_value(("absent",)) == pos.of_value(()) == (1, 1)


def test_positions_count_characters_not_bytes_and_survive_crlf() -> None:
    pos = parse("é: ü\r\nb:\r\n  c: d\r\n").positions
    assert pos.of_value(("é",)) == (1, 4)
    assert pos.of_value(("b", "c")) == (3, 6)


# -- rejected features -----------------------------------------------------------------------


def test_duplicate_top_level_key_is_an_error_at_the_second_key() -> None:
    result = parse("title: first\nschema: 1\ntitle: second\n")
    assert result.data == {"title": "first", "schema": "1"}  # never "last one wins"
    assert problems("title: first\nschema: 1\ntitle: second\n") == [
        (3, 1, "duplicate key 'title' (first defined at line 1)")
    ]


def test_duplicate_nested_key_is_an_error_at_the_second_key() -> None:
    text = "owners:\n  custom-ui: you\n  ui-kit: you\n  custom-ui: atlassian\n"
    assert problems(text) == [(4, 3, "duplicate key 'custom-ui' (first defined at line 2)")]
    assert parse(text).data == {"owners": {"custom-ui": "you", "ui-kit": "you"}}


def test_duplicate_key_in_flow_mapping() -> None:
    assert problems("a: {x: 1, x: 2}\n") == [(1, 11, "duplicate key 'x' (first defined at line 1)")]


def test_anchor_and_alias_are_errors() -> None:
    assert problems("a: &name 1\nb: *name\n") == [
        (1, 4, "anchors (&name) are not allowed"),
        (2, 4, "aliases (*name) are not allowed; write the value out"),
    ]


def test_anchor_on_a_collection_is_an_error() -> None:
    assert problems("a: &list\n  - 1\n") == [(1, 4, "anchors (&list) are not allowed")]


def test_merge_key_is_an_error() -> None:
    text = "base:\n  name: x\nrow:\n  <<: {name: y}\n"
    assert problems(text) == [(4, 3, "merge keys (<<) are not allowed; write the keys out")]


def test_quoted_merge_key_is_an_ordinary_key() -> None:
    result = parse('"<<": value\n')
    assert result.problems == []
    assert result.data == {"<<": "value"}


@pytest.mark.parametrize(
    ("text", "column", "tag"),
    [
        ("a: !!str 1\n", 4, "tag:yaml.org,2002:str"),
        ("a: !custom value\n", 4, "!custom"),
        ("a: !!map {}\n", 4, "tag:yaml.org,2002:map"),
        ("a: !!seq []\n", 4, "tag:yaml.org,2002:seq"),
        ("a: !!binary aGk=\n", 4, "tag:yaml.org,2002:binary"),
        ("a: ! plain\n", 4, "!"),
    ],
)
def test_explicit_tags_are_errors(text: str, column: int, tag: str) -> None:
    assert problems(text) == [(1, column, f"explicit tags ({tag}) are not allowed")]


def test_multiple_documents_are_an_error_at_the_second_marker() -> None:
    assert problems("a: 1\n---\nb: 2\n") == [
        (2, 1, "multiple YAML documents (---) are not allowed; use one")
    ]


def test_one_document_with_markers_is_fine() -> None:
    result = parse("---\na: 1\n...\n")
    assert result.problems == []
    assert result.data == {"a": "1"}


def test_a_mapping_as_key_is_an_error() -> None:
    assert problems("? [a, b]\n: 1\n") == [
        (1, 3, "a key must be plain text, not a list or mapping")
    ]


def test_tab_indentation_is_reported_as_such() -> None:
    assert problems("a:\n\tb: 1\n") == [(2, 1, "tab character: YAML indentation must use spaces")]


def test_tab_inside_text_is_fine() -> None:
    assert parse('a: "x\\ty"\nb: x\ty\n').data == {"a": "x\ty", "b": "x\ty"}


def test_syntax_error_is_located_and_prefixed() -> None:
    [(line, column, message)] = problems("a: ok\nb: c: d\n")
    assert (line, column) == (2, 5)
    assert message.startswith("YAML syntax: ")


def test_syntax_error_at_the_end_of_a_file_without_final_newline_stays_in_the_file() -> None:
    # libyaml reports the end of such a file on a line after the last one
    [(line, column, message)] = problems("a:\n  - [b")
    assert (line, column) == (2, 7)
    assert message.startswith("YAML syntax: ")


def test_syntax_error_at_the_end_of_a_file_with_final_newline() -> None:
    [(line, column, _)] = problems("a:\n  - [b\n")
    assert (line, column) == (3, 1)


def test_unclosed_flow_sequence_is_a_syntax_error() -> None:
    result = parse("a: [1, 2\nb: 3\n")
    assert result.data is None
    assert len(result.problems) == 1
    assert result.problems[0].message.startswith("YAML syntax: ")


def test_nesting_deeper_than_the_limit_is_an_error_at_the_first_level_too_deep() -> None:
    depth = strict_yaml.MAX_DEPTH
    result = parse("[" * 100 + "]" * 100)
    assert [(p.line, p.column) for p in result.problems] == [(1, depth + 1)]
    assert f"deeper than {depth} levels" in result.problems[0].message


def test_nesting_at_the_limit_is_fine() -> None:
    depth = strict_yaml.MAX_DEPTH
    assert parse("[" * depth + "]" * depth).problems == []


@pytest.mark.parametrize("text", ["", "\n\n", "# just a comment\n# and another\n"])
def test_empty_document(text: str) -> None:
    result = parse(text)
    assert result.data is None
    assert [(p.line, p.column) for p in result.problems] == [(1, 1)]
    assert "the file is empty" in result.problems[0].message


def test_problems_from_different_places_are_all_reported() -> None:
    text = "a: &x 1\nb: !t 2\nc: 3\nc: 4\n"
    assert [(p.line, p.column) for p in parse(text).problems] == [(1, 4), (2, 4), (4, 1)]


# -- decoding --------------------------------------------------------------------------------


def test_utf8_bom_is_skipped() -> None:
    assert strict_yaml.decode("\ufeffa: é".encode()) == ("a: é", [])


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_an_error(encoding: str) -> None:
    raw = "a: 1\n".encode(encoding)
    if encoding != "utf-16":  # the plain codec writes a BOM; add one to the others
        raw = "\ufeff".encode(encoding) + raw
    _, found = strict_yaml.decode(raw)
    assert found == [Problem(1, 1, "the file is UTF-16 encoded; save it as UTF-8")]


def test_each_invalid_utf8_byte_is_located() -> None:
    _, found = strict_yaml.decode(b"a: ok\nb: caf\xe9 \xff\n")
    assert found == [
        Problem(2, 7, "invalid UTF-8 byte 0xe9; the file must be UTF-8"),
        Problem(2, 9, "invalid UTF-8 byte 0xff; the file must be UTF-8"),
    ]


def test_control_characters_are_located() -> None:
    _, found = strict_yaml.decode(b"a: x\x00\nb: \x1b[31m\n\x7f")
    assert found == [
        Problem(1, 5, "control character U+0000 is not allowed in the file"),
        Problem(2, 4, "control character U+001B is not allowed in the file"),
        Problem(3, 1, "control character U+007F is not allowed in the file"),
    ]


def test_tabs_newlines_and_non_ascii_are_not_control_characters() -> None:
    text = "a:\tx\r\nb: naïve — 日本 🙂\n"
    assert strict_yaml.decode(text.encode()) == (text, [])


def test_many_bad_bytes_are_summarised() -> None:
    limit = strict_yaml.MAX_BAD_BYTES_REPORTED
    _, found = strict_yaml.decode(b"\xff" * (limit + 5))
    assert len(found) == limit + 1
    assert found[-1] == Problem(1, 1, "5 more invalid characters not listed")


# -- without positions (how load_model reads a file first) -------------------------------


def test_unlocated_parse_gives_the_same_data_and_problems_without_positions() -> None:
    text = (FIXTURES / "forge.yaml").read_text("utf-8")
    located, unlocated = strict_yaml.parse(text), strict_yaml.parse(text, located=False)
    assert unlocated.data == located.data and unlocated.problems == located.problems == []
    assert len(located.positions.values) > 100
    # Collections keep theirs; no scalar value or key is recorded.
    assert all(isinstance(v, (dict, list)) for v in _values_at(unlocated.data, unlocated.positions))
    assert set(unlocated.positions.keys) <= set(unlocated.positions.values)
    bad = "a: 1\nb: [x, &y z]\n"
    assert [(p.line, p.column) for p in strict_yaml.parse(bad, located=False).problems] == [
        (p.line, p.column) for p in strict_yaml.parse(bad).problems
    ]


def _values_at(data: object, positions: strict_yaml.Positions) -> list[object]:
    found = []
    for path in positions.values:
        value = data
        for part in path:
            value = value[part]  # type: ignore[index]
        found.append(value)
    return found
