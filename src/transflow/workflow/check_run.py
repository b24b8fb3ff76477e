"""``check`` over a workspace: which articles to check again, on how many cores, in what order.

``workflow.check`` judges one catalog; this module runs it over the selected articles:

* an article whose file, template, catalogs and glossary are unchanged since an earlier check
  is answered from the results cache (``per_article.look_up``: in batches, and a cold run
  makes no key in the parent at all);
* the others are checked in worker processes when there are enough of them
  (``workflow.parallel``, as ``build`` and ``status`` do), each worker making its articles'
  keys from the bytes it reads and remembering entry findings in its own
  :class:`~transflow.workflow.cache.EntryMemo`;
* the parent takes each article's outcome in article order (``per_article.InOrder``),
  whatever order they come in, stores it and adds it to the report: findings, their order,
  the problems and the counts are those of a sequential run, and nothing of an article is
  held once it is taken.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from transflow.config import Config
from transflow.errors import Problem, TransflowError
from transflow.po import catalog, reader
from transflow.states import State
from transflow.workflow import parallel
from transflow.workflow.cache import (
    EntryMemo,
    FileEntry,
    ResultCache,
    config_key,
    make_key,
)
from transflow.workflow.check import (
    CheckFinding,
    CheckReport,
    check_catalog,
    workspace_glossary,
)
from transflow.workflow.parse_cache import ParseCache
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
)

if TYPE_CHECKING:
    from transflow.glossary import Glossary

#: State by its JSON key (``State.key`` is slow to compute per cached result).
_STATES = {s.key: s for s in State}


@dataclass(slots=True)
class CatalogCheck:
    """The outcome for one article in one target language (what the results cache keeps)."""

    language: str
    catalog: str
    missing: bool = False
    checked: int = 0
    findings: list[CheckFinding] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The cached form."""
        return {"language": self.language, "catalog": self.catalog, "missing": self.missing,
                "checked": self.checked, "findings": [f.to_json() for f in self.findings]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CatalogCheck:
        """Back from :meth:`to_json`."""
        states = _STATES
        findings = [
            CheckFinding(catalog=f["catalog"], line=f["line"], severity=f["severity"],
                         check=f["check"], message=f["message"], article=f["article"],
                         reference=f["reference"], language=f["language"],
                         state=states[f["state"]], accepted_by=f.get("accepted_by"),
                         accepted_reason=f.get("reason", ""))
            for f in data["findings"]
        ]
        return cls(data["language"], data["catalog"], data["missing"], data["checked"], findings)


#: What checking one article hands back: its place in the run, its parts (or the problem
#: that stopped it), the results-cache key and value to store (None: not stored), and the
#: input digests found on the way (for the parent's files table).
_Checked = tuple[int, "list[CatalogCheck] | Problem", "str | None", "str | None",
                 "list[tuple[str, FileEntry]]"]


def check(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    glossary: Glossary | None = None,
    progress: Progress = no_progress,
    use_cache: bool = True,
    workers: int = 1,
) -> CheckReport:
    """Check every selected article's catalogs (all articles when ``paths`` is empty).

    ``glossary`` defaults to the workspace glossary; catalogs that do not exist yet are
    listed in ``missing`` (``sync`` creates them) rather than failing the run. An article
    whose file, catalogs and glossary are unchanged since an earlier check is answered from
    the results cache; in a changed catalog only the entries never checked before are. An
    article or catalog that cannot be read is listed in ``problems`` (never cached); the
    others are checked. ``workers`` > 1 checks the changed articles on that many processes
    (when there are enough): the report is the same.
    """
    explicit = glossary is not None
    if glossary is None:
        glossary = workspace_glossary(config)
    report = CheckReport()
    found, report.problems = discover_each(config, paths)
    files = names(found)
    del found
    memo = EntryMemo(config.root if use_cache else None)
    with ResultCache(config.root, enabled=use_cache and not explicit) as cache:
        words = config.deepl.glossary
        base = make_key("check", config_key(config), cache.digest(words) if words else None)
        # Keys the parent did not make (articles never checked) are made where they are checked.
        key_base = base if cache.enabled else None

        def add(outcome: list[CatalogCheck]) -> None:
            _add(report, outcome, language)

        order: InOrder[_Checked] = InOrder(
            taker(config, cache, "check", files, report.problems, add))

        def hit(number: int, value: str) -> None:
            parts = [CatalogCheck.from_json(d) for d in json.loads(value)]
            order.offer(number, (number, parts, None, None, []))

        todo = look_up(config, cache, "check", base, files, hit)
        done = [len(files) - len(todo)]
        parses = ParseCache(config, enabled=use_cache)
        if parallel.worth_it(todo, workers):
            _preload(files)
            cold = memo.nothing_stored() if memo.root is not None else None
            memo.flush()
            parallel.each_chunk(
                _check_chunk, todo, workers=workers,
                args=(config, glossary, memo.root, cold, parses, key_base),
                on_result=collector(config, order, files, done, progress),
            )
        else:
            parses.plan([Path(name) for _, name, _ in todo])
            for n, name, key in todo:
                done[0] += 1
                progress(done[0], len(files), config.relative(Path(name)))
                order.offer(n, _check_keyed(config, n, Path(name), key, key_base, glossary,
                                            memo, parses))
        parses.save()
        order.finish(len(files))
    memo.flush()
    return report


def _add(report: CheckReport, parts: list[CatalogCheck], language: str | None) -> None:
    """One article's parts into the report (those of ``language`` only, when given)."""
    for part in parts:
        if language and part.language != language:
            continue
        if part.missing:
            report.missing.append(part.catalog)
            continue
        report.catalogs += 1
        report.entries += part.checked
        report.findings.extend(part.findings)


def _preload(files: Sequence[str]) -> None:
    """Import what checking any article loads (the articles' formats, whose extractors a
    stored parse needs too, markdown-it, with which the link and markup checks read inline
    markup, and the language guess of the warning checks) before the workers fork: forked
    workers share the parent's modules, so each is loaded once instead of once per worker.
    A format loads its parser on the first parse: an empty text is parsed to load it. The
    checks themselves load when first run (see ``transflow.checks``): here, for the same
    reason."""
    import transflow.checks.suite
    import transflow.formats.markdown_dialect
    import transflow.language_guess  # noqa: F401
    from transflow.formats import format_for

    for path in {os.path.splitext(name)[1].lower(): name for name in files}.values():
        with contextlib.suppress(TransflowError):  # its worker reports it
            format_for(Path(path)).parse("")


#: A worker process's entry memo, kept from one chunk to the next (what it learnt spares
#: checking a recurring entry again): (its process, the memo).
_kept_memo: tuple[int, EntryMemo] | None = None


def _worker_memo(root: Path | None, cold: bool | None) -> EntryMemo:
    """This worker's memo for a run over ``root`` (``cold``: what the parent found)."""
    global _kept_memo
    pid = os.getpid()
    if _kept_memo is None or _kept_memo[0] != pid or _kept_memo[1].root != root:
        _kept_memo = (pid, EntryMemo(root, cold=cold))
    return _kept_memo[1]


def _check_chunk(
    items: list[Todo],
    config: Config,
    glossary: Glossary | None,
    memo_root: Path | None,
    cold: bool | None,
    parses: ParseCache,
    key_base: str | None,
) -> list[_Checked]:
    """Worker: check a chunk of articles (each with its key, when the parent made it)."""
    memo = _worker_memo(memo_root, cold)
    paths = [Path(name) for _, name, _ in items]
    parses.plan(paths)
    checked = [_check_keyed(config, n, path, key, key_base, glossary, memo, parses)
               for (n, _, key), path in zip(items, paths, strict=True)]
    parses.save()
    memo.flush(run_over=False)  # stored now: the pool ends its workers without a word
    return checked


def _check_keyed(
    config: Config,
    number: int,
    path: Path,
    key: str | None,
    key_base: str | None,
    glossary: Glossary | None,
    memo: EntryMemo,
    parses: ParseCache | None,
) -> _Checked:
    """``_check_article``, with the article's results-cache key made first when the caller
    has none (see ``per_article.read_inputs``)."""
    key, read, sha, learned = read_inputs(config, path, key, key_base)
    try:
        parts = _check_article(config, path, glossary, memo, parses, read, sha)
    except TransflowError as exc:
        return number, problem_of(config, exc, path), None, None, learned
    value = json.dumps([p.to_json() for p in parts]) if key is not None else None
    return number, parts, key, value, learned


def _check_article(
    config: Config, path: Path, glossary: Glossary | None, memo: EntryMemo,
    parses: ParseCache | None = None, read: dict[str, bytes] | None = None,
    sha: str | None = None,
) -> list[CatalogCheck]:
    """Every target language of one article (parsed once, each catalog loaded once).
    ``read``: inputs' bytes already read, ``sha``: the SHA-256 of the article's there."""
    read = read or {}
    source = read.get(str(path))
    article = read_article(config, path, source, parses=parses,
                           digest=sha if source is not None else None)
    parts = []
    for lang in config.targets_for(article.source_language):
        po_path = catalog_path(config, lang, article.slug)
        part = CatalogCheck(lang, config.relative(po_path))
        data = read.get(str(po_path))
        if data is None and not po_path.exists():
            part.missing = True
        else:
            cat = reader.read(po_path) if data is None else \
                reader.read_text(catalog.decode(data, po_path), path=po_path)
            part.findings, part.checked = check_catalog(
                article, lang, cat, catalog_name=part.catalog, glossary=glossary, memo=memo,
            )
        parts.append(part)
    return parts
