"""``srm render``: write the generated pages as plain Markdown files plus a nav snippet,
so any MkDocs-compatible builder can publish them without the hook."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from ..site import ASSET_DIR, ASSETS, build_content
from ..site_paths import SitePaths, check_prefix
from ..views import GeneratedPage


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader (libyaml included)
    reads back exactly. If MkDocs cannot read the front matter, it renders it as Markdown:
    a title like ``![x](javascript:…)`` would become a live image."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def page_markdown(page: GeneratedPage) -> str:
    """Front matter (an HTML-escaped title, search settings) and the page as one raw
    HTML block, which Markdown passes through untouched."""
    meta = [f"title: {yaml_string(str(escape(page.title)))}"]
    if not page.search:
        meta.append("search:\n  exclude: true")
    body = page.html.strip()
    return "---\n" + "\n".join(meta) + '\n---\n\n<div class="srm-page">\n' + body + "\n</div>\n"


def nav_snippet(pages: list[GeneratedPage], prefix: str) -> str:
    lines = [
        "# Add to mkdocs.yml: the generated pages' nav and assets (written by srm render).",
        "nav:",
    ]
    lines += [
        f"  - {yaml_string(str(escape(p.title)))}: {json.dumps(p.src)}" for p in pages if p.in_nav
    ]
    lines.append("extra_css:")
    lines.append(f"  - {json.dumps(prefix + ASSET_DIR + ASSETS[0])}")
    lines.append("extra_javascript:")
    lines.append(f"  - {json.dumps(prefix + ASSET_DIR + ASSETS[1])}")
    return "\n".join(lines) + "\n"


def cmd_render(args: argparse.Namespace) -> int:
    try:
        prefix = check_prefix(args.prefix)
    except ValueError as exc:
        raise SystemExit(f"srm render: error: {exc}") from None
    paths = SitePaths(prefix, directory_urls=not args.no_directory_urls)
    content = build_content(args.file, paths)
    out = Path(args.out)
    for page in content.pages:
        target = out / page.src
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page_markdown(page), encoding="utf-8")
    for name, text in content.files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
    (out / "srm-nav.yml").write_text(nav_snippet(content.pages, prefix), encoding="utf-8")
    print(f"srm: wrote {len(content.pages)} pages and {len(content.files)} files to {out}/")
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    from ..cli import add_file_argument

    p = sub.add_parser(
        "render",
        help="write the generated pages as Markdown (for builds without the hook)",
        description="Write every generated page as a Markdown file under OUT (a docs "
        "directory), the exports and assets, and OUT/srm-nav.yml: the nav, extra_css and "
        "extra_javascript entries to paste into mkdocs.yml. Any MkDocs-compatible builder "
        "can then publish them without hooks/srm.py.",
        epilog="Example:\n  srm render --out docs-generated/ srm_data.yaml\n"
        "  srm render --out docs/ --prefix security/srm/",
        formatter_class=fmt,
    )
    p.add_argument("--out", required=True, help="directory to write into (a docs_dir)")
    p.add_argument("--prefix", default="", help="mount path, e.g. security/srm/")
    p.add_argument(
        "--no-directory-urls",
        action="store_true",
        help="link pages as page.html (for use_directory_urls: false)",
    )
    add_file_argument(p)
    p.set_defaults(handler=cmd_render)
