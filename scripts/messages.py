"""Extract the labels of the generated pages into ``locales/srm.pot`` and bring every
language's ``srm.po`` up to date with it (``make messages``); ``--check`` only says
whether anything would change (the tests run it).

Sources: the page templates (``_()``, ``gettext()``, ``ngettext()``) and the Python of
:mod:`srm_handbook.site` (``labels.gettext()``, ``labels.ngettext()``, and the markers
``N_()`` and ``NN_()`` of labels translated later).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import srm_handbook.site

SITE = Path(srm_handbook.site.__file__).parent
LOCALES = SITE / "locales"
TEMPLATE = LOCALES / "srm.pot"
METHODS = [("**.py", "python"), ("templates/**.j2", "jinja2")]
OPTIONS = {"templates/**.j2": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true"}}
HEADER = (
    "# The labels of the pages srm-handbook generates (English, the source language).\n"
    "# Made by `make messages`; translations are in <language>/LC_MESSAGES/srm.po."
)
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "NN_": (1, 2)}


def extract() -> Catalog:
    catalog = Catalog(
        project="srm-handbook",
        domain="srm",
        charset="utf-8",
        header_comment=HEADER,
        version="1",
    )
    for filename, lineno, message, comments, context in extract_from_dir(
        str(SITE), METHODS, keywords=KEYWORDS, options_map=OPTIONS, strip_comment_tags=True
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def dump(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    # The header's creation date would change every run; it carries nothing here.
    text = b"\n".join(
        line
        for line in out.getvalue().split(b"\n")
        if not line.startswith((b'"POT-Creation-Date', b'"Generated-By'))
    )
    return text


def updated(language_po: Path, template: Catalog) -> bytes:
    with language_po.open("rb") as fh:
        catalog = read_po(fh, locale=language_po.parent.parent.name, domain="srm")
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()  # translations of labels that are gone are not kept
    return dump(catalog)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if anything is stale")
    parser.add_argument("--init", metavar="LANGUAGE", help="start a catalogue for LANGUAGE")
    args = parser.parse_args()
    template = extract()
    if args.init:
        po = LOCALES / args.init / "LC_MESSAGES" / "srm.po"
        if po.exists():
            print(f"{po} exists", file=sys.stderr)
            return 1
        po.parent.mkdir(parents=True)
        template.locale = Locale.parse(args.init)
        template.fuzzy = False
        template.header_comment = f"# The labels of srm-handbook's pages in {args.init}."
        po.write_bytes(dump(template))
        return 0
    wanted = {TEMPLATE: dump(template)}
    for po in sorted(LOCALES.glob("*/LC_MESSAGES/srm.po")):
        wanted[po] = updated(po, template)
    stale = [
        path for path, data in wanted.items() if not path.exists() or path.read_bytes() != data
    ]
    if args.check:
        for path in stale:
            print(f"{path.relative_to(SITE.parent.parent)} is stale: run make messages")
        return 1 if stale else 0
    for path in stale:
        path.write_bytes(wanted[path])
        print(f"wrote {path.relative_to(SITE.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
