"""Review state of catalog entries: how it is stored, decided and changed, all in one place.

State is stored in the ``.po`` entry itself, in forms that GNU ``msgcat``/``msgmerge``,
polib, Babel and editors such as Poedit keep: the ``fuzzy`` flag, the previous fields
(``#| msgid`` …) and translator comments (``# …``). Unknown flags are dropped by gettext
tools, so no custom flag is used.

=============  =====================================================================
state          stored as
=============  =====================================================================
untranslated   empty ``msgstr``
machine draft  ``#, fuzzy`` + ``# transflow: draft <origin>``, no previous msgid
needs work     ``#, fuzzy`` (with ``#| msgid "previous source"`` or no draft line)
translated     non-empty, not fuzzy, no valid approval
reviewed       ``# transflow: reviewed <date> <fingerprint> <reviewer>`` that matches
=============  =====================================================================

A check finding a person verified is stored as ``# transflow: accepted <check> <fingerprint>
<date> <reviewer>[: <reason>]`` and covers the finding while the fingerprint matches.

The package is the single owner of this idea; no other module edits an entry's flags,
previous fields or ``# transflow:`` lines, and none parses those lines:

* :mod:`.notes` — the comment-line syntax, parsed and written (pure text functions);
* :mod:`.decide` — :class:`State` and :func:`state_of`, the one function that decides;
* :mod:`.change` — every state change (:func:`mark_draft`, :func:`accept_as_own`,
  :func:`approve`, :func:`unapprove`, :func:`accept_finding`, …).

Import from ``transflow.states``; the submodules are its layout, not separate APIs.
"""

from __future__ import annotations

from .change import (
    NEVER_ACCEPTED,
    accept_as_own,
    accept_finding,
    approve,
    approve_all,
    clean_reviewer,
    edited_fields,
    mark_draft,
    mark_needs_work,
    mark_no_draft,
    refusal,
    set_translation,
    take_edits,
    unapprove,
    withdraw_finding,
)
from .decide import (
    EntryView,
    State,
    accepted_findings,
    approval_is_stale,
    entry_state,
    stale_acceptances,
    state_of,
    view,
)
from .notes import (
    COMMENT_WIDTH,
    MARKER,
    Acceptance,
    Approval,
    acceptance_text,
    acceptances,
    approval,
    approval_text,
    comment_lines,
    display_notes,
    draft_origin,
    engine_origin,
    fingerprint,
    problems,
    set_transflow_line,
    transflow_lines,
)

__all__ = [
    "COMMENT_WIDTH",
    "MARKER",
    "NEVER_ACCEPTED",
    "Acceptance",
    "Approval",
    "EntryView",
    "State",
    "accept_as_own",
    "accept_finding",
    "acceptance_text",
    "acceptances",
    "accepted_findings",
    "approval",
    "approval_is_stale",
    "approval_text",
    "approve",
    "approve_all",
    "clean_reviewer",
    "comment_lines",
    "display_notes",
    "draft_origin",
    "edited_fields",
    "engine_origin",
    "entry_state",
    "fingerprint",
    "mark_draft",
    "mark_needs_work",
    "mark_no_draft",
    "problems",
    "refusal",
    "set_transflow_line",
    "set_translation",
    "stale_acceptances",
    "state_of",
    "take_edits",
    "transflow_lines",
    "unapprove",
    "view",
    "withdraw_finding",
]
