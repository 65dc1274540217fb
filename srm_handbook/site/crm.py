"""The customer responsibility matrix (CRM), derived from the model.

FedRAMP's CRM workbook has three columns: ``Control ID``, ``Can Be Inherited from CSP``
(Yes / Partial / No / N/A) and ``Specific Inheritance and Customer Agency/CSP
Responsibilities``. Here there is a row per mapped control and capability: the answer
differs per capability, and FedRAMP's guidance for an offering of several services is to
prefix each with the service name, so with more than one capability every line of the
text starts with the capability's name. The text is the customer parties' duties for that
capability from the rows mapped to the control (data format, "Inheritance"), one a line,
each as ``Party: duty`` (``Capability: Party: duty`` with several capabilities); a row
with no customer duty has an empty text (``Capability: no customer duties`` with several
capabilities, so every row names its capability).

:func:`crm_rows` is what other exports (the CSV here, spreadsheet sheets) call.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from srm_handbook.core.crosswalk import control_rows, customer_duties
from srm_handbook.core.model import Duty, Srm
from srm_handbook.site.exports import csv_safe
from srm_handbook.site.markdown_text import plain_text
from srm_handbook.site.workbook import Sheet

CRM_HEADER = (
    "Control ID",
    "Can Be Inherited from CSP",
    "Specific Inheritance and Customer Agency/CSP Responsibilities",
)
CAN_BE_INHERITED = {"yes": "Yes", "partial": "Partial", "no": "No", "n/a": "N/A"}


@dataclass(frozen=True)
class CrmRow:
    framework: str
    control: str
    capability: str
    inheritance: str
    """``yes``, ``partial``, ``no`` or ``n/a`` (data format, "Inheritance")."""
    duties: tuple[Duty, ...]
    """The customer parties' duties for the control and capability, in model order."""
    text: str
    """The third column: plain text, one duty a line, prefixed as the module says."""

    @property
    def can_be_inherited(self) -> str:
        return CAN_BE_INHERITED[self.inheritance]


class NoRolesError(ValueError):
    """The model's parties have no roles, so nothing says who the customer is."""


def crm_rows(srm: Srm, framework_id: str) -> list[CrmRow]:
    """The CRM of one framework: a row per mapped control (catalog order) and capability
    (model order). Raises :class:`NoRolesError` when parties have no roles and KeyError
    for an unknown framework."""
    if framework_id not in srm.framework:
        raise KeyError(framework_id)
    if not srm.has_roles:
        raise NoRolesError("the parties have no roles (provider, customer): no CRM")
    several = len(srm.capabilities) > 1
    line_of: dict[Duty, str] = {}
    out = []
    for row in control_rows(srm, framework_id):
        for cell in row.cells:
            assert cell.inheritance is not None  # noqa: S101 (has_roles)
            duties = customer_duties(srm, row, cell.capability)
            for d in duties:
                if d not in line_of:
                    line_of[d] = f"{srm.party[d.party].name}: {plain_text(d.text)}"
            lines = _unique(line_of[d] for d in duties)
            if several:
                prefix = srm.capability[cell.capability].name + ": "
                lines = [prefix + line for line in lines] or [prefix + "no customer duties"]
            text = "\n".join(lines)
            out.append(
                CrmRow(framework_id, row.control, cell.capability, cell.inheritance, duties, text)
            )
    return out


def _unique(lines: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(lines))


def to_csv(srm: Srm, framework_id: str) -> str:
    """The CRM of one framework as CSV in FedRAMP's three columns."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CRM_HEADER)
    for row in crm_rows(srm, framework_id):
        writer.writerow([csv_safe(row.control), row.can_be_inherited, csv_safe(row.text)])
    return out.getvalue()


def sheets(srm: Srm) -> list[Sheet]:
    """The customer responsibility matrix of each framework as a workbook sheet ("CRM
    <framework id>", FedRAMP's three columns, as :func:`to_csv`); none without roles."""
    if not (srm.frameworks and srm.has_roles):
        return []
    out: list[Sheet] = []
    names: set[str] = set()
    for i, f in enumerate(srm.frameworks, start=1):
        name = f"CRM {f.id}"[:31]  # a sheet name has at most 31 characters
        if name in names:
            name = f"CRM {i} {f.id}"[:31]
        names.add(name)
        rows = [[r.control, r.can_be_inherited, r.text] for r in crm_rows(srm, f.id)]
        out.append((name, CRM_HEADER, rows))
    return out
