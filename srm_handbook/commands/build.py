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

from ..options import DATA_ENV
from ..publish import Releases


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


def cmd_build(args: argparse.Namespace) -> int:
    releases = Releases.at(args.dest)
    release = releases.current()
    target = Path(os.path.realpath(args.dest))
    if release is not None and target.parent == Path(os.path.realpath(releases.root)):
        # Building over it would rewrite the live release in place, outside the atomic
        # switch and the rollback of srm publish.
        print(
            f"srm build: error: {args.dest} is published by 'srm publish' (a link to "
            f"{release.parent.name}/{release.name}); publish a new build with "
            f"'srm publish --dest {args.dest}', or build to another directory",
            file=sys.stderr,
        )
        return 2
    dest = Path(args.dest).resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-build-", dir=dest.parent))
    # mkdtemp makes the directory private; the site is published, so give it the mode a
    # plain mkdir would (readable by the web server).
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)
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
        "succeeds, replace DEST with it.",
        epilog="Examples:\n  srm build\n  srm build --dest public --data other.yaml",
        formatter_class=fmt,
    )
    p.add_argument("--dest", default="site", help="output directory (default: site)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="default: mkdocs.yml")
    p.add_argument("--data", help=f"data file (default: from mkdocs.yml; sets {DATA_ENV})")
    p.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    p.set_defaults(handler=cmd_build)
