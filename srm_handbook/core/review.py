"""Review dates: which responsibilities are due for review (``srm validate --stale``).

A row is overdue when ``review_interval_days`` is set and either it has no ``reviewed``
date (it was never reviewed) or more than that many days have passed since its
``reviewed`` date (see :meth:`srm_handbook.model.Srm.overdue`). A ``reviewed`` date in the
future is reported too: it would hide a row from review for longer than intended.
"""

from __future__ import annotations

import datetime as dt

from srm_handbook.core import strict_yaml
from srm_handbook.core.diagnostics import Diagnostic
from srm_handbook.core.model import Srm


def stale_warnings(
    srm: Srm, positions: strict_yaml.Positions, today: dt.date, shown: str
) -> list[Diagnostic]:
    """One located warning per overdue row (or future review date), in file order.
    ``positions`` are the data file's (:func:`srm_handbook.load.load_model_located`);
    ``shown`` is the path printed."""
    if srm.review_interval_days is None:
        return []
    interval = srm.review_interval_days
    overdue = {r.id for r in srm.overdue(today)}
    future = {r.id for r in srm.responsibilities if r.reviewed and r.reviewed > today}
    if not overdue and not future:
        return []
    out = []
    for r in srm.responsibilities:
        if r.id not in overdue and r.id not in future:
            continue
        where = ("responsibilities", r.id, "reviewed")
        if r.reviewed is None:
            message = (
                f"review overdue: {r.name!r} ({r.id}) has never been reviewed; "
                f"review_interval_days is {interval}: add reviewed: YYYY-MM-DD once it is"
            )
            line, col = positions.of_key(where[:2])
        elif r.id in future:
            message = (
                f"{r.name!r} ({r.id}) has a reviewed date in the future ({r.reviewed}); "
                f"today is {today}"
            )
            line, col = positions.of_value(where)
        else:
            days = (today - r.reviewed).days
            message = (
                f"review overdue: {r.name!r} ({r.id}) was last reviewed on {r.reviewed}, "
                f"{days} days ago; review_interval_days is {interval}"
            )
            line, col = positions.of_value(where)
        out.append(Diagnostic(shown, line, col, message, severity="warning"))
    return out
