"""``srm init [DIR]``: start a model from nothing: a small valid srm_data.yaml whose
comments explain every field, the JSON Schema it points editors at, and (``--mkdocs``) a
mkdocs.yml that builds it into a handbook."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from srm_handbook.cli.common import EXIT_OK, Formatter, SubParsers, UsageError
from srm_handbook.core import schema
from srm_handbook.core.starter import STARTER_ABOUT, STARTER_MKDOCS, STARTER_MODEL
from srm_handbook.files import write_atomic


def cmd_init(args: argparse.Namespace) -> int:
    root = Path(args.dir)
    files: dict[Path, str] = {
        root / "srm_data.yaml": STARTER_MODEL,
        root / "schema" / "srm_data.schema.json": json.dumps(
            schema.json_schema(), indent=2, ensure_ascii=False
        )
        + "\n",
    }
    if args.mkdocs:
        files[root / "mkdocs.yml"] = STARTER_MKDOCS
        files[root / "docs" / "about.md"] = STARTER_ABOUT
    taken = [p for p in files if p.exists()]
    if taken and not args.force:
        names = ", ".join(str(p) for p in taken)
        raise UsageError(f"{names} already exists; give --force to overwrite")
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))
    except OSError as exc:
        raise UsageError(f"{exc.filename or root}: {exc.strerror or exc}") from None
    for path in files:
        print(f"srm: wrote {path}")
    print(
        f"Next: edit {root / 'srm_data.yaml'}, then run 'srm validate {root / 'srm_data.yaml'}'"
        + (f" and 'mkdocs serve' in {root}" if args.mkdocs else "")
    )
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "init",
        help="start a model: a small valid srm_data.yaml that explains every field",
        description="Write DIR/srm_data.yaml (two parties, two capabilities, three "
        "responsibilities; a comment explains every field) and DIR/schema/"
        "srm_data.schema.json, which its first line points editors at. With --mkdocs, "
        "also DIR/mkdocs.yml (the srm plugin) and DIR/docs/about.md, so that "
        "'mkdocs build' in DIR builds the handbook. Existing files are kept unless --force.",
        epilog="Examples:\n  srm init\n  srm init my-srm --mkdocs",
        formatter_class=fmt,
    )
    p.add_argument("dir", nargs="?", default=".", metavar="DIR", help="default: .")
    p.add_argument("--mkdocs", action="store_true", help="also write a mkdocs.yml project")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.set_defaults(handler=cmd_init)
