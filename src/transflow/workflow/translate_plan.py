"""Planning for ``translate``: where each target entry's draft comes from, and what it costs.

``plan`` reads the selected articles and their catalogs and decides, per target entry, one
action (``MEMORY``, ``REUSE``, ``COPY`` or ``SEND``); the texts to send are grouped into
batches with ``mt.plan``. The result is a :class:`TranslatePlan`: public, typed, and the
only input ``translate`` executes (the figures people see are a separate
``translate_report.TranslateReport`` made from it).

Invariants:

* planning writes nothing and sends nothing: catalogs are loaded, never saved;
* only untranslated entries (and, with ``refresh_fuzzy``, needs-work entries) are targets;
* the order of preference is fixed: an exact memory hit, then a sound engine draft saved by
  an earlier run (``read_memory``), then a text already planned for sending in this run,
  then a copy when nothing needs translating or the text is already in the target
  language, then a close memory hit, else send;
* a source text is planned for sending at most once per language pair, so the planned
  characters and requests are those the real run will bill and send.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transflow import mt
from transflow.config import Config
from transflow.errors import Problem, TransflowError
from transflow.language_guess import already_in
from transflow.mt.placeholders import normalize_format
from transflow.po import catalog, reader
from transflow.po.model import Catalog
from transflow.states import State, edited_fields, engine_origin, entry_state
from transflow.workflow.parse_cache import ParseCache
from transflow.workflow.workspace import (
    Article,
    catalog_path,
    discover_each,
    problem_of,
    read_article,
)

#: What happens to one target entry.
MEMORY = "memory"  # exact or close translation-memory hit
REUSE = "reuse"  # the same text is drafted by the engine earlier in this run
#: nothing to translate (markup, digits, punctuation) or the text is already in the target
#: language (an English quote in a Dutch article): the source is the draft
COPY = "copy"
SEND = "send"  # sent to the engine


@dataclass(slots=True)
class Target:
    """One target entry of a catalog and where its draft will come from.

    A plan holds no catalog (a site's first translation has thousands to write): a target
    names its entry, and ``CatalogPlan.opened`` finds the entry when the run writes it.
    """

    msgctxt: str | None
    msgid: str
    #: ``MEMORY``, ``REUSE``, ``COPY`` or ``SEND``.
    action: str
    #: The memory hit (``MEMORY``).
    match: mt.MemoryMatch | None = None
    #: A sound engine draft saved by an earlier run (``REUSE``); None when the text is
    #: drafted earlier in this run instead.
    draft: mt.Draft | None = None
    #: The entry's edited fields when planned (``states.edited_fields``).
    planned: tuple[object, ...] = ()
    #: The catalog's entry the draft goes into, while the run writes the catalog; None
    #: otherwise, and when the entry changed since it was planned (a person saved
    #: meanwhile: their work stays as they made it).
    entry: catalog.Entry | None = None


@dataclass(frozen=True, slots=True)
class PlannedBatch:
    """Texts sent to the engine in one request, and their billable characters.

    Their context (``batch_context``) is made when the request is sent, from the article:
    a plan of thousands of articles does not hold their paragraphs for it.
    """

    texts: list[str]
    characters: int


@dataclass(slots=True)
class CatalogPlan:
    """What ``translate`` will do to one article's catalog in one target language.

    A plan holds no catalog and no parsed article: a catalog with targets keeps them by
    name (``Target``) and its article's format; the run loads the catalog when it writes it
    (``opened``) and forgets it after (``close``), and reads the article again for the
    batches' context when it sends them.
    One without targets is listed with its figures (all zero) and nothing else. So neither
    planning 10,000 finished articles nor a site's first translation holds 10,000 parsed
    articles and catalogs.
    """

    #: The article, as shown to people (relative to the workspace).
    rel: str
    source_language: str
    language: str
    path: Path
    #: The path as shown to people (relative to the workspace).
    name: str
    #: The article's format, as ``mt`` names it (``article_format``).
    fmt: str = ""
    #: The catalog the drafts go into, while the run writes it (None otherwise).
    catalog: Catalog | None = None
    targets: list[Target] = field(default_factory=list)
    batches: list[PlannedBatch] = field(default_factory=list)

    @property
    def has_targets(self) -> bool:
        """True when it has targets (``opened`` then loads the catalog, to be written)."""
        return bool(self.targets)

    def opened(self) -> Catalog:
        """The catalog, loaded to be written, with each target's ``entry`` found in it.

        Loaded when the run comes to it, not when planning: a run holds one catalog at a
        time. A target whose entry is gone or was edited since it was planned (a save
        meanwhile) gets no entry, so the person's work stays as they made it.
        """
        if not self.has_targets:
            raise ValueError(f"{self.name}: no targets, so nothing of it was kept")
        if self.catalog is None:
            loaded = catalog.load(self.path)
            found = {(e.msgctxt, e.msgid): e for e in catalog.active_entries(loaded)}
            for target in self.targets:
                entry = found.get((target.msgctxt, target.msgid))
                target.entry = (entry if entry is not None
                                and edited_fields(entry) == target.planned else None)
            self.catalog = loaded
        return self.catalog

    def close(self) -> None:
        """Forget the catalog once written."""
        self.catalog = None
        for target in self.targets:
            target.entry = None

    def count(self, action: str) -> int:
        """How many targets take ``action``."""
        return sum(1 for t in self.targets if t.action == action)

    @property
    def memory_exact(self) -> int:
        return sum(1 for t in self.targets
                   if t.action == MEMORY and t.match is not None and t.match.exact)

    @property
    def memory_fuzzy(self) -> int:
        return self.count(MEMORY) - self.memory_exact

    @property
    def reused(self) -> int:
        return self.count(REUSE)

    @property
    def copied(self) -> int:
        return self.count(COPY)

    @property
    def to_send(self) -> int:
        """Unique texts this catalog sends (a text planned by an earlier catalog is reused)."""
        return sum(len(b.texts) for b in self.batches)

    @property
    def characters(self) -> int:
        return sum(b.characters for b in self.batches)

    @property
    def requests(self) -> int:
        return len(self.batches)


@dataclass(slots=True)
class TranslatePlan:
    """Every catalog ``translate`` will touch, in order, with its targets and batches."""

    catalogs: list[CatalogPlan] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)
    #: (source language, target language, text) → how many targets of later catalogs
    #: reuse the draft this run gets for it (``REUSE`` without a saved draft), so that the
    #: run keeps a draft only while a catalog still needs it.
    reuses: dict[tuple[str, str, str], int] = field(default_factory=dict)

    @property
    def characters(self) -> int:
        """Billable characters planned for the engine (unique texts, after memory)."""
        return sum(c.characters for c in self.catalogs)

    @property
    def targets(self) -> int:
        return sum(len(c.targets) for c in self.catalogs)


# --------------------------------------------------------------------------- memory
#: (source language, target language, source text) → an engine draft saved by an earlier run.
EarlierDrafts = dict[tuple[str, str, str], mt.Draft]


def read_memory(
    config: Config,
    sources: Mapping[str, str],
    queries: Collection[mt.Query],
    *,
    use_memory: bool = True,
) -> tuple[dict[mt.Query, mt.MemoryMatch | None], EarlierDrafts]:
    """The memory's answer to each query, and the sound engine drafts (machine drafts from
    an engine, no problem line) saved for them, from one pass over every catalog.

    The memory is every translated (or reviewed) entry of every catalog of the workspace.
    The drafts are not memory (nobody read them) but they were paid for: an identical text
    elsewhere reuses them instead of being sent again, which is what makes a rerun after an
    interruption bill only the rest. A catalog's source language is its article's
    (``sources``: slug -> source language of the articles read); with two configured
    languages it is simply the other one, so no article needs parsing. Catalogs are only
    looked at, so the lean reader reads them (the same entries as ``catalog.load``), and
    nothing of them is kept but the queries' candidates (``mt.lookup_many``): the memory of
    10,000 articles is a quarter of a million entries, a run's questions a few dozen.
    """
    wanted = set(queries)
    drafts: EarlierDrafts = {}

    def units() -> Iterator[mt.Unit]:
        for lang in config.languages:
            folder = config.locales / lang
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.po")):
                slug = path.relative_to(folder).with_suffix("").as_posix()
                source = sources.get(slug)
                if source is None:
                    others = [x for x in config.languages if x != lang]
                    if len(others) != 1:
                        continue
                    source = others[0]
                try:
                    po = reader.read(path)
                except TransflowError:
                    continue  # an unreadable catalog is reported by sync/status, not here
                origin = config.relative(path)
                for entry in catalog.active_entries(po):
                    state = entry_state(entry)
                    if state >= State.TRANSLATED:
                        yield (source, lang, entry.msgid, entry.msgstr, origin)
                    elif state == State.MACHINE_DRAFT:
                        key = (source, lang, entry.msgid)
                        if key in wanted and key not in drafts:
                            engine = engine_origin(entry.tcomment or "")
                            if engine is not None:
                                drafts[key] = mt.Draft(entry.msgid, entry.msgstr, (), 0,
                                                       engine, sent=False)

    if not use_memory:
        for _ in units():  # the drafts only
            pass
        return {}, drafts
    return mt.lookup_many(wanted, units(), threshold=config.memory_threshold), drafts


# --------------------------------------------------------------------------- planning
def _is_target(entry: catalog.Entry, refresh_fuzzy: bool) -> bool:
    state = entry_state(entry)
    return state == State.UNTRANSLATED or (refresh_fuzzy and state == State.NEEDS_WORK)


def article_title(article: Article) -> str:
    title = article.doc.metadata.get("title")
    if title:
        return str(title)
    for seg in article.doc.segments:
        if seg.kind.startswith("heading"):
            return seg.text
    return article.slug


def article_format(article: Article) -> str:
    return normalize_format(article.fmt.name)


#: Context sent with a batch (free): the title and the paragraphs around it, capped so the
#: request stays well under DeepL's 128 KiB (``mt.plan`` budgets 120 KiB with the title).
CONTEXT_CHARS = 1500


def batch_context(article: Article, texts: Sequence[str]) -> str:
    """The article title and the paragraphs just before and after the batch (not billed)."""
    segments = [s.text for s in article.doc.segments]
    title = article_title(article)
    wanted = set(texts)
    positions = [i for i, s in enumerate(segments) if s in wanted]
    parts = [title]
    if positions:
        first, last = positions[0], positions[-1]
        before = segments[first - 1] if first > 0 else ""
        after = segments[last + 1] if last + 1 < len(segments) else ""
        parts += [p for p in (before, after) if p and p != parts[0]]
    return "\n\n".join(parts)[:CONTEXT_CHARS]


#: A target entry as planned: (msgctxt, msgid, its edited fields), not the entry itself
#: (a lean reader's entry keeps its catalog's whole text alive).
_Planned = tuple[str | None, str, tuple[object, ...]]


@dataclass(slots=True)
class _Chooser:
    """The order of preference for one target entry, with what the run has planned so far."""

    #: The memory's answer to each target's text (None: memory not used).
    memory: Mapping[mt.Query, mt.MemoryMatch | None] | None
    earlier: EarlierDrafts
    with_engine: bool
    #: (source language, target language, text) planned for sending in this run.
    planned: set[tuple[str, str, str]] = field(default_factory=set)
    #: (format, text) → whether the text needs translating at all (cached: it is parsed).
    protected: dict[tuple[str, str], bool] = field(default_factory=dict)

    def choose(self, entry: _Planned, src: str, fmt: str, lang: str) -> tuple[Target, bool]:
        """The entry's target (of an article in ``src`` and format ``fmt``), and True when
        its text is planned for sending first here."""
        msgctxt, text, fields = entry
        key = (src, lang, text)
        match = None
        if self.memory is not None:
            match = self.memory[key]
        if match is not None and match.exact:
            return Target(msgctxt, text, MEMORY, match, planned=fields), False
        if key in self.earlier:
            return Target(msgctxt, text, REUSE, draft=self.earlier[key], planned=fields), False
        if key in self.planned and self.with_engine:
            return Target(msgctxt, text, REUSE, planned=fields), False
        needs = self.protected.get((fmt, text))
        if needs is None:
            needs = self.protected[(fmt, text)] = mt.protect(text, fmt).needs_translation
        if not needs or already_in(text, lang, src):
            return Target(msgctxt, text, COPY, planned=fields), False
        if match is not None:
            return Target(msgctxt, text, MEMORY, match, planned=fields), False
        if key in self.planned:
            return Target(msgctxt, text, SEND, planned=fields), False
        self.planned.add(key)
        return Target(msgctxt, text, SEND, planned=fields), True


def plan(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    use_memory: bool = True,
    refresh_fuzzy: bool = False,
    with_engine: bool = True,
) -> TranslatePlan:
    """Decide, for every target entry, where its draft comes from; batch what is sent.

    Nothing is written. Texts planned for sending in one catalog are "reused" by later
    catalogs of the same language pair, so the figures are those of the real run.

    Catalogs are read with the lean reader and neither they nor their articles are kept:
    a target names its entry, a catalog with targets keeps its article's format, and the
    run loads each catalog when it writes it (``CatalogPlan.opened``). The translation
    memory is read only when some catalog has a target: ``translate`` (and ``run``) on a
    finished workspace reads each article and catalog once and holds none of them.
    """
    result = TranslatePlan()
    files, result.problems = discover_each(config, paths)
    sources: dict[str, str] = {}
    #: The title of each article with targets (batching counts it in a request's bytes);
    #: nothing else of a parsed article is kept.
    titles: dict[str, str] = {}
    #: The target entries of each catalog with targets, in catalog order.
    wanted: list[tuple[CatalogPlan, list[_Planned]]] = []
    #: One copy of each distinct edited-fields tuple (most targets are simply empty).
    alike: dict[tuple[object, ...], tuple[object, ...]] = {}
    unreadable: list[Problem] = []  # (after the articles' problems, as a reader meets them)
    parses = ParseCache(config, readonly=True)  # sync's parses; a plan writes nothing
    parses.plan(files)
    for file in files:  # an unreadable article is reported; the others are translated
        try:
            article = read_article(config, file, parses=parses)
        except TransflowError as exc:
            result.problems.append(problem_of(config, exc, file))
            continue
        sources[article.slug] = article.source_language
        for lang in config.targets_for(article.source_language):
            if language is not None and lang != language:
                continue
            path = catalog_path(config, lang, article.slug)
            if not path.exists():
                continue  # not synced yet: sync reports it
            try:
                seen = reader.read(path)
            except TransflowError as exc:
                unreadable.append(problem_of(config, exc, path))
                continue
            item = CatalogPlan(article.rel, article.source_language, lang, path,
                               config.relative(path))
            entries = [(e.msgctxt, e.msgid, alike.setdefault(f := edited_fields(e), f))
                       for e in catalog.active_entries(seen) if _is_target(e, refresh_fuzzy)]
            if entries:
                wanted.append((item, entries))
                item.fmt = article_format(article)
                titles[article.rel] = article_title(article)
            result.catalogs.append(item)
    parses.save()
    result.problems += unreadable
    if not wanted:
        return result  # nothing to draft: no memory to read
    queries = [(item.source_language, item.language, msgid)
               for item, entries in wanted for _, msgid, _ in entries]
    answers, earlier = read_memory(config, sources, queries, use_memory=use_memory)
    del queries
    chooser = _Chooser(answers if use_memory else None, earlier, with_engine)
    for item, entries in wanted:
        to_send: list[str] = []
        for planned in entries:
            target, new_text = chooser.choose(planned, item.source_language, item.fmt,
                                              item.language)
            item.targets.append(target)
            if target.action == REUSE and target.draft is None:
                key = (item.source_language, item.language, target.msgid)
                result.reuses[key] = result.reuses.get(key, 0) + 1
            if new_text:
                to_send.append(target.msgid)
        if to_send:
            batches = mt.plan(to_send, fmt=item.fmt, context=titles[item.rel])
            item.batches = [PlannedBatch([to_send[i] for i in b.indices], b.characters)
                            for b in batches]
    return result
