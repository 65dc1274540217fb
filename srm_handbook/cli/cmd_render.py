"""``srm render``: write the generated pages as plain Markdown files plus a nav snippet,
so any MkDocs-compatible builder can publish them without the hook.

The output directory is often a docs directory with handwritten pages, so nothing there is
lost: ``OUT/.srm-render.json`` records what the last run wrote (path and SHA-256), a file
that this run would write is only replaced when that run wrote it and it has not been
edited since (or already holds the same text), and files of earlier runs that are no
longer generated (a removed responsibility) are deleted under the same condition. Any
other existing file stops the run before anything is written, unless ``--force``.

The record is a file anyone can edit, so it is not proof on its own: a file is only
replaced or deleted when its content is also in the form srm render writes at that path
(:func:`made_by_render`), and nothing is read, written or deleted through a link below
OUT (a linked folder stops the run, even with ``--force``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml
from markupsafe import escape

from srm_handbook.cli.common import UsageError, add_file_argument
from srm_handbook.files import write_atomic
from srm_handbook.site import i18n
from srm_handbook.site.content import ASSET_DIR, ASSETS, build_content
from srm_handbook.site.inert_html import inert_html
from srm_handbook.site.paths import SitePaths, check_prefix
from srm_handbook.site.views import GeneratedPage


def yaml_string(text: str) -> str:
    """``text`` as a YAML double-quoted scalar that every YAML reader (libyaml included)
    reads back exactly. If MkDocs cannot read the front matter, it renders it as Markdown:
    a title like ``![x](javascript:…)`` would become a live image."""
    return yaml.safe_dump(text, default_style='"', allow_unicode=True, width=2**31).rstrip("\n")


def page_markdown(page: GeneratedPage, html: str) -> str:
    """Front matter (an HTML-escaped title, search settings) and the page as one raw
    HTML block on one line, in which no Markdown extension finds anything to act on
    (:mod:`srm_handbook.site.inert_html`)."""
    meta = [f"title: {yaml_string(str(escape(page.title)))}"]
    if not page.search:
        meta.append("search:\n  exclude: true")
    body = inert_html(html)
    return "---\n" + "\n".join(meta) + '\n---\n\n<div class="srm-page">' + body + "</div>\n"


NAV_HEADER = "# Add to mkdocs.yml: the generated pages' nav and assets (written by srm render)."


def nav_snippet(pages: list[GeneratedPage], prefix: str) -> str:
    lines = [NAV_HEADER, "nav:"]
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
        raise UsageError(str(exc)) from None
    language = i18n.match_language(args.language)
    if language is None:
        raise UsageError(
            f"no catalogue for the language {args.language!r}; catalogues: "
            + ", ".join(i18n.languages())
        )
    paths = SitePaths(prefix, directory_urls=not args.no_directory_urls)
    content = build_content(args.file, paths, labels=i18n.labels(language))
    out = Path(args.out)
    outputs = {
        page.src: page_markdown(page, content.page_html(page)).encode("utf-8")
        for page in content.pages
    }
    files = content.all_files()
    content.background.close()
    outputs.update(
        (name, text.encode("utf-8") if isinstance(text, str) else text)
        for name, text in files.items()
    )
    outputs["srm-nav.yml"] = nav_snippet(content.pages, prefix).encode("utf-8")
    written_before = _read_manifest(out)
    digests = {rel: hashlib.sha256(data).hexdigest() for rel, data in outputs.items()}
    problems = _conflicts(out, digests, written_before, args.force)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        hint = ")" if args.force else ", or pass --force)"
        if not written_before and not args.force:
            state = "cannot be read" if (out / MANIFEST).exists() else "does not exist"
            hint += (
                f"; {out / MANIFEST}, the record of what srm render wrote, {state}, so "
                "earlier output counts as not written by it: check, then --force once"
            )
        print(
            f"srm render: {len(problems)} file{'s' if len(problems) != 1 else ''} in {out}/ "
            f"stand in the way; nothing was written (move them{hint}",
            file=sys.stderr,
        )
        return 1
    try:
        # First a manifest that owns both the old and the new content of every file, so a
        # run cut short leaves nothing the next run would mistake for someone's edits.
        both = {rel: sorted({*written_before.get(rel, ()), d}) for rel, d in digests.items()}
        _write_manifest(out, {**written_before, **both})
        for rel, data in outputs.items():
            _write(out / rel, data)
        removed = []
        for rel, accepted in written_before.items():
            target = out / rel
            if rel in outputs or not target.is_file() or _through_link(out, rel):
                continue
            data = target.read_bytes()
            if hashlib.sha256(data).hexdigest() not in accepted:
                print(f"srm: kept {target}: no longer generated, but edited since", file=sys.stderr)
            elif not made_by_render(rel, data):
                print(
                    f"srm: kept {target}: listed in {MANIFEST}, but not srm render output",
                    file=sys.stderr,
                )
            else:
                target.unlink()
                removed.append(rel)
                _remove_empty_folders(out, target.parent)
        _write_manifest(out, {rel: [d] for rel, d in digests.items()})
    except OSError as exc:
        where = exc.filename or out
        print(f"srm render: error: cannot write {where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    gone = f"; removed {len(removed)} no longer generated" if removed else ""
    print(f"srm: wrote {len(content.pages)} pages and {len(files)} files to {out}/{gone}")
    return 0


MANIFEST = ".srm-render.json"
"""What ``srm render`` wrote into its output directory: path -> the SHA-256 digests the
file may have and still be its own (MkDocs skips dotfiles)."""


def _remove_empty_folders(out: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``out`` while they are empty."""
    while folder != out and out in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return  # not empty (or not ours to remove)
        folder = folder.parent


def _inside(rel: str) -> bool:
    """A manifest path that stays inside the output directory (the manifest is a file
    in a docs directory that anyone can edit: it must not make a run delete elsewhere)."""
    parts = Path(rel).parts
    return bool(parts) and not Path(rel).is_absolute() and ".." not in parts and "\\" not in rel


def _through_link(out: Path, rel: str) -> bool:
    """Whether a folder on the way from ``out`` to ``out/rel`` (``rel`` included) is a
    link: srm render reads, writes and deletes nothing through one."""
    folder = out
    for part in Path(rel).parts:
        folder = folder / part
        if folder.is_symlink():
            return True
    return False


_ID = rb"[a-z0-9]+(?:-[a-z0-9]+)*"
_SECTION_PAGE = re.compile(
    rb"(?:.*/)?(?:(?:responsibilities|capabilities|parties)/(?:" + _ID + rb"|index)"
    rb"|index|matrix|overview|changes)\.md"
)
_PAGE = re.compile(
    rb'---\ntitle: "[^\n]*"\n(?:search:\n  exclude: true\n)?---\n\n<div class="srm-page">'
)
_SIGNATURES: dict[str, bytes | tuple[bytes, ...]] = {  # how the other files it writes start
    "srm-nav.yml": NAV_HEADER.encode("utf-8"),
    "srm.css": b"/* srm-handbook: ",
    "srm.js": b"/* srm-handbook: ",
    # The second forms: what earlier versions wrote (before every CSV field was quoted,
    # before srm.json named its schema), so that an upgrade still recognises them.
    "srm.csv": (b'"id","responsibility","category",', b"id,responsibility,category,"),
    "srm.json": (b'{\n  "$schema": "srm.schema.json",', b'{\n  "schema": '),
    "srm.schema.json": b'{\n  "$schema": "https://json-schema.org/',
    "srm.oscal.json": b'{\n  "component-definition": ',
    "srm.xlsx": b"PK\x03\x04",  # a zip archive, as every workbook is
}
_CRM_CSV = re.compile(r"srm-crm-[a-z0-9-]+\.csv")
_CRM_SIGNATURE = b"Control ID,"


def made_by_render(rel: str, data: bytes) -> bool:
    """Whether ``data`` at ``rel`` is in the form srm render writes there: a generated
    page's path and its front matter and page block, or the start of an export, asset
    or nav snippet. The record of written files is a file anyone can edit, so a digest
    listed there is not enough to delete or overwrite a file (a handwritten page)."""
    name = rel.rsplit("/", 1)[-1]
    if name.endswith(".md"):
        return bool(_SECTION_PAGE.fullmatch(rel.encode("utf-8")) and _PAGE.match(data))
    if name == "srm-nav.yml" and rel != name:
        return False
    if name in ("srm.css", "srm.js") and not rel.endswith(ASSET_DIR + name):
        return False
    signature = _SIGNATURES.get(name)
    if signature is None and _CRM_CSV.fullmatch(name):
        signature = _CRM_SIGNATURE
    return signature is not None and data.startswith(signature)


def _read_manifest(out: Path) -> dict[str, list[str]]:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    if not isinstance(files, dict):
        return {}
    out_files: dict[str, list[str]] = {}
    for rel, accepted in files.items():
        if isinstance(accepted, str):  # the first format: one digest
            accepted = [accepted]
        if isinstance(rel, str) and _inside(rel) and isinstance(accepted, list):
            out_files[rel] = [d for d in accepted if isinstance(d, str)]
    return out_files


def _write_manifest(out: Path, files: dict[str, list[str]]) -> None:
    text = json.dumps({"files": files}, indent=1, sort_keys=True)
    _write(out / MANIFEST, text.encode("utf-8"))


def _conflicts(
    out: Path, digests: dict[str, str], written_before: dict[str, list[str]], force: bool
) -> list[str]:
    """A line for each existing file this run would overwrite that is not its own (with
    ``force``, only for what cannot be overwritten: directories, links). ``digests``:
    what the run writes, path -> SHA-256."""
    problems = []
    folders = {parent for rel in digests for parent in Path(rel).parents[:-1]}
    for folder in sorted(folders, key=lambda f: len(f.parts)):  # a file where one must be
        if (out / folder).is_symlink():
            problems.append(
                f"{out / folder}: error: is a link; srm render never writes through links"
            )
        elif (out / folder).exists() and not (out / folder).is_dir():
            problems.append(f"{out / folder}: error: exists and is not a directory")
    for rel, digest in digests.items():
        target = out / rel
        if _through_link(out, str(Path(rel).parent)):
            continue  # reported with its folder
        if not target.exists() and not target.is_symlink():
            continue
        if target.is_symlink() or not target.is_file():
            problems.append(f"{target}: error: exists and is not a regular file")
            continue
        if force:
            continue
        data = target.read_bytes()
        current = hashlib.sha256(data).hexdigest()
        if current == digest:
            continue
        if rel not in written_before or not made_by_render(rel, data):
            problems.append(f"{target}: error: exists and was not written by srm render")
        elif current not in written_before[rel]:
            problems.append(f"{target}: error: was edited since srm render wrote it")
    return problems


def _write(target: Path, data: bytes) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, exc.filename or str(target)) from None
    write_atomic(target, data)


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "render",
        help="write the generated pages as Markdown (for builds without the hook)",
        description="Write every generated page as a Markdown file under OUT (a docs "
        "directory), the exports and assets, and OUT/srm-nav.yml: the nav, extra_css and "
        "extra_javascript entries to paste into mkdocs.yml. Any MkDocs-compatible builder "
        "can then publish them without hooks/srm.py. Files in OUT that an earlier run did "
        "not write, or that were edited since, are never overwritten: the run stops before "
        "writing anything (unless --force). Pages of earlier runs that are no longer "
        "generated are removed unless edited (OUT/.srm-render.json records what was "
        "written).",
        epilog="Example:\n  srm render --out docs-generated/ srm_data.yaml\n"
        "  srm render --out docs/ --prefix security/srm/",
        formatter_class=fmt,
    )
    p.add_argument("--out", required=True, help="directory to write into (a docs_dir)")
    p.add_argument("--prefix", default="", help="mount path, e.g. security/srm/")
    p.add_argument(
        "--force",
        action="store_true",
        help="overwrite files under OUT that an earlier srm render did not write",
    )
    p.add_argument(
        "--language",
        default=i18n.SOURCE_LANGUAGE,
        help="the language of the generated text, e.g. de (default: en)",
    )
    p.add_argument(
        "--no-directory-urls",
        action="store_true",
        help="link pages as page.html (for use_directory_urls: false)",
    )
    add_file_argument(p)
    p.set_defaults(handler=cmd_render)
