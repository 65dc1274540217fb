"""The loader's limits: a file at a limit loads, one step beyond gets one clear, located
error (``FILE:LINE:COLUMN: error: …``; a list or mapping with too many entries is located
at its first entry), and pathological files end quickly and cleanly.

File size and flow-style nesting are tested in ``test_load_errors.py``; rows, columns,
parties, duties, text, name, status, id and URL lengths and block-style nesting here.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from srm_handbook.core import schema, strict_yaml
from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model

from ..hostile_payloads import minimal_document, to_yaml

Doc = dict[str, Any]


def load_errors(doc: Doc | str) -> list[tuple[int, str]]:
    """(line, message) of every error, or [] when the document loads."""
    text = doc if isinstance(doc, str) else to_yaml(doc)
    try:
        parse_model(text.encode("utf-8"), "limits.yaml")
    except SrmDataError as exc:
        return [(d.line, d.message) for d in exc.diagnostics]
    return []


def line_of(doc: Doc, needle: str) -> int:
    lines = to_yaml(doc).splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def _row(doc: Doc) -> Doc:
    row: Doc = doc["responsibilities"]["secrets"]
    return row


# --- Lengths of texts, names, statuses, ids and URLs ---------------------------------------

NAME = schema.MAX_NAME_LENGTH
TEXT = schema.MAX_TEXT_LENGTH
STATUS = 40


def _set_title(doc: Doc, value: str) -> None:
    doc["title"] = value


def _set_party_name(doc: Doc, value: str) -> None:
    doc["parties"]["you"]["name"] = value


def _set_possessive(doc: Doc, value: str) -> None:
    doc["parties"]["you"]["possessive"] = value


def _set_capability_name(doc: Doc, value: str) -> None:
    doc["capabilities"]["api"]["name"] = value


def _set_status(doc: Doc, value: str) -> None:
    doc["capabilities"]["api"]["status"] = value


def _set_category_name(doc: Doc, value: str) -> None:
    doc["categories"]["general"]["name"] = value


def _set_row_name(doc: Doc, value: str) -> None:
    _row(doc)["name"] = value


def _set_reference_title(doc: Doc, value: str) -> None:
    _row(doc)["references"] = [{"title": value, "url": "https://example.com/"}]


def _set_intro(doc: Doc, value: str) -> None:
    doc["intro"] = value


def _set_party_description(doc: Doc, value: str) -> None:
    doc["parties"]["you"]["description"] = value


def _set_capability_description(doc: Doc, value: str) -> None:
    doc["capabilities"]["api"]["description"] = value


def _set_category_description(doc: Doc, value: str) -> None:
    doc["categories"]["general"]["description"] = value


def _set_row_description(doc: Doc, value: str) -> None:
    _row(doc)["description"] = value


def _set_duty_text(doc: Doc, value: str) -> None:
    _row(doc)["duties"]["you"] = [value]


def _set_scoped_duty_text(doc: Doc, value: str) -> None:
    _row(doc)["duties"]["you"] = [{"text": value, "capabilities": ["api"]}]


def _set_url(doc: Doc, value: str) -> None:
    _row(doc)["references"] = [{"title": "A reference", "url": value}]


Setter = Callable[[Doc, str], None]

LENGTHS: dict[str, tuple[Setter, str, int]] = {
    "title": (_set_title, "title", NAME),
    "party name": (_set_party_name, "name", NAME),
    "possessive": (_set_possessive, "possessive", NAME),
    "capability name": (_set_capability_name, "name", NAME),
    "status": (_set_status, "status", STATUS),
    "category name": (_set_category_name, "name", NAME),
    "responsibility name": (_set_row_name, "name", NAME),
    "reference title": (_set_reference_title, "title", NAME),
    "intro": (_set_intro, "intro", TEXT),
    "party description": (_set_party_description, "description", TEXT),
    "capability description": (_set_capability_description, "description", TEXT),
    "category description": (_set_category_description, "description", TEXT),
    "responsibility description": (_set_row_description, "description", TEXT),
    "duty text": (_set_duty_text, "text", TEXT),
    "scoped duty text": (_set_scoped_duty_text, "text", TEXT),
}


def _text_of_length(n: int) -> str:
    """Words (not one run of letters), ending in a non-ASCII letter: lengths count
    characters, not bytes."""
    words = ("Rotate the keys every quarter. " * (n // 31 + 1))[: n - 1]
    return words + "é"


@pytest.mark.parametrize("field", list(LENGTHS))
def test_text_lengths_up_to_the_limit_load_and_one_more_is_refused(field: str) -> None:
    setter, key, limit = LENGTHS[field]
    at_limit = minimal_document("Limits")
    setter(at_limit, _text_of_length(limit))
    assert load_errors(at_limit) == []

    beyond = minimal_document("Limits")
    value = _text_of_length(limit + 1)
    setter(beyond, value)
    assert load_errors(beyond) == [
        (line_of(beyond, value[:30]), f"{key!r} is too long: at most {limit} characters")
    ]


def test_url_length_limit() -> None:
    base = "https://example.com/"
    at_limit = minimal_document("Limits")
    _set_url(at_limit, base + "a" * (2048 - len(base)))
    assert load_errors(at_limit) == []
    beyond = minimal_document("Limits")
    _set_url(beyond, base + "a" * (2049 - len(base)))
    assert load_errors(beyond) == [
        (line_of(beyond, base), "'url' is too long: at most 2048 characters")
    ]


def test_id_length_limit() -> None:
    at_limit = minimal_document("Limits")
    at_limit["parties"]["p" * schema.MAX_ID_LENGTH] = {"name": "Long"}
    assert load_errors(at_limit) == []
    long_id = "p" * (schema.MAX_ID_LENGTH + 1)
    beyond = minimal_document("Limits")
    beyond["parties"][long_id] = {"name": "Long"}
    [(line, message)] = load_errors(beyond)
    assert line == line_of(beyond, long_id)
    assert message.endswith(f"is too long: at most {schema.MAX_ID_LENGTH} characters")


# --- Numbers of rows, columns, parties and duties -------------------------------------------


def _with_rows(n: int) -> str:
    """A file with ``n`` responsibilities, written compactly (flow style)."""
    doc = minimal_document("Many rows")
    head = to_yaml({k: v for k, v in doc.items() if k != "responsibilities"})
    row = (
        '{"name": "Row", "category": "general", "owners": {"api": "you"}, '
        '"duties": {"you": ["Do it."]}}'
    )
    rows = "".join(f'  "r{i}": {row}\n' for i in range(n))
    return head + '"responsibilities":\n' + rows


def test_rows_up_to_the_limit_load_and_one_more_is_refused() -> None:
    assert load_errors(_with_rows(schema.MAX_ROWS)) == []
    text = _with_rows(schema.MAX_ROWS + 1)
    line = text.splitlines().index('"responsibilities":') + 2  # the mapping's first entry
    assert load_errors(text) == [
        (line, f"'responsibilities' has too many entries: at most {schema.MAX_ROWS}")
    ]


def _with_capabilities(n: int) -> Doc:
    doc = minimal_document("Many columns")
    doc["capabilities"] = {f"c{i}": {"name": f"Capability {i}"} for i in range(n)}
    _row(doc)["owners"] = {f"c{i}": "you" for i in range(n)}
    return doc


def test_capabilities_up_to_the_limit_load_and_one_more_is_refused() -> None:
    assert load_errors(_with_capabilities(schema.MAX_COLUMNS)) == []
    beyond = _with_capabilities(schema.MAX_COLUMNS + 1)
    assert load_errors(beyond) == [
        (
            line_of(beyond, '"capabilities":') + 1,
            f"'capabilities' has too many entries: at most {schema.MAX_COLUMNS}",
        )
    ]


def _with_parties(n: int) -> Doc:
    doc = minimal_document("Many parties")
    doc["parties"] = {"you": {"name": "You"}, **{f"p{i}": {"name": f"P{i}"} for i in range(n - 1)}}
    return doc


def test_parties_up_to_the_limit_load_and_one_more_is_refused() -> None:
    assert load_errors(_with_parties(schema.MAX_PARTIES)) == []
    beyond = _with_parties(schema.MAX_PARTIES + 1)
    assert load_errors(beyond) == [
        (
            line_of(beyond, '"parties":') + 1,
            f"'parties' has too many entries: at most {schema.MAX_PARTIES}",
        )
    ]


def _with_duties(n: int) -> Doc:
    doc = minimal_document("Many duties")
    _row(doc)["duties"]["you"] = [f"Duty number {i}." for i in range(n)]
    return doc


def test_duties_per_party_up_to_the_limit_load_and_one_more_is_refused() -> None:
    assert load_errors(_with_duties(schema.MAX_DUTIES_PER_PARTY)) == []
    beyond = _with_duties(schema.MAX_DUTIES_PER_PARTY + 1)
    assert load_errors(beyond) == [
        (
            line_of(beyond, "Duty number 0."),
            f"'you' has too many entries: at most {schema.MAX_DUTIES_PER_PARTY}",
        )
    ]


# --- Nesting and pathological files -------------------------------------------------------


def test_block_style_nesting_beyond_the_limit_is_refused_at_its_level() -> None:
    doc = to_yaml(minimal_document("Deep"))
    deep = "".join("  " * (i + 1) + f"k{i}:\n" for i in range(100)) + "  " * 101 + "x\n"
    text = doc + "intro:\n" + deep
    errors = load_errors(text)
    first_line = text.splitlines().index("intro:") + 1
    # The document is level 1, intro's mapping (line k0) level 2, k<i>'s mapping level
    # i + 3: the first level too deep is k30's, on line k31.
    assert errors == [
        (
            first_line + strict_yaml.MAX_DEPTH,
            f"nesting is deeper than {strict_yaml.MAX_DEPTH} levels; flatten it",
        )
    ]


def _pathological() -> dict[str, str]:
    doc = to_yaml(minimal_document("Pathological"))
    laughs = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join(["*" + chr(97 + i)] * 9) + "]\n"
        for i in range(8)
    )
    return {
        "billion laughs": laughs,
        "200k nested flow lists": doc + "intro: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "2000 nested block mappings": doc
        + "intro:\n"
        + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(2000))
        + "  " * 2001
        + "x\n",
        "a 30 MB title": doc.replace('"Pathological"', '"' + "a" * 30_000_000 + '"'),
        "3 million flow items on one line": doc + "intro: [" + "x, " * 3_000_000 + "x]\n",
        "100k keys in one mapping": doc
        + "extra:\n"
        + "".join(f"  k{i}: v\n" for i in range(100_000)),
    }


@pytest.mark.parametrize("name", list(_pathological()))
def test_pathological_files_end_quickly_with_clean_errors(name: str, tmp_path: Path) -> None:
    """Each must end (the timeout only guards against a hang) with exit 1, clean located
    errors and no traceback."""
    path = tmp_path / "pathological.yaml"
    path.write_text(_pathological()[name], encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "srm_handbook.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert lines[-1].endswith(("error", "errors"))
    for line in lines[:-1]:
        assert line.startswith(f"{path}:") and ": error: " in line, line


# -- issue 14: the work is bounded, not only the bytes -------------------------------------


def _flow_items(count: int, per_list: int, depth: int) -> str:
    """An unknown key holding ``count`` one-character items in flow lists of at most
    ``per_list`` items, each list ``depth`` levels below the key."""
    group = "[" * (depth - 1) + ",".join(["a"] * per_list) + "]" * (depth - 1)
    groups = max(1, count // per_list)
    return "x: [" + ",".join([group] * groups) + "]\n"


def test_a_list_longer_than_any_model_has_is_refused_where_it_gets_too_long() -> None:
    doc = to_yaml(minimal_document("Long list"))
    items = strict_yaml.MAX_ENTRIES + 1
    text = doc + "x: [" + ",".join(["a"] * items) + "]\n"
    ((line, message),) = load_errors(text)
    assert line == doc.count("\n") + 1
    assert message.startswith(f"a list with more than {strict_yaml.MAX_ENTRIES:,} entries")
    mapping = doc + "x: {" + ",".join(f"k{i}: a" for i in range(items)) + "}\n"
    ((_, message),) = load_errors(mapping)
    assert message.startswith(f"a mapping with more than {strict_yaml.MAX_ENTRIES:,} entries")
    # At the limit the YAML is read, and the schema says what is wrong.
    at_limit = doc + "x: [" + ",".join(["a"] * strict_yaml.MAX_ENTRIES) + "]\n"
    assert [m for _, m in load_errors(at_limit)] == [m for _, m in load_errors(doc + "x: [a]\n")]


def test_the_number_of_yaml_nodes_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lists short and shallow enough to pass the other limits, but too many nodes in
    all: refused when the budget is spent (here a small one, to keep the test fast; the
    real one is measured by scripts/bench_hostile_load.py)."""
    doc = to_yaml(minimal_document("Many nodes"))
    events = sum(1 for _ in yaml.parse(doc, Loader=yaml.SafeLoader))
    assert strict_yaml.MAX_FILE_BYTES // strict_yaml.MAX_EVENTS == 10  # 10 bytes a node
    monkeypatch.setattr(strict_yaml, "MAX_EVENTS", events + 1000)
    ((_, under),) = load_errors(doc + _flow_items(400, per_list=100, depth=3))
    assert under.startswith("unknown key 'x'")
    ((_, over),) = load_errors(doc + _flow_items(2000, per_list=100, depth=3))
    assert over.startswith("more than ") and "YAML values and collections" in over


def test_a_flood_of_yaml_problems_stops_reading() -> None:
    doc = to_yaml(minimal_document("Duplicates"))
    text = doc + "x: {" + ", ".join(["a: a"] * 100_000) + "}\n"
    errors = load_errors(text)
    assert len(errors) == strict_yaml.MAX_PROBLEMS + 1
    assert errors[-1][1] == (
        f"more than {strict_yaml.MAX_PROBLEMS:,} problems in the YAML; reading stopped here"
    )


def test_the_hostile_shapes_of_issue_14_are_refused_quickly(tmp_path: Path) -> None:
    """The review's shapes at 4 MiB (they took 18 s and 1 GB to end in "unknown key"):
    each now ends at the limit it breaks, long before its end."""
    doc = to_yaml(minimal_document("Hostile"))
    size = 4 * 2**20
    shapes = {
        "flat": doc + "x: [" + ",".join(["a"] * (size // 2)) + "]\n",
        "nested 30 deep": doc + _flow_items(size // 2, per_list=1000, depth=30),
        "block": doc + "x:\n" + "- a\n" * (size // 4),
    }
    for name, text in shapes.items():
        path = tmp_path / "hostile.yaml"
        path.write_text(text, encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "srm_handbook.cli", "validate", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1, name
        assert "Traceback" not in result.stderr
        message = result.stderr.splitlines()[0]
        assert "reading stopped here" in message or "nesting is deeper" in message, message
