"""The validated store: partitioned by month, read back whole or as one bulletin's window of months."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from bulletin.figures.workdays import load_calendar
from bulletin.config import load_district, load_scheme
from bulletin.figures.compute import compute_figures, months_needed
from bulletin.figures.periods import parse_period
from bulletin.data.store import STORE_DIR, load_tables, store_path, stored_rows, window
from bulletin.data.tables import Tables
from bulletin.data.validation import validate_district
from conftest import make_project

DISTRICT = "tongshan"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Two years of a small demo district."""
    return make_project(tmp_path_factory.mktemp("store"), [DISTRICT], "2023-01", "2024-12", 0.05)


def _sorted(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return frame.sort_values(key).reset_index(drop=True)


def test_store_is_partitioned_by_month_and_round_trips(project: Path):
    """Monthly tables are one Parquet file per month; read back whole, every table equals the validated one."""
    data = project / "data"
    full = load_tables(data, DISTRICT)
    folder = store_path(data, DISTRICT)
    months = sorted(p.stem for p in (folder / "cases").glob("*.parquet"))
    assert months[0] == "2023-01" and months[-1] == "2024-12" and len(months) == 24
    assert (folder / "evaluations").is_dir() and (folder / "items.parquet").is_file()
    validated, _ = validate_district(data, DISTRICT)
    assert stored_rows(folder)["cases"] == len(validated.cases)
    for name, key in (("cases", "case_id"), ("evaluations", "eval_id"), ("complaints", "complaint_id")):
        pd.testing.assert_frame_equal(_sorted(getattr(full, name), key), _sorted(getattr(validated, name), key))
    pd.testing.assert_frame_equal(full.items, validated.items)


def test_window_reads_its_months_and_the_cases_open_at_its_start(project: Path):
    """A window holds the rows dated in it, plus earlier cases not completed before its first month."""
    data = project / "data"
    full = load_tables(data, DISTRICT)
    part = load_tables(data, DISTRICT, months=("2024-03", "2024-05"))
    start, stop = pd.Timestamp("2024-03-01"), pd.Timestamp("2024-06-01")
    assert part.evaluations["evaluated_at"].between(start, stop, inclusive="left").all()
    received = full.cases["received_at"]
    expected = ((received >= start) & (received < stop)) | ((received < start) & ~(full.cases["completed_at"] < start))
    assert set(part.cases["case_id"]) == set(full.cases.loc[expected, "case_id"])
    assert len(part.cases) < len(full.cases)
    pd.testing.assert_frame_equal(_sorted(window(full, ("2024-03", "2024-05")).cases, "case_id"),
                                  _sorted(part.cases, "case_id"))


@pytest.mark.parametrize("period, kind", [("2024-06", "monthly"), ("2024-01", "monthly"), ("2024-Q2", "quarterly"),
                                          ("2024-H1", "half_year"), ("2024", "annual"), ("2024-01..2024-11", "annual")])
def test_figures_from_the_window_equal_figures_from_all_months(project: Path, period: str, kind: str):
    """Every figure of a bulletin (trend, 同比, 环比, 超期未办, 差评整改率, scores) is the same from its window of months."""
    data, params = project / "data", project / "params"
    settings, calendar = load_district(params, DISTRICT), load_calendar(params)
    scheme = load_scheme(params, settings.scoring) if settings.scoring else None
    parsed = parse_period(period)
    full = compute_figures(load_tables(data, DISTRICT), settings, scheme, calendar, parsed, kind)
    part = compute_figures(load_tables(data, DISTRICT, months=months_needed(parsed)), settings, scheme, calendar,
                           parsed, kind)
    assert part == full
    assert full["cases"]["overdue_open"] > 0 or full["cases"]["received"] > 0


def test_store_is_rebuilt_once_and_old_keys_are_dropped(project: Path):
    """Loading twice validates once; the district keeps a single store folder."""
    data = project / "data"
    load_tables(data, DISTRICT)
    load_tables(data, DISTRICT, months=("2024-01", "2024-01"))
    assert [p.name for p in (data / STORE_DIR / DISTRICT).iterdir()] == [store_path(data, DISTRICT).name]


def test_cases_open_before_the_window_matter(project: Path, tmp_path: Path):
    """Without the earlier cases still open, 超期未办 would be wrong: the window must carry them."""
    data, params = tmp_path / "data", project / "params"
    shutil.copytree(project / "data" / DISTRICT, data / DISTRICT)
    export = data / DISTRICT / "cases" / "2023-02.csv"  # one case of Feb 2023 never completed (a year before)
    lines = export.read_bytes().decode("gb18030").split("\n")
    lines[1] = lines[1].rsplit(",", 1)[0] + ","
    export.write_bytes("\n".join(lines).encode("gb18030"))
    settings, calendar = load_district(params, DISTRICT), load_calendar(params)
    period = parse_period("2024-06")
    first, _ = months_needed(period)
    tables = load_tables(data, DISTRICT, months=months_needed(period))
    earlier = tables.cases["received_at"] < pd.Timestamp(f"{first}-01")
    assert earlier.any()
    trimmed = Tables(**{**{n: getattr(tables, n) for n in tables.present()}, "cases": tables.cases.loc[~earlier]})
    with_them = compute_figures(tables, settings, None, calendar, period, "monthly")["cases"]["overdue_open"]
    without = compute_figures(trimmed, settings, None, calendar, period, "monthly")["cases"]["overdue_open"]
    assert with_them > without


@pytest.mark.parametrize(("period", "window"), [
    ("2024-06", ("2023-06", "2024-06")),  # 12-month trend and 同比 month
    ("2024-Q2", ("2023-04", "2024-06")),  # 同比 quarter
    ("2024-H1", ("2023-01", "2024-06")),  # 同比 half year before the trend's start
    ("2023-01..2024-12", ("2021-01", "2024-12")),  # 环比 of a 24-month range reaches furthest back
])
def test_months_needed_reaches_back_to_the_earliest_base_period(period: str, window: tuple[str, str]):
    """The window runs from the earliest of trend, 同比 and 环比 months through the period's last month."""
    assert months_needed(parse_period(period)) == window


def _random_cases(seed: int, n: int) -> pd.DataFrame:
    import numpy as np

    rng = np.random.default_rng(seed)
    received = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 730 * 24, n), unit="h")
    completed = pd.Series(received + pd.to_timedelta(rng.integers(0, 120 * 24, n), unit="h"))
    completed[rng.random(n) < 0.2] = pd.NaT
    return pd.DataFrame({"case_id": [f"c{i}" for i in range(n)], "department": "公安局", "item_code": "A1",
                         "township": None, "channel": "窗口", "received_at": received, "completed_at": completed})


@hypothesis_settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(0, 300), first=st.integers(0, 30), length=st.integers(0, 14))
def test_partitioned_read_equals_the_window_in_memory(seed: int, n: int, first: int, length: int):
    """For any cases and any window, reading the monthly files gives exactly the rows `window` keeps in memory."""
    from bulletin.data.store import conform, read_store, write_store

    months = pd.period_range("2022-06", periods=40, freq="M").astype(str)
    chosen = (months[first], months[min(first + length, len(months) - 1)])
    tables = Tables(cases=conform(_random_cases(seed, n), "cases"))
    with tempfile.TemporaryDirectory() as tmp:
        write_store(Path(tmp), "k", tables)
        read = read_store(Path(tmp) / "k", chosen).cases
    expected = window(tables, chosen).cases
    pd.testing.assert_frame_equal(_sorted(read, "case_id"), _sorted(expected, "case_id"))
