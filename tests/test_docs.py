"""Every command is documented: a --help with an example, and a line in the README."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from tests.helpers import REPO_ROOT
from transflow.cli import main
from transflow.cli.common import LAZY_COMMANDS

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(LAZY_COMMANDS))
def test_command_has_help_with_an_example_and_is_in_the_readme(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output
    assert "xample" in result.output, f"transflow {name} --help shows no example"
    assert f"transflow {name}" in README


def test_top_level_help_lists_every_command() -> None:
    result = CliRunner().invoke(main, ["--help"])
    for name in LAZY_COMMANDS:
        assert f"  {name} " in result.output


def test_quick_start_is_exactly_two_commands() -> None:
    quick = README.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
