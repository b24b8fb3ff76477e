"""Build gates: reasons to refuse publishing an article that reached the publish threshold.

``build`` calls each gate for every article and target language (see ``build.Gate``); any
reason it returns keeps the article out of ``dist/``, even under ``--allow-incomplete``.

Two gates, both over the translations that *would be published* (entries at the configured
``publish`` state or better; everything else is replaced by source text or blocks the build
anyway):

* :func:`markup_gate`: markup injection. Runs whether or not ``transflow check`` was run,
  so a translator (or a compromised catalog) can never put ``<script>``, an ``on…=``
  handler or a ``javascript:`` link on the site. HTML articles are judged by
  ``formats.html.disallowed_markup`` in full (any tag the source lacks is refused: in an
  HTML page a tag is live markup); Markdown and plain-text articles by the
  ``unsafe-markup`` check, which adds Markdown link destinations. Each reason names the
  catalog file and the entry's line.
* :func:`quality_gate`: every other error-level quality check (numbers, URLs, footnotes…),
  summarised as one reason ("N check error(s): run 'transflow check'"). Only the
  error-level checks run: a warning never blocks a build, and the warning-level checks
  (the language guess above all) were half the work.

Both gates read the same entries of a catalog (the published ones, their states and kinds),
worked out once per article; each check's pre-filter spares the work on most entries.

Remembering: after one article of many was edited, a build runs the gates on that article
alone, and most of its entries were judged before (by ``check``, or by the build after an
earlier edit). So ``build``, when it works on a few articles in its own process, asks each
gate for ``gate.remembering(memo)``: the same gate with the results cache's entry memo
(shared with ``check``), which looks each entry up there first and stores what it works
out. Found there, no entry is judged again, and the checks, with markdown-it under them,
are not even loaded (a tenth of such a build). A large build's workers get no memo (see
:class:`QualityGate`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from transflow.config import Config
from transflow.po.model import Catalog
from transflow.states import State
from transflow.workflow.build import Gate

# The checks (and markdown-it under them) are imported when a gate first runs: a build
# answered from the results cache never runs one, and must not pay for loading them.
from transflow.workflow.workspace import Article, catalog_path

if TYPE_CHECKING:
    from transflow.workflow.cache import EntryMemo
    from transflow.workflow.check import Selected

#: The check the markup gate owns; the quality gate skips it so nothing is counted twice.
MARKUP_CHECK = "unsafe-markup"

#: At most this many lines are named in one markup reason (the rest are counted).
MAX_NAMED = 5


def markup_problems(article: Article, source: str, translation: str) -> list[str]:
    """Markup the translation adds that must never reach the site, for this article's format."""
    return _markup_judge(article.fmt.name)(source, translation)


def _markup_judge(fmt: str) -> Callable[[str, str], list[str]]:
    """:func:`markup_problems` for one format, looked up once per article, not per entry."""
    if fmt == "html":
        from transflow.checks.safety import disallowed_markup as html_disallowed_markup

        return html_disallowed_markup
    from transflow.checks.tags import disallowed_markup, may_add_markup

    def judge(source: str, translation: str) -> list[str]:
        if not may_add_markup(source, translation):
            return []  # the check's own pre-filter: nothing it could find (most entries)
        return disallowed_markup(source, translation)

    return judge


@dataclass(frozen=True, slots=True)
class MarkupGate:
    """The markup-injection gate for ``config`` (see the module docstring).

    Gates are small frozen dataclasses rather than closures so that a parallel build can
    send them to its worker processes.
    """

    config: Config
    #: What each entry was found to add, by fingerprint (see the module docstring).
    memo: EntryMemo | None = dataclasses.field(default=None, compare=False)
    #: Names the gate in build's cache keys (its code is part of every key anyway).
    cache_key: ClassVar[str] = "markup"

    def prepare(self) -> None:
        """Load what judging needs (build calls it before its workers fork: they share it)."""
        _markup_judge("markdown")
        _markup_judge("html")

    def remembering(self, memo: EntryMemo) -> MarkupGate:
        """This gate, looking each entry up in ``memo`` first (see the module docstring)."""
        return dataclasses.replace(self, memo=memo)

    def __call__(self, article: Article, language: str, cat: Catalog) -> list[str]:
        config = self.config
        entries = [entry for entry, _, attribute_only in _published(cat, config.publish)
                   if not attribute_only]  # an attribute is written escaped: "<tag>" is text
        memo = self.memo
        keys: list[str] = []
        checked: list[str] = []
        known: dict[str, str] = {}
        if memo is not None and entries:
            from transflow.checks.registry import CheckContext
            from transflow.workflow.check import fingerprints

            ctx = CheckContext(article.source_language, language, article.fmt.name)
            attribute = [False] * len(entries)
            keys = fingerprints(entries, ctx, attribute, kind=MARKUP_KIND)
            if article.fmt.name != "html":
                # What check found: its unsafe-markup findings are this gate's problems
                # (the same judge, tags.disallowed_markup; an HTML page has its own).
                checked = fingerprints(entries, ctx, attribute)
            known = memo.lookup([*keys, *checked])
        judge: Callable[[str, str], list[str]] | None = None
        found: list[tuple[int, list[str]]] = []
        for index, entry in enumerate(entries):
            raw = known.get(keys[index]) if keys else None
            whole = known.get(checked[index]) if checked and raw is None else None
            if raw is not None:
                problems: list[str] = json.loads(raw) if raw != "[]" else []
            elif whole is not None:
                problems = [m for c, _, m in json.loads(whole) if c == MARKUP_CHECK] \
                    if whole != "[]" else []
            else:
                if judge is None:  # the checks are loaded when an entry is judged
                    judge = _markup_judge(article.fmt.name)
                problems = judge(entry.msgid, entry.msgstr)
                if memo is not None:
                    memo.store(keys[index], json.dumps(problems, ensure_ascii=False))
            if problems:
                found.append((int(getattr(entry, "linenum", 0) or 0), problems))
        if not found:
            return []
        name = config.relative(catalog_path(config, language, article.slug))
        reasons = [f"{name}:{line}: unsafe markup: {'; '.join(problems)}"
                   for line, problems in found]
        if len(reasons) > MAX_NAMED:
            reasons = [*reasons[:MAX_NAMED],
                       f"{len(reasons) - MAX_NAMED} more unsafe translation(s)"]
        return reasons


@dataclass(frozen=True, slots=True)
class QualityGate:
    """Error-level quality checks on the translations that would be published.

    A gate made by ``remembering`` looks each entry up in ``check``'s memo first (and
    stores what it finds, see the module docstring); one without a memo (a large build's,
    in its workers) stores nothing per entry: the error-level checks, with their
    pre-filters, cost less than looking an entry up, storing every entry's findings cost a
    cold build of 2,000 articles ~10% of its CPU, and its workers waited on each other's
    writes. Within a process, an entry that recurs across articles is checked once
    (``check._RECENT``).
    """

    config: Config
    memo: EntryMemo | None = dataclasses.field(default=None, compare=False)
    cache_key: ClassVar[str] = "quality"

    def prepare(self) -> None:
        """Load the checks, and markdown-it, with which the link and markup checks read a
        text's inline markup (build calls it before its workers fork: they share them;
        importing markdown-it compiles some eighty patterns)."""
        import transflow.checks.suite
        import transflow.formats.markdown_dialect
        import transflow.workflow.check  # noqa: F401

    def remembering(self, memo: EntryMemo) -> QualityGate:
        """This gate, looking each entry up in ``memo`` first (see the module docstring)."""
        return dataclasses.replace(self, memo=memo)

    def __call__(self, article: Article, language: str, cat: Catalog) -> list[str]:
        config = self.config
        from transflow.workflow.check import check_catalog

        findings, _ = check_catalog(
            article, language, cat, catalog_name="", min_state=config.publish,
            skip=(MARKUP_CHECK, "glossary"), selected=_published(cat, config.publish),
            errors_only=True, memo=self.memo,
        )
        errors = [f for f in findings if f.severity == "error" and not f.accepted]
        if not errors:
            return []
        first = errors[0]
        name = config.relative(catalog_path(config, language, article.slug))
        return [
            f"{len(errors)} check error(s): run 'transflow check' (first: "
            f"{name}:{first.line} [{first.check}])"
        ]


#: The last selection made by :func:`_published`: the catalog (held, so its identity is not
#: reused), the state asked for, and the entries.
_last: tuple[Catalog, State, list[Selected]] | None = None


def _published(cat: Catalog, publish: State) -> list[Selected]:
    """The entries that would be published (``selected_entries``), worked out once for both
    gates: build calls them in turn on the same catalog, freshly read for the article and
    not changed in between, so each entry's state and kind are read once, not once per gate.
    """
    global _last
    last = _last  # read once: another thread (the web preview's builds) may replace it
    if last is not None and last[0] is cat and last[1] == publish:
        return last[2]
    from transflow.workflow.check import selected_entries

    selected = selected_entries(cat, publish)
    _last = (cat, publish, selected)
    return selected


#: The kind of the markup gate's keys in the entry memo (see ``check.fingerprints``).
MARKUP_KIND = "markup-gate"


def markup_gate(config: Config) -> Gate:
    """The markup-injection gate for ``config``."""
    return MarkupGate(config)


def quality_gate(config: Config) -> Gate:
    """The quality-check gate for ``config``."""
    return QualityGate(config)


def default_gates(config: Config) -> list[Gate]:
    """The gates every build applies: markup injection first, then the quality checks."""
    return [markup_gate(config), quality_gate(config)]
