"""The words ``assets/srm.js`` writes into the pages (counts, notes, status messages), in
the site's language: the pages carry them as JSON (``<script id="srm-labels">``) and the
script fills in the numbers. The English here is what the script writes without them.

Pure: no MkDocs, no Jinja.
"""

from __future__ import annotations

from typing import Any

from srm_handbook.site.i18n import N_, NN_, Labels

MESSAGES = (
    # The matrix's filters.
    N_("%(shown)d of %(total)d shown"),
    N_("all %(num)d shown"),
    N_("none shown"),
    N_("%(shown)d of %(total)d responsibilities shown"),
    N_(", %(shown)d of %(total)d capabilities"),
    N_(", mapped to %(control)s"),
    N_(". Nothing matches: change a filter, or show everything."),
    # The checklists of the party and capability pages.
    N_("%(done)d of %(total)d done"),
    N_("%(done)d of %(total)d done."),
    N_("%(done)d of %(total)d done (%(shown)d of %(all)d duties shown)."),
    N_("No duty here applies to %(choice)s: show all, or choose another."),
    N_("this choice"),
    N_("New since your last visit"),
    N_("Changed since you ticked it, so it is no longer ticked: check it again"),
    N_("Changed since your last visit"),
    N_("%(first)s and %(second)s"),
    N_("The handbook changed since your last visit: %(what)s (marked below)."),
    N_(
        "Your ticks are not kept: this browser does not let the handbook store them "
        "(for example in a private window)."
    ),
    N_("Changes marked as seen."),
    N_("Could not copy: this browser refused access to the clipboard."),
    N_("Downloaded %(file)s."),
    # Material's search dialog, which the script names.
    N_("Search"),
)
PLURALS = (
    NN_("%(num)d duty is new", "%(num)d duties are new"),
    NN_("%(num)d duty changed", "%(num)d duties changed"),
    NN_(
        "%(num)d tick was removed because the duty's wording or scope changed after you ticked it.",
        "%(num)d ticks were removed because the duty's wording or scope changed after you "
        "ticked it.",
    ),
    NN_("Cleared %(num)d tick.", "Cleared %(num)d ticks."),
    NN_(
        "Copied %(num)d duty as a Markdown task list.",
        "Copied %(num)d duties as a Markdown task list.",
    ),
)
PLURAL_SAMPLES = range(200)
"""Numbers that meet every plural category a language has for counts of a page (CLDR's
"many" of French or Spanish, from a million, falls back to "other" in the script)."""


def script_labels(labels: Labels) -> dict[str, Any]:
    """``language`` (a BCP 47 tag for the script's ``Intl.PluralRules``) and ``messages``:
    each English message -> its text, or for a message with a plural, its singular ->
    the text for each CLDR plural category of the language (``one``, ``other``, ...)."""
    messages: dict[str, Any] = {m: labels.gettext(m) for m in MESSAGES}
    rule = labels.locale.plural_form
    for singular, plural in PLURALS:
        forms: dict[str, str] = {}
        for n in PLURAL_SAMPLES:
            forms.setdefault(rule(n), labels.ngettext(singular, plural, n))
        messages[singular] = forms
    return {"language": labels.language.replace("_", "-"), "messages": messages}
