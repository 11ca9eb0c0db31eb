"""One figures dict per district x period x kind: every number a bulletin states (the <kind>.json)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from bulletin.figures import metrics as m
from bulletin.figures.workdays import WorkCalendar
from bulletin.errors import CalendarError
from bulletin.config import District, Scheme
from bulletin.figures.changes import change_key, score_changes
from bulletin.figures.period_scores import period_scores, scored_departments, scores_incomplete
from bulletin.figures.periods import Period
from bulletin.figures.scoring import score_summary
from bulletin.data.privacy import mask_text
from bulletin.data.tables import Tables

TREND_MONTHS = 12


def compute_figures(
    tables: Tables,
    district: District,
    scheme: Scheme | None,
    calendar: WorkCalendar,
    period: Period,
    kind: str,
) -> dict[str, Any]:
    """The figures of one bulletin, as plain JSON-ready values (rates as fractions, None where undefined)."""
    figures: dict[str, Any] = {
        "district": district.id,
        "district_name": district.name,
        "period": period.text,
        "period_label": period.label,
        "kind": kind,
        "demo": district.demo,
        "tables": tables.present(),
    }
    per_department: list[pd.DataFrame] = []
    base_frames: dict[str, pd.DataFrame] = {}  # the case frames of the period and its 同比/环比 bases, reused to score them
    if tables.cases is not None:
        figures["cases"], dept_cases = _cases(tables, calendar, period, base_frames)
        gaps = figures["cases"].pop("data_gaps")
        if gaps:
            figures["data_gaps"] = gaps
            figures["data_gap_labels"] = [f"{int(g[:4])}年{int(g[5:7])}月" for g in gaps]
        figures["trend"] = _trend(tables.cases, period)
        if period.kind == "quarter" and (period.last % 12) == 11:  # Q4: 全年累计 as well
            ytd = period.year_to_date()
            whole = m.case_metrics(m.case_frame(tables.cases, tables.items, ytd, calendar), ytd)
            figures["year_to_date"] = {"period": ytd.text, "period_label": ytd.label,
                                       **{k: whole[k] for k in (*m.COUNT_KEYS, *m.RATE_KEYS)}}
        per_department.append(dept_cases)
    if tables.evaluations is not None:
        figures["evaluations"] = m.evaluation_metrics(tables.evaluations, period, district.satisfaction)
        per_department.append(m.department_evaluation_metrics(tables.evaluations, period, district.satisfaction))
        months = _trend_months(period)
        by_month = m.monthly_evaluations(tables.evaluations, months)
        figures["evaluation_trend"] = {"months": months, **{k: by_month[k].tolist() for k in by_month.columns}}
    if tables.complaints is not None:
        figures["complaints"] = m.complaint_metrics(tables.complaints, period)
        per_department.append(m.department_complaint_metrics(tables.complaints, period))
    if tables.items is not None:
        figures["catalog"] = m.catalog_metrics(tables.items, period)
        per_department.append(m.department_catalog_metrics(tables.items, period))
    if tables.inspections is not None:
        figures["inspections"] = m.inspection_metrics(tables.inspections, period)
        figures["inspections"]["findings"] = _records(m.inspection_findings(tables.inspections, period))
    if tables.services is not None:
        figures["services"] = m.service_metrics(tables.services, period)
    if tables.leader_visits is not None:
        figures["leader_visits"] = m.leader_visit_metrics(tables.leader_visits, period)
    if tables.certificates is not None:
        figures["certificates"] = m.certificate_metrics(tables.certificates, period)
    if tables.staff_scores is not None:
        figures["staff"] = _staff(m.staff_ranking(tables.staff_scores, period), district.publish_staff)
    if tables.attendance is not None:
        figures["attendance"] = m.attendance_metrics(tables.attendance, period)
    if tables.township_reports is not None:
        figures["township_reports"] = m.township_report_metrics(tables.township_reports, period)
    if district.targets:
        figures["targets"] = m.target_status(district.targets, _flat(figures))

    departments = scored_departments(tables)
    table = pd.concat(per_department, axis=1) if per_department else pd.DataFrame()
    table = table.reindex(sorted(set(table.index) | set(departments)))
    if scheme is not None and departments:
        scored = period_scores(tables, district, scheme, calendar, period, departments, table, base_frames.get("current"))
        incomplete = scores_incomplete(tables, scheme, period)
        figures["scores"] = {"scheme": scheme.name, "months_averaged": period.n_months,
                             **score_summary(scored, scheme.base, incomplete)}
        figures["scores"]["items"] = [
            {"id": i.id, "name": i.name, "category": i.category, "source": i.source} for i in scheme.items
        ]
        table = scored.set_index("department").join(table, how="left").reset_index()
        figures["scores"].update(score_changes(tables, district, scheme, calendar, period, departments, figures,
                                               incomplete, base_frames, _first_month_needed(period)))
    else:
        table = table.rename_axis("department").reset_index()
    figures["departments"] = _records(table)
    # Analyst notes are free text too: an ID or phone number pasted into them is masked like any cell.
    figures["notes"] = {k: mask_text(v) if isinstance(v, str) else v for k, v in district.notes_for(period).items()}
    figures["issue_date"] = figures["notes"].pop("date", None) or issue_date(calendar, period)
    _statements(figures, period)
    return clean(figures)


def _cases(tables: Tables, calendar: WorkCalendar, period: Period,
           base_frames: dict[str, pd.DataFrame] | None = None) -> tuple[dict[str, Any], pd.DataFrame]:
    frame = m.case_frame(tables.cases, tables.items, period, calendar)
    if base_frames is not None:
        base_frames["current"] = frame
    result = m.case_metrics(frame, period)
    bases = {"year_ago": period.year_ago(), "previous": period.previous()}
    for key, base in bases.items():
        base_frame = m.case_frame(tables.cases, tables.items, base, calendar)
        if base_frames is not None:
            base_frames[key] = base_frame
        base_metrics = m.case_metrics(base_frame, base)
        result[key] = {
            "period": base.text,
            "period_label": base.label,
            **{k: base_metrics[k] for k in (*m.COUNT_KEYS, *m.RATE_KEYS)},
            "online_share": _online_share(base_metrics),
        }
        result[{"year_ago": "vs_year_ago", "previous": "vs_previous"}[key]] = m.compare(result, base_metrics)
    result["yoy"] = m.change(result["received"], result["year_ago"]["received"] or None)
    result["mom"] = m.change(result["received"], result["previous"]["received"] or None)
    # A month without a single case is a missing export, not a 100% fall: no comparison that involves it.
    gaps = m.missing_months(tables.cases, sorted({*period.months(), *bases["year_ago"].months(), *bases["previous"].months()}))
    for key, change_key, base in (("vs_year_ago", "yoy", bases["year_ago"]), ("vs_previous", "mom", bases["previous"])):
        if set(gaps) & {*period.months(), *base.months()}:
            result[change_key] = None
            result[key] = dict.fromkeys(result[key])
    result["data_gaps"] = gaps
    return result, m.department_case_metrics(frame, period)


def _trend(cases: pd.DataFrame, period: Period) -> dict[str, Any]:
    """Received and completed per month over the last 12 months up to the period end (or the period's months)."""
    months = _trend_months(period)
    series = m.monthly_cases(cases, months)
    return {"months": months, "received": series["received"].tolist(), "completed": series["completed"].tolist()}


ISSUE_WORKDAYS = 5


def issue_date(calendar: WorkCalendar, period: Period) -> str:
    """The date printed under the signature: the 5th working day after the period ends (an analyst may set
    `notes.<period>.date`); 7 calendar days after it when no calendar covers that time yet."""
    end = pd.Series([pd.Timestamp(period.end)])
    try:
        day = calendar.deadlines(end, pd.Series([ISSUE_WORKDAYS]))[0]
    except CalendarError:
        day = end[0] + pd.Timedelta(days=7)
    return day.strftime("%Y-%m-%d")


def months_needed(period: Period) -> tuple[str, str]:
    """First and last month of data the period's figures read: its trend, 同比 and 环比 periods up to its last
    month (cases received earlier and still open at the first month come along, see store.load_tables)."""
    first = _first_month_needed(period)
    return Period(first, first, "month").text, Period(period.last, period.last, "month").text


def _first_month_needed(period: Period) -> int:
    """The month index months_needed starts at."""
    bases = (period, period.year_ago(), period.previous())
    return min(min(p.first for p in bases), period.last - TREND_MONTHS + 1)


def _trend_months(period: Period) -> list[str]:
    """The months a trend chart shows: the period's own months when it spans several, else the last 12."""
    if period.n_months > 1:
        return period.months()
    return [p.text for p in Period(period.last - TREND_MONTHS + 1, period.last, "range").month_periods()]


STAFF_SHOWN = 10


def _staff(ranking: pd.DataFrame, publish: bool) -> dict[str, Any]:
    """个人考评: how many were scored and the mean; the top names only where the district publishes them."""
    out: dict[str, Any] = {"scored": int(len(ranking)), "mean": float(ranking["score"].mean()) if len(ranking) else None}
    if publish:
        out["top"] = _records(ranking.head(STAFF_SHOWN))
    return out


def _flat(figures: dict[str, Any]) -> dict[str, Any]:
    """Numeric figures by 'section.name' and, where unambiguous in section order, by bare name (for targets)."""
    out: dict[str, Any] = {}
    for section in ("cases", "catalog", "evaluations", "complaints", "township_reports", "services"):
        for key, value in figures.get(section, {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out[f"{section}.{key}"] = value
                out.setdefault(key, value)
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in frame.to_dict(orient="records"):
        out.append({str(k): _plain(v) for k, v in row.items()})
    return out


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if value == value.normalize() else value.isoformat()
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def clean(value: Any) -> Any:
    """The value with numpy scalars made plain and NaN/inf made None, recursively (JSON-ready)."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return _plain(value)


# --- figures the prose states (issue 16): every number a sentence gives lands in the JSON -----------


def _online_share(cases: dict[str, Any]) -> float | None:
    """网上申办占比: cases received through any channel but the 窗口, over all received."""
    return m.rate(sum(v for k, v in cases["by_channel"].items() if k != "窗口"), cases["received"])


def _statements(figures: dict[str, Any], period: Period) -> None:
    """Add the shares, counts and flags the sentences state, so the text reads figures only (never computes)."""
    last = Period(period.last, period.last, "month")
    figures["as_of_label"] = last.label  # 截至 names the period's last month (截至2024年11月末)
    since = change_key(period)
    figures["compare"] = {"bases": ["previous", "year_ago"] if since == "previous" else ["year_ago"], "since": since}
    c = figures.get("cases")
    if c:
        online = {k: v for k, v in c["by_channel"].items() if k != "窗口"}
        c["online"] = int(sum(online.values()))
        c["online_share"] = _online_share(c)
        for key in ("previous", "year_ago"):
            was = c[key].get("online_share")
            c["vs_" + key]["online_share"] = None if was is None or c["online_share"] is None else c["online_share"] - was
        c["channel_share"] = m.shares(c["by_channel"], c["received"])
        c["township_total"] = int(sum(c["by_township"].values()))
        c["overdue_township_total"] = int(sum(c["overdue_by_township"].values()))
        c["overdue_townships_named"] = dict(list(c["overdue_by_township"].items())[:m.OVERDUE_TOWNSHIPS_NAMED])
        c["departments_received"] = len(c["by_department"])
        c["same_change"] = (c["yoy"] is not None and c["mom"] is not None
                            and round(c["yoy"] * 1000) == round(c["mom"] * 1000))
    e = figures.get("evaluations")
    if e:
        e["unrectified"] = int(e["bad"] - e["rectified"])
        e["satisfaction_is_good_rate"] = e["satisfaction"] == e["good_rate"]
    k = figures.get("complaints")
    if k:
        k["with_department"] = int(sum(k["by_department"].values()))
        k["without_department"] = int(k["total"] - k["with_department"])
        k["departments"] = len(k["by_department"])
        k["hotspot_min"] = m.hotspot_threshold(k["by_department"])
        k["hotspots"] = m.hotspots(k["by_department"], k["hotspot_min"])
        k["hotspot_times_mean"] = m.HOTSPOT_TIMES_MEAN
        k["max_per_department"] = max(k["by_department"].values(), default=0)
    cert = figures.get("certificates")
    if cert:
        cert["types"] = len(cert["by_type"])
    a = figures.get("attendance")
    if a:
        a["departments"] = len(a["by_department"])
    i = figures.get("inspections")
    if i:
        i["departments"] = len(i["by_department"])
    t = figures.get("targets")
    if t:
        stated = [x for x in t if x["value"] is not None]
        figures["targets_summary"] = {"stated": len(stated), "met": sum(1 for x in stated if x["met"]),
                                      "missed": sum(1 for x in stated if not x["met"])}
