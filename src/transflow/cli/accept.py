"""``--accept REF CHECK`` of ``check`` and ``review``: one implementation for both commands."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import click

from transflow.cli.common import check_language, emit_json, get_config, info
from transflow.errors import TransflowError
from transflow.workflow.accept import accept, parse_ref
from transflow.workflow.review import default_git_runner, reviewer_name


def accept_cmd(ctx: click.Context, ref: tuple[str, str], *, reason: str,
               reviewer: str | None, language: str | None, as_json: bool,
               article: Path | None = None) -> None:
    """``--accept REF CHECK`` of ``check`` and ``review`` (with ``review``, REF is a line of
    ``article``)."""
    config = get_config(ctx, lock=True)
    where, check_name = ref
    if article is not None:
        if not where.isdigit():
            raise click.BadParameter(f"not a line number: {where!r}", param_hint="--accept")
        where = f"{article.as_posix()}:{where}"
    try:
        path, line = parse_ref(where)
    except TransflowError as exc:
        raise click.BadParameter(f"{exc.message} ({exc.hint})", param_hint="--accept") from None
    who = reviewer or reviewer_name(default_git_runner, os.environ)
    report = accept(config, path, line, check_name, reviewer=who, reason=reason,
                    language=check_language(config, language), day=date.today(),
                    now=datetime.now(UTC))
    if as_json:
        emit_json(report.to_json())
    for item in report.accepted:
        verb = "accepted" if item.changed else "already accepted"
        info(f"{item.catalog}:{item.line}: {verb} [{item.check}] ({item.reference}) by "
             f"{item.reviewer or report.reviewer}")
