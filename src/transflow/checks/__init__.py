"""Quality checks on one (source, translation) pair: small named functions with a severity.

Modelled on Babel's ``checkers.py`` and translate-toolkit's ``filters``: each check is a
function ``(source, translation, ctx) -> list[Finding]`` defined under a name (``numbers``,
``urls`` ...) and a severity, and listed in :data:`CHECKS` (``suite.py``), the one ordered
list of the checks that run. ``error`` means the translation can harm a
reader or the site (a changed dose, a dropped source, injected markup) and gates publishing;
``warning`` means "a person should look".

Invariants:

* checks never change their inputs and never print; they only return findings;
* an empty translation has no findings (untranslated entries are the state's business);
* each defect is reported by one check only: numbers ignore URLs, code spans and footnote
  markers; ``urls`` owns absolute URLs, ``links`` owns link counts, ``link-targets``
  relative targets,
  ``html-tags`` ignores the dangerous elements that ``unsafe-markup`` reports (the list is
  :data:`transflow.formats.html.DANGEROUS_TAGS`, shared with the HTML format);
* checks are tolerant of legitimate translation differences: locale number formats
  (``2,5 g`` = ``2.5 g``, ``1.000`` = ``1,000``, ``10%`` = ``10 %``), language codes in
  otherwise identical URLs (``/nl/`` vs ``/en/``), reordered inline markup.

Layout: :mod:`.registry` (findings, context, :class:`Check` and ``define``), :mod:`.text`
(helpers shared by the themes), then one module per theme: :mod:`.numbers`, :mod:`.links`
(URLs, footnotes, inline Markdown markup), :mod:`.tags` (HTML tags, injected markup; with
:mod:`.safety`, the markup a translation may not add) and :mod:`.wording`; :mod:`.suite`
lists the checks in the order they run (:data:`CHECKS`) and runs them (:func:`run_checks`).
"""

from __future__ import annotations

from .links import (
    check_code,
    check_emphasis,
    check_footnotes,
    check_images,
    check_link_targets,
    check_links,
    check_urls,
)
from .numbers import NUMBER_WORDS, check_numbers
from .registry import Check, CheckContext, CheckFunction, Finding, Severity
from .suite import CHECKS, check_names, run_checks
from .tags import check_html_tags, check_unsafe_markup, disallowed_markup
from .wording import (
    RATIO_MIN_CHARS,
    RATIO_TOLERANCE,
    TYPICAL_RATIO,
    check_glossary,
    check_identical,
    check_length,
    check_punctuation,
    check_target_language,
    check_whitespace,
)

__all__ = [
    "CHECKS",
    "NUMBER_WORDS",
    "RATIO_MIN_CHARS",
    "RATIO_TOLERANCE",
    "TYPICAL_RATIO",
    "Check",
    "CheckContext",
    "CheckFunction",
    "Finding",
    "Severity",
    "check_code",
    "check_emphasis",
    "check_footnotes",
    "check_glossary",
    "check_html_tags",
    "check_identical",
    "check_images",
    "check_length",
    "check_link_targets",
    "check_links",
    "check_names",
    "check_numbers",
    "check_punctuation",
    "check_target_language",
    "check_unsafe_markup",
    "check_urls",
    "check_whitespace",
    "disallowed_markup",
    "run_checks",
]
