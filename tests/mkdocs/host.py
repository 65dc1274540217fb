"""A host handbook that is not this repository: its own docs, nav and theme settings, with
one or more SRM models added through ``plugins: - srm``."""

from __future__ import annotations

import html.parser
import os
import posixpath
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..conftest import FIXTURES, BuildResult
from ..conftest import FORGE as FORGE_DATA
from ..site_html import read_page, resolve


@dataclass(frozen=True)
class Model:
    data: Path
    prefix: str
    title: str | None = None
    """A title for the copy (so two copies of one model differ), or the file's own."""


FORGE = Model(FORGE_DATA, "security/forge/")
CLOUD = Model(FIXTURES / "cloud_four_parties.yaml", "security/cloud/")


def host_handbook(
    tmp: Path,
    models: Sequence[Model] = (CLOUD, FORGE),
    nav: list[Any] | str | None = "default",
    language: str = "de",
    features: Sequence[str] = ("navigation.tabs", "navigation.sections", "navigation.indexes"),
    extra_options: dict[str, Any] | None = None,
) -> Path:
    """Write the host handbook into ``tmp/host``; ``nav="default"`` gives one nav entry
    per model (its home page) between the handbook's own pages; None, no nav at all."""
    project = tmp / "host"
    docs = project / "docs"
    (docs / "team").mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text("# Willkommen\n\nDas Handbuch des Teams.\n", "utf-8")
    (docs / "team" / "onboarding.md").write_text(
        "# Onboarding\n\nLies zuerst die [Matrix](../security/forge/matrix.md).\n", "utf-8"
    )
    plugins: list[Any] = ["search"]
    for i, model in enumerate(models):
        data_name = f"model-{i}.yaml"
        text = model.data.read_text("utf-8")
        if model.title is not None:
            lines = text.splitlines(keepends=True)
            at = next(n for n, line in enumerate(lines) if line.startswith("title:"))
            lines[at] = f"title: {model.title}\n"
            text = "".join(lines)
        (project / data_name).write_text(text, "utf-8")
        plugins.append(
            {
                "srm": {
                    "data": data_name,
                    "prefix": model.prefix,
                    "history": False,
                    **(extra_options or {}),
                }
            }
        )
    config: dict[str, Any] = {
        "site_name": "Team-Handbuch",
        "strict": True,
        "theme": {"name": "material", "language": language, "features": list(features)},
        "plugins": plugins,
        "markdown_extensions": ["toc", "admonition", "tables"],
        "validation": {"links": {"anchors": "warn"}},
    }
    if nav == "default":
        config["nav"] = [
            {"Start": "index.md"},
            {
                "Sicherheit": [
                    {f"Modell {i + 1}": m.prefix + "index.md"} for i, m in enumerate(models)
                ]
            },
            {"Team": ["team/onboarding.md"]},
        ]
    elif nav is not None:
        config["nav"] = nav
    (project / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), "utf-8")
    return project


def mkdocs_build(project: Path, python: str = sys.executable) -> BuildResult:
    site = project / "site"
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SRM_DATA", None)
    proc = subprocess.run(
        [python, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return BuildResult(proc.returncode, proc.stdout, proc.stderr, site, project)


class _NavReader(html.parser.HTMLParser):
    """The links of Material's primary navigation, and which of them are marked active."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.links: list[str] = []
        self.active: list[str] = []
        self.labels: list[str] = []
        self._item_active: list[bool] = []
        self._in_link = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if self.depth:
            self.depth += 1
        elif tag == "nav" and "md-nav--primary" in classes:
            self.depth = 1
        if not self.depth:
            return
        if tag == "li":
            self._item_active.append("md-nav__item--active" in classes)
        if tag == "a" and "md-nav__link" in classes and a.get("href"):
            self.links.append(str(a["href"]))
            if "md-nav__link--active" in classes or (self._item_active and self._item_active[-1]):
                self.active.append(str(a["href"]))

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if tag == "li" and self._item_active:
                self._item_active.pop()

    def handle_data(self, data: str) -> None:
        if self.depth and data.strip():
            self.labels.append(data.strip())


def read_nav(site: Path, url: str) -> _NavReader:
    reader = _NavReader()
    path = site / url / "index.html" if url == "" or url.endswith("/") else site / url
    reader.feed(path.read_text("utf-8"))
    return reader


def page_url(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def reachable_from_nav(site: Path) -> set[str]:
    """Every page reached from the nav of the home page by following links (in the nav and
    in the pages' content)."""
    seen: set[str] = set()
    queue = [page_url(site, p) for p in _targets(site, "", read_nav(site, "").links)]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        queue += [page_url(site, p) for p in _targets(site, url, read_page(site, url).links)]
    return seen


def _targets(site: Path, url: str, hrefs: list[str]) -> list[Path]:
    out = []
    for href in hrefs:
        target, _ = resolve(site, url, href.split("?")[0])
        if target is not None and target.suffix == ".html" and target.is_file():
            out.append(target)
    return out


def generated_pages(site: Path, prefix: str) -> set[str]:
    """The pages an instance generated under ``prefix`` (alias redirects left out)."""
    return {
        page_url(site, p)
        for p in (site / prefix).rglob("*.html")
        if posixpath.basename(p.as_posix()) == "index.html"
        and "data-srm-redirect" not in p.read_text("utf-8")
    }
