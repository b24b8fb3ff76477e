"""Leniently read articles: what sync warns about instead of refusing the workspace."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import make_workspace, run


def test_an_unclosed_front_matter_opener_is_markdown_and_sync_warns(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"plus.md": "+++\nTitel zonder einde\n\nDe tekst.\n"})
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "Warning: articles/plus.md: line 1: '+++' opens no front matter" in result.stderr
    pot = (root / "locales/templates/plus.pot").read_text(encoding="utf-8")
    assert 'msgid "+++ Titel zonder einde"' in pot and 'msgid "De tekst."' in pot
