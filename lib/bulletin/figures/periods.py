"""Bulletin periods: month, quarter, half year, year and month range, with their 环比/同比 bases."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bulletin.errors import ParamError

_QUARTER_CN = {1: "一", 2: "二", 3: "三", 4: "四"}
_MONTH = r"(\d{4})-(0[1-9]|1[0-2])"
_PATTERNS = {
    "month": re.compile(rf"^{_MONTH}$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "year": re.compile(r"^(\d{4})$"),
    "range": re.compile(rf"^{_MONTH}\.\.{_MONTH}$"),
}


def _month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def _from_index(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


@dataclass(frozen=True, order=True)
class Period:
    """A span of whole months, written as in SPEC (2018-01, 2023-Q4, 2022-H1, 2023, 2018-01..2018-11)."""

    first: int  # month index (year * 12 + month - 1) of the first month
    last: int  # month index of the last month, inclusive
    kind: str  # month / quarter / half / year / range

    @property
    def text(self) -> str:
        """The period as written in params and paths."""
        y, m = _from_index(self.first)
        if self.kind == "month":
            return f"{y}-{m:02d}"
        if self.kind == "quarter":
            return f"{y}-Q{(m - 1) // 3 + 1}"
        if self.kind == "half":
            return f"{y}-H{1 if m <= 6 else 2}"
        if self.kind == "year":
            return f"{y}"
        y2, m2 = _from_index(self.last)
        return f"{y}-{m:02d}..{y2}-{m2:02d}"

    @property
    def label(self) -> str:
        """Chinese label: 2018年1月, 2023年第四季度, 2022年上半年, 2023年, 2018年1-11月."""
        y, m = _from_index(self.first)
        if self.kind == "month":
            return f"{y}年{m}月"
        if self.kind == "quarter":
            return f"{y}年第{_QUARTER_CN[(m - 1) // 3 + 1]}季度"
        if self.kind == "half":
            return f"{y}年{'上' if m <= 6 else '下'}半年"
        if self.kind == "year":
            return f"{y}年"
        y2, m2 = _from_index(self.last)
        if y2 == y:
            return f"{y}年{m}-{m2}月"
        return f"{y}年{m}月至{y2}年{m2}月"

    @property
    def short_label(self) -> str:
        """Label without the year (1月, 第四季度, 上半年, 全年, 1-11月), for sentences after a year."""
        full = self.label
        year = str(self.year)
        rest = full[len(year) + 1 :] if full.startswith(year + "年") else full
        return rest or "全年"

    @property
    def year(self) -> int:
        """Calendar year of the first month."""
        return _from_index(self.first)[0]

    @property
    def start(self) -> date:
        """First day of the period."""
        y, m = _from_index(self.first)
        return date(y, m, 1)

    @property
    def end(self) -> date:
        """Last day of the period."""
        y, m = _from_index(self.last + 1)
        return date(y, m, 1) - timedelta(days=1)

    @property
    def n_months(self) -> int:
        """Number of months covered."""
        return self.last - self.first + 1

    def months(self) -> list[str]:
        """The period's months as 'YYYY-MM', in order."""
        return [f"{y}-{m:02d}" for y, m in map(_from_index, range(self.first, self.last + 1))]

    def month_periods(self) -> list[Period]:
        """Each month of the period as a month Period."""
        return [Period(i, i, "month") for i in range(self.first, self.last + 1)]

    def previous(self) -> Period:
        """The period just before, of the same length (环比 base)."""
        return Period(self.first - self.n_months, self.first - 1, self.kind)

    def year_ago(self) -> Period:
        """The same period one year earlier (同比 base)."""
        return Period(self.first - 12, self.last - 12, self.kind)

    def year_to_date(self) -> Period:
        """From January of the period's year to its last month (累计)."""
        y, _ = _from_index(self.last)
        first = _month_index(y, 1)
        if first == self.last:
            return Period(first, first, "month")
        return Period(first, self.last, "range")

    def __str__(self) -> str:
        return self.text


def parse_period(text: str) -> Period:
    """The Period written as text; ParamError with a Chinese message if it is not one."""
    value = str(text).strip()
    match = _PATTERNS["month"].match(value)
    if match:
        i = _month_index(int(match[1]), int(match[2]))
        return _checked(Period(i, i, "month"), value)
    match = _PATTERNS["quarter"].match(value)
    if match:
        i = _month_index(int(match[1]), (int(match[2]) - 1) * 3 + 1)
        return _checked(Period(i, i + 2, "quarter"), value)
    match = _PATTERNS["half"].match(value)
    if match:
        i = _month_index(int(match[1]), 1 if match[2] == "1" else 7)
        return _checked(Period(i, i + 5, "half"), value)
    match = _PATTERNS["year"].match(value)
    if match:
        i = _month_index(int(match[1]), 1)
        return _checked(Period(i, i + 11, "year"), value)
    match = _PATTERNS["range"].match(value)
    if match:
        first = _month_index(int(match[1]), int(match[2]))
        last = _month_index(int(match[3]), int(match[4]))
        if last < first:
            raise ParamError(f"统计期“{value}”无效:结束月份早于起始月份。")
        if first == last:
            return _checked(Period(first, last, "month"), value)
        return _checked(Period(first, last, "range"), value)
    raise ParamError(
        f"统计期“{value}”无效。应写作 2024-06(月)、2024-Q2(季度)、2024-H1(半年)、"
        "2024(年)或 2024-01..2024-11(月份区间)。"
    )


def _checked(period: Period, value: str) -> Period:
    if not 1990 <= period.year <= 2100:
        raise ParamError(f"统计期“{value}”无效:年份应在1990至2100之间。")
    return period
