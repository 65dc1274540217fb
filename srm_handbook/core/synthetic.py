"""Seeded generator of synthetic, valid ``srm_data.yaml`` text (for benchmarks and tests).

Stable API (benchmarks of the loader and of whole site builds depend on it)::

    from srm_handbook.core.synthetic import generate

    text: str = generate(rows=1000, capabilities=50, parties=3, seed=0, categories=None)

``generate`` returns the text of one data file in format version 1 that passes every
consistency rule of the format. The same arguments always give the same text (the
randomness comes only from ``random.Random(seed)``). The file is written the way people
write it: block style, no anchors, aliases or tags, comments here and there, and

- ``rows`` responsibilities ``resp-1`` ... ``resp-<rows>``, grouped contiguously into
  ``categories`` categories ``cat-1`` ... (default ``ceil(rows / 50)``; when there are
  more categories than rows the last ones stay empty, which the format allows);
- ``capabilities`` capabilities ``cap-1`` ... (some with a ``status`` badge);
- ``parties`` parties: ``provider`` (Provider), ``you`` (You, possessive Your), then
  ``partner-3`` ... (Partner 3, ...);
- ownership cells mixing single owners (``cap-1: you`` or ``cap-1: [you]``), shared
  owners (``cap-2: [provider, you]``, only with two or more parties) and ``n/a``; every
  row has at least one owned cell;
- duties mixing plain strings, ``text:`` mappings, unscoped duties and duties scoped
  with ``capabilities:`` (flow or block lists), folded (``>-``) and double-quoted texts
  (with ``:``, ``#``, backticks and non-ASCII letters); every owning party's duties
  cover every capability it owns in the row (rules 3 and 4);
- optional descriptions, aliases (``legacy-<n>``, never a live id) and references.

Limits: ``rows``, ``capabilities`` and ``parties`` must be at least 1 and within the
format's limits (:data:`srm_handbook.schema.MAX_ROWS`, ``MAX_COLUMNS``, ``MAX_PARTIES``),
``categories`` at least 1; a result larger than the loader's file size limit
(:data:`srm_handbook.strict_yaml.MAX_FILE_BYTES`) raises :class:`ValueError`, as do
arguments outside these limits.

Command line::

    python -m srm_handbook.synthetic --rows 1000 --capabilities 50 -o big.yaml
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections.abc import Sequence

from srm_handbook.core.schema import MAX_COLUMNS, MAX_PARTIES, MAX_ROWS
from srm_handbook.core.strict_yaml import MAX_FILE_BYTES

__all__ = ["default_categories", "generate", "main"]

_WORDS = (
    "access",
    "audit",
    "backup",
    "certificate",
    "configuration",
    "credential",
    "data",
    "dependency",
    "deployment",
    "encryption",
    "endpoint",
    "event",
    "incident",
    "input",
    "key",
    "log",
    "monitoring",
    "network",
    "output",
    "patch",
    "permission",
    "policy",
    "request",
    "review",
    "risk",
    "rotation",
    "secret",
    "session",
    "storage",
    "tenant",
    "token",
    "traffic",
    "user",
    "vulnerability",
)
_VERBS = (
    "Review",
    "Rotate",
    "Encrypt",
    "Validate",
    "Monitor",
    "Patch",
    "Restrict",
    "Document",
    "Test",
    "Report",
    "Scan",
    "Isolate",
    "Revoke",
    "Approve",
    "Record",
    "Verify",
)
_ADVERBS = ("regularly", "before release", "every quarter", "on every change", "promptly")
_SPECIAL = ("naïve café", "Ünïcödé", "`code`", "a #hash", "key: value", "50% & <b>bold</b>")


def default_categories(rows: int) -> int:
    """The number of categories :func:`generate` uses when ``categories`` is None."""
    return max(1, -(-rows // 50))


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(_WORDS) for _ in range(words)]
    return f"{rng.choice(_VERBS)} the {' '.join(picked)} {rng.choice(_ADVERBS)}."


def _text_lines(rng: random.Random, key_prefix: str, indent: int) -> list[str]:
    """A text value after ``key_prefix`` (e.g. ``"- "`` or ``"text: "``), as YAML lines."""
    pad = " " * indent
    style = rng.random()
    if style < 0.55:
        return [f"{pad}{key_prefix}{_sentence(rng, rng.randint(2, 6))}"]
    if style < 0.85:
        first = _sentence(rng, rng.randint(4, 8))
        second = _sentence(rng, rng.randint(4, 8))
        return [f"{pad}{key_prefix}>-", f"{pad}    {first}", f"{pad}    {second}"]
    quoted = json.dumps(f"{_sentence(rng, 3)} Mind {rng.choice(_SPECIAL)}.", ensure_ascii=False)
    return [f"{pad}{key_prefix}{quoted}"]


def _check(name: str, value: int, low: int, high: int | None) -> None:
    if value < low or (high is not None and value > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {limit}, got {value}")


def generate(
    rows: int,
    capabilities: int,
    parties: int = 3,
    seed: int = 0,
    categories: int | None = None,
    controls_per_row: int = 0,
) -> str:
    """Synthetic, valid ``srm_data.yaml`` text; see the module docstring for the shape.

    With ``controls_per_row``, the parties get roles (the first provider, the others
    customers) and every row maps that many controls of NIST SP 800-53 rev. 5 (the
    built-in catalog, withdrawn controls left out), dealt in catalog order so that the
    mappings cover the catalog evenly; the rest of the text is the same as without."""
    _check("rows", rows, 1, MAX_ROWS)
    _check("capabilities", capabilities, 1, MAX_COLUMNS)
    _check("parties", parties, 1, MAX_PARTIES)
    n_categories = default_categories(rows) if categories is None else categories
    _check("categories", n_categories, 1, None)
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets

    _check("controls_per_row", controls_per_row, 0, 100)
    party_ids = ["provider", "you", *(f"partner-{i}" for i in range(3, parties + 1))][:parties]
    cap_ids = [f"cap-{i}" for i in range(1, capabilities + 1)]
    out: list[str] = [
        "# yaml-language-server: $schema=schema/srm_data.schema.json",
        f"# Synthetic data: srm_handbook.synthetic.generate(rows={rows}, "
        f"capabilities={capabilities}, parties={parties}, seed={seed}, "
        f"categories={n_categories}"
        + (f", controls_per_row={controls_per_row})" if controls_per_row else ")"),
        "schema: 1",
        f"title: Synthetic shared responsibility model ({rows} x {capabilities})",
        "intro: |",
        "  A generated model for benchmarks and tests.",
        "",
        "  - It has every kind of ownership cell.",
        "  - Every owning party has duties for every capability it owns.",
        'last_updated: "2021-02-23"',
        "",
        "parties:",
    ]
    for pid in party_ids:
        out.append(f"  {pid}:")
        if pid == "provider":
            out += ["    name: Provider", "    description: The platform provider."]
        elif pid == "you":
            out += ["    name: You", "    possessive: Your", "    description: The app developer."]
        else:
            out.append(f"    name: Partner {pid.rsplit('-', 1)[1]}")
        if controls_per_row:
            out.append(f"    role: {'provider' if pid == 'provider' else 'customer'}")
    control_ids: list[str] = []
    if controls_per_row:
        from srm_handbook.core.catalog import builtin

        control_ids = [c.id for c in builtin("nist-800-53-r5").controls if not c.withdrawn]
        out += [
            "",
            "frameworks:",
            "  nist:",
            "    name: NIST SP 800-53 rev. 5",
            "    catalog: nist-800-53-r5",
        ]
    out += ["", "capabilities:"]
    for i, cid in enumerate(cap_ids, 1):
        out += [f"  {cid}:", f"    name: Capability {i}"]
        if rng.random() < 0.2:
            out.append("    status: beta")
        if rng.random() < 0.5:
            out += _text_lines(rng, "description: ", 4)
    out += ["", "categories:"]
    for i in range(1, n_categories + 1):
        out += [f"  cat-{i}:", f"    name: Category {i}"]
        if rng.random() < 0.3:
            out += _text_lines(rng, "description: ", 4)
    out += ["", "responsibilities:"]
    for r in range(rows):
        category = r * n_categories // rows + 1
        if r == 0 or (r - 1) * n_categories // rows + 1 != category:
            out.append(f"  # Category {category}")
        lines = _row(rng, r + 1, category, party_ids, cap_ids)
        if control_ids:
            start = r * controls_per_row
            ids = [control_ids[(start + k) % len(control_ids)] for k in range(controls_per_row)]
            lines.insert(-1, f"    controls:\n      nist: [{', '.join(dict.fromkeys(ids))}]")
        out += lines
    text = "\n".join(out) + "\n"
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise ValueError(
            f"the generated file would be {size} bytes, over the {MAX_FILE_BYTES}-byte limit"
        )
    return text


def _row(
    rng: random.Random, n: int, category: int, party_ids: list[str], cap_ids: list[str]
) -> list[str]:
    out = [f"  resp-{n}:", f"    name: Responsibility {n}", f"    category: cat-{category}"]
    if rng.random() < 0.7:
        out += _text_lines(rng, "description: ", 4)
    if rng.random() < 0.1:
        out.append(f"    aliases: [legacy-{n}]")
    # Ownership: decide each cell, then make sure at least one cell is owned.
    cells: dict[str, list[str]] = {}
    for cap in cap_ids:
        roll = rng.random()
        if roll < 0.1:
            cells[cap] = []
        elif roll < 0.7 or len(party_ids) == 1:
            cells[cap] = [rng.choice(party_ids)]
        else:
            k = rng.randint(2, min(3, len(party_ids)))
            cells[cap] = sorted(rng.sample(party_ids, k), key=party_ids.index)
    if not any(cells.values()):
        cells[rng.choice(cap_ids)] = [rng.choice(party_ids)]
    out.append("    owners:")
    for cap, cell in cells.items():
        if not cell:
            value = "n/a"
        elif len(cell) == 1 and rng.random() < 0.8:
            value = cell[0]
        else:
            value = f"[{', '.join(cell)}]"
        out.append(f"      {cap}: {value}")
    owned: dict[str, list[str]] = {}
    for cap, cell in cells.items():
        for party in cell:
            owned.setdefault(party, []).append(cap)
    out.append("    duties:")
    for party in rng.sample(party_ids, len(party_ids)):  # any key order is valid
        if party in owned:
            out += _duties(rng, party, owned[party])
    if rng.random() < 0.2:
        out += [
            "    references:",
            f"      - title: Reference for responsibility {n}",
            f"        url: https://example.com/srm/resp-{n}",
        ]
    out.append("")
    return out


def _duties(rng: random.Random, party: str, owned: list[str]) -> list[str]:
    out = [f"      {party}:"]
    if len(owned) == 1 or rng.random() < 0.5:
        # Unscoped duties: each applies to every capability the party owns here.
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.8:
                out += _text_lines(rng, "- ", 8)
            else:
                out += _text_lines(rng, "- text: ", 8)
    # Scoped duties: consecutive chunks of the owned capabilities (together all of them,
    # so coverage holds even when there is no unscoped duty above).
    if len(owned) > 1 and (len(out) == 1 or rng.random() < 0.5):
        start = 0
        while start < len(owned):
            end = min(len(owned), start + rng.randint(1, 8))
            chunk = owned[start:end]
            out += _text_lines(rng, "- text: ", 8)
            if rng.random() < 0.7:
                out.append(f"          capabilities: [{', '.join(chunk)}]")
            else:
                out += ["          capabilities:", *(f"            - {c}" for c in chunk)]
            start = end
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m srm_handbook.synthetic",
        description="Write a synthetic, valid srm_data.yaml (same arguments, same text).",
        epilog="Example:\n"
        "  python -m srm_handbook.synthetic --rows 1000 --capabilities 50 -o big.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--rows", type=int, required=True, help="number of responsibilities")
    parser.add_argument("--capabilities", type=int, required=True, help="number of columns")
    parser.add_argument("--parties", type=int, default=3, help="number of parties (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--categories", type=int, default=None, help="number of categories (default rows/50)"
    )
    parser.add_argument(
        "--controls-per-row",
        type=int,
        default=0,
        help="map each row to this many NIST SP 800-53 controls, with party roles (default 0)",
    )
    parser.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")
    args = parser.parse_args(argv)
    try:
        text = generate(
            args.rows,
            args.capabilities,
            args.parties,
            args.seed,
            args.categories,
            args.controls_per_row,
        )
    except ValueError as exc:
        parser.error(str(exc))
    if args.output is None or args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
