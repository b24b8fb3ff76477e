"""A local stand-in for DeepL's JSON API, spoken to by the real ``deepl`` client.

Runs on 127.0.0.1, port 0, in a thread (``ThreadingHTTPServer``, so a hung request does not
block the retry). Deterministic: translations are ``transflow.mt.engine.fake_translate`` (text
nodes case-swapped, glossary terms substituted, tags kept). Honours what the client needs:
``billed_characters`` on every translation, fractional seconds in glossary ``creation_time``.

Knobs (attributes, set from tests): ``quota`` per key (456 once exceeded), ``faults`` (a queue
of status codes or ``"hang"`` to serve before normal answers), ``hang_seconds``,
``placeholder_mode`` (``"drop"``/``"move"``: damage ``<x/>`` placeholders like a bad engine),
``requests`` (every request received, parsed), ``used`` (billed characters per key),
``hang_after`` (serve that many translate requests, then hang every later one for
``hang_seconds``: a run that can be killed mid-way), ``reported_limit`` (the limit
``/v2/usage`` claims, to let a run start whose real ``quota`` runs out half-way).
A fault entry that is neither an int nor ``"hang"`` (e.g. ``"ok"``) is served normally.

Knobs that imitate DeepL's own mock server (DeepLcom/deepl-mock) and older servers:
``mock_mode`` (every text becomes a fixed phrase per target, markup dropped, billed by its
full length tags included), ``v3_glossaries`` / ``v2_glossaries`` (False: that API answers
404), ``omit_fields`` (keys left out of every translation, e.g. ``{"billed_characters"}``),
``short_response`` (that many translations left off the end of every answer). Unknown
``model_type`` values get the mock's 400 ``Value for 'model_type' not supported.``
"""

from __future__ import annotations

import html
import json
import re
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from transflow.mt.engine import fake_translate

MAX_BODY = 128 * 1024
MAX_TEXTS = 50
MODEL_TYPES = ("quality_optimized", "latency_optimized", "prefer_quality_optimized")
#: deepl-mock's fixed translations ("proton beam") for the languages transflow uses.
MOCK_PHRASES = {"NL": "protonenbundel", "EN": "proton beam", "DE": "Protonenstrahl"}
_TAG_RE = re.compile(r"<[^<>]+>")
_PLACEHOLDER_RE = re.compile(r'<x id="\d+"/>')


@dataclass
class Received:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, list[str]]
    key: str | None
    body: dict[str, Any]


@dataclass
class Glossary:
    glossary_id: str
    name: str
    creation_time: str
    dictionaries: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    #: True for a v2 (single-direction) glossary.
    v2: bool = False

    def to_v2_json(self) -> dict[str, Any]:
        ((src, tgt), entries), = self.dictionaries.items()
        return {"glossary_id": self.glossary_id, "name": self.name, "ready": True,
                "source_lang": src.lower(), "target_lang": tgt.lower(),
                "creation_time": self.creation_time, "entry_count": len(entries)}

    def to_json(self) -> dict[str, Any]:
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "creation_time": self.creation_time,
            "dictionaries": [
                {"source_lang": s.lower(), "target_lang": t.lower(), "entry_count": len(e)}
                for (s, t), e in self.dictionaries.items()
            ],
        }


def _tsv(entries: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in entries.splitlines():
        if "\t" in line:
            src, tgt = line.split("\t", 1)
            out[src] = tgt
    return out


class FakeDeepL:
    """The server state and its knobs; ``url`` is what ``DeepLClient(server_url=…)`` needs."""

    def __init__(self) -> None:
        self.quota: dict[str, int] = {}
        self.used: dict[str, int] = defaultdict(int)
        self.default_limit = 500_000
        self.faults: list[int | str] = []
        self.hang_seconds = 3.0
        self.placeholder_mode: str | None = None
        self.hang_after: int | None = None
        self.reported_limit: int | None = None
        self.requests: list[Received] = []
        self.glossaries: dict[str, Glossary] = {}
        self.mock_mode = False
        self.v3_glossaries = True
        self.v2_glossaries = True
        self.omit_fields: set[str] = set()
        self.short_response = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeDeepL:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()

    def translate_requests(self) -> list[Received]:
        return [r for r in self.requests if r.path == "/v2/translate"]

    # ------------------------------------------------------------------ behaviour
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # silence stderr
                return

            def _reply(self, status: int, payload: Any = None) -> None:
                body = b"" if payload is None else json.dumps(payload).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up (timeout, kill)

            def _handle(self, method: str) -> None:
                parsed = urlparse(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                auth = self.headers.get("Authorization", "")
                key = auth.removeprefix("DeepL-Auth-Key ").strip() or None
                body: dict[str, Any] = {}
                ctype = self.headers.get("Content-Type", "")
                if raw and "json" in ctype:
                    body = json.loads(raw)
                elif raw:
                    form = parse_qs(raw.decode("utf-8"))
                    body = {k: (v if k == "text" else v[0]) for k, v in form.items()}
                received = Received(method, parsed.path, parse_qs(parsed.query), key, body)
                with server.lock:
                    server.requests.append(received)
                    fault = server.faults.pop(0) if server.faults else None
                if (
                    server.hang_after is not None
                    and parsed.path == "/v2/translate"
                    and len(server.translate_requests()) > server.hang_after
                ):
                    fault = "hang"
                if fault == "hang":
                    server.stopped.wait(server.hang_seconds)  # ends early on stop()
                    return self._reply(503, {"message": "hung"})
                if isinstance(fault, int):
                    return self._reply(fault, {"message": f"injected {fault}"})
                if key is None:
                    return self._reply(403, {"message": "missing key"})
                if length > MAX_BODY:
                    return self._reply(413, {"message": "request too large"})
                status, payload = server.dispatch(received)
                self._reply(status, payload)

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

            def do_PUT(self) -> None:
                self._handle("PUT")

            def do_DELETE(self) -> None:
                self._handle("DELETE")

        return Handler

    def dispatch(self, req: Received) -> tuple[int, Any]:
        path, method = req.path, req.method
        assert req.key is not None
        if path == "/v2/usage" and method in ("GET", "POST"):
            limit = self.quota.get(req.key, self.default_limit)
            if self.reported_limit is not None:
                limit = self.reported_limit
            return 200, {"character_count": self.used[req.key], "character_limit": limit}
        if path == "/v2/translate" and method == "POST":
            return self._translate(req.key, req.body)
        if path.startswith("/v2/glossaries"):
            return self._v2_glossaries(req) if self.v2_glossaries else (404, None)
        if path.startswith("/v3/glossaries") and not self.v3_glossaries:
            return 404, None
        if path == "/v3/glossaries":
            if method == "GET":
                return 200, {"glossaries": [g.to_json() for g in self.glossaries.values()
                                            if not g.v2]}
            if method == "POST":
                now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
                g = Glossary(uuid.uuid4().hex, req.body["name"], now.replace("Z", "+00:00"))
                for d in req.body.get("dictionaries", []):
                    g.dictionaries[(d["source_lang"].upper(), d["target_lang"].upper())] = _tsv(
                        d["entries"]
                    )
                self.glossaries[g.glossary_id] = g
                return 201, g.to_json()
        m = re.fullmatch(r"/v3/glossaries/([^/]+)(/dictionaries|/entries)?", path)
        if m:
            g_opt = self.glossaries.get(m.group(1))
            if g_opt is None or g_opt.v2:
                return 404, {"message": "glossary not found"}
            g = g_opt
            if m.group(2) == "/dictionaries" and method == "PUT":
                pair = (req.body["source_lang"].upper(), req.body["target_lang"].upper())
                g.dictionaries[pair] = _tsv(req.body["entries"])
                return 200, {"source_lang": pair[0].lower(), "target_lang": pair[1].lower(),
                             "entry_count": len(g.dictionaries[pair])}
            if m.group(2) is None and method == "GET":
                return 200, g.to_json()
            if m.group(2) is None and method == "DELETE":
                del self.glossaries[g.glossary_id]
                return 204, None
            if m.group(2) is None and method == "PATCH":
                if "name" in req.body:
                    g.name = req.body["name"]
                for d in req.body.get("dictionaries", []):
                    pair = (d["source_lang"].upper(), d["target_lang"].upper())
                    g.dictionaries.setdefault(pair, {}).update(_tsv(d["entries"]))
                return 200, g.to_json()
        return 404, {"message": f"no route {method} {path}"}

    def _v2_glossaries(self, req: Received) -> tuple[int, Any]:
        m = re.fullmatch(r"/v2/glossaries(?:/([^/]+))?", req.path)
        if m is None:
            return 404, None
        gid = m.group(1)
        if gid is None and req.method == "GET":
            return 200, {"glossaries": [g.to_v2_json() for g in self.glossaries.values()
                                        if g.v2]}
        if gid is None and req.method == "POST":
            now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            pair = (str(req.body["source_lang"]).upper(), str(req.body["target_lang"]).upper())
            g = Glossary(uuid.uuid4().hex, str(req.body["name"]), now, v2=True)
            g.dictionaries[pair] = _tsv(str(req.body["entries"]))
            self.glossaries[g.glossary_id] = g
            return 201, g.to_v2_json()
        found = self.glossaries.get(gid or "")
        if found is None or not found.v2:
            return 404, {"message": "glossary not found"}
        if req.method == "GET":
            return 200, found.to_v2_json()
        if req.method == "DELETE":
            del self.glossaries[found.glossary_id]
            return 204, None
        return 404, None

    def _translate(self, key: str, body: dict[str, Any]) -> tuple[int, Any]:
        texts = body.get("text")
        if isinstance(texts, str):
            texts = [texts]
        if not texts or not isinstance(texts, list):
            return 400, {"message": "Parameter 'text' not specified."}
        if len(texts) > MAX_TEXTS:
            return 400, {"message": "Too many texts"}
        target = str(body.get("target_lang", "")).upper()
        source = str(body.get("source_lang", "")).upper()
        if target in ("", "EN", "PT"):
            return 400, {"message": f"Value for 'target_lang' not supported: {target}"}
        if body.get("formality") in ("less", "more") and not target.startswith(("NL", "DE")):
            return 400, {"message": "'formality' is not supported for given 'target_lang'."}
        if body.get("tag_handling_version") not in (None, "v1", "v2"):
            return 400, {"message": "bad tag_handling_version"}
        if body.get("model_type") not in (None, *MODEL_TYPES):
            return 400, {"message": "Value for 'model_type' not supported."}
        for text in texts:
            if "\x00" in text:
                return 400, {"message": "invalid text"}
        tagged = body.get("tag_handling") in ("xml", "html")
        billed = [len(html.unescape(_TAG_RE.sub("", t))) if tagged else len(t) for t in texts]
        if self.mock_mode:  # deepl-mock bills every character sent, tags included
            billed = [len(t) for t in texts]
        limit = self.quota.get(key, self.default_limit)
        with self.lock:
            if self.used[key] + sum(billed) > limit:
                return 456, {"message": "Quota exceeded"}
            self.used[key] += sum(billed)
        terms: dict[str, str] = {}
        gid = body.get("glossary_id")
        if gid:
            glossary = self.glossaries.get(gid)
            if glossary is None:
                return 400, {"message": "glossary not found"}
            terms = glossary.dictionaries.get((source, target.split("-")[0]), {})
        out = []
        for text, n in zip(texts, billed, strict=True):
            translated = fake_translate(text, terms)
            translated = self._damage(translated)
            if self.mock_mode:
                translated = terms.get(text, MOCK_PHRASES.get(target.split("-")[0], "proton beam"))
            item = {"detected_source_language": source or "EN", "text": translated,
                    "billed_characters": n}
            out.append({k: v for k, v in item.items() if k not in self.omit_fields})
        if self.short_response:
            out = out[: max(0, len(out) - self.short_response)]
        return 200, {"translations": out}

    def _damage(self, text: str) -> str:
        placeholders = _PLACEHOLDER_RE.findall(text)
        if not placeholders or self.placeholder_mode is None:
            return text
        first = placeholders[-1]
        rest = text.replace(first, "", 1)
        if self.placeholder_mode == "drop":
            return rest
        if self.placeholder_mode == "move":
            return first + " " + rest
        return text
