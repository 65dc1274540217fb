"""The anchors (element ids) of a generated page, found only when someone asks."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

_ID = re.compile(r'\sid="([^"]*)"')


class AnchorIds:
    """A read-only set of the ids in a page's HTML. The HTML is rendered and scanned on
    the first lookup, so pages nobody links into by anchor cost nothing."""

    def __init__(self, render: Callable[[], str]) -> None:
        self._render = render
        self._ids: frozenset[str] | None = None

    def _all(self) -> frozenset[str]:
        if self._ids is None:
            self._ids = frozenset(html.unescape(m) for m in _ID.findall(self._render()))
        return self._ids

    def __contains__(self, anchor: object) -> bool:
        return anchor in self._all()

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())
