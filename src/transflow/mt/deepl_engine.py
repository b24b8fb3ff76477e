"""DeepL as an ``Engine``: the only module that imports ``deepl``.

Invariants:

* one retry layer: the client's own retries are switched off
  (``deepl.http_client.max_network_retries = 0``, a module global, set on construction) and
  this module retries 429, every status ≥ 500, timeouts and connection errors with
  exponential backoff through an injectable ``sleep``; the decision is by
  ``http_status_code``, never by exception class or ``should_retry``;
* 456 raises ``QuotaExceededDuringBatch`` at once, carrying the results already finished in
  this call; 403 raises ``AuthorizationError`` naming ``DEEPL_AUTH_KEY``; 400/413 split the
  request in halves until the refused text is alone, which becomes a failed result while the
  others are translated;
* requests carry ≤ 50 texts and < 120 KiB (``engine.plan_batches``); ``tag_handling`` and
  ``tag_handling_version`` are always sent explicitly (the default depends on the account);
* formality is sent only when the target is Dutch; a bare ``EN`` target becomes the
  configured regional variant (``EN-GB`` by default) since the client refuses ``EN``;
* the glossary is one multilingual (v3) glossary named ``transflow-<content hash>``: found by
  name and reused; otherwise an older ``transflow-*`` glossary is updated in place and
  renamed (free plans allow one glossary), other stale ``transflow-*`` ones are deleted;
* a server without v3 glossaries (404/405/501, or a refusal) gets one v2 glossary per
  direction (``transflow-<hash>-nl-en``); if that fails too, drafts are made without the
  glossary and ``warnings`` says so: a glossary problem never stops or loses a run;
* a 400 naming a request option (``Value for 'model_type' not supported``) stops the run
  with a configuration hint instead of splitting the batch text by text;
* a response the client cannot read is tolerated: a missing ``billed_characters`` is
  estimated from the text sent (the client would crash on it), a missing translation
  becomes a refused text that a rerun retries;
* the key is checked before any request (:func:`check_auth_key`: one line of visible ASCII)
  and never appears in a message: a key with a line break or a non-Latin-1 character is a
  configuration error, not an outage to retry;
* every HTTP request is counted (``requests_sent``, retries included, usage and glossary
  calls too: what the server saw) and every retry is announced through ``on_retry``
  (``"429 Too Many Requests, waiting 2 s …"``) before the wait.

Library code: no printing, no environment; the key and URL come from the caller.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import deepl
from deepl.api_data import MultilingualGlossaryDictionaryEntries

from transflow.errors import AuthorizationError, ConfigError, EngineError, QuotaExceededError
from transflow.glossary import load_glossary
from transflow.mt.engine import (
    MAX_REQUEST_BYTES,
    MAX_TEXTS,
    EngineResult,
    QuotaExceededDuringBatch,
    Usage,
    plan_batches,
)
from transflow.mt.placeholders import (
    IGNORE_TAGS,
    NON_SPLITTING_TAGS,
    TAG_HANDLING,
    TAG_HANDLING_VERSION,
    billable_characters,
)

#: (source language, target language) → {source term: target term}; languages upper-case.
Glossary = dict[tuple[str, str], dict[str, str]]

GLOSSARY_PREFIX = "transflow-"
_SPLIT_STATUSES = (400, 413)
#: ``model_type`` values DeepL accepts; anything else is refused for every request.
MODEL_TYPES = ("quality_optimized", "latency_optimized", "prefer_quality_optimized")
#: Request options a 400 may name when it is the request, not the text, that is refused.
_OPTION_NAMES = frozenset({
    "model_type", "formality", "tag_handling", "tag_handling_version", "glossary_id",
    "source_lang", "target_lang", "context", "split_sentences", "preserve_formatting",
    "outline_detection", "ignore_tags", "non_splitting_tags", "show_billed_characters",
})
_QUOTED_RE = re.compile(r"'(\w+)'")


def check_auth_key(key: str) -> None:
    """Refuse, before any request, a key that cannot be a DeepL key; never echo it.

    A key travels in an HTTP header, so it is one line of visible ASCII (DeepL's are a UUID,
    ``:fx`` for the free plan). A line break or a non-Latin-1 character would make the HTTP
    library fail (and print the header, key included) or retry as if DeepL were down.
    """
    if not key:
        raise AuthorizationError("no DeepL key", hint="set DEEPL_AUTH_KEY to enable machine drafts")
    for position, char in enumerate(key, 1):
        if "\x21" <= char <= "\x7e":
            continue
        if char in "\r\n":
            what = "a line break"
        elif char.isspace():
            what = "a space or tab"
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            what = "a control character"
        else:
            what = "a non-ASCII character"
        raise ConfigError(
            f"DEEPL_AUTH_KEY has {what} at position {position} of {len(key)}: a DeepL key "
            "is one line of letters, digits, '-' and ':'",
            hint="set DEEPL_AUTH_KEY again to exactly the key shown in your DeepL account",
        )


def read_glossary(path: Path, *, languages: tuple[str, str] | None = None) -> Glossary:
    """The workspace glossary (``transflow.glossary``) in DeepL's shape: both directions,
    keyed by upper-case language codes (``("EN", "NL"): {term: translation}``)."""
    dictionaries = load_glossary(path, languages=languages).as_dictionaries()
    return {(src.upper(), tgt.upper()): terms for (src, tgt), terms in dictionaries.items()}


def glossary_name(glossary: Glossary) -> str:
    """``transflow-`` + a hash of the content, so an unchanged glossary is found again."""
    digest = hashlib.sha256()
    for (src, tgt), entries in sorted(glossary.items()):
        digest.update(f"{src}>{tgt}\n".encode())
        for term, target in sorted(entries.items()):
            digest.update(f"{term}\t{target}\n".encode())
    return GLOSSARY_PREFIX + digest.hexdigest()[:16]


class DeepLEngine:
    """The DeepL API through the official client, with transflow's retry and error policy."""

    name = "deepl"

    def __init__(
        self,
        auth_key: str,
        *,
        server_url: str | None = None,
        formality: str | None = None,
        glossary: Glossary | None = None,
        model_type: str | None = None,
        english_variant: str = "EN-GB",
        timeout: float = 60.0,
        max_retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
        max_texts: int = MAX_TEXTS,
        max_bytes: int = MAX_REQUEST_BYTES,
        on_retry: Callable[[str], None] | None = None,
    ) -> None:
        check_auth_key(auth_key)
        if model_type is not None and model_type not in MODEL_TYPES:
            raise ConfigError(
                f"deepl.model_type: unknown value {model_type!r}",
                hint="use one of: " + ", ".join(MODEL_TYPES),
            )
        deepl.http_client.max_network_retries = 0
        deepl.http_client.min_connection_timeout = timeout
        self._client = _Client(auth_key, server_url=server_url)
        self.formality = formality
        self.glossary = glossary or {}
        self.model_type = model_type
        self.english_variant = english_variant.upper()
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.max_texts = max_texts
        self.max_bytes = max_bytes
        #: (source, target) → glossary id; None until the glossary was set up (once).
        self._glossary_ids: dict[tuple[str, str], str] | None = None
        #: Attempts made (HTTP requests sent, retries included): for reports and tests.
        self.requests_sent = 0
        #: Of those, the repeats after a 429, a 5xx, a timeout or a connection error.
        self.retries = 0
        #: Told about each retry before its wait (the CLI prints it on stderr).
        self.on_retry = on_retry or (lambda message: None)
        self._key = auth_key
        #: Things the run's report should mention (glossary not used, …); never fatal.
        self.warnings: list[str] = []

    # ------------------------------------------------------------------ Engine
    def translate(
        self,
        texts: Sequence[str],
        *,
        source_lang: str,
        target_lang: str,
        context: str | None = None,
    ) -> list[EngineResult]:
        source = source_lang.upper().split("-")[0]
        target = target_lang.upper()
        if target == "EN":
            target = self.english_variant
        results: list[EngineResult] = []
        for batch in plan_batches(
            texts, context=context, max_texts=self.max_texts, max_bytes=self.max_bytes
        ):
            chunk = [texts[i] for i in batch.indices]
            try:
                results += self._translate_splitting(chunk, source, target, context)
            except QuotaExceededDuringBatch as exc:
                raise QuotaExceededDuringBatch(
                    exc.message, completed=results + exc.completed, hint=exc.hint
                ) from exc
        return results

    def usage(self) -> Usage | None:
        info = self._call(self._client.get_usage)
        character = info.character
        return Usage(character.count, character.limit)

    # ------------------------------------------------------------------ internals
    def _translate_splitting(
        self, texts: list[str], source: str, target: str, context: str | None
    ) -> list[EngineResult]:
        try:
            return self._send(texts, source, target, context)
        except _Refused as refused:
            if len(texts) == 1:
                return [EngineResult(None, 0, f"DeepL refused this text: {refused}")]
            half = len(texts) // 2
            first = self._translate_splitting(texts[:half], source, target, context)
            try:
                second = self._translate_splitting(texts[half:], source, target, context)
            except QuotaExceededDuringBatch as exc:
                raise QuotaExceededDuringBatch(
                    exc.message, completed=first + exc.completed, hint=exc.hint
                ) from exc
            return first + second

    def _send(
        self, texts: list[str], source: str, target: str, context: str | None
    ) -> list[EngineResult]:
        options: dict[str, Any] = {
            "source_lang": source,
            "target_lang": target,
            "tag_handling": TAG_HANDLING,
            "tag_handling_version": TAG_HANDLING_VERSION,
            "ignore_tags": list(IGNORE_TAGS),
            "non_splitting_tags": list(NON_SPLITTING_TAGS),
        }
        if context:
            options["context"] = context
        if self.formality and target.startswith("NL"):
            options["formality"] = self.formality
        if self.model_type:
            options["model_type"] = self.model_type
        glossary_id = self._glossary_for(source, target.split("-")[0])
        if glossary_id is not None:
            options["glossary"] = glossary_id
        try:
            got = self._call(lambda: self._client.translate_text(texts, **options))
        except QuotaExceededError as exc:
            raise QuotaExceededDuringBatch(exc.message, completed=[], hint=exc.hint) from exc
        results = [EngineResult(r.text, int(r.billed_characters)) for r in got[: len(texts)]]
        missing = len(texts) - len(results)
        return results + [EngineResult(None, 0, "DeepL returned no translation")] * missing

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run one API call with the single retry layer and the status-code policy."""
        delay = self.backoff
        attempt = 0
        while True:
            attempt += 1
            self.requests_sent += 1
            try:
                return fn()
            except deepl.DeepLException as exc:
                status = exc.http_status_code
                retryable = status is None and isinstance(exc, deepl.ConnectionException)
                retryable = retryable or status == 429 or (status is not None and status >= 500)
                if status == 456:
                    raise QuotaExceededError(
                        "DeepL quota exceeded (456): no more characters this billing period",
                        hint="finished drafts are saved; rerun when the quota resets",
                    ) from exc
                if status == 403:
                    raise AuthorizationError(
                        "DeepL refused the key (403)",
                        hint="check DEEPL_AUTH_KEY (keys ending in ':fx' are free-plan keys)",
                    ) from exc
                if status == 400 and _names_option(str(exc)):
                    raise _Rejected(
                        f"DeepL refused the request options (400): {self._redact(exc)}",
                        status=status,
                        hint="check the [deepl] options in transflow.toml (formality, "
                             "model_type, variants, glossary)",
                    ) from exc
                if status in _SPLIT_STATUSES:
                    raise _Refused(f"{status}: {self._redact(exc)}") from exc
                if not retryable:
                    raise _Rejected(f"DeepL request failed: {self._redact(exc)}",
                                    status=status) from exc
                if attempt > self.max_retries:
                    raise EngineError(
                        f"DeepL still failing after {attempt} attempts: {self._redact(exc)}",
                        hint="try again later; finished drafts are saved",
                    ) from exc
                wait = min(delay, self.max_backoff)
                self.retries += 1
                self.on_retry(f"DeepL: {_failure(status)}, waiting {wait:g} s "
                              f"(retry {attempt} of {self.max_retries})")
                self.sleep(wait)
                delay *= 2

    def _redact(self, exc: BaseException) -> str:
        """An exception's text with the key taken out (in case a library put it there)."""
        text = str(exc)
        return text.replace(self._key, "[DEEPL_AUTH_KEY]") if self._key else text

    def _glossary_for(self, source: str, target: str) -> str | None:
        if not self.glossary.get((source, target)):
            return None
        if self._glossary_ids is None:
            self._glossary_ids = self._setup_glossaries()
        return self._glossary_ids.get((source, target))

    def _setup_glossaries(self) -> dict[tuple[str, str], str]:
        """Glossary ids per direction: v3 if the server has it, else v2, else none (warned).

        Only a refusal (4xx other than 403/456) falls back; a key, quota or outage problem
        is raised, since the translation requests would meet it too.
        """
        pairs = [pair for pair, entries in sorted(self.glossary.items()) if entries]
        try:
            info = self._ensure_glossary()
            return dict.fromkeys(pairs, str(info.glossary_id))
        except (_Rejected, _Refused) as exc:
            v3_problem = str(exc)
        ids: dict[tuple[str, str], str] = {}
        try:
            existing = self._call(self._client.list_glossaries)
        except (_Rejected, _Refused) as exc:
            self.warnings.append(
                f"glossary not used: the DeepL server refused it ({v3_problem}; v2: {exc}); "
                "drafts were made without it"
            )
            return ids
        wanted = {f"{glossary_name(self.glossary)}-{s.lower()}-{t.lower()}": (s, t)
                  for s, t in pairs}
        for info in existing:
            if info.name in wanted and info.ready:
                ids[wanted.pop(info.name)] = str(info.glossary_id)
            elif info.name.startswith(GLOSSARY_PREFIX):
                with contextlib.suppress(_Rejected, _Refused):  # stale; plans allow few
                    self._call(partial(self._client.delete_glossary, info))
        for name, (src, tgt) in wanted.items():
            entries = self.glossary[(src, tgt)]
            try:
                info = self._call(partial(self._client.create_glossary, name, src, tgt, entries))
            except (_Rejected, _Refused) as exc:
                self.warnings.append(
                    f"glossary {src}->{tgt} not used: the DeepL server refused it ({exc}); "
                    "those drafts were made without it"
                )
                continue
            ids[(src, tgt)] = str(info.glossary_id)
        return ids

    def _ensure_glossary(self) -> Any:
        name = glossary_name(self.glossary)
        existing = self._call(self._client.list_multilingual_glossaries)
        for info in existing:
            if info.name == name:
                return info
        stale = [g for g in existing if g.name.startswith(GLOSSARY_PREFIX)]
        dictionaries = [
            MultilingualGlossaryDictionaryEntries(src, tgt, entries)
            for (src, tgt), entries in sorted(self.glossary.items())
            if entries
        ]
        if not stale:
            return self._call(
                lambda: self._client.create_multilingual_glossary(name, dictionaries)
            )
        keep, *others = stale
        for other in others:
            self._call(partial(self._client.delete_multilingual_glossary, other))
        for dictionary in dictionaries:
            self._call(
                partial(self._client.replace_multilingual_glossary_dictionary, keep, dictionary)
            )
        self._call(lambda: self._client.update_multilingual_glossary_name(keep, name))
        return self._call(lambda: self._client.get_multilingual_glossary(keep.glossary_id))


class _Client(deepl.DeepLClient):
    """The official client, tolerant of a translate response without ``billed_characters``
    (older servers and mocks omit it; the client would raise ``TypeError`` and the paid
    batch would be lost): the missing count is estimated from the text sent."""

    def _api_call(self, url: str, **kwargs: Any) -> Any:
        status, content, body = super()._api_call(url, **kwargs)
        if url == "v2/translate" and isinstance(body, dict):
            sent = (kwargs.get("json") or {}).get("text") or []
            translations = body.get("translations")
            for i, item in enumerate(translations if isinstance(translations, list) else []):
                if isinstance(item, dict) and not isinstance(item.get("billed_characters"), int):
                    text = sent[i] if i < len(sent) and isinstance(sent[i], str) else ""
                    item["billed_characters"] = billable_characters(text)
        return status, content, body


def _failure(status: int | None) -> str:
    """What went wrong with an attempt, for the retry line (never the exception text)."""
    if status == 429:
        return "429 Too Many Requests"
    if status is not None:
        return f"{status} server error"
    return "no answer (connection error or timeout)"


def _names_option(message: str) -> bool:
    """Whether a 400's message names a request option (the request, not a text, is refused)."""
    return any(name in _OPTION_NAMES for name in _QUOTED_RE.findall(message))


class _Rejected(EngineError):
    """A non-retryable refusal with its status (glossary setup falls back on these)."""

    def __init__(self, message: str, *, status: int | None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.status = status


class _Refused(Exception):
    """The service refused the request's content (400/413): split and retry the halves."""
