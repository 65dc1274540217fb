"""Building the handbook with MkDocs: options, bad data, the prefix, search, nav, render."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import yaml

from srm_handbook.site.content import RenderProgress

from ..conftest import FIXTURES, FORGE, BuildResult, build_site, make_project, run_build
from ..helpers import srm
from ..site_html import broken_links, read_page

SEED = FIXTURES / "forge_seed_transcription.yaml"


def test_home_page_shows_title_intro_and_last_update(bundled_site: BuildResult) -> None:
    home = bundled_site.page("")
    assert '<h1 id="srm-title">Forge shared responsibility model</h1>' in home
    assert "Building a Forge app brings with it new capabilities" in home
    assert '<time datetime="2021-02-23">23 February 2021</time>' in home
    for target in ('href="matrix/"', 'href="capabilities/web-triggers/"', 'href="parties/you/"'):
        assert target in home


def test_page_titles_and_headings(bundled_site: BuildResult) -> None:
    page = bundled_site.page("responsibilities/sdlc/")
    assert (
        "<title>Software development lifecycle (SDLC) activities - Security handbook</title>"
        in page
    )
    assert '<h2 id="party-atlassian">Atlassian&#39;s responsibilities</h2>' in page
    assert '<h2 id="party-you">Your responsibilities</h2>' in page


def test_navigation_stays_small(bundled_site: BuildResult) -> None:
    page = bundled_site.page("responsibilities/authentication/")
    nav = page.split('<nav class="md-nav md-nav--primary"', 1)[1].split("</nav>", 1)[0]
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert 6 <= len(hrefs) <= 12, hrefs
    assert not [h for h in hrefs if re.search(r"responsibilities/[a-z0-9-]+/$", h)]
    assert "Authentication of requests to the app" not in nav


def test_search_index_finds_responsibilities_and_duties(bundled_site: BuildResult) -> None:
    index = json.loads((bundled_site.site / "search" / "search_index.json").read_text("utf-8"))
    text = " ".join(doc["title"] + " " + doc["text"] for doc in index["docs"])
    assert "Tenant safety" in text
    assert "Reject replayed requests" in text
    matrix = [doc for doc in index["docs"] if doc["location"].startswith("matrix/")]
    assert [doc["title"] for doc in matrix] == ["Responsibility matrix"]
    assert "Atlassian &amp; You" not in matrix[0]["text"], "the big table is not indexed"
    duty = next(doc for doc in index["docs"] if "Reject replayed requests" in doc["text"])
    assert duty["location"] == "responsibilities/authentication/#party-you"
    assert duty["title"] == "Your responsibilities"
    assert "About this handbook" in text, "handwritten pages are still indexed"


def test_invalid_data_fails_the_build_with_located_errors_and_keeps_the_site(
    tmp_path: Path,
) -> None:
    project = make_project(tmp_path, SEED)
    site = tmp_path / "published"
    site.mkdir()
    (site / "index.html").write_text("the good site", encoding="utf-8")
    result = run_build(project, site)
    assert result.returncode != 0
    errors = re.findall(r"srm_data\.yaml:\d+:\d+: error: .+", result.stderr)
    assert len(errors) == 8, result.stderr
    assert "Traceback" not in result.stderr
    assert (site / "index.html").read_text(encoding="utf-8") == "the good site"


def test_srm_data_environment_variable_overrides_the_path(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    shutil.copy(FIXTURES / "markdown_three_parties.yaml", project / "other.yaml")
    result = run_build(project, None, "-q", env={"SRM_DATA": "other.yaml"})
    assert result.returncode == 0, result.stderr
    assert "Payments API SRM" in result.page("")


def test_prefix_mounts_the_srm_inside_a_larger_handbook(tmp_path: Path) -> None:
    project = make_project(tmp_path, srm_options={"prefix": "security/srm/"})
    (project / "docs" / "index.md").write_text("# Engineering handbook\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    base = result.site / "security" / "srm"
    for url in ("matrix", "responsibilities/authentication", "capabilities/ui-kit", "parties/you"):
        assert (base / url / "index.html").exists(), url
    assert (base / "srm.json").exists() and (base / "srm.csv").exists()
    assert not (result.site / "matrix").exists()
    assert (result.site / "about" / "index.html").exists(), "handwritten pages stay in place"
    assert broken_links(result.site) == []


def test_plain_html_urls_resolve(tmp_path: Path) -> None:
    result = build_site(tmp_path, config_overrides={"use_directory_urls": False})
    assert (result.site / "responsibilities" / "authentication.html").exists()
    assert broken_links(result.site) == []


def test_options_are_validated(tmp_path: Path) -> None:
    for options, message in (
        ({"prefx": "x/"}, "extra.srm.prefx: unknown option"),
        ({"prefix": "../up/"}, "extra.srm.prefix"),
    ):
        project = make_project(
            tmp_path / message.replace(" ", "_").replace(":", ""), srm_options=options
        )
        result = run_build(project)
        assert result.returncode != 0
        assert message in result.stderr
        assert "Traceback" not in result.stderr


def test_handwritten_page_is_kept_beside_generated_ones(bundled_site: BuildResult) -> None:
    assert "About this handbook" in bundled_site.page("about/")
    assert "Exports" in bundled_site.page("about/")  # nav entry


def test_rendered_markdown_builds_with_plain_mkdocs_without_the_hook(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    proc = srm("render", "--out", out, FORGE)
    assert proc.returncode == 0, proc.stderr
    snippet = yaml.safe_load((out / "srm-nav.yml").read_text("utf-8"))
    config = {"site_name": "Plain", "theme": {"name": "mkdocs"}, **snippet}
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    build = run_build(tmp_path, None, "-q")
    assert build.returncode == 0, build.stderr
    site = build.site
    # The rendered page writes its characters as references (inert to any Markdown
    # extension); an HTML reader sees the contract's markers as usual.
    cells = read_page(site, "matrix/").cells
    assert any(
        (c.responsibility, c.capability, c.owners) == ("authentication", "web-triggers", "you")
        for c in cells
    )
    assert (site / "srm.json").exists()
    assert broken_links(site) == []


def test_handwritten_links_into_generated_anchors_are_validated(tmp_path: Path) -> None:
    project = make_project(tmp_path)
    page = project / "docs" / "onboarding.md"
    page.write_text(
        "# Onboarding\n\nSee [who authenticates web triggers]"
        "(matrix.md#cell-authentication--web-triggers) and "
        "[your duties](responsibilities/authentication.md#party-you).\n",
        encoding="utf-8",
    )
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page.write_text("# Onboarding\n\n[Broken](matrix.md#no-such-row)\n", encoding="utf-8")
    result = run_build(project)
    assert result.returncode != 0
    assert "does not contain an anchor '#no-such-row'" in result.stderr


def test_long_renders_report_progress_every_few_seconds() -> None:
    now = [0.0]
    progress = RenderProgress(10, interval=5.0, clock=lambda: now[0])
    said = []
    for step in range(10):
        now[0] = 2.0 * (step + 1)  # two seconds per page
        said.append(progress.tick())
    assert [s for s in said if s] == [
        "rendered 3 of 10 pages (30 %, 6s)",
        "rendered 6 of 10 pages (60 %, 12s)",
        "rendered 9 of 10 pages (90 %, 18s)",
    ]
    quick = RenderProgress(1000, interval=5.0, clock=lambda: 0.0)
    assert all(quick.tick() is None for _ in range(1000))  # a fast build says nothing


def test_maintainer_pages_stay_out_of_the_published_handbook(bundled_site: BuildResult) -> None:
    for page in ("publishing", "data-format", "benchmarks", "adopting"):
        assert (bundled_site.project / "docs" / f"{page}.md").is_file()
        assert not (bundled_site.site / page).exists()
    assert (bundled_site.site / "about" / "index.html").is_file()
