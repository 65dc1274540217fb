"""``srm build``: build the site with MkDocs into a fresh directory, then swap it in.

A failed build (invalid data, a strict-mode warning) leaves the existing output as it
was. The hook does the rendering; this only runs MkDocs and moves directories.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from srm_handbook.files import umask
from srm_handbook.mkdocs.config import DATA_ENV
from srm_handbook.publish.releases import LOCK_NAME, RELEASES_SUFFIX


def run_mkdocs_build(config_file: str, out_dir: str, data: str | None, quiet: bool = False) -> int:
    env = dict(os.environ)
    env.setdefault("NO_MKDOCS_2_WARNING", "1")
    if data:
        env[DATA_ENV] = os.path.abspath(data)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config_file, "-d", out_dir]
    if quiet:
        cmd.append("-q")
    return subprocess.run(cmd, env=env, check=False).returncode


def replace_dir(new: Path, dest: Path) -> None:
    """Move ``new`` to ``dest``; the old ``dest`` is removed only after the move."""
    old = dest.with_name(f".{dest.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if dest.is_symlink():
        dest.unlink()
    elif dest.exists():
        dest.rename(old)
    new.rename(dest)
    if old.exists():
        shutil.rmtree(old)


def refusal(dest_arg: str, config_file: str, data: str | None) -> str | None:
    """Why ``dest_arg`` must not be replaced by a build, or None. A build replaces the
    whole directory, so it must not hold the project, and must not be a release that
    ``srm publish`` switches to atomically."""
    dest = Path(dest_arg).resolve()
    if dest.parent.name.endswith(RELEASES_SUFFIX) and (dest.parent / LOCK_NAME).exists():
        # Building over it would rewrite a release in place, outside the atomic switch
        # and the rollback of srm publish.
        link = dest.parent.name.removesuffix(RELEASES_SUFFIX)
        return (
            f"{dest_arg} is a release published by 'srm publish' ({dest.parent.name}/"
            f"{dest.name}); publish a new build with 'srm publish --dest {link}', or build "
            "to another directory"
        )
    sources = [Path.cwd(), Path(config_file).resolve().parent]
    if data:
        sources.append(Path(data).resolve())
    for source in sources:
        if source == dest or dest in source.parents:
            return (
                f"{dest_arg} holds {source}, which a build would delete with the old site; "
                "build to a directory of its own, such as 'site'"
            )
    if dest.is_dir() and not dest.is_symlink():
        names = {p.name for p in dest.iterdir()}
        if names and (
            "index.html" not in names
            or names & {"mkdocs.yml", ".git"}
            or any(n.endswith(".md") for n in names)
        ):
            return (
                f"{dest_arg} is a directory that does not look like a built site (it has "
                "no index.html, or holds Markdown or project files); a build would delete "
                "what is in it. Move it away, or build to another directory"
            )
    return None


def cmd_build(args: argparse.Namespace) -> int:
    why = refusal(args.dest, args.config_file, args.data)
    if why is not None:
        print(f"srm build: error: {why}", file=sys.stderr)
        return 2
    dest = Path(args.dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-build-", dir=dest.parent))
    # mkdtemp makes the directory private; the site is published, so give it the mode a
    # plain mkdir would (readable by the web server).
    tmp.chmod(0o777 & ~umask())
    try:
        code = run_mkdocs_build(args.config_file, str(tmp), args.data, args.quiet)
        if code != 0:
            print(f"srm: build failed; {args.dest} was left as it was", file=sys.stderr)
            return 1
        replace_dir(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    if not args.quiet:
        print(f"srm: built {args.dest}/")
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "build",
        help="build the handbook site (a failed build keeps the old one)",
        description="Run 'mkdocs build --strict' into a fresh directory and, only if it "
        "succeeds, replace DEST with it. DEST must be a directory of its own: one that "
        "holds the project or sources, or a release made by 'srm publish', is refused.",
        epilog="Examples:\n  srm build\n  srm build --dest public --data other.yaml",
        formatter_class=fmt,
    )
    p.add_argument("--dest", default="site", help="output directory (default: site)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="default: mkdocs.yml")
    p.add_argument("--data", help=f"data file (default: from mkdocs.yml; sets {DATA_ENV})")
    p.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    p.set_defaults(handler=cmd_build)
