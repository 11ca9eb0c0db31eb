"""Per-district monthly aggregates: the sums a regional bulletin pools, computed once per changed district.

A case's period-independent facts (item type, deadline, on time, online ...) are fixed when it is
received; what depends on the period is only whether it was completed, or overdue, by the period's
end. So cases are summed by (received month, completion month, month from which it counts as overdue
when still open), and every case figure of any span of whole months is a sum over these rows:

- received  = rows received in the period;
- completed (and instant, same day, early, on time) = those completed by the period's last month;
- overdue_open = rows received up to the last month, open after it, overdue from a month up to it.

Evaluations are summed by (month, rectification month, rating), complaints by (month, resolution month,
callback answer, source). The frames are kept with the columnar store (`store.write_aggregates`), keyed by
this module's version and the work calendar, so a regional bulletin never reads case rows again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bulletin.data.store import ensure_store, read_aggregates, read_store, write_aggregates
from bulletin.data.tables import Tables
from bulletin.errors import DataError
from bulletin.figures.metrics import FULLY_ONLINE, INSTANT
from bulletin.figures.workdays import WorkCalendar

AGGREGATES_VERSION = "1"  # bump when what an aggregate row holds changes
NEVER = 10**6  # month index of "not yet" (open case, unrectified 差评, case without a deadline)
CASE_KEYS = ("month", "completed_month", "overdue_month")
CASE_COUNTS = ("received", "instant", "same_day", "early", "on_time", "online")
TABLES = ("cases", "evaluations", "complaints")


def month_index(values: pd.Series) -> pd.Series:
    """Month index (year * 12 + month - 1, as periods count) of each timestamp; NEVER where missing."""
    out = values.dt.year * 12 + values.dt.month - 1
    return out.fillna(NEVER).astype("int64")


def case_aggregates(cases: pd.DataFrame, items: pd.DataFrame | None, calendar: WorkCalendar) -> pd.DataFrame:
    """Cases summed by (month received, month completed, month from which an open case is overdue)."""
    frame = cases
    if items is not None:
        lookup = items.set_index("item_code")
        days = lookup["promised_days"].astype("Float64").fillna(lookup["legal_days"].astype("Float64"))
        item_type = frame["item_code"].map(lookup["item_type"])
        promised = frame["item_code"].map(days)
    else:
        item_type = pd.Series(pd.NA, index=frame.index, dtype="object")
        promised = pd.Series(np.nan, index=frame.index)
    deadline = calendar.deadlines(frame["received_at"], promised)
    done_day = frame["completed_at"].dt.normalize()
    is_instant = item_type.astype("string").eq(INSTANT).fillna(False).astype(bool)
    no_deadline = deadline.isna()
    # metrics._flags: overdue at a period end E when deadline < E's last day, i.e. from the month of deadline + 1 day
    rows = pd.DataFrame({
        "month": month_index(frame["received_at"]),
        "completed_month": month_index(frame["completed_at"]),
        "overdue_month": month_index(deadline + pd.Timedelta(days=1)),
        "received": 1,
        "instant": is_instant,
        "same_day": is_instant & (done_day == frame["received_at"].dt.normalize()),
        "early": ~is_instant & ~no_deadline & (done_day < deadline),
        "on_time": no_deadline | (done_day <= deadline),
        "online": frame["channel"].isin(FULLY_ONLINE),
    })
    return _sum(rows, CASE_KEYS, CASE_COUNTS)


def evaluation_aggregates(evaluations: pd.DataFrame) -> pd.DataFrame:
    """Evaluations counted by (month evaluated, month rectified, rating)."""
    rows = pd.DataFrame({
        "month": month_index(evaluations["evaluated_at"]),
        "rectified_month": month_index(evaluations["rectified_at"]),
        "rating": evaluations["rating"].astype("int64"),
        "n": 1,
    })
    return _sum(rows, ("month", "rectified_month", "rating"), ("n",))


def complaint_aggregates(complaints: pd.DataFrame) -> pd.DataFrame:
    """Complaints counted by (month received, month resolved, callback answer 1/0/-1 for none, source)."""
    answer = complaints["callback_satisfied"].astype("boolean")
    rows = pd.DataFrame({
        "month": month_index(complaints["received_at"]),
        "resolved_month": month_index(complaints["resolved_at"]),
        "callback": answer.astype("Int64").fillna(-1).astype("int64"),
        "source": complaints["source"].astype("string").fillna("").astype(str),
        "n": 1,
    })
    return _sum(rows, ("month", "resolved_month", "callback", "source"), ("n",))


def _sum(rows: pd.DataFrame, keys: tuple[str, ...], counts: tuple[str, ...]) -> pd.DataFrame:
    """Counts summed per key, sorted by the keys (the same rows give the same bytes)."""
    if rows.empty:
        return pd.DataFrame({**{k: pd.Series(dtype=rows[k].dtype) for k in keys},
                             **{c: pd.Series(dtype="int64") for c in counts}})
    summed = rows.groupby(list(keys), sort=True)[list(counts)].sum().reset_index()
    return summed.astype({c: "int64" for c in counts})


def monthly_aggregates(tables: Tables, calendar: WorkCalendar) -> dict[str, pd.DataFrame]:
    """The aggregate frames of one district's tables (only of the tables it has)."""
    out: dict[str, pd.DataFrame] = {}
    if tables.cases is not None:
        out["cases"] = case_aggregates(tables.cases, tables.items, calendar)
    if tables.evaluations is not None:
        out["evaluations"] = evaluation_aggregates(tables.evaluations)
    if tables.complaints is not None:
        out["complaints"] = complaint_aggregates(tables.complaints)
    return out


@dataclass(frozen=True)
class Aggregates:
    """One district's aggregate frames; a table the district does not export is None."""

    district: str
    cases: pd.DataFrame | None = None
    evaluations: pd.DataFrame | None = None
    complaints: pd.DataFrame | None = None

    def missing(self) -> list[str]:
        """Tables (cases, evaluations, complaints) this district has no data for."""
        return [t for t in TABLES if getattr(self, t) is None]


def calendar_key(calendar: WorkCalendar) -> str:
    """The aggregates' key: this module's version and a hash of the working days the deadlines were counted on."""
    digest = hashlib.sha256(AGGREGATES_VERSION.encode())
    for name, days in (("holidays", calendar.holidays), ("workdays", calendar.workdays), ("years", calendar.years)):
        digest.update(f"{name}:{','.join(sorted(str(d) for d in days))}\n".encode())
    return f"v{AGGREGATES_VERSION}-{digest.hexdigest()[:16]}"


def district_aggregates(data_dir: Path, district: str, calendar: WorkCalendar) -> Aggregates:
    """The district's aggregates: read from its store, or computed from its tables once and kept there.

    DataError (with the validation report) when the district's data has errors."""
    folder, report, tables = ensure_store(Path(data_dir), district)
    if folder is None and tables is None:
        raise DataError(f"{district} 的数据有{len(report.errors)}处错误", report)
    key = calendar_key(calendar)
    frames = read_aggregates(folder, key) if folder is not None else None
    if frames is None:
        frames = monthly_aggregates(tables if tables is not None else read_store(folder), calendar)
        if folder is not None:
            write_aggregates(folder, key, frames)
    return Aggregates(district, **{t: frames.get(t) for t in TABLES})
