"""Control catalogues: which control ids a framework has (data format, rule 6).

The built-in catalogues ship in ``catalogs/`` (ids of NIST SP 800-53 rev. 5 with titles,
a US government work; ids only of ISO/IEC 27001:2022 Annex A, SOC 2 TSC 2017 and CSA
CCM v4.0, whose texts are copyrighted). A catalogue file of the user's own lists ids with
optional titles::

    name: Our control framework      # optional
    controls:
      - id: IC-01
        title: Quarterly access review
      - IC-02                        # an id alone

Reading a file is the only I/O here; :func:`read_catalog_file` reports every problem of
the file at its own ``FILE:LINE:COLUMN``.
"""

from __future__ import annotations

import difflib
import functools
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from typing import Any

from srm_handbook.core import strict_yaml
from srm_handbook.core.diagnostics import Diagnostic, SrmDataError

BUILTIN = ("nist-800-53-r5", "iso-27001-2022", "soc2-2017", "csa-ccm-4.0")
"""The built-in catalogue names, in the order the docs list them."""

OSCAL_SOURCES = {
    "nist-800-53-r5": "https://raw.githubusercontent.com/usnistgov/oscal-content/main/"
    "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog.json",
}
"""The canonical OSCAL catalogue of a built-in catalogue, where one is published."""

MAX_CATALOG_BYTES = 4 * 1024 * 1024
MAX_CONTROLS = 20_000
MAX_CONTROL_ID = 100
MAX_CONTROL_TITLE = 300
_BAD_CHARS = re.compile("[\x00-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Control:
    id: str
    title: str | None = None
    withdrawn: bool = False
    withdrawn_into: tuple[str, ...] = ()
    oscal_id: str | None = None
    """NIST's own OSCAL id (``ac-2.1`` for ``AC-2(1)``), where the catalogue has one."""


@dataclass(frozen=True)
class Catalog:
    name: str
    """A built-in name, or the catalogue file as the data file writes it."""
    title: str
    controls: tuple[Control, ...]
    builtin: bool = False

    @cached_property
    def position(self) -> dict[str, int]:
        """Control id -> its place in the catalogue (the order framework pages use)."""
        return {c.id: i for i, c in enumerate(self.controls)}

    @cached_property
    def _by_key(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for c in self.controls:
            out.setdefault(near_key(c.id), c.id)
        return out

    def get(self, control_id: str) -> Control | None:
        i = self.position.get(control_id)
        return None if i is None else self.controls[i]

    def suggest(self, control_id: str) -> str | None:
        """The id a near miss was meant to be: ``ac-2`` -> ``AC-2``, ``A.5.01`` ->
        ``A.5.1``, ``AC-2.1`` -> ``AC-2(1)``; else the closest by spelling."""
        exact = self._by_key.get(near_key(control_id))
        if exact is not None:
            return exact
        close = difflib.get_close_matches(control_id, list(self.position), n=1, cutoff=0.75)
        return close[0] if close else None

    @property
    def oscal_source(self) -> str | None:
        return OSCAL_SOURCES.get(self.name) if self.builtin else None


def near_key(control_id: str) -> str:
    """What near misses of an id share: upper case, no spaces, ``(n)`` as ``.n``, numbers
    without leading zeros."""
    key = re.sub(r"\s+", "", control_id.upper())
    key = re.sub(r"\((\d+)\)", r".\1", key)
    return re.sub(r"\d+", lambda m: str(int(m.group())), key)


@functools.cache
def builtin(name: str) -> Catalog:
    """A built-in catalogue by name (KeyError when there is none)."""
    if name not in BUILTIN:
        raise KeyError(name)
    text = (
        resources.files("srm_handbook.core").joinpath("catalogs", f"{name}.json").read_text("utf-8")
    )
    data = json.loads(text)
    controls = tuple(
        Control(
            id=c["id"],
            title=c.get("title"),
            withdrawn=bool(c.get("withdrawn", False)),
            withdrawn_into=tuple(c.get("withdrawn_into", ())),
            oscal_id=c.get("oscal_id"),
        )
        for c in data["controls"]
    )
    return Catalog(name=name, title=data["name"], controls=controls, builtin=True)


def builtin_json(name: str) -> str:
    """The text of a built-in catalogue's file, as shipped."""
    return (
        resources.files("srm_handbook.core").joinpath("catalogs", f"{name}.json").read_text("utf-8")
    )


def read_catalog_file(path: str | os.PathLike[str], shown: str, name: str) -> Catalog:
    """Read and check a catalogue file of the user's own. Raises :class:`SrmDataError`
    with every problem of the file, located in it (``shown`` is its path in messages)."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_CATALOG_BYTES + 1)
    except OSError as exc:
        raise SrmDataError(
            [Diagnostic(shown, 1, 1, f"cannot read the catalog file: {exc.strerror or exc}")]
        ) from None
    if len(raw) > MAX_CATALOG_BYTES:
        limit = MAX_CATALOG_BYTES // (1024 * 1024)
        raise SrmDataError(
            [Diagnostic(shown, 1, 1, f"the catalog file is over the limit of {limit} MiB")]
        )
    return parse_catalog(raw, shown, name)


def parse_catalog(raw: bytes, shown: str, name: str) -> Catalog:
    """The checks of :func:`read_catalog_file` on the file's bytes."""
    text, decode_problems = strict_yaml.decode(raw)
    problems = [Diagnostic(shown, p.line, p.column, p.message) for p in decode_problems]
    if problems:
        raise SrmDataError(problems)
    parsed = strict_yaml.parse(text)
    problems = [Diagnostic(shown, p.line, p.column, p.message) for p in parsed.problems]
    if parsed.data is None and problems:
        raise SrmDataError(problems)
    pos = parsed.positions

    def err(path: strict_yaml.Path, message: str, on_key: bool = False) -> None:
        line, col = pos.of_key(path) if on_key else pos.of_value(path)
        problems.append(Diagnostic(shown, line, col, message))

    data: Any = parsed.data
    if not isinstance(data, dict):
        err((), "a catalog file is a mapping with a 'controls' list (and an optional 'name')")
        raise SrmDataError(problems)
    for key in data:
        if key not in ("name", "controls"):
            hint = difflib.get_close_matches(str(key), ["name", "controls"], n=1)
            more = f" (did you mean {hint[0]!r}?)" if hint else "; allowed keys: name, controls"
            err((key,), f"unknown key {key!r}{more}", on_key=True)
    title = data.get("name", name)
    if not isinstance(title, str) or not title.strip() or _BAD_CHARS.search(title):
        err(("name",), "'name' must be a non-empty line of text")
        title = name
    entries = data.get("controls")
    controls: list[Control] = []
    if "controls" not in data:
        err((), "missing required key 'controls'")
    elif not isinstance(entries, list) or not entries:
        err(("controls",), "'controls' must be a non-empty list of control ids")
    elif len(entries) > MAX_CONTROLS:
        err(("controls",), f"'controls' has too many entries: at most {MAX_CONTROLS}")
    else:
        seen: dict[str, int] = {}
        for i, entry in enumerate(entries):
            control = _control(entry, (("controls", i)), err)
            if control is None:
                continue
            if control.id in seen:
                where = ("controls", i, "id") if isinstance(entry, dict) else ("controls", i)
                err(
                    where,
                    f"control id {control.id!r} is listed twice "
                    f"(first as entry {seen[control.id] + 1})",
                )
                continue
            seen[control.id] = i
            controls.append(control)
    if problems:
        raise SrmDataError(problems)
    return Catalog(name=name, title=title, controls=tuple(controls))


def _control(entry: Any, path: strict_yaml.Path, err: Any) -> Control | None:
    if isinstance(entry, str):
        ident, title = entry, None
    elif isinstance(entry, dict):
        for key in entry:
            if key not in ("id", "title"):
                err((*path, key), f"unknown key {key!r}; allowed keys: id, title", True)
        if "id" not in entry:
            err(path, "missing required key 'id'")
            return None
        ident, title = entry["id"], entry.get("title")
        if title is not None and (
            not isinstance(title, str)
            or not title.strip()
            or len(title) > MAX_CONTROL_TITLE
            or _BAD_CHARS.search(title)
        ):
            err(
                (*path, "title"),
                f"a title is one line of text of at most {MAX_CONTROL_TITLE} characters",
            )
            return None
        path = (*path, "id")
    else:
        err(path, "each control is an id, or a mapping with 'id' and an optional 'title'")
        return None
    problem = control_id_problem(ident)
    if problem:
        err(path, problem)
        return None
    return Control(id=ident, title=title)


def control_id_problem(ident: Any) -> str | None:
    """Why ``ident`` cannot be a control id (None when it can)."""
    if not isinstance(ident, str):
        return "a control id must be text"
    if not ident.strip() or ident != ident.strip():
        return f"invalid control id {ident!r}: empty, or spaces around it"
    if len(ident) > MAX_CONTROL_ID:
        return f"a control id has at most {MAX_CONTROL_ID} characters"
    if _BAD_CHARS.search(ident) or "\n" in ident:
        return f"invalid control id {ident!r}: control characters are not allowed"
    return None
