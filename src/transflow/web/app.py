"""``transflow serve``: the review pages as a local web app (Flask).

Why Flask: maintained, small, synchronous (the catalog code is synchronous too), Jinja2
templates that escape every value by default, and a test client for the security tests. It
is an optional extra (``pip install 'transflow[serve]'``) so the core stays lean.

Security (the pages edit files, and a browser visits other sites meanwhile):

* the CLI binds to loopback unless told otherwise, and only ``Host`` names in
  ``allowed_hosts`` are answered (no DNS-rebinding access from another site);
* every page needs the random token from the URL the CLI prints (as Jupyter does): the
  first visit trades it for an ``HttpOnly``, ``SameSite=Strict`` cookie;
* every write needs a CSRF token derived from it, sent in the form or an ``X-CSRF-Token``
  header, and an ``Origin`` (when sent) of this server;
* articles are addressed by slug and looked up among the workspace's articles: no URL
  names a file, so nothing outside the workspace can be read or written;
* every text from a catalog or an article is escaped by the templates, rendered text is
  sanitized (``web.sanitize``), and a Content-Security-Policy allows only this server's own
  script and style.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from flask import Flask, Response, abort, flash, jsonify, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from transflow.config import Config
from transflow.errors import TransflowError
from transflow.web.actions import ACTIONS, Conflict, EntryGone, Request, perform
from transflow.web.model import Workspace
from transflow.web.pages import HERE, Links, RowCache, index_context, page_context

TOKEN_COOKIE = "transflow_token"
REVIEWER_COOKIE = "transflow_reviewer"
_ANCHOR = re.compile(r"s-\d{1,6}")
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
       "img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")


def csrf_token(token: str) -> str:
    """The CSRF token of a server: derived from its access token, never equal to it."""
    return hmac.new(token.encode(), b"transflow csrf", hashlib.sha256).hexdigest()[:32]


class ServerLinks(Links):
    """Links between the served pages."""

    def index(self) -> str:
        return "/"

    def article(self, slug: str, language: str) -> str:
        return f"/a/{quote(language)}/{quote(slug)}"

    def asset(self, name: str) -> str:
        return f"/static/{name}"

    def action(self, slug: str, language: str, key: str, action: str) -> str:
        return f"/a/{quote(language)}/{quote(slug)}/entry/{key}/{action}"


def _host_name(host: str) -> str:
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def create_app(
    config: Config,
    *,
    token: str,
    reviewer: str | None = None,
    allowed_hosts: frozenset[str] | None = LOOPBACK,
    today: Callable[[], date] = date.today,
    now: Callable[[], datetime] | None = None,
    workspace: Workspace | None = None,
) -> Flask:
    """The app for ``config``'s workspace; ``token`` guards it (see the module docstring)."""
    here = Path(__file__).parent
    app = Flask("transflow.web", root_path=str(here), static_folder=str(here / "static"),
                template_folder=str(here / "templates"))
    app.secret_key = hashlib.sha256(b"transflow session " + token.encode()).digest()
    app.config.update(SESSION_COOKIE_SAMESITE="Strict", SESSION_COOKIE_HTTPONLY=True,
                      MAX_CONTENT_LENGTH=1 << 20)
    ws = workspace or Workspace(config)
    links = ServerLinks()
    csrf = csrf_token(token)
    clock = now or (lambda: datetime.now().astimezone())
    hosts = None if allowed_hosts is None else frozenset(h.lower() for h in allowed_hosts)

    def current_reviewer() -> str:
        return (request.cookies.get(REVIEWER_COOKIE) or reviewer or "").strip()

    @app.before_request
    def guard() -> BaseResponse | None:
        if hosts is not None and _host_name(request.host.lower()) not in hosts:
            abort(400, "unexpected Host header")
        if request.endpoint == "static":
            return None
        given = request.args.get("token")
        if given is not None:
            if not hmac.compare_digest(given, token):
                abort(403, "wrong access token")
            args = {k: v for k, v in request.args.items() if k != "token"}
            target = request.path + (f"?{urlencode(args)}" if args else "")
            response = redirect(target, code=303)
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
            return response
        if not hmac.compare_digest(request.cookies.get(TOKEN_COOKIE, ""), token):
            abort(403, "open the address 'transflow serve' printed: it holds the access token")
        if request.method == "POST":
            sent = request.headers.get("X-CSRF-Token") or request.form.get("csrf", "")
            if not hmac.compare_digest(sent, csrf):
                abort(403, "missing or wrong CSRF token: reload the page")
            origin = request.headers.get("Origin")
            if origin and origin != "null" and origin.rstrip("/") != request.host_url.rstrip("/"):
                abort(403, "request from another site refused")
        return None

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        if request.endpoint != "static":
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> tuple[str, int]:
        return render_template("error.html", links=links, here=HERE, message=exc.description,
                               title=exc.name, static=False, error=True), exc.code or 500

    def lookup(language: str, slug: str) -> Path:
        path = ws.articles().get(slug)
        if path is None:
            abort(404, "no such article in this workspace")
        if language not in config.languages:
            abort(404, "not a language of this workspace")
        return path

    row_cache = RowCache()

    def render_row(row: Any) -> str:
        return app.jinja_env.get_template("row.html").render(row=row, links=links, here=HERE)

    @app.get("/")
    def index() -> str:
        context = index_context(ws, links, render_row, row_cache)
        return render_template("index.html", **context, static=False, csrf=csrf,
                               reviewer=current_reviewer())

    @app.get("/a/<language>/<path:slug>")
    def article(language: str, slug: str) -> str:
        path = lookup(language, slug)
        try:
            context = page_context(ws, links, slug, path, language)
        except TransflowError as exc:
            abort(404 if "not a target" in exc.message else 422, str(exc))
        return render_template("article.html", **context, static=False, csrf=csrf,
                               reviewer=current_reviewer())

    @app.post("/a/<language>/<path:slug>/entry/<key>/check")
    def live_check(language: str, slug: str, key: str) -> Response:
        path = lookup(language, slug)
        text = request.form.get("text", "")
        try:
            findings, rendered = ws.live_check(slug, path, language, key, text)
        except KeyError:
            abort(404, "this segment is no longer in the catalog")
        except TransflowError as exc:
            abort(422, str(exc))
        return jsonify(findings=[{"severity": s, "check": c, "message": m}
                                 for s, c, m in findings], html=rendered)

    @app.post("/a/<language>/<path:slug>/entry/<key>/<action>")
    def act(language: str, slug: str, key: str, action: str) -> BaseResponse:
        path = lookup(language, slug)
        if action not in ACTIONS:
            abort(404, "unknown action")
        if language not in config.targets_for(ws.row(slug, path).source_language or ""):
            abort(404, "not a target language of this article")
        req = Request(slug=slug, language=language, key=key, action=action,
                      base=request.form.get("base", ""), text=request.form.get("text"),
                      reviewer=current_reviewer() or request.form.get("reviewer"),
                      check=request.form.get("check"))
        back = links.article(slug, language)
        anchor = request.form.get("anchor", "")
        try:
            outcome = perform(config, req, today=today(), now=clock())
        except (Conflict, EntryGone) as exc:
            if request.accept_mimetypes.best == "application/json":
                return jsonify(ok=False, message=str(exc)), 409  # type: ignore[return-value]
            flash(f"Not saved: {exc}", "error")
            return redirect(back, code=303)
        except TransflowError as exc:
            abort(400, str(exc))
        if request.accept_mimetypes.best == "application/json":
            return jsonify(ok=True, changed=outcome.changed, message=outcome.message,
                           state=outcome.state)
        flash(outcome.message, "ok" if outcome.changed else "info")
        return redirect(back + (f"#{anchor}" if _ANCHOR.fullmatch(anchor) else ""), code=303)

    @app.post("/reviewer")
    def set_reviewer() -> BaseResponse:
        name = " ".join(request.form.get("name", "").split())[:100]
        nxt = request.form.get("next", "/")
        if not nxt.startswith("/") or nxt.startswith("//") or "\\" in nxt:
            nxt = "/"
        response = redirect(nxt, code=303)
        if name:
            response.set_cookie(REVIEWER_COOKIE, name, httponly=True,
                                samesite="Strict", max_age=365 * 24 * 3600)
            flash(f"Reviewing as {name}", "ok")
        return response

    @app.context_processor
    def shared() -> dict[str, Any]:
        return {"workspace_name": config.root.name}

    return app
