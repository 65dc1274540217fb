"""Stable duty keys: an optional ``id`` per duty, otherwise a key derived from the row, the
party and the text; ``srm diff`` follows a duty by its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm
from srm_handbook.history.model_diff import diff

from ..helpers import BASE, TWO_ROWS, edit, srm
from .test_rules import at

YOU_DUTY = "      you:\n        - Authenticate every web trigger call.\n"


def load(text: str) -> Srm:
    return parse_model(text.encode(), "t.yaml")


def keys(srm_model: Srm) -> dict[str, str]:
    """Duty text -> key."""
    return {d.text: d.key for r in srm_model.responsibilities for d in r.duties}


def with_you_duties(*entries: str) -> str:
    return edit(BASE, YOU_DUTY, "      you:\n" + "".join(entries))


def test_a_duty_without_id_has_a_key_from_row_party_and_text() -> None:
    k = keys(load(BASE))
    assert k["Authenticate the user."].startswith("authentication/atlassian/")
    assert k["Authenticate every web trigger call."].startswith("authentication/you/")
    assert len(set(k.values())) == 2


def test_a_derived_key_survives_reordering_other_edits_and_reflowing() -> None:
    before = keys(load(with_you_duties("        - First duty.\n", "        - Second duty.\n")))
    after = keys(
        load(
            with_you_duties(
                "        - Second   duty.\n",  # reflowed: whitespace does not count
                "        - A new duty.\n",
                "        - First duty.\n",
            )
        )
    )
    assert after["First duty."] == before["First duty."]
    assert after["Second   duty."] == before["Second duty."]
    assert after["A new duty."] not in before.values()


def test_a_derived_key_changes_with_the_text() -> None:
    before = keys(load(BASE))["Authenticate every web trigger call."]
    text = edit(BASE, "every web trigger call", "every web trigger request")
    assert keys(load(text))["Authenticate every web trigger request."] != before


def test_the_same_text_twice_gets_two_keys() -> None:
    model = load(with_you_duties("        - Same words.\n", "        - Same words.\n"))
    you = model.responsibilities[0].duties_of("you")
    assert you[0].key != you[1].key
    assert you[1].key == you[0].key + "-2"


def test_a_duty_with_an_id_is_keyed_by_it_whatever_its_text() -> None:
    entry = "        - id: check-calls\n          text: {}\n"
    first = load(with_you_duties(entry.format("Authenticate every web trigger call.")))
    second = load(with_you_duties(entry.format("Reject unsigned web trigger calls outright.")))
    [d1] = first.responsibilities[0].duties_of("you")
    [d2] = second.responsibilities[0].duties_of("you")
    assert d1.id == d2.id == "check-calls"
    assert d1.key == d2.key == "authentication/check-calls"
    assert d1.version != d2.version  # what a tick was given to


def test_the_version_changes_with_the_scope_but_not_with_whitespace() -> None:
    one = load(TWO_ROWS).responsibilities[0].duties_of("you")[0]
    reflowed = load(edit(TWO_ROWS, "every web trigger call", "every  web trigger\n          call"))
    assert reflowed.responsibilities[0].duties_of("you")[0].version == one.version
    scoped = load(
        edit(
            TWO_ROWS,
            "        - Authenticate every web trigger call.\n",
            "        - text: Authenticate every web trigger call.\n"
            "          capabilities: [web-triggers]\n",
        )
    )
    # the same scope written out: the same version
    assert scoped.responsibilities[0].duties_of("you")[0].version == one.version


def test_a_duty_id_used_twice_in_one_row_is_an_error_at_the_second() -> None:
    text = edit(
        BASE,
        "        - Authenticate the user.\n",
        "        - id: authn\n          text: Authenticate the user.\n",
    )
    text = edit(
        text,
        YOU_DUTY,
        "      you:\n        - id: authn\n          text: Authenticate every web trigger call.\n",
    )
    with pytest.raises(SrmDataError) as info:
        load(text)
    [d] = info.value.diagnostics
    assert (d.line, d.column) == at(text, "authn", 2)
    assert "duty id 'authn' is already used by a duty of Atlassian" in d.message


def test_the_same_duty_id_in_two_rows_is_fine() -> None:
    text = edit(
        TWO_ROWS,
        "        - Authenticate the user.\n",
        "        - id: check\n          text: Authenticate the user.\n",
    )
    text = edit(
        text,
        "        - Check permissions.\n",
        "        - id: check\n          text: Check permissions.\n",
    )
    model = load(text)
    assert [r.duties[0].key for r in model.responsibilities] == [
        "authentication/check",
        "authorization/check",
    ]


def test_a_bad_duty_id_is_reported_where_it_is() -> None:
    text = edit(
        BASE,
        "        - Authenticate the user.\n",
        "        - id: Not An Id\n          text: Authenticate the user.\n",
    )
    with pytest.raises(SrmDataError) as info:
        load(text)
    [d] = info.value.diagnostics
    assert (d.line, d.column) == at(text, "Not An Id")


def test_diff_reports_a_rewritten_duty_with_the_same_id_as_reworded(tmp_path: Path) -> None:
    entry = "        - id: check-calls\n          text: {}\n"
    old = tmp_path / "old.yaml"
    new = tmp_path / "new.yaml"
    old.write_text(with_you_duties(entry.format("Authenticate every web trigger call.")))
    # no word in common: without the id this is one duty removed and one added
    new.write_text(with_you_duties(entry.format("Reject unsigned requests outright.")))
    d = diff(load(old.read_text()), load(new.read_text()))
    assert [(x.kind, x.before, x.after) for x in d.duties] == [
        ("reworded", "Authenticate every web trigger call.", "Reject unsigned requests outright.")
    ]
    result = srm("diff", old, new)
    assert result.returncode == 0, result.stderr
    assert "1 duty" in result.stdout.splitlines()[0]
    assert "removed" not in result.stdout

    without_ids = diff(
        load(with_you_duties("        - Authenticate every web trigger call.\n")),
        load(with_you_duties("        - Reject unsigned requests outright.\n")),
    )
    assert sorted(x.kind for x in without_ids.duties) == ["added", "removed"]
