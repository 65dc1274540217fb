"""The sheets and columns of ``srm.xlsx``: written by :mod:`srm_handbook.site.workbook`,
read back by :mod:`srm_handbook.core.spreadsheet_import` (the same words on both sides)."""

from __future__ import annotations

MATRIX, DUTIES, DEFINITIONS, ABOUT = "Matrix", "Duties", "Parties & Capabilities", "About"
MATRIX_LEAD = ("Category", "Responsibility")
"""The Matrix sheet's first columns; one column per capability follows, then MATRIX_FIELDS."""
MATRIX_FIELDS = ("ID", "Description", "Aliases", "References", "Reviewed", "Controls")
"""Controls: one ``framework: control`` a line."""
DUTY_HEADER = (
    "Responsibility ID",
    "Responsibility",
    "Party ID",
    "Party",
    "Capabilities",
    "Duty",
    "Duty ID",
)
DEFINITION_HEADER = (
    "Kind",
    "ID",
    "Name",
    "Possessive",
    "Status",
    "Description",
    "Role",
    "Plural",
    "Catalog",
)
"""Kinds: party (Possessive, Role, Plural), capability (Status), category, framework
(Catalog)."""
ABOUT_HEADER = ("Field", "Value")
ABOUT_FIELDS = {
    "title": "Title",
    "intro": "Intro",
    "last_updated": "Last updated",
    "review_interval_days": "Review interval (days)",
}
OWNER_SEPARATOR = "\n"
"""Shared owners in a Matrix cell: one party name per line (names never need escaping)."""
