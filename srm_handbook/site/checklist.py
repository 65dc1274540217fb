"""Checklists to take elsewhere: a party's (or several parties') duties, optionally only
those that apply to some capabilities, as a Markdown task list, CSV or JSON.

``srm checklist`` prints them; the "Copy as Markdown task list" and "Download CSV"
buttons of the party and capability pages build the same text in the browser (see
``assets/srm.js``, which follows these rules exactly: the tests compare the two).

- Order: party order, then category order, then the file's order of rows and duties
  (the order of the party and capability pages).
- A duty's title is the plain text of its rendered Markdown on one line.
- Each line links to the duty on its responsibility page: ``site_url`` + the page's URL
  relative to the handbook's root, or that relative URL alone without ``site_url``.

Pure: no MkDocs.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from srm_handbook.core.model import Duty, Srm
from srm_handbook.site.exports import csv_safe
from srm_handbook.site.markdown_text import MarkdownRenderer
from srm_handbook.site.paths import SitePaths

FORMATS = ("markdown", "csv", "json")
CSV_HEADER = (
    "Summary",
    "Description",
    "Party",
    "Category",
    "Responsibility",
    "Capabilities",
    "Key",
    "Link",
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}<>#|~&!$@])")


@dataclass(frozen=True)
class Item:
    key: str
    version: str
    party: str
    party_name: str
    category: str
    category_name: str
    responsibility: str
    responsibility_name: str
    capabilities: tuple[str, ...]
    capability_names: tuple[str, ...]
    title: str
    """The duty's text as plain text on one line."""
    text: str
    """The duty's Markdown, as written."""
    url: str


def duty_url(paths: SitePaths, d: Duty) -> str:
    """Where a duty is, relative to the site root: its responsibility page's item."""
    return f"{paths.url(SitePaths.responsibility(d.responsibility))}#{d.responsibility}--{d.anchor}"


def plain_title(md: MarkdownRenderer, text: str) -> str:
    """What a reader sees of a duty's text, on one line (the browser reads the same from
    the page: the text content, whitespace collapsed)."""
    return " ".join(md.block(text).striptags().split())


def items(
    srm: Srm,
    parties: Sequence[str] = (),
    capabilities: Sequence[str] = (),
    site_url: str = "",
) -> list[Item]:
    """The duties of ``parties`` (all when empty) that apply to any of ``capabilities``
    (all when empty), in page order. Ids must be declared (see :func:`unknown_ids`)."""
    wanted_parties = set(parties) if parties else None
    wanted_caps = set(capabilities) if capabilities else None
    paths = SitePaths()
    md = MarkdownRenderer()
    out: list[Item] = []
    for p in srm.parties:
        if wanted_parties is not None and p.id not in wanted_parties:
            continue
        for cat, rows in srm.by_category:
            for r in rows:
                for d in r.duties_of(p.id):
                    if wanted_caps is not None and wanted_caps.isdisjoint(d.capabilities):
                        continue
                    out.append(
                        Item(
                            key=d.key,
                            version=d.version,
                            party=p.id,
                            party_name=p.name,
                            category=cat.id,
                            category_name=cat.name,
                            responsibility=r.id,
                            responsibility_name=r.name,
                            capabilities=d.capabilities,
                            capability_names=tuple(srm.capability[c].name for c in d.capabilities),
                            title=plain_title(md, d.text),
                            text=d.text,
                            url=site_url + duty_url(paths, d),
                        )
                    )
    return out


def unknown_ids(srm: Srm, parties: Sequence[str], capabilities: Sequence[str]) -> list[str]:
    """A message for every party or capability id the model does not declare."""
    out = [
        f"unknown party {p!r}; declared parties: {', '.join(srm.party)}"
        for p in parties
        if p not in srm.party
    ]
    out += [
        f"unknown capability {c!r}; declared capabilities: {', '.join(srm.capability)}"
        for c in capabilities
        if c not in srm.capability
    ]
    return out


def md_escape(text: str) -> str:
    """Literal Markdown: the characters that can start markup backslash-escaped (no link,
    emphasis, code, HTML, entity, math, table cell or heading can start), and ``@``
    followed by a zero-width space (no one is @mentioned)."""
    return _MD_SPECIAL.sub(r"\\\1", text).replace("\\@", "\\@\u200b")


def to_markdown(checklist: Sequence[Item]) -> str:
    """A GitHub/GitLab task list: ``- [ ] Title ([Responsibility](link))``, the party's
    name first when the list holds several parties' duties. Boxes are left empty."""
    several = len({i.party for i in checklist}) > 1
    lines = []
    for i in checklist:
        who = f"{md_escape(i.party_name)}: " if several else ""
        lines.append(
            f"- [ ] {who}{md_escape(i.title)} ([{md_escape(i.responsibility_name)}](<{i.url}>))"
        )
    return "".join(line + "\n" for line in lines)


def to_csv(checklist: Sequence[Item]) -> str:
    """One row per duty with a header (Jira's and Linear's CSV import map the columns:
    Summary and Description for the issue, the rest as labels or fields)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for i in checklist:
        row = (
            i.title,
            f"{i.title}\n\n{i.responsibility_name}: {i.url}",
            i.party_name,
            i.category_name,
            i.responsibility_name,
            ", ".join(i.capability_names),
            i.key,
            i.url,
        )
        writer.writerow([csv_safe(v) for v in row])
    return out.getvalue()


def to_json(checklist: Sequence[Item]) -> str:
    """The items with every field (for scripts), one JSON array."""
    data = [
        {
            **asdict(i),
            "capabilities": list(i.capabilities),
            "capability_names": list(i.capability_names),
        }
        for i in checklist
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


RENDER = {"markdown": to_markdown, "csv": to_csv, "json": to_json}
