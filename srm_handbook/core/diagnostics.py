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


class SrmDataError(Exception):
    """The data file is invalid; carries every problem found, in file order."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(set(diagnostics))
        super().__init__(self.format())

    def format(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


class SrmInputError(SrmDataError):
    """The data file could not be read at all (missing, a directory, no permission)."""
