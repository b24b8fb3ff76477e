"""The ``transflow`` click group; each command lives in its own module and registers itself
on ``main`` when it is first asked for (see ``common.LAZY_COMMANDS``)."""

from __future__ import annotations

import click

from transflow import __version__
from transflow.cli.common import TransflowGroup

__all__ = ["main"]


@click.group(cls=TransflowGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=lambda ctx, _param, value: _version(ctx) if value else None,
              help="Show the version (and whether its hot modules run compiled) and exit.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), metavar="FILE",
              help="Use this transflow.toml / pyproject.toml instead of searching upwards.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.pass_context
def main(ctx: click.Context, config_path: str | None, debug: bool) -> None:
    """Keep Dutch and English articles aligned through gettext catalogs.

    \b
    The workflow:
      transflow sync        articles -> locales/<lang>/<slug>.po
      transflow translate   drafts from translation memory, then DeepL
      transflow review      approve translations
      transflow check       numbers, links, footnotes, markup, glossary
      transflow build       finished pairs -> dist/<lang>/<slug>.md (or a site layout)
      transflow run         all of the above for pipelines

    Exit codes: 0 fine, 1 error, 2 usage, 3 not ready.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    ctx.obj["config_path"] = config_path


def _version(ctx: click.Context) -> None:
    from transflow._modules import describe

    click.echo(f"transflow, version {__version__} ({describe()})")
    ctx.exit()


# Commands are registered lazily: see ``common.LAZY_COMMANDS``.
