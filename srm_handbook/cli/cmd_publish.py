"""``srm publish``: build, check, then switch the live site atomically; or roll back.

``srm publish --dest DIR [FILE]`` builds with ``mkdocs build --strict`` into a new release
directory in ``DIR.releases/``, checks the built HTML against the data
(:func:`srm_handbook.site_check.check_site`), and only then points the link ``DIR`` at it
(see :mod:`srm_handbook.publish`). A failed build, a failed check, or a kill at any moment
leaves ``DIR`` serving exactly what it served before. ``--rollback`` points ``DIR`` back at
the previous release and keeps the one it leaves; ``--roll-forward`` undoes that.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from typing import Any

from srm_handbook.cli.cmd_build import run_mkdocs_build
from srm_handbook.cli.common import EXIT_INVALID, EXIT_USAGE, UsageError
from srm_handbook.core.load import load_model
from srm_handbook.mkdocs.config import DATA_ENV, OptionsError, site_labels, site_options
from srm_handbook.publish.releases import DEFAULT_KEEP, DestinationError, PublishError, Releases
from srm_handbook.site import exports as export
from srm_handbook.site.check import check_site
from srm_handbook.site.exports import NOT_APPLICABLE_LABEL
from srm_handbook.site.paths import SitePaths

EXIT_FAILED = EXIT_INVALID
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class ModelSettings:
    data: str
    """The data file the model is built from."""
    paths: SitePaths
    not_applicable: str
    """How the model's pages say "Not applicable" (in the site's language)."""


def site_models(config_file: str, data: str | None) -> list[ModelSettings]:
    """Where each model's pages go and which data file the build reads for it, as the
    plugin will see them (its options or ``extra: srm:``, ``use_directory_urls``,
    ``SRM_DATA``). ``data`` (FILE) replaces the data of a site with one model."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import ConfigurationError

    mkdocs_log = logging.getLogger("mkdocs")
    level = mkdocs_log.level
    mkdocs_log.setLevel(logging.ERROR)  # the build itself reports configuration warnings
    try:
        config = load_config(config_file)
    except (ConfigurationError, OSError) as exc:
        raise UsageError(f"{config_file}: {exc}") from None
    finally:
        mkdocs_log.setLevel(level)
    try:
        models = site_options(config)
    except OptionsError as exc:
        raise UsageError(f"{config_file}: {exc}") from None
    if data is not None and len(models) > 1:
        raise UsageError(f"{config_file} has {len(models)} models; FILE replaces the data of one")
    base = os.path.dirname(os.path.abspath(config_file))
    override = data or (os.environ.get(DATA_ENV) if len(models) == 1 else None)
    return [
        ModelSettings(
            override or os.path.join(base, options.data_),
            SitePaths(options.prefix, bool(config["use_directory_urls"])),
            site_labels(config, options).gettext(NOT_APPLICABLE_LABEL),
        )
        for options in models
    ]


def _say(args: argparse.Namespace, message: str) -> None:
    if not args.quiet:
        print(f"srm: {message}")


def _publish(
    args: argparse.Namespace,
    releases: Releases,
    models: list[ModelSettings],
    expected: list[dict[str, Any]],
) -> int:
    releases.check_state()
    releases.clean_leftovers()
    live = releases.current()
    unchanged = f"{args.dest} is unchanged" + (f" ({live.name})" if live else "")
    build = releases.new_build_dir()
    try:
        _say(args, f"building {', '.join(m.data for m in models)} into {build}")
        data = models[0].data if len(models) == 1 else None
        if run_mkdocs_build(args.config_file, str(build), data, args.quiet) != 0:
            raise PublishError(f"the build failed; {unchanged}")
        problems = [
            problem
            for model, want in zip(models, expected, strict=True)
            for problem in check_site(build, model.paths, want, model.not_applicable)
        ]
        if problems:
            for problem in problems[:MAX_PROBLEMS_SHOWN]:
                print(f"{build.name}/{problem.format()}", file=sys.stderr)
            if len(problems) > MAX_PROBLEMS_SHOWN:
                print(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more", file=sys.stderr)
            raise PublishError(
                f"the built site fails {len(problems)} consistency "
                f"check{'s' if len(problems) != 1 else ''}; {unchanged}"
            )
        release = releases.commit(build)
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)
    releases.switch(release)
    releases.clear_pending()
    _say(args, f"published {args.dest} -> {releases.root.name}/{release.name}")
    pruned = releases.prune(args.keep)
    if pruned:
        _say(args, f"removed {len(pruned)} old release{'s' if len(pruned) != 1 else ''}")
    if live is not None:
        _say(args, f"undo with: srm publish --rollback --dest {args.dest}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    if args.keep < 1:
        print("srm publish: error: --keep must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    releases = Releases.at(args.dest)
    try:
        releases.check_live()
        if args.rollback or args.roll_forward:
            with releases.lock():
                releases.check_state()
                releases.clean_leftovers()
                if args.rollback:
                    was, now = releases.rollback()
                else:
                    was, now = releases.roll_forward()
            if args.rollback:
                _say(args, f"rolled back {args.dest}: {was.name} -> {now.name}")
                _say(
                    args,
                    f"{was.name} is kept; redo with: srm publish --roll-forward --dest {args.dest}",
                )
            else:
                _say(args, f"rolled forward {args.dest}: {was.name} -> {now.name}")
            return 0
        models = site_models(args.config_file, args.file)
        # Invalid data: exit 1, every error listed.
        expected = [export.to_dict(load_model(m.data)) for m in models]
        with releases.lock():
            return _publish(args, releases, models, expected)
    except (UsageError, DestinationError) as exc:
        print(f"srm publish: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PublishError as exc:
        print(f"srm publish: error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"srm publish: error: {exc}; {args.dest} is unchanged", file=sys.stderr)
        return EXIT_FAILED


def register(sub: Any, fmt: type[argparse.HelpFormatter]) -> None:
    p = sub.add_parser(
        "publish",
        help="build, check and atomically switch the live site (or roll it back)",
        description="Build the handbook with 'mkdocs build --strict' into a new release in\n"
        "DEST.releases/, check the built pages against the data (every matrix cell equals\n"
        "the same cell on the responsibility and capability pages and in srm.json; every\n"
        "owning party has a duty shown for each cell it owns), then switch DEST, a symbolic\n"
        "link, to the new release in one atomic step. A failed build or check, or a killed\n"
        "run, leaves DEST as it was. The previous releases are kept (--keep) for --rollback;\n"
        "releases are ordered by a number that only grows, never by the clock. A missing or\n"
        "dangling DEST beside existing releases is refused (nothing is deleted).\n\n"
        "DEST must not exist yet, or be a link made by srm publish: an existing directory\n"
        "is refused, never taken over. Point the web server at DEST (it must follow\n"
        "symbolic links).\n\n"
        "Exit 0 published (or rolled back), 1 invalid data or failed build, check or\n"
        "rollback, 2 usage error.",
        epilog="Examples:\n  srm publish --dest /srv/handbook\n"
        "  srm publish --dest /srv/handbook other.yaml\n"
        "  srm publish --rollback --dest /srv/handbook",
        formatter_class=fmt,
    )
    p.add_argument("--dest", required=True, help="the live site path (a link to a release)")
    p.add_argument(
        "file",
        nargs="?",
        default=None,
        metavar="FILE",
        help=f"the data file (default: from mkdocs.yml, or ${DATA_ENV})",
    )
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="default: mkdocs.yml")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--rollback",
        action="store_true",
        help="switch DEST back to the release before the live one (no build); the release "
        "left is kept for --roll-forward",
    )
    mode.add_argument(
        "--roll-forward",
        action="store_true",
        help="undo a --rollback: switch DEST to the release last rolled back from",
    )
    p.add_argument(
        "--keep",
        type=int,
        default=DEFAULT_KEEP,
        metavar="N",
        help=f"releases to keep, the live one included (default: {DEFAULT_KEEP})",
    )
    p.add_argument("-q", "--quiet", action="store_true", help="only print errors")
    p.set_defaults(handler=cmd_publish)
