"""Pure metric functions: validated tables and a period in, plain numbers and frames out (SPEC "Metric definitions")."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bulletin.figures.workdays import WorkCalendar
from bulletin.figures.periods import Period
from bulletin.vocabulary import (
    CHANNELS, EVAL_OFFLINE, EVAL_ONLINE, FULLY_ONLINE, GOOD_RATINGS, INSTANT, RATING_PERCENT, RATINGS, SATISFIED_RATINGS,
)


def rate(numerator: float, denominator: float) -> float | None:
    """numerator / denominator as a float, None where the denominator is 0."""
    return float(numerator) / float(denominator) if denominator else None


def change(this: float | None, base: float | None) -> float | None:
    """(this - base) / base, None where either is missing or the base is 0 (同比 / 环比 of counts)."""
    if this is None or base is None or base == 0:
        return None
    return (float(this) - float(base)) / float(base)


def missing_months(cases: pd.DataFrame, months: list[str]) -> list[str]:
    """The months ('YYYY-MM', among the sorted `months`) with no case received, from the first month from
    `months[0]` on that has cases: a gap in the exports (a header-only monthly file), whose counts would read as
    a 100% fall. Rows before `months[0]` are not looked at, so a bulletin's window of months gives the same."""
    stamps = cases["received_at"].dropna().to_numpy(dtype="datetime64[ns]").astype("datetime64[M]")
    held = {str(month) for month in np.unique(stamps)}  # 'YYYY-MM'
    since = [month for month in held if months and month >= months[0]]
    if not since:
        return []
    first = min(since)
    return [month for month in months if month >= first and month not in held]


RATE_KEYS = ("completion_rate", "instant_same_day_rate", "on_time_rate")
COUNT_KEYS = ("received", "completed", "instant", "early", "overdue_open")


def compare(this: dict[str, Any], base: dict[str, Any]) -> dict[str, float | None]:
    """同比/环比 of each case count (relative change) and rate (difference in fraction points, 0.002 = 0.2个百分点)."""
    out: dict[str, float | None] = {k: change(this.get(k), base.get(k)) for k in COUNT_KEYS}
    for k in RATE_KEYS:
        a, b = this.get(k), base.get(k)
        out[k] = None if a is None or b is None else float(a) - float(b)
    return out


def bounds(period: Period) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The period as times: start of its first day, start of the day after its last day (end excluded)."""
    return pd.Timestamp(period.start), pd.Timestamp(period.end) + pd.Timedelta(days=1)


def within(values: pd.Series, period: Period) -> pd.Series:
    """True where a date/time falls in the period (its first day up to the end of its last day)."""
    start, stop = bounds(period)
    return (values >= start) & (values < stop)


def catalog_as_of(items: pd.DataFrame, period: Period) -> pd.DataFrame:
    """事项目录 as of the period end: items added on or before it (or undated) and not cancelled by then."""
    _, stop = bounds(period)
    return items.loc[~(items["added_on"] >= stop) & ~(items["cancelled_on"] < stop)]


def _counts(values: pd.Series) -> dict[str, int]:
    """Value counts as a plain dict, largest first, ties by name (deterministic)."""
    counts = values.dropna().astype(str).value_counts()
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return {k: int(v) for k, v in ordered}


# --- cases ---------------------------------------------------------------------------------


def case_frame(cases: pd.DataFrame, items: pd.DataFrame | None, period: Period, calendar: WorkCalendar) -> pd.DataFrame:
    """The cases a period's figures need (received in it, or still open at its start), with item type and deadline."""
    frame = cases.loc[_relevant(cases, period)].copy()
    if items is not None:
        lookup = items.set_index("item_code")
        days = lookup["promised_days"].astype("Float64").fillna(lookup["legal_days"].astype("Float64"))
        frame["item_type"] = frame["item_code"].map(lookup["item_type"])
        frame["promised_days"] = frame["item_code"].map(days)
    else:
        frame["item_type"] = pd.NA
        frame["promised_days"] = np.nan
    frame["deadline"] = calendar.deadlines(frame["received_at"], frame["promised_days"])
    return frame


def _relevant(cases: pd.DataFrame, period: Period) -> pd.Series:
    """Received in the period, or received before it and not completed before it starts."""
    start, stop = bounds(period)
    return ((cases["received_at"] >= start) & (cases["received_at"] < stop)) | (
        (cases["received_at"] < start) & ~(cases["completed_at"] < start)
    )


def sub_frame(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The case frame of a period inside the one `frame` was built for (a month of a quarter): the same rows as
    `case_frame` would select, their deadlines reused (every case it needs was received in or open at the start of
    the larger period)."""
    return frame.loc[_relevant(frame, period)]


def _flags(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Boolean columns per case: received, completed, instant, same_day, early, on_time, overdue_open."""
    start, stop = bounds(period)
    end_day = pd.Timestamp(period.end)
    received = (frame["received_at"] >= start) & (frame["received_at"] < stop)
    done_by_end = frame["completed_at"] < stop
    completed = received & done_by_end
    done_day = frame["completed_at"].dt.normalize()
    is_instant = frame["item_type"].astype("string").eq(INSTANT).fillna(False).astype(bool)
    no_deadline = frame["deadline"].isna()
    on_time = completed & (no_deadline | (done_day <= frame["deadline"]))
    return pd.DataFrame(
        {
            "received": received,
            "completed": completed,
            "instant": completed & is_instant,
            "same_day": completed & is_instant & (done_day == frame["received_at"].dt.normalize()),
            "early": completed & ~is_instant & ~no_deadline & (done_day < frame["deadline"]),
            "on_time": on_time,
            "overdue_open": (frame["received_at"] < stop) & ~done_by_end & (frame["deadline"] < end_day),
        },
        index=frame.index,
    )


def case_metrics(frame: pd.DataFrame, period: Period) -> dict[str, Any]:
    """受理, 办结, 办结率, 即办件, 即时办结率, 提前办结, 按时办结率, 超期未办 and breakdowns for the period."""
    f = _flags(frame, period)
    received = frame.loc[f["received"]]
    township = frame["township"].astype("string")
    n_completed = int(f["completed"].sum())
    n_instant = int(f["instant"].sum())
    return {
        "received": int(f["received"].sum()),
        "completed": n_completed,
        "completion_rate": rate(n_completed, f["received"].sum()),
        "instant": n_instant,
        "instant_same_day": int(f["same_day"].sum()),
        "instant_same_day_rate": rate(f["same_day"].sum(), n_instant),
        "early": int(f["early"].sum()),
        "on_time": int(f["on_time"].sum()),
        "on_time_rate": rate(f["on_time"].sum(), n_completed),
        "overdue_open": int(f["overdue_open"].sum()),
        "hall": int(received["township"].isna().sum()),
        "by_channel": {c: int((received["channel"] == c).sum()) for c in CHANNELS},
        "by_township": _counts(received["township"]),
        "overdue_by_township": _counts(township[f["overdue_open"]]),
        "by_department": _counts(received["department"]),
    }


def department_case_metrics(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per department: received, completed, instant, early, overdue_open and the case rates."""
    f = _flags(frame, period)
    f["online"] = f["received"] & frame["channel"].isin(FULLY_ONLINE)
    sums = f.groupby(frame["department"].astype(str)).sum()
    out = pd.DataFrame(index=sums.index)
    for col in ("received", "completed", "instant", "early", "overdue_open"):
        out[col] = sums[col].astype("int64")
    out["completion_rate"] = _ratio(sums["completed"], sums["received"])
    out["instant_same_day_rate"] = _ratio(sums["same_day"], sums["instant"])
    out["on_time_rate"] = _ratio(sums["on_time"], sums["completed"])
    out["online_share"] = _ratio(sums["online"], sums["received"])
    return out


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """Elementwise num / den with NaN where den is 0."""
    den = den.astype("float64")
    return (num.astype("float64") / den.where(den > 0)).astype("float64")


def month_texts(when: pd.Series) -> pd.Series:
    """'YYYY-MM' of each timestamp (NaN where missing): `dt.strftime("%Y-%m")`, formatting each distinct month once
    (strftime formats every row, seconds over a few years of cases)."""
    codes, months = pd.factorize(when.dt.year * 100 + when.dt.month)
    texts = np.array([f"{int(k) // 100:04d}-{int(k) % 100:02d}" for k in months] + [np.nan], dtype=object)
    return pd.Series(texts[codes], index=when.index, dtype=object)


def monthly_cases(cases: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Received and completed-in-month counts per month (for trend charts), indexed by 'YYYY-MM'."""
    received = month_texts(cases["received_at"])
    done = month_texts(cases["completed_at"])
    same_month = received == done
    table = pd.DataFrame(
        {
            "received": received.value_counts(),
            "completed": received[same_month].value_counts(),
        }
    )
    return table.reindex(months).fillna(0).astype("int64")


# --- evaluations (好差评) ---------------------------------------------------------------------


def monthly_evaluations(evaluations: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """Online and offline evaluations and 差评 per month, indexed by 'YYYY-MM'."""
    month = month_texts(evaluations["evaluated_at"])
    table = pd.DataFrame(
        {
            "online": month[evaluations["channel"] == EVAL_ONLINE].value_counts(),
            "offline": month[evaluations["channel"] == EVAL_OFFLINE].value_counts(),
            "bad": month[evaluations["rating"] <= 2].value_counts(),
        }
    )
    return table.reindex(months).fillna(0).astype("int64")


def _satisfaction(ratings: pd.Series, mode: str) -> float | None:
    total = len(ratings)
    if not total:
        return None
    if mode == "satisfied_rate":
        return rate(ratings.isin(SATISFIED_RATINGS).sum(), total)
    if mode == "mean_rating":
        return float(ratings.map(RATING_PERCENT).mean())
    return rate(ratings.isin(GOOD_RATINGS).sum(), total)


def evaluation_metrics(evaluations: pd.DataFrame, period: Period, satisfaction: str = "good_rate") -> dict[str, Any]:
    """好差评: total, by rating, 好评/差评, 好评率, 满意度 (per district setting), 差评整改率, online/offline."""
    _, stop = bounds(period)
    e = evaluations.loc[within(evaluations["evaluated_at"], period)]
    ratings = e["rating"].astype("int64")
    bad = ~ratings.isin(GOOD_RATINGS)
    rectified = bad & (e["rectified_at"] < stop)
    return {
        "total": int(len(e)),
        "by_rating": {str(r): int((ratings == r).sum()) for r in RATINGS},
        "good": int((~bad).sum()),
        "bad": int(bad.sum()),
        "good_rate": rate((~bad).sum(), len(e)),
        "satisfaction": _satisfaction(ratings, satisfaction),
        "rectified": int(rectified.sum()),
        "rectified_rate": rate(rectified.sum(), bad.sum()),
        "online": int((e["channel"] == EVAL_ONLINE).sum()),
        "offline": int((e["channel"] == EVAL_OFFLINE).sum()),
    }


def department_evaluation_metrics(evaluations: pd.DataFrame, period: Period, satisfaction: str = "good_rate") -> pd.DataFrame:
    """Per department: evaluations, bad, good_rate, satisfaction, rectified_rate."""
    _, stop = bounds(period)
    e = evaluations.loc[within(evaluations["evaluated_at"], period)]
    ratings = e["rating"].astype("int64")
    bad = ~ratings.isin(GOOD_RATINGS)
    by = e["department"].astype(str)
    frame = pd.DataFrame(
        {
            "evaluations": 1,
            "bad": bad,
            "good": ~bad,
            "rectified": bad & (e["rectified_at"] < stop),
            "satisfied": ratings.isin(SATISFIED_RATINGS),
            "points": ratings.map(RATING_PERCENT),
        }
    )
    sums = frame.groupby(by).sum()
    out = pd.DataFrame(index=sums.index)
    out["evaluations"] = sums["evaluations"].astype("int64")
    out["bad"] = sums["bad"].astype("int64")
    out["good_rate"] = _ratio(sums["good"], sums["evaluations"])
    numerator = {"good_rate": sums["good"], "satisfied_rate": sums["satisfied"], "mean_rating": sums["points"]}[satisfaction]
    out["satisfaction"] = _ratio(numerator, sums["evaluations"])
    out["rectified_rate"] = _ratio(sums["rectified"], sums["bad"])
    return out


# --- complaints (投诉) -----------------------------------------------------------------------


def complaint_metrics(complaints: pd.DataFrame, period: Period) -> dict[str, Any]:
    """投诉: total, by source, by department, 办结率, 回访满意率."""
    _, stop = bounds(period)
    c = complaints.loc[within(complaints["received_at"], period)]
    resolved = c["resolved_at"] < stop
    answered = c["callback_satisfied"].dropna().astype(bool)
    return {
        "total": int(len(c)),
        "by_source": _counts(c["source"]),
        "by_department": _counts(c["department"]),
        "resolved": int(resolved.sum()),
        "resolved_rate": rate(resolved.sum(), len(c)),
        "callback_satisfied_rate": rate(answered.sum(), len(answered)),
    }


def department_complaint_metrics(complaints: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per department: complaints received and complaint_resolved_rate."""
    _, stop = bounds(period)
    c = complaints.loc[within(complaints["received_at"], period) & complaints["department"].notna()]
    frame = pd.DataFrame({"complaints": 1, "resolved": c["resolved_at"] < stop})
    sums = frame.groupby(c["department"].astype(str)).sum()
    out = pd.DataFrame(index=sums.index)
    out["complaints"] = sums["complaints"].astype("int64")
    out["complaint_resolved_rate"] = _ratio(sums["resolved"], sums["complaints"])
    return out


# --- catalog (事项目录) ----------------------------------------------------------------------


def catalog_metrics(items: pd.DataFrame, period: Period) -> dict[str, Any]:
    """事项目录 as of the period end: items, 即办件占比, 网上可办率, 承诺时限压缩率, 环节精简率, added, cancelled."""
    in_use = catalog_as_of(items, period)
    both = in_use[["promised_days", "legal_days"]].dropna()
    steps = in_use[["steps", "steps_before"]].dropna()
    legal = float(both["legal_days"].sum())
    before = float(steps["steps_before"].sum())
    return {
        "items": int(len(in_use)),
        "instant_share": rate((in_use["item_type"] == INSTANT).sum(), len(in_use)),
        "online_rate": rate(in_use["online"].fillna(False).astype(bool).sum(), len(in_use)),
        "time_compression": 1 - float(both["promised_days"].sum()) / legal if legal else None,
        "steps_compression": 1 - float(steps["steps"].sum()) / before if before else None,
        "added": int(within(items["added_on"], period).sum()),
        "cancelled": int(within(items["cancelled_on"], period).sum()),
    }


# --- 督查, 便民服务, 局长进大厅, 电子证照 --------------------------------------------------------


def inspection_findings(inspections: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The period's 督查 findings (date, department, category, finding, deduction), by date then department."""
    rows = inspections.loc[within(inspections["date"], period)]
    cols = ["date", "department", "category", "finding", "deduction"]
    return rows.sort_values(["date", "department", "category"], kind="stable")[cols].reset_index(drop=True)


def inspection_metrics(inspections: pd.DataFrame, period: Period) -> dict[str, Any]:
    """督查: number of findings, total deduction, counts by category and by department."""
    rows = inspection_findings(inspections, period)
    return {
        "total": int(len(rows)),
        "deduction": float(rows["deduction"].sum()),
        "by_category": _counts(rows["category"]),
        "by_department": _counts(rows["department"]),
    }


def service_metrics(services: pd.DataFrame, period: Period) -> dict[str, Any]:
    """便民服务 (延时/预约/上门 ...): total count, by service type, departments that served."""
    rows = services.loc[within(services["date"], period)]
    by_service = rows.groupby(rows["service"].astype(str))["count"].sum()
    return {
        "total": int(rows["count"].sum()),
        "by_service": {k: int(v) for k, v in sorted(by_service.items(), key=lambda kv: (-kv[1], kv[0]))},
        "departments": int(rows.loc[rows["count"] > 0, "department"].nunique()),
    }


def leader_visit_metrics(visits: pd.DataFrame, period: Period) -> dict[str, Any]:
    """局长进大厅: visits, people served, cases handled on site."""
    rows = visits.loc[within(visits["date"], period)]
    return {
        "visits": int(len(rows)),
        "people_served": int(rows["people_served"].fillna(0).sum()),
        "cases_handled": int(rows["cases_handled"].fillna(0).sum()),
    }


def certificate_metrics(certificates: pd.DataFrame, period: Period) -> dict[str, Any]:
    """电子证照入库: total and by certificate type over the period's months."""
    rows = certificates.loc[certificates["month"].isin(period.months())]
    by_type = rows.groupby(rows["cert_type"].astype(str))["count"].sum()
    by_month = rows.groupby(rows["month"].astype(str))["count"].sum()
    return {
        "total": int(rows["count"].sum()),
        "by_type": {k: int(v) for k, v in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))},
        "by_month": {m: int(by_month.get(m, 0)) for m in period.months()},
    }


# --- 考勤, 个人考评, 乡镇报送, 各单位事项 ----------------------------------------------------------


def attendance_metrics(attendance: pd.DataFrame, period: Period) -> dict[str, Any]:
    """考勤 findings (迟到/早退/脱岗 ...): total, by kind, by department."""
    rows = attendance.loc[within(attendance["date"], period)]
    return {
        "total": int(len(rows)),
        "by_kind": _counts(rows["kind"]),
        "by_department": _counts(rows["department"]),
    }


def staff_ranking(staff_scores: pd.DataFrame, period: Period) -> pd.DataFrame:
    """个人考评: each staff member's mean score over the period's months, ranked (ties share a rank)."""
    rows = staff_scores.loc[staff_scores["month"].isin(period.months())]
    table = (
        rows.groupby([rows["staff"].astype(str), rows["department"].astype(str)])["score"]
        .mean()
        .rename("score")
        .reset_index()
    )
    table["rank"] = table["score"].round(3).rank(method="min", ascending=False).astype("int64")
    return table.sort_values(["rank", "department", "staff"], kind="stable").reset_index(drop=True)


def township_report_metrics(reports: pd.DataFrame, period: Period) -> dict[str, Any]:
    """乡镇报送: reports due in the period, submitted on or before the due date, 报送及时率, late by township."""
    rows = reports.loc[within(reports["due"], period)]
    on_time = rows["submitted"].notna() & (rows["submitted"] <= rows["due"])
    return {
        "due": int(len(rows)),
        "on_time": int(on_time.sum()),
        "on_time_rate": rate(on_time.sum(), len(rows)),
        "late_by_township": _counts(rows.loc[~on_time, "township"]),
    }


def department_catalog_metrics(items: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Per department, the catalog as of the period end: items, 即办件占比, 网上可办率."""
    in_use = catalog_as_of(items, period)
    frame = pd.DataFrame(
        {
            "items": 1,
            "instant_items": in_use["item_type"] == INSTANT,
            "online_items": in_use["online"].fillna(False).astype(bool),
        }
    )
    sums = frame.groupby(in_use["department"].astype(str)).sum()
    out = pd.DataFrame(index=sums.index)
    out["items"] = sums["items"].astype("int64")
    out["instant_share"] = _ratio(sums["instant_items"], sums["items"])
    out["item_online_rate"] = _ratio(sums["online_items"], sums["items"])
    return out


def target_status(targets, values: dict[str, Any]) -> list[dict[str, Any]]:
    """Each district target with its value this period and whether it is met (达标); value None when unknown.

    `values` maps figure names to numbers, e.g. {"catalog.online_rate": 1.0, "online_rate": 1.0}.
    """
    out = []
    for t in targets:
        value = values.get(t.metric)
        met = None
        if value is not None:
            met = (t.min is None or value >= t.min - 1e-12) and (t.max is None or value <= t.max + 1e-12)
        out.append({"metric": t.metric, "name": t.name, "min": t.min, "max": t.max, "by": t.by, "value": value, "met": met})
    return out


# --- what the prose states beyond the tables (issue 16): shares, hot spots, movement ---------------

# A unit is named as having "较多" complaints only with at least this many in the period, and at least twice the
# mean over the units with complaints (see hotspot_threshold).
COMPLAINT_HOTSPOT_MIN = 3
HOTSPOT_TIMES_MEAN = 2
# How many 超期未办 townships the 存在问题 section names (the largest counts).
OVERDUE_TOWNSHIPS_NAMED = 3
# How many risers / fallers the ranking-change sentence names (only moves of at least MOVE_NAMED_MIN places).
MOVERS_NAMED = 3
MOVE_NAMED_MIN = 3


def shares(counts: dict[str, int], total: int | None) -> dict[str, float | None]:
    """Each count's share of `total` (占比), None where the total is 0 or missing."""
    return {k: rate(v, total) if total else None for k, v in counts.items()}


def hotspot_threshold(counts: dict[str, int]) -> int:
    """The count from which a unit's complaints are 较多: at least COMPLAINT_HOTSPOT_MIN and at least
    HOTSPOT_TIMES_MEAN times the mean per unit concerned (so a quarter's spread-out complaints name nobody)."""
    if not counts:
        return COMPLAINT_HOTSPOT_MIN
    mean = sum(counts.values()) / len(counts)
    return max(COMPLAINT_HOTSPOT_MIN, math.ceil(HOTSPOT_TIMES_MEAN * mean - 1e-9))


def hotspots(counts: dict[str, int], minimum: int = COMPLAINT_HOTSPOT_MIN) -> dict[str, int]:
    """The entries with at least `minimum` (the units a bulletin may call 较多/突出), largest first."""
    return {k: v for k, v in counts.items() if v >= max(minimum, 2)}


def ranking_moves(ranking: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Each ranked unit's previous rank and total and its movement (+3 = rose three places; None = new)."""
    before = {r["department"]: r for r in previous or []}
    out = []
    for r in ranking:
        p = before.get(r["department"])
        out.append({
            "department": r["department"],
            "previous_rank": p["rank"] if p else None,
            "previous_total": p["total"] if p else None,
            "move": p["rank"] - r["rank"] if p else None,
        })
    return out
