"""Property tests of the loader: whatever the bytes, a model or clean located errors.

(a) random YAML-ish documents, (b) mutations of the frozen Forge model, (c) valid edits
whose strings must come back exactly, (d) the synthetic generator always yields valid
data. Runs are derandomised (same examples every run) and keep no example database, so
CI is deterministic.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srm_handbook.core import schema, strict_yaml, synthetic
from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DATA = (FIXTURES / "forge.yaml").read_bytes()  # the frozen Forge model
DATA_TEXT = DATA.decode("utf-8")

FUZZ = settings(
    max_examples=400,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Line breaks as libyaml counts them (YAML 1.1 also breaks lines at NEL, LS and PS).
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def check_outcome(raw: bytes) -> Srm | None:
    """The loader's contract: a model, or SrmDataError with only well-formed diagnostics."""
    try:
        return parse_model(raw, "fuzz.yaml")
    except SrmDataError as exc:
        assert exc.diagnostics, "an error without diagnostics"
        text = raw.decode("utf-8", errors="replace")
        last_line = sum(text.count(b) for b in _BREAKS) + 1
        for d in exc.diagnostics:
            assert d.path == "fuzz.yaml"
            assert 1 <= d.line <= last_line, d
            assert d.column >= 1, d
            assert d.message.strip(), d
            assert len(d.format().splitlines()) == 1, d
        return None


# -- (a) random YAML-ish documents -------------------------------------------------------------

# Words of the format, so that random documents get past the first checks now and then.
WORDS = sorted(
    {
        *(f.alias or name for name, f in schema.SrmDocument.model_fields.items()),
        *schema.Party.model_fields,
        *schema.Capability.model_fields,
        *schema.Responsibility.model_fields,
        *schema.Duty.model_fields,
        *schema.Reference.model_fields,
        "atlassian",
        "you",
        "custom-ui",
        "web-triggers",
        "app",
        "n/a",
        "1",
        "no",
        "<<",
        "",
    }
)
scalars = st.one_of(
    st.text(max_size=12),
    st.sampled_from(WORDS),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False),
)
trees = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(WORDS) | st.text(max_size=8), children, max_size=5),
    ),
    max_leaves=40,
)
YAML_CHARS = [*":-[]{}&*!|>'\"%@`#,?\n\t ", "  ", "\n  ", "- ", ": ", "---\n", "a", "1"]
noise = st.lists(st.sampled_from(YAML_CHARS) | st.text(max_size=3), max_size=6).map("".join)


@FUZZ
@given(tree=trees, flow=st.booleans(), prefix=noise, suffix=noise)
def test_random_yaml_documents_load_or_fail_cleanly(
    tree: Any, flow: bool, prefix: str, suffix: str
) -> None:
    dumped = yaml.safe_dump(tree, default_flow_style=flow, allow_unicode=True)
    check_outcome((prefix + dumped + suffix).encode("utf-8"))


@FUZZ
@given(
    header=st.dictionaries(st.sampled_from(WORDS), trees, max_size=6),
    rows=st.dictionaries(st.sampled_from(WORDS) | st.just("row"), trees, max_size=3),
)
def test_format_shaped_documents_load_or_fail_cleanly(
    header: dict[str, Any], rows: dict[str, Any]
) -> None:
    document = {
        "schema": 1,
        "title": "T",
        "parties": {"you": {"name": "You"}},
        "capabilities": {"web-triggers": {"name": "Web triggers"}},
        "categories": {"app": {"name": "App"}},
        **header,
        "responsibilities": {"row": {"name": "R", "category": "app", **rows}},
    }
    check_outcome(yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


# -- (b) mutations of the real file ------------------------------------------------------------

byte_edit = st.tuples(
    st.sampled_from(["delete", "insert", "replace"]),
    st.integers(min_value=0, max_value=len(DATA) - 1),
    st.integers(min_value=1, max_value=16),
    st.binary(min_size=1, max_size=8)
    | st.sampled_from(
        [b":", b"- ", b"\n", b"  ", b"\t", b"[", b"&a", b"*a", b"!!", b'"', b"\xff", b"\x00"]
    ),
)


@FUZZ
@given(edits=st.lists(byte_edit, min_size=1, max_size=4))
def test_byte_mutations_of_the_data_load_or_fail_cleanly(
    edits: list[tuple[str, int, int, bytes]],
) -> None:
    raw = DATA
    for op, where, size, data in edits:
        where %= len(raw) or 1
        if op == "delete":
            raw = raw[:where] + raw[where + size :]
        elif op == "insert":
            raw = raw[:where] + data + raw[where:]
        else:
            raw = raw[:where] + data + raw[where + len(data) :]
    check_outcome(raw)


LINES = DATA_TEXT.splitlines(keepends=True)
line_edit = st.tuples(
    st.sampled_from(["delete", "duplicate", "move", "indent", "dedent"]),
    st.integers(min_value=0, max_value=len(LINES) - 1),
    st.integers(min_value=0, max_value=len(LINES) - 1),
)


@FUZZ
@given(edits=st.lists(line_edit, min_size=1, max_size=5))
def test_line_mutations_of_the_data_load_or_fail_cleanly(
    edits: list[tuple[str, int, int]],
) -> None:
    lines = list(LINES)
    for op, i, j in edits:
        i %= len(lines)
        j %= len(lines)
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(j, lines[i])
        elif op == "move":
            lines.insert(j, lines.pop(i))
        elif op == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        if not lines:
            break
    check_outcome("".join(lines).encode("utf-8"))


# -- (c) valid edits keep every string exactly ---------------------------------------------------

DUTY_LINE = "        - Authenticate the user before invoking your Forge application.\n"
TITLE_LINE = "\ntitle: Forge shared responsibility model\n"
PARTY_LINE = "    name: Atlassian\n"
assert DATA_TEXT.count(DUTY_LINE) == 1
assert DATA_TEXT.count(TITLE_LINE) == 1
assert DATA_TEXT.count(PARTY_LINE) == 1

# Characters that may appear raw in a UTF-8 YAML file (no controls, surrogates or U+FFFE/F).
# (U+2028 and U+2029 are refused raw: see (e).)
file_text = st.text(
    alphabet=st.characters(
        exclude_categories=["Cc", "Cs"],
        exclude_characters="\ufffe\uffff\ufeff\x85\u2028\u2029",
    ),
    min_size=1,
    max_size=60,
)
# Any string at all, including controls, written with escapes by json.dumps(ensure_ascii=True)
# (BMP only: JSON would write other characters as surrogate pairs).
escaped_text = st.text(
    alphabet=st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]),
    min_size=1,
    max_size=60,
)


CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _duty_text(srm_model: Srm) -> str:
    return srm_model.responsibility["authentication"].duties[0].text


@FUZZ
@given(value=file_text | escaped_text, ascii_only=st.booleans())
def test_quoted_duty_text_comes_back_exactly(value: str, ascii_only: bool) -> None:
    bmp_only = all(ord(c) <= 0xFFFF for c in value)  # else \u escapes would be surrogates
    raw_unsafe = any(
        unicodedata.category(c) == "Cc" or c in "\ufffe\uffff\ufeff\u2028\u2029" for c in value
    )
    quoted = json.dumps(value, ensure_ascii=bmp_only and (ascii_only or raw_unsafe))
    raw = DATA_TEXT.replace(DUTY_LINE, f"        - {quoted}\n").encode("utf-8")
    srm_model = check_outcome(raw)
    if not value.strip():  # a blank duty is an error (rule 5); anything else loads
        assert srm_model is None
        return
    if CONTROL.search(value):  # control characters other than tab and line breaks: refused
        assert srm_model is None
        return
    assert srm_model is not None
    assert _duty_text(srm_model) == value


@FUZZ
@given(value=file_text)
def test_quoted_title_and_party_name_come_back_exactly(value: str) -> None:
    quoted = json.dumps(value, ensure_ascii=False)
    raw = (
        DATA_TEXT.replace(TITLE_LINE, f"\ntitle: {quoted}\n")
        .replace(PARTY_LINE, f"    name: {quoted}\n")
        .encode("utf-8")
    )
    srm_model = check_outcome(raw)
    if not value.strip():
        assert srm_model is None
        return
    assert srm_model is not None
    assert srm_model.title == value
    assert srm_model.party["atlassian"].name == value


# Plain (unquoted) scalars made of what YAML 1.1 would turn into numbers, booleans, dates...
plain_scalar = st.from_regex(
    r"[0-9A-Za-z~.+_:-][0-9A-Za-z~.+_:/ -]{0,14}[0-9A-Za-z~._-]", fullmatch=True
).filter(lambda s: "  " not in s and ": " not in s and not s.endswith(":"))


@FUZZ
@given(
    value=plain_scalar
    | st.sampled_from(
        [
            "no",
            "on",
            "off",
            "yes",
            "0755",
            "1:30",
            "~",
            "null",
            "2021-02-23",
            "1e3",
            ".inf",
            "0x1F",
            "+12",
            "1_000",
        ]
    )
)
def test_plain_scalars_are_never_changed(value: str) -> None:
    raw = DATA_TEXT.replace(DUTY_LINE, f"        - {value}\n").encode("utf-8")
    srm_model = check_outcome(raw)
    if srm_model is not None:  # some plain texts are YAML structure (e.g. "-x: y"): an error
        assert _duty_text(srm_model) == value


# -- (d) the synthetic generator -------------------------------------------------------------------


@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(
    rows=st.integers(min_value=1, max_value=25),
    capabilities=st.integers(min_value=1, max_value=12),
    parties=st.integers(min_value=1, max_value=6),
    seed=st.integers(min_value=0, max_value=2**32),
    categories=st.none() | st.integers(min_value=1, max_value=30),
)
def test_synthetic_data_is_always_valid(
    rows: int, capabilities: int, parties: int, seed: int, categories: int | None
) -> None:
    text = synthetic.generate(rows, capabilities, parties, seed, categories)
    assert text == synthetic.generate(rows, capabilities, parties, seed, categories)
    srm_model = parse_model(text.encode("utf-8"), "synthetic.yaml")
    assert len(srm_model.responsibilities) == rows
    assert len(srm_model.capabilities) == capabilities
    assert len(srm_model.parties) == parties
    expected_categories = synthetic.default_categories(rows) if categories is None else categories
    assert len(srm_model.categories) == expected_categories


# -- (e) issue 14: deep flow collections, invisible line breaks, reserved ids ----------------

# A flow collection nested level by level: each level a list or a one-key mapping, each
# holding a few siblings, so that both depth and width vary.
opener = st.sampled_from(["[", "{k: "])


def _nest(levels: list[str], width: int) -> str:
    inner = ",".join(["a"] * width)
    for level in reversed(levels):
        inner = f"[{inner}, b]" if level == "[" else f"{{k: {inner}, j: b}}"
    return inner


@FUZZ
@given(
    levels=st.lists(opener, min_size=1, max_size=3 * strict_yaml.MAX_DEPTH),
    width=st.integers(min_value=1, max_value=40),
    where=st.sampled_from(["unknown key", "duty", "intro", "owners"]),
)
def test_deep_flow_collections_end_with_one_clear_error(
    levels: list[str], width: int, where: str
) -> None:
    value = _nest(levels, width)
    if where == "unknown key":
        raw, depth = DATA_TEXT + f"x: {value}\n", 1 + len(levels)
    elif where == "intro":
        raw, depth = DATA_TEXT.replace(TITLE_LINE, f"{TITLE_LINE}intro: {value}\n"), 1 + len(levels)
    elif where == "duty":  # the duty list is at level 5: the value adds its own levels
        raw, depth = DATA_TEXT.replace(DUTY_LINE, f"        - {value}\n"), 5 + len(levels)
    else:
        owners = "      custom-ui: atlassian\n"
        raw = DATA_TEXT.replace(owners, f"      custom-ui: {value}\n", 1)
        depth = 4 + len(levels)
    assert check_outcome(raw.encode("utf-8")) is None
    with_errors = _errors(raw)
    if depth > strict_yaml.MAX_DEPTH:
        assert any("nesting is deeper than" in m for m in with_errors), with_errors
    else:
        assert not any("nesting" in m for m in with_errors), with_errors


def _errors(raw: str) -> list[str]:
    try:
        parse_model(raw.encode("utf-8"), "fuzz.yaml")
    except SrmDataError as exc:
        return [d.message for d in exc.diagnostics]
    return []


@FUZZ
@given(
    where=st.integers(min_value=0, max_value=len(DATA_TEXT)),
    char=st.sampled_from(["\u2028", "\u2029", "\x85"]),
    copies=st.integers(min_value=1, max_value=3),
)
def test_invisible_line_breaks_are_refused_where_they_are(
    where: int, char: str, copies: int
) -> None:
    """Anywhere in the file, raw: refused, located by the lines an editor shows."""
    text = DATA_TEXT[:where] + char * copies + DATA_TEXT[where:]
    try:
        parse_model(text.encode("utf-8"), "fuzz.yaml")
    except SrmDataError as exc:
        line = text.count("\n", 0, where) + 1
        column = where - (text.rfind("\n", 0, where) + 1) + 1
        first = exc.diagnostics[0]
        assert (first.line, first.column) == (line, column), first
        assert f"U+{ord(char):04X}" in first.message
        assert len(exc.diagnostics) == copies
    else:
        raise AssertionError("a raw invisible line break was accepted")


# The line defining an id in each section (at the start of a line, two spaces in).
SECTIONS = {
    "parties": [f"\n  {pid}:\n" for pid in ("atlassian", "you")],
    "capabilities": ["\n  custom-ui:\n", "\n  web-triggers:\n", "\n  ui-kit:\n"],
    "responsibilities": ["\n  authentication:\n"],
}


@FUZZ
@given(
    key=st.sampled_from([k for keys in SECTIONS.values() for k in keys]),
    reserved=st.sampled_from(schema.RESERVED_IDS),
    also_alias=st.booleans(),
)
def test_reserved_ids_are_refused_in_every_section(
    key: str, reserved: str, also_alias: bool
) -> None:
    assert DATA_TEXT.count(key) == 1, key
    text = DATA_TEXT.replace(key, f"\n  {reserved}:\n")
    if also_alias:
        text = DATA_TEXT + f"    aliases: [{reserved}]\n"
    assert check_outcome(text.encode("utf-8")) is None
    messages = _errors(text)
    assert any(f"id {reserved!r} is reserved" in m for m in messages), messages
