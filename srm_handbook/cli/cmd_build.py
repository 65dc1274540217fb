"""``srm build``: build the site with MkDocs into a fresh directory, then swap it in.

A failed build (invalid data, a strict-mode warning) leaves the existing output as it
was. The hook does the rendering; this only runs MkDocs and moves directories.
"""

from __future__ import annotations

import argparse
import os
import shutil
import stat
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


MARKER = ".srm-build"
"""A file ``srm build`` writes at the top of every site it makes: the only proof that a
directory is its own to replace (a folder with an index.html may be anyone's web app)."""
MARKER_TEXT = "This directory was made by 'srm build'; the next 'srm build' replaces all of it.\n"


def is_built_site(directory: Path) -> bool:
    """Whether ``directory`` holds the marker of a site ``srm build`` made (a regular
    file, not a link to one)."""
    try:
        return stat.S_ISREG((directory / MARKER).lstat().st_mode)
    except OSError:
        return False


def replace_dir(new: Path, dest: Path) -> None:
    """Move ``new`` to ``dest``; the old ``dest`` is removed only after the move."""
    old = dest.with_name(f".{dest.name}.old")
    if old.exists():
        shutil.rmtree(old)
    if dest.is_symlink():
        dest.unlink()
    elif dest.exists():
        dest.rename(old)
    try:
        new.rename(dest)
    except OSError:
        if old.exists() and not dest.exists():
            old.rename(dest)  # put the old site back
        raise
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
    if dest.is_dir() and any(dest.iterdir()) and not is_built_site(dest):
        return (
            f"{dest_arg} is a directory that srm build did not make (it has no {MARKER} "
            "file); a build would delete what is in it. Move it away, or build to another "
            "directory (a site built by an older srm build: delete it once)"
        )
    return None


def cmd_build(args: argparse.Namespace) -> int:
    why = refusal(args.dest, args.config_file, args.data)
    if why is not None:
        print(f"srm build: error: {why}", file=sys.stderr)
        return 2
    dest = Path(args.dest).resolve()
    tmp: Path | None = None
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-build-", dir=dest.parent))
        # mkdtemp makes the directory private; the site is published, so give it the mode
        # a plain mkdir would (readable by the web server).
        tmp.chmod(0o777 & ~umask())
        code = run_mkdocs_build(args.config_file, str(tmp), args.data, args.quiet)
        if code != 0:
            print(f"srm: build failed; {args.dest} was left as it was", file=sys.stderr)
            return 1
        (tmp / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        replace_dir(tmp, dest)
    except OSError as exc:
        where = exc.filename or dest
        print(
            f"srm build: error: cannot write {where}: {exc.strerror or exc}; "
            f"{args.dest} was left as it was",
            file=sys.stderr,
        )
        return 1
    finally:
        if tmp is not None and tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    if not args.quiet:
        print(f"srm: built {args.dest}/")
    return 0


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "build",
        help="build the handbook site (a failed build keeps the old one)",
        description="Run 'mkdocs build --strict' into a fresh directory and, only if it "
        "succeeds, replace DEST with it. DEST must be empty, missing, or a site an "
        "earlier srm build made (it writes DEST/.srm-build): any other directory, one "
        "that holds the project or sources, or a release made by 'srm publish', is "
        "refused.",
        epilog="Examples:\n  srm build\n  srm build --dest public --data other.yaml",
        formatter_class=fmt,
    )
    p.add_argument("--dest", default="site", help="output directory (default: site)")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="default: mkdocs.yml")
    p.add_argument("--data", help=f"data file (default: from mkdocs.yml; sets {DATA_ENV})")
    p.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    p.set_defaults(handler=cmd_build)
