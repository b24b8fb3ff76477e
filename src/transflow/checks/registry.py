"""The check registry: findings, the context a check sees, and running every check in order.

A theme module registers its checks with :func:`_register` at import time, so the order in
which :mod:`transflow.checks` imports the theme modules is the order checks run and findings
are reported. A check function yields messages; the registry wraps them into
:class:`Finding` objects carrying the check's name and severity, so no check can report under
another's name.
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
    """A registered check: its name, its severity and a one-line description for help texts."""

    name: str
    severity: Severity
    description: str
    function: CheckFunction


CHECKS: list[Check] = []


def _register(
    name: str, severity: Severity, description: str
) -> Callable[[Callable[[str, str, CheckContext], Iterable[str]]], CheckFunction]:
    """Register a function that yields messages; the registry turns them into findings."""

    def wrap(func: Callable[[str, str, CheckContext], Iterable[str]]) -> CheckFunction:
        def run(source: str, translation: str, ctx: CheckContext) -> list[Finding]:
            return [Finding(name, severity, msg) for msg in func(source, translation, ctx)]

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        CHECKS.append(Check(name, severity, description, run))
        return run

    return wrap


def run_checks(
    source: str,
    translation: str,
    ctx: CheckContext,
    *,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Every registered check (except those named in ``skip``) on one pair, in registry order."""
    if not translation:
        return []
    skipped = set(skip)
    findings: list[Finding] = []
    for check in CHECKS:
        if check.name not in skipped:
            findings.extend(check.function(source, translation, ctx))
    return findings


def check_names() -> list[str]:
    """The names of all registered checks, in the order they run."""
    return [c.name for c in CHECKS]
