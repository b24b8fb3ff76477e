"""``status``: how far each article's catalogs are, by review state.

Status reads catalogs only (never the DeepL key, never the network). The JSON document built
from ``StatusReport.to_json`` is a public contract with a ``version`` field.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.config import Config
from transflow.errors import Problem, TransflowError
from transflow.language_guess import already_in
from transflow.spool import Spool
from transflow.states import State, approval_is_stale, entry_state, view
from transflow.workflow import parallel
from transflow.workflow.cache import FileEntry, ResultCache, config_key, make_key
from transflow.workflow.per_article import (
    InOrder,
    Todo,
    collector,
    look_up,
    names,
    read_inputs,
    taker,
)
from transflow.workflow.workspace import (
    Progress,
    catalog_path,
    discover_each,
    no_progress,
    problem_of,
    read_article,
    slug_of,
    template_path,
)

JSON_VERSION = 1

#: State by its JSON key (``State.key`` is slow to compute per cached result).
_STATES = {s.key: s for s in State}
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(text: str) -> int:
    """Words of a msgid, markup included as written (cheap and stable, like msgfmt's)."""
    return len(_WORD.findall(text))


@dataclass(slots=True)
class CatalogStatus:
    """Counts for one article in one target language."""

    article: str
    source_language: str
    language: str
    catalog: str
    segments: int = 0
    words: int = 0
    states: dict[State, int] = field(default_factory=lambda: dict.fromkeys(State, 0))
    words_by_state: dict[State, int] = field(default_factory=lambda: dict.fromkeys(State, 0))
    changed_after_review: int = 0
    #: Segments whose source is already in the target language (drafted as copies).
    already_in_target: int = 0
    missing: bool = False

    def add(self, item: CatalogStatus) -> None:
        """Count ``item``'s segments, words and states into these (a total's)."""
        self.segments += item.segments
        self.words += item.words
        self.changed_after_review += item.changed_after_review
        self.already_in_target += item.already_in_target
        states, words = self.states, self.words_by_state
        for s, n in item.states.items():
            states[s] += n
        for s, n in item.words_by_state.items():
            words[s] += n

    def at_least(self, state: State) -> int:
        """Segments whose state is ``state`` or better."""
        return sum(n for s, n in self.states.items() if s >= state)

    def percent(self, state: State = State.TRANSLATED) -> float:
        """Share of segments at ``state`` or better (100 for an article with no segments)."""
        return 100.0 if not self.segments else 100.0 * self.at_least(state) / self.segments

    def to_json(self) -> dict[str, object]:
        """The per-article object of the public JSON document."""
        return {
            "article": self.article,
            "source_language": self.source_language,
            "language": self.language,
            "catalog": self.catalog,
            "segments": self.segments,
            "words": self.words,
            "states": {s.key: n for s, n in self.states.items()},
            "words_by_state": {s.key: n for s, n in self.words_by_state.items()},
            "changed_after_review": self.changed_after_review,
            "already_in_target_language": self.already_in_target,
            "percent_translated": round(self.percent(State.TRANSLATED), 1),
            "percent_reviewed": round(self.percent(State.REVIEWED), 1),
            "catalog_missing": self.missing,
        }


def new_total() -> CatalogStatus:
    """An empty total (article and language fields are ``*``), for :meth:`CatalogStatus.add`."""
    return CatalogStatus("*", "*", "*", "*")


@dataclass(slots=True)
class StatusReport:
    """Status of every selected article and target language."""

    #: In article order; spooled (``transflow.spool``): ~0.8 KB an item, 10,000 articles'
    #: would otherwise be held to the end of the command.
    items: Spool[CatalogStatus] = field(default_factory=Spool)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)

    def totals(self) -> CatalogStatus:
        """All items summed (article and language fields are ``*``)."""
        total = new_total()
        for item in self.items:
            total.add(item)
        return total

    def below(self, state: State, percent: float) -> list[CatalogStatus]:
        """Items whose share of segments at ``state`` or better is under ``percent``."""
        return [i for i in self.items if i.percent(state) < percent]

    def to_json(self, *, stream: bool = False) -> dict[str, object]:
        """The versioned JSON document (public contract); ``stream``: the articles as an
        iterator, made one by one as the CLI prints them (``emit_json_items``)."""
        totals = self.totals().to_json()
        for key in ("article", "source_language", "language", "catalog", "catalog_missing"):
            totals.pop(key)
        articles = (i.to_json() for i in self.items)
        return {
            "version": JSON_VERSION,
            "articles": articles if stream else list(articles),
            "totals": totals,
            "problems": [p.to_json() for p in self.problems],
        }


def _languages_for(config: Config, path: Path, slug: str) -> tuple[str, list[str]]:
    """Source and target languages, from the catalogs on disk when synced (no parsing)."""
    if template_path(config, slug).exists():
        present = [lang for lang in config.languages if catalog_path(config, lang, slug).exists()]
        missing = [lang for lang in config.languages if lang not in present]
        if len(missing) == 1:
            return missing[0], present
    article = read_article(config, path)
    return article.source_language, config.targets_for(article.source_language)


def status(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    progress: Progress = no_progress,
    workers: int = 1,
    use_cache: bool = True,
) -> StatusReport:
    """Count states for the given articles (all when ``paths`` is empty).

    An article whose files (article, template, catalogs) are unchanged since an earlier
    ``status`` is answered from the results cache without reading a catalog. An article or
    catalog that cannot be read is listed in ``report.problems`` (never cached); the other
    articles are counted as usual. The others are counted in ``workers`` processes when
    there are enough of them, and taken in article order as they come (nothing of an
    article is held but its items).
    """
    report = StatusReport()
    found, report.problems = discover_each(config, paths)
    files = names(found)
    del found
    with ResultCache(config.root, enabled=use_cache) as cache:
        base = make_key("status", config_key(config))
        # Keys the parent did not make (articles never counted) are made where they are.
        key_base = base if cache.enabled else None

        def add(outcome: list[CatalogStatus]) -> None:
            for i in outcome:
                if not language or i.language == language:
                    report.items.append(i)

        order: InOrder[_Counted] = InOrder(
            taker(config, cache, "status", files, report.problems, add))

        def hit(number: int, value: str) -> None:
            order.offer(number, (number, [_item_from_json(d) for d in json.loads(value)],
                                 None, None, []))

        todo = look_up(config, cache, "status", base, files, hit)
        done = [len(files) - len(todo)]
        if parallel.worth_it(todo, workers):
            # The catalog reader (and polib under it) is imported here, once, before the
            # workers fork: each would import its own copy (~5 ms of CPU each).
            importlib.import_module("transflow.po.reader")
            parallel.each_chunk(_status_chunk, todo, workers=workers, args=(config, key_base),
                                on_result=collector(config, order, files, done, progress))
        else:
            for number, name, key in todo:
                done[0] += 1
                progress(done[0], len(files), config.relative(Path(name)))
                order.offer(number, _status_keyed(config, number, Path(name), key, key_base))
        order.finish(len(files))
    return report


def _item_to_json(item: CatalogStatus) -> dict[str, object]:
    return {
        "article": item.article, "source_language": item.source_language,
        "language": item.language, "catalog": item.catalog, "segments": item.segments,
        "words": item.words, "states": {s.key: n for s, n in item.states.items()},
        "words_by_state": {s.key: n for s, n in item.words_by_state.items()},
        "changed_after_review": item.changed_after_review, "missing": item.missing,
        "already_in_target": item.already_in_target,
    }


def _item_from_json(data: dict[str, Any]) -> CatalogStatus:
    by_key = _STATES
    return CatalogStatus(
        data["article"], data["source_language"], data["language"], data["catalog"],
        segments=data["segments"], words=data["words"],
        states={by_key[k]: n for k, n in data["states"].items()},
        words_by_state={by_key[k]: n for k, n in data["words_by_state"].items()},
        changed_after_review=data["changed_after_review"], missing=data["missing"],
        already_in_target=data.get("already_in_target", 0),
    )


#: What counting one article hands back: its place in the run, its items (or the problem
#: that stopped it), the results-cache key and value to store (None: not stored), and the
#: input digests found on the way (for the parent's files table).
_Counted = tuple[int, "list[CatalogStatus] | Problem", "str | None", "str | None",
                 "list[tuple[str, FileEntry]]"]


def _status_chunk(items: list[Todo], config: Config, key_base: str | None) -> list[_Counted]:
    """Worker: the status items (or the problem) of each article of a chunk."""
    return [_status_keyed(config, number, Path(name), key, key_base)
            for number, name, key in items]


def _status_keyed(config: Config, number: int, path: Path, key: str | None,
                  key_base: str | None) -> _Counted:
    """``_status_path``, with the article's key made first when the caller has none."""
    key, read, _, learned = read_inputs(config, path, key, key_base)
    try:
        items = _status_path(config, path, None, read)
    except TransflowError as exc:
        return number, problem_of(config, exc, path), None, None, learned
    value = None if key is None else \
        json.dumps([_item_to_json(i) for i in items], separators=(",", ":"))
    return number, items, key, value, learned


def _status_path(config: Config, path: Path, language: str | None,
                 read: dict[str, bytes] | None = None) -> list[CatalogStatus]:
    """Every target language of one article (``read``: catalogs' bytes already read)."""
    rel = config.relative(path)
    slug = slug_of(config, path)
    source, targets = _languages_for(config, path, slug)
    items = []
    for lang in targets:
        if language and lang != language:
            continue
        po_path = catalog_path(config, lang, slug)
        item = CatalogStatus(rel, source, lang, config.relative(po_path))
        if not po_path.exists():
            item.missing = True
            segments = read_article(config, path).doc.segments
            unique = {s.text for s in segments}
            item.segments = len(unique)
            item.words = sum(count_words(t) for t in unique)
            item.states[State.UNTRANSLATED] = item.segments
            item.words_by_state[State.UNTRANSLATED] = item.words
        else:
            from transflow.po import catalog, reader  # only for a changed article (slow)

            data = (read or {}).get(str(po_path))
            _count(item, reader.read(po_path) if data is None else
                   reader.read_text(catalog.decode(data, po_path), path=po_path))
        items.append(item)
    return items


def _count(item: CatalogStatus, cat: Any) -> None:
    from transflow.po import catalog

    for entry in catalog.active_entries(cat):
        words = count_words(entry.msgid)
        state = entry_state(entry)
        item.segments += 1
        item.words += words
        item.states[state] += 1
        item.words_by_state[state] += words
        if state == State.TRANSLATED and approval_is_stale(view(entry)):
            item.changed_after_review += 1
        if already_in(entry.msgid, item.language, item.source_language):
            item.already_in_target += 1
