"""Onboarding checklists in the browser: a party page filtered by capability, ticks kept
across reloads and rebuilds (a changed duty is unticked and marked, with a note), copy
and download equal to ``srm checklist``, storage refused, file:// and two models on one
origin, no script, keyboard, accessibility and print."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ..conftest import BuildResult, build_site, run_build, serve_directory
from ..helpers import edit, srm
from .test_browser_a11y import run_axe

pytestmark = pytest.mark.browser

MODEL = """\
schema: 1
title: Checklist model
parties:
  platform:
    name: Platform
  you:
    name: You
    possessive: Your
capabilities:
  ui:
    name: UI
  web-triggers:
    name: Web triggers
  storage:
    name: Storage
categories:
  app:
    name: App elements
  ops:
    name: Operations
responsibilities:
  authentication:
    name: Authentication
    category: app
    owners:
      ui: platform
      web-triggers: you
      storage: [platform, you]
    duties:
      platform:
        - Authenticate UI users.
      you:
        - id: check-calls
          text: Authenticate every web trigger call.
          capabilities: [web-triggers]
        - text: Reject replayed *trigger* requests.
          capabilities: [web-triggers]
        - text: Encrypt what you store.
          capabilities: [storage]
  logging:
    name: Logging & monitoring
    category: ops
    owners:
      ui: platform
      web-triggers: you
      storage: platform
    duties:
      platform:
        - Keep audit logs of UI access.
      you:
        - Log every web trigger call, with its caller.
"""
CHANGED = edit(
    edit(
        MODEL,
        "          text: Authenticate every web trigger call.\n",
        "          text: Authenticate every web trigger call with a signed token.\n",
    ),
    "        - Log every web trigger call, with its caller.\n",
    "        - Log every web trigger call, with its caller.\n"
    "        - Alert on bursts of failed web trigger calls.\n",
)
READY = "form[data-srm-checklist][data-srm-ready]"
SHOWN = "li[data-srm-duty]:not([hidden])"


@dataclass
class Site:
    build: BuildResult
    url: str

    @property
    def data(self) -> Path:
        return self.build.project / "srm_data.yaml"

    def rebuild(self, text: str) -> None:
        self.data.write_text(text, encoding="utf-8")
        result = run_build(self.build.project, self.build.site)
        assert result.returncode == 0, result.stderr


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    built = build_site(tmp_path, MODEL)
    with serve_directory(built.site) as url:
        yield Site(built, url)


@pytest.fixture
def errors(page: Any) -> list[str]:
    """Script errors of the page, each with its stack (each test asserts there were none)."""
    found: list[str] = []
    page.on("pageerror", lambda e: found.append(f"{e}\n{e.stack}"))
    page.on("console", lambda m: found.append(m.text) if m.type == "error" else None)
    return found


def open_checklist(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(READY, state="attached")


def status(page: Any) -> str:
    return str(page.locator("#srm-checklist-status").inner_text())


def duty(page: Any, text: str) -> Any:
    return page.locator("li[data-srm-duty]", has_text=text)


def test_a_filtered_checklist_keeps_ticks_and_flags_what_changed(
    page: Any, site: Site, errors: list[str]
) -> None:
    open_checklist(page, site.url + "parties/you/?capability=web-triggers")
    # Only the duties for web triggers, and the heading says so.
    shown = page.locator(SHOWN)
    assert shown.count() == 3
    for caps in shown.evaluate_all("els => els.map(e => e.dataset.capabilities)"):
        assert "web-triggers" in caps.split()
    assert not duty(page, "Encrypt what you store.").is_visible()
    assert page.locator("h1").inner_text() == "You: Web triggers"
    assert status(page) == "0 of 3 done (3 of 4 duties shown)."

    duty(page, "Authenticate every web trigger call.").get_by_role("checkbox").check()
    duty(page, "Log every web trigger call").get_by_role("checkbox").check()
    assert status(page) == "2 of 3 done (3 of 4 duties shown)."

    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert duty(page, "Authenticate every web trigger call.").get_by_role("checkbox").is_checked()
    assert duty(page, "Log every web trigger call").get_by_role("checkbox").is_checked()
    assert not duty(page, "Reject replayed").get_by_role("checkbox").is_checked()
    assert status(page) == "2 of 3 done (3 of 4 duties shown)."
    counts = page.locator("fieldset:not([hidden]) .srm-count").all_inner_texts()
    assert counts == ["1 of 2 done", "1 of 1 done"]
    assert not page.locator("#srm-checklist-note").is_visible()
    assert not page.locator(".srm-mark").count()

    # The data changes: the ticked duty with an id is reworded, a duty is added.
    site.rebuild(CHANGED)
    page.reload()
    page.wait_for_selector(READY, state="attached")
    reworded = duty(page, "with a signed token")
    assert not reworded.get_by_role("checkbox").is_checked()
    assert "Changed since you ticked it" in reworded.locator(".srm-mark").inner_text()
    added = duty(page, "Alert on bursts")
    assert added.locator(".srm-mark").inner_text() == "New since your last visit"
    # the untouched tick stays, unmarked
    assert duty(page, "Log every web trigger call").get_by_role("checkbox").is_checked()
    assert not duty(page, "Log every web trigger call").locator(".srm-mark").count()
    note = page.locator("#srm-checklist-note")
    assert note.is_visible()
    assert "1 duty is new and 1 duty changed" in note.inner_text()
    assert "1 tick was removed because the duty's wording or scope changed" in note.inner_text()
    assert status(page) == "1 of 4 done (4 of 5 duties shown)."
    # screen readers hear the mark with the checkbox
    box = reworded.get_by_role("checkbox")
    assert box.get_attribute("aria-describedby") == reworded.locator(".srm-mark").get_attribute(
        "id"
    )

    page.get_by_role("button", name="Mark changes as seen").click()
    assert not page.locator(".srm-mark").count()
    assert not note.is_visible()
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert not page.locator(".srm-mark").count()
    assert not page.locator("#srm-checklist-note").is_visible()
    assert status(page) == "1 of 4 done (4 of 5 duties shown)."
    assert not errors


def test_clear_my_ticks_clears_the_shown_duties(page: Any, site: Site, errors: list[str]) -> None:
    open_checklist(page, site.url + "parties/you/")
    for box in page.locator(SHOWN).get_by_role("checkbox").all():
        box.check()
    assert status(page) == "4 of 4 done."
    page.goto(site.url + "parties/you/?capability=storage")
    page.wait_for_selector(READY, state="attached")
    page.get_by_role("button", name="Clear my ticks").click()
    assert status(page) == "0 of 1 done (1 of 4 duties shown). Cleared 1 tick."
    page.goto(site.url + "parties/you/")
    page.wait_for_selector(READY, state="attached")
    assert status(page) == "3 of 4 done."
    assert not errors


def test_copy_and_download_equal_srm_checklist(
    page: Any, site: Site, errors: list[str], tmp_path: Path
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    cases = [
        (
            "parties/you/?capability=web-triggers",
            ["--party", "you", "--capability", "web-triggers"],
        ),
        ("parties/you/", ["--party", "you"]),
        ("capabilities/storage/", ["--capability", "storage"]),
        ("capabilities/storage/?party=you", ["--capability", "storage", "--party", "you"]),
    ]
    copies = {}
    for path, args in cases:
        open_checklist(page, site.url + path)
        page.get_by_role("button", name="Copy as Markdown task list").click()
        page.wait_for_function(
            "document.querySelector('#srm-checklist-status').textContent.includes('Copied')"
        )
        copied = page.evaluate("navigator.clipboard.readText()")
        cli = srm("checklist", *args, "--site-url", site.url, site.data)
        assert cli.returncode == 0, cli.stderr
        assert copied == cli.stdout, path
        assert copied.startswith("- [ ] ")

        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        download = info.value
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        csv_cli = srm("checklist", *args, "--format", "csv", "--site-url", site.url, site.data)
        # (the subprocess reads text, which turns the CSV's CRLF into LF)
        assert saved.read_bytes().decode("utf-8").replace("\r\n", "\n") == csv_cli.stdout, path
        copies[path] = copied
    # Several parties: each line names its party. Texts are what the reader sees.
    assert "- [ ] Platform: Authenticate UI users. ([" in copies["capabilities/storage/"]
    assert "- [ ] You: Encrypt what you store. ([" in copies["capabilities/storage/"]
    assert "- [ ] Reject replayed trigger requests. ([Authentication](<" in copies["parties/you/"]
    assert "([Logging \\& monitoring](<" in copies["parties/you/"]
    assert not errors


def test_the_filter_is_in_the_url_with_back_and_forward(
    page: Any, site: Site, errors: list[str]
) -> None:
    open_checklist(page, site.url + "parties/you/")
    assert page.locator(SHOWN).count() == 4
    tools = page.locator("#srm-checklist-tools")
    tools.get_by_role("checkbox", name="Web triggers").uncheck()
    page.wait_for_url("**/parties/you/?capability=storage")
    assert page.locator(SHOWN).count() == 1
    assert page.locator("h1").inner_text() == "You: Storage"
    # a category with nothing left to show is hidden with its heading
    assert not page.locator("#category-ops").is_visible()
    page.go_back()
    page.wait_for_url("**/parties/you/")
    assert page.locator(SHOWN).count() == 4
    assert tools.get_by_role("checkbox", name="Web triggers").is_checked()
    assert page.locator("h1").inner_text() == "You"
    page.go_forward()
    assert page.locator(SHOWN).count() == 1
    # several capabilities, comma-separated or repeated; unknown ids are ignored
    open_checklist(page, site.url + "parties/you/?capability=storage,nope&capability=web-triggers")
    assert page.locator(SHOWN).count() == 4
    assert page.locator("h1").inner_text() == "You"  # both of the party's capabilities
    tools.get_by_role("button", name="Show all").click()
    assert not errors


def test_without_script_every_duty_shows(browser: Any, site: Site) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site.url + "parties/you/?capability=storage")
        assert page.locator("li[data-srm-duty]").count() == 4
        assert all(li.is_visible() for li in page.locator("li[data-srm-duty]").all())
        assert not page.locator("#srm-checklist-tools").is_visible()
        assert page.locator("h1").inner_text() == "You"
    finally:
        context.close()


REFUSE_STORAGE = {
    # Site data blocked: the browser refuses even to hand out the storage object.
    "blocked": """
Object.defineProperty(window, 'localStorage', {
  get() { throw new DOMException('The operation is insecure.', 'SecurityError'); }
});
""",
    # A private window with no quota: storage is there, but nothing can be written.
    "no quota": """
Storage.prototype.setItem = function () {
  throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
};
""",
}


@pytest.mark.parametrize("how", REFUSE_STORAGE)
def test_without_storage_nothing_is_kept_and_nothing_breaks(
    page: Any, site: Site, errors: list[str], how: str
) -> None:
    page.add_init_script(REFUSE_STORAGE[how])
    open_checklist(page, site.url + "parties/you/?capability=web-triggers")
    note = page.locator("#srm-checklist-note")
    assert "Your ticks are not kept" in note.inner_text()
    duty(page, "Reject replayed").get_by_role("checkbox").check()
    assert status(page) == "1 of 3 done (3 of 4 duties shown)."
    page.get_by_role("button", name="Clear my ticks").click()
    assert status(page) == "0 of 3 done (3 of 4 duties shown). Cleared 1 tick."
    duty(page, "Reject replayed").get_by_role("checkbox").check()
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert not duty(page, "Reject replayed").get_by_role("checkbox").is_checked()
    assert status(page) == "0 of 3 done (3 of 4 duties shown)."
    # (With storage blocked, the theme's own script fails on it: not ours.)
    assert not [e for e in errors if "srm.js" in e or how == "no quota"]


def test_from_files_and_two_models_on_one_origin(
    page: Any, tmp_path: Path, errors: list[str]
) -> None:
    """Two handbooks (the second under a prefix) copied into one folder: opened from the
    files, and served from one origin, each keeps its own ticks."""
    first = build_site(tmp_path / "a", MODEL)
    second = build_site(tmp_path / "b", MODEL, srm_options={"prefix": "security/srm/"})
    both = tmp_path / "both"
    shutil.copytree(first.site, both / "one")
    shutil.copytree(second.site, both / "two")
    one = "one/parties/you/"
    two = "two/security/srm/parties/you/"
    for base in (both.as_uri() + "/", None):
        with serve_directory(both) as served:
            root = base or served
            page.context.clear_cookies()
            open_checklist(page, root + one + ("index.html" if base else ""))
            page.evaluate("localStorage.clear()")
            page.reload()
            page.wait_for_selector(READY, state="attached")
            duty(page, "Encrypt what you store.").get_by_role("checkbox").check()
            open_checklist(page, root + two + ("index.html" if base else ""))
            assert status(page) == "0 of 4 done."
            duty(page, "Reject replayed").get_by_role("checkbox").check()
            duty(page, "Log every").get_by_role("checkbox").check()
            open_checklist(page, root + one + ("index.html" if base else ""))
            assert status(page) == "1 of 4 done."
            assert duty(page, "Encrypt what you store.").get_by_role("checkbox").is_checked()
            open_checklist(page, root + two + ("index.html" if base else ""))
            assert status(page) == "2 of 4 done."
    # (Opened from files, the theme's search fails to start: not ours.)
    assert not [e for e in errors if "srm.js" in e]


def test_keyboard_only(page: Any, site: Site, errors: list[str]) -> None:
    open_checklist(page, site.url + "parties/you/")
    box = duty(page, "Reject replayed").get_by_role("checkbox")
    box.focus()
    page.keyboard.press("Space")
    assert box.is_checked()
    assert status(page) == "1 of 4 done."
    # the tools are buttons and checkboxes in the tab order
    tools = page.locator("#srm-checklist-tools")
    tools.get_by_role("checkbox", name="Storage").focus()
    page.keyboard.press("Space")
    page.wait_for_url("**/parties/you/?capability=web-triggers")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Show all"
    page.keyboard.press("Enter")
    assert page.locator(SHOWN).count() == 4
    assert not errors


def test_accessible_with_marks_and_note(
    page: Any, site: Site, artifacts: Path, errors: list[str]
) -> None:
    open_checklist(page, site.url + "parties/you/?capability=web-triggers")
    duty(page, "Authenticate every web trigger call.").get_by_role("checkbox").check()
    site.rebuild(CHANGED)
    page.reload()
    page.wait_for_selector(READY, state="attached")
    assert page.locator(".srm-mark").count() == 2
    # a real form: a group per category named by its legend, every box labelled
    groups = page.get_by_role("group")
    assert groups.filter(has_text="App elements").count() >= 1
    for box in page.locator("form[data-srm-checklist] input[type=checkbox]").all():
        assert box.evaluate("b => b.labels.length > 0 || b.hasAttribute('aria-labelledby')")
    assert page.locator("#srm-checklist-status").get_attribute("role") == "status"
    run_axe(page, "party checklist with marks", artifacts)
    open_checklist(page, site.url + "capabilities/storage/?party=you")
    run_axe(page, "capability checklist filtered", artifacts)
    assert not errors


def test_print_shows_boxes_and_the_filter(page: Any, site: Site) -> None:
    open_checklist(page, site.url + "parties/you/?capability=web-triggers")
    duty(page, "Reject replayed").get_by_role("checkbox").check()
    page.emulate_media(media="print")
    assert page.locator("h1").inner_text() == "You: Web triggers"
    boxes = page.locator(SHOWN).get_by_role("checkbox")
    assert boxes.count() == 3
    assert all(b.is_visible() for b in boxes.all())
    assert duty(page, "Reject replayed").get_by_role("checkbox").is_checked()
    for name in ("Copy as Markdown task list", "Download CSV", "Clear my ticks", "Show all"):
        assert not page.get_by_role("button", name=name).is_visible()
    # the filtered count prints
    assert page.locator("#srm-checklist-status").is_visible()
    assert not duty(page, "Encrypt what you store.").is_visible()


def test_the_about_page_lists_the_checklist_link(tmp_path: Path) -> None:
    built = build_site(tmp_path, MODEL)
    about = built.page("about/")
    assert "parties/you/?capability=web-triggers" in about


def test_the_built_pages_carry_keys_and_a_form(site: Site) -> None:
    """(The HTML as built.) Every duty of a party page is in a fieldset per category and
    carries its stable key from srm.json; the site contract's markers stay."""
    html = site.build.page("parties/you/")
    model = json.loads((site.build.site / "srm.json").read_text(encoding="utf-8"))
    keys = [d["key"] for r in model["responsibilities"] for d in r["duties"] if d["party"] == "you"]
    assert "authentication/check-calls" in keys
    found = re.findall(
        r'<li data-srm-duty data-responsibility="[a-z-]+" data-party="you" '
        r'data-capabilities="[a-z -]+" id="[a-z0-9-]+" data-srm-key="([^"]+)"',
        html,
    )
    assert found == keys
    assert html.count('<fieldset class="srm-category-group"') == 2
    assert '<legend><h2 id="category-app">App elements</h2>' in html
    assert re.search(
        r'<form class="srm-checklist-form" autocomplete="off" aria-labelledby="srm-title" '
        r'data-srm-checklist data-srm-model="../../" data-srm-digest="[0-9a-f]{16}" '
        r'data-srm-scope="party:you">',
        html,
    )


def test_a_capability_the_party_has_no_duty_for_shows_none(
    page: Any, site: Site, errors: list[str]
) -> None:
    """An onboarding link for a job the party has nothing to do in: an empty checklist
    that says so, never the party's whole list (and `srm checklist` agrees)."""
    open_checklist(page, site.url + "parties/platform/?capability=web-triggers")
    assert page.locator(SHOWN).count() == 0
    assert page.locator("h1").inner_text() == "Platform: Web triggers"
    assert status(page) == (
        "0 of 0 done (0 of 2 duties shown). No duty here applies to Web triggers: "
        "show all, or choose another."
    )
    cli = srm("checklist", "--party", "platform", "--capability", "web-triggers", site.data)
    assert cli.stdout == ""
    page.get_by_role("button", name="Show all").click()
    page.wait_for_url("**/parties/platform/")
    assert page.locator(SHOWN).count() == 2
    assert not errors


def test_ticks_given_in_another_tab_show_up(page: Any, site: Site, errors: list[str]) -> None:
    other = page.context.new_page()
    open_checklist(page, site.url + "parties/you/")
    open_checklist(other, site.url + "capabilities/web-triggers/")
    duty(other, "Reject replayed").get_by_role("checkbox").check()
    box = duty(page, "Reject replayed").get_by_role("checkbox")
    page.wait_for_function(
        "() => document.querySelector('#srm-checklist-status').textContent.startsWith('1 of')"
    )
    assert box.is_checked()
    assert status(page) == "1 of 4 done."
    assert not errors
