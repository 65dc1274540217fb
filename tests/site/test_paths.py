"""Where the generated pages live and how they link to each other (site contract paths)."""

from __future__ import annotations

import itertools
from urllib.parse import urljoin

import pytest

from srm_handbook.site.paths import SitePaths, check_prefix

PAGES = [
    SitePaths.HOME,
    SitePaths.MATRIX,
    SitePaths.OVERVIEW,
    SitePaths.CHANGES,
    SitePaths.RESPONSIBILITIES,
    SitePaths.CAPABILITIES,
    SitePaths.PARTIES,
    SitePaths.responsibility("authentication"),
    SitePaths.capability("web-triggers"),
    SitePaths.party("you"),
]
LAYOUTS = [
    SitePaths(),
    SitePaths(directory_urls=False),
    SitePaths("security/srm/"),
    SitePaths("security/srm/", directory_urls=False),
    SitePaths("srm/"),
]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("", ""),
        ("srm", "srm/"),
        ("srm/", "srm/"),
        ("security/srm", "security/srm/"),
        ("security/srm/", "security/srm/"),
        ("v1.2_x-y/0", "v1.2_x-y/0/"),
    ],
)
def test_check_prefix_accepts_relative_lower_case_folders(given: str, expected: str) -> None:
    assert check_prefix(given) == expected


@pytest.mark.parametrize(
    "bad",
    [
        "/srm/",
        "../srm/",
        "security/../srm/",
        "./srm/",
        "security/./srm/",
        "..",
        "Security/",
        "security//srm/",
        "sec urity/",
        "-srm/",
        "srm\\x/",
        "https://example.com/srm/",
        "srm/?x=1",
        "/",
    ],
)
def test_check_prefix_refuses_anything_else(bad: str) -> None:
    with pytest.raises(ValueError, match="invalid prefix"):
        check_prefix(bad)


def test_detail_page_sources() -> None:
    assert SitePaths.responsibility("authentication") == "responsibilities/authentication.md"
    assert SitePaths.capability("custom-ui") == "capabilities/custom-ui.md"
    assert SitePaths.party("you") == "parties/you.md"


def test_src_puts_the_prefix_in_front() -> None:
    assert SitePaths().src(SitePaths.MATRIX) == "matrix.md"
    assert SitePaths("security/srm/").src(SitePaths.MATRIX) == "security/srm/matrix.md"
    assert SitePaths("srm/").src(SitePaths.party("you")) == "srm/parties/you.md"


@pytest.mark.parametrize(
    ("paths", "page", "url"),
    [
        (SitePaths(), SitePaths.HOME, ""),
        (SitePaths(), SitePaths.MATRIX, "matrix/"),
        (SitePaths(), SitePaths.RESPONSIBILITIES, "responsibilities/"),
        (SitePaths(), SitePaths.responsibility("a"), "responsibilities/a/"),
        (SitePaths("p/q/"), SitePaths.HOME, "p/q/"),
        (SitePaths("p/q/"), SitePaths.CAPABILITIES, "p/q/capabilities/"),
        (SitePaths("p/q/"), SitePaths.capability("c"), "p/q/capabilities/c/"),
        (SitePaths(directory_urls=False), SitePaths.HOME, "index.html"),
        (SitePaths(directory_urls=False), SitePaths.MATRIX, "matrix.html"),
        (SitePaths(directory_urls=False), SitePaths.PARTIES, "parties/index.html"),
        (SitePaths(directory_urls=False), SitePaths.party("you"), "parties/you.html"),
        (SitePaths("p/", directory_urls=False), SitePaths.HOME, "p/index.html"),
        (SitePaths("p/", directory_urls=False), SitePaths.party("you"), "p/parties/you.html"),
    ],
)
def test_url_is_where_mkdocs_publishes_the_page(paths: SitePaths, page: str, url: str) -> None:
    assert paths.url(page) == url


def test_a_page_named_like_index_is_not_an_index() -> None:
    """Only ``index.md`` itself is a folder's index; ``reindex.md`` keeps its name."""
    assert SitePaths().url(SitePaths.responsibility("reindex")) == "responsibilities/reindex/"
    assert SitePaths().url(SitePaths.party("index-team")) == "parties/index-team/"


def test_asset_sits_under_the_prefix() -> None:
    assert SitePaths().asset("srm.json") == "srm.json"
    assert SitePaths("security/srm/").asset("srm.csv") == "security/srm/srm.csv"
    assert SitePaths("srm/", directory_urls=False).asset("srm.json") == "srm/srm.json"


@pytest.mark.parametrize(
    ("paths", "page", "root"),
    [
        (SitePaths(), SitePaths.HOME, ""),
        (SitePaths(), SitePaths.MATRIX, "../"),
        (SitePaths(), SitePaths.RESPONSIBILITIES, "../"),
        (SitePaths(), SitePaths.responsibility("a"), "../../"),
        (SitePaths("p/q/"), SitePaths.HOME, "../../"),
        (SitePaths("p/q/"), SitePaths.responsibility("a"), "../../../../"),
        (SitePaths(directory_urls=False), SitePaths.HOME, ""),
        (SitePaths(directory_urls=False), SitePaths.MATRIX, ""),
        (SitePaths(directory_urls=False), SitePaths.responsibility("a"), "../"),
        (SitePaths("p/", directory_urls=False), SitePaths.MATRIX, "../"),
    ],
)
def test_root_climbs_to_the_site_root(paths: SitePaths, page: str, root: str) -> None:
    assert paths.root(page) == root


@pytest.mark.parametrize("paths", LAYOUTS, ids=repr)
def test_links_between_any_two_pages_resolve_to_the_target(paths: SitePaths) -> None:
    """What a browser does with the link: resolved against the page's own URL it must land
    on the target, from every depth to every depth, with or without prefix."""
    site = "https://docs.example.com/handbook/"
    for source, target in itertools.product(PAGES, PAGES):
        link = paths.link(source, paths.url(target))
        assert link, (source, target)
        assert not link.startswith("/"), link
        here = urljoin(site, paths.url(source))
        assert urljoin(here, link) == urljoin(site, paths.url(target)), (source, target, link)


@pytest.mark.parametrize("paths", LAYOUTS, ids=repr)
def test_links_to_assets_and_fragments_resolve(paths: SitePaths) -> None:
    site = "https://docs.example.com/"
    for source in PAGES:
        here = urljoin(site, paths.url(source))
        link = paths.link(source, paths.asset("srm.json"))
        assert urljoin(here, link) == urljoin(site, paths.asset("srm.json"))
        link = paths.link(source, paths.url(SitePaths.MATRIX) + "#row-a")
        assert urljoin(here, link) == urljoin(site, paths.url(SitePaths.MATRIX)) + "#row-a"


def test_a_link_to_the_page_itself_at_the_site_root_is_not_empty() -> None:
    """An empty href would be the current page too, but reads as a missing link."""
    assert SitePaths().link(SitePaths.HOME, SitePaths().url(SitePaths.HOME)) == "./"
    assert SitePaths().link(SitePaths.MATRIX, "") == "../"
