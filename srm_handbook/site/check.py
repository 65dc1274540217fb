"""Check a built site against itself and against the model, on the HTML (site contract).

The consistency rules hold for the data; this checks that the pages say the same thing.
Every ownership cell and duty carries the contract's markers (``data-srm-cell``,
``data-srm-duty``); :func:`check_site` reads them from every HTML page and reports

- a cell, wherever it appears, whose owners (or label) differ from ``srm.json``;
- a matrix, responsibility or capability page that lacks a cell it must show, or shows
  one twice;
- an owning party without a duty shown for a cell it owns, on the responsibility page and
  on the capability page; a duty marker that matches no duty of the model; a party page
  that does not list exactly that party's duties;
- ``srm.json`` that differs from the expected model (when one is given: the data file the
  site was built from), or is missing.

Used by ``srm publish`` before a build goes live, and by the tests. Pure: no MkDocs.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from srm_handbook.site.exports import NOT_APPLICABLE, NOT_APPLICABLE_LABEL
from srm_handbook.site.paths import SitePaths


@dataclass(frozen=True, order=True)
class SiteProblem:
    page: str
    """The page's URL relative to the site root (``matrix/``), or a file (``srm.json``)."""
    message: str

    def format(self) -> str:
        return f"{self.page or '/'}: {self.message}"


@dataclass(frozen=True)
class CellMark:
    responsibility: str
    capability: str
    owners: tuple[str, ...]
    """Party ids; empty for n/a."""
    label: str
    """The cell's visible text, whitespace collapsed."""


@dataclass(frozen=True)
class DutyMark:
    responsibility: str
    party: str
    capabilities: tuple[str, ...]


@dataclass
class PageMarks:
    cells: list[CellMark] = field(default_factory=list)
    duties: list[DutyMark] = field(default_factory=list)


class _MarkReader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks = PageMarks()
        self._cell: dict[str, str | None] | None = None
        self._depth = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._cell is not None:
            if tag == "td":
                self._depth += 1
            return
        a = dict(attrs)
        if "data-srm-cell" in a:
            self._cell, self._depth, self._text = a, 1, []
        elif "data-srm-duty" in a:
            self.marks.duties.append(
                DutyMark(
                    a.get("data-responsibility") or "",
                    a.get("data-party") or "",
                    tuple((a.get("data-capabilities") or "").split()),
                )
            )

    def handle_endtag(self, tag: str) -> None:
        if self._cell is None or tag != "td":
            return
        self._depth -= 1
        if self._depth == 0:
            a, self._cell = self._cell, None
            owners = (a.get("data-owners") or "").split()
            self.marks.cells.append(
                CellMark(
                    a.get("data-responsibility") or "",
                    a.get("data-capability") or "",
                    () if owners == [NOT_APPLICABLE] else tuple(owners),
                    " ".join("".join(self._text).split()),
                )
            )

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)

    def reset_state(self) -> None:
        """Start afresh for the next fragment, keeping what was read."""
        self.reset()
        self._cell, self._depth, self._text = None, 0, []


# The marked elements, found by a regular expression and then parsed as HTML: a full HTML
# parse of every page costs as much as the build. Attribute values never hold a raw ">"
# (templates escape it), and a cell's content never holds a "</td>".
_MARKED = re.compile(
    r"<td\s[^>]*\bdata-srm-cell\b[^>]*>.*?</td>|<li\s[^>]*\bdata-srm-duty\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)


def read_marks(page_html: str) -> PageMarks:
    """The ownership cells and duties marked in one page's HTML."""
    reader = _MarkReader()
    if "data-srm-" in page_html:
        for match in _MARKED.finditer(page_html):
            reader.feed(match.group())
            reader.close()
            reader.reset_state()
    return reader.marks


def _url_of(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    if rel == "index.html" or rel.endswith("/index.html"):
        return rel[: -len("index.html")]
    return rel


@dataclass
class _Model:
    """srm.json, indexed."""

    parties: dict[str, str]
    capabilities: list[str]
    rows: list[str]
    owners: dict[tuple[str, str], tuple[str, ...]]
    duties: Counter[DutyMark]
    not_applicable: str = NOT_APPLICABLE_LABEL
    """How the site's language says "Not applicable"."""

    @classmethod
    def of(cls, data: dict[str, Any], not_applicable: str = NOT_APPLICABLE_LABEL) -> _Model:
        owners: dict[tuple[str, str], tuple[str, ...]] = {}
        duties: Counter[DutyMark] = Counter()
        for r in data["responsibilities"]:
            for cap, parties in r["owners"].items():
                owners[(r["id"], cap)] = tuple(parties)
            for d in r["duties"]:
                duties[DutyMark(r["id"], d["party"], tuple(d["capabilities"]))] += 1
        return cls(
            parties={p["id"]: p["name"] for p in data["parties"]},
            capabilities=[c["id"] for c in data["capabilities"]],
            rows=[r["id"] for r in data["responsibilities"]],
            owners=owners,
            duties=duties,
            not_applicable=not_applicable,
        )

    def label_matches(self, label: str, owners: tuple[str, ...]) -> bool:
        """Whether a cell's text names its owners (or says "Not applicable")."""
        if not owners:
            return self.not_applicable in label
        return all(" ".join(self.parties[p].split()) in label for p in owners)


def _first_difference(got: Any, want: Any, where: str = "") -> str:
    if isinstance(got, dict) and isinstance(want, dict):
        for key in list(want) + [k for k in got if k not in want]:
            if key not in got:
                return f"{where}.{key} is missing"
            if key not in want:
                return f"{where}.{key} is not in the data"
            if got[key] != want[key]:
                return _first_difference(got[key], want[key], f"{where}.{key}")
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return f"{where or 'the list'} has {len(got)} entries, the data {len(want)}"
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            if g != w:
                return _first_difference(g, w, f"{where}[{i}]")
    return (
        f"{where or 'the value'} is {json.dumps(got)[:80]}, the data says {json.dumps(want)[:80]}"
    )


def check_site(
    site: str | os.PathLike[str],
    paths: SitePaths | None = None,
    expected: dict[str, Any] | None = None,
    not_applicable: str = NOT_APPLICABLE_LABEL,
) -> list[SiteProblem]:
    """Every way the built ``site`` contradicts itself or ``expected`` (the model as
    :func:`srm_handbook.export.to_dict` gives it). Empty when the site is consistent.

    ``paths`` says where the generated pages are (prefix, directory URLs); default: at
    the root with directory URLs, MkDocs' default.
    """
    root = Path(site)
    paths = paths or SitePaths()
    problems: list[SiteProblem] = []
    json_name = paths.asset("srm.json")
    try:
        data = json.loads((root / json_name).read_text(encoding="utf-8"))
        model = _Model.of(data, not_applicable)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return [SiteProblem(json_name, f"cannot read the model: {exc}")]
    if expected is not None and data != expected:
        problems.append(
            SiteProblem(json_name, "differs from the data: " + _first_difference(data, expected))
        )

    marks: dict[str, PageMarks] = {}
    for path in sorted(root.rglob("*.html")):
        marks[_url_of(root, path)] = read_marks(path.read_text(encoding="utf-8"))

    # Every cell anywhere agrees with srm.json and shows the same text as on the other
    # pages; every duty marker is a duty of the model.
    first_label: dict[tuple[str, str], tuple[str, str]] = {}
    for url, page in marks.items():
        for cell in page.cells:
            key = (cell.responsibility, cell.capability)
            if key not in model.owners:
                problems.append(SiteProblem(url, f"cell {_cell_name(key)} is not in the model"))
                continue
            want = model.owners[key]
            if cell.owners != want:
                problems.append(
                    SiteProblem(
                        url,
                        f"cell {_cell_name(key)} says owners {_owners(cell.owners)}, "
                        f"srm.json says {_owners(want)}",
                    )
                )
            elif not model.label_matches(cell.label, want):
                problems.append(
                    SiteProblem(
                        url,
                        f"cell {_cell_name(key)} shows {cell.label!r}, which does not name "
                        f"{_owners(want)}",
                    )
                )
            else:
                first_label.setdefault(key, (url, cell.label))
                seen_url, seen_label = first_label[key]
                if cell.label != seen_label:
                    problems.append(
                        SiteProblem(
                            url,
                            f"cell {_cell_name(key)} shows {cell.label!r}, but "
                            f"{seen_url or '/'} shows {seen_label!r}",
                        )
                    )
        for duty in page.duties:
            if duty not in model.duties:
                problems.append(
                    SiteProblem(
                        url,
                        f"duty of {duty.party!r} in {duty.responsibility!r} for "
                        f"{_owners(duty.capabilities)} is not a duty of the model",
                    )
                )

    def page_marks(page: str) -> tuple[str, PageMarks | None]:
        url = paths.url(page)
        found = marks.get(url)
        if found is None:
            problems.append(SiteProblem(url, "page is missing"))
        return url, found

    def cells_shown(url: str, page: PageMarks, wanted: list[tuple[str, str]]) -> None:
        counts = Counter((c.responsibility, c.capability) for c in page.cells)
        for key in wanted:
            if counts[key] == 0:
                problems.append(SiteProblem(url, f"cell {_cell_name(key)} is missing"))
            elif counts[key] > 1:
                problems.append(SiteProblem(url, f"cell {_cell_name(key)} is shown twice"))

    def duties_cover(url: str, page: PageMarks, wanted: list[tuple[str, str]]) -> None:
        covered: set[tuple[str, str, str]] = set()
        for d in page.duties:
            covered.update((d.responsibility, d.party, cap) for cap in d.capabilities)
        for rid, cap in wanted:
            for party in model.owners[(rid, cap)]:
                if (rid, party, cap) not in covered:
                    problems.append(
                        SiteProblem(
                            url,
                            f"{party!r} owns {_cell_name((rid, cap))} but no duty of "
                            f"{party!r} for {cap!r} is shown",
                        )
                    )

    url, matrix = page_marks(paths.MATRIX)
    if matrix is not None:
        cells_shown(url, matrix, list(model.owners))
    by_row: dict[str, Counter[DutyMark]] = {rid: Counter() for rid in model.rows}
    by_party: dict[str, Counter[DutyMark]] = {pid: Counter() for pid in model.parties}
    for duty, n in model.duties.items():
        by_row[duty.responsibility][duty] += n
        by_party[duty.party][duty] += n

    def same_duties(url: str, page: PageMarks, want: Counter[DutyMark], whose: str) -> None:
        shown = Counter(page.duties)
        if shown != want:
            missing, extra = (want - shown).total(), (shown - want).total()
            problems.append(
                SiteProblem(
                    url,
                    f"lists {shown.total()} duties {whose}, srm.json has {want.total()} "
                    f"({missing} missing, {extra} not in srm.json)",
                )
            )

    for rid in model.rows:
        url, shown = page_marks(paths.responsibility(rid))
        if shown is not None:
            wanted = [(rid, cap) for cap in model.capabilities]
            cells_shown(url, shown, wanted)
            duties_cover(url, shown, wanted)
            same_duties(url, shown, by_row[rid], f"in {rid!r}")
    for cap in model.capabilities:
        url, shown = page_marks(paths.capability(cap))
        if shown is not None:
            wanted = [(rid, cap) for rid in model.rows]
            cells_shown(url, shown, wanted)
            duties_cover(url, shown, wanted)
    for party in model.parties:
        url, shown = page_marks(paths.party(party))
        if shown is not None:
            same_duties(url, shown, by_party[party], f"of {party!r}")
    return sorted(set(problems))


def _cell_name(key: tuple[str, str]) -> str:
    return f"{key[0]!r} x {key[1]!r}"


def _owners(owners: tuple[str, ...]) -> str:
    return " ".join(owners) if owners else NOT_APPLICABLE
