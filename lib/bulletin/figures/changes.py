"""Change since last time in the ranking (issue 16): months and quarters against the previous one, half years, years
and month ranges against the same period a year earlier; units that rose or fell most, and units in the bottom three
several periods running. Nothing is compared from incomplete scores."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd

from bulletin.config import District, Scheme
from bulletin.data.tables import Tables
from bulletin.figures import metrics as m
from bulletin.figures.period_scores import period_scores, scores_incomplete
from bulletin.figures.periods import Period
from bulletin.figures.scoring import score_summary
from bulletin.figures.workdays import WorkCalendar

# How many periods (this one included) a run in the bottom three is counted back; a longer run is 连续N个月及以上.
RUN_PERIODS_MAX = 6
RUN_UNITS = {"month": "个月", "quarter": "个季度"}
# How a bulletin names the period it compares with, by change_key.
RELATIONS = {"previous": "上期", "year_ago": "上年同期"}


def change_key(period: Period) -> str:
    """What "since last time" compares with: 'previous' (the previous month or quarter) or 'year_ago' (the same
    period a year earlier: half years, years and month ranges). District and regional bulletins alike."""
    return "previous" if period.kind in RUN_UNITS else "year_ago"


def change_base(period: Period) -> Period:
    """The period change_key names."""
    return period.previous() if change_key(period) == "previous" else period.year_ago()


def score_changes(tables: Tables, district: District, scheme: Scheme, calendar: WorkCalendar, period: Period,
                  departments: list[str], figures: dict[str, Any], incomplete: str,
                  frames: dict[str, pd.DataFrame], history_first: int) -> dict[str, Any]:
    """The ranking of the comparison period (see change_base) and each unit's movement; units that rose or fell most;
    units in the bottom three both times, and for months and quarters how many periods running (counted back to
    `history_first`, the first month of data loaded). Nothing is compared when the comparison period lies before
    the data; when either period lacks a table or a month the scheme reads, `previous_incomplete` says why no change
    is stated."""
    key, base = change_key(period), change_base(period)
    relation = RELATIONS[key]
    cases = figures.get("cases") or {}
    unchanged: dict[str, Any] = {"previous": None, "previous_incomplete": None, "moves": [], "risers": [],
                                 "fallers": [], "move_named_min": m.MOVE_NAMED_MIN, "bottom_again": [],
                                 "bottom_runs": [], "run_unit": RUN_UNITS.get(period.kind, "")}
    gap = set(figures.get("data_gaps") or ()) & set(base.months())
    if tables.cases is not None and not (cases.get(key) or {}).get("received") and not gap:
        return unchanged  # nothing to compare with (a gap inside the data is said below)
    why = incomplete or scores_incomplete(tables, scheme, base)
    if why:
        return {**unchanged, "previous_incomplete": {"period": base.text, "period_label": base.label,
                                                     "relation": relation, "reason": why}}
    before = score_summary(period_scores(tables, district, scheme, calendar, base, departments, frame=frames.get(key)),
                           scheme.base)
    moves = m.ranking_moves(figures["scores"]["ranking"], before["ranking"])
    moved = [r for r in moves if r["move"] is not None and abs(r["move"]) >= m.MOVE_NAMED_MIN]
    risers = sorted((r for r in moved if r["move"] > 0), key=lambda r: (-r["move"], r["department"]))[:m.MOVERS_NAMED]
    fallers = sorted((r for r in moved if r["move"] < 0), key=lambda r: (r["move"], r["department"]))[:m.MOVERS_NAMED]
    again = [d for d in figures["scores"]["bottom3"] if d in before["bottom3"]]
    earlier = _earlier_bottoms(tables, district, scheme, calendar, base, departments, history_first)
    runs = bottom_runs(again, earlier) if key == "previous" else []
    return {
        **unchanged,
        "previous": {"period": base.text, "period_label": base.label, "relation": relation,
                     "ranking": before["ranking"], "bottom3": before["bottom3"]},
        "moves": moves,
        "risers": [{"department": r["department"], "move": r["move"]} for r in risers],
        "fallers": [{"department": r["department"], "move": -r["move"]} for r in fallers],
        "bottom_again": again,
        "bottom_runs": runs,
    }


def bottom_runs(again: list[str], earlier: Iterator[list[str]], limit: int = RUN_PERIODS_MAX) -> list[dict[str, Any]]:
    """For each unit in the bottom three now and last time (`again`): how many periods running it has been there,
    reading the bottom three of each earlier period from `earlier` (newest first; it ends where no earlier period
    can be scored) up to `limit` periods in all. `at_least` when the count stopped with the unit still there (at
    the limit or the end of `earlier`): it may have been there longer. Longest runs first."""
    periods = dict.fromkeys(again, 2)
    running = list(again)
    while running and periods[running[0]] < limit:
        bottom = next(earlier, None)
        if bottom is None:
            break
        running = [d for d in running if d in bottom]
        for d in running:
            periods[d] += 1
    out = [{"department": d, "periods": n, "at_least": d in running} for d, n in periods.items()]
    return sorted(out, key=lambda r: -r["periods"])


def _earlier_bottoms(tables: Tables, district: District, scheme: Scheme, calendar: WorkCalendar, base: Period,
                     departments: list[str], history_first: int) -> Iterator[list[str]]:
    """The bottom three of each period before `base`, newest first, while the data is loaded (from `history_first`)
    and the scores complete; each scored only when asked for."""
    step = base.previous()
    while step.first >= history_first and not scores_incomplete(tables, scheme, step):
        frame = None if tables.cases is None else m.case_frame(tables.cases, tables.items, step, calendar)
        scored = period_scores(tables, district, scheme, calendar, step, departments, frame=frame)
        yield score_summary(scored, scheme.base)["bottom3"]
        step = step.previous()
