"""How numbers read in a bulletin: 97.8%, 34.9万件, 128.037分, 同比增加25.0%, 环比下降0.5个百分点."""

from __future__ import annotations

from decimal import Decimal

from bulletin.vocabulary import half_up as _half_up


def _trim(number: Decimal) -> str:
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pct(value: float | None, digits: int = 2) -> str:
    """A fraction as a percentage with up to `digits` decimals, half-up, no trailing zeros (0.97804 -> 97.8%)."""
    if value is None:
        return "—"
    return _trim(_half_up(float(value) * 100, digits)) + "%"


def num(value: float, digits: int = 2) -> str:
    """A number with up to `digits` decimals, half-up, no trailing zeros."""
    return _trim(_half_up(value, digits))


def count(value: int, unit: str = "件", wan: bool = False) -> str:
    """A count with its unit (71073件); with wan=True counts of 10万 or more read as 34.9万件."""
    value = int(value)
    if wan and abs(value) >= 100_000:
        return f"{_trim(_half_up(value / 10_000, 1))}万{unit}"
    return f"{value}{unit}"


def score(value: float) -> str:
    """A score with exactly 3 decimals, half-up (128.037分)."""
    return f"{_half_up(value, 3):.3f}分"


def score_number(value: float) -> str:
    """A score with exactly 3 decimals, no unit (for tables)."""
    return f"{_half_up(value, 3):.3f}"


def change_phrase(value: float | None, word_up: str = "增加", word_down: str = "减少") -> str:
    """A relative change worded with one decimal: 增加12.3% / 减少25.0% / 持平; empty where undefined."""
    if value is None:
        return ""
    shown = _half_up(abs(value) * 100, 1)
    if shown == 0:
        return "持平"
    return f"{word_up if value > 0 else word_down}{shown:.1f}%"


def point_change_phrase(this: float | None, base: float | None) -> str:
    """A change of rates in percentage points: 增加0.2个百分点 / 减少1.5个百分点 / 持平; empty where undefined."""
    if this is None or base is None:
        return ""
    diff = _half_up((this - base) * 100, 2)
    if diff == 0:
        return "持平"
    return f"{'增加' if diff > 0 else '减少'}{_trim(abs(diff))}个百分点"


def join_names(names: list[str], sep: str = "、") -> str:
    """Names joined the Chinese way (国税局、地税局、人社局)."""
    return sep.join(str(n) for n in names)
