"""``srm schema``: the JSON Schema of the data format, or of one file's model, for editors."""

from __future__ import annotations

import argparse
import json

from srm_handbook.cli.common import EXIT_OK, Formatter, SubParsers, write_output
from srm_handbook.core import schema
from srm_handbook.core.load import load_header
from srm_handbook.site import export_schema


def cmd_schema(args: argparse.Namespace) -> int:
    if args.export:
        write_output(export_schema.schema_text(), args.output)
        return EXIT_OK
    document = schema.json_schema()
    if args.for_file is not None:
        header = load_header(args.for_file)
        document = schema.specialised_json_schema(
            list(header.parties), list(header.capabilities), list(header.categories), header.title
        )
    write_output(json.dumps(document, indent=2, ensure_ascii=False) + "\n", args.output)
    return EXIT_OK


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of srm_data.yaml",
        description="Print the JSON Schema derived from the data models "
        "(committed as schema/srm_data.schema.json). With --for FILE, the schema "
        "specialised to that file's declared parties, capabilities and categories: editors "
        "then flag a typo'd id or a capability missing from owners as you type "
        "(committed as schema/srm_data.model.schema.json). With --export, the schema of "
        "the srm.json export instead (published beside it as srm.schema.json; committed as "
        "schema/srm.schema.json). `make schema` regenerates all three.",
        epilog="Examples:\n  srm schema -o schema/srm_data.schema.json\n"
        "  srm schema --for srm_data.yaml -o schema/srm_data.model.schema.json\n"
        "  srm schema --export -o schema/srm.schema.json",
        formatter_class=fmt,
    )
    p.add_argument(
        "--for",
        dest="for_file",
        metavar="FILE",
        help="specialise the schema to the ids declared in FILE (its rows may have errors)",
    )
    p.add_argument(
        "--export",
        action="store_true",
        help="print the JSON Schema of srm.json (what `srm export` and the site publish)",
    )
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_schema)
