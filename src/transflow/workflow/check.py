"""``check``: run the quality checks over the workspace's catalogs and report findings.

Scope: every active entry with a translation. Entries at *translated* or better are what
gets published (or will be, once reviewed), so their errors gate: they count in
``CheckReport.errors`` and make ``transflow check`` exit 3. Machine drafts and needs-work
entries are checked too, because a reviewer wants to know what to fix before accepting them,
but their findings are marked ``draft`` and never gate: a draft is never published.

Each finding names the catalog file and the line of its entry there (polib's ``linenum``,
the ``msgid`` line), so editors can jump to it, and the article reference (``file:line``)
the entry came from. The JSON document is a versioned public contract.

This module judges catalogs; ``check_run`` runs it over a workspace (the results cache, the
worker processes, the order).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from transflow.checks.registry import Check, CheckContext, Finding, Severity
from transflow.config import Config
from transflow.errors import Problem
from transflow.po import catalog
from transflow.states import NEVER_ACCEPTED, State, accepted_findings, entry_state, view
from transflow.workflow.cache import EntryMemo, code_key, make_key
from transflow.workflow.workspace import Article

if TYPE_CHECKING:  # the glossary module (and csv) loads when a glossary does: a build has none
    from transflow.glossary import Glossary

JSON_VERSION = 1

#: Entries at this state or better gate publishing when a check finds an error in them.
GATING_STATE = State.TRANSLATED


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One finding of one check in one catalog entry."""

    catalog: str
    line: int
    severity: Severity
    check: str
    message: str
    article: str
    reference: str
    language: str
    state: State
    #: Who verified this finding as correct (``# transflow: accepted``, still valid), if
    #: anyone: an accepted finding is listed apart and never gates.
    accepted_by: str | None = None
    accepted_reason: str = ""

    @property
    def draft(self) -> bool:
        """True for findings in machine drafts and needs-work entries (they never gate)."""
        return self.state < GATING_STATE

    @property
    def accepted(self) -> bool:
        """True when a person accepted this finding (see ``states.accept_finding``)."""
        return self.accepted_by is not None

    @property
    def gating(self) -> bool:
        """An error in an entry that is (or will be) published, that nobody accepted."""
        return self.severity == "error" and not self.draft and not self.accepted

    def to_json(self) -> dict[str, object]:
        """One item of the ``findings`` (or ``accepted``) list."""
        extra: dict[str, object] = (
            {"accepted_by": self.accepted_by, "reason": self.accepted_reason}
            if self.accepted else {}
        )
        return {
            "catalog": self.catalog,
            "line": self.line,
            "severity": self.severity,
            "check": self.check,
            "message": self.message,
            "article": self.article,
            "reference": self.reference,
            "language": self.language,
            "state": self.state.key,
            "draft": self.draft,
            **extra,
        }


@dataclass(slots=True)
class CheckReport:
    """Every finding, plus what was looked at."""

    findings: list[CheckFinding] = field(default_factory=list)
    catalogs: int = 0
    entries: int = 0
    missing: list[str] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)

    def count(self, severity: Severity, *, drafts: bool = False) -> int:
        """Open findings of one severity, in published-level entries (or in drafts)."""
        return sum(1 for f in self.findings
                   if f.severity == severity and f.draft == drafts and not f.accepted)

    @property
    def open(self) -> list[CheckFinding]:
        """The findings nobody accepted (what ``check`` lists)."""
        return [f for f in self.findings if not f.accepted]

    @property
    def accepted(self) -> list[CheckFinding]:
        """The findings a person accepted as correct (listed apart)."""
        return [f for f in self.findings if f.accepted]

    @property
    def errors(self) -> list[CheckFinding]:
        """The findings that gate publishing."""
        return [f for f in self.findings if f.gating]

    def to_json(self, *, stream: bool = False) -> dict[str, object]:
        """The versioned JSON document (public contract); ``stream``: the findings as an
        iterator, made one by one as the CLI prints them (``emit_json_items``)."""
        findings = (f.to_json() for f in self.findings if not f.accepted)
        return {
            "version": JSON_VERSION,
            "findings": findings if stream else list(findings),
            "accepted": [f.to_json() for f in self.accepted],
            "counts": {"error": self.count("error"), "warning": self.count("warning")},
            "drafts": {
                "error": self.count("error", drafts=True),
                "warning": self.count("warning", drafts=True),
            },
            "catalogs": self.catalogs,
            "entries": self.entries,
            "missing_catalogs": self.missing,
            "problems": [p.to_json() for p in self.problems],
        }


def workspace_glossary(config: Config) -> Glossary | None:
    """The configured glossary (``[deepl] glossary``), or None when none is configured.

    A header-less file is read as default source language first, the other second, which
    is what the starter configuration documents; that needs exactly two languages.
    """
    path = config.deepl.glossary
    if path is None:
        return None
    languages: tuple[str, str] | None = None
    others = config.targets_for(config.source_language)
    if len(others) == 1:
        languages = (config.source_language, others[0])
    from transflow.glossary import load_glossary

    return load_glossary(path, languages=languages)


def context_for(
    article: Article, language: str, glossary: Glossary | None = None
) -> CheckContext:
    """The check context of one article translated into ``language``."""
    pairs = glossary.pairs_for(article.source_language, language) if glossary else ()
    return CheckContext(
        source_lang=article.source_language,
        target_lang=language,
        format=article.fmt.name,
        glossary=pairs,
    )


#: Checks about markup a translation could inject into the page.
MARKUP_CHECKS = ("html-tags", "unsafe-markup")


def is_attribute_only(entry: catalog.Entry) -> bool:
    """True for an entry that is only ever an attribute value (``alt``, ``title``, …).

    Attribute translations are written escaped (``<`` becomes ``&lt;``), so text that looks
    like a tag there is text, not markup, and the markup checks do not apply. A shortcode
    parameter is not one of them: templates often pass it through ``markdownify``, so the
    markup checks judge it like text.
    """
    comment = entry.comment
    if not comment or "attribute " not in comment:
        return False  # every kind would have to start with it (most entries: one test)
    kinds = [k.strip() for k in comment.split(";") if k.strip()]
    return bool(kinds) and all(
        k.startswith("attribute ") and " of shortcode " not in k for k in kinds
    )


#: One entry to check: the entry, its state, and whether it is only an attribute value.
Selected = tuple[catalog.Entry, State, bool]

def selected_entries(cat: catalog.Catalog, min_state: State) -> list[Selected]:
    """The active, translated entries of ``cat`` at ``min_state`` or better, in file order."""
    selected = []
    for entry in catalog.active_entries(cat):
        if entry.msgstr:
            state = entry_state(entry)
            if state >= min_state:
                selected.append((entry, state, is_attribute_only(entry)))
    return selected


def check_catalog(
    article: Article,
    language: str,
    cat: catalog.Catalog,
    *,
    catalog_name: str,
    glossary: Glossary | None = None,
    min_state: State = State.MACHINE_DRAFT,
    skip: Sequence[str] = (),
    memo: EntryMemo | None = None,
    selected: list[Selected] | None = None,
    errors_only: bool = False,
) -> tuple[list[CheckFinding], int]:
    """Findings for every entry at ``min_state`` or better, and how many entries were checked.

    ``memo`` remembers the findings per entry fingerprint (see :func:`entry_findings`), so an
    entry checked before (by ``check`` or by a build's gate) is not checked again.
    ``selected`` is ``selected_entries(cat, min_state)`` when the caller has it already;
    ``errors_only`` runs the error-level checks only (see :func:`entry_findings`).
    """
    ctx = context_for(article, language, glossary)
    findings: list[CheckFinding] = []
    if selected is None:
        selected = selected_entries(cat, min_state)
    checked = len(selected)
    found_each = entry_findings([e for e, _, _ in selected], ctx, skip=skip, memo=memo,
                                attribute=[a for _, _, a in selected], errors_only=errors_only)
    for (entry, state, _), found in zip(selected, found_each, strict=True):
        if not found:
            continue  # nothing to report, so no acceptance to read (most entries)
        # Valid acceptances only (stale as soon as source or translation changed), and none
        # at all on an entry that injects markup, whatever a hand-edited comment says.
        injected = any(f.check in NEVER_ACCEPTED for f in found)
        accepted = {} if injected else {
            a.check: a for a in accepted_findings(view(entry)) if a.check not in NEVER_ACCEPTED
        }
        findings.extend(
            CheckFinding(
                catalog=catalog_name,
                line=int(getattr(entry, "linenum", 0) or 0),
                severity=f.severity,
                check=f.check,
                message=f.message,
                article=article.rel,
                reference=article.reference(entry.msgid),
                language=language,
                state=state,
                accepted_by=accepted[f.check].reviewer if f.check in accepted else None,
                accepted_reason=accepted[f.check].reason if f.check in accepted else "",
            )
            for f in found
        )
    return findings, checked


_NONE = "[]"  # the remembered form of "no findings" (most entries)


def run_checks(source: str, translation: str, ctx: CheckContext, *,
               skip: Sequence[str] = ()) -> list[Finding]:
    """``checks.run_checks``: the checks (and markdown-it under them) are loaded when an
    entry is first checked, not with this module (a build's gates that find every entry
    in their memo load none of them)."""
    from transflow.checks.suite import run_checks as run

    return run(source, translation, ctx, skip=skip)


class _Tables(NamedTuple):
    rank: dict[str, int]  #: each check's place in the registry
    glossary: Check
    #: The checks left out, by (attribute value only, errors only).
    skips: dict[tuple[bool, Severity | None], tuple[str, ...]]


@functools.cache
def _tables() -> _Tables:
    """What entry_findings reads of ``CHECKS``, made when an entry is first checked."""
    from transflow.checks.suite import CHECKS

    warning_checks = tuple(c.name for c in CHECKS if c.severity == "warning")
    return _Tables(
        {c.name: i for i, c in enumerate(CHECKS)},
        next(c for c in CHECKS if c.name == "glossary"),
        {(attr, only): (*(_ATTRIBUTE_SKIP if attr else _TEXT_SKIP),
                        *(warning_checks if only == "error" else ()))
         for attr in (False, True) for only in ("error", None)},
    )


def entry_fingerprint(entry: catalog.Entry, ctx: CheckContext, attribute_only: bool) -> str:
    """What an entry's findings depend on: context, msgctxt, msgid, msgstr and the checks' code.

    The glossary is not part of it: its check runs live (it is cheap and per workspace).
    """
    return make_key("entry", code_key(), ctx.source_lang, ctx.target_lang, ctx.format,
                    attribute_only, entry.msgctxt, entry.msgid, entry.msgstr)


def entry_findings(
    entries: Sequence[catalog.Entry],
    ctx: CheckContext,
    *,
    skip: Sequence[str] = (),
    memo: EntryMemo | None = None,
    attribute: Sequence[bool] | None = None,
    errors_only: bool = False,
) -> list[list[Finding]]:
    """The findings of each entry, as ``run_checks`` gives them, reusing remembered ones.

    ``attribute`` says which entries are only attribute values (:func:`is_attribute_only`),
    when the caller knows already. ``errors_only`` leaves the warning-level checks out:
    build's quality gate reports errors only, and the warning-level checks (the language
    guess above all) are half the work. The ``memo`` holds whole findings (``check``'s)
    and, under keys of their own (:data:`ERRORS_KIND`), the error-level findings of an
    errors-only run: such a run takes either, and stores the latter. Without a memo, the
    entries this process checked last are remembered by their texts (``_RECENT``).
    """
    bare = CheckContext(ctx.source_lang, ctx.target_lang, ctx.format)
    if attribute is None:
        attribute = [is_attribute_only(e) for e in entries]
    if memo is None:  # nothing to look up or store (build's quality gate): no fingerprints
        keys = [""] * len(entries)
        errors_keys = keys
        known: dict[str, str] = {}
    else:
        keys = fingerprints(entries, bare, attribute)
        errors_keys = fingerprints(entries, bare, attribute, kind=ERRORS_KIND) \
            if errors_only else keys
        known = memo.lookup([*keys, *errors_keys] if errors_only else keys)
    glossary = bool(ctx.glossary) and "glossary" not in skip
    level: Severity | None = "error" if errors_only else None
    results: list[list[Finding]] = []
    recent = _RECENT.setdefault((bare.source_lang, bare.target_lang, bare.format, level), {})
    for entry, attr, key, errors_key in zip(entries, attribute, keys, errors_keys,
                                            strict=True):
        raw = known.get(key)
        if raw is not None:
            base = _decoded(raw)
            if errors_only:
                base = [f for f in base if f.severity == "error"]
        elif errors_only and (raw := known.get(errors_key)) is not None:
            base = _decoded(raw)
        elif memo is None:
            texts = (attr, entry.msgid, entry.msgstr)
            seen = recent.get(texts)
            if seen is None:
                seen = tuple(run_checks(entry.msgid, entry.msgstr, bare,
                                        skip=_tables().skips[attr, level]))
                if len(recent) >= RECENT_MAX:
                    recent.clear()  # a bound, not a policy: repeats come back at once
                recent[texts] = seen
            base = list(seen)
        else:
            base = run_checks(entry.msgid, entry.msgstr, bare, skip=_tables().skips[attr, level])
            memo.store(errors_key, _encoded(base))
        found = [f for f in base if f.check not in skip] if base and skip else base
        if glossary:
            found = found + _tables().glossary.function(entry.msgid, entry.msgstr, ctx)
            found.sort(key=_rank)  # stable: registry order, as run_checks
        results.append(found)
    return results


#: The kind of an errors-only entry's key (``check``'s whole findings are under "entry").
ERRORS_KIND = "entry-errors"


#: Findings of the entries this process checked without a memo (build's quality gate), by
#: their context and check level, then their kind and texts: the same segment recurs across
#: a site's articles (a promo block, a reference list, a call to action), and a dictionary
#: look-up costs a fraction of running the checks again. Bounded: a process may check many
#: thousands of entries.
RECENT_MAX = 2048
_RECENT: dict[tuple[str, str, str, Severity | None],
              dict[tuple[bool, str, str], tuple[Finding, ...]]] = {}


def fingerprints(
    entries: Sequence[catalog.Entry], ctx: CheckContext, attribute: Sequence[bool],
    *, kind: str = "entry",
) -> list[str]:
    """:func:`entry_fingerprint` of each entry (``kind`` in place of "entry": another kind
    of value about the same entry), the text of the key built as ``make_key`` builds it
    (parts as ``str``, ``None`` as ``"\\x00"``, joined by ``"\\x1f"``) with the context's
    parts joined once, not once per entry."""
    head = f"{kind}\x1f{code_key()}\x1f{ctx.source_lang}\x1f{ctx.target_lang}\x1f{ctx.format}\x1f"
    sha256 = hashlib.sha256
    return [
        sha256(f"{head}{a}\x1f{chr(0) if e.msgctxt is None else e.msgctxt}\x1f{e.msgid}\x1f"
               f"{e.msgstr}".encode("utf-8", "surrogatepass")).hexdigest()
        for e, a in zip(entries, attribute, strict=True)
    ]


def _rank(finding: Finding) -> int:
    return _tables().rank[finding.check]


def _encoded(findings: list[Finding]) -> str:
    return json.dumps([[f.check, f.severity, f.message] for f in findings]) if findings else _NONE


def _decoded(raw: str) -> list[Finding]:
    return [] if raw == _NONE else [Finding(c, s, m) for c, s, m in json.loads(raw)]


#: What ``entry_findings`` leaves to others: the glossary (run live), and for an attribute
#: value the markup checks (see :func:`is_attribute_only`).
_TEXT_SKIP = ("glossary",)
_ATTRIBUTE_SKIP = ("glossary", *MARKUP_CHECKS)
