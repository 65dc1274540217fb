"""Review dates: ``reviewed`` and ``review_interval_days``, ``srm validate --stale``, and the
"review overdue" flags on responsibility pages and in the matrix."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

from ..conftest import build_site
from ..helpers import srm
from ..history.test_diff import base_model, dump, write


def reviewed_model(interval: int | None = 365, **dates: str) -> dict[str, Any]:
    model = base_model()
    if interval is not None:
        model["review_interval_days"] = interval
    for rid, date in dates.items():
        model["responsibilities"][rid]["reviewed"] = date
    return model


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_stale_lists_overdue_rows_as_located_warnings(tmp_path: Path) -> None:
    path = write(tmp_path / "srm_data.yaml", reviewed_model(authn="2024-01-01"))
    text = path.read_text(encoding="utf-8")
    result = srm("validate", "--stale", "--today", "2025-03-01", path)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    line = line_of(text, "reviewed: ")
    column = text.splitlines()[line - 1].index("2024-01-01")  # 1-based: the opening quote
    assert warnings == [
        f"{path}:{line}:{column}: warning: review overdue: 'Authentication' "
        "(authn) was last reviewed on 2024-01-01, 425 days ago; review_interval_days is 365",
        f"{path}:{line_of(text, '  logging:')}:3: warning: review overdue: 'Logging' (logging) "
        "has never been reviewed; review_interval_days is 365: add reviewed: YYYY-MM-DD once "
        "it is",
    ]
    assert result.stdout.splitlines()[-1] == (
        f"{path}: 2 review warnings (review_interval_days: 365, as of 2025-03-01)"
    )


def test_fail_on_stale_exits_1(tmp_path: Path) -> None:
    path = write(tmp_path / "srm_data.yaml", reviewed_model(authn="2024-01-01"))
    result = srm("validate", "--fail-on-stale", "--today", "2025-03-01", path)
    assert result.returncode == 1
    assert "review overdue" in result.stdout


def test_a_row_is_due_on_the_last_day_and_overdue_the_day_after(tmp_path: Path) -> None:
    path = write(
        tmp_path / "srm_data.yaml",
        reviewed_model(30, authn="2024-01-01", logging="2024-01-01"),
    )
    due = srm("validate", "--fail-on-stale", "--today", "2024-01-31", path)
    assert due.returncode == 0
    assert "no reviews overdue (review_interval_days: 30, as of 2024-01-31)" in due.stdout
    late = srm("validate", "--fail-on-stale", "--today", "2024-02-01", path)
    assert late.returncode == 1
    assert late.stdout.count("warning: review overdue") == 2
    assert "31 days ago" in late.stdout


def test_a_review_date_in_the_future_is_a_warning(tmp_path: Path) -> None:
    path = write(
        tmp_path / "srm_data.yaml",
        reviewed_model(authn="2204-01-01", logging="2024-01-01"),
    )
    result = srm("validate", "--stale", "--today", "2024-06-01", path)
    assert result.returncode == 0
    assert (
        "'Authentication' (authn) has a reviewed date in the future (2204-01-01)" in result.stdout
    )
    assert "Logging" not in result.stdout


def test_without_an_interval_nothing_is_overdue(tmp_path: Path) -> None:
    path = write(tmp_path / "srm_data.yaml", reviewed_model(None, authn="2000-01-01"))
    result = srm("validate", "--fail-on-stale", path)
    assert result.returncode == 0
    assert "no review_interval_days: review dates are not checked" in result.stdout
    quiet = srm("validate", "--stale", "-q", path)
    assert quiet.returncode == 0 and quiet.stdout == ""


def test_plain_validate_ignores_review_dates(tmp_path: Path) -> None:
    path = write(tmp_path / "srm_data.yaml", reviewed_model(1, authn="2000-01-01"))
    result = srm("validate", path)
    assert result.returncode == 0
    assert "warning" not in result.stdout


def test_bad_review_values_are_located_errors(tmp_path: Path) -> None:
    model = reviewed_model(0, authn="2024-13-01")
    path = tmp_path / "srm_data.yaml"
    path.write_text(dump(model), encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    assert re.search(r":\d+:\d+: error: 'review_interval_days' is out of range", result.stderr)
    assert re.search(
        r":\d+:\d+: error: 'reviewed' must be a date written YYYY-MM-DD", result.stderr
    )
    timestamp = write(tmp_path / "ts.yaml", reviewed_model(authn="2024-01-01T10:00:00"))
    ts = srm("validate", timestamp)
    assert ts.returncode == 1
    assert "'reviewed' must be a date written YYYY-MM-DD" in ts.stderr
    bad_today = srm("validate", "--stale", "--today", "tomorrow", path)
    assert bad_today.returncode == 2
    assert "'tomorrow' is not a date written YYYY-MM-DD" in bad_today.stderr


def test_json_schema_describes_the_review_fields() -> None:
    schema = json.loads(srm("schema").stdout)
    top = schema["properties"]["review_interval_days"]
    assert (top["type"], top["minimum"], top["maximum"]) == ("integer", 1, 3650)
    row = next(d for name, d in schema["$defs"].items() if name == "Responsibility")
    assert row["properties"]["reviewed"]["format"] == "date"
    committed = json.loads(
        (Path(__file__).resolve().parents[2] / "schema" / "srm_data.schema.json").read_text()
    )
    assert committed == schema


def test_overdue_rows_are_flagged_on_their_page_and_in_the_matrix(tmp_path: Path) -> None:
    today = dt.date.today().isoformat()
    model = reviewed_model(3650, authn="2000-01-01", logging=today)
    result = build_site(tmp_path, dump(model))
    authn = result.page("responsibilities/authn/")
    assert re.search(r'data-srm-reviewed="2000-01-01">Reviewed <time datetime="2000-01-01">', authn)
    assert "Review overdue: more than 3650 days since the last review" in authn
    logging = result.page("responsibilities/logging/")
    assert f'data-srm-reviewed="{today}"' in logging
    assert "data-srm-overdue" not in logging
    matrix = result.page("matrix/")
    authn_row = re.search(r'<tr data-responsibility="authn".*?</tr>', matrix, re.S)
    logging_row = re.search(r'<tr data-responsibility="logging".*?</tr>', matrix, re.S)
    assert authn_row is not None and logging_row is not None
    assert "review overdue" in authn_row.group()
    assert "review overdue" not in logging_row.group()


def test_a_row_never_reviewed_is_flagged_when_an_interval_is_set(tmp_path: Path) -> None:
    result = build_site(tmp_path, dump(reviewed_model(365)))
    page = result.page("responsibilities/logging/")
    assert "Review overdue: never reviewed (reviews are due every 365 days)" in page
    assert "data-srm-reviewed" not in page
