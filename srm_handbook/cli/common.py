"""What every ``srm`` command shares: exit codes, the usage error, the FILE argument and
writing output. Defined once here so that every command means the same by them."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, Protocol

from srm_handbook.files import write_atomic

DEFAULT_DATA = "srm_data.yaml"
EXIT_OK = 0
EXIT_INVALID = 1
"""Invalid data, or a check the command exists to make failed."""
EXIT_USAGE = 2
"""Bad arguments, an unusable path, or a configuration the command cannot start with."""

Formatter = type[argparse.HelpFormatter]
SubParsers = Any  # argparse's _SubParsersAction, which typeshed keeps private


class Register(Protocol):
    def __call__(self, sub: SubParsers, fmt: Formatter) -> None: ...


class UsageError(Exception):
    """Bad arguments or an unusable path: ``srm COMMAND: error: MESSAGE``, exit 2."""


def add_file_argument(p: argparse.ArgumentParser) -> None:
    """The optional FILE argument every command that reads data takes."""
    p.add_argument(
        "file",
        nargs="?",
        default=DEFAULT_DATA,
        metavar="FILE",
        help=f"the data file (default: {DEFAULT_DATA})",
    )


def write_output(text: str | bytes, out: str | None) -> None:
    """``text`` (or bytes, e.g. a workbook) to stdout (``out`` None or ``-``) or atomically
    to the file ``out``."""
    if out is None or out == "-":
        if isinstance(text, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        return
    try:
        write_atomic(out, text.encode("utf-8") if isinstance(text, str) else text)
    except OSError as exc:
        raise UsageError(f"{out}: cannot write: {exc.strerror or exc}") from None


def iso_date(value: str) -> dt.date:
    """An argparse type: a date written YYYY-MM-DD (the one date form the data uses)."""
    from srm_handbook.core.schema import parse_iso_date

    try:
        return parse_iso_date(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date written YYYY-MM-DD") from None
