"""A month whose export holds no rows is a gap, not a 100% fall: no 同比/环比 involving it, the gap is recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.config import load_district
from bulletin.data.store import load_tables
from bulletin.document.narrative import overview
from bulletin.figures.compute import compute_figures
from bulletin.figures.periods import parse_period
from bulletin.figures.workdays import load_calendar
from conftest import make_project, read_raw, set_district_key

DISTRICT = "tongshan"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """Three demo months (2024-04..06) of one district, May's case export cut to its header row."""
    root = make_project(tmp_path_factory.mktemp("gaps"), [DISTRICT], "2024-04", "2024-06", 0.005)
    may = root / "data" / DISTRICT / "cases" / "2024-05.csv"
    raw = may.read_bytes()
    may.write_bytes(raw[: raw.index(b"\n") + 1])
    assert read_raw(may).empty
    return root


def _figures(project: Path, period: str) -> dict:
    params = project / "params"
    tables = load_tables(project / "data", DISTRICT)
    return compute_figures(tables, load_district(params, DISTRICT), None, load_calendar(params), parse_period(period),
                           "monthly")


def test_missing_base_month_gives_no_comparison(project: Path):
    """June's 环比 base (May) has no rows: mom and vs_previous are None and data_gaps names 2024-05."""
    f = _figures(project, "2024-06")
    assert f["cases"]["received"] > 0
    assert f["cases"]["mom"] is None and set(f["cases"]["vs_previous"].values()) == {None}
    assert f["data_gaps"] == ["2024-05"]


def test_missing_period_month_states_no_fall(project: Path):
    """May itself has no rows: no 同比/环比 (never 减少100%) and the overview says May's data is missing."""
    f = _figures(project, "2024-05")
    assert f["cases"]["yoy"] is None and f["cases"]["mom"] is None
    assert f["data_gaps"] == ["2024-05"]
    text = "".join(block.text for block in overview(f, "全区", detail=False))
    assert "2024年5月的办件数据缺失" in text and "100%" not in text and "环比" not in text.split("。")[0]


def test_complete_months_carry_no_gap(project: Path):
    """April (first month of the data, its bases before the data begins) records no gap and no sentence about one."""
    f = _figures(project, "2024-04")
    assert "data_gaps" not in f
    assert "缺失" not in "".join(block.text for block in overview(f, "全区", detail=False))


def test_notes_with_personal_numbers_are_masked(project: Path):
    """An ID or phone number pasted into notes.problems reaches the figures only masked."""
    path = project / "params" / "districts" / f"{DISTRICT}.yaml"
    original = path.read_bytes()
    set_district_key(project / "params", DISTRICT, "notes", {"2024-06": {"problems": "请联系13812345555,身份证110101199003071234"}})
    try:
        f = _figures(project, "2024-06")
    finally:
        path.write_bytes(original)
    assert f["notes"]["problems"] == "请联系138****5555,身份证110101********1234"


def test_missing_months_do_not_depend_on_rows_before_the_window():
    """The same gaps whether earlier months are loaded or not (a bulletin's window of months gives the full answer)."""
    import pandas as pd

    from bulletin.figures.metrics import missing_months

    months = ["2023-06", "2024-04", "2024-05", "2024-06"]
    received = pd.to_datetime(["2023-05-10", "2023-07-03", "2024-04-02", "2024-06-05"])
    full = pd.DataFrame({"received_at": received})
    windowed = full[full["received_at"] >= "2023-06-01"]
    assert missing_months(full, months) == missing_months(windowed, months) == ["2024-05"]
    assert missing_months(full.iloc[:0], months) == []
