"""A workspace for the review-page tests: the sample workspace with every review state.

The seed article (``magnesium-l-threonate``, the real article of the design document) keeps
its Dutch catalog, changed so that its entries show each state the pages colour: machine
draft, needs work, untranslated, translated with check findings (a year the source lacks),
changed after review, translated and reviewed.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from pathlib import Path

from tests.test_cli_run import sample_workspace
from transflow.po import catalog
from transflow.states import mark_draft, mark_needs_work, unapprove

SEED = "magnesium-l-threonate"
SEED_PO = Path("locales/nl") / f"{SEED}.po"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)

#: Entry index (in catalog order, header excluded) -> the state it is given.
STATES = {
    2: "machine_draft",
    3: "needs_work",
    4: "untranslated",
    5: "translated_with_finding",
    6: "changed_after_review",
    7: "translated",
    8: "machine_draft",
    9: "translated_with_year",
}


def review_workspace(tmp_path: Path) -> Path:
    """The sample workspace with the seed catalog in mixed states (see the module docstring)."""
    root = sample_workspace(tmp_path)
    path = root / SEED_PO
    cat = catalog.load(path)
    entries = list(catalog.active_entries(cat))
    for index, state in STATES.items():
        entry = entries[index]
        if state != "changed_after_review":
            unapprove(entry)
        if state == "machine_draft":
            mark_draft(entry, entry.msgstr, "deepl 2026-11-29")
        elif state == "needs_work":
            old = copy.copy(entry)
            old.msgid = entry.msgid.replace("ATP binding", "energy use")
            mark_needs_work(entry, old)
        elif state == "untranslated":
            entry.msgstr = ""
        elif state == "translated_with_finding":
            entry.msgstr = entry.msgstr.rstrip("⁴.") + " (zie 2019)."
        elif state == "translated_with_year":
            entry.msgstr = entry.msgstr + " (2021)"
        elif state == "changed_after_review":
            entry.msgstr = entry.msgstr + " Aangepast."
    catalog.save(cat, path, now=NOW)
    return root
