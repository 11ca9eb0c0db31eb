"""绩效考核: scales, deductions with caps, manual points, ties sharing ranks, the summary figures."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bulletin.config import Grade, Scheme, ScoreItem
from bulletin.figures.periods import parse_period
from bulletin.figures.scoring import interpolate, round_half_up, score_departments, score_summary

SCALE = ((0.9, -5.0), (0.95, 0.0), (1.0, 5.0))
PERIOD = parse_period("2024-06")


def _scheme(*items, grades=()):
    return Scheme(id="t", name="测试考核办法", base=100.0, items=tuple(items), grades=tuple(grades))


def test_interpolate_linear_and_clamped():
    """Points are linear between scale points and clamped beyond the ends."""
    assert interpolate(SCALE, 0.975) == pytest.approx(2.5)
    assert interpolate(SCALE, 0.5) == -5.0
    assert interpolate(SCALE, 1.2) == 5.0


@given(st.floats(0, 1), st.floats(0, 1))
def test_interpolate_monotone(a, b):
    """An increasing scale never gives fewer points to a higher value."""
    lo, hi = sorted((a, b))
    assert interpolate(SCALE, lo) <= interpolate(SCALE, hi)


def test_round_half_up():
    """0.125 rounds to 0.13 and 2.5 to 3 (四舍五入, not banker's)."""
    assert round_half_up(0.125, 2) == 0.13
    assert round_half_up(2.5, 0) == 3.0


def test_scores_from_all_sources():
    """Metric points, capped inspection deductions and clamped manual points add to base 100."""
    scheme = _scheme(
        ScoreItem("on_time", "按时办结", "效率", "metric", metric="on_time_rate", scale=SCALE),
        ScoreItem("discipline", "工作纪律", "纪律", "inspections", categories=("到岗",), cap=3.0),
        ScoreItem("leadership", "领导重视", "重视", "manual", min=-5.0, max=5.0),
    )
    metrics = pd.DataFrame({"on_time_rate": [1.0, 0.975, None]}, index=["甲局", "乙局", "丙局"])
    inspections = pd.DataFrame(
        {
            "date": pd.to_datetime(["2024-06-03", "2024-06-04", "2024-06-05", "2024-05-31"]),
            "department": ["乙局", "乙局", "丙局", "丙局"],
            "category": ["到岗", "到岗", "着装", "到岗"],
            "deduction": [2.0, 2.0, 1.0, 5.0],
        }
    )
    assessment = pd.DataFrame(
        {"month": ["2024-06", "2024-06", "2024-06"], "department": ["甲局", "丙局", "丙局"],
         "item": ["领导重视", "leadership", "领导重视"], "points": [7.0, 1.0, 0.5]}
    )
    scored = score_departments(scheme, ["甲局", "乙局", "丙局"], metrics, inspections, assessment, PERIOD)
    totals = dict(zip(scored["department"], scored["total"]))
    assert totals["甲局"] == pytest.approx(100 + 5 + 0 + 5)  # manual 7 clamped to 5
    assert totals["乙局"] == pytest.approx(100 + 2.5 - 3)  # 4 deducted, capped at 3
    assert totals["丙局"] == pytest.approx(100 + 0 - 0 + 1.5)  # 着装 not in item, May not in period
    assert list(scored["rank"]) == [1, 2, 3]


def test_ties_share_rank():
    """Equal totals share a rank and the next rank is skipped (1, 2, 2, 4)."""
    scheme = _scheme(ScoreItem("x", "X", "c", "metric", metric="good_rate", scale=((0.0, 0.0), (1.0, 10.0))))
    metrics = pd.DataFrame({"good_rate": [0.9, 0.5, 0.5, 0.1]}, index=["甲", "乙", "丙", "丁"])
    scored = score_departments(scheme, list(metrics.index), metrics, None, None, PERIOD)
    assert list(scored["rank"]) == [1, 2, 2, 4]
    assert scored["department"].iloc[0] == "甲" and scored["department"].iloc[3] == "丁"


def test_summary_seed_000():
    """Seed 000: highest 128.037, lowest 98.304, spread 29.733; counts above the base."""
    scored = pd.DataFrame(
        {"department": ["国税局", "地税局", "人社局", "畜牧局"], "total": [128.037, 120.0, 100.0, 98.304],
         "rank": [1, 2, 3, 4], "grade": [None] * 4}
    )
    s = score_summary(scored, 100.0)
    assert s["max"] == 128.037 and s["min"] == 98.304
    assert round(s["spread"], 3) == 29.733
    assert s["above_base"] == 2  # strictly greater than 100
    assert s["top3"] == ["国税局", "地税局", "人社局"]
    assert s["mean"] == pytest.approx((128.037 + 120 + 100 + 98.304) / 4)


def test_grades():
    """等次 follow the scheme's thresholds, highest first."""
    scheme = _scheme(
        ScoreItem("x", "X", "c", "metric", metric="good_rate", scale=((0.0, 0.0), (1.0, 10.0))),
        grades=(Grade("好", 105.0), Grade("较好", 98.0), Grade("一般", 0.0)),
    )
    metrics = pd.DataFrame({"good_rate": [0.9, 0.1]}, index=["甲", "乙"])
    scored = score_departments(scheme, ["甲", "乙"], metrics, None, None, PERIOD)
    assert list(scored["grade"]) == ["好", "较好"]


@given(st.lists(st.floats(0, 1), min_size=1, max_size=30))
def test_ranks_agree_with_totals(values):
    """A department never ranks behind one with a lower total; equal shown totals share a rank."""
    scheme = _scheme(ScoreItem("x", "X", "c", "metric", metric="good_rate", scale=((0.0, 0.0), (1.0, 10.0))))
    names = [f"单位{i:02d}" for i in range(len(values))]
    metrics = pd.DataFrame({"good_rate": values}, index=names)
    scored = score_departments(scheme, names, metrics, None, None, PERIOD)
    shown = [round_half_up(t, 3) for t in scored["total"]]
    ranks = list(scored["rank"])
    for i in range(len(shown)):
        assert ranks[i] == 1 + sum(1 for s in shown if s > shown[i])


def test_multi_month_scores_average_the_months():
    """A quarter's score is the mean of its months' item points, re-ranked on the mean totals."""
    from bulletin.figures.scoring import average_scores

    scheme = _scheme(ScoreItem("on_time", "按时办结", "办事效率", "metric", metric="on_time_rate", scale=SCALE))
    months = [parse_period(p) for p in ("2024-04", "2024-05", "2024-06")]
    rates = [{"甲": 1.0, "乙": 0.95}, {"甲": 0.9, "乙": 0.975}, {"甲": 0.95, "乙": 0.95}]
    monthly = [
        score_departments(scheme, ["甲", "乙"], pd.DataFrame({"on_time_rate": r}), None, None, month)
        for r, month in zip(rates, months)
    ]
    scored = average_scores(scheme, monthly)
    totals = dict(zip(scored["department"], scored["total"]))
    assert totals["甲"] == pytest.approx(100 + (5 - 5 + 0) / 3)
    assert totals["乙"] == pytest.approx(100 + (0 + 2.5 + 0) / 3)
    assert list(scored["department"]) == ["乙", "甲"] and list(scored["rank"]) == [1, 2]


def _summary(totals: list[float], incomplete: str = "") -> dict:
    names = [f"单位{i:02d}" for i in range(len(totals))]
    scored = pd.DataFrame({"department": names, "total": totals, "grade": [None] * len(totals)})
    scored["rank"] = scored["total"].rank(method="min", ascending=False).astype("int64")
    return score_summary(scored.sort_values(["rank", "department"]).reset_index(drop=True), 100.0, incomplete)


def test_all_equal_scores_name_no_advanced_units():
    """When every unit has the same total, no unit is named 先进 or 后进, and the reason says so."""
    s = _summary([100.0] * 8)
    assert s["top3"] == [] and s["bottom3"] == []
    assert "得分相同" in s["no_advanced_reason"]


@pytest.mark.parametrize("totals", [[110, 105, 101, 101, 99, 98, 97, 96], [110, 105, 103, 101, 98, 98, 97, 96]])
def test_tie_across_the_cut_names_no_units(totals):
    """A tie between the 3rd and 4th (or the 3rd-last and the one above it) means naming three would pick by name."""
    s = _summary([float(t) for t in totals])
    assert s["top3"] == [] and s["bottom3"] == [] and "无法区分" in s["no_advanced_reason"]


def test_clear_cut_names_three_and_three_apart():
    """Distinct totals name the first three and the last three; with few units no unit is both."""
    s = _summary([110.0, 105.0, 103.0, 101.0, 99.0, 97.0, 95.0])
    assert s["top3"] == ["单位00", "单位01", "单位02"] and s["bottom3"] == ["单位04", "单位05", "单位06"]
    assert s["no_advanced_reason"] == ""
    small = _summary([110.0, 105.0, 103.0, 101.0])
    assert small["top3"] == ["单位00", "单位01", "单位02"] and small["bottom3"] == ["单位03"]


def test_incomplete_data_names_no_units():
    """Scores from incomplete data name no unit; the caller's reason is kept."""
    s = _summary([110.0, 105.0, 103.0, 101.0, 99.0, 97.0, 95.0], "2024年6月没有办件数据,考核依据不完整")
    assert s["top3"] == [] and s["no_advanced_reason"].startswith("2024年6月没有办件数据")


@given(st.lists(st.sampled_from([95.0, 100.0, 100.0005, 101.0, 104.5]), min_size=1, max_size=12))
def test_named_units_are_set_apart(totals):
    """Every named 先进 scores strictly above every unnamed unit, every 后进 strictly below, and none is both."""
    s = _summary(totals)
    by_name = {r["department"]: round_half_up(r["total"], 3) for r in s["ranking"]}
    top, bottom = set(s["top3"]), set(s["bottom3"])
    rest = set(by_name) - top - bottom
    assert not top & bottom
    assert bool(top) == bool(bottom) and (bool(top) != bool(s["no_advanced_reason"]) or len(totals) == 0)
    for name in top:
        assert all(by_name[name] > by_name[other] for other in rest | bottom)
    for name in bottom:
        assert all(by_name[name] < by_name[other] for other in rest | top)


def test_scores_incomplete_names_missing_month():
    """A scheme reading cases is incomplete for a month without a single case row, and for an absent table."""
    from bulletin.data.tables import Tables
    from bulletin.figures.period_scores import scores_incomplete

    scheme = _scheme(ScoreItem("x", "X", "c", "metric", metric="on_time_rate", scale=SCALE),
                     ScoreItem("d", "D", "c", "inspections", categories=("到岗",), cap=5.0))
    cases = pd.DataFrame({"received_at": pd.to_datetime(["2024-05-03", "2024-07-01"])})
    inspections = pd.DataFrame({"date": pd.to_datetime(["2024-06-03"])})
    tables = Tables(cases=cases, inspections=inspections)
    assert "2024年6月没有办件数据" in scores_incomplete(tables, scheme, PERIOD)
    assert scores_incomplete(tables, scheme, parse_period("2024-05")) == ""
    assert "缺少督查" in scores_incomplete(Tables(cases=cases), scheme, parse_period("2024-05"))


def test_bulletin_says_why_it_names_no_units():
    """With all totals equal the 先进/后进 paragraph and the score summary say why none is named, and name nobody."""
    from bulletin.document import narrative

    s = _summary([100.0] * 8)
    f = {"scores": {**s, "scheme": "办法", "months_averaged": 1, "items": []}, "departments": []}
    advanced = " ".join(b.text for b in narrative.advanced_units(f))
    summary = " ".join(b.text for b in narrative.scores_summary(f, "全区"))
    assert "得分相同" in advanced and "不通报先进单位和后进单位" in advanced and "单位00" not in advanced
    assert "不列先进和后进单位" in summary and "前三名" not in summary
