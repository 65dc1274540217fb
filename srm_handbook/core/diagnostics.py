"""Error reporting: one ``PATH:LINE:COLUMN: error: MESSAGE`` line per problem."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# Characters that end a line for str.splitlines() and many tools: escaped in messages (which
# quote user text, e.g. a party name) so that every problem stays on one line.
_ONE_LINE = {ord(c): repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in a data file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    message: str
    severity: str = "error"

    def format(self) -> str:
        message = self.message.translate(_ONE_LINE)
        return f"{self.path}:{self.line}:{self.column}: {self.severity}: {message}"


MAX_SHOWN = 200
"""At most this many problems are printed; a line then says how many more there are (a
hostile or broken file can hold hundreds of thousands)."""


class SrmDataError(Exception):
    """The data file is invalid; carries every problem found, in file order."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__(self.format())

    def lines(self, limit: int = MAX_SHOWN) -> list[str]:
        """The first ``limit`` problems, one line each, then, if there are more, one line
        (in the same form, at the first one not listed) saying how many."""
        shown = [d.format() for d in self.diagnostics[:limit]]
        more = len(self.diagnostics) - limit
        if more > 0:
            first = self.diagnostics[limit]  # where the problems not listed begin
            message = (
                f"{more} more problem{'s' if more != 1 else ''} from here on "
                f"{'are' if more != 1 else 'is'} not listed; fix the ones above first"
            )
            shown.append(Diagnostic(first.path, first.line, first.column, message).format())
        return shown

    def format(self) -> str:
        return "\n".join(self.lines())


class SrmInputError(SrmDataError):
    """The data file could not be read at all (missing, a directory, no permission)."""
