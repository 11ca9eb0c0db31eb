"""A period's department scores: the per-department metrics a scheme reads, monthly scores averaged over longer
periods, and whether the data behind them is complete enough to name 先进/后进."""

from __future__ import annotations

import pandas as pd

from bulletin.config import District, Scheme
from bulletin.data.tables import Tables
from bulletin.data.validation import TABLE_LABELS
from bulletin.figures import metrics as m
from bulletin.figures.periods import Period
from bulletin.figures.scoring import average_scores, score_departments
from bulletin.figures.workdays import WorkCalendar


def scored_departments(tables: Tables) -> list[str]:
    """Stationed departments (all when the table is missing, then those seen in cases)."""
    if tables.departments is not None:
        d = tables.departments
        return sorted(d.loc[d["stationed"].fillna(True).astype(bool), "department"].astype(str))
    if tables.cases is not None:
        return sorted(tables.cases["department"].dropna().astype(str).unique())
    return []


def department_metrics(tables: Tables, district: District, calendar: WorkCalendar, period: Period,
                       frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The per-department metrics a scheme's metric items read, for one period (from its case frame when given)."""
    parts = []
    if tables.cases is not None:
        if frame is None:
            frame = m.case_frame(tables.cases, tables.items, period, calendar)
        parts.append(m.department_case_metrics(frame, period))
    if tables.evaluations is not None:
        parts.append(m.department_evaluation_metrics(tables.evaluations, period, district.satisfaction))
    if tables.complaints is not None:
        parts.append(m.department_complaint_metrics(tables.complaints, period))
    return pd.concat(parts, axis=1) if parts else pd.DataFrame()


def period_scores(tables: Tables, district: District, scheme: Scheme, calendar: WorkCalendar, period: Period,
                  departments: list[str], table: pd.DataFrame | None = None,
                  frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """The period's scores: a month scored on its per-department metrics (`table`, computed when not given), a longer
    period as the mean of its months' scores (each month's cases taken from `frame`, the period's case frame, when
    given: the same rows, deadlines computed once)."""
    if period.n_months == 1:
        if table is None:
            table = department_metrics(tables, district, calendar, period, frame)
            table = table.reindex(sorted(set(table.index) | set(departments)))
        return score_departments(scheme, departments, table, tables.inspections, tables.assessment, period)
    monthly = []
    for month in period.month_periods():
        metrics = department_metrics(tables, district, calendar, month, None if frame is None else m.sub_frame(frame, month))
        monthly.append(score_departments(scheme, departments, metrics, tables.inspections, tables.assessment, month))
    return average_scores(scheme, monthly)


# The table each scored metric is computed from (the others come from cases).
_METRIC_TABLES = {"evaluations": "evaluations", "good_rate": "evaluations", "satisfaction": "evaluations",
                  "bad": "evaluations", "rectified_rate": "evaluations", "complaints": "complaints",
                  "complaint_resolved_rate": "complaints"}
_SOURCE_TABLES = {"inspections": "inspections", "manual": "assessment", "bonus": "assessment"}
# Tables so busy that a month without a row means its export is missing, not a quiet month.
_EVERY_MONTH = {"cases": "received_at", "evaluations": "evaluated_at"}


def scores_incomplete(tables: Tables, scheme: Scheme, period: Period) -> str:
    """'' when every table the scheme reads is there with rows in each month of the period; else why the scores
    cannot name 先进/后进 (a Chinese clause naming the missing table or month)."""
    needed = dict.fromkeys(
        _METRIC_TABLES.get(i.metric, "cases") if i.source == "metric" else _SOURCE_TABLES[i.source] for i in scheme.items
    )
    for name in needed:
        table = getattr(tables, name)
        if table is None:
            return f"缺少{TABLE_LABELS[name]}数据,考核依据不完整"
        column = _EVERY_MONTH.get(name)
        if column is None:
            continue
        when = table[column]
        held = set((when.dt.year * 12 + when.dt.month - 1).dropna().astype("int64").unique())  # month indices
        for month in period.month_periods():
            if month.first not in held:
                return f"{month.label}没有{TABLE_LABELS[name]}数据,考核依据不完整"
    return ""
