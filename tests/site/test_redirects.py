"""Stable links: every alias of a responsibility is a redirect page to the live page, with
or without directory URLs and behind a prefix, never replacing a page of docs/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from srm_handbook.core.diagnostics import SrmDataError
from srm_handbook.site.content import build_content
from srm_handbook.site.paths import SitePaths

from ..conftest import BuildResult, build_site, make_project, run_build, serve_directory
from ..helpers import srm
from ..history.test_diff import base_model, dump, write
from ..site_html import resolve

HOSTILE_NAME = 'Auth "quoted" <b>bold</b> & co'


def renamed_model() -> dict[str, Any]:
    model = base_model()
    rows = model["responsibilities"]
    row = rows.pop("authn")
    row["name"] = HOSTILE_NAME
    row["aliases"] = ["authn", "auth-old"]
    model["responsibilities"] = {"authentication": row, **rows}
    return model


def redirect_target(site: Path, url: str) -> tuple[str, Path]:
    """The meta refresh target of the redirect page at ``url``, and the file it resolves to."""
    page = (site / url / "index.html") if url.endswith("/") else site / url
    text = page.read_text(encoding="utf-8")
    found = re.search(r'<meta http-equiv="refresh" content="0; url=([^"]+)">', text)
    assert found is not None, text
    target, _ = resolve(site, url, found.group(1))
    assert target is not None
    assert f'<link rel="canonical" href="{found.group(1)}">' in text
    assert f'<a href="{found.group(1)}" data-srm-redirect>' in text
    return found.group(1), target


@pytest.fixture(scope="module")
def renamed_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_site(tmp_path_factory.mktemp("redirects"), dump(renamed_model()))


def test_each_alias_redirects_to_the_live_page(renamed_site: BuildResult) -> None:
    site = renamed_site.site
    live = site / "responsibilities" / "authentication" / "index.html"
    for alias in ("authn", "auth-old"):
        href, target = redirect_target(site, f"responsibilities/{alias}/")
        assert target == live, href
    text = (site / "responsibilities" / "authn" / "index.html").read_text(encoding="utf-8")
    assert "<title>Moved: Auth &#34;quoted&#34; &lt;b&gt;bold&lt;/b&gt; &amp; co</title>" in text
    assert "<b>" not in text
    assert '<meta name="robots" content="noindex">' in text
    # The live page still says which earlier ids it had.
    assert "authn, auth-old" in live.read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_browser_lands_on_the_live_page_with_and_without_javascript(
    browser: Any, renamed_site: BuildResult
) -> None:
    with serve_directory(renamed_site.site) as url:
        page = browser.new_page()
        page.goto(url + "responsibilities/authn/#owners")
        page.wait_for_url(url + "responsibilities/authentication/#owners")
        assert page.locator("h1").first.inner_text() == HOSTILE_NAME
        page.close()
        context = browser.new_context(java_script_enabled=False)
        plain = context.new_page()
        plain.goto(url + "responsibilities/auth-old/")
        plain.wait_for_url(url + "responsibilities/authentication/")
        assert plain.locator("h1").first.inner_text() == HOSTILE_NAME
        context.close()


def test_redirects_behind_a_prefix(tmp_path: Path) -> None:
    result = build_site(tmp_path, dump(renamed_model()), srm_options={"prefix": "security/srm/"})
    _, target = redirect_target(result.site, "security/srm/responsibilities/authn/")
    assert target == result.site / "security/srm/responsibilities/authentication/index.html"
    assert not (result.site / "responsibilities").exists()


def test_redirects_without_directory_urls(tmp_path: Path) -> None:
    result = build_site(
        tmp_path, dump(renamed_model()), config_overrides={"use_directory_urls": False}
    )
    _, target = redirect_target(result.site, "responsibilities/authn.html")
    assert target == result.site / "responsibilities" / "authentication.html"
    assert target.exists()


def test_a_handwritten_page_at_an_alias_is_never_replaced(tmp_path: Path) -> None:
    project = make_project(tmp_path, dump(renamed_model()))
    page = project / "docs" / "responsibilities" / "authn.md"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("# Authentication moved\n\nWe split this row in 2024.\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    kept = result.page("responsibilities/authn/")
    assert "We split this row in 2024." in kept
    assert "http-equiv" not in kept
    redirect_target(result.site, "responsibilities/auth-old/")  # the other alias still works


def test_an_alias_that_would_replace_a_generated_page_is_refused(tmp_path: Path) -> None:
    """An alias ``index`` would publish its redirect where the responsibilities index page
    lives: the validator refuses the id (it is reserved), so nothing is built over it."""
    model = renamed_model()
    model["responsibilities"]["authentication"]["aliases"] = ["index"]
    data = write(tmp_path / "srm_data.yaml", model)
    with pytest.raises(SrmDataError) as caught:
        build_content(data, SitePaths())
    assert "id 'index' is reserved" in caught.value.format()


def test_srm_render_writes_the_redirects(tmp_path: Path) -> None:
    data = write(tmp_path / "srm_data.yaml", renamed_model())
    out = tmp_path / "out"
    result = srm("render", "--out", out, data)
    assert result.returncode == 0, result.stderr
    text = (out / "responsibilities" / "authn" / "index.html").read_text(encoding="utf-8")
    assert 'content="0; url=../../responsibilities/authentication/"' in text


def test_an_alias_equal_to_a_live_id_is_a_validation_error(tmp_path: Path) -> None:
    model = renamed_model()
    model["responsibilities"]["authentication"]["aliases"] = ["authn", "logging"]
    path = write(tmp_path / "srm_data.yaml", model)
    text = path.read_text(encoding="utf-8")
    result = srm("validate", path)
    assert result.returncode == 1
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s.strip() == "- logging")
    assert f"{path}:{line}:7: error: alias 'logging' is the id of a live responsibility" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr


def test_an_alias_shared_by_two_rows_is_a_validation_error(tmp_path: Path) -> None:
    model = renamed_model()
    model["responsibilities"]["logging"]["aliases"] = ["auth-old"]
    result = srm("validate", write(tmp_path / "srm_data.yaml", model))
    assert result.returncode == 1
    assert "alias 'auth-old' is already an alias of 'authentication'" in result.stderr
