"""``srm export``: the normalised model and the matrix, as the built site publishes them,
and a framework's customer responsibility matrix."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from srm_handbook.cli.common import (
    EXIT_OK,
    Formatter,
    SubParsers,
    UsageError,
    add_file_argument,
    write_output,
)
from srm_handbook.core.load import load_model
from srm_handbook.core.model import Srm
from srm_handbook.site import crm, exports, oscal

FORMATS: dict[str, Callable[[Srm], str]] = {
    "json": exports.to_json,
    "csv": exports.to_csv,
    "oscal": oscal.to_oscal_json,
}


def cmd_export(args: argparse.Namespace) -> int:
    srm = load_model(args.file)
    fmt = args.format
    write_output(
        crm_csv(srm, args.framework) if fmt == "crm-csv" else FORMATS[fmt](srm), args.output
    )
    return EXIT_OK


def crm_csv(srm: Srm, framework: str | None) -> str:
    """The CRM of ``framework`` (or of the only framework), or a usage error saying why
    there is none."""
    ids = [f.id for f in srm.frameworks]
    if not ids:
        raise UsageError(f"{srm.source_path}: the model maps no frameworks: no CRM to export")
    if not srm.has_roles:
        raise UsageError(
            f"{srm.source_path}: the parties have no roles (provider, customer), so the "
            "customer's responsibility cannot be derived"
        )
    if framework is None:
        if len(ids) > 1:
            raise UsageError(f"--framework is required: one of {', '.join(ids)}")
        framework = ids[0]
    if framework not in ids:
        raise UsageError(f"unknown framework {framework!r}: one of {', '.join(ids)}")
    return crm.to_csv(srm, framework)


def register(sub: SubParsers, fmt: Formatter) -> None:
    p = sub.add_parser(
        "export",
        help="write the model as JSON or OSCAL, the matrix as CSV, or a framework's CRM",
        description="Write the validated model as srm.json (the whole model), srm.csv "
        "(the matrix) or srm.oscal.json (an OSCAL 1.1.3 component definition), exactly as "
        "the built site publishes them, or the customer "
        "responsibility matrix of one framework as CSV in FedRAMP's three columns "
        "(crm-csv; needs party roles).",
        epilog="Examples:\n  srm export --format json > srm.json\n"
        "  srm export --format csv srm_data.yaml -o srm.csv\n"
        "  srm export --format crm-csv --framework nist -o crm-nist.csv\n"
        "  srm export --format oscal -o srm.oscal.json",
        formatter_class=fmt,
    )
    p.add_argument("--format", choices=[*FORMATS, "crm-csv"], default="json", help="default: json")
    p.add_argument(
        "--framework",
        metavar="ID",
        help="crm-csv: the framework (required when the model maps several)",
    )
    add_file_argument(p)
    p.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    p.set_defaults(handler=cmd_export)
