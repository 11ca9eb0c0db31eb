"""Deadlines on the mainland working-day calendar, with params/calendar.yaml overrides."""

import pandas as pd
import pytest

from bulletin.figures.workdays import builtin_calendar, load_calendar
from bulletin.errors import CalendarError, ConfigError


def _deadline(calendar, received: str, days: int) -> str:
    out = calendar.deadlines(pd.Series(pd.to_datetime([received])), pd.Series([days]))
    return out.iloc[0].strftime("%Y-%m-%d")


def test_national_day_2024():
    """国庆 2024: 10-01..10-07 off, 09-29 (Sun) and 10-12 (Sat) are 调休 workdays."""
    cal = builtin_calendar()
    assert _deadline(cal, "2024-09-30 10:00", 1) == "2024-10-08"
    assert _deadline(cal, "2024-09-28 10:00", 1) == "2024-09-29"
    assert _deadline(cal, "2024-10-11 10:00", 1) == "2024-10-12"


def test_spring_festival_2024():
    """春节 2024: 02-10..02-17 off, 02-04 and 02-18 (Sundays) worked."""
    cal = builtin_calendar()
    assert _deadline(cal, "2024-02-08 09:00", 2) == "2024-02-18"
    assert _deadline(cal, "2024-02-03 09:00", 1) == "2024-02-04"


def test_zero_days_is_same_day():
    """0 working days means the same day, even on a holiday."""
    assert _deadline(builtin_calendar(), "2024-10-03 15:00", 0) == "2024-10-03"


def test_ordinary_weekend():
    """A Friday case with 1 working day is due Monday."""
    assert _deadline(builtin_calendar(), "2024-06-14 09:00", 1) == "2024-06-17"


def test_missing_days_give_no_deadline():
    """An item without time limits gives NaT, not a guess."""
    out = builtin_calendar().deadlines(pd.Series(pd.to_datetime(["2024-06-14"])), pd.Series([None], dtype="Float64"))
    assert out.isna().all()


def test_uncovered_year_is_an_error(tmp_path):
    """A deadline past the calendar's last year names the year and the file to edit."""
    cal = load_calendar(tmp_path)
    with pytest.raises(CalendarError, match=r"2027年.*calendar\.yaml"):
        _deadline(cal, "2026-12-25 09:00", 20)


def test_overrides_extend_a_year(tmp_path):
    """Holidays entered for 2027 make the year covered and are respected."""
    (tmp_path / "calendar.yaml").write_text("holidays: [2027-01-01]\nworkdays: []\n", encoding="utf-8")
    cal = load_calendar(tmp_path)
    assert _deadline(cal, "2026-12-31 09:00", 1) == "2027-01-04"


def test_overrides_replace_builtin_days(tmp_path):
    """A date listed as a workday overrides a built-in holiday."""
    (tmp_path / "calendar.yaml").write_text("workdays: [2024-10-07]\n", encoding="utf-8")
    assert _deadline(load_calendar(tmp_path), "2024-09-30 10:00", 1) == "2024-10-07"


def test_bad_calendar_file(tmp_path):
    """A malformed date in calendar.yaml is a ConfigError naming the value."""
    (tmp_path / "calendar.yaml").write_text("holidays: [2027-13-01]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="calendar.yaml"):
        load_calendar(tmp_path)
