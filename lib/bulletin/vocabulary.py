"""The project's vocabulary, defined once: channels, item types, rating labels and their numbers, bulletin kinds
and their labels, the id pattern, half-up rounding and the bulletin title.

Every stage (data, figures, document, run) imports these; a second literal copy elsewhere is a bug
waiting for the day the two differ. Standard library only, so any stage may import it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

# 申办渠道 of a case (SPEC cases.channel): the hall window first, then the online ones.
WINDOW = "窗口"
CHANNELS: tuple[str, ...] = (WINDOW, "一网通办", "全程网办", "掌上办")
ONLINE_CHANNELS: tuple[str, ...] = tuple(c for c in CHANNELS if c != WINDOW)
FULLY_ONLINE: tuple[str, ...] = ("全程网办", "掌上办")  # 全程网办率: nothing handed in at a window

# 办件类型 of an item (SPEC items.item_type); 即办件 are done on the spot (即时办结率).
INSTANT = "即办件"
ITEM_TYPES: tuple[str, ...] = (INSTANT, "一审一核件", "承诺件")

# 评价渠道 of an evaluation (SPEC evaluations.channel).
EVAL_ONLINE, EVAL_OFFLINE = "线上", "线下"
EVAL_CHANNELS: tuple[str, ...] = (EVAL_ONLINE, EVAL_OFFLINE)

# 评价等级: the number and its word, best first (SPEC evaluations.rating).
RATING_LABELS: dict[int, str] = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
RATINGS: tuple[int, ...] = tuple(RATING_LABELS)
RATING_NUMBERS: dict[str, int] = {label: number for number, label in RATING_LABELS.items()}
GOOD_RATINGS: tuple[int, ...] = (5, 4, 3)  # 好评; 2 and 1 are 差评
SATISFIED_RATINGS: tuple[int, ...] = (5, 4)  # satisfaction mode satisfied_rate
RATING_PERCENT: dict[int, float] = {5: 1.0, 4: 0.8, 3: 0.6, 2: 0.4, 1: 0.2}  # satisfaction mode mean_rating

# Bulletin kinds, in the order they are listed, with their Chinese names.
KIND_LABELS: dict[str, str] = {"monthly": "月通报", "quarterly": "季度通报", "half_year": "半年运行分析",
                               "annual": "年度工作总结"}
KINDS: tuple[str, ...] = tuple(KIND_LABELS)

# District, region and scheme ids: safe as folder names and in URLs.
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
ID_RULE = "[a-z0-9][a-z0-9_-]*"


def half_up(value: float, digits: int) -> Decimal:
    """value rounded half-up (四舍五入, 0.125 -> 0.13, never banker's) to `digits` decimals, via its shortest repr."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def bulletin_title(name: str, kind: str, period_label: str = "") -> str:
    """A bulletin's title: 云河区政务服务工作月通报, or with the period 云河区2024年6月政务服务工作月通报."""
    return f"{name}{period_label}政务服务工作{KIND_LABELS[kind]}"
