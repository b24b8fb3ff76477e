"""``build``: reassemble finished article pairs into the output folder, with a manifest.

Policy (after translate-toolkit's po2md ``_lookup_translation``): a segment is published only
when its entry reaches the configured threshold (``publish``: translated or reviewed); a miss
or a fuzzy entry is never published silently. An article is *finished* when every segment in
every target language reaches the threshold and no gate (``Gate``, e.g. the quality checks)
objects. Unfinished articles are skipped and listed, or, with ``allow_incomplete``, built with
the source text in place of each unfinished segment and marked so in the manifest.
Files whose content would not change are not rewritten. Articles are independent: each one's
outputs become visible together, and one that cannot be read is reported and skipped while
the rest are built.
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import json
import marshal
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from json.encoder import encode_basestring  # the C one (ensure_ascii=False)
from pathlib import Path
from typing import Any, cast

from transflow.atomic import Staged, Transaction, discard
from transflow.config import Config
from transflow.errors import CatalogError, Problem, TransflowError
from transflow.formats import Segment
from transflow.po.model import Catalog
from transflow.states import State, approval_is_stale, entry_state, view
from transflow.workflow import build_spool, parallel
from transflow.workflow.build_spool import ResultSpool, SpooledArticles
from transflow.workflow.cache import (
    RACY_NS,
    EntryMemo,
    FileEntry,
    ResultCache,
    config_key,
    make_key,
    place_key,
)
from transflow.workflow.manifest_read import each_previous_entry
from transflow.workflow.pages import pages
from transflow.workflow.parse_cache import ParseCache
from transflow.workflow.per_article import read_inputs
from transflow.workflow.workspace import (
    Article,
    Progress,
    catalog_path,
    discover_each,
    input_files,
    journal_of,
    no_progress,
    problem_of,
    read_article,
)
from transflow.written import Proof
from transflow.written import proof as written_proof

MANIFEST_VERSION = 1

#: State by its JSON key (``State.key`` is slow to compute per cached result), and back.
_STATES = {s.key: s for s in State}
_KEYS = {s: key for key, s in _STATES.items()}
#: Every state in order (iterating the enum itself costs more, once per article).
_ALL = tuple(State)

#: A gate gets the article, the target language and its catalog, and returns reasons to
#: refuse publishing it (empty when fine). The quality checks plug in here.
Gate = Callable[[Article, str, Catalog], list[str]]

#: Articles looked up in the results cache per query (one query per article costs more than
#: reading its result; all at once would hold every result in memory).
LOOKUP_BATCH = 500


@dataclass(slots=True)
class LanguageBuild:
    """One target language of one article."""

    language: str
    catalog: str
    states: dict[State, int] = field(default_factory=lambda: dict.fromkeys(_ALL, 0))
    missing: int = 0
    unfinished_lines: list[int] = field(default_factory=list)
    gate_problems: list[str] = field(default_factory=list)


@dataclass(slots=True, weakref_slot=True)
class ArticleBuild:
    """The outcome for one article (weakly referable: a test proves none is held once it
    went to the build's spool)."""

    article: str
    slug: str
    source_language: str
    finished: bool = False
    built: bool = False
    files: dict[str, str] = field(default_factory=dict)
    languages: list[LanguageBuild] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: Pages this build does not publish (they must not exist; not part of the manifest).
    unpublished: list[str] = field(default_factory=list)
    #: This article's manifest text (entry, pair, left-out item), once made (where it was
    #: built, for the results cache's row and the spool; None: made when asked for).
    pieces: tuple[str, str | None, str | None] | None = field(
        default=None, compare=False, repr=False
    )
    #: What this build wrote to each of ``files`` (None: it was already as it had to be), in
    #: the order of ``files``: its SHA-256 and the file's state once written (a
    #: ``written.Proof``), by which the results cache and the CLI's kept answer trust it
    #: without reading it back (never cached; one bytes object per page, as 10,000 articles
    #: hold them at once).
    digests: tuple[Proof | None, ...] = field(default=(), compare=False, repr=False)
    #: :meth:`to_cache` as JSON text, made where the article was built (a worker: on every
    #: core); the parent only adds what its outputs hold (``_remember``).
    cached: str | None = field(default=None, compare=False, repr=False)

    def manifest_pieces(self) -> tuple[str, str | None, str | None]:
        """(entry, pair or None, left-out item or None) as the manifest writes them."""
        if self.pieces is not None:
            return self.pieces
        return _pieces(self.to_json())

    def manifest_piece(self, index: int) -> str | None:
        """One of :meth:`manifest_pieces` (the manifest writes its lists one after the
        other, so each piece is made when its list is written, never all three)."""
        if self.pieces is not None:
            return self.pieces[index]
        return _piece(self.to_json(), index)

    @property
    def blocked(self) -> bool:
        """A gate (quality checks, unsafe markup) refused the article."""
        return any(lb.gate_problems for lb in self.languages)

    def to_json(self) -> dict[str, object]:
        """The manifest entry."""
        return {
            "article": self.article,
            "slug": self.slug,
            "source_language": self.source_language,
            "finished": self.finished,
            "built": self.built,
            "files": self.files,
            "languages": {
                lb.language: {
                    "catalog": lb.catalog,
                    "states": {_KEYS[s]: n for s, n in lb.states.items()},
                    "not_in_catalog": lb.missing,
                    "unfinished_lines": sorted(set(lb.unfinished_lines)),
                }
                for lb in self.languages
            },
            "reasons": self.reasons,
        }

    def to_cache(self) -> dict[str, object]:
        """Every field, as JSON (what the results cache keeps; :meth:`from_cache` reverses it)."""
        return {
            "article": self.article, "slug": self.slug, "source_language": self.source_language,
            "finished": self.finished, "built": self.built, "files": self.files,
            "languages": [
                [lb.language, lb.catalog, {_KEYS[s]: n for s, n in lb.states.items()}, lb.missing,
                 lb.unfinished_lines, lb.gate_problems]
                for lb in self.languages
            ],
            "reasons": self.reasons, "unpublished": self.unpublished,
        }

    @classmethod
    def from_cache(cls, data: dict[str, Any]) -> ArticleBuild:
        """Back from :meth:`to_cache` (the manifest pieces are made again when asked for:
        the results cache keeps them beside the record, see :func:`_row`)."""
        states = _STATES
        return cls(
            data["article"], data["slug"], data["source_language"], data["finished"],
            data["built"], data["files"],
            [LanguageBuild(lang, name, {states[k]: n for k, n in counts.items()}, missing,
                           lines, problems)
             for lang, name, counts, missing, lines, problems in data["languages"]],
            data["reasons"], data["unpublished"],
        )


@dataclass(slots=True)
class BuildReport:
    """Every article's outcome, plus the files written.

    The outcomes are kept on disk (``build_spool``), not in memory: ``articles`` reads them
    back when iterated, and the manifest is copied from there; the counts and names of the
    report are answered from a few bytes per article."""

    output: str
    publish: State
    written: list[str] = field(default_factory=list)
    allow_incomplete: bool = False
    #: Published files removed because their article is gone (deleted, moved or renamed).
    removed: list[str] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)
    #: The manifest (workspace-relative) and the SHA-256 of what this build wrote there.
    manifest_written: tuple[str, bytes] | None = None
    #: Every article's outcome, by its position in the build (see ``build_spool``).
    spool: ResultSpool = field(default_factory=lambda: ResultSpool(0), repr=False)

    @property
    def articles(self) -> Sequence[ArticleBuild]:
        """Every article's outcome, in build order (each read back when asked for)."""
        return SpooledArticles(self.spool)

    @property
    def carried(self) -> int:
        """How many manifest entries of articles this (partial) build did not look at it
        keeps as they were."""
        return sum(1 for f in self.spool.marks if f & build_spool.CARRIED)

    def carry(self, entry: dict[str, Any]) -> None:
        """Keep an entry of the previous manifest as it was."""
        self.spool.carry(_pieces(entry), str(entry["article"]))

    def claimed_files(self, manifest: str, root: str | None = None) -> dict[str, bytes | None]:
        """Every file this build says is published, and its ``manifest`` (workspace-relative),
        with what this build wrote there (a ``written.Proof``; None: it was already as it
        had to be). With ``root``, the names are absolute (under it): made once, as the
        only copy."""

        def named(name: str) -> str:
            return name if root is None else os.path.join(root, name)

        claimed: dict[str, bytes | None] = {named(n): p for n, p in self.spool.claims()}
        claimed[named(manifest)] = None
        if self.manifest_written is not None:
            claimed[named(self.manifest_written[0])] = self.manifest_written[1]
        return claimed

    def count(self, flag: int = 0) -> int:
        """How many articles have ``flag`` (``build_spool.BUILT`` …; 0: all of them)."""
        return self.spool.count(flag)

    def names(self, flag: int = 0, *, without: int = 0) -> list[str]:
        """The articles with every bit of ``flag`` and none of ``without``, in build order."""
        return [str(self.spool.rels[s]) for s in self.spool.slots(flag, without=without)]

    @property
    def unfinished(self) -> list[ArticleBuild]:
        """Articles that are not finished (skipped, or built with fallback)."""
        return [self.spool.article(s) for s in self.spool.slots(0, without=build_spool.FINISHED)]

    @property
    def blocked(self) -> list[ArticleBuild]:
        """Articles a gate refused (a gate failure: ``build`` exits 3)."""
        return [self.spool.article(s) for s in self.spool.slots(build_spool.BLOCKED)]

    def manifest_text(self) -> str:
        """``json.dumps(self.to_json(), indent=2, ensure_ascii=False)``, byte for byte."""
        return "".join(self.manifest_chunks())

    def manifest_chunks(self, tail: str = "") -> Iterator[str]:
        """:meth:`manifest_text` in pieces, runs of articles at a time, so the document never
        exists whole, neither as Python objects nor as one string (a 10,000-article
        manifest would take tens of MB that way). ``tail``: members added at the end (the
        ``--json`` document's problems), as ``',\\n  "name": value'``."""
        yield "{\n"
        yield f'  "version": {_dumps(MANIFEST_VERSION)},\n'
        yield f'  "publish": {_dumps(self.publish.key)},\n'
        yield f'  "allow_incomplete": {_dumps(self.allow_incomplete)}'
        for name, runs in self.spool.manifest_lists():
            yield f',\n  "{name}": '
            empty = True
            for text in runs:
                empty = False
                yield text
            yield "[]" if empty else "\n  ]"
        yield tail
        yield "\n}"

    def json_chunks(self) -> Iterator[str]:
        """The ``--json`` document of the build (the manifest, plus the articles that could
        not be read) as ``json.dumps(..., indent=2, ensure_ascii=False)`` writes it."""
        problems = _indented([p.to_json() for p in self.problems], 1)
        return self.manifest_chunks(f',\n  "problems": {problems}')

    def to_json(self) -> dict[str, object]:
        """The manifest document (public contract, versioned)."""
        carried = [json.loads(piece) for piece in self.spool.carried_entries()]
        articles = sorted([*(a.to_json() for a in self.articles), *carried],
                          key=lambda item: str(item["article"]))
        return {
            "version": MANIFEST_VERSION,
            "publish": self.publish.key,
            "allow_incomplete": self.allow_incomplete,
            "pairs": [
                {"article": a["article"], "files": a["files"], "finished": a["finished"]}
                for a in articles
                if a["built"]
            ],
            "articles": articles,
            "left_out": [
                {"article": a["article"], "reasons": a["reasons"]}
                for a in articles
                if not a["built"]
            ],
        }


def build(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    output: Path | None = None,
    allow_incomplete: bool = False,
    gates: Sequence[Gate] = (),
    dry_run: bool = False,
    progress: Progress = no_progress,
    workers: int = 1,
    use_cache: bool = True,
) -> BuildReport:
    """Build finished pairs into ``output`` (default: the configured folder).

    An article whose file and catalogs are unchanged since an earlier build, and whose
    published files are still exactly what that build wrote, is taken from the results cache
    without being parsed, checked or written (only with gates that have a ``cache_key``).

    Each article is on its own: its files are made visible together once it went through,
    and an article or catalog that cannot be read is listed in ``report.problems`` (never
    cached) and skipped (what was published from it stays as it was) while the others are
    built.
    """
    out = (output or config.output).resolve()
    report = BuildReport(config.relative(out), config.publish, allow_incomplete=allow_incomplete)
    all_files, report.problems = discover_each(config, paths)
    manifest = config.manifest or out / "manifest.json"
    gate_keys = [getattr(gate, "cache_key", None) for gate in gates]
    # A dry run reads the cache (an unchanged article would write nothing) but stores nothing.
    cache = ResultCache(
        config.root, enabled=use_cache and all(k for k in gate_keys), readonly=dry_run
    )
    # --allow-incomplete is not part of the key: it only matters to unfinished articles,
    # whose results record it (see _reuse), so "build" and "build --allow-incomplete" share.
    base = make_key("build", config_key(config), place_key(out, config.root), *gate_keys)
    keys: dict[int, str] = {}  # position -> results-cache key made here
    spool = report.spool = ResultSpool(len(all_files))
    done = bytearray(len(all_files))  # 1: answered from the cache
    for start in range(0, len(all_files) if cache.enabled else 0, LOOKUP_BATCH):
        batch = all_files[start : start + LOOKUP_BATCH]
        rows = cache.stored("build", [config.relative(path) for path in batch])
        if not rows:  # none built before: each key is made where it is built
            cache.misses += len(batch)
            continue
        named = [input_files(config, path, template=False) for path in batch]
        # The digests of this batch's inputs only, not the whole table's.
        cache.look_up_files([name for _, inputs in named for name in inputs])
        for slot, (rel, inputs) in enumerate(named, start):
            row = rows.get(rel)
            if row is None:
                cache.misses += 1
                continue  # never built: its key is made where it is built (on every core)
            key = make_key(base, rel, *cache.digests(inputs))
            hit = _reuse(cache, config, rel, key, row[1], allow_incomplete) \
                if row[0] == key and isinstance(row[1], bytes) else None
            if hit is not None:
                cache.hits += 1
                _, flags, article, claimed, pieces, _, _, _, record = hit
                spool.put_cached(slot, flags, article, claimed, pieces, record)
                done[slot] = 1
            else:
                keys[slot] = key
                cache.misses += 1
    # (position, article) of those to build, as strings from here on: a Path holds its
    # parts as strings of their own (~0.3 KB an article, for the whole build).
    files = [(slot, str(p)) for slot, p in enumerate(all_files) if not done[slot]]
    del done, all_files
    # What sync stored spares parsing again (a dry run stores nothing).
    parses = ParseCache(config, enabled=use_cache, readonly=dry_run)
    # The journal lets the next command finish (or clean up after) a killed build.
    journal = journal_of(config) if not dry_run else None
    if journal is not None and out != config.output:
        journal.begin([out])
    # Keys the parent did not make (never-built articles) are made where they are built.
    key_base = base if cache.enabled and not dry_run else None
    broken: dict[int, tuple[str, Problem]] = {}  # position -> the article, what stopped it
    memo: EntryMemo | None = None
    with cache:

        # What each article published is recorded (``ResultCache.record_written``) once it is
        # committed and has aged past the racy window (a record taken sooner is not trusted,
        # and the next build would read it again): in a parallel build, while workers go on.
        # Its outcome goes to the spool then (not held until the build ends).
        committed: collections.deque[tuple[int, int, _Outcome, _Keyed]] = collections.deque()

        def remember(older_than: int | None) -> None:
            while committed and (older_than is None or committed[0][0] < older_than):
                _, slot, (rel, result), (key, learned) = committed.popleft()
                for name, entry in learned:  # the inputs' digests a worker found
                    cache.learn(name, entry)
                if isinstance(result, Problem):
                    broken[slot] = (rel, result)
                    continue
                if key is not None:
                    _remember(cache, config, rel, key, result[0], allow_incomplete)
                spool.put(slot, result[0], result[1])

        def commits(outcomes: Iterable[tuple[int, _Outcome, _Keyed]]) -> None:
            now = time.time_ns()
            committed.extend((now, slot, outcome, keyed) for slot, outcome, keyed in outcomes)
            remember(now - RACY_NS)

        def commit(items: list[tuple[int, _Built]]) -> None:
            # One commit (one journal write) for a batch of articles, each of which went
            # through whole: its files are visible together, as in sync.
            transaction = Transaction(journal=journal)
            transaction.adopt_all(staged for _, (_, staged, _) in items)
            transaction.commit()
            commits((slot, outcome, keyed) for slot, (outcome, _, keyed) in items)

        if parallel.worth_it(files, workers):
            count, total = [0], len(files)

            def adopt(items: list[tuple[int, _Built]]) -> None:
                commit(items)
                count[0] += len(items)
                progress(count[0], total, items[-1][1][0][0] if items else "")

            _preload([name for _, name in files], gates)
            parallel.each_chunk(  # in order, none kept: each goes to the spool
                _build_chunk, [(slot, name, keys.get(slot)) for slot, name in files],
                workers=workers,
                args=(config, out, tuple(gates), allow_incomplete, dry_run, parses, key_base),
                on_result=adopt,
            )
        else:  # in this process, committing a batch of articles at a time (as sync does)
            planned = [Path(name) for _, name in files]
            parses.plan(planned)
            # A few articles of a built workspace (the edited ones): the gates look their
            # entries up first. Not on a first build: nothing to find, all to store.
            if cache.enabled and not dry_run and cache.hits and len(files) <= GATE_MEMO_MAX:
                memo = EntryMemo(config.root)
                gates = [_remembering(gate, memo) for gate in gates]

            def one(item: tuple[int, tuple[tuple[int, str], Path]]) -> tuple[int, _Built]:
                n, ((slot, _), path) = item
                progress(n, len(files), config.relative(path))
                return slot, _build_keyed(config, path, keys.get(slot), key_base, out, gates,
                                          allow_incomplete, dry_run, parses=parses)

            parallel.each_batch(enumerate(zip(files, planned, strict=True), 1), one,
                                on_batch=commit, drop=_drop)
        remember(None)
        parses.save()
        files, keys = [], {}
        report.problems += [broken[slot][1] for slot in sorted(broken)]
        report.written = spool.written()
        seen = {rel for rel, f in zip(spool.rels, spool.marks, strict=True)
                if f & build_spool.PRESENT}
        gone = {rel for rel, _ in broken.values()}
        # A full build whose manifest already lists exactly these articles as they are: no
        # article is gone, nothing is carried, nothing to write (the common unchanged case,
        # where reading the old manifest entry by entry would cost more than all the rest).
        on_disk = _file_digest(manifest)
        # No manifest yet (a first build): nothing to compare, so the document is made
        # once, as it is written.
        digest = _manifest_digest(report) if on_disk is not None else None
        same = not paths and not broken and on_disk is not None and digest == on_disk
        # Removals of gone articles and the manifest are made visible together, last.
        # The previous manifest's entries of articles not seen now, one at a time (a
        # partial build carries every other article's).
        removed: list[list[str]] = []  # the files of each gone article

        def take(old: dict[str, Any]) -> None:
            if paths or old.get("article") in gone:
                # A partial build, or an article that cannot be read now: what was
                # published from it stays as it was, and so does its manifest entry.
                report.carry(old)
            else:  # a full build: the article is gone, so is what was published from it
                removed.append([str(rel) for rel in dict(old.get("files") or {}).values()])

        def undo() -> None:
            report.spool.uncarry()
            removed.clear()

        if not same:
            each_previous_entry(manifest, seen, take, undo)
        with Transaction(journal=journal) as transaction:
            for rel in itertools.chain.from_iterable(removed):
                dest = (config.root / rel).resolve()
                if dest.is_relative_to(out) and dest.is_file():
                    report.removed.append(config.relative(dest))
                    if not dry_run:
                        transaction.unlink(dest)
            if report.carried:  # entries kept from the old manifest: another document
                digest = _manifest_digest(report)
            if not same and not dry_run and (digest is None or digest != on_disk):
                digest = transaction.write(
                    manifest, itertools.chain(report.manifest_chunks(), "\n"))
                report.written.append(config.relative(manifest))
                staged = transaction.staged(manifest)
                assert staged is not None
                # With the file's state once written: the kept answer's snapshot trusts it
                # from a stat, instead of reading the whole manifest back.
                report.manifest_written = (report.written[-1],
                                           written_proof(staged.digest, staged.written))
    if memo is not None:
        memo.flush()  # after the results cache's own writes (one writer at a time)
    return report


#: Most articles a build works on in its own process whose gates get the entry memo (see
#: ``gates``), when others were answered from the results cache: a memo pays for the few
#: articles of an edit, where most entries were judged before; a first build would find
#: nothing and store every entry (callgrind, 100 articles in one process: +26%).
GATE_MEMO_MAX = 100


def _remembering(gate: Gate, memo: EntryMemo) -> Gate:
    """``gate.remembering(memo)`` for a gate that has it, else the gate as it is."""
    remembering = getattr(gate, "remembering", None)
    return gate if remembering is None else cast("Gate", remembering(memo))


#: Results-cache kind of what a build would do with an article: published or not, and why.
PLAN_KIND = "build-plan"


def plans(
    config: Config, paths: Sequence[Path], *, gates: Sequence[Gate] = (), workers: int = 1,
    use_cache: bool = True,
) -> tuple[dict[str, tuple[bool, list[str]]], list[Problem]]:
    """What ``build`` would do with each article (by its name: published or not, and the
    reasons), and the problems of those that cannot be read.

    Why: the review index (``serve``, ``report``) shows this of every article. It depends on
    the article's inputs only, not on what is in the output folder, so it is kept in the
    results cache under their key (:data:`PLAN_KIND`): a workspace nobody built (an
    editor's checkout) no longer runs a whole dry-run build at every start. A plan is stored
    only when the inputs' digests after the dry run are the ones its key was made from.
    """
    found: dict[str, tuple[bool, list[str]]] = {}
    gate_keys = [getattr(gate, "cache_key", None) for gate in gates]
    with ResultCache(config.root, enabled=use_cache and all(gate_keys)) as cache:
        base = make_key(PLAN_KIND, config_key(config), *gate_keys)
        named = dict(input_files(config, path, template=False) for path in paths)
        keys: dict[str, str] = {}
        if cache.enabled:
            cache.look_up_files([name for names in named.values() for name in names])
            keys = {rel: make_key(base, rel, *cache.digests(names))
                    for rel, names in named.items()}
            for rel, value in cache.get_many(PLAN_KIND, keys).items():
                built, reasons = json.loads(value)
                found[rel] = (bool(built), [str(r) for r in reasons])
        todo = [path for path, rel in zip(paths, named, strict=True) if rel not in found]
        if not todo:
            return found, []
        report = build(config, todo, gates=gates, dry_run=True, workers=workers,
                       use_cache=use_cache)
        for result in report.articles:
            found[result.article] = (result.built, list(result.reasons))
            key = keys.get(result.article)
            if key is not None and key == make_key(base, result.article,
                                                   *cache.digests(named[result.article])):
                cache.put(PLAN_KIND, result.article, key,
                          json.dumps([result.built, result.reasons], ensure_ascii=False))
        return found, list(report.problems)


def _preload(files: Sequence[str], gates: Sequence[Gate]) -> None:
    """Import what building any article loads (the lean catalog reader, the articles'
    formats, what the gates run) before the workers fork: forked workers share the parent's
    modules, so each is loaded once instead of once per worker (CPU a busy machine does not
    spare). Only when articles are to be built: a build answered from the cache loads none.
    """
    from transflow.formats import format_for
    from transflow.po import reader  # noqa: F401

    for name in {os.path.splitext(name)[1].lower(): name for name in files}.values():
        with contextlib.suppress(TransflowError):  # its worker reports it
            prepare = getattr(format_for(Path(name)), "prepare", None)
            if callable(prepare):
                prepare()
    for gate in gates:
        prepare = getattr(gate, "prepare", None)
        if callable(prepare):
            prepare()


#: The layout of a build's row in the results cache (see :func:`_row`); a row of another
#: layout (or a JSON text, as earlier versions stored) is a miss.
ROW_FORMAT = 1

#: A build's results-cache row, as :func:`_row` makes it: (``ROW_FORMAT``, the spool flags
#: ``BUILT``/``FINISHED``/``BLOCKED``, the article's name, the files it publishes, its three
#: manifest pieces, the pages it does not publish, each published file's record by name,
#: ``--allow-incomplete``, its ``to_cache`` JSON).
Row = tuple[int, int, str, tuple[str, ...], tuple["str | None", ...], tuple[str, ...],
            dict[str, list[object]], bool, str]


def _row(result: ArticleBuild, outputs: dict[str, list[object]], allow_incomplete: bool,
         record: str) -> bytes:
    """An article's outcome as the results cache keeps it: ``marshal`` data of a
    :data:`Row`. Why not one JSON document: on a workspace where one article changed, a
    build reads the row of every other one, and needs its outputs' records, a few flags
    and its manifest text, not the outcome as objects; ``json.loads`` of the whole row was
    18 µs an article, ``marshal.loads`` of this one 3 µs. Loading runs no code (see
    ``formats/stored.py`` on what a cache from elsewhere can do)."""
    flags = ((build_spool.BUILT if result.built else 0)
             | (build_spool.FINISHED if result.finished else 0)
             | (build_spool.BLOCKED if result.blocked else 0))
    return marshal.dumps((ROW_FORMAT, flags, result.article, tuple(result.files.values()),
                          tuple(result.manifest_pieces()), tuple(result.unpublished),
                          outputs, allow_incomplete, record))


def _unrow(value: bytes) -> Row | None:
    """The :data:`Row` ``value`` holds; None when it is not one (another layout, corrupt)."""
    try:
        row = marshal.loads(value)
    except (ValueError, EOFError, TypeError):
        return None
    if type(row) is not tuple or len(row) != 9 or row[0] != ROW_FORMAT:
        return None
    _, flags, article, files, pieces, unpublished, outputs, incomplete, record = row
    if not (type(flags) is int and type(article) is str and type(files) is tuple
            and type(pieces) is tuple and len(pieces) == 3 and type(unpublished) is tuple
            and type(outputs) is dict and type(incomplete) is bool and type(record) is str):
        return None
    return row


def _reuse(
    cache: ResultCache, config: Config, rel: str, key: str, value: bytes, allow_incomplete: bool
) -> Row | None:
    """The cached outcome ``value`` of an article (a :data:`Row`), if its outputs are still
    exactly as it left them (paths as strings: this runs for every article of an unchanged
    workspace)."""
    row = _unrow(value)
    if row is None:
        return None
    flags, outputs, incomplete = row[1], row[6], row[7]
    root = config.root
    refreshed = {}
    for name, record in outputs.items():
        fresh = cache.holds(os.path.join(root, name), record)
        if fresh is None:
            return None
        refreshed[name] = fresh
    if not flags & build_spool.FINISHED and incomplete != allow_incomplete:
        return None
    if any(os.path.exists(os.path.join(root, name)) for name in row[5]):
        return None
    if refreshed != outputs:  # re-hashed (too recent before): trusted from now on
        row = (*row[:6], refreshed, *row[7:])
        cache.put("build", rel, key, marshal.dumps(row))
    return row


def _remember(
    cache: ResultCache, config: Config, rel: str, key: str, result: ArticleBuild,
    allow_incomplete: bool,
) -> None:
    """Store an article's outcome with the records of the files it published."""
    if not cache.enabled:
        return
    root = config.root  # paths as strings, as _reuse reads them: once per article
    outputs: dict[str, list[object]] = {}
    for name, proof in zip(result.files.values(),
                           result.digests or (None,) * len(result.files), strict=True):
        record = cache.record(os.path.join(root, name)) if proof is None else \
            cache.record_written(os.path.join(root, name), proof)
        if record is None:
            return
        outputs[name] = record
    made = result.cached or json.dumps(result.to_cache(), ensure_ascii=False)
    cache.put("build", rel, key, _row(result, outputs, allow_incomplete, made))


def _dumps(value: object) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte."""
    try:
        return _indented(value, 0)
    except TypeError:  # a type the manifest does not use (floats …): json's own way
        return json.dumps(value, indent=2, ensure_ascii=False)


def _indented(value: object, level: int) -> str:
    """What ``json.dumps(indent=2, ensure_ascii=False)`` writes for ``value`` at nesting
    ``level``, for the manifest's types (str keys; str, int, bool, None, dict, list).

    json's indented encoder is pure Python (only the compact one is in C): it was most of
    what a cold build's parent spent on its manifest. Strings go through json's own C
    escaping; anything else raises ``TypeError`` (:func:`_dumps` then asks json).
    """
    if isinstance(value, str):
        return encode_basestring(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = "\n" + "  " * (level + 1)
        parts = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(key)
            parts.append(encode_basestring(key) + ": " + _indented(item, level + 1))
        return "{" + inner + ("," + inner).join(parts) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        inner = "\n" + "  " * (level + 1)
        items = ("," + inner).join(_indented(item, level + 1) for item in value)
        return "[" + inner + items + "\n" + "  " * level + "]"
    raise TypeError(type(value).__name__)


def _pieces(entry: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """A manifest entry's text in the three lists (None where it is not listed)."""
    return (_nested(entry), _piece(entry, 1), _piece(entry, 2))


def _piece(entry: dict[str, Any], index: int) -> str | None:
    """One of :func:`_pieces`: the entry (0), its pair (1) or its left-out item (2)."""
    if index == 0:
        return _nested(entry)
    if index == 1:
        if not entry["built"]:
            return None
        return _nested({"article": entry["article"], "files": entry["files"],
                        "finished": entry["finished"]})
    if entry["built"]:
        return None
    return _nested({"article": entry["article"], "reasons": entry["reasons"]})


def _nested(value: object) -> str:
    """``value`` as ``json.dumps(..., indent=2)`` writes it as an item of a top-level list."""
    return "    " + _dumps(value).replace("\n", "\n    ")  # JSON strings hold no raw newline


#: (article rel, its result and the files written, or the problem that stopped it).
_Outcome = tuple[str, "tuple[ArticleBuild, list[str]] | Problem"]


#: What building an article hands back: its outcome, its staged files (a worker), and its
#: results-cache key (None: not cached) with the input digests found on the way.
_Keyed = tuple["str | None", "list[tuple[str, FileEntry]]"]
_Built = tuple[_Outcome, "Staged | None", _Keyed]


def _build_chunk(
    items: list[tuple[int, str, str | None]],
    config: Config,
    out: Path,
    gates: Sequence[Gate],
    allow_incomplete: bool,
    dry_run: bool,
    parses: ParseCache,
    key_base: str | None,
) -> list[tuple[int, _Built]]:
    """Worker: build a chunk of articles (each with its position, and its key when the
    parent made it), staging each one's files for the parent to commit."""
    built: list[tuple[int, _Built]] = []
    paths = [Path(name) for _, name, _ in items]
    parses.plan(paths)
    try:
        for (slot, _, key), path in zip(items, paths, strict=True):
            built.append((slot, _build_keyed(config, path, key, key_base, out, gates,
                                             allow_incomplete, dry_run, parses=parses)))
        parses.save()
    except BaseException:
        _drop(built)
        raise
    return built


def _drop(built: list[tuple[int, _Built]]) -> None:
    """Remove the temp files of built articles that will not be committed."""
    discard(staged for _, (_, staged, _) in built)


def _build_keyed(
    config: Config,
    path: Path,
    key: str | None,
    key_base: str | None,
    out: Path,
    gates: Sequence[Gate],
    allow_incomplete: bool,
    dry_run: bool,
    *,
    parses: ParseCache | None,
) -> _Built:
    """``_build_one``, with the article's results-cache key made first when the caller has
    none (from the inputs' bytes before they are read for the build: a change meanwhile
    gives a key the next build does not find, never a result under a wrong key)."""
    # The inputs' bytes are built from as hashed (not read twice); sha: the article's.
    key, read, sha, learned = read_inputs(config, path, key, key_base, template=False)
    outcome, staged = _build_one(config, path, out, gates, allow_incomplete, dry_run,
                                 parses=parses, read=read, sha=sha)
    result = outcome[1]
    if key is not None and not isinstance(result, Problem):
        built = result[0]
        built.pieces = built.manifest_pieces()  # made once: for the cache and the spool
        built.cached = json.dumps(built.to_cache(), ensure_ascii=False)
    return outcome, staged, (key, learned)


def _build_one(
    config: Config,
    path: Path,
    out: Path,
    gates: Sequence[Gate],
    allow_incomplete: bool,
    dry_run: bool,
    *,
    parses: ParseCache | None = None,
    read: dict[str, bytes] | None = None,
    sha: str | None = None,
) -> tuple[_Outcome, Staged | None]:
    """Assess one article and stage its outputs, handed back for the caller to commit
    with others (see ``parallel.COMMIT_BATCH``); a problem stages nothing. ``read``:
    inputs' bytes already read, ``sha``: the SHA-256 of the article's there."""
    rel = config.relative(path)
    transaction = Transaction()
    try:
        read = read or {}
        source = read.get(str(path))
        if source is None:
            sha = None
        article = read_article(config, path, source, parses=parses, digest=sha)
        result, rendered = _assess(config, article, gates, allow_incomplete, read)
        written: list[str] = []
        digests: list[bytes | None] = []
        for page in pages(config, article, out, rendered):
            dest, text = page.dest, page.text
            if result.built and (text is not None or page.kept):
                result.files[page.language] = config.relative(dest)
                digests.append(None)
                if text is not None and not dry_run:
                    # The article itself as its page (a source-language page with nothing
                    # to change): its bytes as read, and their digest, as they are.
                    itself = text is article.text and source is not None
                    data = source if itself and source is not None else text.encode("utf-8")
                    held = _holds(dest, data)
                    if not held:  # written unless it already holds exactly this
                        transaction.write(dest, data, new=held is None,
                                          digest=sha if itself else None)
                        item = transaction.staged(dest)
                        assert item is not None
                        digests[-1] = written_proof(item.digest, item.written)
                        written.append(result.files[page.language])
            elif not page.kept:
                result.unpublished.append(config.relative(dest))
                if not dry_run and dest.exists():
                    # A previously published version must not outlive the article's readiness.
                    transaction.unlink(dest)
        if any(d is not None for d in digests):
            result.digests = tuple(digests)
        # Its manifest text, made here: in a worker, on every core (the parent writes the
        # manifest and the cache record from it, instead of making it twice, alone).
        result.pieces = _pieces(result.to_json())
    except TransflowError as exc:
        transaction.abort()
        return (rel, problem_of(config, exc, path)), None
    except BaseException:
        transaction.abort()
        raise
    return (rel, (result, written)), transaction.detach()


def _assess(
    config: Config, article: Article, gates: Sequence[Gate], allow_incomplete: bool,
    read: dict[str, bytes],
) -> tuple[ArticleBuild, dict[str, str]]:
    from transflow.po import catalog, reader  # only for an article that is built

    result = ArticleBuild(article.rel, article.slug, article.source_language)
    rendered: dict[str, str] = {}
    finished = True
    for lang in config.targets_for(article.source_language):
        po_path = catalog_path(config, lang, article.slug)
        lb = LanguageBuild(lang, config.relative(po_path))
        result.languages.append(lb)
        try:
            # read-only: the lean reader (polib's answers), of the bytes hashed for the key
            data = read.get(str(po_path))
            cat = reader.read(po_path) if data is None else \
                reader.read_text(catalog.decode(data, po_path), path=po_path)
        except CatalogError as exc:
            if po_path.exists():
                raise
            cat = None
            result.reasons.append(f"{lang}: no catalog {lb.catalog} ({exc.message}; run sync)")
        lookup = {e.msgid: e for e in catalog.active_entries(cat)} if cat is not None else {}
        published: dict[str, str] = {}
        stale = 0
        counted: set[str] = set()  # states count entries, as status does, not occurrences
        publish, states = config.publish, lb.states
        reviewed_only = publish > State.TRANSLATED
        for seg in article.doc.segments:
            entry = lookup.get(seg.text)
            if entry is None:
                lb.missing += 1
                lb.unfinished_lines.append(seg.line)
                continue
            state = entry_state(entry)
            if seg.text in counted:
                if state < publish:
                    lb.unfinished_lines.append(seg.line)
                continue
            counted.add(seg.text)
            states[state] += 1
            if reviewed_only and state == State.TRANSLATED and approval_is_stale(view(entry)):
                stale += 1
            if state >= publish:
                published[seg.text] = entry.msgstr
            else:
                lb.unfinished_lines.append(seg.line)
        if lb.missing and cat is not None:
            result.reasons.append(
                f"{lang}: {lb.missing} segment(s) not in the catalog (run 'transflow sync')"
            )
        below = sum(n for s, n in lb.states.items() if s < config.publish)
        if below:
            result.reasons.append(f"{lang}: {below} segment(s) not {config.publish.label}")
        if stale:
            result.reasons.append(
                f"{lang}: {stale} segment(s) changed after review (re-approve with "
                f"'transflow review {article.rel}')"
            )
        if cat is not None:
            for gate in gates:
                lb.gate_problems.extend(gate(article, lang, cat))
        if not lb.gate_problems:

            def translate(seg: Segment, table: dict[str, str] = published) -> str | None:
                return table.get(seg.text)

            page = article.render(translate, lang)
            # The page as a renderer will parse it: a script URL the source has not (a link
            # definition in one entry used by another, …) is refused, gates or not.
            unsafe = _unsafe_page(article, page, published)
            lb.gate_problems += [f"{lb.catalog}: unsafe markup: {u}" for u in unsafe]
            if not unsafe:
                rendered[lang] = page
        result.reasons.extend(f"{lang}: {p}" for p in lb.gate_problems)
        finished = finished and not lb.unfinished_lines and not lb.gate_problems
    result.finished = finished
    # Gate problems (e.g. injected markup) block an article even under --allow-incomplete.
    blocked = any(lb.gate_problems for lb in result.languages)
    result.built = finished or (allow_incomplete and not blocked)
    return result, rendered


def _unsafe_page(article: Article, page: str, published: dict[str, str]) -> list[str]:
    """Script URLs the built page has and the article has not (see ``checks.script_urls``)."""
    if page == article.text or not any(t != s for s, t in published.items()):
        return []  # nothing translated differs from its source: nothing can be added
    from transflow.checks.script_urls import added_script_urls  # only pages with changes

    return added_script_urls(article.text, page, article.fmt.name)


def _manifest_digest(report: BuildReport) -> str:
    """SHA-256 of the report's manifest as written, computed piece by piece (the document
    is never held whole)."""
    new = hashlib.sha256()
    for piece in itertools.chain(report.manifest_chunks(), "\n"):
        new.update(piece.encode("utf-8"))
    return new.hexdigest()


def _file_digest(path: Path) -> str | None:
    """SHA-256 of a file's bytes, read block by block (None when it cannot be read)."""
    old = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                old.update(block)
    except OSError:
        return None
    return old.hexdigest()


def _holds(path: Path, data: bytes) -> bool | None:
    """True when ``path`` already holds exactly ``data`` (so nothing is rewritten), False
    when it holds something else or cannot be read, None when there is no such file.

    A file of another size is not read (an edited article's pages, rebuilt)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError:
        return False
    try:
        size = os.fstat(fd).st_size
        if size != len(data):
            return False
        held = b""
        while len(held) <= size:  # to the end, or past the size (then it differs)
            chunk = os.read(fd, size + 1 - len(held))
            if not chunk:
                break
            held += chunk
    except OSError:
        return False
    finally:
        os.close(fd)
    return held == data
