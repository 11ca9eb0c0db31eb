"""The mainland China working-day calendar (statutory holidays off, 调休 workdays on) and deadlines."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.errors import CalendarError, ConfigError
from bulletin.yamlio import load_yaml

CALENDAR_FILE = "calendar.yaml"


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up workdays for the years it covers."""

    holidays: frozenset[date]
    workdays: frozenset[date]
    years: frozenset[int]
    source: str = f"params/{CALENDAR_FILE}"
    _workday_index: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        first, last = min(self.years), max(self.years)
        days = np.arange(np.datetime64(f"{first}-01-01"), np.datetime64(f"{last + 1}-01-01"))
        weekday = (days.astype("datetime64[D]").view("int64") + 3) % 7 < 5  # 1970-01-01 was a Thursday
        off = np.isin(days, np.array(sorted(self.holidays), dtype="datetime64[D]"))
        on = np.isin(days, np.array(sorted(self.workdays), dtype="datetime64[D]"))
        object.__setattr__(self, "_workday_index", days[(weekday & ~off) | on])

    def is_workday(self, day: date) -> bool:
        """True if the day is a working day (调休 included, holidays excluded)."""
        self._require_years(np.array([day.year]))
        return bool(np.isin(np.datetime64(day, "D"), self._workday_index))

    def workdays_between(self, first: date, last: date) -> np.ndarray:
        """The working days from first to last inclusive, as datetime64[D]."""
        self._require_years(np.array([first.year, last.year]))
        index = self._workday_index
        return index[(index >= np.datetime64(first, "D")) & (index <= np.datetime64(last, "D"))]

    def deadlines(self, received: pd.Series, days: pd.Series) -> pd.Series:
        """Deadline dates: received date + promised working days (0 = the same day); NaT where days is missing."""
        received_day = pd.to_datetime(received).dt.normalize()
        n = pd.to_numeric(days, errors="coerce")
        valid = received_day.notna() & n.notna()
        result = pd.Series(pd.NaT, index=received.index, dtype="datetime64[ns]")
        if not valid.any():
            return result
        r = received_day[valid].to_numpy().astype("datetime64[D]")
        k = n[valid].to_numpy().astype("int64")
        self._require_years(r.astype("datetime64[Y]").astype(int) + 1970)
        before = np.searchsorted(self._workday_index, r, side="right")
        pos = before + k - 1
        beyond = pos >= len(self._workday_index)
        if beyond.any():
            self._require_years(np.array([max(self.years) + 1]))
        out = np.where(k == 0, r, self._workday_index[np.minimum(pos, len(self._workday_index) - 1)])
        self._require_years(out.astype("datetime64[Y]").astype(int) + 1970)
        result.loc[valid] = out.astype("datetime64[ns]")
        return result

    def _require_years(self, years: np.ndarray) -> None:
        missing = sorted(set(np.unique(years).tolist()) - self.years)
        if missing:
            year = missing[0]
            raise CalendarError(
                f"办件期限涉及{year}年,但工作日历未覆盖该年份,无法准确计算办理期限。"
                f"请在 {self.source} 中录入{year}年的法定节假日(holidays)和调休上班日(workdays),"
                f"或在 years 中列出{year}。"
            )


def builtin_calendar() -> WorkCalendar:
    """The calendar published by the chinese-calendar package (years 2004 to its last year)."""
    from chinese_calendar import constants

    holidays = frozenset(constants.holidays)
    workdays = frozenset(constants.workdays)
    years = frozenset(d.year for d in holidays)
    return WorkCalendar(holidays=holidays, workdays=workdays, years=years)


def load_calendar(params_dir: Path) -> WorkCalendar:
    """The built-in calendar with params/calendar.yaml's holidays, workdays and years added or overriding."""
    base = builtin_calendar()
    path = Path(params_dir) / CALENDAR_FILE
    source = f"{Path(params_dir).name}/{CALENDAR_FILE}"
    if not path.exists():
        return WorkCalendar(base.holidays, base.workdays, base.years, source)
    raw = load_yaml(path) or {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}:应为包含 holidays、workdays 的映射。")
    holidays = _dates(raw.get("holidays"), path, "holidays")
    workdays = _dates(raw.get("workdays"), path, "workdays")
    years = set(base.years) | {d.year for d in holidays | workdays}
    for year in raw.get("years") or []:
        if not isinstance(year, int) or not 1990 <= year <= 2100:
            raise ConfigError(f"{path}:years 中的“{year}”不是有效年份。")
        years.add(year)
    return WorkCalendar(
        holidays=frozenset((base.holidays - workdays) | holidays),
        workdays=frozenset((base.workdays - holidays) | workdays),
        years=frozenset(years),
        source=source,
    )


def _dates(values, path: Path, key: str) -> set[date]:
    if values is None:
        return set()
    if not isinstance(values, list):
        raise ConfigError(f"{path}:{key} 应为日期列表,如 [2027-01-01, 2027-02-05]。")
    out = set()
    for value in values:
        if isinstance(value, date):
            out.add(value)
            continue
        try:
            out.add(date.fromisoformat(str(value)))
        except ValueError:
            raise ConfigError(f"{path}:{key} 中的“{value}”不是有效日期(应写作 2027-01-01)。") from None
    return out
