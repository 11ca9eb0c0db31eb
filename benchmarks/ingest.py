"""Province-scale ingestion: generate exports for many districts as CSV, ingest + validate them, load one
district-month and compute its figures. Prints one table of timings, rows/s and peak memory.

    .venv/bin/python benchmarks/ingest.py                       # 10M cases + ~10M evaluations, 50 districts x 24 months
    .venv/bin/python benchmarks/ingest.py --rows 200000 --districts 4 --dir /tmp/bench   # small run

The data is written under a temporary folder (or --dir) and never inside the repository. The exports
carry real quirks: Chinese headers, a title row above the header and a 合计 row below the data,
GB18030 in every third district, three date styles (2024-06-03 09:12:00, 2024/06/03 09:12,
2024年06月03日 09:12), rating words, full-width item codes and stray spaces.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parents[1]
MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)]
STYLES = {  # date style of a district's exports (district number % 3)
    0: "%Y-%m-%d %H:%M:%S",
    1: "%Y/%m/%d %H:%M",
    2: "%Y年%m月%d日 %H:%M",
}
N_DEPARTMENTS, N_ITEMS = 30, 400
CHANNELS = np.array(["窗口", "一网通办", "全程网办", "掌上办"])
RATING_LABELS = np.array(["", "非常不满意", "不满意", "基本满意", "满意", "非常满意"])
TOWNSHIPS = np.array(["", "城关镇", "东湖街道", "青石镇", "溪口乡", "高新区管委会"])


# --- generating exports -------------------------------------------------------------------------


def _district_id(i: int) -> str:
    return f"d{i:02d}"


def _write_csv(table: pa.Table, path: Path, encoding: str, title: str | None = None, total: bool = False) -> None:
    """A CSV export: optional title line above the header, optional 合计 line below, in the district's encoding."""
    sink = pa.BufferOutputStream()
    pacsv.write_csv(table, sink, pacsv.WriteOptions(quoting_style="none" if table.num_rows else "needed"))
    text = sink.getvalue().to_pybytes()
    if title:
        text = (title + "," * (table.num_columns - 1) + "\n").encode("utf-8") + text
    if total:
        text += ("合计," + str(table.num_rows) + "," * (table.num_columns - 2) + "\n").encode("utf-8")
    if encoding != "utf-8":
        text = text.decode("utf-8").encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text)


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), width, "0"), "")


def _generate_district(data_dir: Path, i: int, cases_per_district: int, evaluations_ratio: float) -> int:
    """Write one district's exports; the number of case and evaluation rows written."""
    rng = np.random.default_rng(1000 + i)
    folder = data_dir / _district_id(i)
    encoding = "gb18030" if i % 3 == 1 else "utf-8"
    style = STYLES[i % 3]
    departments = np.array([f"第{k + 1}局" for k in range(N_DEPARTMENTS)])
    _write_csv(pa.table({"单位名称": departments, "是否进驻": np.where(np.arange(N_DEPARTMENTS) < 28, "是", "否")}),
               folder / "departments.csv", encoding)
    codes = np.array([f"XK{k:04d}" for k in range(N_ITEMS)])
    item_department = departments[np.arange(N_ITEMS) % 28]
    legal = rng.integers(1, 30, N_ITEMS)
    _write_csv(pa.table({
        "事项编码": codes, "事项名称": [f"事项{k}" for k in range(N_ITEMS)], "实施单位": item_department,
        "办件类型": np.where(np.arange(N_ITEMS) % 3 == 0, "即办件", "承诺件"),
        "法定时限": legal, "承诺时限": legal // 2,
    }), folder / "items.csv", encoding, title=f"{_district_id(i)}政务服务事项目录")
    _write_csv(pa.table({"乡镇街道": TOWNSHIPS[1:]}), folder / "townships.csv", encoding)

    per_month = cases_per_district // len(MONTHS)
    written = 0
    for m, month in enumerate(MONTHS):
        n = per_month + (1 if m < cases_per_district % len(MONTHS) else 0)
        start = np.datetime64(f"{month}-01T08:00:00", "s")
        received = start + rng.integers(0, 27, n).astype("timedelta64[D]") + rng.integers(0, 9 * 3600, n).astype("timedelta64[s]")
        completed = received + rng.integers(600, 20 * 86400, n).astype("timedelta64[s]")
        open_ = rng.random(n) < 0.02
        item = rng.integers(0, N_ITEMS, n)
        code = codes[item]
        if i % 3 == 2:  # some exports carry full-width item codes
            code = np.where(rng.random(n) < 0.1, np.char.translate(code.astype(str), _FULL_WIDTH), code)
        case_ids = _ids(f"{_district_id(i).upper()}{month.replace('-', '')}", np.arange(n), 7)
        received_text = pc.strftime(pa.array(received), format=style)
        completed_text = pc.fill_null(pc.strftime(pa.array(completed, mask=open_), format=style), "")
        department = item_department[item]
        department = np.where(rng.random(n) < 0.05, np.char.add(department, " "), department)  # stray spaces
        cases = pa.table({
            "办件编号": case_ids, "受理单位": department, "事项编码": code,
            "乡镇街道": TOWNSHIPS[rng.integers(0, len(TOWNSHIPS), n)], "申办渠道": CHANNELS[rng.integers(0, 4, n)],
            "受理时间": received_text, "办结时间": completed_text,
        })
        _write_csv(cases, folder / "cases" / f"{month}.csv", encoding, title=f"{month}办件明细", total=True)

        k = int(n * evaluations_ratio)
        pick = rng.choice(n, size=k, replace=False) if k <= n else rng.integers(0, n, k)
        rating = rng.choice([5, 4, 3, 2, 1], size=k, p=[0.8, 0.12, 0.04, 0.03, 0.01])
        evaluated = received[pick] + rng.integers(60, 3600, k).astype("timedelta64[s]")
        rectified = evaluated + np.timedelta64(2, "D")
        rating_text = RATING_LABELS[rating] if i % 3 else rating.astype(str)
        evaluations = pa.table({
            "评价编号": _ids(f"E{_district_id(i).upper()}{month.replace('-', '')}", np.arange(k), 7),
            "办件编号": pc.take(case_ids, pa.array(pick)), "被评价单位": item_department[item[pick]],
            "评价渠道": np.where(rng.random(k) < 0.6, "线上", "线下"), "评价等级": rating_text,
            "评价时间": pc.strftime(pa.array(evaluated), format=style),
            "整改时间": pc.fill_null(pc.strftime(pa.array(rectified, mask=rating > 2), format=style), ""),
        })
        _write_csv(evaluations, folder / "evaluations" / f"{month}.csv", encoding)
        written += n + k
    return written


_FULL_WIDTH = str.maketrans("XK0123456789", "ＸＫ０１２３４５６７８９")


def _write_params(params_dir: Path, districts: list[str]) -> None:
    for district in districts:
        path = params_dir / "districts" / f"{district}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"name: {district}区\nscope: 全区\nissuer: {district}区政务服务中心\n", encoding="utf-8")


# --- measuring ----------------------------------------------------------------------------------


class PeakMemory:
    """Peak resident memory of this process plus its children, sampled every 0.1 s (psutil if installed)."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for p in [me, *me.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)
            self._stop.wait(0.1)

    def __enter__(self) -> "PeakMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if not self.peak:  # no psutil: the largest single process (getrusage reports KiB on Linux)
            own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            self.peak = max(own, kids) * 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="case rows over all districts (default 10M)")
    parser.add_argument("--districts", type=int, default=50)
    parser.add_argument("--evaluations", type=float, default=1.0, help="evaluation rows per case row")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: a temporary one, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep generated data (skip generation when present)")
    args = parser.parse_args(argv)

    from bulletin.figures.workdays import load_calendar
    from bulletin.config import load_district
    from bulletin.figures.compute import compute_figures, months_needed
    from bulletin.run.ingest import ingest_many
    from bulletin.figures.periods import parse_period
    from bulletin.data.store import load_tables

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="bulletin-bench-"))
    if ROOT in work.resolve().parents or work.resolve() == ROOT:
        parser.error("--dir must be outside the repository")
    data, params = work / "data", work / "params"
    districts = [_district_id(i) for i in range(args.districts)]
    per_district = args.rows // args.districts
    rows_out: list[tuple[str, str]] = []
    try:
        t0 = time.perf_counter()
        if not (args.keep and (data / districts[-1] / "cases").is_dir()):
            shutil.rmtree(data, ignore_errors=True)
            with ProcessPoolExecutor(max_workers=args.jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
                written = sum(pool.map(_generate_district, [data] * len(districts), range(len(districts)),
                                       [per_district] * len(districts), [args.evaluations] * len(districts)))
        else:
            written = -1
        _write_params(params, districts)
        t1 = time.perf_counter()
        size = sum(p.stat().st_size for p in data.rglob("*.csv"))
        rows_out.append(("generate CSV exports", f"{t1 - t0:8.1f} s  ({written if written >= 0 else 'kept'} rows, "
                                                 f"{size / 2**30:.2f} GiB)"))

        shutil.rmtree(data / ".store", ignore_errors=True)
        with PeakMemory() as memory:
            t2 = time.perf_counter()
            results = list(ingest_many(data, districts, args.jobs))
            t3 = time.perf_counter()
        bad = [r for r in results if not r.ok]
        stored = sum(sum(r.rows.values()) for r in results)
        cases = sum(r.rows.get("cases", 0) for r in results)
        evaluations = sum(r.rows.get("evaluations", 0) for r in results)
        warnings = sum(r.warnings for r in results)
        rows_out.append(("ingest + validate", f"{t3 - t2:8.1f} s  ({cases} cases + {evaluations} evaluations, "
                                              f"{stored / (t3 - t2):,.0f} rows/s, jobs={args.jobs})"))
        rows_out.append(("  districts with errors", f"{len(bad):8d}    (warnings: {warnings})"))
        rows_out.append(("  peak memory (all processes)", f"{memory.peak / 2**30:8.2f} GiB"))

        district, period = districts[0], parse_period("2024-06")
        settings, calendar = load_district(params, district), load_calendar(params)
        t4 = time.perf_counter()
        tables = load_tables(data, district, months=months_needed(period))
        t5 = time.perf_counter()
        figures = compute_figures(tables, settings, None, calendar, period, "monthly")
        t6 = time.perf_counter()
        rows_out.append((f"load one district-month ({district} 2024-06)", f"{t5 - t4:8.3f} s  "
                                                                          f"({len(tables.cases)} cases in its window)"))
        rows_out.append(("compute its figures", f"{t6 - t5:8.3f} s  (received {figures['cases']['received']}, "
                                                f"good rate {figures['evaluations']['good_rate']:.3f})"))
        t7 = time.perf_counter()
        load_tables(data, district)
        rows_out.append(("  (load all months of it, for comparison)", f"{time.perf_counter() - t7:8.3f} s"))
    finally:
        if args.dir is None and not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    width = max(len(name) for name, _ in rows_out)
    print(f"benchmarks/ingest.py  rows={args.rows:,}  districts={args.districts}  months={len(MONTHS)}  "
          f"cpus={os.cpu_count()}  python={sys.version.split()[0]}")
    for name, value in rows_out:
        print(f"{name:<{width}}  {value}")
    if bad:
        for r in bad[:3]:
            print(r.message or r.report.to_text()[:2000], file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
