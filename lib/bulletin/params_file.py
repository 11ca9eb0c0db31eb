"""Reading one params file (district, scoring scheme, run file, region): every value checked for its type and
range, every problem named by file, line and key in Chinese, unknown keys warned about with the closest known
key. Nothing in a params file is ever evaluated; aliases and sizes are limited (see yamlio)."""

from __future__ import annotations

import datetime
import difflib
import math
import re
from pathlib import Path
from typing import Any

from bulletin.errors import ConfigError, ParamError
from bulletin.figures.periods import parse_period
from bulletin.vocabulary import ID_PATTERN
from bulletin.yamlio import load_yaml_lines


def check_id(value: str, what: str = "区县代码") -> str:
    """The value if it is a safe id ([a-z0-9][a-z0-9_-]*), else ParamError."""
    text = str(value)
    if not ID_PATTERN.match(text):
        raise ParamError(f"{what}“{text}”无效:只能由小写字母、数字、下划线和连字符组成,且以字母或数字开头。")
    return text


MAX_NOTE_CHARS = 20_000  # one note (存在问题, 下步工作安排) of a seed bulletin is under 2,000 characters
MAX_TEXT_CHARS = 200  # names, issuers, ids
_TRUE = {"true", "yes", "on", "是", "1"}
_FALSE = {"false", "no", "off", "否", "0", ""}


def show(value: Any) -> str:
    """A value as a message quotes it: shortened, one line."""
    text = " ".join(str(value).split())
    return text if len(text) <= 40 else text[:37] + "..."


def _dotted(keys: tuple) -> str:
    """notes.2024-06.problems, categories[1].items[2].cap."""
    out = ""
    for key in keys:
        out += f"[{key + 1}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


class ParamsFile:
    """A params file being read (district, scheme, run, region): its content, the line of each key, and the
    warnings found so far. Each accessor returns a checked, typed value or raises ConfigError naming the file,
    the line and the key; nothing in the file is ever evaluated."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.raw, self.lines = load_yaml_lines(self.path)
        self.warnings: list[str] = []

    def where(self, keys: tuple) -> str:
        """'<file> 第N行' for the key (or the nearest enclosing one that has a line)."""
        probe = tuple(k if isinstance(k, int) else str(k) for k in keys)
        while probe and probe not in self.lines:
            probe = probe[:-1]
        return f"{self.path} 第{self.lines[probe]}行" if probe else str(self.path)

    def error(self, keys: tuple, message: str) -> ConfigError:
        """A ConfigError '<file> 第N行:<key> <message>'."""
        name = _dotted(keys)
        return ConfigError(f"{self.where(keys)}:{name + ' ' if name else ''}{message}")

    def top(self) -> dict:
        """The file's top-level mapping."""
        return self.mapping(self.raw, ())

    def mapping(self, value: Any, keys: tuple) -> dict:
        """value if it is a mapping (key: value)."""
        if not isinstance(value, dict):
            raise self.error(keys, "内容应为键值映射(key: value)。")
        return value

    def known(self, raw: dict, keys: tuple, allowed: tuple[str, ...]) -> None:
        """Warn about each key not in allowed (it is ignored), suggesting the closest known key."""
        for key in raw:
            if str(key) in allowed:
                continue
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            hint = f"是否应为 {close[0]}?" if close else f"可用的参数项:{'、'.join(allowed)}。"
            self.warnings.append(f"{self.where(keys + (str(key),))}:未知的参数项 {_dotted(keys + (str(key),))}"
                                 f"(已忽略),{hint}")

    def require(self, raw: dict, key: str, keys: tuple) -> Any:
        """The value of a key that must be there."""
        if key not in raw or raw[key] in (None, ""):
            raise ConfigError(f"{self.where(keys)}:{_dotted(keys) + ' ' if keys else ''}缺少必填项 {key}。")
        return raw[key]

    def text(self, raw: dict, key: str, keys: tuple = (), *, required: bool = False, default: str = "",
             limit: int = MAX_TEXT_CHARS) -> str:
        """A text value (a number is taken as its text); a list, mapping or true/false is a type error."""
        value = self.require(raw, key, keys) if required else raw.get(key)
        if value is None:
            return default
        return self.as_text(value, keys + (key,), limit)

    def as_text(self, value: Any, keys: tuple, limit: int = MAX_TEXT_CHARS) -> str:
        """value as text, checked for its type and length."""
        if isinstance(value, datetime.date):  # `date: 2024-07-05` in notes
            return value.isoformat()
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(keys, f"应为文字,而非“{show(value)}”。")
        text = str(value)
        if len(text) > limit:
            raise self.error(keys, f"内容过长({len(text)}字),上限为{limit}字。")
        return text

    def flag(self, raw: dict, key: str, keys: tuple = (), default: bool = False) -> bool:
        """true / false (also the text "true", "false", "是", "否"); anything else is a type error."""
        value = raw.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise self.error(keys + (key,), f"应为 true 或 false,而非“{show(value)}”。")

    def number(self, raw: dict, key: str, keys: tuple = (), default: float | None = None, *,
               minimum: float | None = None) -> float | None:
        """A finite number (not true/false, not .nan or .inf), at least minimum if given."""
        value = raw.get(key, default)
        if value is None:
            return None
        return self.as_number(value, keys + (key,), minimum=minimum)

    def as_number(self, value: Any, keys: tuple, *, minimum: float | None = None) -> float:
        """value as a finite float, at least minimum if given."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(keys, f"应为数字,而非“{show(value)}”。")
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if not math.isfinite(number):
            raise self.error(keys, f"应为有限的数字,而非“{show(value)}”。")
        if minimum is not None and number < minimum:
            raise self.error(keys, f"应不小于{minimum:g},而非{show(value)}。")
        return number

    def choice(self, raw: dict, key: str, keys: tuple, allowed: tuple[str, ...], default: str) -> str:
        """One of allowed."""
        value = raw.get(key)
        if value is None or value == "":
            return default
        if not isinstance(value, str) or value not in allowed:
            raise self.error(keys + (key,), f"应为 {' / '.join(allowed)} 之一,而非“{show(value)}”。")
        return value

    def items(self, raw: dict, key: str, keys: tuple = ()) -> list:
        """A list (a single text value counts as a list of one); [] when absent."""
        value = raw.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list):
            raise self.error(keys + (key,), f"应为列表,而非“{show(value)}”。")
        return value

    def period(self, value: Any, keys: tuple) -> str:
        """A period text (2024-06, 2024-Q2, ...), normalized."""
        try:
            return parse_period(self.as_text(value, keys)).text
        except ParamError as exc:
            raise type(exc)(f"{self.where(keys)}:{_dotted(keys)} {exc}") from None

    def ident(self, value: Any, keys: tuple, what: str) -> str:
        """A safe id ([a-z0-9][a-z0-9_-]*)."""
        try:
            return check_id(self.as_text(value, keys), what)
        except ParamError as exc:
            raise ConfigError(f"{self.where(keys)}:{exc}") from None
