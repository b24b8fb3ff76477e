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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .links import (
        check_code,
        check_emphasis,
        check_footnotes,
        check_images,
        check_link_targets,
        check_links,
        check_urls,
    )
    from .numbers import (
        NUMBER_WORDS,
        check_numbers,
    )
    from .registry import (
        Check,
        CheckContext,
        CheckFunction,
        Finding,
        Severity,
    )
    from .suite import (
        CHECKS,
        check_names,
        run_checks,
    )
    from .tags import (
        check_html_tags,
        check_unsafe_markup,
        disallowed_markup,
    )
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

#: The module of each public name. Importing the package loads no check: a name is loaded
#: from its module when first asked for (PEP 562). Why: a module of the package
#: (``registry``'s findings, ``tags``) or the package itself is imported by code that often
#: runs no check at all (a build whose gates find every entry in their memo), and loading
#: every check with markdown-it under them cost such a build a tenth of its time.
_HOMES: dict[str, str] = {
    "check_code": "links",
    "check_emphasis": "links",
    "check_footnotes": "links",
    "check_images": "links",
    "check_link_targets": "links",
    "check_links": "links",
    "check_urls": "links",
    "NUMBER_WORDS": "numbers",
    "check_numbers": "numbers",
    "Check": "registry",
    "CheckContext": "registry",
    "CheckFunction": "registry",
    "Finding": "registry",
    "Severity": "registry",
    "CHECKS": "suite",
    "check_names": "suite",
    "run_checks": "suite",
    "check_html_tags": "tags",
    "check_unsafe_markup": "tags",
    "disallowed_markup": "tags",
    "RATIO_MIN_CHARS": "wording",
    "RATIO_TOLERANCE": "wording",
    "TYPICAL_RATIO": "wording",
    "check_glossary": "wording",
    "check_identical": "wording",
    "check_length": "wording",
    "check_punctuation": "wording",
    "check_target_language": "wording",
    "check_whitespace": "wording",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})


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
