"""What a check is: findings, the context a check sees, and :func:`define`.

A theme module turns a function that yields messages into a :class:`Check` with
:func:`define`; the registry wraps the messages into :class:`Finding` objects carrying the
check's name and severity, so no check can report under another's name. Defining a check
does not make it run: :data:`transflow.checks.suite.CHECKS` lists the checks that run, in
order.
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


@dataclass(frozen=True, slots=True)
class Check:
    """A check: its name, its severity, a one-line description for help texts, and the code.

    Calling a ``Check`` runs it on one pair: ``check_numbers(source, translation, ctx)``.
    """

    name: str
    severity: Severity
    description: str
    function: CheckFunction

    def __call__(self, source: str, translation: str, ctx: CheckContext) -> list[Finding]:
        return self.function(source, translation, ctx)


def define(
    name: str, severity: Severity, description: str
) -> Callable[[Callable[[str, str, CheckContext], Iterable[str]]], Check]:
    """Make a :class:`Check` of a function that yields messages (one finding each)."""

    def wrap(func: Callable[[str, str, CheckContext], Iterable[str]]) -> Check:
        def run(source: str, translation: str, ctx: CheckContext) -> list[Finding]:
            return [Finding(name, severity, msg) for msg in func(source, translation, ctx)]

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        return Check(name, severity, description, run)

    return wrap
