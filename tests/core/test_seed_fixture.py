"""The Forge data: the page as published fails the rules (eight gaps); the frozen copy of
the bundled model (tests/fixtures/forge.yaml) is whole.

The expected matrix below is a transcription of the published Forge shared responsibility
model page ("Last updated Feb 23, 2021"), not something computed from the data.
"""

from __future__ import annotations

import re
from pathlib import Path

from srm_handbook.core import strict_yaml
from srm_handbook.core.load import load_model
from srm_handbook.site import exports as export

from ..conftest import ROOT
from ..helpers import LINE, srm

FIXTURE = Path("tests/fixtures/forge_seed_transcription.yaml")
DATA = Path("tests/fixtures/forge.yaml")  # srm_data.yaml as bundled, frozen

A, Y, AY = "Atlassian", "You", "Atlassian & You"

# Columns: Custom UI | UI kit (beta) | Web triggers (beta)
SEED_MATRIX: list[tuple[str, list[tuple[str, tuple[str, str, str]]]]] = [
    (
        "App elements",
        [
            ("Authentication of requests to the app", (A, A, Y)),
            ("Authorization of requests to the app", (AY, AY, Y)),
            ("Input validation and output encoding", (Y, AY, Y)),
            ("Application logic", (Y, Y, Y)),
            ("Application framework", (AY, A, A)),
            ("Data storage", (AY, AY, AY)),
            ("Software development lifecycle (SDLC) activities", (AY, AY, AY)),
            ("Tenant safety", (A, A, A)),
        ],
    ),
    (
        "Operational elements",
        [
            ("Logging", (AY, AY, AY)),
            ("Monitoring and alerting", (A, A, A)),
            ("Network security", (A, A, A)),
            ("Runtime/Server security", (A, A, A)),
            ("Vulnerability management and disclosure", (AY, AY, AY)),
            ("Bug bounty", (AY, AY, AY)),
            ("Security incident response", (AY, AY, AY)),
            ("Disaster recovery", (AY, AY, AY)),
        ],
    ),
    (
        "Security features",
        [
            ("User identity and access management", (A, A, A)),
            ("DoS protection", (A, A, A)),
            ("Abuse prevention", (A, A, A)),
        ],
    ),
]

# The rows whose published sections are empty or missing, and the party concerned.
SEED_GAPS = [
    ("authentication", "you"),
    ("input-validation", "you"),
    ("application-logic", "you"),
    ("sdlc", "atlassian"),
    ("vulnerability-management", "you"),
    ("bug-bounty", "you"),
    ("incident-response", "atlassian"),
    ("identity-access-management", "atlassian"),
]


def row_ranges(path: Path) -> dict[str, range]:
    """Line ranges of each responsibility (from its key to the line before the next)."""
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    start = lines.index("responsibilities:")
    keys = [
        (i + 1, m[1])
        for i, text in enumerate(lines)
        if i > start and (m := re.fullmatch(r"  ([a-z0-9-]+):\s*", text))
    ]
    ends = [line for line, _ in keys[1:]] + [len(lines) + 1]
    return {rid: range(line, end) for (line, rid), end in zip(keys, ends, strict=True)}


# -- the published page, gaps included --------------------------------------------------------


def test_seed_transcription_reports_exactly_the_eight_gaps_one_per_row() -> None:
    result = srm("validate", FIXTURE)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    *lines, count = result.stderr.splitlines()
    assert count == "8 errors"
    assert len(lines) == 8
    ranges = row_ranges(FIXTURE)
    assert len(ranges) == 19
    for text, (rid, party) in zip(lines, SEED_GAPS, strict=True):
        match = LINE.match(text)
        assert match, text
        assert match["path"] == str(FIXTURE)
        assert int(match["line"]) in ranges[rid], f"{text} is not inside the row {rid!r}"
        assert int(match["column"]) > 1
        other = "atlassian" if party == "you" else "you"
        message = match["message"]
        assert f"'{party}'" in message or f"duties.{party}" in message, message
        assert f"'{other}'" not in message and f"duties.{other}" not in message, message


def test_seed_transcription_errors_point_at_the_gap() -> None:
    lines = (ROOT / FIXTURE).read_text(encoding="utf-8").splitlines()
    result = srm("validate", FIXTURE)
    for text in result.stderr.splitlines()[:-1]:
        match = LINE.match(text)
        assert match, text
        source = lines[int(match["line"]) - 1]
        at_column = source[int(match["column"]) - 1 :]
        # an empty list ("you: []") or, for the missing party, the row's duties key
        assert at_column == "[]" or at_column == "duties:", (text, source)


def test_seed_transcription_matrix_is_the_page_matrix() -> None:
    parsed = strict_yaml.parse((ROOT / FIXTURE).read_text(encoding="utf-8"))
    assert parsed.problems == []
    data = parsed.data
    names = {pid: party["name"] for pid, party in data["parties"].items()}
    rows = []
    for row in data["responsibilities"].values():
        cells = []
        for cell in row["owners"].values():
            owners = [cell] if isinstance(cell, str) else cell
            cells.append(" & ".join(names[p] for p in names if p in owners))
        rows.append((row["name"], tuple(cells)))
    assert rows == [row for _, group in SEED_MATRIX for row in group]


# -- the bundled model (frozen), complete ---------------------------------------------------


def test_forge_model_is_valid() -> None:
    result = srm("validate", DATA)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout
        == "tests/fixtures/forge.yaml: valid: 19 responsibilities, 57 cells, 64 duties\n"
    )
    assert result.stderr == ""


def test_forge_model_has_19_rows_and_57_cells() -> None:
    srm_model = load_model(ROOT / DATA)
    assert len(srm_model.responsibilities) == 19
    assert sum(len(r.owners) for r in srm_model.responsibilities) == 57
    assert [(c.id, c.name, c.status) for c in srm_model.capabilities] == [
        ("custom-ui", "Custom UI", None),
        ("ui-kit", "UI kit", "beta"),
        ("web-triggers", "Web triggers", "beta"),
    ]
    assert [p.name for p in srm_model.parties] == ["Atlassian", "You"]


def test_forge_matrix_is_the_page_matrix() -> None:
    srm_model = load_model(ROOT / DATA)
    matrix = [
        (
            category.name,
            [
                (
                    row.name,
                    tuple(
                        export.owners_label(srm_model, row.owners[c.id])
                        for c in srm_model.capabilities
                    ),
                )
                for row in rows
            ],
        )
        for category, rows in srm_model.by_category
    ]
    assert matrix == SEED_MATRIX


def test_forge_model_fills_every_gap_of_the_page() -> None:
    srm_model = load_model(ROOT / DATA)
    for rid, party in SEED_GAPS:
        row = srm_model.responsibility[rid]
        owned = {c for c, owners in row.owners.items() if party in owners}
        covered = {c for d in row.duties_of(party) for c in d.capabilities}
        assert owned and owned <= covered, rid
