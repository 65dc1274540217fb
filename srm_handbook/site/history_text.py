"""What the "What changed" page says of each entry of the data file's history, in the
site's language (:mod:`srm_handbook.history` writes the same in English for ``srm diff``
and the logs: :attr:`~srm_handbook.history.git_history.Entry.summary`).

Pure: no MkDocs, no Jinja.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from srm_handbook.site.i18n import NN_, Labels

if TYPE_CHECKING:  # a site without history never imports it
    from srm_handbook.history.git_history import Entry
    from srm_handbook.history.model_diff import SrmDiff

DIFF_PARTS = (
    ("cells_changed", NN_("%(num)d ownership cell", "%(num)d ownership cells")),
    ("duties_changed", NN_("%(num)d duty", "%(num)d duties")),
    ("rows_added", NN_("%(num)d responsibility added", "%(num)d responsibilities added")),
    ("rows_removed", NN_("%(num)d responsibility removed", "%(num)d responsibilities removed")),
    ("rows_renamed", NN_("%(num)d responsibility renamed", "%(num)d responsibilities renamed")),
    ("capabilities_added", NN_("%(num)d capability added", "%(num)d capabilities added")),
    ("capabilities_removed", NN_("%(num)d capability removed", "%(num)d capabilities removed")),
    ("parties_added", NN_("%(num)d party added", "%(num)d parties added")),
    ("parties_removed", NN_("%(num)d party removed", "%(num)d parties removed")),
    ("categories_added", NN_("%(num)d category added", "%(num)d categories added")),
    ("categories_removed", NN_("%(num)d category removed", "%(num)d categories removed")),
    ("controls_changed", NN_("%(num)d control mapping", "%(num)d control mappings")),
    ("inheritance_changed", NN_("%(num)d inheritance change", "%(num)d inheritance changes")),
    ("frameworks_added", NN_("%(num)d framework added", "%(num)d frameworks added")),
    ("frameworks_removed", NN_("%(num)d framework removed", "%(num)d frameworks removed")),
    ("fields_changed", NN_("%(num)d other edit", "%(num)d other edits")),
)
""":data:`~srm_handbook.history.model_diff.SUMMARY_LABELS`, marked for translation."""


def _count(labels: Labels, forms: tuple[str, str], n: int) -> str:
    return labels.ngettext(forms[0], forms[1], n) % {"num": n}


def diff_summary(d: SrmDiff, labels: Labels) -> str:
    """One line, e.g. ``2 ownership cells, 1 duty, 1 responsibility added``."""
    n = d.counts()
    parts = [_count(labels, forms, n[key]) for key, forms in DIFF_PARTS if n[key]]
    return ", ".join(parts) if parts else labels.gettext("no changes")


def entry_summary(e: Entry, labels: Labels) -> str:
    """Plain text: what this entry did, in a few words."""
    rows, caps, parties = e.size
    size = {
        "size": ", ".join(
            (
                _count(labels, NN_("%(num)d responsibility", "%(num)d responsibilities"), rows),
                _count(labels, NN_("%(num)d capability", "%(num)d capabilities"), caps),
                _count(labels, NN_("%(num)d party", "%(num)d parties"), parties),
            )
        )
    }
    if e.kind == "created":
        return labels.gettext("Started the model: %(size)s") % size
    if e.kind == "start":
        return labels.gettext("The history shown starts here: %(size)s") % size
    if e.kind == "invalid":
        return _count(
            labels,
            NN_(
                "This version did not validate (%(num)d error)",
                "This version did not validate (%(num)d errors)",
            ),
            e.error_count,
        )
    if e.kind == "missing":
        return labels.gettext("The data file was removed in this commit")
    if e.diff is None or e.diff.empty:
        return labels.gettext("No change to the model (only comments, formatting or order)")
    return diff_summary(e.diff, labels)


def entry_title(e: Entry, labels: Labels) -> str:
    """Plain text: the date and the commit's subject."""
    if e.commit is None:
        subject = labels.gettext("Not committed yet")
    else:
        subject = " ".join(e.commit.subject.split()) or labels.gettext("(no message)")
    return f"{e.date.isoformat()}: {subject}"
