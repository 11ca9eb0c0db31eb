"""The figures of a regional (市/省) bulletin: districts compared on pooled sums, never on averages of rates.

Input: each member's `Aggregates` (figures.aggregates) or the reason it has none (data failing validation).
Every district row and every region total is a sum of counts first, then a ratio; a rate of the region is
pooled over the members' rows (e.g. 办结率 = sum completed / sum received), so it equals what one bulletin
over all their cases would say. Ranks share a place on ties (1, 2, 2, 4), compared as shown (rates to
two decimals of a percent, scores to three decimals). The composite score is the departments' scheme
engine (`scoring.score_departments`) applied to district-level metrics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from bulletin.config import Scheme
from bulletin.figures.aggregates import Aggregates
from bulletin.figures.changes import RELATIONS, change_key
from bulletin.figures.compute import clean
from bulletin.figures.metrics import RATINGS, change, rate
from bulletin.figures.periods import Period
from bulletin.figures.scoring import average_scores, round_half_up, score_departments, score_summary

TREND_MONTHS = 12
_MEAN_RATING_PCT = {5: 1.0, 4: 0.8, 3: 0.6, 2: 0.4, 1: 0.2}
SATISFACTION_LABELS = {
    "good_rate": "好评率口径(非常满意、满意、基本满意的评价数占评价总数的比例)",
    "satisfied_rate": "满意率口径(非常满意、满意的评价数占评价总数的比例)",
    "mean_rating": "平均评分口径(各评价按非常满意100、满意80、基本满意60、不满意40、非常不满意20折算后的平均值)",
}
# (key in a district row, label, higher is better): what the ranking compares, in table order.
RANKED: tuple[tuple[str, str, bool], ...] = (
    ("completion_rate", "办结率", True),
    ("on_time_rate", "按时办结率", True),
    ("good_rate", "好评率", True),
    ("satisfaction", "满意度", True),
    ("rectified_rate", "差评整改率", True),
    ("complaints_resolved_rate", "投诉办结率", True),
    ("overdue_open", "超期未办", False),
    ("complaints", "投诉", False),
    ("score", "综合得分", True),
)
RATE_DIGITS = 4  # a rate is ranked as shown: a percentage with 2 decimals
SCORE_DIGITS = 3


def _col(frame: pd.DataFrame | dict[str, np.ndarray], name: str) -> np.ndarray:
    return frame[name] if isinstance(frame, dict) else frame[name].to_numpy()


def as_arrays(agg: Aggregates) -> Aggregates:
    """The same aggregates with each frame as {column: numpy array}: summing 150 districts x 3 periods reads
    thousands of columns, and a DataFrame column lookup costs 100 times an array's."""
    def arrays(frame):
        return None if frame is None else {c: frame[c].to_numpy() for c in frame.columns}
    return Aggregates(agg.district, arrays(agg.cases), arrays(agg.evaluations), arrays(agg.complaints))


def case_sums(frame: pd.DataFrame | None, period: Period) -> dict[str, int] | None:
    """受理, 办结, 即办件, 当场办结, 提前办结, 按时办结, 超期未办 and 全程网办 of one district for the period."""
    if frame is None:
        return None
    first, last = period.first, period.last
    month, done = _col(frame, "month"), _col(frame, "completed_month")
    inside = (month >= first) & (month <= last)
    completed = inside & (done <= last)
    overdue = (month <= last) & (done > last) & (_col(frame, "overdue_month") <= last)
    n = _col(frame, "received")
    return {
        "received": int(n[inside].sum()),
        "completed": int(n[completed].sum()),
        "instant": int(_col(frame, "instant")[completed].sum()),
        "instant_same_day": int(_col(frame, "same_day")[completed].sum()),
        "early": int(_col(frame, "early")[completed].sum()),
        "on_time": int(_col(frame, "on_time")[completed].sum()),
        "overdue_open": int(n[overdue].sum()),
        "online": int(_col(frame, "online")[inside].sum()),
    }


def evaluation_sums(frame: pd.DataFrame | None, period: Period) -> dict[str, Any] | None:
    """评价 by rating and 差评 rectified by the period's end (every 满意度 definition reads the rating counts)."""
    if frame is None:
        return None
    month, rating, n = _col(frame, "month"), _col(frame, "rating"), _col(frame, "n")
    inside = (month >= period.first) & (month <= period.last)
    counts = np.bincount(rating[inside].astype("int64"), weights=n[inside], minlength=6)
    bad = inside & (rating <= 2) & (_col(frame, "rectified_month") <= period.last)
    return {
        "total": int(n[inside].sum()),
        "by_rating": {str(r): int(counts[r]) for r in RATINGS},
        "rectified": int(n[bad].sum()),
    }


def complaint_sums(frame: pd.DataFrame | None, period: Period) -> dict[str, Any] | None:
    """投诉: received in the period, resolved by its end, callback answers, by source."""
    if frame is None:
        return None
    month, n, callback = _col(frame, "month"), _col(frame, "n"), _col(frame, "callback")
    inside = (month >= period.first) & (month <= period.last)
    by_source: dict[str, int] = {}
    for source, k in zip(_col(frame, "source")[inside], n[inside]):
        if source:
            by_source[str(source)] = by_source.get(str(source), 0) + int(k)
    return {
        "total": int(n[inside].sum()),
        "resolved": int(n[inside & (_col(frame, "resolved_month") <= period.last)].sum()),
        "answered": int(n[inside & (callback >= 0)].sum()),
        "satisfied": int(n[inside & (callback == 1)].sum()),
        "by_source": dict(sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def _add(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, Any] | None:
    """Sums of two sum dicts (nested count dicts added key by key)."""
    if a is None:
        return None if b is None else dict(b)
    if b is None:
        return dict(a)
    out: dict[str, Any] = {}
    for key in a.keys() | b.keys():
        x, y = a.get(key, 0), b.get(key, 0)
        out[key] = _add(x or {}, y or {}) if isinstance(x, dict) or isinstance(y, dict) else x + y
    return out


def case_figures(s: dict[str, int]) -> dict[str, Any]:
    """The case figures (as in a district bulletin's `cases`) of summed counts."""
    return {
        **{k: s[k] for k in ("received", "completed", "instant", "instant_same_day", "early", "on_time", "overdue_open")},
        "completion_rate": rate(s["completed"], s["received"]),
        "instant_same_day_rate": rate(s["instant_same_day"], s["instant"]),
        "on_time_rate": rate(s["on_time"], s["completed"]),
        "online_share": rate(s["online"], s["received"]),
    }


def satisfaction(by_rating: dict[str, int], mode: str) -> float | None:
    """满意度 of summed rating counts under one definition (good_rate / satisfied_rate / mean_rating)."""
    total = sum(by_rating.values())
    if not total:
        return None
    if mode == "satisfied_rate":
        return rate(by_rating["5"] + by_rating["4"], total)
    if mode == "mean_rating":
        return sum(_MEAN_RATING_PCT[int(r)] * n for r, n in by_rating.items()) / total
    return rate(by_rating["5"] + by_rating["4"] + by_rating["3"], total)


def evaluation_figures(s: dict[str, Any], mode: str) -> dict[str, Any]:
    """The evaluation figures (as in a district bulletin's `evaluations`) of summed counts."""
    r = s["by_rating"]
    bad = r["2"] + r["1"]
    return {
        "total": s["total"],
        "by_rating": {str(k): r[str(k)] for k in RATINGS},
        "good": s["total"] - bad,
        "bad": bad,
        "good_rate": rate(s["total"] - bad, s["total"]),
        "satisfaction": satisfaction(r, mode),
        "rectified": s["rectified"],
        "rectified_rate": rate(s["rectified"], bad),
    }


def complaint_figures(s: dict[str, Any]) -> dict[str, Any]:
    """The complaint figures (as in a district bulletin's `complaints`) of summed counts."""
    return {
        "total": s["total"],
        "by_source": dict(sorted(s["by_source"].items(), key=lambda kv: (-kv[1], kv[0]))),
        "resolved": s["resolved"],
        "resolved_rate": rate(s["resolved"], s["total"]),
        "callback_satisfied_rate": rate(s["satisfied"], s["answered"]),
    }


def period_sums(agg: Aggregates, period: Period) -> dict[str, Any]:
    """One district's sums for a period: {cases, evaluations, complaints}, None for a table it lacks."""
    return {"cases": case_sums(agg.cases, period), "evaluations": evaluation_sums(agg.evaluations, period),
            "complaints": complaint_sums(agg.complaints, period)}


def district_row(sums: dict[str, Any], mode: str) -> dict[str, Any]:
    """A district's row of the comparison (the JSON `districts.<id>` keys), None where it has no such table."""
    c = case_figures(sums["cases"]) if sums["cases"] is not None else {}
    e = evaluation_figures(sums["evaluations"], mode) if sums["evaluations"] is not None else {}
    p = complaint_figures(sums["complaints"]) if sums["complaints"] is not None else {}
    return {
        "received": c.get("received"),
        "completed": c.get("completed"),
        "completion_rate": c.get("completion_rate"),
        "instant": c.get("instant"),
        "instant_same_day_rate": c.get("instant_same_day_rate"),
        "early": c.get("early"),
        "on_time_rate": c.get("on_time_rate"),
        "overdue_open": c.get("overdue_open"),
        "online_share": c.get("online_share"),
        "evaluations": e.get("total"),
        "bad": e.get("bad"),
        "good_rate": e.get("good_rate"),
        "satisfaction": e.get("satisfaction"),
        "rectified": e.get("rectified"),
        "rectified_rate": e.get("rectified_rate"),
        "complaints": p.get("total"),
        "complaints_resolved": p.get("resolved"),
        "complaints_resolved_rate": p.get("resolved_rate"),
    }


def competition_ranks(values: dict[str, float | None], higher_first: bool, digits: int) -> dict[str, int | None]:
    """Rank of each value as shown (rounded half-up to `digits`): ties share a rank (1, 2, 2, 4); None stays unranked."""
    shown = {k: round_half_up(v, digits) for k, v in values.items() if v is not None}
    ordered = sorted(shown.values(), reverse=higher_first)
    out: dict[str, int | None] = {k: None for k in values}
    for k, v in shown.items():
        out[k] = ordered.index(v) + 1
    return out


def _metrics_frame(rows: dict[str, dict[str, Any]]) -> pd.DataFrame:
    """District rows as the per-unit metrics frame the scoring engine reads (scheme metric names)."""
    frame = pd.DataFrame.from_dict(rows, orient="index").rename(
        columns={"complaints_resolved_rate": "complaint_resolved_rate"})
    return frame.apply(pd.to_numeric, errors="coerce").astype("float64")


def district_scores(scheme: Scheme, aggregates: dict[str, Aggregates], period: Period, mode: str) -> pd.DataFrame:
    """Scores of the districts by the scheme: on the month itself, or the mean of each month's items for longer periods
    (as departments are scored). Only metric items apply; 督查 and manual items give 0 at this level."""
    ids = sorted(aggregates)
    months = [period] if period.n_months == 1 else period.month_periods()
    scored = []
    for month in months:
        rows = {d: district_row(period_sums(a, month), mode) for d, a in aggregates.items()}
        scored.append(score_departments(scheme, ids, _metrics_frame(rows), None, None, month))
    result = scored[0] if len(scored) == 1 else average_scores(scheme, scored)
    return result.rename(columns={"department": "district"})


def trend_months(period: Period) -> list[Period]:
    """The months a trend shows: the period's own months when it spans several, else the last 12."""
    if period.n_months > 1:
        return period.month_periods()
    return [Period(i, i, "month") for i in range(period.last - TREND_MONTHS + 1, period.last + 1)]


def regional_figures(
    region: Any,
    names: dict[str, str],
    aggregates: dict[str, Aggregates],
    failed: dict[str, str],
    scheme: Scheme | None,
    period: Period,
    kind: str,
) -> dict[str, Any]:
    """Every figure of one regional bulletin, JSON-ready.

    region: the Region settings; names: member id -> display name; aggregates: the members that have
    data; failed: member id -> why it has none (the bulletin names it and ranks no one as complete)."""
    mode = region.satisfaction
    members = list(region.districts)
    aggregates = {d: as_arrays(a) for d, a in aggregates.items()}
    bases = {"current": period, "previous": period.previous(), "year_ago": period.year_ago()}
    sums = {key: {d: period_sums(aggregates[d], p) for d in members if d in aggregates} for key, p in bases.items()}
    missing_tables = {d: aggregates[d].missing() for d in members if d in aggregates and aggregates[d].missing()}

    figures: dict[str, Any] = {
        "region": region.id,
        "region_name": region.name,
        "scope": region.scope,
        "period": period.text,
        "period_label": period.label,
        "kind": kind,
        "demo": bool(region.demo),
        "satisfaction_mode": mode,
        "satisfaction_definition": SATISFACTION_LABELS[mode],
        "members": members,
        "member_count": len(members),
        "included": [d for d in members if d in aggregates],
        "included_count": sum(1 for d in members if d in aggregates),
        "failed": {d: failed[d] for d in members if d in failed},
        "missing_tables": missing_tables,
    }
    figures.update(_totals(sums, bases, mode))

    # The rank a district had last time: the previous month or quarter; the same period a year earlier for half
    # years, years and month ranges (as in a district's bulletin, figures/changes.py).
    since = change_key(period)
    figures["previous_relation"] = RELATIONS[since]
    figures["previous_label"] = bases[since].label
    rows = {d: district_row(sums["current"][d], mode) for d in figures["included"]}
    previous_rows = {d: district_row(sums[since][d], mode) for d in figures["included"]}
    scores = previous_scores = None
    if scheme is not None and aggregates:
        scored = district_scores(scheme, aggregates, period, mode)
        scores = dict(zip(scored["district"], scored["total"]))
        before = district_scores(scheme, aggregates, bases[since], mode)
        previous_scores = dict(zip(before["district"], before["total"]))
        summary = score_summary(scored.rename(columns={"district": "department"}), scheme.base)
        figures["scores"] = {"scheme": scheme.name, "months_averaged": period.n_months,
                             **{k: summary[k] for k in ("base", "max", "min", "mean", "spread", "above_base")},
                             "items": [{"id": i.id, "name": i.name, "category": i.category, "source": i.source}
                                       for i in scheme.items if i.source == "metric"]}
    for d, row in rows.items():
        row["score"] = scores.get(d) if scores else None
    for d, row in previous_rows.items():
        row["score"] = previous_scores.get(d) if previous_scores else None

    ranks = {key: competition_ranks({d: r[key] for d, r in rows.items()}, higher, _digits(key))
             for key, _, higher in RANKED}
    previous_score_ranks = competition_ranks({d: r["score"] for d, r in previous_rows.items()}, True, SCORE_DIGITS)
    districts: dict[str, Any] = {}
    for d in members:
        if d in rows:
            row = rows[d]
            districts[d] = {"name": names.get(d, d), **row,
                            "rank": ranks["score"][d], "previous_rank": previous_score_ranks[d] if scores else None,
                            "ranks": {key: ranks[key][d] for key, _, _ in RANKED},
                            "missing_tables": missing_tables.get(d, []), "status": "ok"}
        else:
            districts[d] = {"name": names.get(d, d), **{k: None for k in district_row(_empty(), mode)},
                            "score": None, "rank": None, "previous_rank": None,
                            "ranks": {key: None for key, _, _ in RANKED}, "missing_tables": [],
                            "status": "failed", "reason": failed.get(d, "无数据")}
    figures["districts"] = districts
    figures["ranking"] = _ranking_order(districts, "score" if scores else "completion_rate")
    figures["named"] = _named(figures, scores)
    figures["attention"] = _attention(figures)
    figures["trend"] = _trend(aggregates, members, period)
    figures["notes"] = region.notes_for(period)
    return clean(figures)


def _digits(key: str) -> int:
    return SCORE_DIGITS if key == "score" else (0 if key in ("overdue_open", "complaints") else RATE_DIGITS)


def _empty() -> dict[str, Any]:
    return {"cases": None, "evaluations": None, "complaints": None}


def _totals(sums: dict[str, dict[str, dict]], bases: dict[str, Period], mode: str) -> dict[str, Any]:
    """Region totals pooled over the members' sums, with 同比/环比, under a district bulletin's keys."""
    pooled = {}
    for key in bases:
        total: dict[str, Any] = {}
        for table in ("cases", "evaluations", "complaints"):
            acc = None
            for member in sums[key].values():
                acc = _add(acc, member[table])
            total[table] = acc
        pooled[key] = total
    out: dict[str, Any] = {}
    now = pooled["current"]
    if now["cases"] is not None:
        cases = case_figures(now["cases"])
        for key, label in (("year_ago", "vs_year_ago"), ("previous", "vs_previous")):
            base = case_figures(pooled[key]["cases"])
            cases[key] = {"period": bases[key].text, "period_label": bases[key].label, **base}
            cases[label] = {k: change(cases[k], base[k]) for k in ("received", "completed", "instant", "early",
                                                                     "overdue_open")}
            for k in ("completion_rate", "instant_same_day_rate", "on_time_rate"):
                a, b = cases[k], base[k]
                cases[label][k] = None if a is None or b is None else a - b
        cases["yoy"] = change(cases["received"], cases["year_ago"]["received"] or None)
        cases["mom"] = change(cases["received"], cases["previous"]["received"] or None)
        out["cases"] = cases
    if now["evaluations"] is not None:
        out["evaluations"] = evaluation_figures(now["evaluations"], mode)
        previous = pooled["previous"]["evaluations"]
        out["evaluations"]["previous"] = evaluation_figures(previous, mode) if previous is not None else None
    if now["complaints"] is not None:
        out["complaints"] = complaint_figures(now["complaints"])
    return out


def _ranking_order(districts: dict[str, Any], key: str) -> list[str]:
    """Member ids best first by their rank on `key` (unranked and failed last), ties by id."""
    def sort_key(d: str) -> tuple:
        rank = districts[d]["ranks"].get(key)
        return (rank is None, rank or 0, d)
    return sorted(districts, key=sort_key)


def _named(figures: dict[str, Any], scores: dict[str, float] | None) -> dict[str, Any]:
    """先进/后进: the best and worst scored districts, only when scores set them apart and the data is complete."""
    none = {"advanced": [], "lagging": []}
    if scores is None:
        return {**none, "reason": "本地区未设综合考核办法,不评先进、后进。"}
    if figures["failed"]:
        return {**none, "reason": "部分县(市、区)数据缺失或未通过校验,本期排名不完整,不评先进、后进。"}
    if figures["missing_tables"]:
        return {**none, "reason": "部分县(市、区)缺少办件、评价或投诉数据表,本期考核数据不完整,不评先进、后进。"}
    if len(scores) < 3:
        return {**none, "reason": "参与排名的县(市、区)不足3个,不评先进、后进。"}
    shown = {d: round_half_up(v, SCORE_DIGITS) for d, v in scores.items()}
    top, bottom = max(shown.values()), min(shown.values())
    if top == bottom:
        return {**none, "reason": "各县(市、区)综合得分相同,不评先进、后进。"}
    return {"advanced": sorted(d for d, v in shown.items() if v == top),
            "lagging": sorted(d for d, v in shown.items() if v == bottom), "reason": None}


def _attention(figures: dict[str, Any]) -> dict[str, Any]:
    """The districts the text names for action (ids, member order unless said): below the region's 办结率, with
    超期未办 (also most first), 差评 not all rectified, 投诉 not all resolved; `points` lists which of these (and
    `failed`) the 存在问题 paragraph states, in its order."""
    rows = {d: r for d, r in figures["districts"].items() if r["status"] == "ok"}
    region_rate = (figures.get("cases") or {}).get("completion_rate")
    out = {
        "below_completion": [d for d, r in rows.items() if region_rate is not None and r["completion_rate"] is not None
                             and r["completion_rate"] < region_rate],
        "overdue": [d for d, r in rows.items() if r.get("overdue_open")],
        "overdue_most_first": sorted((d for d, r in rows.items() if r.get("overdue_open")),
                                     key=lambda d: (-rows[d]["overdue_open"], rows[d]["name"])),
        "unrectified": [d for d, r in rows.items() if r.get("rectified_rate") is not None and r["rectified_rate"] < 1],
        "unresolved": [d for d, r in rows.items() if r.get("complaints_resolved_rate") is not None
                       and r["complaints_resolved_rate"] < 1],
        "failed": list(figures["failed"]),
    }
    out["points"] = [k for k in ("below_completion", "overdue", "unrectified", "unresolved", "failed") if out[k]]
    return out


def _trend(aggregates: dict[str, Aggregates], members: list[str], period: Period) -> dict[str, Any]:
    """Received and completed-in-month cases per month and district (the small-multiples chart)."""
    months = trend_months(period)
    out: dict[str, Any] = {"months": [m.text for m in months], "from_label": months[0].label,
                           "to_label": months[-1].label, "districts": {}}
    for d in members:
        frame = aggregates[d].cases if d in aggregates else None
        if frame is None:
            continue
        month, done, n = _col(frame, "month"), _col(frame, "completed_month"), _col(frame, "received")
        first = months[0].first
        keep = (month >= first) & (month <= months[-1].last)
        received = np.bincount(month[keep] - first, weights=n[keep], minlength=len(months))
        same = keep & (done == month)
        completed = np.bincount(month[same] - first, weights=n[same], minlength=len(months))
        out["districts"][d] = {"received": [int(v) for v in received], "completed": [int(v) for v in completed]}
    out["has_cases"] = any(sum(v["received"]) for v in out["districts"].values())
    return out
