"""How problems reach the user: ``PATH:LINE:COLUMN: error: MESSAGE``, all of them, cleanly.

The battery of malformed files runs the real command (``srm validate``) in a subprocess:
each must exit 1 with a located error line, the error count, and no Python traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from srm_handbook.core import schema, strict_yaml
from srm_handbook.core.diagnostics import Diagnostic, SrmDataError, SrmInputError
from srm_handbook.core.load import load_model, parse_model
from srm_handbook.core.synthetic import generate

from ..helpers import BASE, LINE, TWO_ROWS, edit, srm


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def error_lines(stderr: str) -> list[tuple[str, int, int, str]]:
    """The error lines of stderr; every other line must be the final count."""
    found = []
    lines = stderr.splitlines()
    assert lines, "no output on stderr"
    assert re.fullmatch(r"\d+ errors?", lines[-1]), lines[-1]
    for text in lines[:-1]:
        match = LINE.match(text)
        assert match, f"not a PATH:LINE:COLUMN: error: MESSAGE line: {text!r}"
        found.append((match["path"], int(match["line"]), int(match["column"]), match["message"]))
    assert lines[-1] == f"{len(found)} error{'s' if len(found) != 1 else ''}"
    return found


# -- the line format -------------------------------------------------------------------------


def test_diagnostic_format() -> None:
    d = Diagnostic("data/srm.yaml", 12, 7, "unknown key 'descripton'")
    assert d.format() == "data/srm.yaml:12:7: error: unknown key 'descripton'"


def test_error_lines_name_the_path_as_given(tmp_path: Path) -> None:
    bad = tmp_path / "my data.yaml"
    bad.write_text(edit(BASE, "category: app", "category: ap"), encoding="utf-8")
    result = srm("validate", bad)
    assert result.returncode == 1
    assert result.stdout == ""
    assert error_lines(result.stderr) == [
        (str(bad), 19, 15, "unknown category 'ap' (did you mean 'app'?)")
    ]


def test_each_error_stays_on_one_line_when_names_contain_line_breaks(tmp_path: Path) -> None:
    text = edit(BASE, "    name: Atlassian\n", '    name: "Atlassian\\nInc"\n')
    text = edit(text, "    name: Custom UI\n", '    name: "Custom\\u2028UI"\n')
    text = edit(text, "      atlassian:\n        - Authenticate the user.\n", "")
    path = tmp_path / "names.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    assert error_lines(result.stderr) == [
        (
            str(path),
            23,
            5,
            "'Authentication' is owned by Atlassian\\nInc for Custom\\u2028UI, but no duty of "
            "Atlassian\\nInc applies to it: add one under duties.atlassian (rule 4)",
        )
    ]


def test_control_characters_written_as_escapes_are_refused(tmp_path: Path) -> None:
    text = edit(BASE, "    name: Atlassian\n", '    name: "Atlassian\\u001b[31m"\n')
    text = edit(
        text, "        - Authenticate the user.\n", '        - "Authenticate\\x07 the user."\n'
    )
    path = tmp_path / "controls.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    assert [message for *_, message in error_lines(result.stderr)] == [
        "'name' must not contain the control character U+001B",
        "'text' must not contain the control character U+0007",
    ]


def test_a_key_with_a_line_break_stays_on_one_error_line(tmp_path: Path) -> None:
    text = edit(BASE, "    name: Atlassian\n", '    name: Atlassian\n    "descr\\niption": x\n')
    path = tmp_path / "key.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    [(_, line, _, message)] = error_lines(result.stderr)
    assert line == 6
    assert message.startswith("unknown key 'descr\\niption'")


def test_load_model_raises_with_the_display_path(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text(edit(BASE, "category: app", "category: ap"), encoding="utf-8")
    with pytest.raises(SrmDataError) as info:
        load_model(bad, display="shown.yaml")
    assert info.value.format().startswith("shown.yaml:19:15: error: unknown category")


# -- all problems of a file in one run, each at its node -------------------------------------

FOUR_ROWS = (
    TWO_ROWS
    + """\
  input-validation:
    name: Input validation
    category: app
    owners:
      custom-ui: atlassian
      web-triggers: you
    duties:
      atlassian:
        - Validate input.
      you:
        - Validate web trigger requests.
  logging:
    name: Logging
    category: app
    owners:
      custom-ui: [atlassian, you]
      web-triggers: n/a
    duties:
      atlassian:
        - Keep audit logs.
      you:
        - Keep PII out of the logs.
"""
)


def test_four_rows_are_valid() -> None:
    assert len(parse_model(FOUR_ROWS.encode()).responsibilities) == 4


def test_every_problem_of_the_file_is_reported_in_one_run(tmp_path: Path) -> None:
    text = edit(
        FOUR_ROWS,
        "custom-ui: atlassian\n      web-triggers: you\n    duties:\n      atlassian:\n"
        "        - Validate",
        "custom-ui: [atlassian, yuo]\n      web-triggers: you\n    duties:\n      atlassian:\n"
        "        - Validate",
    )
    text = edit(
        text, "    name: Authorization\n", "    name: Authorization\n    descripton: Typo.\n"
    )
    text = edit(text, "        - Keep PII out of the logs.\n", "        []\n")
    text = edit(
        text,
        "  authentication:\n    name: Authentication\n    category: app\n",
        "  authentication:\n    name: Authentication\n    category: ap\n",
    )
    path = tmp_path / "many.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    p = str(path)
    assert error_lines(result.stderr) == [
        (p, *at(text, "ap\n"), "unknown category 'ap' (did you mean 'app'?)"),
        (p, *at(text, "descripton"), "unknown key 'descripton' (did you mean 'description'?)"),
        (p, *at(text, "yuo"), "unknown party 'yuo' (did you mean 'you'?)"),
        (
            p,
            *at(text, "[]"),
            "no duties listed for 'you': an empty responsibilities section is the defect this "
            "format prevents; list what the party must do, or remove the key (rule 5)",
        ),
    ]


def test_rows_are_checked_even_when_the_header_is_broken() -> None:
    text = edit(FOUR_ROWS, "title: Test model\n", "title:\n")
    text = edit(
        text, "    name: Authorization\n", "    name: Authorization\n    descripton: Typo.\n"
    )
    text = edit(text, "        - Keep PII out of the logs.\n", "        []\n")
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    found = [(d.line, d.column) for d in info.value.diagnostics]
    assert found == [(2, 7), at(text, "descripton"), at(text, "[]")]


def test_errors_of_the_same_kind_in_different_rows_are_each_reported() -> None:
    text = FOUR_ROWS.replace("category: app\n", "category: apps\n")
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (*at(text, "apps", n), "unknown category 'apps' (did you mean 'app'?)")
        for n in (1, 2, 3, 4)
    ]


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("schema: 1\n", "schema: 2\n", "2\n", "unsupported format version '2'"),
        ("schema: 1\n", "schema: one\n", "one", "unsupported format version 'one'"),
        ("title: Test model\n", "title: [a, b]\n", "[a, b]", "'title' must be text, got a list"),
        (
            "title: Test model\n",
            "title: Test model\nlast_updated: 23 Feb 2021\n",
            "23 Feb",
            "'last_updated' must be a date written YYYY-MM-DD",
        ),
        (
            "title: Test model\n",
            "title: Test model\nlast_updated: 2021-02-30\n",
            "2021-02-30",
            "'last_updated' must be a date written YYYY-MM-DD",
        ),
        (
            "    name: You\n",
            "    name: You\n    possessive:\n      - Your\n",
            "- Your",
            "'possessive' must be text, got a list",
        ),
        (
            "    category: app\n",
            "    category: app\n    references:\n      - title: x\n"
            "        url: javascript:alert(1)\n",
            "javascript",
            "'url' must be an absolute http, https or mailto URL",
        ),
        (
            "        - Authenticate the user.\n",
            "        - [Authenticate the user.]\n",
            "[Authenticate",
            "entry 1 of 'atlassian' must be a mapping, got a list",
        ),
        (
            "  authentication:\n",
            "  authentication:\n    reviewed: last week\n",
            "last week",
            "'reviewed' must be a date written YYYY-MM-DD",
        ),
        (
            "parties:\n",
            "review_interval_days: soon\nparties:\n",
            "soon",
            "'review_interval_days' must be a whole number",
        ),
        (
            "  you:\n    name: You\n",
            "  you:\n    name: You\n    name: Me\n",
            "name: Me",
            "duplicate",
        ),
    ],
    ids=[
        "schema-2",
        "schema-word",
        "title-list",
        "date-words",
        "date-invalid",
        "possessive-list",
        "url-scheme",
        "duty-list",
        "reviewed",
        "interval",
        "dup-name",
    ],
)
def test_location_points_at_the_offending_node(
    old: str, new: str, needle: str, message: str
) -> None:
    text = edit(BASE, old, new)
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    found = [(d.line, d.column) for d in info.value.diagnostics if message in d.message]
    assert found == [at(text, needle)], info.value.format()


# -- YAML 1.1 surprises are read as the text written -----------------------------------------


def test_yaml_1_1_scalars_keep_the_exact_text() -> None:
    text = edit(BASE, "  atlassian:\n    name: Atlassian\n", "  atlassian:\n    name: no\n")
    text = edit(text, "    name: You\n", "    name: on\n    possessive: 'off'\n")
    text = edit(text, "    name: Custom UI\n", "    name: 0755\n    status: 1:30\n")
    text = edit(text, "    name: Web triggers\n", "    name: 2021-02-23\n")
    text = edit(text, "    name: App elements\n", "    name: 1e3\n")
    text = edit(text, "    name: Authentication\n", "    name: ~\n    description: null\n")
    text = edit(text, "        - Authenticate the user.\n", "        - yes\n")
    text = edit(text, "        - Authenticate every web trigger call.\n", "        - 0x1F\n")
    text = edit(text, "title: Test model\n", "title: .inf\n")
    srm_model = parse_model(text.encode())
    assert srm_model.title == ".inf"
    assert [(p.name, p.possessive) for p in srm_model.parties] == [
        ("no", "no's"),
        ("on", "off"),
    ]
    assert [(c.name, c.status) for c in srm_model.capabilities] == [
        ("0755", "1:30"),
        ("2021-02-23", None),
    ]
    assert srm_model.categories[0].name == "1e3"
    row = srm_model.responsibilities[0]
    assert (row.name, row.description) == ("~", "null")
    assert [d.text for d in row.duties] == ["yes", "0x1F"]


def test_yaml_1_1_words_as_ids_keep_the_exact_text() -> None:
    text = BASE.replace("you:", "no:").replace(": you\n", ": no\n")
    text = text.replace("web-triggers", "on").replace("  app:", "  0755:")
    text = text.replace("category: app", "category: 0755").replace("authentication:", "1-30:")
    srm_model = parse_model(text.encode())
    assert [p.id for p in srm_model.parties] == ["atlassian", "no"]
    assert [c.id for c in srm_model.capabilities] == ["custom-ui", "on"]
    assert [c.id for c in srm_model.categories] == ["0755"]
    [row] = srm_model.responsibilities
    assert (row.id, row.category) == ("1-30", "0755")
    assert row.owners == {"custom-ui": ("atlassian",), "on": ("no",)}
    assert [(d.party, d.capabilities) for d in row.duties] == [
        ("atlassian", ("custom-ui",)),
        ("no", ("on",)),
    ]


# -- the battery of malformed files ----------------------------------------------------------


def _case(text: str, needle: str, nth: int = 1) -> tuple[bytes, tuple[int, int]]:
    return text.encode(), at(text, needle, nth)


BATTERY: dict[str, tuple[bytes, tuple[int, int], str]] = {
    "duplicate-top-level-key": (
        *_case(edit(BASE, "parties:\n", "title: Again\nparties:\n"), "title: Again"),
        "duplicate key 'title' (first defined at line 2)",
    ),
    "duplicate-nested-key": (
        *_case(
            edit(
                BASE, "      web-triggers: you\n", "      web-triggers: you\n      custom-ui: you\n"
            ),
            "custom-ui: you",
        ),
        "duplicate key 'custom-ui' (first defined at line 21)",
    ),
    "duplicate-row": (
        *_case(
            BASE + BASE[BASE.index("  authentication:") :],
            "authentication:",
            2,
        ),
        "duplicate key 'authentication' (first defined at line 17)",
    ),
    "anchor": (
        *_case(edit(BASE, "title: Test model", "title: &t Test model"), "&t"),
        "anchors (&t) are not allowed",
    ),
    "alias": (
        *_case(edit(BASE, "    name: You", "    name: *you"), "*you"),
        "aliases (*you) are not allowed; write the value out",
    ),
    "merge-key": (
        *_case(edit(BASE, "    name: You", "    <<: {name: You}"), "<<"),
        "merge keys (<<) are not allowed; write the keys out",
    ),
    "tag-str": (
        *_case(edit(BASE, "schema: 1", "schema: !!str 1"), "!!str"),
        "explicit tags (tag:yaml.org,2002:str) are not allowed",
    ),
    "tag-custom": (
        *_case(edit(BASE, "title: Test model", "title: !custom Test model"), "!custom"),
        "explicit tags (!custom) are not allowed",
    ),
    "multiple-documents": (
        *_case(BASE + "---\nschema: 1\n", "---"),
        "multiple YAML documents (---) are not allowed; use one",
    ),
    "bad-utf8": (
        BASE.replace("Test model", "Test \udcffmodel").encode("utf-8", "surrogateescape"),
        (2, 13),
        "invalid UTF-8 byte 0xff; the file must be UTF-8",
    ),
    "latin-1": (
        BASE.replace("Test model", "Café").encode("latin-1"),
        (2, 11),
        "invalid UTF-8 byte 0xe9; the file must be UTF-8",
    ),
    "utf-16": (BASE.encode("utf-16"), (1, 1), "the file is UTF-16 encoded; save it as UTF-8"),
    "tab-indentation": (
        *_case(edit(BASE, "parties:\n  atlassian:\n", "parties:\n\tatlassian:\n"), "\tatlassian"),
        "tab character: YAML indentation must use spaces",
    ),
    "control-character": (
        *_case(edit(BASE, "Test model", "Test\x07model"), "\x07"),
        "control character U+0007 is not allowed in the file",
    ),
    "nul-byte": (
        *_case(edit(BASE, "Test model", "Test\x00model"), "\x00"),
        "control character U+0000 is not allowed in the file",
    ),
    "empty-file": (b"", (1, 1), "the file is empty; expected a mapping starting with 'schema: 1'"),
    "comment-only": (
        b"# yaml-language-server: $schema=schema/srm_data.schema.json\n# nothing else\n",
        (1, 1),
        "the file is empty; expected a mapping starting with 'schema: 1'",
    ),
    "top-level-list": (
        b"- schema: 1\n- title: x\n",
        (1, 1),
        "the top level must be a mapping (schema: 1, title: ..., parties: ...), not a list",
    ),
    "top-level-scalar": (
        b"srm_data\n",
        (1, 1),
        "the top level must be a mapping (schema: 1, title: ..., parties: ...), "
        "not text 'srm_data'",
    ),
    "syntax-error": (
        *_case(edit(BASE, "    category: app\n", "    category: app: elements\n"), ": elements"),
        "YAML syntax: mapping values are not allowed in this context",
    ),
    "unclosed-quote": (
        edit(BASE, "title: Test model", "title: 'Test model").encode(),
        (28, 1),
        "YAML syntax: found unexpected end of stream (while scanning a quoted scalar)",
    ),
    "deep-nesting": (
        *_case(
            edit(
                BASE,
                "title: Test model\n",
                "title: Test model\nintro: " + "[" * 100 + "]" * 100 + "\n",
            ),
            "[",
            strict_yaml.MAX_DEPTH,  # the top-level mapping is the first level
        ),
        f"nesting is deeper than {strict_yaml.MAX_DEPTH} levels; flatten it",
    ),
    "unsupported-schema": (
        *_case(edit(BASE, "schema: 1", "schema: 2"), "2\n"),
        "unsupported format version '2'; this tool reads 'schema: 1'",
    ),
}


@pytest.mark.parametrize("name", list(BATTERY))
def test_malformed_file_gives_a_clean_located_error(tmp_path: Path, name: str) -> None:
    raw, (line, column), message = BATTERY[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(raw)
    result = srm("validate", path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1, result.stderr
    found = error_lines(result.stderr)
    assert (str(path), line, column, message) in found, result.stderr


def test_oversize_file_names_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    limit = strict_yaml.MAX_FILE_BYTES
    head = BASE.encode()
    with path.open("wb") as fh:  # exactly 1 MiB over the limit
        fh.write(head)
        fh.write(b"#" * (limit + 1024 * 1024 - len(head) - 1) + b"\n")
    result = srm("validate", path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    assert error_lines(result.stderr) == [
        (str(path), 1, 1, "the file is 41.0 MiB; the limit is 40 MiB")
    ]


def test_oversize_bytes_are_refused_before_parsing() -> None:
    raw = b"#" * (strict_yaml.MAX_FILE_BYTES + 1)
    with pytest.raises(SrmDataError) as info:
        parse_model(raw, "big.yaml")
    assert info.value.format() == "big.yaml:1:1: error: the file is 40.1 MiB; the limit is 40 MiB"


def test_a_50_mb_file_gets_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fifty.yaml"
    with path.open("wb") as fh:
        fh.write(BASE.encode())
        fh.write(b"# padding\n" * 5_000_000)
    result = srm("validate", path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert error_lines(result.stderr) == [
        (str(path), 1, 1, "the file is 47.7 MiB; the limit is 40 MiB")
    ]


def test_file_at_the_size_limit_is_read() -> None:
    padding = strict_yaml.MAX_FILE_BYTES - len(BASE.encode())
    raw = BASE.encode() + b"#" * (padding - 1) + b"\n"
    assert len(raw) == strict_yaml.MAX_FILE_BYTES
    assert parse_model(raw).title == "Test model"


def test_directory_as_file_is_a_usage_error(tmp_path: Path) -> None:
    result = srm("validate", tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{tmp_path}:1:1: error: cannot read the file: ")
    assert "directory" in line.lower()


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    result = srm("validate", missing)
    assert "Traceback" not in result.stderr
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{missing}:1:1: error: cannot read the file: No such file or directory"
    ]


def test_unreadable_file_raises_input_error_in_process(tmp_path: Path) -> None:
    with pytest.raises(SrmInputError) as info:
        load_model(tmp_path / "absent.yaml")
    [diagnostic] = info.value.diagnostics
    assert (diagnostic.line, diagnostic.column) == (1, 1)


def _messages(tmp_path: Path, text: str) -> list[str]:
    """What ``srm validate`` says of ``text`` (which must fail): the error messages."""
    path = tmp_path / "srm_data.yaml"
    path.write_text(text, encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1, result.stderr
    return [message for *_, message in error_lines(result.stderr)]


def test_rows_are_still_checked_when_another_top_level_key_is_wrong(tmp_path: Path) -> None:
    text = edit(BASE, "title: Test model\n", "title: ''\n")
    text = edit(text, "    category: app\n", "    category: ap\n")
    assert _messages(tmp_path, text) == [
        "empty text for 'title': write it out (rule 5)",
        "unknown category 'ap' (did you mean 'app'?)",
    ]


def test_rows_are_still_checked_when_a_declaration_is_wrong(tmp_path: Path) -> None:
    # A party with a typo in its body, a capability without a name and a row that names an
    # undeclared category: one run reports all three, and the rows naming the damaged
    # party and capability are not flagged for it.
    text = edit(BASE, "    name: Atlassian\n", "    name: Atlassian\n    possesive: Its\n")
    text = edit(text, "    name: Custom UI\n", "    status: beta\n")
    text = edit(text, "    category: app\n", "    category: ap\n")
    assert _messages(tmp_path, text) == [
        "unknown key 'possesive' (did you mean 'possessive'?)",
        "missing required key 'name'",
        "unknown category 'ap' (did you mean 'app'?)",
    ]


def test_a_section_over_its_limit_is_one_error_not_one_per_row(tmp_path: Path) -> None:
    text = generate(rows=30, capabilities=schema.MAX_COLUMNS)
    extra = f"  cap-{schema.MAX_COLUMNS + 1}:\n    name: One too many\n"
    text = edit(text, "\ncapabilities:\n", "\ncapabilities:\n" + extra)  # the rows lack it
    assert _messages(tmp_path, text) == [
        f"'capabilities' has too many entries: at most {schema.MAX_COLUMNS}"
    ]


# -- issue 14: invisible line breaks, reserved ids, whole numbers, the length of the list --


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\x85"])
def test_line_breaks_editors_do_not_show_are_refused(tmp_path: Path, char: str) -> None:
    """To YAML they end a line, to editors they do not: the "comment" below holds a live
    owner, and every later line number would be off by one."""
    text = edit(
        BASE, "      web-triggers: you\n", f"      # web-triggers: you{char}web-triggers: you\n"
    )
    bad = tmp_path / "srm_data.yaml"
    bad.write_bytes(text.encode("utf-8"))
    result = srm("validate", bad)
    assert result.returncode == 1
    line, column = at(text, char)
    ((_, got_line, got_column, message),) = error_lines(result.stderr)
    assert (got_line, got_column) == (line, column)
    assert f"U+{ord(char):04X}" in message and "line break to YAML" in message
    if char == "\x85":
        return  # a control character: no text may hold it, escaped or not
    # Written as an escape in a double-quoted text, it is a character like any other.
    escaped = edit(BASE, "title: Test model", f'title: "Test{char!r}"'.replace("'", ""))
    assert char in parse_model(escaped.encode(), "ok.yaml").title


@pytest.mark.parametrize("where", ["responsibility", "capability", "party", "alias"])
def test_ids_that_name_a_generated_page_are_refused(tmp_path: Path, where: str) -> None:
    text = {
        "responsibility": edit(BASE, "  authentication:\n", "  index:\n"),
        "capability": BASE.replace("custom-ui", "index"),
        "party": BASE.replace("atlassian", "index"),
        "alias": BASE + "    aliases: [index]\n",
    }[where]
    bad = tmp_path / "srm_data.yaml"
    bad.write_text(text, encoding="utf-8")
    result = srm("validate", bad)
    assert result.returncode == 1, where
    messages = [m for _, _, _, m in error_lines(result.stderr)]
    assert "id 'index' is reserved: the generated site has a page of that name" in messages[0]
    assert "Traceback" not in result.stderr
    assert "index" in schema.RESERVED_IDS


def test_the_json_schema_refuses_reserved_ids_too() -> None:
    doc = schema.json_schema()
    for section in ("parties", "capabilities", "categories", "responsibilities"):
        assert doc["properties"][section]["propertyNames"]["not"] == {"enum": ["index"]}


@pytest.mark.parametrize("value", ["1_0", "5.0", "+5", "0x10", " 7", "\u0665", "1e2"])
def test_a_whole_number_is_written_with_digits_only(value: str) -> None:
    """What the JSON Schema (type: integer, in editors) refuses, the loader refuses."""
    text = edit(
        BASE, "title: Test model\n", f'title: Test model\nreview_interval_days: "{value}"\n'
    )
    with pytest.raises(SrmDataError) as caught:
        parse_model(text.encode(), "srm_data.yaml")
    assert "must be a whole number written with digits only" in caught.value.format()
    good = edit(BASE, "title: Test model\n", "title: Test model\nreview_interval_days: 90\n")
    assert parse_model(good.encode(), "srm_data.yaml").review_interval_days == 90


def test_a_long_list_of_problems_is_cut_with_a_count(tmp_path: Path) -> None:
    rows = "".join(
        f"  Row_{i}:\n    name: R\n    category: app\n    owners: {{custom-ui: atlassian,"
        f" web-triggers: you}}\n    duties: {{atlassian: [a], you: [b]}}\n"
        for i in range(1000)
    )
    bad = tmp_path / "srm_data.yaml"
    bad.write_text(BASE + rows, encoding="utf-8")
    result = srm("validate", bad)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[-1] == "1000 errors"
    assert len(lines) == 202  # 200 problems, the line saying how many more, the count
    assert LINE.match(lines[200]), lines[200]
    assert lines[200].endswith(
        "error: 800 more problems from here on are not listed; fix the ones above first"
    )


# -- repeated ids: each block's problems where they are, all in one run ---------------------


def test_a_repeated_row_id_keeps_each_rows_errors_on_its_own_lines() -> None:
    second = BASE[BASE.index("  authentication:") :]
    second = edit(second, "category: app", "category: apq")
    second = edit(second, "web-triggers: you", "web-triggers: yuo")
    text = edit(BASE, "    category: app\n", "    category: apx\n") + second
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (*at(text, "apx"), "unknown category 'apx' (did you mean 'app'?)"),
        (
            *at(text, "authentication:", 2),
            "duplicate key 'authentication' (first defined at line 17)",
        ),
        (*at(text, "apq"), "unknown category 'apq' (did you mean 'app'?)"),
        (*at(text, "yuo"), "unknown party 'yuo' (did you mean 'you'?)"),
        (
            *at(text, "you:", 3),
            "You owns no capability in this row, so it cannot have duties here",
        ),
    ]


def test_a_malformed_repeated_block_is_reported_where_it_is() -> None:
    text = edit(
        BASE,
        "  you:\n    name: You\n",
        "  you:\n    name: You\n  atlassian:\n    nme: Atlassian\n",
    )
    text = edit(text, "    name: Custom UI\n", "    name: Custom UI\n    descripton: x\n")
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (*at(text, "atlassian:", 2), "duplicate key 'atlassian' (first defined at line 4)"),
        (*at(text, "atlassian:", 2), "missing required key 'name'"),
        (*at(text, "nme"), "unknown key 'nme' (did you mean 'name'?)"),
        (*at(text, "descripton"), "unknown key 'descripton' (did you mean 'description'?)"),
    ]


def test_a_row_with_a_problem_of_shape_still_has_its_other_problems_reported() -> None:
    text = edit(BASE, "    name: Authentication\n", "    name: Authentication\n    descripton: x\n")
    text = edit(text, "web-triggers: you", "web-triggers: yuo")
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (*at(text, "descripton"), "unknown key 'descripton' (did you mean 'description'?)"),
        (*at(text, "yuo"), "unknown party 'yuo' (did you mean 'you'?)"),
        (*at(text, "you:", 2), "You owns no capability in this row, so it cannot have duties here"),
    ]


def test_a_repeated_row_with_a_missing_name_still_has_its_other_problems_reported() -> None:
    second = BASE[BASE.index("  authentication:") :]
    second = edit(second, "    name: Authentication\n", "")
    second = edit(second, "category: app", "category: apq")
    text = BASE + second
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (
            *at(text, "authentication:", 2),
            "duplicate key 'authentication' (first defined at line 17)",
        ),
        (*at(text, "authentication:", 2), "missing required key 'name'"),
        (*at(text, "apq"), "unknown category 'apq' (did you mean 'app'?)"),
    ]


def test_a_row_whose_owners_are_malformed_is_not_judged_on_coverage() -> None:
    owners = "      custom-ui: atlassian\n      web-triggers: you\n"
    text = edit(BASE, owners, "      - atlassian\n")
    text = edit(text, "category: app", "category: apq")
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode())
    assert [(d.line, d.column, d.message) for d in info.value.diagnostics] == [
        (*at(text, "apq"), "unknown category 'apq' (did you mean 'app'?)"),
        (*at(text, "- atlassian"), "'owners' must be a mapping, got a list"),
    ]
