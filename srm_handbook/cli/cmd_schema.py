"""``srm schema``: the JSON Schema of the data format, for editors."""

from __future__ import annotations

import argparse
import json

from srm_handbook.cli.common import EXIT_OK, Formatter, SubParsers, write_output
from srm_handbook.core import schema


def cmd_schema(args: argparse.Namespace) -> int:
    write_output(json.dumps(schema.json_schema(), indent=2, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of srm_data.yaml",
        description="Print the JSON Schema derived from the data models "
        "(committed as schema/srm_data.schema.json for editors).",
        epilog="Example:\n  srm schema -o schema/srm_data.schema.json",
        formatter_class=fmt,
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_schema)
