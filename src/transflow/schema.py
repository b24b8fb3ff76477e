"""Typed configuration keys, declared once, each checked with a one-line error.

``config.py`` declares the workspace's keys as a ``Table`` of ``Key`` objects (name, type,
default, hint); ``Table.validate`` checks a raw TOML table against it and returns the values
or *every* problem at once, one ``ConfigError`` per key, each naming the file, the key, the
type expected and what was found. Nothing else in transflow has to guard against a number
where a list was meant, so a new key is one ``Key(...)`` line plus a field on the dataclass
it lands in (see ``config.SCHEMA``).

Invariants: a value is never coerced silently (``true`` is not a number, ``"EN-GB"`` is not a
table); a path must stay inside the workspace once resolved (``..`` and symlinks included).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.errors import ConfigError


class Invalid(Exception):
    """A value does not fit its type: ``expected`` says what would, ``hint`` how to fix it."""

    def __init__(self, expected: str, hint: str | None = None, *, show_value: bool = True,
                 message: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hint = hint
        self.show_value = show_value
        #: Replaces "expected …, got …" when the problem is better said otherwise.
        self.message = message


def describe(value: object) -> str:
    """What a TOML value is, for messages: ``the string "EN-GB"``, ``a list``, ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return f"a list of {len(value)}" if value else "an empty list"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__}"


@dataclass(frozen=True, slots=True)
class Context:
    """Where a value is checked: the workspace root (for paths) and the config file."""

    root: Path
    path: Path | None


class Type:
    """A value type: ``check`` returns the converted value or raises ``Invalid``."""

    expected = "a value"

    def check(self, value: object, ctx: Context) -> Any:
        raise NotImplementedError


class Text(Type):
    """A non-empty string, optionally one of ``choices`` or matching ``pattern``."""

    def __init__(self, choices: Sequence[str] = (), pattern: str | None = None,
                 expected: str | None = None) -> None:
        self.choices = tuple(choices)
        self.pattern = re.compile(pattern) if pattern else None
        if expected:
            self.expected = expected
        elif self.choices:
            self.expected = "one of " + ", ".join(f'"{c}"' for c in self.choices)
        else:
            self.expected = "a non-empty string"

    def check(self, value: object, ctx: Context) -> str:
        if not isinstance(value, str) or not value.strip():
            raise Invalid(self.expected)
        if self.choices and value not in self.choices:
            import difflib  # (an error's suggestion: loaded only then)

            close = difflib.get_close_matches(value, self.choices, n=1)
            raise Invalid(self.expected, f"did you mean '{close[0]}'?" if close else None)
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise Invalid(self.expected)
        return value


class Number(Type):
    """An int or float (never a boolean) within ``[low, high]``."""

    def __init__(self, low: float, high: float) -> None:
        self.low, self.high = low, high
        self.expected = f"a number between {low:g} and {high:g}"

    def check(self, value: object, ctx: Context) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise Invalid(self.expected)
        if not self.low <= value <= self.high:
            raise Invalid(self.expected)
        return float(value)


class Flag(Type):
    """``true`` or ``false``."""

    expected = "true or false"

    def check(self, value: object, ctx: Context) -> bool:
        if not isinstance(value, bool):
            raise Invalid(self.expected)
        return value


_WORDS = {1: "one", 2: "two", 3: "three"}


class ListOf(Type):
    """A list whose items all fit ``item`` (at least ``min_items`` of them)."""

    def __init__(self, item: Type, *, min_items: int = 0, example: str = "",
                 expected: str | None = None) -> None:
        self.item, self.min_items = item, min_items
        self.expected = f"a list of {item.expected.removeprefix('a ').removeprefix('an ')}s"
        if min_items:
            self.expected += f" (at least {_WORDS.get(min_items, min_items)})"
        if expected:
            self.expected = expected
        if example:
            self.expected += f", e.g. {example}"

    def check(self, value: object, ctx: Context) -> tuple[Any, ...]:
        if not isinstance(value, list) or len(value) < self.min_items:
            raise Invalid(self.expected)
        out = []
        for n, item in enumerate(value):
            try:
                out.append(self.item.check(item, ctx))
            except Invalid as exc:
                if exc.message:
                    raise
                raise Invalid(f"{self.expected}; item {n + 1} is {describe(item)}, "
                              f"not {exc.expected}", exc.hint, show_value=False) from None
        return tuple(out)


class MapOf(Type):
    """A table of string keys to values that fit ``item`` (``{en = "EN-GB"}``)."""

    def __init__(self, item: Type, *, example: str) -> None:
        self.item = item
        self.expected = f"a table such as {example}"

    def check(self, value: object, ctx: Context) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise Invalid(self.expected)
        out = {}
        for key, item in value.items():
            try:
                out[key] = self.item.check(item, ctx)
            except Invalid as exc:
                if exc.message:
                    raise
                raise Invalid(f"{self.expected}; '{key}' is {describe(item)}, not "
                              f"{exc.expected}", exc.hint, show_value=False) from None
        return out


class WorkspacePath(Type):
    """A relative path that stays inside the workspace once resolved (symlinks followed)."""

    def __init__(self, what: str = "folder") -> None:
        self.what = what
        self.expected = f"a {what} path inside the workspace"

    def check(self, value: object, ctx: Context) -> Path:
        if not isinstance(value, str) or not value.strip() or "\x00" in value:
            raise Invalid(f"a {self.what} name (a string)")
        root = ctx.root.resolve()
        try:
            resolved = (root / value).resolve()
        except (OSError, RuntimeError):  # a symlink loop
            raise Invalid(self.expected, "a symlink loop is in the way") from None
        if resolved != root and not resolved.is_relative_to(root):
            raise Invalid(self.expected,
                          f"it resolves to {resolved}, outside {root}; move the {self.what} "
                          "into the workspace or the configuration file up", show_value=True)
        return resolved


class Custom(Type):
    """A type checked by a function (``(value, ctx) -> converted``, raising ``Invalid``)."""

    def __init__(self, expected: str, func: Callable[[object, Context], Any]) -> None:
        self.expected = expected
        self.func = func

    def check(self, value: object, ctx: Context) -> Any:
        return self.func(value, ctx)


@dataclass(frozen=True, slots=True)
class Key:
    """One configuration key: its TOML name, type, default and the attribute it fills."""

    name: str
    type: Type
    default: Any = None
    hint: str | None = None
    #: The dataclass field it fills (defaults to ``name``).
    attr: str | None = None
    #: ``None`` means "leave the dataclass default"; otherwise the default is checked too.
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A TOML table of keys and sub-tables (``[deepl]``), built into ``into`` if given."""

    name: str
    keys: Sequence[Key | Table] = ()
    into: Callable[..., Any] | None = None
    attr: str | None = None

    @property
    def names(self) -> list[str]:
        """The keys this table knows, sorted."""
        return sorted(k.name for k in self.keys)

    def validate(self, raw: object, ctx: Context, *, prefix: str = "") -> dict[str, Any]:
        """The checked values by attribute name; raises one ``ConfigError`` listing all."""
        errors: list[ConfigError] = []
        values = self._validate(raw, ctx, prefix, errors)
        if errors:
            first = errors[0]
            first.also = tuple(errors[1:])
            raise first
        return values

    def _validate(self, raw: object, ctx: Context, prefix: str,
                  errors: list[ConfigError]) -> dict[str, Any]:
        label = prefix.rstrip(".") or self.name
        if not isinstance(raw, dict):
            errors.append(ConfigError(f"{label}: expected a table, got {describe(raw)}",
                                      path=ctx.path))
            return {}
        known = {k.name: k for k in self.keys}
        for name in raw:
            if name not in known:
                import difflib  # (an error's suggestion: loaded only then)

                close = difflib.get_close_matches(name, self.names, n=1)
                hint = (f"did you mean '{close[0]}'?" if close
                        else f"known keys: {', '.join(self.names)}")
                where = f"{prefix}{name}"
                what = "configuration key" if not prefix else "option"
                errors.append(ConfigError(f"unknown {what} '{where}'", path=ctx.path, hint=hint))
        values: dict[str, Any] = {}
        for item in self.keys:
            attr = item.attr or item.name
            if isinstance(item, Table):
                before = len(errors)
                sub = item._validate(raw.get(item.name, {}), ctx, f"{prefix}{item.name}.",
                                     errors)
                ok = len(errors) == before
                values[attr] = item.into(**sub) if item.into is not None and ok else sub
                continue
            if item.name not in raw:
                if item.optional:
                    continue
                value = item.default
                if value is None:
                    values[attr] = None
                    continue
            else:
                value = raw[item.name]
            try:
                values[attr] = item.type.check(value, ctx)
            except Invalid as exc:
                got = f", got {describe(value)}" if exc.show_value else ""
                text = exc.message or f"expected {exc.expected}{got}"
                errors.append(ConfigError(f"{prefix}{item.name}: {text}", path=ctx.path,
                                          hint=exc.hint or item.hint))
        return values
