"""What a check is: findings, the context a check sees, and :func:`define`.

A theme module turns a function that yields messages into a :class:`Check` with
:func:`define`; the registry wraps the messages into :class:`Finding` objects carrying the
check's name and severity, so no check can report under another's name. Defining a check
does not make it run: :data:`transflow.checks.suite.CHECKS` lists the checks that run, in
order.

A check may come with a pre-filter (``may_find``), written in the check's own module next to
it: a cheap test on the two texts that answers False only when the check provably finds
nothing on them (the same numbers in both texts: no number can differ). ``run_checks`` skips a
check whose pre-filter says False; ``run_checks(..., prefilter=False)`` runs every check in
full, the reference the tests compare the fast path with. A check about markup, links or
URLs is also defined ``markup_only``: on a pair of plain texts (``text.is_plain``, most
segments) ``run_checks`` does not even ask its pre-filter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one check."""

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the two texts."""

    source_lang: str
    target_lang: str
    #: Article format name: ``markdown``, ``html`` or ``text``.
    format: str = "markdown"
    #: (source term, target term) pairs; a source term in the source asks for the target term.
    glossary: Sequence[tuple[str, str]] = field(default_factory=tuple)


CheckFunction = Callable[[str, str, CheckContext], list[Finding]]
#: What a theme module writes: the messages of one check on one pair.
MessageFunction = Callable[[str, str, CheckContext], Iterable[str]]
#: A check's pre-filter: False only when the check cannot find anything on the pair.
PreFilter = Callable[[str, str, CheckContext], bool]


@dataclass(frozen=True, slots=True)
class Check:
    """A check: its name, its severity, a one-line description for help texts, and the code.

    Calling a ``Check`` runs it on one pair: ``check_numbers(source, translation, ctx)``.
    """

    name: str
    severity: Severity
    description: str
    function: CheckFunction
    #: The messages as the theme module yields them (``function`` wraps each in a Finding).
    messages: MessageFunction
    #: The check's own conservative pre-filter, if it has one (see the module docstring).
    may_find: PreFilter | None = None
    #: True for a check that finds nothing when both texts are plain (``text.is_plain``: no
    #: markup, link or URL character): ``run_checks`` skips it on such a pair, pre-filter
    #: and all, after one cached question per text instead of one per check.
    markup_only: bool = False

    def __call__(self, source: str, translation: str, ctx: CheckContext) -> list[Finding]:
        return self.function(source, translation, ctx)


def define(
    name: str, severity: Severity, description: str, *, may_find: PreFilter | None = None,
    markup_only: bool = False,
) -> Callable[[MessageFunction], Check]:
    """Make a :class:`Check` of a function that yields messages (one finding each).

    ``may_find`` is the check's pre-filter: it must answer True whenever ``func`` could
    yield a message (it may answer True needlessly, never False wrongly). ``markup_only``
    says the check finds nothing on a pair of plain texts (see :attr:`Check.markup_only`).
    """

    def wrap(func: MessageFunction) -> Check:
        def run(source: str, translation: str, ctx: CheckContext) -> list[Finding]:
            return [Finding(name, severity, msg) for msg in func(source, translation, ctx)]

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        return Check(name, severity, description, run, func, may_find, markup_only)

    return wrap
