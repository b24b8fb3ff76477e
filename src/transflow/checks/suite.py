"""The checks that run, in the order they run: one explicit list.

Findings on one (source, translation) pair are reported in this order, so the order is
part of the output (``check``, ``review`` and the build gate show findings in it). A new
check is defined in its theme module (:func:`.registry.define`) and listed here; defining it
alone does not make it run.
"""

from __future__ import annotations

from collections.abc import Iterable

from .links import (
    check_code,
    check_emphasis,
    check_footnotes,
    check_images,
    check_link_targets,
    check_links,
    check_urls,
)
from .numbers import check_numbers
from .registry import Check, CheckContext, Finding
from .tags import check_html_tags, check_unsafe_markup
from .wording import (
    check_glossary,
    check_identical,
    check_length,
    check_punctuation,
    check_target_language,
    check_whitespace,
)

#: Every check, in run order: numbers first (a changed dose matters most), then links and
#: inline markup, then injected and HTML markup, then wording.
CHECKS: tuple[Check, ...] = (
    check_numbers,
    check_urls,
    check_footnotes,
    check_links,
    check_link_targets,
    check_code,
    check_images,
    check_emphasis,
    check_unsafe_markup,
    check_html_tags,
    check_glossary,
    check_target_language,
    check_identical,
    check_length,
    check_whitespace,
    check_punctuation,
)


def run_checks(
    source: str,
    translation: str,
    ctx: CheckContext,
    *,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Every check (except those named in ``skip``) on one pair, in :data:`CHECKS` order."""
    if not translation:
        return []
    skipped = set(skip)
    findings: list[Finding] = []
    for check in CHECKS:
        if check.name not in skipped:
            findings.extend(check(source, translation, ctx))
    return findings


def check_names() -> list[str]:
    """The names of all checks, in the order they run."""
    return [c.name for c in CHECKS]
