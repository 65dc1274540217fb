"""``srm export``: the normalised model and the matrix, as the built site publishes them."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from srm_handbook.cli.common import (
    EXIT_OK,
    Formatter,
    SubParsers,
    add_file_argument,
    write_output,
)
from srm_handbook.core.load import load_model
from srm_handbook.core.model import Srm
from srm_handbook.site import exports

FORMATS: dict[str, Callable[[Srm], str]] = {"json": exports.to_json, "csv": exports.to_csv}


def cmd_export(args: argparse.Namespace) -> int:
    write_output(FORMATS[args.format](load_model(args.file)), args.output)
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "export",
        help="write the normalised model as JSON or the matrix as CSV",
        description="Write the validated model as srm.json (the whole model) or srm.csv "
        "(the matrix), exactly as the built site publishes them.",
        epilog="Examples:\n  srm export --format json > srm.json\n"
        "  srm export --format csv srm_data.yaml -o srm.csv",
        formatter_class=fmt,
    )
    p.add_argument("--format", choices=list(FORMATS), default="json", help="default: json")
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_export)
