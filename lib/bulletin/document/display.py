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


def names_of(ids: list[str], rows: dict) -> str:
    """The names of these ids in `rows` (id -> row with a `name`), joined the Chinese way (a regional bulletin's
    district ids -> 云河区、东山县)."""
    return join_names([rows[i]["name"] for i in ids])


def rate_change(diff: float | None) -> str:
    """A difference of two rates (as a fraction, 0.002) in percentage points: 增加0.2个百分点 / 持平; empty where undefined."""
    return point_change_phrase(diff, 0.0) if diff is not None else ""


def points(value: float) -> str:
    """A score or deduction in points without trailing zeros (22.0 -> 22, 1.5 -> 1.5), 3 decimals at most."""
    return score_number(value).rstrip("0").rstrip(".")


def ordinal(n: int) -> str:
    """Chinese ordinal for 1..99 (一, 十二, 二十一)."""
    digits = "一二三四五六七八九十"
    if n <= 10:
        return digits[n - 1]
    tens, ones = divmod(n, 10)
    return (digits[tens - 1] if tens > 1 else "") + "十" + (digits[ones - 1] if ones else "")


def listing(mapping: dict, unit: str = "件", limit: int | None = None) -> str:
    """Names with their counts, joined (东湖街道434件、云岭镇399件); the first `limit` entries when given."""
    items = list(mapping.items())
    if limit is not None:
        items = items[:limit]
    return "、".join(f"{k}{count(v, unit)}" for k, v in items)


def category_header(name: str, values: list[float]) -> str:
    """A score column's header saying what its numbers are: 扣分 (all <= 0), 加分 (all >= 0) or 加减分."""
    if all(v <= 0 for v in values):
        return f"{name}(扣分)"
    if all(v >= 0 for v in values):
        return f"{name}(加分)"
    return f"{name}(加减分)"


def movement(move: int | None) -> str:
    """A rank's movement since last time: ↑3, ↓2, 持平, or 新 for a unit not ranked then."""
    if move is None:
        return "新"
    return "持平" if move == 0 else (f"↑{move}" if move > 0 else f"↓{-move}")


def compared_with(previous: dict) -> str:
    """The period a change is against, as a sentence names it: 2024年5月 (上期), 上年同期(2023年上半年)."""
    label = previous["period_label"]
    return f"上年同期({label})" if previous.get("relation") == "上年同期" else label


def runs(rows: list[dict], unit: str) -> str:
    """Units with how many periods running they have been in the bottom three (scores.bottom_runs):
    供电公司连续3个月、财政局连续2个月; 连续6个季度及以上 where the count stopped with the unit still there."""
    return join_names([f"{r['department']}连续{r['periods']}{unit}{'及以上' if r['at_least'] else ''}" for r in rows])


# The filters every wording template may call, by the names templates use.
FILTERS = {
    "count": count,  # {{ cases.received|count }} -> 13724件; {{ n|count('条') }}; {{ n|count('件', wan=true) }}
    "pct": pct,  # {{ cases.completion_rate|pct }} -> 92.02%; {{ share|pct(1) }}
    "num": num,  # {{ x|num }} -> up to 2 decimals
    "score": score,  # {{ scores.max|score }} -> 111.403分
    "score_number": score_number,  # {{ x|score_number }} -> 111.403
    "points": points,  # {{ inspections.deduction|points }} -> 22
    "change": change_phrase,  # {{ cases.yoy|change }} -> 增加6.7% / 减少1.2% / 持平
    "point_change": point_change_phrase,  # {{ this|point_change(base) }} -> 增加0.2个百分点
    "rate_change": rate_change,  # {{ cases.vs_previous.on_time_rate|rate_change }} -> 减少0.32个百分点
    "names": join_names,  # {{ scores.top3|names }} -> 公安局、残疾人联合会、不动产登记中心
    "names_of": names_of,  # {{ attention.overdue|names_of(districts) }} -> 云河区、东山县 (regional: ids -> names)
    "ordinal": ordinal,  # {{ 12|ordinal }} -> 十二
    "compared_with": compared_with,  # {{ scores.previous|compared_with }} -> 2024年5月 / 上年同期(2023年上半年)
    "runs": runs,  # {{ scores.bottom_runs|runs(scores.run_unit) }} -> 供电公司连续3个月、财政局连续2个月
    "listing": listing,  # {{ cases.by_township|listing }} -> 东湖街道434件、云岭镇399件; listing('人次', 8)
}
