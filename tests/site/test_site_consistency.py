"""Ownership stays consistent across the built site: the matrix, the responsibility,
capability and party pages, and srm.json all say the same thing (issue 3's checks).

Each data set is built once with `mkdocs build --strict` and read back as HTML: the
fixtures (what the product does), and the repository's own srm_data.yaml (marked
`handbook_data`: one of the checks that hold for any valid model, see test_handbook_data)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pytest

from srm_handbook.core.load import load_model
from srm_handbook.core.model import Srm

from ..conftest import FIXTURES, FORGE, HANDBOOK_DATA, ROOT, BuildResult, build_site
from ..site_html import PageInfo, all_pages, broken_links, load_json

DATASETS = {
    "handbook": HANDBOOK_DATA,
    "forge": FORGE,
    "four-parties": FIXTURES / "cloud_four_parties.yaml",
    "markdown": FIXTURES / "markdown_three_parties.yaml",
}


@pytest.fixture(
    scope="module",
    params=[
        pytest.param(name, marks=[pytest.mark.handbook_data] if name == "handbook" else [])
        for name in DATASETS
    ],
)
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = DATASETS[request.param]
    result = build_site(tmp_path_factory.mktemp(request.param), data)
    return result, load_model(data), all_pages(result.site)


Built = tuple[BuildResult, Srm, dict[str, PageInfo]]


def _label(srm: Srm, owners: tuple[str, ...]) -> str:
    return " & ".join(srm.party[p].name for p in owners) if owners else "Not applicable"


def test_every_page_of_the_contract_exists(built: Built) -> None:
    _, srm, pages = built
    expected = {"", "matrix/", "responsibilities/", "capabilities/", "parties/"}
    expected |= {f"responsibilities/{r.id}/" for r in srm.responsibilities}
    expected |= {f"capabilities/{c.id}/" for c in srm.capabilities}
    expected |= {f"parties/{p.id}/" for p in srm.parties}
    assert expected <= set(pages)


def test_matrix_cells_equal_every_other_view_of_the_cell(built: Built) -> None:
    result, srm, pages = built
    exported = load_json(result.site)
    json_owners = {
        (r["id"], cid): " ".join(owners) or "n/a"
        for r in exported["responsibilities"]  # type: ignore[attr-defined]
        for cid, owners in r["owners"].items()
    }
    matrix = {(c.responsibility, c.capability): c for c in pages["matrix/"].cells}
    assert len(matrix) == len(srm.responsibilities) * len(srm.capabilities)
    for r in srm.responsibilities:
        on_row_page = {c.capability: c for c in pages[f"responsibilities/{r.id}/"].cells}
        assert set(on_row_page) == {c.id for c in srm.capabilities}
        for cap in srm.capabilities:
            expected = " ".join(r.owners[cap.id]) or "n/a"
            label = _label(srm, r.owners[cap.id])
            on_cap_page = [
                c for c in pages[f"capabilities/{cap.id}/"].cells if c.responsibility == r.id
            ]
            views = [matrix[(r.id, cap.id)], on_row_page[cap.id], *on_cap_page]
            assert len(views) == 3, f"{r.id}/{cap.id} missing from a page"
            for view in views:
                assert (view.owners, view.label) == (expected, label), (r.id, cap.id)
            assert json_owners[(r.id, cap.id)] == expected


def test_owning_parties_show_duties_and_others_do_not(built: Built) -> None:
    _, srm, pages = built
    for r in srm.responsibilities:
        shown: dict[tuple[str, str], int] = defaultdict(int)
        for d in pages[f"responsibilities/{r.id}/"].duties:
            for cid in d.capabilities.split():
                shown[(d.party, cid)] += 1
        for cap in srm.capabilities:
            owners = set(r.owners[cap.id])
            for party in srm.parties:
                if party.id in owners:
                    assert shown[(party.id, cap.id)] >= 1, (r.id, cap.id, party.id)
                else:
                    assert shown[(party.id, cap.id)] == 0, (r.id, cap.id, party.id)
        for cap in srm.capabilities:
            on_cap_page = [
                d for d in pages[f"capabilities/{cap.id}/"].duties if d.responsibility == r.id
            ]
            assert {d.party for d in on_cap_page} == set(r.owners[cap.id]), (r.id, cap.id)


def test_every_duty_appears_on_its_pages_and_nowhere_else(built: Built) -> None:
    _, srm, pages = built
    where: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for url, info in pages.items():
        for d in info.duties:
            where[(d.responsibility, d.party, d.text)].add(url)
    duties = [d for r in srm.responsibilities for d in r.duties]
    assert len(where) == len(
        {(d.responsibility, d.party, " ".join(d.text.split())) for d in duties}
    )
    for r in srm.responsibilities:
        for url, info in pages.items():
            marks = [d for d in info.duties if d.responsibility == r.id]
            for d in marks:
                caps = d.capabilities.split()
                expected_pages = {
                    f"responsibilities/{r.id}/",
                    f"parties/{d.party}/",
                    "overview/",
                    *(f"capabilities/{c}/" for c in caps),
                }
                assert url in expected_pages, (url, d)
        for duty in r.duties:
            marked = [
                (url, d)
                for url, info in pages.items()
                for d in info.duties
                if d.responsibility == r.id
                and d.party == duty.party
                and d.capabilities == " ".join(duty.capabilities)
            ]
            urls = {url for url, _ in marked}
            assert {
                f"responsibilities/{r.id}/",
                f"parties/{duty.party}/",
                "overview/",
                *(f"capabilities/{c}/" for c in duty.capabilities),
            } <= urls


def test_duty_capabilities_follow_rule_3(built: Built) -> None:
    _, srm, pages = built
    for r in srm.responsibilities:
        marks = pages[f"responsibilities/{r.id}/"].duties
        assert [(d.party, d.capabilities) for d in marks] == [
            (d.party, " ".join(d.capabilities)) for d in r.duties
        ]


def test_all_internal_links_and_anchors_resolve(built: Built) -> None:
    result, _, pages = built
    assert broken_links(result.site, pages) == []


def test_exports_are_published_and_linked_from_the_matrix(built: Built) -> None:
    result, srm, pages = built
    assert load_json(result.site)["title"] == srm.title
    csv_text = (result.site / "srm.csv").read_bytes().decode("utf-8")
    assert csv_text.count("\r\n") == len(srm.responsibilities) + 1
    assert {"../srm.json", "../srm.csv"} <= set(pages["matrix/"].links)


def test_nothing_is_written_into_docs(built: Built) -> None:
    result, _, _ = built
    docs = sorted(
        p.relative_to(result.project).as_posix() for p in (result.project / "docs").rglob("*")
    )
    repo_docs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "docs").rglob("*"))
    assert docs == repo_docs
