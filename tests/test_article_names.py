"""``check_name``: the string fast path refuses and accepts exactly what pathlib's way does.

The reference below is the pathlib spelling of the same rules (control characters, symlink
loops, links out of the workspace); every case is asked of both, by absolute, relative and
``..`` paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transflow.config import Config, parse_config
from transflow.errors import ArticleError
from transflow.workflow.workspace import _is_control, check_name


def reference(config: Config, path: Path) -> Path:
    """``check_name`` as pathlib says it."""
    if not path.is_absolute() or ".." in path.parts:
        path = Path(os.path.abspath(path))
    rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) \
        else path.as_posix()
    if any(_is_control(c) for c in rel):
        raise ArticleError(
            "the file name has a control character, which gettext cannot reference")
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        raise ArticleError("a symlink loop") from None
    if resolved != path and not resolved.is_relative_to(config.root):
        raise ArticleError(f"a symlink to {resolved}, outside the workspace")
    return path


def answer(check: object, config: Config, path: Path) -> object:
    try:
        return check(config, path)  # type: ignore[operator]
    except ArticleError as exc:
        return exc.message


NAMES = ["plain.md", "café.md", "nbsp\xa0name.md", "bad\nname.md", "bad\u2028name.md",
         "bad\x1bname.md", "inside-link.md", "outside-link.md", "loop-a.md", "missing.md",
         "dangling.md", "root-link.md", "sub/deep.md", "linked-in/deep.md",
         "linked-out/secret.md", "linked-loop/x.md", "plain.md/x.md", "sub/./deep.md"]


@pytest.mark.parametrize("name", NAMES)
def test_a_name_is_checked_as_pathlib_would(tmp_path: Path, name: str,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "ws"
    articles = root / "articles"
    (articles / "sub").mkdir(parents=True)
    for plain in ("plain.md", "café.md", "nbsp\xa0name.md", "sub/deep.md"):
        (articles / plain).write_text("# x\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("# secret\n", encoding="utf-8")
    (articles / "inside-link.md").symlink_to(articles / "plain.md")
    (articles / "outside-link.md").symlink_to(tmp_path / "secret.md")
    (articles / "loop-a.md").symlink_to(articles / "loop-b.md")
    (articles / "loop-b.md").symlink_to(articles / "loop-a.md")
    (articles / "dangling.md").symlink_to(articles / "nowhere.md")
    (articles / "root-link.md").symlink_to(root)
    # Folders on the way that are links (in, out, to themselves), and a file as a folder.
    (articles / "linked-in").symlink_to(articles / "sub")
    (articles / "linked-out").symlink_to(tmp_path)
    (articles / "linked-loop").symlink_to(articles / "linked-loop")
    config = parse_config({}, root=root)
    monkeypatch.chdir(root)
    for path in (articles / name, Path("articles") / name, articles / "sub" / ".." / name):
        expected = answer(reference, config, path)
        assert answer(check_name, config, path) == expected
    if name.startswith("loop"):
        assert expected == "a symlink loop"


@pytest.mark.parametrize("name", ["plain.md", "outside-link.md", "inside-link.md"])
def test_a_workspace_reached_through_a_link_is_checked_as_pathlib_would(
        tmp_path: Path, name: str) -> None:
    """A workspace folder that is not its own real path (a configuration made by hand,
    not loaded) takes ``realpath``'s way for every part, not the walk below the root."""
    import dataclasses

    root = tmp_path / "ws"
    articles = root / "articles"
    articles.mkdir(parents=True)
    (articles / "plain.md").write_text("# x\n", encoding="utf-8")
    (tmp_path / "secret.md").write_text("# secret\n", encoding="utf-8")
    (articles / "inside-link.md").symlink_to(articles / "plain.md")
    (articles / "outside-link.md").symlink_to(tmp_path / "secret.md")
    alias = tmp_path / "alias"
    alias.symlink_to(root)
    config = dataclasses.replace(parse_config({}, root=root), root=alias)
    path = alias / "articles" / name
    assert answer(check_name, config, path) == answer(reference, config, path)
