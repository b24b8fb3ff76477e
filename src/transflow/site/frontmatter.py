"""Per-language front matter on build: slug, URL keys and a shared translation key.

A site generator decides a page's address and its link to the other language from a few
front-matter keys. Copied as they are, both languages claim the same ``url``/``aliases``
and Hugo cannot tell they are translations of each other. ``rewrite`` edits only those
keys of a rendered article, line by line, so every other byte of the front matter (other
keys, comments, order, quoting) stays as it was:

* ``slug``: kept, slugified from its translation (``slug`` listed in ``front_matter``), or
  derived from the translated ``title``;
* URL keys (``url``, ``permalink``, ``aliases``, ``path``, Jekyll's ``redirect_from``):
  every absolute value goes through the rule (``/{lang}{url}``), after the old slug in it
  is replaced by the new one; relative values are relative to the page, which is already
  per language, and stay;
* the translation key (``translationKey`` for Hugo): the same value in every language,
  inserted when absent.

YAML (``---``) and TOML (``+++``) blocks are handled; scalar values and lists of scalars
(flow ``[a, b]`` or block ``- a``) are understood. A value this module cannot read is left
alone rather than guessed at.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

#: Keys holding a page address, rewritten per language.
URL_KEYS = ("url", "permalink", "aliases", "path", "redirect_from")


@dataclass(frozen=True, slots=True)
class Changes:
    """What to do to one language's front matter."""

    #: ``key -> value``: set (replaced, or inserted before the closing line when absent).
    values: dict[str, str] = field(default_factory=dict)
    #: Applied to every value of the URL keys (None: leave them).
    url: Callable[[str], str] | None = None
    url_keys: Sequence[str] = URL_KEYS
    #: Keys to insert only when absent (a shared translation key is never overwritten).
    defaults: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Block:
    kind: str  # "yaml" or "toml"
    lines: list[str]  # with their line endings
    first: int  # index of the first body line (after the opener)
    close: int  # index of the closing line


def _block(text: str) -> tuple[str, _Block, str] | None:
    """(prefix, block, rest): the front matter opening ``text``, or None.

    Lines (with their ``\n``) are taken one by one up to the closing line only: the body
    after it, most of an article, is never split (a build asks this of every page).
    """
    prefix = "\ufeff" if text.startswith("\ufeff") else ""
    body = text[len(prefix):]
    end = body.find("\n")
    if end < 0:
        return None  # one line: no block can close
    opener = body[: end + 1].rstrip()
    if opener not in ("---", "+++"):
        return None
    closers = ("---", "...") if opener == "---" else ("+++",)
    lines = [body[: end + 1]]
    while True:
        start = end + 1
        end = body.find("\n", start)
        line = body[start:] if end < 0 else body[start : end + 1]
        lines.append(line)
        if len(lines) == 2 and opener == "---" and not line.strip():
            return None  # a thematic break
        if line.rstrip() in closers:
            block = _Block("yaml" if opener == "---" else "toml", lines, 1, len(lines) - 1)
            return prefix, block, "" if end < 0 else body[end + 1 :]
        if end < 0:
            return None


def metadata(text: str) -> dict[str, str | list[str]]:
    """The top-level scalar and list-of-scalar values of the front matter (empty if none)."""
    found = _block(text)
    if found is None:
        return {}
    _, block, _ = found
    out: dict[str, str | list[str]] = {}
    for key, (start, end) in _keys(block).items():
        value = _value(block, key, start, end)
        if value is not None:
            out[key] = value
    return out


_YAML_KEY = re.compile(
    r"""^(?P<key>[A-Za-z0-9_][\w.\-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|\r?\n|$)"""
)
_TOML_KEY = re.compile(r"""^(?P<key>[A-Za-z0-9_\-]+|"[^"\n]*")[ \t]*=""")


def _table_header(line: str) -> bool:
    return re.match(r"\s*\[", line) is not None


def _keys(block: _Block) -> dict[str, tuple[int, int]]:
    """Top-level key -> (first line, line after its value), in block line indexes."""
    found: dict[str, tuple[int, int]] = {}
    pattern = _YAML_KEY if block.kind == "yaml" else _TOML_KEY
    current: str | None = None
    for index in range(block.first, block.close):
        line = block.lines[index]
        if block.kind == "toml" and _table_header(line):
            break  # nothing below a table header is top level
        match = pattern.match(line)
        if match:
            current = match.group("key").strip("\"'")
            found[current] = (index, index + 1)
        elif current is not None and (line[:1] in " \t-]" or not line.strip()):
            start, _ = found[current]
            found[current] = (start, index + 1)  # continuation: block list, wrapped value
        else:
            current = None
    # Trailing blank lines belong to no key.
    for key, (start, end) in found.items():
        while end - 1 > start and not block.lines[end - 1].strip():
            end -= 1
        found[key] = (start, end)
    return found


def _value(block: _Block, key: str, start: int, end: int) -> str | list[str] | None:
    text = "".join(block.lines[start:end])
    if block.kind == "toml":
        try:
            value = tomllib.loads(text).get(key)
        except tomllib.TOMLDecodeError:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return list(value)
        return None
    match = _YAML_KEY.match(text)
    if match is None:
        return None
    rest = text[match.end():]
    first, _, more = rest.partition("\n")
    first = first.strip()
    if first.startswith("[") and not more.strip():
        flow = re.fullmatch(r"\[([^\[\]]*)\]\s*(?:#.*)?", first)
        if flow is None:
            return None
        items = [i.strip() for i in flow.group(1).split(",") if i.strip()]
        values = [_yaml_scalar(i) for i in items]
        return None if any(v is None for v in values) else [v for v in values if v is not None]
    if first and not first.startswith("#"):
        if more.strip():
            return None  # a wrapped scalar: left alone
        return _yaml_scalar(first)
    items = []
    for line in more.split("\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if not stripped.startswith("- "):
            return None
        scalar = _yaml_scalar(stripped[2:].strip())
        if scalar is None:
            return None
        items.append(scalar)
    return items if items else None


def _yaml_scalar(raw: str) -> str | None:
    raw = re.sub(r"\s+#.*$", "", raw) if not raw.startswith(("'", '"')) else raw
    raw = raw.strip()
    if raw.startswith('"'):
        match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"\s*(?:#.*)?', raw)
        if not match:
            return None
        return re.sub(r'\\(["\\/])', r"\1", match.group(1)) if "\\" in match.group(1) else (
            match.group(1))
    if raw.startswith("'"):
        match = re.fullmatch(r"'((?:[^']|'')*)'\s*(?:#.*)?", raw)
        return match.group(1).replace("''", "'") if match else None
    if not raw or raw[0] in "[{&*!|>%@`":
        return None
    return raw


#: Plain YAML scalars that read back as the same string (not a number, bool or null).
_PLAIN = re.compile(r"[A-Za-z0-9/][A-Za-z0-9_./~-]*")
_NOT_TEXT = re.compile(r"(?i:y|n|yes|no|true|false|on|off|null|[0-9][0-9_.eE+-]*|0x\w+|0o\w+)")


def _scalar(block: _Block, value: str, plain: bool) -> str:
    """``value`` plain when YAML allows and the original was plain, else double-quoted."""
    if plain and _PLAIN.fullmatch(value) and not _NOT_TEXT.fullmatch(value):
        return value
    return _quote(value)


def _quote(value: str) -> str:
    """A double-quoted string, valid as YAML and as a TOML basic string."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _render(block: _Block, key: str, value: str | list[str], start: int) -> str:
    """The key's line(s), in the block's syntax, indented and ended like the original."""
    original = block.lines[start]
    eol = "\r\n" if original.endswith("\r\n") else "\n"
    sep = " = " if block.kind == "toml" else ": "
    name = key if re.fullmatch(r"[A-Za-z0-9_\-]+", key) else _quote(key)
    if isinstance(value, str):
        plain = block.kind == "yaml" and not re.match(r"^[^:]*:\s*[\"']", original)
        return f"{name}{sep}{_scalar(block, value, plain)}{eol}"
    if block.kind == "yaml" and value and not re.match(r"^[^:]*:\s*\[", original):
        indent = "  "
        return f"{name}:{eol}" + "".join(f"{indent}- {_quote(v)}{eol}" for v in value)
    return f"{name}{sep}[{', '.join(_quote(v) for v in value)}]{eol}"


def value(text: str, key: str) -> str | list[str] | None:
    """``metadata(text).get(key)``, reading only that key's value."""
    found = _block(text)
    if found is None:
        return None
    _, block, _ = found
    span = _keys(block).get(key)
    return None if span is None else _value(block, key, *span)


def has_key(text: str, keys: Sequence[str]) -> bool:
    """False when none of ``keys`` can be a key of the front matter (told by substring:
    every key is written as it is named, quotes aside); True when one may be."""
    found = _block(text)
    if found is None:
        return False
    written = "".join(found[1].lines)
    return any(key in written for key in keys)


def rewrite(text: str, changes: Changes) -> str:
    """``text`` with its front matter changed as ``changes`` says (unchanged without one)."""
    if not (changes.values or changes.defaults) and (
        changes.url is None or not has_key(text, changes.url_keys)
    ):
        return text  # nothing to change, or no URL key to rewrite
    found = _block(text)
    if found is None:
        return text
    prefix, block, rest = found
    keys = _keys(block)
    replace: dict[int, tuple[int, str]] = {}
    for key, value in changes.values.items():
        if key in keys:
            start, end = keys[key]
            if _value(block, key, start, end) != value:
                replace[start] = (end, _render(block, key, value, start))
    if changes.url is not None:
        for key in changes.url_keys:
            if key not in keys or key in changes.values:
                continue
            start, end = keys[key]
            old = _value(block, key, start, end)
            if old is None:
                continue
            new: str | list[str] = (
                changes.url(old) if isinstance(old, str) else [changes.url(v) for v in old]
            )
            if new != old:
                replace[start] = (end, _render(block, key, new, start))
    eol = "\r\n" if block.lines[0].endswith("\r\n") else "\n"
    sep = " = " if block.kind == "toml" else ": "
    added = [
        f"{key}{sep}{_scalar(block, value, block.kind == 'yaml')}{eol}"
        for key, value in {**changes.defaults, **changes.values}.items()
        if key not in keys
    ]
    if not replace and not added:
        return text
    out: list[str] = [block.lines[0]]
    index = block.first
    closing = block.close
    if block.kind == "toml":  # insert before the first table header, not inside a table
        for n in range(block.first, block.close):
            if _table_header(block.lines[n]):
                closing = n
                break
    while index < block.close:
        if index == closing:
            out += added
            added = []
        if index in replace:
            end, line = replace[index]
            out.append(line)
            index = end
            continue
        out.append(block.lines[index])
        index += 1
    out += added
    out.append(block.lines[block.close])
    return prefix + "".join(out) + rest


def slugify(text: str) -> str:
    """``"Magnesium & Sleep: Why?"`` -> ``magnesium-sleep-why`` (ASCII, lower case)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def url_rule(rule: str, lang: str, old_slug: str | None, new_slug: str | None) -> Callable[
    [str], str
]:
    """The rewrite of one URL value: the old slug replaced, then ``rule`` applied.

    ``rule`` has ``{lang}`` and ``{url}`` (``/{lang}{url}``); only absolute values (``/…``)
    change, and a value that already starts with the language prefix is left as it is, so
    building twice, or a translator who localised the URL by hand, is not prefixed again.
    """

    def rewrite_one(value: str) -> str:
        if not value.startswith("/") or value.startswith("//"):
            return value
        if old_slug and new_slug and old_slug != new_slug:
            value = "/".join(new_slug if part == old_slug else part for part in value.split("/"))
        if not rule:
            return value
        prefix = rule.format(lang=lang, url="")
        if prefix and prefix != "/" and value.startswith(prefix.rstrip("/") + "/"):
            return value
        return rule.format(lang=lang, url=value)

    return rewrite_one
