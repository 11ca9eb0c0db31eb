"""Change since last time in the ranking (issue 16): months and quarters against the previous one, half years, years
and month ranges against the same period a year earlier; nothing stated from incomplete scores."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bulletin.config import load_district, load_scheme
from bulletin.data.store import load_tables
from bulletin.document import narrative
from bulletin.document.attachments import workbook_bytes
from bulletin.figures.changes import bottom_runs
from bulletin.figures.compute import compute_figures
from bulletin.figures.periods import parse_period
from bulletin.figures.workdays import load_calendar
from conftest import make_project, read_raw

DISTRICT = "tongshan"


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return make_project(tmp_path_factory.mktemp("changes"), [DISTRICT], "2023-01", "2024-12", 0.004)


@pytest.fixture(scope="module")
def gap_project(project: Path, tmp_path_factory) -> Path:
    """The same project with March 2023's case export cut to its header row."""
    root = tmp_path_factory.mktemp("changes_gap")
    shutil.copytree(project / "params", root / "params")
    shutil.copytree(project / "data", root / "data", ignore=shutil.ignore_patterns(".store"))
    march = root / "data" / DISTRICT / "cases" / "2023-03.csv"
    raw = march.read_bytes()
    march.write_bytes(raw[: raw.index(b"\n") + 1])
    assert read_raw(march).empty
    return root


def figures(project: Path, period: str, kind: str) -> dict:
    params = project / "params"
    district = load_district(params, DISTRICT)
    return compute_figures(load_tables(project / "data", DISTRICT), district, load_scheme(params, district.scoring),
                           load_calendar(params), parse_period(period), kind)


def text(blocks) -> str:
    return "\n".join(b.text for b in blocks)


@pytest.mark.parametrize("period, kind, base, relation", [
    ("2024-06", "monthly", "2024-05", "上期"),
    ("2024-Q2", "quarterly", "2024-Q1", "上期"),
    ("2024-H1", "half_year", "2023-H1", "上年同期"),
    ("2024", "annual", "2023", "上年同期"),
    ("2024-01..2024-11", "annual", "2023-01..2023-11", "上年同期"),
])
def test_ranking_compared_with_the_right_period(project: Path, period: str, kind: str, base: str, relation: str):
    """The comparison ranking is the base period's own ranking (scored as its bulletin scores it) and each move is
    the difference of the two ranks."""
    f = figures(project, period, kind)
    s = f["scores"]
    assert s["previous"]["period"] == base and s["previous"]["relation"] == relation
    assert s["previous_incomplete"] is None
    assert s["previous"]["ranking"] == figures(project, base, kind)["scores"]["ranking"]
    before = {r["department"]: r["rank"] for r in s["previous"]["ranking"]}
    assert [m["move"] for m in s["moves"]] == [before[r["department"]] - r["rank"] if r["department"] in before
                                               else None for r in s["ranking"]]
    said = text(narrative.ranking_changes(f))
    label = s["previous"]["period_label"]
    assert said.startswith(f"与上年同期({label})相比" if relation == "上年同期" else f"与{label}相比")
    if relation == "上年同期":
        assert "连续两期" not in said + text(narrative.problems(f)) + text(narrative.next_steps(f))
    assert f"{relation}排名({label})" in narrative.ranking_table(f, full=True)[0].header


def test_workbook_names_the_comparison_period(project: Path):
    """The 附件 workbook's ranking sheet heads the columns 上年同期排名/上年同期总分 for a half year."""
    import io

    from openpyxl import load_workbook

    f = figures(project, "2024-H1", "half_year")
    sheet = load_workbook(io.BytesIO(workbook_bytes(f)))["考核排名"]
    header = [c.value for c in next(row for row in sheet.iter_rows() if row[0].value == "排名")]
    assert "上年同期排名(2023年上半年)" in header and "上年同期总分(2023年上半年)" in header


@pytest.mark.parametrize("period, kind, base_label", [
    ("2024-H1", "half_year", "2023年上半年"),
    ("2024-01..2024-11", "annual", "2023年1-11月"),
    ("2023-04", "monthly", "2023年3月"),
])
def test_no_change_stated_when_the_base_period_lacks_a_month(gap_project: Path, period: str, kind: str,
                                                            base_label: str):
    """March 2023 has no cases: every ranking compared with a period holding it states why there is no change, and
    the tables carry no previous rank."""
    f = figures(gap_project, period, kind)
    s = f["scores"]
    assert s["previous"] is None and s["moves"] == [] and s["bottom_again"] == []
    assert s["previous_incomplete"]["period_label"] == base_label
    said = text(narrative.ranking_changes(f))
    assert said.startswith("2023年3月没有办件数据") and "不与" in said and base_label in said
    assert "上升" not in said and "下降" not in said
    assert not any("排名(" in h for h in narrative.ranking_table(f, full=True)[0].header)


def test_comparison_unaffected_by_a_gap_outside_it(gap_project: Path):
    """The gap in March 2023 does not touch 2024-Q2 against 2024-Q1."""
    s = figures(gap_project, "2024-Q2", "quarterly")["scores"]
    assert s["previous"]["period"] == "2024-Q1" and s["previous_incomplete"] is None


def test_nothing_compared_before_the_data_begins(project: Path):
    """2023-H1 has no 2022 data to compare with: no change, and no sentence about one."""
    f = figures(project, "2023-H1", "half_year")
    assert f["scores"]["previous"] is None and f["scores"]["previous_incomplete"] is None
    assert narrative.ranking_changes(f) == []


@pytest.mark.parametrize("period, kind", [("2024-12", "monthly"), ("2024-06", "monthly"), ("2024-Q4", "quarterly")])
def test_bottom_runs_match_each_earlier_ranking(project: Path, period: str, kind: str):
    """Each run counts the periods running in which the unit was in the bottom three, checked against the bottom
    three of each earlier period's own figures."""
    s = figures(project, period, kind)["scores"]
    assert [r["department"] for r in s["bottom_runs"]] == sorted(s["bottom_again"], key=lambda d: -next(
        r["periods"] for r in s["bottom_runs"] if r["department"] == d))
    step = parse_period(period)
    bottoms = []
    for _ in range(6):
        bottoms.append(figures(project, step.text, kind)["scores"]["bottom3"])
        step = step.previous()
    for run in s["bottom_runs"]:
        streak = 0
        while streak < len(bottoms) and run["department"] in bottoms[streak]:
            streak += 1
        assert run["periods"] == streak if not run["at_least"] else run["periods"] <= streak


def test_bottom_runs_count_each_unit_until_it_leaves():
    """A run counts now, last time and each earlier period still in the bottom three; 及以上 (at_least) only where
    counting stopped with the unit still there; earlier periods are read only while a unit is still running."""
    read = []

    def earlier(bottoms):
        for b in bottoms:
            read.append(b)
            yield b

    bottoms = [["甲", "乙", "丙"], ["甲", "丙", "丁"], ["丁", "戊", "己"], ["甲", "乙", "丙"], ["甲"]]
    assert bottom_runs(["乙", "甲"], earlier(bottoms)) == [
        {"department": "甲", "periods": 4, "at_least": False}, {"department": "乙", "periods": 3, "at_least": False}]
    assert len(read) == 3  # the fourth earlier period is never scored: nobody was still running
    assert bottom_runs(["甲"], earlier([["甲"]] * 10), limit=6) == [{"department": "甲", "periods": 6, "at_least": True}]
    assert bottom_runs(["甲"], earlier([["甲"]])) == [{"department": "甲", "periods": 3, "at_least": True}]
    assert bottom_runs([], earlier([["甲"]])) == []
