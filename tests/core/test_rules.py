"""The consistency rules 1-5 of the data format, ids, aliases and "did you mean" hints.

Each rule has a good case (the file loads, with the meaning the rule gives it) and bad
cases (the exact message, at the exact line and column a person must edit).
"""

from __future__ import annotations

import pytest

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.core.load import parse_model
from srm_handbook.core.model import Srm

from ..helpers import BASE, TWO_ROWS, edit

Error = tuple[int, int, str]


def load(text: str) -> Srm:
    return parse_model(text.encode(), "t.yaml")


def errors(text: str) -> list[Error]:
    with pytest.raises(SrmDataError) as info:
        parse_model(text.encode(), "t.yaml")
    return [(d.line, d.column, d.message) for d in info.value.diagnostics]


def at(text: str, needle: str, nth: int = 1) -> tuple[int, int]:
    """1-based line and column of the ``nth`` occurrence of ``needle`` in ``text``."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def test_base_is_valid() -> None:
    srm = load(BASE)
    [row] = srm.responsibilities
    assert row.owners == {"custom-ui": ("atlassian",), "web-triggers": ("you",)}
    assert [(d.party, d.capabilities) for d in row.duties] == [
        ("atlassian", ("custom-ui",)),
        ("you", ("web-triggers",)),
    ]


# -- rule 1: owners list every capability, once, and nothing else ----------------------------


def test_rule1_good_every_capability_once_including_na() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: n/a\n")
    text = edit(text, "      atlassian:\n        - Authenticate the user.\n", "")
    srm = load(text)
    assert srm.responsibilities[0].owners == {"custom-ui": (), "web-triggers": ("you",)}


def test_rule1_bad_missing_capability() -> None:
    text = edit(BASE, "      web-triggers: you\n", "")
    text = edit(text, "      you:\n        - Authenticate every web trigger call.\n", "")
    assert errors(text) == [(20, 5, "owners must list every capability; missing 'web-triggers'")]


def test_rule1_bad_undeclared_capability_in_owners() -> None:
    text = edit(
        BASE, "      web-triggers: you\n", "      web-triggers: you\n      web-trigger: you\n"
    )
    assert errors(text) == [
        (23, 7, "unknown capability 'web-trigger' (did you mean 'web-triggers'?)")
    ]


def test_rule1_bad_capability_listed_twice() -> None:
    text = edit(
        BASE, "      web-triggers: you\n", "      web-triggers: you\n      custom-ui: you\n"
    )
    assert errors(text) == [(23, 7, "duplicate key 'custom-ui' (first defined at line 21)")]


def test_rule1_bad_party_listed_twice_in_one_cell() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: [atlassian, atlassian]\n")
    assert errors(text) == [(21, 18, "'custom-ui' lists 'atlassian' twice")]


def test_a_duty_scope_listing_a_capability_twice_is_refused() -> None:
    text = edit(
        BASE,
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [web-triggers, web-triggers]\n",
    )
    assert errors(text) == [
        (*at(text, "[web-triggers, web-triggers]"), "'capabilities' lists 'web-triggers' twice")
    ]


def test_rule1_bad_na_combined_with_a_party() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: [atlassian, n/a]\n")
    assert errors(text) == [(21, 18, "'custom-ui' combines 'n/a' with parties; 'n/a' stands alone")]


# -- rule 2: owners and duties keys are parties, scopes are capabilities, category declared ---


def test_rule2_good_shared_owners_in_party_order() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: [you, atlassian]\n")
    row = load(text).responsibilities[0]
    assert row.owners["custom-ui"] == ("atlassian", "you")  # normalised to party order


def test_rule2_bad_owner_not_a_party() -> None:
    text = edit(BASE, "web-triggers: you\n", "web-triggers: yuo\n")
    assert errors(text) == [
        (22, 21, "unknown party 'yuo' (did you mean 'you'?)"),
        (26, 7, "You owns no capability in this row, so it cannot have duties here"),
    ]


def test_rule2_bad_shared_owner_not_a_party_points_at_the_entry() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: [atlassian, atlasian]\n")
    assert errors(text) == [
        (*at(text, "atlasian]"), "unknown party 'atlasian' (did you mean 'atlassian'?)")
    ]


def test_rule2_bad_unknown_party_without_a_close_match_lists_the_parties() -> None:
    text = edit(BASE, "web-triggers: you\n", "web-triggers: vendor\n")
    text = edit(text, "      you:\n        - Authenticate every web trigger call.\n", "")
    assert errors(text) == [(22, 21, "unknown party 'vendor'; declared parties: atlassian, you")]


def test_rule2_bad_duties_key_not_a_party() -> None:
    text = edit(BASE, "      you:\n", "      yu:\n")
    assert errors(text) == [
        (
            23,
            5,
            "'Authentication' is owned by You for Web triggers, but no duty of You applies "
            "to it: add one under duties.you (rule 4)",
        ),
        (26, 7, "unknown party 'yu' (did you mean 'you'?)"),
    ]


def test_rule2_bad_scope_entry_not_a_capability() -> None:
    text = edit(
        BASE,
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [web-trigger]\n",
    )
    assert (28, 26, "unknown capability 'web-trigger' (did you mean 'web-triggers'?)") in errors(
        text
    )


def test_rule2_bad_category_not_declared() -> None:
    text = edit(BASE, "category: app\n", "category: ap\n")
    assert errors(text) == [(19, 15, "unknown category 'ap' (did you mean 'app'?)")]


def test_rule2_bad_category_far_from_any_lists_the_categories() -> None:
    text = edit(BASE, "category: app\n", "category: zzz\n")
    assert errors(text) == [(19, 15, "unknown category 'zzz'; declared categories: app")]


# -- rule 3: what a duty applies to ---------------------------------------------------------

SHARED = edit(
    edit(BASE, "custom-ui: atlassian\n", "custom-ui: [atlassian, you]\n"),
    "        - Authenticate every web trigger call.\n",
    "        - Keep the app's session handling secure.\n"
    "        - text: Authenticate every web trigger call.\n"
    "          capabilities: [web-triggers]\n",
)


def test_rule3_good_unscoped_duty_applies_to_every_owned_capability() -> None:
    row = load(SHARED).responsibilities[0]
    assert [(d.party, d.text, d.capabilities) for d in row.duties] == [
        ("atlassian", "Authenticate the user.", ("custom-ui",)),
        ("you", "Keep the app's session handling secure.", ("custom-ui", "web-triggers")),
        ("you", "Authenticate every web trigger call.", ("web-triggers",)),
    ]


def test_rule3_good_scope_is_put_in_capability_order() -> None:
    text = edit(SHARED, "capabilities: [web-triggers]", "capabilities: [web-triggers, custom-ui]")
    assert load(text).responsibilities[0].duties[2].capabilities == ("custom-ui", "web-triggers")


def test_rule3_bad_scoped_duty_names_a_capability_its_party_does_not_own() -> None:
    text = edit(
        BASE,
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [custom-ui]\n",
    )
    assert errors(text) == [
        (
            26,
            7,
            "'Authentication' is owned by You for Web triggers, but no duty of You applies "
            "to it: add one under duties.you (rule 4)",
        ),
        (
            28,
            26,
            "You does not own 'Custom UI' in this row, so this duty cannot apply to it (rule 3)",
        ),
    ]


def test_rule3_bad_unscoped_duty_of_a_party_that_owns_nothing_in_the_row() -> None:
    text = edit(BASE, "web-triggers: you\n", "web-triggers: atlassian\n")
    assert errors(text) == [
        (26, 7, "You owns no capability in this row, so it cannot have duties here")
    ]


# -- rule 4: coverage ------------------------------------------------------------------------


def test_rule4_good_scoped_duties_that_together_cover_everything() -> None:
    text = edit(
        edit(BASE, "custom-ui: atlassian\n", "custom-ui: you\n"),
        "      atlassian:\n        - Authenticate the user.\n",
        "",
    )
    text = edit(
        text,
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [web-triggers]\n"
        "        - text: Authenticate the user of the custom UI.\n"
        "          capabilities:\n"
        "            - custom-ui\n",
    )
    row = load(text).responsibilities[0]
    assert [d.capabilities for d in row.duties] == [("web-triggers",), ("custom-ui",)]


def test_rule4_bad_owned_capability_without_a_duty() -> None:
    text = edit(
        edit(BASE, "custom-ui: atlassian\n", "custom-ui: [atlassian, you]\n"),
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [web-triggers]\n",
    )
    assert errors(text) == [
        (
            26,
            7,
            "'Authentication' is owned by You for Custom UI, but no duty of You applies to it: "
            "add one under duties.you (rule 4)",
        )
    ]


def test_rule4_bad_owning_party_without_a_duties_key() -> None:
    text = edit(BASE, "      you:\n        - Authenticate every web trigger call.\n", "")
    assert errors(text) == [
        (
            23,
            5,
            "'Authentication' is owned by You for Web triggers, but no duty of You applies "
            "to it: add one under duties.you (rule 4)",
        )
    ]


def test_rule4_bad_row_without_duties_points_at_the_row() -> None:
    text = BASE[: BASE.index("    duties:\n")]
    assert errors(text) == [
        (
            17,
            3,
            "'Authentication' is owned by Atlassian for Custom UI, but no duty of Atlassian "
            "applies to it: add one under duties.atlassian (rule 4)",
        ),
        (
            17,
            3,
            "'Authentication' is owned by You for Web triggers, but no duty of You applies "
            "to it: add one under duties.you (rule 4)",
        ),
    ]


def test_rule4_good_row_that_is_not_applicable_everywhere_needs_no_duties() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: n/a\n")
    text = edit(text, "web-triggers: you\n", "web-triggers: n/a\n")
    text = text[: text.index("    duties:\n")]
    row = load(text).responsibilities[0]
    assert row.owners == {"custom-ui": (), "web-triggers": ()}
    assert row.duties == ()


# -- rule 5: no empty lists or texts ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        (
            "      you:\n        - Authenticate every web trigger call.\n",
            "      you: []\n",
            "[]",
            "no duties listed for 'you': an empty responsibilities section is the defect this "
            "format prevents; list what the party must do, or remove the key (rule 5)",
        ),
        (
            "        - Authenticate every web trigger call.\n",
            '        - ""\n',
            '""',
            "empty text for 'text': write it out (rule 5)",
        ),
        (
            "        - Authenticate every web trigger call.\n",
            '        - "   "\n',
            '"   "',
            "empty text for 'text': write it out (rule 5)",
        ),
        (
            "        - Authenticate every web trigger call.\n",
            "        - text: x\n          capabilities: []\n",
            "[]",
            "empty list for 'capabilities': give at least one entry or remove the key (rule 5)",
        ),
        (
            "    name: Authentication\n",
            "    name: Authentication\n    description:\n",
            "description:",
            "empty text for 'description': write it out or remove the key (rule 5)",
        ),
        (
            "    name: Authentication\n",
            "    name: Authentication\n    aliases: []\n",
            "[]",
            "empty list for 'aliases': give at least one entry or remove the key (rule 5)",
        ),
        (
            "    name: Authentication\n",
            "    name: Authentication\n    references: []\n",
            "[]",
            "empty list for 'references': give at least one entry or remove the key (rule 5)",
        ),
        (
            "web-triggers: you\n",
            "web-triggers: []\n",
            "[]",
            "'web-triggers' is an empty list: name the owning party, list the parties that "
            "share it, or write n/a (rule 5)",
        ),
        (
            "title: Test model\n",
            "title: ''\n",
            "''",
            "empty text for 'title': write it out (rule 5)",
        ),
        (
            "    name: Web triggers\n",
            "    name: Web triggers\n    status: ' '\n",
            "' '",
            "empty text for 'status': write it out or remove the key (rule 5)",
        ),
    ],
    ids=[
        "duties",
        "duty-text",
        "blank-duty-text",
        "scope",
        "description",
        "aliases",
        "references",
        "owner-cell",
        "title",
        "status",
    ],
)
def test_rule5_bad_empty_list_or_text(old: str, new: str, needle: str, message: str) -> None:
    text = edit(BASE, old, new)
    line, column = at(text, needle)
    if needle.endswith(":"):  # an empty value is reported just after its key
        column += len(needle)
    found = errors(text)
    assert [message] == [m for _, _, m in found]
    assert found[0][:2] == (line, column)


def test_rule5_good_texts_with_only_symbols_are_not_empty() -> None:
    text = edit(BASE, "- Authenticate the user.\n", "- '-'\n")
    assert load(text).responsibilities[0].duties[0].text == "-"


# -- ids -------------------------------------------------------------------------------------


@pytest.mark.parametrize("good", ["a", "web-triggers", "2fa", "a1-b2-c3"])
def test_id_pattern_good(good: str) -> None:
    text = edit(BASE, "  authentication:\n", f"  {good}:\n")
    assert load(text).responsibilities[0].id == good


@pytest.mark.parametrize(
    "bad", ["Authentication", "auth_n", "auth--n", "-auth", "auth-", "auth.n", "authé", "a b"]
)
def test_id_pattern_bad_is_reported_at_the_key(bad: str) -> None:
    text = edit(BASE, "  authentication:\n", f"  {bad}:\n")
    assert errors(text) == [
        (
            17,
            3,
            f"invalid id {bad!r}: ids use lower-case letters, digits and single hyphens, "
            "like 'web-triggers'",
        )
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  atlassian:\n    name: Atlassian\n", "  Atlassian:\n    name: Atlassian\n"),
        ("  custom-ui:\n    name: Custom UI\n", "  custom_ui:\n    name: Custom UI\n"),
        ("  app:\n    name: App elements\n", "  App:\n    name: App elements\n"),
    ],
    ids=["party", "capability", "category"],
)
def test_id_pattern_applies_to_every_kind(old: str, new: str) -> None:
    text = edit(BASE, old, new)
    bad = new.split(":")[0].strip()
    assert errors(text) == [
        (
            *at(text, f"{bad}:"),
            f"invalid id {bad!r}: ids use lower-case letters, digits and single hyphens, "
            "like 'web-triggers'",
        )
    ]


def test_alias_pattern_is_checked() -> None:
    text = edit(
        BASE, "    name: Authentication\n", "    name: Authentication\n    aliases: [Old]\n"
    )
    assert errors(text) == [
        (
            19,
            15,
            "invalid id 'Old': ids use lower-case letters, digits and single hyphens, "
            "like 'web-triggers'",
        )
    ]


def test_aliases_good_keep_resolving() -> None:
    text = edit(
        TWO_ROWS,
        "    name: Authorization\n",
        "    name: Authorization\n    aliases: [authz, old]\n",
    )
    assert load(text).responsibility["authorization"].aliases == ("authz", "old")


def test_alias_equal_to_its_own_id_is_an_error() -> None:
    text = edit(
        TWO_ROWS,
        "    name: Authorization\n",
        "    name: Authorization\n    aliases: [authorization]\n",
    )
    assert errors(text) == [
        (*at(text, "authorization]"), "alias 'authorization' is the id of a live responsibility")
    ]


def test_alias_equal_to_another_live_id_is_an_error() -> None:
    text = edit(
        TWO_ROWS,
        "    name: Authorization\n",
        "    name: Authorization\n    aliases: [authz, authentication]\n",
    )
    assert errors(text) == [
        (*at(text, "authentication]"), "alias 'authentication' is the id of a live responsibility")
    ]


def test_alias_equal_to_the_id_of_a_row_with_other_errors_is_still_an_error() -> None:
    text = edit(TWO_ROWS, "    name: Authentication\n", "    name: Authentication\n    bogus: x\n")
    text = edit(
        text,
        "    name: Authorization\n",
        "    name: Authorization\n    aliases: [authentication]\n",
    )
    messages = [m for _, _, m in errors(text)]
    assert "alias 'authentication' is the id of a live responsibility" in messages


def test_duplicate_alias_is_an_error_at_the_second() -> None:
    text = edit(
        BASE, "    name: Authentication\n", "    name: Authentication\n    aliases: [auth]\n"
    )
    text = edit(
        text + TWO_ROWS[len(BASE) :],
        "    name: Authorization\n",
        "    name: Authorization\n    aliases: [authz, auth]\n",
    )
    assert errors(text) == [
        (*at(text, "auth]", 2), "alias 'auth' is already an alias of 'authentication'")
    ]


def test_alias_listed_twice_in_one_row_is_an_error() -> None:
    text = edit(
        BASE, "    name: Authentication\n", "    name: Authentication\n    aliases: [auth, auth]\n"
    )
    assert errors(text) == [(19, 14, "'aliases' lists 'auth' twice")]


# -- "did you mean" --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "typo", "hint"),
    [
        (
            "    category: app\n",
            "    category: app\n    descripton: x\n",
            "descripton",
            "description",
        ),
        (
            "title: Test model\n",
            "title: Test model\nlast_update: '2021-02-23'\n",
            "last_update",
            "last_updated",
        ),
        ("    name: You\n", "    name: You\n    posessive: Your\n", "posessive", "possessive"),
        (
            "    name: Web triggers\n",
            "    name: Web triggers\n    staus: beta\n",
            "staus",
            "status",
        ),
        (
            "    name: App elements\n",
            "    name: App elements\n    descriptoin: x\n",
            "descriptoin",
            "description",
        ),
        (
            "        - Authenticate every web trigger call.\n",
            "        - text: Authenticate every web trigger call.\n"
            "          capabilites: [web-triggers]\n",
            "capabilites",
            "capabilities",
        ),
        (
            "    category: app\n",
            "    category: app\n    references:\n      - title: t\n        link: https://example.com/\n",
            "link",
            None,
        ),
    ],
    ids=["responsibility", "document", "party", "capability", "category", "duty", "reference"],
)
def test_unknown_key_gets_a_hint(old: str, new: str, typo: str, hint: str | None) -> None:
    text = edit(BASE, old, new)
    found = errors(text)
    unknown = [e for e in found if e[2].startswith("unknown key")]
    assert len(unknown) == 1
    line, column, message = unknown[0]
    assert (line, column) == at(text, f"{typo}:")
    if hint is not None:
        assert message == f"unknown key {typo!r} (did you mean {hint!r}?)"
    else:  # nothing close: the allowed keys are listed instead
        assert message == f"unknown key {typo!r}; allowed keys: title, url"


# -- grammatical number: verbs agree with party names, as the data says --------------------


def test_messages_use_the_plural_verb_for_a_party_marked_plural() -> None:
    text = edit(BASE, "    name: You\n", "    name: You\n    plural: true\n")
    text = edit(text, "web-triggers: you\n", "web-triggers: atlassian\n")
    assert [m for _, _, m in errors(text)] == [
        "You own no capability in this row, so it cannot have duties here"
    ]
    scoped = edit(
        edit(BASE, "    name: You\n", "    name: You\n    plural: true\n"),
        "        - Authenticate every web trigger call.\n",
        "        - text: Authenticate every web trigger call.\n"
        "          capabilities: [web-triggers, custom-ui]\n",
    )
    assert [m for _, _, m in errors(scoped)] == [
        "You do not own 'Custom UI' in this row, so this duty cannot apply to it (rule 3)"
    ]


def test_a_party_is_singular_unless_the_data_says_otherwise() -> None:
    text = edit(BASE, "custom-ui: atlassian\n", "custom-ui: you\n")
    assert "Atlassian owns no capability in this row, so it cannot have duties here" in [
        m for _, _, m in errors(text)
    ]


@pytest.mark.parametrize("value", ["yes", "True", "1", "plural"])
def test_plural_is_true_or_false(value: str) -> None:
    text = edit(BASE, "    name: You\n", f"    name: You\n    plural: {value}\n")
    assert errors(text) == [(8, 13, "'plural' must be true or false")]
