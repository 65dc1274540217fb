"""Where each generated page lives, and relative links between them (site contract)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_PREFIX = re.compile(r"^([a-z0-9][a-z0-9._-]*/)*$")


def check_prefix(prefix: str) -> str:
    """A mount point such as ``security/srm/``: relative, slash-terminated, no dot-dot."""
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    if not _PREFIX.fullmatch(prefix) or any(part in (".", "..") for part in prefix.split("/")):
        raise ValueError(
            f"invalid prefix {prefix!r}: use lower-case path segments like 'security/srm/'"
        )
    return prefix


@dataclass(frozen=True)
class SitePaths:
    prefix: str = ""
    directory_urls: bool = True

    # Source paths (as MkDocs sees them in docs/), without the prefix.
    HOME = "index.md"
    MATRIX = "matrix.md"
    OVERVIEW = "overview.md"
    CHANGES = "changes.md"
    RESPONSIBILITIES = "responsibilities/index.md"
    CAPABILITIES = "capabilities/index.md"
    PARTIES = "parties/index.md"
    FRAMEWORKS = "frameworks/index.md"

    def src(self, page: str) -> str:
        return self.prefix + page

    @staticmethod
    def responsibility(rid: str) -> str:
        return f"responsibilities/{rid}.md"

    @staticmethod
    def capability(cid: str) -> str:
        return f"capabilities/{cid}.md"

    @staticmethod
    def party(pid: str) -> str:
        return f"parties/{pid}.md"

    @staticmethod
    def framework(fid: str) -> str:
        return f"frameworks/{fid}.md"

    @staticmethod
    def crm_csv(fid: str) -> str:
        """The customer responsibility matrix of a framework, beside ``srm.json``."""
        return f"srm-crm-{fid}.csv"

    def url(self, page: str) -> str:
        """The URL of a page (relative to the site root), as MkDocs will publish it."""
        src = self.prefix + page
        stem = src[: -len(".md")]
        if not self.directory_urls:
            return stem + ".html"
        if stem == "index" or stem.endswith("/index"):
            return stem[: -len("index")]
        return stem + "/"

    def asset(self, name: str) -> str:
        """A plain file at the site root level of the SRM (exports, assets)."""
        return self.prefix + name

    def root(self, from_page: str) -> str:
        """The relative path from ``from_page`` up to the site root ("" or "../../")."""
        return "../" * self.url(from_page).count("/")

    def link(self, from_page: str, to_url: str) -> str:
        """A link from the page ``from_page`` to the site-root-relative ``to_url``: up to
        the root, then down (cheap, and the same for every page at the same depth)."""
        return self.root(from_page) + to_url or "./"
