"""The ``srm`` plugin in a handbook that is not this repository: several models, the nav,
option errors, and the same pages as this repository's ``hooks:`` adapter."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

import pytest

from ..conftest import ROOT, BuildResult, build_site
from .host import (
    CLOUD,
    FORGE,
    Model,
    generated_pages,
    host_handbook,
    mkdocs_build,
    reachable_from_nav,
    read_nav,
)


@pytest.fixture(scope="module")
def two_models(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    result = mkdocs_build(host_handbook(tmp_path_factory.mktemp("two")))
    assert result.returncode == 0, result.stderr
    return result


def test_each_model_has_its_own_pages_and_exports(two_models: BuildResult) -> None:
    site = two_models.site
    for model in (CLOUD, FORGE):
        exported = json.loads((site / model.prefix / "srm.json").read_text("utf-8"))
        assert exported["title"] in (site / model.prefix / "matrix" / "index.html").read_text(
            "utf-8"
        )
        assert (site / model.prefix / "srm.csv").is_file()
    cloud = json.loads((site / CLOUD.prefix / "srm.json").read_text("utf-8"))
    forge = json.loads((site / FORGE.prefix / "srm.json").read_text("utf-8"))
    assert cloud["title"] != forge["title"]


def test_one_copy_of_the_assets_serves_every_model(two_models: BuildResult) -> None:
    page = two_models.page(FORGE.prefix + "matrix/")
    assert page.count('assets/srm/srm.js"') == 1 and page.count('assets/srm/srm.css"') == 1
    assert len(list(two_models.site.rglob("srm.js"))) == 1


def test_search_finds_pages_of_both_models(two_models: BuildResult) -> None:
    index = json.loads((two_models.site / "search" / "search_index.json").read_text("utf-8"))
    locations = [d["location"] for d in index["docs"]]
    for model in (CLOUD, FORGE):
        assert any(loc.startswith(model.prefix + "responsibilities/") for loc in locations)


def test_every_generated_page_is_reachable_from_the_nav(two_models: BuildResult) -> None:
    site = two_models.site
    reached = reachable_from_nav(site)
    for model in (CLOUD, FORGE):
        pages = generated_pages(site, model.prefix)
        assert len(pages) > 10
        assert pages <= reached, sorted(pages - reached)
        # The listing pages are in the nav itself, under the one entry the user wrote.
        nav = read_nav(site, "")
        for listing in ("matrix/", "responsibilities/", "capabilities/", "parties/"):
            assert any(
                link.rstrip("/").endswith(model.prefix + listing.rstrip("/")) for link in nav.links
            ), (model.prefix, listing, nav.links)
    assert "Modell 1" in read_nav(site, "").labels and "Modell 2" in read_nav(site, "").labels


def test_a_detail_page_shows_its_section_as_active(two_models: BuildResult) -> None:
    site = two_models.site
    for detail, listing in (
        ("responsibilities/tenant-safety/", "responsibilities/"),
        ("parties/you/", "parties/"),
        ("capabilities/web-triggers/", "capabilities/"),
    ):
        url = FORGE.prefix + detail
        active = {_absolute(url, link) for link in read_nav(site, url).active}
        assert FORGE.prefix + listing in active, (url, active)
        assert FORGE.prefix in active  # the model's section is open


def test_ids_may_repeat_across_models(tmp_path: Path) -> None:
    copy = Model(FORGE.data, "security/forge-copy/", title="Forge copy")
    result = mkdocs_build(host_handbook(tmp_path, models=(FORGE, copy)))
    assert result.returncode == 0, result.stderr
    for model in (FORGE, copy):
        assert (result.site / model.prefix / "responsibilities" / "tenant-safety").is_dir()


def test_two_models_on_one_path_are_an_error(tmp_path: Path) -> None:
    clash = Model(CLOUD.data, FORGE.prefix)
    result = mkdocs_build(host_handbook(tmp_path, models=(FORGE, clash)))
    assert result.returncode != 0
    assert "give each its own prefix" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_nav_the_section_appears_once_titled_by_the_model(tmp_path: Path) -> None:
    result = mkdocs_build(host_handbook(tmp_path, nav=None))
    assert result.returncode == 0, result.stderr
    nav = read_nav(result.site, "")
    forge_title = json.loads((result.site / FORGE.prefix / "srm.json").read_text("utf-8"))["title"]
    # Material writes a section's title twice (its toggle and its own nav's heading).
    assert 1 <= nav.labels.count(forge_title) <= 2, nav.labels
    matrix = [link for link in nav.links if _absolute("", link) == FORGE.prefix + "matrix/"]
    assert len(matrix) == 1, nav.links
    assert generated_pages(result.site, FORGE.prefix) <= reachable_from_nav(result.site)


def test_a_nav_without_an_entry_gets_the_section_at_the_end(tmp_path: Path) -> None:
    project = host_handbook(tmp_path, models=(FORGE,), nav=[{"Start": "index.md"}])
    result = mkdocs_build(project)
    assert result.returncode == 0, result.stderr
    assert generated_pages(result.site, FORGE.prefix) <= reachable_from_nav(result.site)


def test_plugin_option_errors_name_the_option(tmp_path: Path) -> None:
    project = host_handbook(tmp_path, models=(FORGE,), extra_options={"prefx": "x/"})
    result = mkdocs_build(project)
    assert result.returncode != 0
    assert "prefx" in result.stderr


def test_a_bad_prefix_is_refused(tmp_path: Path) -> None:
    result = mkdocs_build(host_handbook(tmp_path, models=(Model(FORGE.data, "../up/"),)))
    assert result.returncode != 0
    assert "invalid prefix '../up/'" in result.stderr


def test_the_plugin_and_the_hook_build_the_same_pages(tmp_path: Path) -> None:
    hooked = build_site(tmp_path / "hook", srm_options={"prefix": "security/forge/"})
    plugged = mkdocs_build(host_handbook(tmp_path / "plugin", models=(FORGE,), language="en"))
    assert plugged.returncode == 0, plugged.stderr
    for url in ("matrix/", "responsibilities/tenant-safety/", "parties/you/"):
        a = _article(hooked.page(FORGE.prefix + url))
        b = _article(plugged.page(FORGE.prefix + url))
        assert a == b, url


def _absolute(page_url: str, href: str) -> str:
    """``href`` on the page ``page_url`` (a directory URL) as a site-root URL."""
    joined = posixpath.normpath(posixpath.join(page_url, href))
    return "" if joined == "." else joined + "/"


def _article(page: str) -> str:
    start = page.index('<article class="md-content__inner')
    return page[start : page.index("</article>", start)]


def test_the_hook_passes_on_every_event_the_plugin_handles() -> None:
    import importlib.util

    from srm_handbook.mkdocs.plugin import SrmPlugin

    spec = importlib.util.spec_from_file_location("srm_hook", ROOT / "hooks" / "srm.py")
    assert spec is not None and spec.loader is not None
    hook = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hook)
    events = {name for name in vars(SrmPlugin) if name.startswith("on_")}
    assert events == {name for name in vars(hook) if name.startswith("on_")}
