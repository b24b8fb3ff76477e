"""Configuration discovery and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.config import load_config, parse_config
from transflow.errors import ConfigError
from transflow.states import State


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_transflow_toml_found_from_a_subfolder(tmp_path: Path) -> None:
    write(tmp_path / "transflow.toml", 'articles = "posts"\nsource_language = "nl"\n')
    sub = tmp_path / "posts" / "deep"
    sub.mkdir(parents=True)
    config = load_config(sub)
    assert config.root == tmp_path.resolve()
    assert config.articles == (tmp_path / "posts").resolve()
    assert config.source_language == "nl"
    assert config.targets_for("nl") == ["en"]
    assert config.publish is State.REVIEWED


def test_pyproject_table_is_used_and_other_pyprojects_are_skipped(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.transflow]\npublish = "translated"\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "x"\n')
    config = load_config(tmp_path / "pkg")
    assert config.root == tmp_path.resolve()
    assert config.publish is State.TRANSLATED


def test_no_config_gives_a_hint(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert "transflow init" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("table", "message", "hint"),
    [
        ({"languages": ["nl", "nk"]}, "unknown language 'nk'", "did you mean"),
        ({"source_language": "de"}, "not one of languages", None),
        ({"publish": "done"}, "unknown state", None),
        ({"artcles": "x"}, "unknown configuration key 'artcles'", "did you mean 'articles'"),
        ({"languages": ["nl"]}, "at least two", None),
        ({"memory_threshold": 3}, "memory_threshold", None),
        ({"deepl": {"formality": "rude"}}, "deepl.formality", None),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(
    tmp_path: Path, table: dict[str, object], message: str, hint: str | None
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_config(table, root=tmp_path, path=tmp_path / "transflow.toml")
    assert message in str(info.value)
    assert str(tmp_path / "transflow.toml") in str(info.value)
    if hint:
        assert hint in (info.value.hint or "")


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    write(tmp_path / "transflow.toml", "articles = [\n")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(tmp_path)


def test_regional_codes_are_normalised(tmp_path: Path) -> None:
    config = parse_config({"languages": ["nl", "en-GB"], "source_language": "nl"}, root=tmp_path)
    assert config.languages == ("nl", "en_GB")


def test_deepl_timeout_is_configurable_and_checked(tmp_path: Path) -> None:
    config = parse_config({"deepl": {"timeout": 120}}, root=tmp_path)
    assert config.deepl.timeout == 120.0
    with pytest.raises(ConfigError, match=r"deepl\.timeout"):
        parse_config({"deepl": {"timeout": 0}}, root=tmp_path)


def test_props_and_shortcodes_are_read_and_checked(tmp_path: Path) -> None:
    config = parse_config({}, root=tmp_path)
    assert "caption" in config.props and "aria-label" in config.props
    assert config.shortcodes == (("image", (2,)), ("notice", (2,)))
    config = parse_config(
        {"props": ["title", "quote"], "shortcodes": {"notice": [2], "img": [3, 1]}}, root=tmp_path
    )
    assert config.props == ("title", "quote")
    assert config.shortcodes == (("notice", (2,)), ("img", (1, 3)))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"props": "title"}, "props: expected a list of prop names"),
        ({"props": ["ti tle"]}, "props: expected a list of prop names"),
        ({"shortcodes": ["image"]}, "shortcodes: expected a table"),
        ({"shortcodes": {"image": 2}}, "'image' is the number 2, not a list of parameter pos"),
        ({"shortcodes": {"image": [0]}}, "item 1 is the number 0, not a parameter position"),
        ({"shortcodes": {"image": [True]}}, "item 1 is true, not a parameter position"),
    ],
)
def test_bad_props_and_shortcodes_are_refused(
    tmp_path: Path, table: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        parse_config(table, root=tmp_path)


@pytest.mark.parametrize(
    "given",
    ["articles/a.md", "locales/nl/x.po", "dist/nl/news/a.md", "articles/../outside.md",
     "articles/./a.md", "a..b/c.md", "..hidden/x.md", ""],
)
def test_relative_names_every_path_as_pathlib_would(tmp_path: Path, given: str) -> None:
    """The string fast path gives what the pathlib one gives, inside and outside the root."""
    config = parse_config({}, root=tmp_path)
    for path in (tmp_path / given, Path(given), tmp_path.parent / "elsewhere" / given):
        expected = (path.relative_to(tmp_path).as_posix()
                    if path.is_absolute() and ".." not in path.parts
                    and path.is_relative_to(tmp_path) else None)
        if expected is None:
            try:
                expected = path.resolve().relative_to(tmp_path).as_posix()
            except ValueError:
                expected = path.as_posix()
        assert config.relative(path) == expected


def test_a_language_code_is_checked_every_time_it_is_asked() -> None:
    """Babel's answers are kept per code, its refusals are not (each call reports)."""
    from transflow.config import validate_language

    assert validate_language("nl-NL") == validate_language(" nl_NL ") == "nl_NL"
    for _ in range(2):
        with pytest.raises(ConfigError, match="unknown language 'xx-QQ'"):
            validate_language("xx-QQ")


def test_a_bare_language_code_is_answered_as_babel_answers_it() -> None:
    """The codes answered from Babel's locale-data files without importing Babel (``nl``,
    ``en``: a bare language with its own file) get Babel's own answer, for every two- and
    three-letter code Babel knows and for codes it does not (which it still judges)."""
    from babel import Locale, UnknownLocaleError
    from babel.localedata import locale_identifiers

    from transflow.config import _locale_data, _locale_name

    def babel(text: str) -> str | None:
        try:
            return str(Locale.parse(text))
        except (UnknownLocaleError, ValueError, TypeError):
            return None

    assert _locale_data() is not None
    bare = sorted(i for i in locale_identifiers() if "_" not in i)
    assert {"nl", "en", "de", "fr", "haw"} <= set(bare)
    for code in [*bare, "qq", "xyz", "NL", "En", "e", "nl_BE", "pt_BR", "zh_TW", "sr_Latn"]:
        assert _locale_name.__wrapped__(code) == babel(code), code


def test_loading_a_workspace_with_bare_codes_does_not_import_babel(tmp_path: Path) -> None:
    """What the answer from the files saves: every command loads the configuration."""
    import subprocess
    import sys

    write(tmp_path / "transflow.toml", 'languages = ["nl", "en"]\nsource_language = "nl"\n')
    probe = ("import sys; from transflow.config import load_config; load_config(); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] == 'babel'))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "[]"
