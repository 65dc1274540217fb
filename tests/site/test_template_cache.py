"""Compiled templates kept between builds (:mod:`srm_handbook.site.template_cache`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

from srm_handbook.site.template_cache import template_cache

OPTIONS: dict[str, Any] = {"trim_blocks": True}


def environment(templates: Path, cache: Path) -> Environment:
    return Environment(
        loader=FileSystemLoader(templates),
        autoescape=True,
        bytecode_cache=template_cache({"autoescape": True, **OPTIONS}, str(cache)),
        **OPTIONS,
    )


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html.j2").write_text("{% for x in items %}<li>{{ x }}</li>{% endfor %}\n")
    return folder


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """An empty cache directory."""
    folder = tmp_path / "cache"
    folder.mkdir()
    return folder


def refuse_to_compile(monkeypatch: pytest.MonkeyPatch) -> None:
    def compile_(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("compiled again instead of read from the cache")

    monkeypatch.setattr(Environment, "compile", compile_)


def test_a_later_build_reads_the_compiled_template(
    templates: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = environment(templates, cache).get_template("page.html.j2").render(items=["<a>", "b"])
    assert first == "<li>&lt;a&gt;</li><li>b</li>"
    assert [p.name.startswith("srm-handbook-") for p in cache.iterdir()] == [True]
    refuse_to_compile(monkeypatch)
    again = environment(templates, cache).get_template("page.html.j2").render(items=["<a>", "b"])
    assert again == first


def test_an_edited_template_is_compiled_again_never_run_stale(templates: Path, cache: Path) -> None:
    environment(templates, cache).get_template("page.html.j2").render(items=[1])
    (templates / "page.html.j2").write_text("{{ items | length }} items\n")
    fresh = environment(templates, cache).get_template("page.html.j2").render(items=[1, 2])
    assert fresh == "2 items"


def test_other_options_never_share_entries(templates: Path, cache: Path) -> None:
    environment(templates, cache).get_template("page.html.j2").render(items=[1])
    other = Environment(
        loader=FileSystemLoader(templates),
        bytecode_cache=template_cache({"autoescape": False}, str(cache)),
        autoescape=False,  # noqa: S701 (the point: compiled otherwise)
    )
    assert other.get_template("page.html.j2").render(items=["<a>"]) == "<li><a></li>"
    assert len(list(cache.iterdir())) == 2


def test_a_damaged_or_unwritable_cache_costs_only_the_compilation(
    templates: Path, cache: Path, tmp_path: Path
) -> None:
    environment(templates, cache).get_template("page.html.j2").render(items=[1])
    for entry in cache.iterdir():
        entry.write_bytes(b"not bytecode")
    assert environment(templates, cache).get_template("page.html.j2").render(items=[1]) == (
        "<li>1</li>"
    )
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    env = environment(templates, not_a_folder)
    assert env.get_template("page.html.j2").render(items=[2]) == "<li>2</li>"
    gone = environment(templates, tmp_path / "missing")
    assert gone.get_template("page.html.j2").render(items=[3]) == "<li>3</li>"


def test_the_site_templates_are_cached() -> None:
    from srm_handbook.site.views import environment

    cache = environment().bytecode_cache
    assert cache is not None
    assert "srm-handbook-" in getattr(cache, "pattern", "")
