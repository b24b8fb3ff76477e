"""What ``translate`` reports: the planned figures and the outcome, per catalog and in total.

The report is made from a :class:`~transflow.workflow.translate_plan.TranslatePlan`
(:meth:`TranslateReport.from_plan`) and filled in as the run goes; it holds figures only,
never entries or catalogs, so reading it cannot change a run. ``to_json`` is the versioned
document of ``translate --json`` (and the ``translate`` step of ``run --json``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from transflow import mt
from transflow.errors import EngineError, Problem

if TYPE_CHECKING:
    from transflow.workflow.translate_plan import CatalogPlan, TranslatePlan

JSON_VERSION = 1


@dataclass(slots=True)
class CatalogTranslate:
    """Planned figures and outcome for one article in one target language."""

    article: str
    source_language: str
    language: str
    catalog: str
    targets: int = 0
    memory_exact: int = 0
    memory_fuzzy: int = 0
    reused: int = 0
    copied: int = 0
    #: Unique texts this catalog sends, their billable characters and the requests planned.
    to_send: int = 0
    characters: int = 0
    requests: int = 0
    # outcome
    drafted_by_engine: int = 0
    billed: int = 0
    #: Batches sent (one translate request each, before retries).
    batches_sent: int = 0
    problems: int = 0
    failures: list[str] = field(default_factory=list)
    #: Entries that received a draft in this run (memory, copy, reuse or engine).
    drafted: int = 0
    #: Of those, engine drafts reused from earlier in the run or an earlier run (not billed).
    reused_done: int = 0
    saved: bool = False
    #: Left for a later run by ``--fit``: the article did not fit in the budget.
    deferred: bool = False

    @classmethod
    def from_plan(cls, planned: CatalogPlan) -> CatalogTranslate:
        """A row with the planned figures of one catalog and no outcome yet."""
        return cls(
            planned.rel, planned.source_language, planned.language,
            planned.name,
            targets=len(planned.targets),
            memory_exact=planned.memory_exact,
            memory_fuzzy=planned.memory_fuzzy,
            reused=planned.reused,
            copied=planned.copied,
            to_send=planned.to_send,
            characters=planned.characters,
            requests=planned.requests,
        )

    @property
    def by_memory(self) -> int:
        """Drafts that cost nothing: memory hits and copied segments."""
        return self.memory_exact + self.memory_fuzzy + self.copied

    def to_json(self) -> dict[str, object]:
        return {
            "article": self.article,
            "source_language": self.source_language,
            "language": self.language,
            "catalog": self.catalog,
            "targets": self.targets,
            "memory_exact": self.memory_exact,
            "memory_fuzzy": self.memory_fuzzy,
            "reused": self.reused,
            "copied": self.copied,
            "segments_to_send": self.to_send,
            "characters": self.characters,
            "requests": self.requests,
            "drafted_by_engine": self.drafted_by_engine,
            "billed_characters": self.billed,
            "batches_sent": self.batches_sent,
            "problems": self.problems,
            "drafted": self.drafted,
            "reused_done": self.reused_done,
            "failures": self.failures,
            "deferred": self.deferred,
        }


@dataclass(slots=True)
class TranslateReport:
    """The plan's figures (``dry_run``) or the outcome of a translate run."""

    catalogs: list[CatalogTranslate] = field(default_factory=list)
    engine: str | None = None
    dry_run: bool = False
    usage: mt.Usage | None = None
    #: Set when the run stopped early (quota 456, key refused, service down): what stopped it.
    stopped: EngineError | None = None
    batches_done: int = 0
    #: The engine the run is meant for (named in messages even when no engine was given).
    engine_name: str = "deepl"
    #: What the engine worked around without stopping (e.g. a glossary the server refused).
    warnings: list[str] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)
    #: HTTP requests the engine sent in this run (retries, usage and glossary calls
    #: included: what the server saw), and how many of them were retries.
    http_requests: int = 0
    retries: int = 0
    #: A dry run whose plan the real run would refuse (over ``max_chars`` or the quota).
    refused: EngineError | None = None
    #: ``fit``: the characters the run could spend, and the articles left for later with
    #: the characters each would need (in plan order).
    fit_budget: int | None = None
    deferred: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_plan(cls, planned: TranslatePlan,
                  catalogs: Iterable[CatalogPlan] | None = None) -> TranslateReport:
        """One row per planned catalog, in plan order, with the planned figures (of
        ``catalogs`` when given: the plan's, as the run will do them)."""
        items = planned.catalogs if catalogs is None else catalogs
        return cls([CatalogTranslate.from_plan(c) for c in items],
                   problems=list(planned.problems))

    def total(self, name: str) -> int:
        return sum(int(getattr(c, name)) for c in self.catalogs)

    @property
    def characters(self) -> int:
        """Billable characters planned for the engine (unique texts, after memory)."""
        return self.total("characters")

    @property
    def left(self) -> int:
        """Target entries without a draft after this run (all that need the engine when
        there was none; what failed or was not reached otherwise)."""
        return self.total("targets") - self.total("drafted")

    @property
    def failures(self) -> list[str]:
        return [f for c in self.catalogs for f in c.failures]

    def to_json(self) -> dict[str, object]:
        usage = None
        if self.usage is not None:
            usage = {
                "character_count": self.usage.character_count,
                "character_limit": self.usage.character_limit,
                "remaining": self.usage.remaining,
            }
        fit = None
        if self.fit_budget is not None:
            fit = {"budget": self.fit_budget, "deferred_articles": list(self.deferred),
                   "deferred_characters": sum(self.deferred.values())}
        refused = None
        if self.refused is not None:
            refused = {"message": self.refused.message, "hint": self.refused.hint}
        return {
            "version": JSON_VERSION,
            "dry_run": self.dry_run,
            "engine": self.engine,
            "engine_name": self.engine_name,
            "catalogs": [c.to_json() for c in self.catalogs],
            "totals": {
                "targets": self.total("targets"),
                "drafted_by_memory": self.total("by_memory"),
                "memory_exact": self.total("memory_exact"),
                "memory_fuzzy": self.total("memory_fuzzy"),
                "copied": self.total("copied"),
                "reused": self.total("reused"),
                "segments_to_send": self.total("to_send"),
                "characters": self.characters,
                "requests": self.total("requests"),
                "drafted_by_engine": self.total("drafted_by_engine"),
                "billed_characters": self.total("billed"),
                "batches_sent": self.total("batches_sent"),
                "requests_sent": self.http_requests,
                "retries": self.retries,
                "problems": self.total("problems"),
                "failures": len(self.failures),
                "drafted": self.total("drafted"),
                "reused_done": self.total("reused_done"),
                "left": self.left,
                "batches_done": self.batches_done,
            },
            "usage": usage,
            "stopped": str(self.stopped) if self.stopped else None,
            "refused": refused,
            "fit": fit,
            "warnings": list(self.warnings),
            "problems": [p.to_json() for p in self.problems],
        }
