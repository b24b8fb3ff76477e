"""The checks that run, in the order they run: one explicit list.

Findings on one (source, translation) pair are reported in this order, so the order is
part of the output (``check``, ``review`` and the build gate show findings in it). A new
check is defined in its theme module (:func:`.registry.define`) and listed here; defining it
alone does not make it run.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

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
from .registry import Check, CheckContext, Finding, PreFilter
from .tags import check_html_tags, check_unsafe_markup
from .text import is_plain
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
    prefilter: bool = True,
) -> list[Finding]:
    """Every check (except those named in ``skip``) on one pair, in :data:`CHECKS` order.

    A check whose pre-filter (``Check.may_find``) says it cannot find anything on the pair
    is not run, nor, when both texts are plain (``is_plain``, most pairs), a check defined
    ``markup_only``; ``prefilter=False`` runs every check in full (the reference path: the
    same findings, only slower).
    """
    if not translation:
        return []
    findings: list[Finding] = []
    plain = prefilter and is_plain(source) and is_plain(translation)
    for check, may_find in _plan(skip if isinstance(skip, tuple) else tuple(skip), prefilter,
                                 plain):
        if may_find is not None and not may_find(source, translation, ctx):
            continue
        for message in check.messages(source, translation, ctx):
            findings.append(Finding(check.name, check.severity, message))
    return findings


@lru_cache(maxsize=64)
def _plan(
    skip: tuple[str, ...], prefilter: bool, plain: bool = False
) -> tuple[tuple[Check, PreFilter | None], ...]:
    """The checks to run and their pre-filters, worked out once per ``skip`` (a hot path);
    for a ``plain`` pair without the ``markup_only`` checks."""
    return tuple((c, c.may_find if prefilter else None) for c in CHECKS
                 if c.name not in skip and not (plain and c.markup_only))


def check_names() -> list[str]:
    """The names of all checks, in the order they run."""
    return [c.name for c in CHECKS]
