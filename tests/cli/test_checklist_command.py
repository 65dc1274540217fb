"""``srm checklist``: a party's duties, filtered by capability, as a Markdown task list, CSV
or JSON, run as a user runs it."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import cmarkgfm
from cmarkgfm.cmark import Options

from ..conftest import FORGE as DATA
from ..conftest import BuildResult
from ..helpers import BASE, TWO_ROWS, edit, srm


def export(path: Path) -> Any:
    return json.loads(srm("export", path).stdout)


def expected_duties(
    model: Any, parties: set[str] | None, caps: set[str] | None
) -> list[tuple[str, str]]:
    """(party, text) of the duties a checklist must hold, in page order, from srm.json."""
    order = {c["id"]: i for i, c in enumerate(model["categories"])}
    rows = sorted(model["responsibilities"], key=lambda r: order[r["category"]])
    out = []
    for p in model["parties"]:
        if parties and p["id"] not in parties:
            continue
        for r in rows:
            for d in r["duties"]:
                if d["party"] == p["id"] and (not caps or caps & set(d["capabilities"])):
                    out.append((p["id"], d["text"]))
    return out


def render_gfm(text: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(text, options=Options.CMARK_OPT_UNSAFE))


def test_markdown_task_list_of_a_party_for_one_capability(bundled_site: BuildResult) -> None:
    result = srm(
        "checklist",
        "--party",
        "you",
        "--capability",
        "web-triggers",
        "--site-url",
        "https://h.example/",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    want = expected_duties(export(DATA), {"you"}, {"web-triggers"})
    assert len(lines) == len(want) > 3
    assert all(line.startswith("- [ ] ") for line in lines)
    html = render_gfm(result.stdout)
    # GitHub renders every line as an unticked task, linking to the duty's page
    assert html.count('<input type="checkbox" disabled="" />') == len(want)
    hrefs = re.findall(r'<a href="https://h\.example/([^"]+)"', html)
    assert len(hrefs) == len(want)
    for href in hrefs:
        page, anchor = href.split("#")
        assert f'id="{anchor}"' in bundled_site.page(page), href
    # the text a reader sees, not its Markdown source
    assert "You must use asUser() whenever" in html


def test_ids_repeat_or_are_comma_separated_and_default_to_everything() -> None:
    repeated = srm(
        "checklist", "--party", "you", "--capability", "web-triggers", "--capability", "ui-kit"
    )
    commas = srm("checklist", "--party", "you", "--capability", "web-triggers,ui-kit")
    assert repeated.stdout == commas.stdout
    assert len(commas.stdout.splitlines()) == len(
        expected_duties(export(DATA), {"you"}, {"web-triggers", "ui-kit"})
    )
    everything = srm("checklist").stdout.splitlines()
    want = expected_duties(export(DATA), None, None)
    assert len(everything) == len(want)
    # several parties: each line names its party
    assert everything[0].startswith("- [ ] Atlassian: ")
    assert everything[-1].startswith("- [ ] You: ")


def test_unknown_ids_are_usage_errors() -> None:
    result = srm("checklist", "--party", "yuo", "--capability", "web-trigger")
    assert result.returncode == 2
    assert "unknown party 'yuo'; declared parties: atlassian, you" in result.stderr
    assert "unknown capability 'web-trigger'" in result.stderr
    assert result.stdout == ""


def test_invalid_data_is_reported_like_validate(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit(BASE, "category: app", "category: nope"))
    result = srm("checklist", "--party", "you", bad)
    assert result.returncode == 1
    assert re.search(r"bad\.yaml:\d+:\d+: error: unknown category 'nope'", result.stderr)
    assert "Traceback" not in result.stderr


def test_nothing_matching_is_an_empty_list_and_a_note(tmp_path: Path) -> None:
    data = tmp_path / "srm.yaml"
    data.write_text(TWO_ROWS)
    result = srm("checklist", "--party", "you", "--capability", "custom-ui", data)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "no duty matches" in result.stderr


HOSTILE = edit(
    BASE,
    "        - Authenticate every web trigger call.\n",
    "        - '=HYPERLINK(\"http://evil\") *bold* <b>x</b> [link](http://a) @team | # done'\n",
)


def test_markup_in_texts_stays_text_in_the_task_list(tmp_path: Path) -> None:
    data = tmp_path / "srm.yaml"
    data.write_text(HOSTILE)
    out = srm("checklist", "--party", "you", data).stdout
    html = render_gfm(out)
    for tag in ("<em>", "<b>", 'href="http://a"', "<h1", "<table", 'class="user-mention"'):
        assert tag not in html
    # what a reader of the handbook sees of the text, literally
    assert " bold &lt;b&gt;x&lt;/b&gt; link @\u200bteam | # done (" in html


def test_csv_for_tracker_import(tmp_path: Path) -> None:
    data = tmp_path / "srm.yaml"
    data.write_text(HOSTILE)
    result = srm("checklist", "--format", "csv", "--site-url", "https://h.example/x", data)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == [
        "Summary",
        "Description",
        "Party",
        "Category",
        "Responsibility",
        "Capabilities",
        "Key",
        "Link",
    ]
    atlassian, you = rows[1:]
    assert atlassian[0] == "Authenticate the user."
    assert atlassian[2:6] == ["Atlassian", "App elements", "Authentication", "Custom UI"]
    link = "https://h.example/x/responsibilities/authentication/#authentication--duty-atlassian-1"
    assert atlassian[7] == link
    assert atlassian[1] == f"Authenticate the user.\n\nAuthentication: {link}"
    assert you[0].startswith("'=HYPERLINK(")  # no formula in a spreadsheet


def test_json_carries_the_stable_keys_of_srm_json(tmp_path: Path) -> None:
    data = tmp_path / "srm.yaml"
    data.write_text(TWO_ROWS)
    items = json.loads(srm("checklist", "--format", "json", "--party", "atlassian", data).stdout)
    model = export(data)
    keys = [d["key"] for r in model["responsibilities"] for d in r["duties"]]
    assert [i["key"] for i in items] == [keys[0], keys[2]]
    assert [i["responsibility"] for i in items] == ["authentication", "authorization"]
    assert items[0]["capabilities"] == ["custom-ui"]
    assert items[0]["text"] == "Authenticate the user."
