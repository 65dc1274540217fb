"""The ``srm`` command: a thin layer over the core. Every command is a ``cmd_*`` module
of this package with a ``register(sub, fmt)`` function; exit codes and the usage error
are defined once in :mod:`srm_handbook.cli.common`."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence

from srm_handbook import __version__, cli
from srm_handbook.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, UsageError
from srm_handbook.core.diagnostics import SrmDataError, SrmInputError

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="srm",
        description="Validate, export and publish a shared responsibility model (srm_data.yaml).",
        epilog="Examples:\n  srm validate\n  srm export --format csv -o matrix.csv\n"
        "  srm render --out generated/\n\nRun 'srm COMMAND --help' for each command.",
        formatter_class=fmt,
    )
    parser.add_argument("--version", action="version", version=f"srm {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands = [i.name for i in pkgutil.iter_modules(cli.__path__) if i.name.startswith("cmd_")]
    for name in sorted(commands):
        importlib.import_module(f"{cli.__name__}.{name}").register(sub, fmt)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except SrmInputError as exc:
        print(exc.format(), file=sys.stderr)
        return EXIT_USAGE
    except SrmDataError as exc:
        print(exc.format(), file=sys.stderr)
        n = len(exc.diagnostics)
        print(f"{n} error{'s' if n != 1 else ''}", file=sys.stderr)
        return EXIT_INVALID
    except UsageError as exc:
        print(f"srm {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `srm export | head`): stop quietly, like other tools.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
