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
  an earlier run (``MemoryReader``), then a text already planned for sending in this run,
  then a copy when nothing needs translating or the text is already in the target
  language, then a close memory hit, else send;
* a source text is planned for sending at most once per language pair, so the planned
  characters and requests are those the real run will bill and send;
* memory flat in the number of targets: the catalogs' targets are decided a window of
  :data:`WINDOW` texts at a time and the decided catalogs are spooled (``spool.Spool``), so
  a site's first translation (260,000 targets at 10,000 articles) holds one window, not
  every text it will send. The decisions are those of one plan of everything at once.
"""

from __future__ import annotations

import hashlib
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
from transflow.spool import Spool
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


#: Catalogs a plan's spools hold in memory (a catalog with targets holds their texts: ~13 KB
#: each for the sample article, so a spool's default of 1,024 would be 13 MB, twice).
SPOOL_BATCH = 128


@dataclass(slots=True)
class TranslatePlan:
    """Every catalog ``translate`` will touch, in order, with its targets and batches.

    ``catalogs`` is a spool: iterated in order any number of times, never indexed, and the
    items it gives back are copies once it grew past a few hundred (change none of them
    expecting the plan to change: ``translate.fit_to_budget`` names what it leaves out).
    """

    catalogs: Spool[CatalogPlan] = field(default_factory=lambda: Spool(SPOOL_BATCH))
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)
    #: (source language, target language, text) → how many targets of later catalogs
    #: reuse the draft this run gets for it (``REUSE`` without a saved draft), so that the
    #: run keeps a draft only while a catalog still needs it.
    reuses: dict[tuple[str, str, str], int] = field(default_factory=dict)
    #: Billable characters planned for the engine (unique texts, after memory).
    characters: int = 0
    #: Target entries, in all catalogs.
    targets: int = 0

    def add(self, item: CatalogPlan) -> None:
        """Append a decided catalog (it is not changed afterwards) and count its figures."""
        self.catalogs.append(item)
        self.characters += item.characters
        self.targets += len(item.targets)


# --------------------------------------------------------------------------- memory
#: (source language, target language, source text) → an engine draft saved by an earlier run.
EarlierDrafts = dict[tuple[str, str, str], mt.Draft]


#: One translated entry (``mt.Unit``), or one machine draft: (source language, target
#: language, msgid, msgstr, translator comment) with the comment in place of the origin.
_MemoryRecord = tuple[bool, str, str, str, str, str]

#: The memory is kept after its first reading when its texts come to no more characters
#: than this (a few MB): every later window of a plan asks it again without reading 10,000
#: catalogs again. A larger memory is read again for each window.
KEEP_CHARS = 2_000_000


class MemoryReader:
    """The translation memory and the saved engine drafts, asked about some texts at a time.

    The memory is every translated (or reviewed) entry of every catalog of the workspace.
    The drafts are not memory (nobody read them) but they were paid for: an identical text
    elsewhere reuses them instead of being sent again, which is what makes a rerun after an
    interruption bill only the rest. A catalog's source language is its article's
    (``sources``: slug -> source language of the articles read); with two configured
    languages it is simply the other one, so no article needs parsing. Catalogs are only
    looked at, so the lean reader reads them (the same entries as ``catalog.load``), and
    nothing of them is kept but the questions' candidates (``mt.lookup_many``), unless the
    whole memory is small (``KEEP_CHARS``): then what was read is kept for the next
    question. Either way each answer is the one a single reading gives.
    """

    def __init__(self, config: Config, sources: Mapping[str, str]) -> None:
        self._config = config
        self._sources = sources
        #: What the first reading found, when it was small; None before it, or when not.
        self._kept: list[_MemoryRecord] | None = None

    def _read(self) -> Iterator[_MemoryRecord]:
        config = self._config
        for lang in config.languages:
            folder = config.locales / lang
            if not folder.is_dir():
                continue
            for path in sorted(folder.rglob("*.po")):
                slug = path.relative_to(folder).with_suffix("").as_posix()
                source = self._sources.get(slug)
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
                        yield (True, source, lang, entry.msgid, entry.msgstr, origin)
                    elif state == State.MACHINE_DRAFT:
                        yield (False, source, lang, entry.msgid, entry.msgstr,
                               entry.tcomment or "")

    def _records(self) -> Iterator[_MemoryRecord]:
        if self._kept is not None:
            yield from self._kept
            return
        kept: list[_MemoryRecord] | None = []
        size = 0
        for record in self._read():
            if kept is not None:
                size += len(record[3]) + len(record[4])
                if size <= KEEP_CHARS:
                    kept.append(record)
                else:
                    kept = None  # too large to keep: read again when asked again
            yield record
        self._kept = kept

    def ask(
        self, queries: Collection[mt.Query], *, use_memory: bool = True
    ) -> tuple[dict[mt.Query, mt.MemoryMatch | None], EarlierDrafts]:
        """The memory's answer to each query, and the sound engine drafts (machine drafts
        from an engine, no problem line) saved for them (the first one of each text)."""
        wanted = set(queries)
        drafts: EarlierDrafts = {}

        def units() -> Iterator[mt.Unit]:
            for unit, source, lang, msgid, msgstr, extra in self._records():
                if unit:
                    yield (source, lang, msgid, msgstr, extra)
                    continue
                key = (source, lang, msgid)
                if key in wanted and key not in drafts:
                    engine = engine_origin(extra)
                    if engine is not None:
                        drafts[key] = mt.Draft(msgid, msgstr, (), 0, engine, sent=False)

        if not use_memory:
            for _ in units():  # the drafts only
                pass
            return {}, drafts
        return (mt.lookup_many(wanted, units(), threshold=self._config.memory_threshold),
                drafts)


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

    #: The memory's answer to each target's text of the window (None: memory not used).
    memory: Mapping[mt.Query, mt.MemoryMatch | None] | None
    #: The saved drafts of the window's texts.
    earlier: EarlierDrafts
    with_engine: bool
    #: (source language, target language, text) planned for sending in this run, by
    #: digest (``_sent_key``): a first translation sends 130,000 texts at 10,000 articles.
    planned: set[bytes] = field(default_factory=set)
    #: (format, text) → whether the text needs translating at all (cached: it is parsed),
    #: for the window's texts.
    protected: dict[tuple[str, str], bool] = field(default_factory=dict)

    def window(self, memory: Mapping[mt.Query, mt.MemoryMatch | None] | None,
               earlier: EarlierDrafts) -> None:
        """Take the next window's answers (what was planned for sending stays)."""
        self.memory, self.earlier = memory, earlier
        self.protected.clear()

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
        sent = _sent_key(src, lang, text)
        if sent in self.planned and self.with_engine:
            return Target(msgctxt, text, REUSE, planned=fields), False
        needs = self.protected.get((fmt, text))
        if needs is None:
            needs = self.protected[(fmt, text)] = mt.protect(text, fmt).needs_translation
        if not needs or already_in(text, lang, src):
            return Target(msgctxt, text, COPY, planned=fields), False
        if match is not None:
            return Target(msgctxt, text, MEMORY, match, planned=fields), False
        if sent in self.planned:
            return Target(msgctxt, text, SEND, planned=fields), False
        self.planned.add(sent)
        return Target(msgctxt, text, SEND, planned=fields), True


def _sent_key(src: str, lang: str, text: str) -> bytes:
    """A digest of (source language, target language, text): 16 bytes in place of a text."""
    return hashlib.blake2b("\0".join((src, lang, text)).encode("utf-8", "surrogatepass"),
                           digest_size=16).digest()


#: Distinct target texts decided together: the memory is asked about one window's texts at
#: a time, so a plan holds a window's texts (a few MB), however many it sends.
WINDOW = 5_000

#: A catalog as read for planning: the catalog, its target entries, its article's title.
_ReadCatalog = tuple[CatalogPlan, list[_Planned], str]


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
    run loads each catalog when it writes it (``CatalogPlan.opened``). The catalogs read
    wait in a spool (their targets' texts on disk), and are decided a window at a time
    (``WINDOW``), in order, the memory asked about each window's texts. The translation
    memory is read only when some catalog has a target: ``translate`` (and ``run``) on a
    finished workspace reads each article and catalog once and holds none of them.
    """
    result = TranslatePlan()
    files, result.problems = discover_each(config, paths)
    sources: dict[str, str] = {}
    read: Spool[_ReadCatalog] = Spool(SPOOL_BATCH)
    #: One copy of each distinct edited-fields tuple (most targets are simply empty).
    alike: dict[tuple[object, ...], tuple[object, ...]] = {}
    unreadable: list[Problem] = []  # (after the articles' problems, as a reader meets them)
    any_targets = False
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
            title = ""
            if entries:
                any_targets = True
                item.fmt = article_format(article)
                title = article_title(article)  # (batching counts it in a request's bytes)
            read.append((item, entries, title))
    parses.save()
    result.problems += unreadable
    if not any_targets:  # nothing to draft: no memory to read
        for item, _, _ in read:
            result.add(item)
        return result
    memory = MemoryReader(config, sources)
    chooser = _Chooser(None, {}, with_engine)
    window: list[_ReadCatalog] = []
    texts: set[str] = set()
    for record in read:
        window.append(record)
        texts.update(msgid for _, msgid, _ in record[1])
        if len(texts) >= WINDOW:
            _decide(result, chooser, memory, window, use_memory)
            window, texts = [], set()
    _decide(result, chooser, memory, window, use_memory)
    return result


def _decide(result: TranslatePlan, chooser: _Chooser, memory: MemoryReader,
            window: list[_ReadCatalog], use_memory: bool) -> None:
    """Choose the targets of a window of catalogs, batch what they send, add them to the
    plan in order."""
    queries = [(item.source_language, item.language, msgid)
               for item, entries, _ in window for _, msgid, _ in entries]
    if queries:
        answers, earlier = memory.ask(queries, use_memory=use_memory)
        chooser.window(answers if use_memory else None, earlier)
    del queries
    for item, entries, title in window:
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
            batches = mt.plan(to_send, fmt=item.fmt, context=title)
            item.batches = [PlannedBatch([to_send[i] for i in b.indices], b.characters)
                            for b in batches]
        result.add(item)
