"""``transflow serve`` and ``transflow report``: the side-by-side review pages.

Both need the optional ``serve`` extra (Flask for the server, its Jinja2 for the report);
without it they stop with one line saying how to install it, and no other command is
affected (this module is imported only when one of them runs).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transflow.cli import main
from transflow.cli.common import (
    echo_error,
    emit_json,
    get_config,
    info,
    json_option,
    progress_bar,
)
from transflow.config import Config
from transflow.cpus import usable_cpus, worker_count
from transflow.errors import TransflowError
from transflow.workflow.review import default_git_runner, reviewer_name

if TYPE_CHECKING:
    from transflow.web.report import ReportResult

EXTRA_HINT = "install it with: pip install 'transflow[serve]'"
DEFAULT_PORT = 8737


def _needs_extra(exc: ImportError) -> TransflowError:
    return TransflowError(f"this command needs the 'serve' extra ({exc.name} is missing)",
                          hint=EXTRA_HINT)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, or one line saying why not (werkzeug would exit on its own)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise TransflowError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="check --host") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise TransflowError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                             hint="pick another port with --port N (0: any free port)") from None
    return sock


@main.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=DEFAULT_PORT, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback is reachable by others.")
@click.option("--open", "open_browser", is_flag=True, help="Open the pages in a browser.")
@click.option("--reviewer", metavar="NAME",
              help="Who approves (default: the name typed in the page, else git config "
                   "user.name, else the login name).")
@click.pass_context
def serve_cmd(ctx: click.Context, port: int, host: str, open_browser: bool,
              reviewer: str | None) -> None:
    """Review articles side by side in a browser: rendered source and translation.

    Shows every article with its state bar, check findings and what build would do;
    an article page shows source and translation segment by segment, and lets you edit,
    approve, unapprove and use drafts (keyboard shortcuts are listed on the page). Every
    change is written to the .po file at once, exactly as 'transflow review' writes it.

    The address printed holds a random access token: only someone with it can open the
    pages. Stop with Ctrl+C.

    \b
    Examples:
      transflow serve --open
      transflow serve --port 9000 --reviewer "Jane Doe"
    """
    config = get_config(ctx)
    try:
        from werkzeug.serving import make_server

        from transflow.web.app import LOOPBACK, create_app
        from transflow.web.model import Workspace
    except ImportError as exc:
        raise _needs_extra(exc) from None
    allowed: frozenset[str] | None = LOOPBACK
    if not _is_loopback(host):
        info(f"Warning: listening on {host}: anyone who can reach this machine and has the "
             "address below can change the catalogs.")
        allowed = None if host in ("0.0.0.0", "::", "") else LOOPBACK | {
            host.lower(), socket.gethostname().lower(), socket.getfqdn().lower()}
    if reviewer is None:
        try:
            reviewer = reviewer_name(default_git_runner, os.environ)
        except TransflowError:
            reviewer = None  # the page asks for it once
    token = secrets.token_urlsafe(24)
    workspace = Workspace(config, workers=usable_cpus())
    with progress_bar("Reading articles", True) as progress:
        workspace.rows(progress)
    app = create_app(config, token=token, reviewer=reviewer, allowed_hosts=allowed,
                     workspace=workspace)
    listener = _listen(host, port)
    try:
        server = make_server(host, port, app, threaded=True, fd=listener.fileno())
    finally:
        listener.close()  # the server holds its own copy of the socket
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    url = f"http://{shown}:{server.socket.getsockname()[1]}/?token={token}"
    info(f"Serving {config.root} (Ctrl+C stops)")
    info(f"Open: {url}")
    if open_browser:
        webbrowser.open(url)
    try:
        server.serve_forever()
    finally:
        server.server_close()


@main.command("report")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default: transflow-report/ in the workspace).")
@json_option
@click.pass_context
def report_cmd(ctx: click.Context, out: Path | None, as_json: bool) -> None:
    """Write the review pages as static, read-only HTML (for CI artifacts).

    The same index and article pages as 'transflow serve', without the buttons: open
    OUT/index.html from disk, or publish the folder as a pull-request preview.

    \b
    Example (CI):
      transflow report --out public/review
    """
    config = get_config(ctx)
    result = write_report_folder(config, out, quiet=as_json)
    if as_json:
        emit_json({"version": 1, "out": config.relative(result.out), "pages": result.pages,
                   "unchanged": result.unchanged, "removed": result.removed,
                   "articles": result.articles,
                   "problems": result.problems})
    if result.problems:
        ctx.exit(1)


def write_report_folder(config: Config, out: Path | None, *, quiet: bool) -> ReportResult:
    """Write the report (``run --report`` uses this too) and say where it is."""
    try:
        from transflow.web.model import Workspace
        from transflow.web.report import write_report
    except ImportError as exc:
        raise _needs_extra(exc) from None
    folder = (out or config.root / "transflow-report").resolve()
    workers = worker_count()
    workspace = Workspace(config, workers=workers)
    with progress_bar("Writing report", not quiet) as progress:
        result = write_report(config, folder, workspace=workspace, progress=progress,
                              workers=workers)
    if not quiet:
        for problem in result.problems:
            echo_error(problem)
        notes = [f"{result.unchanged} unchanged"] if result.unchanged else []
        notes += [f"{result.removed} removed"] if result.removed else []
        kept = f" ({', '.join(notes)})" if notes else ""
        info(f"report: {result.pages} page(s) for {result.articles} article(s) in "
             f"{config.relative(folder)}/index.html{kept}")
    return result
