"""绩效考核: department totals from a scheme (metric scales, 督查 deductions, manual and bonus points), ranks and summary."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bulletin.config import Scheme, ScoreItem
from bulletin.figures.metrics import within
from bulletin.figures.periods import Period
from bulletin.vocabulary import half_up


def interpolate(scale: tuple[tuple[float, float], ...], value: float) -> float:
    """Points for a value: linear between the scale's points, clamped to the first and last."""
    xs = [p[0] for p in scale]
    ys = [p[1] for p in scale]
    return float(np.interp(value, xs, ys))


def round_half_up(value: float, digits: int) -> float:
    """value rounded half-up (四舍五入) to `digits` decimals, as a float (see vocabulary.half_up)."""
    return float(half_up(value, digits))


def _metric_points(item: ScoreItem, values: pd.Series) -> pd.Series:
    """A department with no value for the metric (no cases, no evaluations) gets 0 points for the item."""
    return values.map(lambda v: 0.0 if pd.isna(v) else interpolate(item.scale, float(v))).astype("float64")


def _inspection_points(item: ScoreItem, departments: pd.Index, inspections: pd.DataFrame | None, period: Period) -> pd.Series:
    if inspections is None:
        return pd.Series(0.0, index=departments)
    rows = inspections.loc[within(inspections["date"], period) & inspections["category"].isin(item.categories)]
    deducted = rows.groupby(rows["department"].astype(str))["deduction"].sum().reindex(departments, fill_value=0.0)
    if item.cap is not None:
        deducted = deducted.clip(upper=item.cap)
    return -deducted.astype("float64")


def _manual_points(item: ScoreItem, departments: pd.Index, assessment: pd.DataFrame | None, period: Period) -> pd.Series:
    if assessment is None:
        return pd.Series(0.0, index=departments)
    names = assessment["item"].astype(str).str.strip()
    rows = assessment.loc[assessment["month"].isin(period.months()) & names.isin([item.id, item.name])]
    points = rows.groupby(rows["department"].astype(str))["points"].sum().reindex(departments, fill_value=0.0)
    return points.clip(lower=item.min, upper=item.max).astype("float64")


def score_departments(
    scheme: Scheme,
    departments: list[str],
    metrics: pd.DataFrame,
    inspections: pd.DataFrame | None,
    assessment: pd.DataFrame | None,
    period: Period,
) -> pd.DataFrame:
    """Per scored department: each item's points (item:<id>), category subtotals, total, rank (ties share) and grade; best first."""
    index = pd.Index(sorted(departments), name="department")
    metrics = metrics.reindex(index)
    out = pd.DataFrame(index=index)
    for item in scheme.items:
        if item.source == "metric":
            column = metrics[item.metric] if item.metric in metrics else pd.Series(np.nan, index=index)
            out[item_column(item.id)] = _metric_points(item, column)
        elif item.source == "inspections":
            out[item_column(item.id)] = _inspection_points(item, index, inspections, period)
        else:
            out[item_column(item.id)] = _manual_points(item, index, assessment, period)
    return _finish(scheme, out)


def average_scores(scheme: Scheme, monthly: list[pd.DataFrame]) -> pd.DataFrame:
    """A multi-month period's scores: each item's points averaged over the months (季度/年度考核取各月平均), re-ranked."""
    columns = [item_column(i.id) for i in scheme.items]
    frames = [f.set_index("department")[columns] for f in monthly]
    return _finish(scheme, pd.concat(frames).groupby(level=0).mean().rename_axis("department"))


def _finish(scheme: Scheme, out: pd.DataFrame) -> pd.DataFrame:
    """Item points (indexed by department) plus category subtotals, total, rank and grade; best first."""
    out = out.copy()
    for category in scheme.categories:
        ids = [item_column(i.id) for i in scheme.items if i.category == category]
        out[f"category:{category}"] = out[ids].sum(axis=1)
    out["total"] = scheme.base + out[[item_column(i.id) for i in scheme.items]].sum(axis=1)
    shown = out["total"].map(lambda t: round_half_up(t, 3))
    out["rank"] = shown.rank(method="min", ascending=False).astype("int64")
    out["grade"] = shown.map(lambda t: grade_of(scheme, t))
    out = out.reset_index()
    order = np.lexsort((out["department"].to_numpy(), out["rank"].to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def item_column(item_id: str) -> str:
    """Column of an item's points in the scored frame (kept apart from metric columns of the same name)."""
    return f"item:{item_id}"


def grade_of(scheme: Scheme, total: float) -> str | None:
    """The scheme's 等次 for a total (the first grade whose min it reaches), None without grades."""
    for grade in scheme.grades:
        if total >= grade.min:
            return grade.name
    return scheme.grades[-1].name if scheme.grades else None


NAMED = 3  # 先进 / 后进: the first and last three of the ranking


def named_units(ranking: list[dict[str, Any]], incomplete: str = "") -> tuple[list[str], list[str], str]:
    """先进 (top 3) and 后进 (bottom 3) of a ranking, best first, and '' as reason; or no names and the reason why
    (a Chinese clause): the data behind the scores is incomplete (`incomplete`, said by the caller), all totals
    are equal, or a tie crosses the cut, so naming three would pick among equals by name order."""
    if not ranking:
        return [], [], ""
    if incomplete:
        return [], [], incomplete
    shown = [round_half_up(r["total"], 3) for r in ranking]
    if len(set(shown)) == 1:
        return [], [], "各单位考核得分相同,无法区分先后"
    if len(ranking) <= NAMED:
        return [], [], f"参加考核的单位不足{NAMED + 1}个"
    top = NAMED
    bottom_from = max(NAMED, len(ranking) - NAMED)  # never the same unit both 先进 and 后进
    if shown[top - 1] == shown[top]:
        return [], [], f"第{top}名与第{top + 1}名得分相同,无法区分先后"
    if bottom_from < len(ranking) and shown[bottom_from - 1] == shown[bottom_from]:
        return [], [], f"第{bottom_from}名与第{bottom_from + 1}名得分相同,无法区分先后"
    return ([r["department"] for r in ranking[:top]], [r["department"] for r in ranking[bottom_from:]], "")


def score_summary(scored: pd.DataFrame, base: float, incomplete: str = "") -> dict[str, Any]:
    """max / min / mean / spread / above_base over the totals, the ranking, top 3 and bottom 3 when the scores set
    them apart (else `no_advanced_reason` says why none are named; see named_units)."""
    totals = scored["total"]
    if totals.empty:
        return {"base": base, "max": None, "min": None, "mean": None, "spread": None, "above_base": 0,
                "ranking": [], "top3": [], "bottom3": [], "no_advanced_reason": "", "by_grade": {}}
    ranking = [
        {"department": str(r.department), "total": float(r.total), "rank": int(r.rank),
         **({"grade": r.grade} if r.grade is not None else {})}
        for r in scored.itertuples(index=False)
    ]
    top, bottom, reason = named_units(ranking, incomplete)
    by_grade: dict[str, list[str]] = {}
    for row in ranking:
        if "grade" in row:
            by_grade.setdefault(row["grade"], []).append(row["department"])
    return {
        "base": float(base),
        "max": float(totals.max()),
        "min": float(totals.min()),
        "mean": float(totals.mean()),
        "spread": float(totals.max() - totals.min()),
        "above_base": int((totals > base).sum()),
        "ranking": ranking,
        "top3": top,
        "bottom3": bottom,
        "no_advanced_reason": reason,
        "by_grade": by_grade,
    }
