"""Time the figures of one district-month (30k cases) from validated tables: prints seconds per step.

    .venv/bin/python benchmarks/metrics.py
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from bulletin.figures.workdays import load_calendar
from bulletin.config import load_district, load_scheme
from bulletin.demo import write_demo
from bulletin.figures.compute import compute_figures
from bulletin.figures.metrics import case_frame, case_metrics
from bulletin.figures.periods import parse_period
from bulletin.data.store import load_tables

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data, params = Path(tmp) / "data", Path(tmp) / "params"
        (params / "scoring").mkdir(parents=True)
        (params / "scoring" / "demo.yaml").write_bytes((ROOT / "params" / "scoring" / "demo.yaml").read_bytes())
        write_demo(data, params, districts=["yunhe"], first_month="2023-06", last_month="2024-06", scale=2.5)
        t0 = time.perf_counter()
        load_tables(data, "yunhe")
        t1 = time.perf_counter()
        tables = load_tables(data, "yunhe")
        t2 = time.perf_counter()
        settings = load_district(params, "yunhe")
        scheme = load_scheme(params, "demo")
        calendar = load_calendar(params)
        period = parse_period("2024-06")
        t3 = time.perf_counter()
        frame = case_frame(tables.cases, tables.items, period, calendar)
        cases = case_metrics(frame, period)
        t4 = time.perf_counter()
        compute_figures(tables, settings, scheme, calendar, period, "monthly")
        t5 = time.perf_counter()
    print(f"cases in 2024-06: {cases['received']}, cases in store: {len(tables.cases)}, evaluations: {len(tables.evaluations)}")
    print(f"validate + store (first load):  {t1 - t0:6.2f} s")
    print(f"load from store:                {t2 - t1:6.2f} s")
    print(f"case metrics, one month:        {t4 - t3:6.3f} s")
    print(f"all figures incl. scores:       {t5 - t4:6.3f} s")


if __name__ == "__main__":
    main()
